//! One shared-vector case checked against the core: `check(kind, case)` computes the case's answer
//! natively and compares it with its `expected`. Used by the vector runner (tests/vectors.rs,
//! native and inside wasm) and by the native side of the differential (examples/differential.rs),
//! which checks the wasm build's answers to generated cases as if they were vectors.

#![allow(dead_code)]

use serde_json::{Map, Value};
use session_core::client::seal::{open, seal_with_nonce, SealKey};
use session_core::client::{Algorithm, ClientOptions, ClientSession, CommitInput, Keygrip};
use session_core::cookie::{parse_cookie, serialize_cookie, SerializeOptions};
use session_core::session::{apply, delta, Input, Ops, Session, SessionOptions};
use session_core::Signer;

fn strings(v: &Value) -> Vec<&str> {
    v.as_array().map(|a| a.iter().map(s).collect()).unwrap_or_default()
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len() / 2).filter_map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok()).collect()
}

fn session_core(case: &Value) -> Session {
    let opts: SessionOptions = serde_json::from_value(case["options"].clone()).unwrap_or_default();
    let secrets: Vec<&str> =
        case["options"]["secrets"].as_array().map(|a| a.iter().map(s).collect()).unwrap_or_default();
    Session::new(opts, &secrets).unwrap_or_else(|e| panic!("options: {e}"))
}

pub fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}

/// A JSON number, or one of the strings the generator writes for NaN and the infinities.
fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(t) => t.parse().ok(),
        _ => None,
    }
}

/// JavaScript truthiness of an option value, as `cookie@0.7` tests its options.
fn truthy(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::String(t)) => !t.is_empty(),
        Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0),
        Some(_) => true,
    }
}

fn options(o: &Value) -> SerializeOptions {
    let get = |k: &str| o.get(k);
    let text = |k: &str| truthy(get(k)).then(|| s(&o[k]).to_owned());
    SerializeOptions {
        max_age: get("maxAge").filter(|v| !v.is_null()).map(|v| number(v).unwrap_or(f64::NAN)),
        domain: text("domain"),
        path: text("path"),
        expires: get("expires").filter(|v| !v.is_null()).map(|v| number(v).unwrap_or(f64::NAN)),
        http_only: truthy(get("httpOnly")),
        secure: truthy(get("secure")),
        partitioned: truthy(get("partitioned")),
        priority: text("priority"),
        same_site: match get("sameSite") {
            Some(Value::Bool(true)) => Some("strict".into()),
            v if truthy(v) => Some(s(&o["sameSite"]).to_owned()),
            _ => None,
        },
        raw: false,
    }
}

/// A sealed value differs on every run (a fresh nonce): in a commit's `setCookies`, each one is
/// opened with the case's keys and compared as `[sealed with key <index>: <payload>]`.
fn unseal(out: &mut Value, keys: &[&str]) {
    let keys: Vec<SealKey> = keys.iter().map(|k| SealKey::derive(k.as_bytes())).collect();
    for pair in out["setCookies"].as_array_mut().into_iter().flatten() {
        let (name, header) = (s(&pair[0]).to_owned(), s(&pair[1]).to_owned());
        let Some(rest) = header.strip_prefix(&format!("{name}=")).filter(|r| r.starts_with("sc1.")) else {
            continue;
        };
        let end = rest.find(';').unwrap_or(rest.len());
        let shown = match open(&keys, &name, &rest[..end]) {
            Ok((p, i)) => format!("[sealed with key {i}: {}]", String::from_utf8_lossy(&p)),
            Err(e) => format!("[does not open: {}]", e.as_str()),
        };
        pair[1] = format!("{name}={shown}{}", &rest[end..]).into();
    }
}

/// An error answer of a flow step.
fn flow_error(kind: &str, e: &session_core::Error) -> Value {
    serde_json::json!({ "kind": kind, "code": e.code(), "status": e.status() })
}

/// A store write in the vector format of flow.json (its deadline apart: see [`flow`]).
fn flow_write(w: &session_core::flow::Write) -> Value {
    use session_core::flow::Write;
    match w {
        Write::Save { key, record, existing, .. } => {
            serde_json::json!({ "kind": "save", "key": key, "record": record, "existing": existing })
        }
        Write::Merge { key, record, delta, .. } => {
            serde_json::json!({ "kind": "merge", "key": key, "record": record, "delta": delta })
        }
        Write::Touch { key, record, .. } => serde_json::json!({ "kind": "touch", "key": key, "record": record }),
        Write::Destroy { key } => serde_json::json!({ "kind": "destroy", "key": key }),
        Write::Tombstone { key, record, deadline } => {
            serde_json::json!({ "kind": "tombstone", "key": key, "record": record, "deadline": deadline })
        }
    }
}

