//! `bench-axum`: (no arguments) runs the three servers one after another, each as a child process
//! of this binary (`bench-axum serve <mode>`), drives each with the same keep-alive load from this
//! process, and prints throughput and the server's CPU per request (its own getrusage, user +
//! system, read before and after the load through `/__cpu`). Modes: `bare` (axum, no sessions),
//! `layer` (session-core's SessionLayer, MemoryStore), `tower-sessions` (MemoryStore, signed cookie).
//! Every request carries the cookie of a session holding `{"n": 1}` and reads `n`.

use axum::routing::get;
use axum::Router;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const SECRET: &str = "bench secret, long enough for tower-sessions' key: 0123456789abcdef0123456789abcdef";

fn cpu_micros() -> u64 {
    let mut ru = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage writes a rusage into the pointer it is given
    let ru = unsafe {
        libc::getrusage(libc::RUSAGE_SELF, ru.as_mut_ptr());
        ru.assume_init()
    };
    let us = |t: libc::timeval| t.tv_sec as u64 * 1_000_000 + t.tv_usec as u64;
    us(ru.ru_utime) + us(ru.ru_stime)
}

async fn cpu() -> String {
    cpu_micros().to_string()
}

fn router(mode: &str) -> Router {
    let base = Router::new().route("/__cpu", get(cpu));
    match mode {
        "bare" => base.route("/", get(|| async { "hello" })).route("/signin", get(|| async { "hello" })),
        "layer" => {
            use session_core::server::{MemoryStore, Session, SessionConfig, SessionLayer};
            let config = SessionConfig::new([SECRET]).resave(false).save_uninitialized(false);
            let layer = SessionLayer::new(MemoryStore::default(), config).expect("valid options");
            let app = Router::new()
                .route("/", get(|s: Session| async move { format!("hello {}", s.get::<u64>("n").await.unwrap_or(0)) }))
                .route(
                    "/signin",
                    get(|s: Session| async move {
                        s.insert("n", 1u64).await.ok();
                        "hello"
                    }),
                )
                .layer(layer);
            base.merge(app)
        }
        "tower-sessions" => {
            use tower_sessions::cookie::Key;
            use tower_sessions::{MemoryStore, Session, SessionManagerLayer};
            let layer = SessionManagerLayer::new(MemoryStore::default())
                .with_secure(false)
                .with_signed(Key::from(SECRET.repeat(2).as_bytes()));
            let app = Router::new()
                .route(
                    "/",
                    get(|s: Session| async move {
                        format!("hello {}", s.get::<u64>("n").await.ok().flatten().unwrap_or(0))
                    }),
                )
                .route(
                    "/signin",
                    get(|s: Session| async move {
                        s.insert("n", 1u64).await.ok();
                        "hello"
                    }),
                )
                .layer(layer);
            base.merge(app)
        }
        other => {
            eprintln!("unknown mode {other}");
            std::process::exit(2)
        }
    }
}

async fn serve(mode: String) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    println!("{}", listener.local_addr().expect("addr").port());
    axum::serve(listener, router(&mode)).await.expect("serve");
}

/// One keep-alive HTTP/1.1 exchange; answers (Set-Cookie pair, body).
async fn exchange(s: &mut TcpStream, buf: &mut Vec<u8>, path: &str, cookie: &str) -> (Option<String>, String) {
    let req = format!("GET {path} HTTP/1.1\r\nHost: x\r\n{cookie}\r\n");
    s.write_all(req.as_bytes()).await.expect("write");
    buf.clear();
    let mut chunk = [0u8; 4096];
    loop {
        let n = s.read(&mut chunk).await.expect("read");
        assert!(n > 0, "server closed");
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_string();
            let len: usize = head
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().unwrap_or(0))
                })
                .unwrap_or(0);
            while buf.len() < end + 4 + len {
                let n = s.read(&mut chunk).await.expect("read");
                buf.extend_from_slice(&chunk[..n]);
            }
            let set = head.lines().find_map(|l| {
                l.to_ascii_lowercase()
                    .starts_with("set-cookie:")
                    .then(|| l[11..].trim().split(';').next().unwrap_or("").to_owned())
            });
            return (set, String::from_utf8_lossy(&buf[end + 4..end + 4 + len]).to_string());
        }
    }
}

