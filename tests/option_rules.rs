//! Each option rule reads the same whichever door refused: the options checker (the JSON the JS
//! doors hand over, `session_core::options`) and the typed Rust constructors (`SessionOptions`,
//! `Session::new`, `ClientSession::new`, the server layer's `SessionConfig` and
//! `CookieSessionLayer`) give the same code and the same message for the same fault.
#![allow(clippy::unwrap_used)]

use serde_json::json;
use session_core::client::{ClientOptions, ClientSession, Compress, MigrateSigned};
use session_core::options::{cookie_session_options, express_options};
use session_core::session::{Session, SessionOptions, Timeouts};
use session_core::Error;

#[track_caller]
fn same(typed: Result<impl std::fmt::Debug, Error>, options: Result<impl std::fmt::Debug, Error>) {
    let (typed, options) = (typed.unwrap_err(), options.unwrap_err());
    assert_eq!((typed.code(), typed.to_string()), (options.code(), options.to_string()));
}

#[test]
fn the_express_rules_read_alike() {
    let opts = |o: SessionOptions| o.validate();
    let name = SessionOptions { name: "a b".into(), ..Default::default() };
    same(opts(name), express_options(&json!({ "secret": "s", "name": "a b" })));
    let unset = SessionOptions { unset: "forget".into(), ..Default::default() };
    same(opts(unset), express_options(&json!({ "secret": "s", "unset": "forget" })));
    let idle =
        SessionOptions { timeouts: Timeouts { idle_timeout: Some(-1.0), ..Default::default() }, ..Default::default() };
    same(opts(idle), express_options(&json!({ "secret": "s", "idleTimeout": -1 })));
    let none: &[&str] = &[];
    same(Session::new(SessionOptions::default(), none), express_options(&json!({ "secret": [] })));
}

#[test]
fn the_cookie_session_rules_read_alike() {
    let core = |o: ClientOptions, keys: &[&str]| ClientSession::new(o, keys).map(|_| ());
    let d = ClientOptions::default;
    same(
        core(ClientOptions { name: "a b".into(), ..d() }, &["k"]),
        cookie_session_options(&json!({ "keys": ["k"], "name": "a b" })),
    );
    same(
        core(ClientOptions { algorithm: "md5".into(), ..d() }, &["k"]),
        cookie_session_options(&json!({ "keys": ["k"], "algorithm": "md5" })),
    );
    same(core(d(), &[]), cookie_session_options(&json!({})));
    same(core(d(), &[""]), cookie_session_options(&json!({ "keys": [""] })));
    let chunk = json!({ "keys": ["k"], "chunk": { "maxBytes": 100_000 } });
    same(core(serde_json::from_value(chunk.clone()).unwrap(), &["k"]), cookie_session_options(&chunk));
    same(
        core(ClientOptions { signed: false, not_before: true, ..d() }, &[]),
        cookie_session_options(&json!({ "signed": false, "notBefore": { "$sc": "function" } })),
    );
    same(
        core(ClientOptions { signed: false, compress: Some(Compress::default()), ..d() }, &[]),
        cookie_session_options(&json!({ "signed": false, "compress": true })),
    );
    same(
        core(ClientOptions { migrate_signed: Some(MigrateSigned::default()), ..d() }, &["k"]),
        cookie_session_options(&json!({ "keys": ["k"], "migrateSigned": true })),
    );
    let migrate = MigrateSigned { algorithm: Some("md5".into()) };
    same(
        core(ClientOptions { encrypt: true, migrate_signed: Some(migrate), ..d() }, &["k"]),
        cookie_session_options(&json!({ "keys": ["k"], "encrypt": true, "migrateSigned": { "algorithm": "md5" } })),
    );
    let none: &[&str] = &[];
    let sealed = ClientOptions { encrypt: true, migrate_signed: Some(MigrateSigned::default()), ..d() };
    same(
        ClientSession::with_signed_keys(sealed, &["k"], none).map(|_| ()),
        cookie_session_options(&json!({ "keys": ["k"], "encrypt": true, "migrateSigned": { "keys": [] } })),
    );
}

#[cfg(all(feature = "tower", not(target_arch = "wasm32")))]
mod server {
    use super::*;
    use session_core::client::CookieAttrs;
    use session_core::server::{CookieConfig, CookieSessionConfig, CookieSessionLayer, SessionConfig};
    use std::time::Duration;

    const SECRET: &str = "a secret of at least thirty-two bytes, for tests";

    #[test]
    fn the_layer_config_rules_read_alike() {
        let check = |c: SessionConfig| c.validate();
        let express = |o: serde_json::Value| express_options(&o);
        let none: [&str; 0] = [];
        same(check(SessionConfig::new(none)), express(json!({ "secret": [] })));
        same(check(SessionConfig::new([""])), express(json!({ "secret": [""] })));
        let config = || SessionConfig::new([SECRET]);
        same(check(config().store_timeout(Duration::ZERO)), express(json!({ "storeTimeout": 0 })));
        same(check(config().regenerate_grace(-1.0)), express(json!({ "regenerateGrace": -1 })));
        same(check(config().regenerate_grace(120_000.0)), express(json!({ "regenerateGrace": 120_000 })));
        same(check(config().header("x session")), express(json!({ "header": "x session" })));
        same(check(config().header("set-cookie")), express(json!({ "header": "set-cookie" })));
        // the cookie's attributes: the Rust fields are named as cookie-session's top-level options
        let client = |o: serde_json::Value| cookie_session_options(&o);
        let cookie = |f: fn(&mut CookieConfig)| {
            let mut c = CookieConfig::default();
            f(&mut c);
            check(config().cookie(c))
        };
        same(cookie(|c| c.domain = Some("a;b".into())), client(json!({ "keys": ["k"], "domain": "a;b" })));
        same(cookie(|c| c.path = "/\u{1}".into()), client(json!({ "keys": ["k"], "path": "/\u{1}" })));
        same(
            cookie(|c| c.same_site = Some("sometimes".into())),
            client(json!({ "keys": ["k"], "sameSite": "sometimes" })),
        );
        same(cookie(|c| c.priority = Some("urgent".into())), client(json!({ "keys": ["k"], "priority": "urgent" })));
    }

    #[test]
    fn the_cookie_session_layer_rules_read_alike() {
        let layer =
            |attrs: CookieAttrs| CookieSessionLayer::new(CookieSessionConfig::new(["k"]).cookie(attrs)).map(|_| ());
        let client = |o: serde_json::Value| cookie_session_options(&o);
        same(
            layer(CookieAttrs { domain: Some("a;b".into()), ..Default::default() }),
            client(json!({ "keys": ["k"], "domain": "a;b" })),
        );
        same(
            layer(CookieAttrs { same_site: Some("sometimes".into()), ..Default::default() }),
            client(json!({ "keys": ["k"], "sameSite": "sometimes" })),
        );
        same(
            layer(CookieAttrs { max_age: Some(1e300), ..Default::default() }),
            client(json!({ "keys": ["k"], "maxAge": 1e300 })),
        );
    }
}