/// A write's deadline (a tombstone's is always there).
fn write_deadline(w: &session_core::flow::Write) -> Option<i64> {
    use session_core::flow::Write;
    match w {
        Write::Save { deadline, .. } | Write::Merge { deadline, .. } | Write::Touch { deadline, .. } => *deadline,
        Write::Tombstone { deadline, .. } => Some(*deadline),
        Write::Destroy { .. } => None,
    }
}

/// One step of the request flow ([`session_core::flow::ServerFlow`]), its answer in the vector
/// format of flow.json (scripts/gen-flow-vectors.js describes it).
fn flow(case: &Value) -> Result<Value, String> {
    use serde_json::json;
    use session_core::flow::{Begin, Incoming, Loaded, Lookup, Regenerate, Respond, Save, ServerFlow, Stage};
    use session_core::session::{Facts, Phase};
    let f = ServerFlow::new(session_core(case));
    let input = &case["input"];
    let text = |k: &str| input[k].as_str();
    let flag = |k: &str| input[k].as_bool().unwrap_or(false);
    // (`l`: the lookup a load answer reads its stage and key from)
    let loaded = |l: Option<&Lookup>, answer: Loaded| match answer {
        Loaded::Load => {
            let l = l.expect("a load answer comes with its lookup");
            let mut o = json!({ "kind": "load", "stage": l.stage.code(), "key": l.key });
            if l.stage == Stage::Successor {
                o["tombstone"] = json!(l.tombstone);
            }
            o
        }
        Loaded::Ready { moved } => json!({ "kind": "ready", "moved": moved.map(|(to, from)| [to, from]) }),
        Loaded::ReadOnly { record } => json!({ "kind": "readOnly", "record": record }),
        Loaded::Over { destroy, why } => json!({ "kind": "over", "destroy": destroy, "why": why.as_str() }),
        Loaded::Missing => json!({ "kind": "missing" }),
        Loaded::Refused => flow_error("refused", &session_core::Error::Regenerated),
        Loaded::Bad(e) => flow_error("error", &e),
    };
    Ok(match s(&case["step"]) {
        "begin" => {
            let req = Incoming {
                cookie_header: text("cookie"),
                id_header: text("idHeader"),
                parsed_signed: text("parsedSigned"),
                parsed_raw: text("parsedRaw"),
                path: text("path").unwrap_or("/"),
                cookie_path: text("cookiePath").unwrap_or("/"),
            };
            match f.begin(&req) {
                Begin::Skip => json!({ "kind": "skip" }),
                Begin::New { by_header, rejected } => {
                    json!({ "kind": "new", "byHeader": by_header, "rejected": rejected })
                }
                Begin::Load(l) => json!({
                    "kind": "load", "id": l.id, "key": l.key, "signed": l.signed,
                    "secretIndex": l.secret_index, "byHeader": l.by_header,
                }),
            }
        }
        "loaded" => {
            let stage = input["stage"].as_u64().and_then(|n| Stage::from_code(n as u32)).ok_or("stage")?;
            let mut l = Lookup {
                id: s(&input["id"]).to_owned(),
                secret_index: 0,
                by_header: false,
                stage,
                key: s(&input["key"]).to_owned(),
                tombstone: text("tombstone").map(str::to_owned),
                signed: None,
            };
            let answer = f.loaded(
                &mut l,
                text("found"),
                text("method").unwrap_or("GET"),
                input["now"].as_i64().unwrap_or_default(),
            );
            loaded(Some(&l), answer)
        }
        "signedOut" => {
            match f.signed_out(s(&input["id"]), input["since"].as_i64(), input["before"].as_i64(), flag("kept")) {
                Some(answer) => loaded(None, answer),
                None => json!({ "kind": "ok" }),
            }
        }
        "generated" => {
            let id = s(&input["id"]);
            match f.generated(id) {
                Ok(()) => json!({ "kind": "ok", "key": f.key_of(id) }),
                Err(e) => flow_error("error", &e),
            }
        }
        "respond" => {
            let r = Respond {
                facts: Facts {
                    phase: match s(&input["phase"]) {
                        "headers" => Phase::Headers,
                        "end" => Phase::End,
                        _ => Phase::Both,
                    },
                    now: input["now"].as_i64().unwrap_or_default(),
                    secure: flag("secure"),
                    cookie_present: flag("cookiePresent"),
                    cookie_matches: flag("cookieMatches"),
                    cookie_old_secret: flag("cookieOldSecret"),
                    session_id: text("sessionId"),
                    same_original_id: flag("sameOriginalId"),
                    original: text("original"),
                    saved: text("saved"),
                    saved_is_original: flag("savedIsOriginal"),
                    session: text("session"),
                    destroyed: flag("destroyed"),
                    touched: flag("touched"),
                    store_touch: flag("storeTouch"),
                    want_record: flag("wantRecord"),
                    want_delta: false,
                    ops: Ops { inc: text("inc"), push: text("push") },
                    signed: text("signed"),
                },
                from_store: flag("fromStore"),
                by_header: flag("byHeader"),
                id_header_name: text("idHeaderName"),
                read_only: flag("readOnly"),
                store_failed: flag("storeFailed"),
                merges: flag("merges"),
                lazy_delta: flag("lazyDelta"),
                vary: text("vary"),
                cache_control: text("cacheControl"),
            };
            match f.respond(&r) {
                Err(e) => flow_error("error", &e),
                Ok(fx) => {
                    let o = &fx.out;
                    let mut a = json!({
                        "kind": "effects",
                        "write": fx.write.as_ref().map(flow_write),
                        "index": fx.index,
                        "touched": o.touched,
                        "cookieSkipped": o.cookie_skipped.is_some(),
                    });
                    for (k, v) in [
                        ("setCookie", &fx.set_cookie),
                        ("idHeader", &fx.id_header),
                        ("vary", &fx.vary),
                        ("cacheControl", &fx.cache_control),
                    ] {
                        if let Some(v) = v {
                            a[k] = json!(v);
                        }
                    }
                    if let Some(e) = o.expires {
                        a["expires"] = json!(e);
                    }
                    for (k, v) in [("createdAt", o.created_at), ("lastSeen", o.last_seen), ("deadline", o.deadline)] {
                        if let Some(v) = v {
                            a[k] = json!(v);
                        }
                    }
                    // the write's deadline is the decision's (the wasm crossing sends it once)
                    if let Some(w) = fx.write.as_ref().filter(|w| w.kind() != "destroy") {
                        if write_deadline(w) != o.deadline {
                            return Err(format!(
                                "the write's deadline {:?} is not the decision's {:?}",
                                write_deadline(w),
                                o.deadline
                            ));
                        }
                    }
                    a
                }
            }
        }
        "save" => {
            let sv = Save {
                id: s(&input["id"]),
                session: s(&input["session"]),
                base: text("base"),
                ops: Ops { inc: text("inc"), push: text("push") },
                existing: flag("existing"),
                merges: flag("merges"),
                read_only: flag("readOnly"),
            };
            match f.save(&sv) {
                Ok(w) => {
                    let mut a = flow_write(&w);
                    if let Some(d) = write_deadline(&w) {
                        a["deadline"] = json!(d);
                    }
                    a
                }
                Err(e) => flow_error("error", &e),
            }
        }
        "regenerate" => {
            let r = Regenerate {
                id: s(&input["id"]),
                stored: text("stored"),
                read_only: flag("readOnly"),
                now: input["now"].as_i64().unwrap_or_default(),
            };
            let new_id = s(&input["newId"]);
            match f.regenerate(&r, new_id) {
                Ok((tomb, destroy)) => json!({
                    "kind": "ok",
                    "tombstone": tomb.as_ref().map(|t| {
                        let mut o = flow_write(t);
                        o.as_object_mut().map(|m| m.remove("kind"));
                        o
                    }),
                    "destroy": destroy.key(),
                    "newKey": f.key_of(new_id),
                }),
                Err(e) => flow_error("error", &e),
            }
        }
        "keyOf" => json!({ "key": f.key_of(s(&input["id"])) }),
        other => return Err(format!("unknown step {other}")),
    })
}

