//! The shared vectors in tests/vectors/*.json, run natively (`cargo test`) and inside wasm
//! (`wasm-pack test --node`). Each run prints `vectors: <file>=<n> … total=<N>`; `make test`
//! compares the totals of the native, wasm and Node runners.

#[path = "common/check.rs"]
mod check;

use check::{check, s};
use serde_json::Value;

macro_rules! say {
    ($($t:tt)*) => {{
        #[cfg(target_arch = "wasm32")]
        wasm_bindgen_test::console_log!($($t)*);
        #[cfg(not(target_arch = "wasm32"))]
        println!($($t)*);
    }};
}

const FILES: &[(&str, &str)] = &[
    ("parse", include_str!("vectors/parse.json")),
    ("serialize", include_str!("vectors/serialize.json")),
    ("sign", include_str!("vectors/sign.json")),
    ("unsign", include_str!("vectors/unsign.json")),
    ("decide", include_str!("vectors/decide.json")),
    ("delta", include_str!("vectors/delta.json")),
    ("csrf", include_str!("vectors/csrf.json")),
    ("ended", include_str!("vectors/ended.json")),
    ("users", include_str!("vectors/users.json")),
    ("hashids", include_str!("vectors/hashids.json")),
    ("grace", include_str!("vectors/grace.json")),
    ("transport", include_str!("vectors/transport.json")),
    ("keygrip", include_str!("vectors/keygrip.json")),
    ("seal", include_str!("vectors/seal.json")),
    ("client", include_str!("vectors/client.json")),
    ("client-frames", include_str!("vectors/client-frames.json")),
    ("inspect", include_str!("vectors/inspect.json")),
    ("audit", include_str!("vectors/audit.json")),
    ("checks", include_str!("vectors/checks.json")),
    ("flow", include_str!("vectors/flow.json")),
];

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn shared_vectors() {
    let mut counts = Vec::new();
    let mut failures = Vec::new();
    let mut total = 0;
    for (file, text) in FILES {
        let doc: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{file}.json: {e}"));
        let cases = doc["cases"].as_array().cloned().unwrap_or_default();
        assert_eq!(doc["count"].as_u64(), Some(cases.len() as u64), "{file}.json: count field");
        for case in &cases {
            if let Err(why) = check(file, case) {
                failures.push(format!("{file}: {}: {why}", s(&case["name"])));
            }
        }
        counts.push(format!("{file}={}", cases.len()));
        total += cases.len();
    }
    say!("vectors: {} total={}", counts.join(" "), total);
    assert!(failures.is_empty(), "{} failing vectors:\n{}", failures.len(), failures.join("\n"));
}
