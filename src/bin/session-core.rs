//! `session-core`: explain a session cookie, audit Set-Cookie headers, sign, verify, make ids.
//! The command line itself is the core's ([`session_core::cli`]); this host reads what a run needs
//! (standard input, secret files, environment variables, the clock) and writes what it answers, as
//! the npm package's bin does in Node, so both print the same bytes.

use session_core::cli::{self, Inputs, Read};
use std::io::{self, Read as _, Write};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

fn main() -> ExitCode {
    // Arguments that are not UTF-8 are read lossily, as Node reads them.
    let args: Vec<String> = std::env::args_os().skip(1).map(|a| a.to_string_lossy().into_owned()).collect();
    let needs = cli::needs(&args);
    let mut inputs = Inputs {
        now: SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64),
        ..Inputs::default()
    };
    if needs.stdin {
        let mut bytes = Vec::new();
        inputs.stdin = Some(Read::from_bytes(io::stdin().lock().read_to_end(&mut bytes).map(|_| bytes)));
    }
    for path in needs.files {
        let read = Read::from_bytes(std::fs::read(&path));
        inputs.files.insert(path, read);
    }
    for name in needs.env {
        let value = std::env::var_os(&name).map(|v| v.to_string_lossy().into_owned());
        inputs.env.insert(name, value);
    }
    let out = cli::run(&args, &inputs);
    // A closed pipe (`| head`) is not an error worth a panic.
    let _ = io::stdout().lock().write_all(out.stdout.as_bytes()).and_then(|_| io::stdout().flush());
    let _ = io::stderr().lock().write_all(out.stderr.as_bytes());
    ExitCode::from(out.code)
}
