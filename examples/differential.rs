//! The native side of the differential (`make differential`, scripts/differential.js): reads cases
//! in the shared-vector format, one JSON object per line on stdin — `{"kind": "<vector file>",
//! "case": {..., "expected": <what the wasm build answered>}}` — and checks each against the native
//! core with the vector runner's own `check` (tests/common/check.rs). Prints one JSON line at the
//! end: `{"cases": n, "mismatches": m, "kinds": {"<kind>": n, ...}}`; the first mismatches go to
//! stderr. Exit code 1 when any case differs.

#![allow(clippy::unwrap_used)]

#[path = "../tests/common/check.rs"]
mod check;

use std::collections::BTreeMap;
use std::io::{BufRead, Write};

fn main() {
    let stdin = std::io::stdin();
    let mut cases = 0u64;
    let mut mismatches = 0u64;
    let mut kinds: BTreeMap<String, u64> = BTreeMap::new();
    for line in stdin.lock().lines() {
        let line = line.expect("stdin is readable");
        if line.is_empty() {
            continue;
        }
        let v: serde_json::Value = match serde_json::from_str(&line) {
            Ok(v) => v,
            Err(e) => {
                eprintln!("differential: unreadable line {}: {e}", cases + 1);
                mismatches += 1;
                continue;
            }
        };
        let kind = check::s(&v["kind"]).to_owned();
        cases += 1;
        *kinds.entry(kind.clone()).or_default() += 1;
        if let Err(why) = check::check(&kind, &v["case"]) {
            mismatches += 1;
            if mismatches <= 20 {
                let shown: String = v["case"].to_string().chars().take(400).collect();
                let why: String = why.chars().take(400).collect();
                eprintln!("differential: {kind} differs: {why}\n  case: {shown}");
            }
        }
    }
    let out = serde_json::json!({ "cases": cases, "mismatches": mismatches, "kinds": kinds });
    let mut stdout = std::io::stdout();
    writeln!(stdout, "{out}").unwrap();
    std::process::exit(i32::from(mismatches > 0));
}
