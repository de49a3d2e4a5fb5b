//! The record reader takes any record `JSON.parse` takes: any key order (a store that sorts keys),
//! any depth (an app storing a deeply nested body), white space between tokens.

#![allow(clippy::unwrap_used)]

use session_core::session::{data_part, Input, Record, Session, SessionOptions};

const COOKIE: &str = r#"{"originalMaxAge":3600000,"expires":"2026-01-01T01:00:00.000Z","httpOnly":true,"path":"/"}"#;

fn nested(depth: usize) -> String {
    format!("{}1{}", "[".repeat(depth), "]".repeat(depth))
}

#[test]
fn sorted_keys_read_as_cookie_first() {
    let sorted = format!(r#"{{"a":{{"b":1}},"cookie":{COOKIE},"z":"last"}}"#);
    let r = Record::parse(&sorted).unwrap();
    assert_eq!(r.data, r#"{"a":{"b":1},"z":"last"}"#);
    assert_eq!(r.times().expires, Some(1_767_229_200_000));
    assert_eq!(r.to_json(), format!(r#"{{"cookie":{COOKIE},"a":{{"b":1}},"z":"last"}}"#));
    // cookie last, and absent
    assert_eq!(data_part(&format!(r#"{{"n":1,"cookie":{COOKIE}}}"#)).unwrap(), r#"{"n":1}"#);
    assert_eq!(Record::parse(r#"{"n":1}"#).unwrap().data, r#"{"n":1}"#);
}

#[test]
fn any_depth_reads_without_recursion() {
    for depth in [129, 1_000, 20_000, 200_000] {
        let deep = nested(depth);
        let first = format!(r#"{{"cookie":{COOKIE},"x":{deep}}}"#);
        let r = Record::parse(&first).unwrap();
        assert_eq!(r.data.len(), deep.len() + 6);
        let sorted = format!(r#"{{"a":{deep},"cookie":{COOKIE}}}"#);
        assert_eq!(Record::parse(&sorted).unwrap().times().expires, Some(1_767_229_200_000));
    }
    // deep values inside the cookie object are kept as text too
    let odd = format!(r#"{{"cookie":{{"path":"/","extra":{}}}}}"#, nested(50_000));
    assert!(Record::parse(&odd).unwrap().to_json().ends_with("]}}"));
}

#[test]
fn white_space_and_escaped_keys() {
    let spaced = "{ \"user\" : \"a\" ,\n \"cookie\" : { \"path\" : \"/\" , \"expires\" : null } }";
    let r = Record::parse(spaced).unwrap();
    assert_eq!(r.data, r#"{"user":"a"}"#);
    assert_eq!(r.to_json(), r#"{"cookie":{"path":"/","expires":null},"user":"a"}"#);
    let escaped = r#"{"\u0063ookie":{"path":"/x"},"n":1}"#;
    assert_eq!(Record::parse(escaped).unwrap().data, r#"{"n":1}"#);
    // what JSON.parse refuses is refused, never a panic
    for bad in ["", "[]", "{", "{\"cookie\":", "{\"cookie\":1}", "{\"a\" 1}", "{\"a\":1,}", "{} x", "{\"a\":[1}"] {
        assert!(Record::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn decide_reads_sorted_and_deep_records() {
    let s = Session::new(SessionOptions { resave: false, ..Default::default() }, &["keyboard cat"]).unwrap();
    let id = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    let record = format!(r#"{{"a":{},"cookie":{COOKIE},"z":2}}"#, nested(20_000));
    let input = format!(
        r#"{{"phase":"both","now":1767225600000,"secure":false,"cookieId":"{id}","cookieSecretIndex":0,"sessionId":"{id}","id":"{id}","originalId":"{id}","original":{record},"saved":{record},"session":{record},"destroyed":false,"touched":false,"storeTouch":true}}"#
    );
    let input: Input = serde_json::from_str(&input).unwrap();
    let out = s.decide(&input).unwrap();
    assert!(!out.save && out.touch, "unchanged: touched, not saved");
    assert!(out
        .record
        .unwrap()
        .starts_with(r#"{"cookie":{"originalMaxAge":3600000,"expires":"2026-01-01T01:00:00.000Z""#));
}