pub fn check(file: &str, case: &Value) -> Result<(), String> {
    let expected = &case["expected"];
    let actual: Value = match file {
        "parse" => Value::Object(
            parse_cookie(s(&case["header"])).into_iter().map(|(k, v)| (k, v.into())).collect::<Map<_, _>>(),
        ),
        "serialize" => match serialize_cookie(s(&case["cookie"]), s(&case["value"]), &options(&case["options"])) {
            Ok(h) => h.into(),
            Err(session_core::Error::Invalid { field, .. }) => {
                serde_json::json!({ "error": field })
            }
            Err(e) => return Err(format!("unexpected error {e}")),
        },
        "sign" => Signer::new(&[s(&case["secret"])]).map(|k| k.sign(s(&case["value"]))).unwrap_or_default().into(),
        "unsign" => {
            let secrets: Vec<&str> = case["secrets"].as_array().map(|a| a.iter().map(s).collect()).unwrap_or_default();
            match Signer::new(&secrets).and_then(|k| k.unsign(s(&case["input"]))) {
                Some(u) => serde_json::json!({ "value": u.value, "index": u.secret_index }),
                None => Value::Bool(false),
            }
        }
        "decide" => {
            let text = case["input"].to_string();
            let input: Input = serde_json::from_str(&text).map_err(|e| e.to_string())?;
            let out = session_core(case).decide(&input).map_err(|e| e.to_string())?;
            serde_json::to_value(out).map_err(|e| e.to_string())?
        }
        "delta" => {
            let got = match s(&case["op"]) {
                "apply" => apply(s(&case["stored"]), s(&case["delta"])),
                "delta" => {
                    let ops = Ops { inc: case["inc"].as_str(), push: case["push"].as_str() };
                    delta(s(&case["base"]), s(&case["now"]), &ops)
                }
                "tag" => Ok(session_core::id::tag(s(&case["id"]))),
                other => return Err(format!("unknown op {other}")),
            };
            match got {
                Ok(text) => text.into(),
                Err(e) => serde_json::json!({ "error": e.code() }),
            }
        }
        "csrf" => match s(&case["op"]) {
            "token" => session_core::csrf::token_with_salt(s(&case["secret"]), s(&case["salt"])).into(),
            _ => session_core::csrf::verify(s(&case["secret"]), s(&case["token"])).into(),
        },
        "users" => {
            let ms = |k: &str| case[k].as_i64();
            session_core::session::signed_out(ms("since"), ms("before"), case["kept"].as_bool().unwrap_or(false)).into()
        }
        "hashids" => {
            let hash = case["hashIds"].as_bool().unwrap_or(false);
            if s(&case["op"]) == "index" {
                session_core::session::index_arg(s(&case["value"]), hash).into()
            } else {
                let id = s(&case["id"]);
                let k = session_core::session::store_keys(id, hash);
                serde_json::json!({
                    "grace": session_core::session::grace_key(&k.key),
                    "key": k.key,
                    "legacy": k.legacy,
                    "hashable": session_core::session::hashable_id(id),
                })
            }
        }
        "grace" => {
            let now = case["now"].as_i64().unwrap_or_default();
            let window = case["grace"].as_f64().unwrap_or_default();
            if s(&case["op"]) == "tombstone" {
                match session_core::session::tombstone_to(s(&case["record"]), now, window, case["successor"].as_str()) {
                    Ok(t) => t.into(),
                    Err(e) => serde_json::json!({ "error": e.code() }),
                }
            } else {
                session_core::session::grace(s(&case["record"]), s(&case["method"]), now, window).as_str().into()
            }
        }
        "transport" => {
            use session_core::session::{carrier, header_id, respond, Carrier};
            let name = s(&case["cookieName"]);
            match s(&case["op"]) {
                "carrier" => {
                    let header = case["header"].as_str();
                    match carrier(case["cookie"].as_str(), name, header) {
                        Carrier::Header => serde_json::json!({ "header": true, "id": header.and_then(header_id) }),
                        _ => serde_json::json!({ "header": false, "id": null }),
                    }
                }
                "respond" => {
                    let c =
                        if case["headerRequest"].as_bool() == Some(true) { Carrier::Header } else { Carrier::Cookie };
                    let t = respond(c, case["setCookie"].as_str(), name, case["cacheHeaders"].as_bool() == Some(true));
                    serde_json::json!({ "setCookie": t.set_cookie, "idHeader": t.id_header, "noStore": t.no_store, "vary": t.vary })
                }
                _ => session_core::csrf::exempt(
                    case["cookieSent"].as_bool() == Some(true),
                    case["headerSent"].as_bool() == Some(true),
                )
                .into(),
            }
        }
        "ended" => {
            match session_core(case).ended(&case["record"].to_string(), case["now"].as_i64().unwrap_or_default()) {
                Some(why) => Value::String(why.as_str().to_owned()),
                None => Value::Null,
            }
        }
        "keygrip" => {
            let alg = Algorithm::parse(s(&case["algorithm"])).ok_or("algorithm")?;
            let k = Keygrip::new(&strings(&case["keys"]), alg).ok_or("keys")?;
            let data = s(&case["data"]);
            for pair in case["verify"].as_array().cloned().unwrap_or_default() {
                let got = k.index(data, s(&pair[0])).map_or(-1, |i| i as i64);
                if Some(got) != pair[1].as_i64() {
                    return Err(format!("index of {} gave {got}", pair[0]));
                }
            }
            k.sign(data).into()
        }
        "seal" if s(&case["op"]) == "seal" => {
            let nonce: [u8; 24] = hex(s(&case["nonce"])).try_into().map_err(|_| "nonce")?;
            let key = SealKey::derive(s(&case["secret"]).as_bytes());
            seal_with_nonce(&key, s(&case["cookie"]), s(&case["payload"]).as_bytes(), &nonce)
                .map_err(|e| e.to_string())?
                .into()
        }
        "seal" => {
            let keys: Vec<SealKey> = strings(&case["keys"]).iter().map(|k| SealKey::derive(k.as_bytes())).collect();
            match open(&keys, s(&case["cookie"]), s(&case["value"])) {
                Ok((p, i)) => serde_json::json!({ "payload": String::from_utf8_lossy(&p), "index": i }),
                Err(e) => serde_json::json!({ "error": e.as_str() }),
            }
        }
        "client-frames" if s(&case["op"]) == "revoked" => {
            let cut = match &case["notBefore"] {
                Value::Null => None,
                v => Some(number(v).ok_or("notBefore")?),
            };
            session_core::client::revoked(case["issuedAt"].as_i64(), cut).into()
        }
        "client" | "client-frames" => {
            let opts: ClientOptions = serde_json::from_value(case["options"].clone()).map_err(|e| e.to_string())?;
            let keys = strings(&case["keys"]);
            let core = match case.get("signedKeys") {
                Some(signed) => ClientSession::with_signed_keys(opts, &keys, &strings(signed)),
                None => ClientSession::new(opts, &keys),
            }
            .map_err(|e| e.to_string())?;
            let input = &case["input"];
            if s(&case["op"]) == "load" {
                serde_json::to_value(core.load(s(&input["header"]), input["now"].as_i64().unwrap_or_default()))
                    .map_err(|e| e.to_string())?
            } else {
                let text = input.to_string();
                let input: CommitInput = serde_json::from_str(&text).map_err(|e| e.to_string())?;
                let mut out =
                    serde_json::to_value(core.commit(&input).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
                unseal(&mut out, &keys);
                out
            }
        }
        // the report text itself must match, byte for byte
        "inspect" => session_core::inspect::inspect_json(s(&case["header"]), &case["options"].to_string()).into(),
        "audit" => session_core::inspect::audit_json(s(&case["header"]), &case["options"].to_string()).into(),
        // each finding as [code, severity, option]
        "checks" => {
            let kind = session_core::checks::Kind::parse(s(&case["kind"])).ok_or("kind")?;
            session_core::checks::check(kind, &case["options"])
                .into_iter()
                .map(|f| serde_json::json!([f.code, f.severity, f.option]))
                .collect()
        }
        "flow" => flow(case)?,
        other => return Err(format!("no runner for {other}")),
    };
    // Objects compare as maps: JavaScript orders integer-like keys first, the core keeps header order.
    let same = match (&actual, expected) {
        (Value::Object(a), Value::Object(b)) => a.len() == b.len() && a.iter().all(|(k, v)| b.get(k) == Some(v)),
        _ => actual == *expected,
    };
    if same {
        Ok(())
    } else {
        Err(format!("expected {expected}, got {actual}"))
    }
}
