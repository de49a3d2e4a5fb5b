//! The commands. A run is a pure function of the arguments and what the host read for it.

use super::args::{parse, Args, Command, From, Source, Usage};
use super::host::{Inputs, Needs, Output, Read, ReadError};
use super::text;
use crate::inspect::{self, error_json, report_json, AuditOptions, InspectOptions, REPORT_VERSION};
use crate::{generate_session_id, Signer};
use serde_json::Value;

/// The usage lines (a macro, so that [`USAGE`] can begin with them).
macro_rules! synopsis {
    () => {
        "usage:
  session-core inspect [--set-cookie] [SECRETS] [KEYS] [--name NAME=KIND]... [--now MS] [--json] [HEADER | -]
  session-core audit [--url URL] [--now MS] [--json] [HEADER | -]
  session-core inspect --batch [SECRETS] [KEYS] | audit --batch
  session-core sign VALUE SECRETS
  session-core unsign VALUE SECRETS [--json]
  session-core id
  session-core doctor [--kind express|cookie-session] [--json] [OPTIONS_FILE | --url URL | -]
  session-core help | --help | -h
  session-core --version"
    };
}

/// The usage lines, printed after a usage error.
const SYNOPSIS: &str = synopsis!();

/// `session-core --help`: the usage lines and what they mean.
pub const USAGE: &str = concat!(
    synopsis!(),
    "

HEADER is a Cookie header (inspect) or Set-Cookie values, one per line (--set-cookie, audit); `-` or
nothing reads it from standard input. KIND is express-session or cookie-parser.

SECRETS (express-session, cookie-parser) and KEYS (cookie-session, sealed sessions) come from
  --secret S  --secret-file PATH  --secret-env NAME
  --key K     --key-file PATH     --key-env NAME
each repeatable and tried in the order given (sign uses the first secret). A file or a variable holds
one per line. Prefer them to --secret and --key, whose values show in `ps` and the shell's history.

doctor runs the production checks (what the middleware warns about under NODE_ENV=production) on
a middleware's options (a JSON file; the npm bin also takes a .js/.cjs module exporting them), or on
the Set-Cookie lines a site sends: pasted on standard input (`-` or nothing), or fetched with --url
from a plain-http loopback address (http://127.0.0.1:PORT/). It prints each finding with its fix.

--batch reads JSON lines {\"header\":…,\"options\":{…}} from standard input and prints one report
per line (inspect's SECRETS and KEYS apply to lines whose options give none).

Exit status: 0 ok, 1 a signature or seal that did not verify (unsign, inspect) or a problem doctor
found, 2 usage or input that cannot be read."
);

/// `session-core --version`.
pub const VERSION: &str = concat!("session-core ", env!("CARGO_PKG_VERSION"));

/// What a run of these arguments will read. Nothing when the arguments do not parse (the run
/// reports that).
pub fn needs(args: &[String]) -> Needs {
    let Ok(a) = parse(args) else { return Needs::default() };
    let mut n = Needs {
        stdin: matches!(a.command, Command::Inspect | Command::Audit)
            && (a.batch || matches!(a.positional.first().map(String::as_str), None | Some("-"))),
        ..Needs::default()
    };
    if a.command == Command::Doctor {
        match (&a.url, a.positional.first().map(String::as_str)) {
            (Some(url), None) => n.fetch = super::loopback_url(url).ok().map(|_| url.clone()),
            (None, None | Some("-")) => n.stdin = true,
            (None, Some(file)) => n.files.push(file.to_owned()),
            _ => {}
        }
        return n;
    }
    for s in a.secrets.iter().chain(&a.keys) {
        let list = match s.from {
            From::Arg => continue,
            From::File => &mut n.files,
            From::Env => &mut n.env,
        };
        if !list.contains(&s.value) {
            list.push(s.value.clone());
        }
    }
    n
}

/// Runs the command line `args` (without the program's name) on what the host read.
///
/// ```
/// use session_core::cli::{run, Inputs};
/// let args: Vec<String> = ["sign", "hello", "--secret-env", "S"].map(String::from).into();
/// let mut inputs = Inputs::default();
/// inputs.env.insert("S".into(), Some("tobiiscool".into()));
/// let out = run(&args, &inputs);
/// assert_eq!((out.stdout.as_str(), out.code), ("hello.DGDUkGlIkCzPz+C0B064FNgHdEjox7ch8tOBGslZ5QI\n", 0));
/// ```
pub fn run(args: &[String], inputs: &Inputs) -> Output {
    let a = match parse(args) {
        Ok(a) => a,
        Err(usage) => return usage_error(&usage),
    };
    match command(&a, inputs) {
        Ok(out) => out,
        Err(Failure::Usage(msg)) => usage_error(&msg),
        Err(Failure::Input(msg)) => Output { stderr: format!("session-core: {msg}\n"), code: 2, ..Output::default() },
    }
}

enum Failure {
    /// Wrong arguments: the message and the usage.
    Usage(Usage),
    /// Input that cannot be read: the message only.
    Input(String),
}

impl std::convert::From<Usage> for Failure {
    fn from(s: Usage) -> Self {
        Failure::Usage(s)
    }
}

fn usage_error(msg: &str) -> Output {
    let mut stderr = String::new();
    if !msg.is_empty() {
        stderr += &format!("session-core: {msg}\n");
    }
    stderr += SYNOPSIS;
    stderr += "\n(session-core --help says more)\n";
    Output { stderr, code: 2, ..Output::default() }
}

fn ok(stdout: String) -> Result<Output, Failure> {
    Ok(Output { stdout, ..Output::default() })
}

fn command(a: &Args, inputs: &Inputs) -> Result<Output, Failure> {
    let at_most = |n: usize, what: &str| -> Result<(), Failure> {
        match a.positional.len() {
            k if k <= n => Ok(()),
            k => Err(Failure::Usage(format!("{} takes {what} (got {k})", a.command.name()))),
        }
    };
    match a.command {
        Command::Help => {
            ok(format!("{VERSION}: explain session cookies, audit Set-Cookie headers, sign and verify.\n\n{USAGE}\n"))
        }
        Command::Version => ok(format!("{VERSION}\n")),
        Command::Id => {
            at_most(0, "no arguments")?;
            ok(format!("{}\n", generate_session_id()))
        }
        Command::Sign | Command::Unsign => {
            let what = if a.command == Command::Sign {
                "one VALUE (secrets go in --secret, --secret-file or --secret-env)"
            } else {
                "one VALUE"
            };
            at_most(1, what)?;
            let value = a.positional.first().ok_or_else(|| format!("{} needs a VALUE", a.command.name()))?;
            let secrets = secrets(&a.secrets, inputs)?;
            let signer = Signer::new(&secrets).ok_or_else(|| {
                format!("{} needs a secret: --secret, --secret-file or --secret-env", a.command.name())
            })?;
            if a.command == Command::Sign {
                return ok(format!("{}\n", signer.sign(value)));
            }
            match signer.unsign(value) {
                Some(u) if a.json => {
                    ok(format!("{}\n", serde_json::json!({ "value": u.value, "secretIndex": u.secret_index })))
                }
                Some(u) => ok(format!("{}\n", u.value)),
                None if a.json => ok("false\n".to_owned()),
                None => Ok(Output {
                    stderr: "session-core: the signature does not verify with any secret given\n".to_owned(),
                    code: 1,
                    ..Output::default()
                }),
            }
        }
        Command::Doctor => {
            at_most(1, "one OPTIONS_FILE (or - for Set-Cookie lines on standard input)")?;
            let done = |r: Result<(String, u8), String>| match r {
                Ok((stdout, code)) => Ok(Output { stdout, code, ..Output::default() }),
                Err(msg) => Err(Failure::Input(msg)),
            };
            match (&a.url, a.positional.first().map(String::as_str)) {
                (Some(_), Some(_)) => Err(Failure::Usage("doctor takes --url or an OPTIONS_FILE, not both".into())),
                (Some(url), None) => {
                    super::loopback_url(url).map_err(Failure::Usage)?;
                    match &inputs.fetched {
                        Some(super::Fetched::SetCookie(lines)) => done(super::doctor::set_cookie(url, lines, a.json)),
                        Some(super::Fetched::Error(why)) => Err(Failure::Input(format!("{url}: {why}"))),
                        None => Err(Failure::Input(format!("{url}: not fetched"))),
                    }
                }
                (None, None | Some("-")) => done(super::doctor::set_cookie("standard input", stdin(inputs)?, a.json)),
                (None, Some(file)) => {
                    let text = match inputs.files.get(file) {
                        Some(Read::Text(t)) => t,
                        Some(Read::Error(e)) => return Err(Failure::Input(format!("{file}: {}", e.as_str()))),
                        None => return Err(Failure::Input(format!("{file}: {}", ReadError::Unreadable.as_str()))),
                    };
                    done(super::doctor::options(file, text, a.kind.as_deref(), a.json))
                }
            }
        }
        Command::Inspect | Command::Audit if a.batch => {
            at_most(0, "no HEADER with --batch (it reads standard input)")?;
            let stdin = stdin(inputs)?;
            let defaults = (secrets(&a.secrets, inputs)?, secrets(&a.keys, inputs)?);
            let mut out = String::new();
            for (i, line) in stdin.lines().enumerate() {
                if !line.trim().is_empty() {
                    out += &batch_line(a.command, i + 1, line, &defaults, a.now.unwrap_or(inputs.now));
                    out.push('\n');
                }
            }
            ok(out)
        }
        Command::Inspect => {
            at_most(1, "one HEADER")?;
            let o = InspectOptions {
                as_: Some(if a.set_cookie { "set-cookie" } else { "cookie" }.to_owned()),
                names: a.names.clone(),
                secrets: secrets(&a.secrets, inputs)?,
                keys: secrets(&a.keys, inputs)?,
                now: a.now.unwrap_or(inputs.now),
                url: None,
            };
            let report = report_json(&header(a, inputs)?, &o);
            let v: Value = serde_json::from_str(&report).unwrap_or(Value::Null);
            let bad = v["cookies"].as_array().into_iter().flatten().any(|c| c["verdict"] == "invalid");
            let stdout = if a.json { format!("{report}\n") } else { text::inspect(&v) };
            Ok(Output { stdout, code: u8::from(bad), ..Output::default() })
        }
        Command::Audit => {
            at_most(1, "one HEADER")?;
            let o = AuditOptions { url: a.url.clone(), now: a.now.unwrap_or(inputs.now) };
            let report = serde_json::to_string(&inspect::audit(&header(a, inputs)?, &o)).unwrap_or_default();
            if a.json {
                ok(format!("{report}\n"))
            } else {
                ok(text::audit(&serde_json::from_str(&report).unwrap_or(Value::Null)))
            }
        }
    }
}

/// One `--batch` line, `{"header": …, "options": {…}}`, answered with the report's JSON. A line
/// without its own `now` is read at `now` (`--now`, else the clock), as a single report is.
fn batch_line(
    command: Command,
    number: usize,
    line: &str,
    defaults: &(Vec<Vec<u8>>, Vec<Vec<u8>>),
    now: i64,
) -> String {
    let line_error = |what: &str| {
        serde_json::json!({ "version": REPORT_VERSION, "error": format!("input line {number}: {what}") }).to_string()
    };
    let Ok(Value::Object(item)) = serde_json::from_str::<Value>(line) else {
        return line_error("expected a JSON object {\"header\":…,\"options\":{…}}");
    };
    let header = match item.get("header") {
        None | Some(Value::Null) => "",
        Some(Value::String(s)) => s.as_str(),
        Some(_) => return line_error("header: expected a string"),
    };
    let options = item.get("options").unwrap_or(&Value::Null);
    let own_now = options.get("now").is_some_and(|v| !v.is_null());
    if command == Command::Audit {
        return match AuditOptions::from_value(options) {
            Ok(mut o) => {
                if !own_now {
                    o.now = now;
                }
                serde_json::to_string(&inspect::audit(header, &o)).unwrap_or_default()
            }
            Err(e) => error_json(&e),
        };
    }
    match InspectOptions::from_value(options) {
        Ok(mut o) => {
            if !own_now {
                o.now = now;
            }
            if o.secrets.is_empty() {
                o.secrets.clone_from(&defaults.0);
            }
            if o.keys.is_empty() {
                o.keys.clone_from(&defaults.1);
            }
            report_json(header, &o)
        }
        Err(e) => error_json(&e),
    }
}

fn stdin(inputs: &Inputs) -> Result<&str, Failure> {
    match &inputs.stdin {
        Some(Read::Text(t)) => Ok(t),
        Some(Read::Error(e)) => Err(Failure::Input(format!("standard input {}", e.as_str()))),
        None => Err(Failure::Input(format!("standard input {}", ReadError::Unreadable.as_str()))),
    }
}

/// The header: the argument, or standard input for `-` or none.
fn header(a: &Args, inputs: &Inputs) -> Result<String, Failure> {
    match a.positional.first().map(String::as_str) {
        Some("-") | None => Ok(stdin(inputs)?.trim_end_matches(['\n', '\r']).to_owned()),
        Some(h) => Ok(h.to_owned()),
    }
}

/// The secrets of every source, in the order given. Messages name the flag and the file or
/// variable, never a secret.
fn secrets(sources: &[Source], inputs: &Inputs) -> Result<Vec<Vec<u8>>, Failure> {
    let mut out = Vec::new();
    for s in sources {
        let text = match s.from {
            From::Arg => {
                out.push(s.value.as_bytes().to_vec());
                continue;
            }
            From::File => match inputs.files.get(&s.value) {
                Some(Read::Text(t)) => t.as_str(),
                Some(Read::Error(e)) => return Err(Failure::Input(format!("{} {}: {}", s.flag, s.value, e.as_str()))),
                None => {
                    return Err(Failure::Input(format!("{} {}: {}", s.flag, s.value, ReadError::Unreadable.as_str())))
                }
            },
            From::Env => match inputs.env.get(&s.value) {
                Some(Some(v)) => v.as_str(),
                _ => return Err(Failure::Input(format!("{} {}: the variable is not set", s.flag, s.value))),
            },
        };
        let before = out.len();
        out.extend(text.lines().filter(|l| !l.is_empty()).map(|l| l.as_bytes().to_vec()));
        if out.len() == before {
            let what = if s.from == From::File { "the file" } else { "the variable" };
            return Err(Failure::Input(format!("{} {}: {what} holds no secret (one per line)", s.flag, s.value)));
        }
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn words(w: &str) -> Vec<String> {
        w.split(' ').map(str::to_owned).collect()
    }

    #[test]
    fn needs_follow_the_arguments() {
        let n = needs(&words("inspect --secret-file a --key-file a --secret-env S --key-env K --secret x"));
        assert_eq!(n, Needs { stdin: true, files: vec!["a".into()], env: vec!["S".into(), "K".into()], fetch: None });
        assert_eq!(needs(&words("doctor o.json")).files, ["o.json"]);
        assert!(needs(&words("doctor")).stdin);
        assert_eq!(
            needs(&words("doctor --url http://127.0.0.1:3000/")).fetch.as_deref(),
            Some("http://127.0.0.1:3000/")
        );
        assert_eq!(needs(&words("doctor --url http://example.com/")).fetch, None);
        assert!(!needs(&words("inspect h")).stdin);
        assert!(needs(&words("audit -")).stdin);
        assert!(needs(&words("audit --batch")).stdin);
        assert_eq!(needs(&words("inspect --help")), Needs::default());
        assert_eq!(needs(&words("nope --secret-file a")), Needs::default());
    }

    #[test]
    fn secrets_from_files_and_variables() {
        let mut i = Inputs::default();
        i.files.insert("f".into(), Read::Text("x\r\n\ntobiiscool\n".into()));
        i.files.insert("empty".into(), Read::Text("\n\n".into()));
        i.files.insert("gone".into(), Read::Error(ReadError::NotFound));
        i.env.insert("E".into(), Some("tobiiscool".into()));
        i.env.insert("UNSET".into(), None);
        let signed = "hello.DGDUkGlIkCzPz+C0B064FNgHdEjox7ch8tOBGslZ5QI";
        let out = run(&words(&format!("unsign {signed} --secret-file f --json")), &i);
        assert_eq!(out.stdout, "{\"value\":\"hello\",\"secretIndex\":1}\n");
        assert_eq!(run(&words("sign hello --secret-env E"), &i).stdout, format!("{signed}\n"));
        let e = run(&words("sign hello --secret-file gone"), &i);
        assert_eq!((e.stderr.as_str(), e.code), ("session-core: --secret-file gone: not found\n", 2));
        let e = run(&words("sign hello --secret-file empty"), &i);
        assert_eq!(e.stderr, "session-core: --secret-file empty: the file holds no secret (one per line)\n");
        let e = run(&words("sign hello --secret-env UNSET"), &i);
        assert_eq!(e.stderr, "session-core: --secret-env UNSET: the variable is not set\n");
        let e = run(&words("sign hello S3CRET"), &i);
        assert!(e.stderr.starts_with("session-core: sign takes one VALUE") && !e.stderr.contains("S3CRET"));
    }

    #[test]
    fn help_and_version() {
        let i = Inputs::default();
        for w in ["--help", "-h", "help", "inspect --help"] {
            let out = run(&words(w), &i);
            assert_eq!(out.code, 0, "{w}");
            assert!(out.stdout.contains(USAGE) && out.stderr.is_empty(), "{w}");
        }
        assert_eq!(run(&words("--version"), &i).stdout, format!("session-core {}\n", env!("CARGO_PKG_VERSION")));
        let none = run(&[], &i);
        assert_eq!((none.code, none.stdout.as_str()), (2, ""));
        assert!(USAGE.starts_with(SYNOPSIS) && none.stderr.starts_with(SYNOPSIS));
    }

    #[test]
    fn batch_lines_read_at_now_unless_they_say() {
        let i = Inputs {
            stdin: Some(Read::Text("{\"header\":\"a=b\"}\n{\"header\":\"a=b\",\"options\":{\"now\":5}}\n".into())),
            now: 1_000,
            ..Default::default()
        };
        let out = run(&words("inspect --batch --now 7"), &i);
        let lines: Vec<&str> = out.stdout.lines().collect();
        assert!(lines[0].contains("\"now\":7"), "{}", lines[0]);
        assert!(lines[1].contains("\"now\":5"), "{}", lines[1]);
        let out = run(&words("audit --batch"), &i);
        assert!(out.stdout.lines().next().is_some_and(|l| l.contains("\"now\":1000")), "{}", out.stdout);
    }

    #[test]
    fn batch_errors_never_quote_values() {
        let i = Inputs {
            stdin: Some(Read::Text(
            "{\"header\":\"a=b\",\"options\":{\"secrets\":{\"x\":\"S3CRET\"}}}\n\nnot json S3CRET\n{\"header\":[\"S3CRET\"]}\n{\"header\":\"a=b\",\"options\":{\"secrets\":\"S3CRET\",\"now\":0}}\n".into(),
            )),
            ..Inputs::default()
        };
        let out = run(&words("inspect --batch"), &i);
        let lines: Vec<&str> = out.stdout.lines().collect();
        assert_eq!(lines.len(), 4);
        assert!(lines[..3].iter().all(|l| l.contains("\"error\"") && !l.contains("S3CRET")), "{lines:?}");
        assert!(lines[3].starts_with("{\"version\":1,\"as\":\"cookie\",\"now\":0,\"cookies\":["), "{}", lines[3]);
    }
}
