//! Properties, with fixed seeds (the same cases on every run and machine): round trips, and that
//! any change of a signed or sealed value that changes what it decodes to is refused, while
//! encodings of the same value are read alike; key rotation never accepts a removed key; expiry
//! arithmetic is total over every i64 time. PROPTEST_CASES raises the count for a long run.

#![allow(clippy::unwrap_used)]
// native only: proptest is a native dev-dependency (the wasm test runs the vectors)
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};
use session_core::client::{seal, Algorithm, Keygrip};
use session_core::cookie::{encode_uri_component, parse_cookie, SerializeOptions};
use session_core::session::{deadline, ended, touched_expires, CookieTimes, Record, Session, SessionOptions, Timeouts};
use session_core::{serialize_cookie, Signer};

fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256);
    Config { cases, rng_seed: RngSeed::Fixed(0x5e55_10c0), failure_persistence: None, ..Config::default() }
}

/// A change of `s` (a byte changed, dropped or added, or a cut) picked by `pick`.
fn tamper(s: &str, pick: (u8, usize, u8)) -> String {
    let mut b = s.as_bytes().to_vec();
    let i = pick.1 % (b.len() + 1);
    match pick.0 % 4 {
        0 if i < b.len() => b[i] = if b[i] == pick.2 { pick.2.wrapping_add(1) } else { pick.2 },
        1 if i < b.len() => {
            b.remove(i);
        }
        2 => b.insert(i, pick.2),
        _ => b.truncate(i.min(b.len().saturating_sub(1))),
    }
    String::from_utf8_lossy(&b).into_owned()
}

const TOKEN: &str = "[!#$%&'*+.^_`|~0-9A-Za-z-]{1,16}";

