//! The decision gives the delta of a save when asked (no lost updates): against the record as last saved,
//! or as loaded; with the request's increments and pushes; the cookie as the decision left it.

#![allow(clippy::unwrap_used)]

use session_core::session::{apply, Input, Session, SessionOptions};

const LOADED: &str = r#"{"cookie":{"originalMaxAge":60000,"expires":"2026-01-01T00:01:00.000Z","httpOnly":true,"path":"/"},"user":"alice","n":1,"cart":[],"gone":true}"#;
const NOW: &str = r#"{"cookie":{"originalMaxAge":60000,"expires":"2026-01-01T00:01:00.000Z","httpOnly":true,"path":"/"},"user":"bob","n":3,"cart":["x"]}"#;

fn decide(extra: &str) -> session_core::session::Output {
    let s = Session::new(SessionOptions::default(), &["keyboard cat"]).unwrap();
    let text = format!(
        r#"{{"phase":"end","now":1767225600000,"secure":false,"cookieId":"A","sessionId":"A","id":"A","originalId":"A","original":{LOADED},"session":{NOW}{extra}}}"#
    );
    let input: Input = serde_json::from_str(&text).unwrap();
    s.decide(&input).unwrap()
}

#[test]
fn a_save_carries_the_delta_when_asked() {
    assert_eq!(decide("").delta, None, "not asked: no delta");
    let out = decide(r#","wantDelta":true,"inc":"{\"n\":2}","push":"{\"cart\":[\"x\"]}""#);
    assert!(out.save);
    let delta = out.delta.unwrap();
    // the cookie is the one the decision touched (expires moved to now + originalMaxAge)
    assert_eq!(
        delta,
        r#"{"set":{"user":"bob"},"unset":["gone"],"inc":{"n":2},"push":{"cart":["x"]},"cookie":{"originalMaxAge":60000,"expires":"2026-01-01T00:01:00.000Z","httpOnly":true,"path":"/"}}"#
    );
    // nobody wrote meanwhile: applying it to the loaded record gives the record the decision made
    assert_eq!(apply(LOADED, &delta).unwrap(), out.record.unwrap());
    // somebody did: their keys stay, the counter and the list count from what is stored
    let other = LOADED.replace(r#""n":1"#, r#""n":10,"theirs":1"#).replace(r#""cart":[]"#, r#""cart":["y"]"#);
    assert_eq!(
        apply(&other, &delta).unwrap(),
        r#"{"cookie":{"originalMaxAge":60000,"expires":"2026-01-01T00:01:00.000Z","httpOnly":true,"path":"/"},"user":"bob","n":12,"theirs":1,"cart":["y","x"]}"#
    );
}

#[test]
fn the_delta_of_a_session_saved_earlier_is_against_that_save() {
    let saved = NOW.replace(r#""user":"bob""#, r#""user":"carol""#);
    let out = decide(&format!(r#","wantDelta":true,"saved":{saved}"#));
    assert_eq!(
        out.delta.unwrap(),
        format!(r#"{{"set":{{"user":"bob"}},"cookie":{}}}"#, &NOW[10..NOW.find("},").unwrap() + 1])
    );
}

/// Mangled records and deltas (bytes dropped, doubled, swapped for JSON's own punctuation) give a
/// result or an error, never a panic: apply and delta read input that a store or a client shaped.
#[test]
fn mangled_input_never_panics() {
    let seeds = [
        LOADED,
        NOW,
        r#"{"set":{"a":[1,{"b":"\u00e9\\"}]},"unset":["x","\"y"],"inc":{"n":-1.5e3},"push":{"l":[[],{}]},"cookie":{"path":"/"}}"#,
    ];
    const PIECES: &[&str] = &["{", "}", "[", "]", "\"", "\\", ",", ":", " ", "1", "-", "e", "é", "😀", "null", "\\u00"];
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    for _ in 0..20_000 {
        let mut text: Vec<&str> = seeds[next(seeds.len())].split_inclusive(|_| true).collect();
        for _ in 0..=next(4) {
            let at = next(text.len() + 1);
            match next(3) {
                0 if at < text.len() => {
                    text.remove(at);
                }
                1 if at < text.len() => text.insert(at, text[at]),
                _ => text.insert(at.min(text.len()), PIECES[next(PIECES.len())]),
            }
        }
        let mangled: String = text.concat();
        let other = seeds[next(seeds.len())];
        let _ = apply(&mangled, other);
        let _ = apply(other, &mangled);
        let _ = session_core::session::delta(&mangled, other, &Default::default());
        let ops = session_core::session::Ops { inc: Some(&mangled), push: Some(&mangled) };
        let _ = session_core::session::delta(other, other, &ops);
    }
}