async fn drive(port: u16, conns: usize, per_conn: usize) -> (f64, u64, u64) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).await.expect("connect");
    let mut buf = Vec::new();
    let (set, _) = exchange(&mut s, &mut buf, "/signin", "").await;
    let cookie = set.map(|c| format!("Cookie: {c}\r\n")).unwrap_or_default();
    let (_, body) = exchange(&mut s, &mut buf, "/", &cookie).await;
    // the session was read (a cookie that did not verify would answer "hello 0", and cost less)
    assert!(body == "hello" || body == "hello 1", "{body}");
    // warm up
    for _ in 0..2000 {
        exchange(&mut s, &mut buf, "/", &cookie).await;
    }
    let (_, before) = exchange(&mut s, &mut buf, "/__cpu", "").await;
    let t0 = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..conns {
        let cookie = cookie.clone();
        tasks.push(tokio::spawn(async move {
            let mut s = TcpStream::connect(("127.0.0.1", port)).await.expect("connect");
            let mut buf = Vec::new();
            for _ in 0..per_conn {
                exchange(&mut s, &mut buf, "/", &cookie).await;
            }
        }));
    }
    for t in tasks {
        t.await.expect("driver task");
    }
    let secs = t0.elapsed().as_secs_f64();
    let (_, after) = exchange(&mut s, &mut buf, "/__cpu", "").await;
    let cpu = after.parse::<u64>().unwrap_or(0).saturating_sub(before.parse::<u64>().unwrap_or(0));
    ((conns * per_conn) as f64 / secs, cpu, (conns * per_conn) as u64)
}

/// The same three apps called in process (no sockets, no HTTP parsing): what each layer itself
/// costs, in CPU µs per request (getrusage of this process).
async fn in_process(mode: &str, n: usize) -> f64 {
    use tower::ServiceExt;
    let app = router(mode);
    let req = |path: &str, cookie: &str| {
        let mut b = http::Request::get(path);
        if !cookie.is_empty() {
            b = b.header("cookie", cookie);
        }
        b.body(axum::body::Body::empty()).expect("request")
    };
    let res = app.clone().oneshot(req("/signin", "")).await.expect("signin");
    let cookie = res
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .map(|c| c.split(';').next().unwrap_or("").to_owned())
        .unwrap_or_default();
    for _ in 0..2000 {
        let _ = app.clone().oneshot(req("/", &cookie)).await;
    }
    let c0 = cpu_micros();
    for _ in 0..n {
        let _ = app.clone().oneshot(req("/", &cookie)).await;
    }
    (cpu_micros() - c0) as f64 / n as f64
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("profile") {
        // one mode in process for a long while, for `perf record`
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        let m = args.get(2).cloned().unwrap_or_else(|| "layer".into());
        println!("{:.2}", rt.block_on(in_process(&m, 1_000_000)));
        return;
    }
    if args.get(1).map(String::as_str) == Some("serve") {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        rt.block_on(serve(args.get(2).cloned().unwrap_or_default()));
        return;
    }
    let quick = std::env::var("BENCH_QUICK").is_ok();
    let (conns, per_conn, rounds) = if quick { (4, 2_000, 1) } else { (8, 10_000, 3) };
    let exe = std::env::current_exe().expect("exe");
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    println!(
        "axum hello-world, {conns} keep-alive connections x {per_conn} requests, best of {rounds} (server: one thread)"
    );
    println!("{:<16} {:>12} {:>16}", "server", "requests/s", "CPU µs/request");
    let mut results = Vec::new();
    for mode in ["bare", "layer", "tower-sessions"] {
        let mut best: Option<(f64, f64)> = None;
        for _ in 0..rounds {
            let mut child =
                Command::new(&exe).args(["serve", mode]).stdout(Stdio::piped()).spawn().expect("spawn server");
            let mut line = String::new();
            BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("port");
            let port: u16 = line.trim().parse().expect("port number");
            let (rps, cpu, n) = rt.block_on(drive(port, conns, per_conn));
            let _ = child.kill();
            let _ = child.wait();
            let per = cpu as f64 / n as f64;
            if best.is_none_or(|(_, p)| per < p) {
                best = Some((rps, per));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let (rps, per) = best.unwrap_or_default();
        println!("{mode:<16} {rps:>12.0} {per:>16.2}");
        results.push((mode, rps, per));
    }
    let n = if quick { 20_000 } else { 200_000 };
    let inproc: Vec<f64> = ["bare", "layer", "tower-sessions"]
        .iter()
        .map(|m| (0..rounds).map(|_| rt.block_on(in_process(m, n))).fold(f64::INFINITY, f64::min))
        .collect();
    println!(
        "in process (no sockets), CPU µs/request: bare {:.2}, layer {:.2}, tower-sessions {:.2}",
        inproc[0], inproc[1], inproc[2]
    );
    println!(
        "in process: layer over bare {:+.2} µs (target <= 3); layer vs tower-sessions {:.2} vs {:.2} µs",
        inproc[1] - inproc[0],
        inproc[1],
        inproc[2]
    );
    let bare = results[0].2;
    let layer = results[1].2;
    let ts = results[2].2;
    println!(
        "layer over bare: {:+.2} µs CPU/request (target <= 3); layer vs tower-sessions: {:.2} vs {:.2} µs ({})",
        layer - bare,
        layer,
        ts,
        if layer < ts { "less: target met" } else { "more: target missed" }
    );
}