proptest! {
    #![proptest_config(config())]

    #[test]
    fn serialize_then_parse_gives_the_value(name in TOKEN, value in any::<String>()) {
        let header = serialize_cookie(&name, &value, &SerializeOptions::default()).unwrap();
        let pair = header.split(';').next().unwrap();
        let parsed = parse_cookie(pair);
        if name != "__proto__" {
            prop_assert_eq!(parsed, vec![(name.clone(), value.clone())]);
        }
    }

    #[test]
    fn sign_then_unsign_and_nothing_else(value in any::<String>(), secret in "[ -~]{1,40}", pick in any::<(u8, usize, u8)>()) {
        let signer = Signer::new(&[secret.as_bytes()]).unwrap();
        let signed = signer.sign(&value);
        let u = signer.unsign(&signed).unwrap();
        prop_assert_eq!(&u.value, &value);
        prop_assert_eq!(u.secret_index, 0);
        let changed = tamper(&signed, pick);
        if changed != signed {
            // what verifies is only ever the value signed (the value itself may not change)
            if let Some(u) = signer.unsign(&changed) {
                prop_assert_eq!(signer.sign(&u.value), changed);
            }
        }
    }

    #[test]
    fn a_removed_key_is_never_accepted(value in "[ -~]{0,40}", keys in proptest::collection::vec("[a-z]{8}", 2..5)) {
        let old = Signer::new(&[keys[0].as_str()]).unwrap().sign(&value);
        let rest: Vec<&str> = keys[1..].iter().map(String::as_str).filter(|k| *k != keys[0]).collect();
        if !rest.is_empty() {
            prop_assert!(Signer::new(&rest).unwrap().unsign(&old).is_none());
        }
    }

    #[test]
    fn a_session_cookie_reads_alike_in_either_percent_case(id in "[A-Za-z0-9_-]{32}") {
        let s = Session::new(SessionOptions::default(), &["keyboard cat"]).unwrap();
        let value = s.cookie_value(&id);
        let upper = format!("connect.sid={}", encode_uri_component(&value));
        let lower = upper.replace("%3A", "%3a").replace("%2F", "%2f").replace("%2B", "%2b");
        prop_assert_eq!(s.cookie_id(&upper).map(|c| c.id), Some(id.clone()));
        prop_assert_eq!(s.cookie_id(&lower).map(|c| c.id), Some(id));
    }

    #[test]
    fn seal_then_open_and_nothing_else(payload in any::<Vec<u8>>(), secret in "[ -~]{8,40}", pick in any::<(u8, usize, u8)>()) {
        let key = seal::SealKey::derive(secret.as_bytes());
        let sealed = seal::seal(&key, "session", &payload).unwrap();
        let (opened, index) = seal::open(std::slice::from_ref(&key), "session", &sealed).unwrap();
        prop_assert_eq!(&opened, &payload);
        prop_assert_eq!(index, 0);
        let changed = tamper(&sealed, pick);
        if changed != sealed {
            if let Ok((other, _)) = seal::open(std::slice::from_ref(&key), "session", &changed) {
                prop_assert_eq!(other, payload, "only a change that decodes to the same value may open");
            }
        }
    }

    #[test]
    fn keygrip_sign_then_verify_and_nothing_else(data in any::<String>(), keys in proptest::collection::vec("[ -~]{1,20}", 1..4), sha256 in any::<bool>(), pick in any::<(u8, usize, u8)>()) {
        let alg = if sha256 { Algorithm::Sha256 } else { Algorithm::Sha1 };
        let k = Keygrip::new(&keys, alg).unwrap();
        let digest = k.sign(&data);
        prop_assert_eq!(k.index(&data, &digest), Some(0));
        let changed = tamper(&digest, pick);
        if changed != digest {
            prop_assert_eq!(k.index(&data, &changed), None);
        }
    }

    #[test]
    fn a_record_written_back_reads_the_same(n in any::<i64>(), s in any::<String>(), expires in proptest::option::of(-8_640_000_000_000_000i64..8_640_000_000_000_000)) {
        let mut cookie = serde_json::json!({ "originalMaxAge": 3_600_000, "httpOnly": true, "path": "/" });
        if let Some(ms) = expires {
            let r = Record::parse(&format!(r#"{{"cookie":{cookie}}}"#)).unwrap();
            let mut r = r;
            r.set_expires(Some(ms));
            cookie = serde_json::from_str(&r.to_json()).map(|v: serde_json::Value| v["cookie"].clone()).unwrap();
        }
        let text = serde_json::json!({ "cookie": cookie, "n": n, "s": s }).to_string();
        let r = Record::parse(&text).unwrap();
        let again = Record::parse(&r.to_json()).unwrap();
        prop_assert_eq!(again.to_json(), r.to_json());
        prop_assert_eq!(again.expires(), r.expires());
        prop_assert_eq!(again.get("s").map(str::to_owned), r.get("s").map(str::to_owned));
    }

    #[test]
    fn expiry_arithmetic_is_total(now in any::<i64>(), a in proptest::option::of(any::<i64>()), b in proptest::option::of(any::<i64>()), c in proptest::option::of(any::<i64>()), m in proptest::option::of(any::<f64>()), idle in proptest::option::of(any::<f64>()), abs in proptest::option::of(any::<f64>())) {
        let times = CookieTimes { expires: a, original_max_age: m, created_at: b, last_seen: c };
        let t = Timeouts { idle_timeout: idle, absolute_timeout: abs, touch_after: None };
        let _ = ended(&times, now, &t);
        let _ = deadline(&times, &t);
        let _ = touched_expires(m, now);
        let _ = t.seen_due(c, now);
    }
}

/// A JSON value: scalars, and arrays and objects of them, a few levels deep.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<String>().prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            proptest::collection::btree_map("[a-c]", inner, 0..4)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A session record: a cookie and top-level keys from a small set (so requests share keys).
fn record() -> impl Strategy<Value = serde_json::Value> {
    (proptest::collection::btree_map("[a-e]|ké|\"q", json_value(), 0..5), 0i64..10_000).prop_map(|(data, n)| {
        let mut o = serde_json::Map::new();
        o.insert("cookie".into(), serde_json::json!({ "originalMaxAge": n, "httpOnly": true, "path": "/" }));
        o.extend(data);
        serde_json::Value::Object(o)
    })
}

proptest! {
    #![proptest_config(config())]

    /// The delta of a request, applied to the record it was taken against, gives the record as the
    /// request left it; applied to a record others changed meanwhile, it keeps their other keys.
    #[test]
    fn a_delta_applied_gives_what_the_request_left(base in record(), now in record(), other in record()) {
        use session_core::session::{apply, delta, Ops};
        let (b, n) = (base.to_string(), now.to_string());
        let d = delta(&b, &n, &Ops::default()).unwrap();
        let merged: serde_json::Value = serde_json::from_str(&apply(&b, &d).unwrap()).unwrap();
        prop_assert_eq!(&merged, &now);
        // someone else's record: each key the request did not touch keeps the stored value
        let theirs: serde_json::Value = serde_json::from_str(&apply(&other.to_string(), &d).unwrap()).unwrap();
        for (k, v) in other.as_object().unwrap() {
            if k != "cookie" && base.get(k) == now.get(k) {
                prop_assert_eq!(theirs.get(k), Some(v));
            }
        }
        for (k, v) in now.as_object().unwrap() {
            if base.get(k) != Some(v) {
                prop_assert_eq!(theirs.get(k), Some(v), "a key the request set lands");
            }
        }
    }
}
