//! `session-core`: explain a session cookie, audit Set-Cookie headers, sign, verify, make ids.
//! The reports are the core's JSON (`--json`), byte-identical to the wasm build's in Node and in
//! the browser. Arguments are parsed by hand: no argument-parsing crate enters any build.

use serde_json::{json, Value};
use session_core::{date::to_iso_string, generate_session_id, inspect, Signer};
use std::io::{self, BufRead, Read, Write};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

const USAGE: &str = "usage:
  session-core inspect [--set-cookie] [--secret S]... [--key K]... [--name NAME=KIND]... [--now MS] [--json] [HEADER | -]
  session-core audit [--url URL] [--now MS] [--json] [HEADER | -]
  session-core inspect --batch | audit --batch   (stdin: one JSON {\"header\":…,\"options\":{…}} per line; stdout: one report per line)
  session-core sign VALUE --secret S
  session-core unsign VALUE --secret S [--secret S]...
  session-core id

HEADER is a Cookie header (inspect) or Set-Cookie values, one per line (--set-cookie, audit); `-` or
nothing reads it from standard input. KIND is express-session or cookie-parser. Exit status: 0 ok,
1 a signature or seal that did not verify (unsign, inspect), 2 usage.";

struct Args {
    positional: Vec<String>,
    secrets: Vec<String>,
    keys: Vec<String>,
    names: serde_json::Map<String, Value>,
    now: Option<i64>,
    url: Option<String>,
    json: bool,
    set_cookie: bool,
    batch: bool,
}

fn parse(args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut a = Args {
        positional: vec![],
        secrets: vec![],
        keys: vec![],
        names: Default::default(),
        now: None,
        url: None,
        json: false,
        set_cookie: false,
        batch: false,
    };
    let mut it = args.peekable();
    while let Some(arg) = it.next() {
        let mut value = |flag: &str| it.next().ok_or_else(|| format!("{flag} needs a value"));
        match arg.as_str() {
            "--secret" => a.secrets.push(value("--secret")?),
            "--key" => a.keys.push(value("--key")?),
            "--name" => {
                let v = value("--name")?;
                let (n, k) = v.split_once('=').ok_or("--name takes NAME=KIND")?;
                a.names.insert(n.to_owned(), Value::from(k));
            }
            "--now" => a.now = Some(value("--now")?.parse().map_err(|_| "--now takes milliseconds since the epoch")?),
            "--url" => a.url = Some(value("--url")?),
            "--json" => a.json = true,
            "--set-cookie" => a.set_cookie = true,
            "--batch" => a.batch = true,
            "-h" | "--help" => return Err(String::new()),
            s if s.starts_with("--") => return Err(format!("unknown option {s}")),
            _ => a.positional.push(arg),
        }
    }
    Ok(a)
}

fn now(a: &Args) -> i64 {
    a.now.unwrap_or_else(|| SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0))
}

/// The header: the argument, or standard input for `-` or none.
fn header(a: &Args, at: usize) -> io::Result<String> {
    match a.positional.get(at).map(String::as_str) {
        Some("-") | None => {
            let mut s = String::new();
            io::stdin().read_to_string(&mut s)?;
            Ok(s.trim_end_matches(['\n', '\r']).to_owned())
        }
        Some(h) => Ok(h.to_owned()),
    }
}

fn human_time(ms: i64, now: i64) -> String {
    let at = to_iso_string(ms as f64).unwrap_or_else(|| ms.to_string());
    let left = (ms - now) / 1000;
    let span = |s: i64| format!("{}h {}m {}s", s / 3600, (s % 3600) / 60, s % 60);
    if left >= 0 {
        format!("{at} (in {})", span(left))
    } else {
        format!("{at} ({} ago)", span(-left))
    }
}

fn print_inspect(report: &Value) -> String {
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
        if let Some(e) = c["expires"].as_i64() {
            out += &format!("  expires: {}\n", human_time(e, now));
        }
        out += &format!(
            "  size: {} of 4096 bytes{}\n",
            c["size"],
            if c["overBudget"].as_bool() == Some(true) { " (over: browsers drop it)" } else { "" }
        );
    }
    out
}

fn print_audit(report: &Value) -> String {
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

/// Reads JSON lines `{"header": …, "options": {…}}` and answers each with the report's JSON line.
fn batch(f: fn(&str, &str) -> String) -> io::Result<()> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    for line in io::stdin().lock().lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(&line).unwrap_or(Value::Null);
        let report = f(v["header"].as_str().unwrap_or(""), &v["options"].to_string());
        writeln!(out, "{report}")?;
    }
    out.flush()
}

fn run() -> Result<ExitCode, String> {
    let mut argv = std::env::args().skip(1);
    let command = argv.next().ok_or_else(String::new)?;
    let a = parse(argv)?;
    let io_err = |e: io::Error| e.to_string();
    match command.as_str() {
        "inspect" if a.batch => batch(inspect::inspect_json).map_err(io_err).map(|_| ExitCode::SUCCESS),
        "audit" if a.batch => batch(inspect::audit_json).map_err(io_err).map(|_| ExitCode::SUCCESS),
        "inspect" => {
            let options = json!({
                "as": if a.set_cookie { "set-cookie" } else { "cookie" },
                "names": a.names, "secrets": a.secrets, "keys": a.keys, "now": now(&a), "url": a.url,
            });
            let report = inspect::inspect_json(&header(&a, 0).map_err(io_err)?, &options.to_string());
            let v: Value = serde_json::from_str(&report).unwrap_or(Value::Null);
            if a.json {
                println!("{report}");
            } else {
                print!("{}", print_inspect(&v));
            }
            let bad = v["cookies"].as_array().into_iter().flatten().any(|c| c["verdict"] == "invalid");
            Ok(if bad { ExitCode::from(1) } else { ExitCode::SUCCESS })
        }
        "audit" => {
            let options = json!({ "url": a.url, "now": now(&a) });
            let report = inspect::audit_json(&header(&a, 0).map_err(io_err)?, &options.to_string());
            if a.json {
                println!("{report}");
            } else {
                print!("{}", print_audit(&serde_json::from_str(&report).unwrap_or(Value::Null)));
            }
            Ok(ExitCode::SUCCESS)
        }
        "sign" => {
            let value = a.positional.first().ok_or("sign needs a VALUE")?;
            let signer = Signer::new(&a.secrets[..a.secrets.len().min(1)]).ok_or("sign needs --secret")?;
            println!("{}", signer.sign(value));
            Ok(ExitCode::SUCCESS)
        }
        "unsign" => {
            let value = a.positional.first().ok_or("unsign needs a VALUE")?;
            let signer = Signer::new(&a.secrets).ok_or("unsign needs --secret")?;
            match signer.unsign(value) {
                Some(u) if a.json => println!("{}", json!({ "value": u.value, "secretIndex": u.secret_index })),
                Some(u) => println!("{}", u.value),
                None if a.json => println!("false"),
                None => {
                    eprintln!("session-core: the signature does not verify with any secret given");
                    return Ok(ExitCode::from(1));
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        "id" => {
            println!("{}", generate_session_id());
            Ok(ExitCode::SUCCESS)
        }
        other => Err(format!("unknown command {other}")),
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(msg) => {
            if !msg.is_empty() {
                eprintln!("session-core: {msg}");
            }
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}
