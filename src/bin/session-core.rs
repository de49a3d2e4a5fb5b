//! `session-core`: explain a session cookie, audit Set-Cookie headers, sign, verify, make ids.
//! The command line itself is the core's ([`session_core::cli`]); this host reads what a run needs
//! (standard input, secret files, environment variables, the clock) and writes what it answers, as
//! the npm package's bin does in Node, so both print the same bytes.

use session_core::cli::{self, Fetched, Inputs, Read};
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
    if let Some(url) = needs.fetch {
        inputs.fetched = Some(fetch(&url));
    }
    let out = cli::run(&args, &inputs);
    // A closed pipe (`| head`) is not an error worth a panic.
    let _ = io::stdout().lock().write_all(out.stdout.as_bytes()).and_then(|_| io::stdout().flush());
    let _ = io::stderr().lock().write_all(out.stderr.as_bytes());
    ExitCode::from(out.code)
}

/// `doctor --url`: one HTTP/1.0 GET to a loopback address (the core checked it), and the
/// response's `Set-Cookie` values, one per line.
fn fetch(url: &str) -> Fetched {
    use std::net::{TcpStream, ToSocketAddrs};
    use std::time::Duration;
    let Ok((host, port, path)) = cli::loopback_url(url) else {
        return Fetched::Error("not a plain-http loopback address".into());
    };
    let connect_to = if host == "::1" { format!("[::1]:{port}") } else { format!("{host}:{port}") };
    let result = (|| -> io::Result<String> {
        let addr = connect_to
            .to_socket_addrs()?
            .find(|a| a.ip().is_loopback())
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no loopback address"))?;
        let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
        stream.set_read_timeout(Some(Duration::from_secs(5)))?;
        let host_header = if host == "::1" { format!("[::1]:{port}") } else { format!("{host}:{port}") };
        write!(stream, "GET {path} HTTP/1.0\r\nHost: {host_header}\r\nConnection: close\r\n\r\n")?;
        let mut bytes = Vec::new();
        stream.take(1 << 20).read_to_end(&mut bytes)?;
        let text = String::from_utf8_lossy(&bytes);
        let head = text.split("\r\n\r\n").next().unwrap_or_default();
        let lines: Vec<&str> = head
            .lines()
            .filter_map(|l| {
                l.split_once(':').filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie")).map(|(_, v)| v.trim())
            })
            .collect();
        Ok(lines.join("\n"))
    })();
    match result {
        Ok(lines) => Fetched::SetCookie(lines),
        Err(e) => Fetched::Error(format!("cannot fetch: {}", e.kind())),
    }
}
