//! The reports as text for people (the JSON is `--json`).

use crate::date::to_iso_string;
use serde_json::Value;

fn human_time(ms: i64, now: i64) -> String {
    let at = to_iso_string(ms as f64).unwrap_or_else(|| ms.to_string());
    let left = ms.saturating_sub(now) / 1000;
    let span = |s: i64| format!("{}h {}m {}s", s / 3600, (s % 3600) / 60, s % 60);
    if left >= 0 {
        format!("{at} (in {})", span(left))
    } else {
        format!("{at} ({} ago)", span(-left))
    }
}

/// An inspect report (its JSON value), one block per cookie.
pub(crate) fn inspect(report: &Value) -> String {
    let mut out = String::new();
    let now = report["now"].as_i64().unwrap_or(0);
    for c in report["cookies"].as_array().into_iter().flatten() {
        let kinds: Vec<&str> = c["kinds"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
        out += &format!("{}  {}\n", c["name"].as_str().unwrap_or(""), kinds.join(" | "));
        if let Some(id) = c["id"].as_str() {
            out += &format!("  id: {id}\n");
        }
        if !c["body"].is_null() {
            out += &format!("  body: {}\n", c["body"]);
        }
        let verdict = c["verdict"].as_str().unwrap_or("");
        let mut line = format!("  verdict: {verdict}");
        if let Some(k) = c["key"].as_u64() {
            line += &format!(" (key #{k})");
        }
        if let Some(r) = c["reason"].as_str() {
            line += &format!(": {r}");
        }
        out += &line;
        out.push('\n');
        if let Some(kid) = c["keyId"].as_str() {
            out += &format!("  key id: {kid}\n");
        }
        if let Some(i) = c["issuedAt"].as_i64() {
            out += &format!("  issued: {}\n", human_time(i, now));
        }
        if c["compressed"].as_bool() == Some(true) {
            out += "  compressed: deflated inside the value\n";
        }
        if let Some(of) = c["chunkOf"].as_str() {
            out += &format!("  chunk of: {of}\n");
        }
        let chunks: Vec<&str> = c["chunks"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
        if !chunks.is_empty() {
            out += &format!("  chunks: {}\n", chunks.join(", "));
        }
        if let Some(e) = c["expires"].as_i64() {
            out += &format!("  expires: {}\n", human_time(e, now));
        }
        let over = if c["overBudget"].as_bool() == Some(true) { " (over: browsers drop it)" } else { "" };
        if chunks.is_empty() {
            out += &format!("  size: {} of 4096 bytes{over}\n", c["size"]);
        } else {
            out += &format!("  size: {} bytes in {} cookies, each within 4096{over}\n", c["size"], chunks.len());
        }
    }
    out
}

/// An audit report (its JSON value): each cookie's findings, then the ignored lines.
pub(crate) fn audit(report: &Value) -> String {
    let mut out = String::new();
    for c in report["cookies"].as_array().into_iter().flatten() {
        let f = c["findings"].as_array().cloned().unwrap_or_default();
        out += &format!("{}: {}\n", c["name"].as_str().unwrap_or(""), if f.is_empty() { "no problems" } else { "" });
        for x in f {
            out += &format!(
                "  {} {}: {}\n",
                x["severity"].as_str().unwrap_or(""),
                x["code"].as_str().unwrap_or(""),
                x["message"].as_str().unwrap_or("")
            );
        }
    }
    for l in report["ignored"].as_array().into_iter().flatten() {
        out += &format!("ignored (no name=value): {l}\n");
    }
    out
}
