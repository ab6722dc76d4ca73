//! `bench-client`: measures MCP tool-call throughput and latency, and the raw pipe it runs on.
//!
//! ```text
//! bench-client calls (--stdio "CMD ARGS" | --url URL) [-n N] [-c C] [--tool NAME] [--args JSON] [--warmup N]
//!                    [--protocol-version V]
//! bench-client pipe [-n N]
//! bench-client hyper-pingpong [-n N] [--mcp-client]
//! bench-client sessions --url URL [-n N] [-c C] [--server-pid PID]
//! ```
//!
//! `calls` spawns the server command (split on whitespace) or connects to the Streamable
//! HTTP endpoint at `--url`, with `mcp-client`, makes `--warmup` unmeasured calls, then `-n`
//! calls of `--tool` with `--args`, keeping `-c` calls in flight. `pipe` is the physical limit
//! the stdio runs stand on: the same JSON line written to `cat` and read back, sequentially,
//! with blocking std I/O. `hyper-pingpong` is the same for HTTP: a bare hyper HTTP/1.1 client
//! POSTing that line over one keep-alive connection to a hyper echo server it starts on
//! 127.0.0.1, sequentially; with `--mcp-client` the same server answers as a minimal MCP
//! server and the round trips are `mcp-client` tool calls, so the two runs show what the
//! client adds to bare HTTP. `sessions` opens `-n` idle session-era sessions over raw
//! keep-alive POSTs (`initialize`, then `notifications/initialized`), `-c` at once, and with
//! `--server-pid` reads the server's resident memory before and after (after 50 unmeasured
//! sessions), reporting `bytes_per_idle_session`; `calls_per_s` is then sessions/s. All print
//! one JSON object:
//! `{"mode", "n", "concurrency", "calls_per_s", "p50_us", "p99_us", "elapsed_s", …}`;
//! `calls` adds `"transport": "stdio" | "http"`.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
use mcp_client::Client;
use serde_json::{Value, json};

#[derive(Debug, Parser)]
#[command(name = "bench-client", about = "MCP call throughput and latency")]
struct Cli {
    #[command(subcommand)]
    command: Mode,
}

#[derive(Debug, Subcommand)]
enum Mode {
    /// Tool calls against an MCP server.
    Calls {
        /// The server command, run as a child process over stdio.
        #[arg(long, required_unless_present = "url", conflicts_with = "url")]
        stdio: Option<String>,
        /// The server's Streamable HTTP endpoint (`http://127.0.0.1:PORT/mcp`).
        #[arg(long)]
        url: Option<String>,
        /// Measured calls.
        #[arg(short, default_value_t = 10_000)]
        n: usize,
        /// Calls in flight at once.
        #[arg(short, default_value_t = 1)]
        c: usize,
        /// The tool to call.
        #[arg(long, default_value = "echo")]
        tool: String,
        /// The tool's arguments, as JSON.
        #[arg(long, default_value = r#"{"text":"hello world"}"#)]
        args: String,
        /// Unmeasured calls first.
        #[arg(long, default_value_t = 1_000)]
        warmup: usize,
        /// Speak only this protocol version (default: negotiate the newest both speak).
        #[arg(long)]
        protocol_version: Option<String>,
    },
    /// New Streamable HTTP sessions (2025-11-25 `initialize` + `notifications/initialized`
    /// over raw keep-alive POSTs), left open and idle: sessions/s, and with `--server-pid`
    /// the server's resident memory per idle session.
    Sessions {
        /// The server's Streamable HTTP endpoint (`http://127.0.0.1:PORT/mcp`).
        #[arg(long)]
        url: String,
        /// Sessions to open (measured).
        #[arg(short, default_value_t = 1_000)]
        n: usize,
        /// Sessions opened at once (one keep-alive connection each).
        #[arg(short, default_value_t = 1)]
        c: usize,
        /// The server's process id, to read its resident memory (Linux `/proc`) before and
        /// after.
        #[arg(long)]
        server_pid: Option<u32>,
    },
    /// Raw pipe ping-pong of one JSON line with `cat`: the physical limit.
    Pipe {
        /// Round trips.
        #[arg(short, default_value_t = 10_000)]
        n: usize,
    },
    /// Bare hyper keep-alive POST ping-pong with its own 127.0.0.1 echo server: the HTTP
    /// baseline.
    HyperPingpong {
        /// Round trips.
        #[arg(short, default_value_t = 10_000)]
        n: usize,
        /// Make the round trips `tools/call`s with `mcp-client` against a minimal MCP
        /// server on the same hyper stack, instead of bare POSTs: what the client adds.
        #[arg(long)]
        mcp_client: bool,
    },
}

/// Where `calls` finds its server.
enum Target<'a> {
    Stdio(&'a str),
    Http(&'a str),
}

/// A `tools/call` line of the size the calls mode sends (about 110 bytes).
const LINE: &str = r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hello world"}}}"#;

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1e6
}

fn report(
    mode: &str,
    n: usize,
    c: usize,
    elapsed: Duration,
    mut latencies: Vec<Duration>,
    extra: Value,
) {
    latencies.sort_unstable();
    let mut out = json!({
        "mode": mode,
        "n": n,
        "concurrency": c,
        "calls_per_s": (n as f64 / elapsed.as_secs_f64()).round(),
        "p50_us": (percentile(&latencies, 0.50) * 10.0).round() / 10.0,
        "p99_us": (percentile(&latencies, 0.99) * 10.0).round() / 10.0,
        "elapsed_s": (elapsed.as_secs_f64() * 1e3).round() / 1e3,
    });
    if let (Some(out), Value::Object(extra)) = (out.as_object_mut(), extra) {
        out.extend(extra);
    }
    println!("{out}");
}

fn pipe(n: usize) -> std::io::Result<()> {
    let mut child = Command::new("cat")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let mut stdin = child.stdin.take().expect("piped");
    let mut stdout = BufReader::new(child.stdout.take().expect("piped"));
    let mut line = String::with_capacity(256);
    let mut latencies = Vec::with_capacity(n);
    let start = Instant::now();
    for _ in 0..n {
        let t = Instant::now();
        stdin.write_all(LINE.as_bytes())?;
        stdin.write_all(b"\n")?;
        stdin.flush()?;
        line.clear();
        stdout.read_line(&mut line)?;
        latencies.push(t.elapsed());
    }
    let elapsed = start.elapsed();
    drop(stdin);
    child.wait()?;
    report(
        "pipe",
        n,
        1,
        elapsed,
        latencies,
        json!({ "line_bytes": LINE.len() + 1 }),
    );
    Ok(())
}

async fn calls(
    target: Target<'_>,
    builder: mcp_client::ClientBuilder,
    n: usize,
    c: usize,
    tool: &str,
    args: Value,
    warmup: usize,
) -> Result<(), Box<dyn std::error::Error>> {
    let (client, transport) = match target {
        Target::Stdio(command) => {
            let mut words = command.split_whitespace();
            let program = words.next().ok_or("--stdio needs a command")?;
            (builder.spawn(program, words).await?, "stdio")
        }
        Target::Http(url) => (builder.connect_http(url).await?, "http"),
    };
    for _ in 0..warmup {
        client.call_tool(tool, &args).await?;
    }
    let c = c.max(1);
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(c);
    for worker in 0..c {
        // Spread `n` over the workers; the first ones take the remainder.
        let share = n / c + usize::from(worker < n % c);
        let client = client.clone();
        let tool = tool.to_owned();
        let args = args.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(share);
            for _ in 0..share {
                let t = Instant::now();
                let result = client.call_tool(&tool, &args).await?;
                if result.is_error() {
                    return Err(format!("the tool reported an error: {result:?}").into());
                }
                latencies.push(t.elapsed());
            }
            Ok::<_, Box<dyn std::error::Error + Send + Sync>>(latencies)
        }));
    }
    let mut latencies = Vec::with_capacity(n);
    for task in tasks {
        latencies.extend(task.await?.map_err(|e| e.to_string())?);
    }
    let elapsed = start.elapsed();
    let version = client.protocol_version().as_str();
    client.close();
    report(
        "calls",
        n,
        c,
        elapsed,
        latencies,
        json!({ "transport": transport, "tool": tool, "protocol_version": version }),
    );
    Ok(())
}

/// The server of `hyper-pingpong`, on 127.0.0.1, on a thread and runtime of its own as a
/// server process would be (every round trip crosses threads, like the MCP calls it is
/// compared with). It echoes every POST's body; with `mcp`, it answers like a minimal
/// stateless MCP server instead: `server/discover` with 2026-07-28, any other request with
/// a fixed text result, notifications with 202.
fn start_echo_server(mcp: bool) -> std::io::Result<std::net::SocketAddr> {
    use http_body_util::{BodyExt, Full};
    use hyper::body::{Bytes, Incoming};
    use hyper_util::rt::TokioIo;

    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let answer = move |body: Bytes| -> hyper::Response<Full<Bytes>> {
        let response = hyper::Response::builder().header("content-type", "application/json");
        if !mcp {
            return response.body(Full::new(body)).expect("static response");
        }
        let request: Value = serde_json::from_slice(&body).unwrap_or_default();
        let Some(id) = request.get("id") else {
            return hyper::Response::builder()
                .status(202)
                .body(Full::new(Bytes::new()))
                .expect("static response");
        };
        let result = match request["method"].as_str() {
            Some("server/discover") => {
                json!({"supportedVersions": ["2026-07-28"], "capabilities": {"tools": {}}})
            }
            _ => json!({"content": [{"type": "text", "text": "hello world"}]}),
        };
        let text = json!({"jsonrpc": "2.0", "id": id, "result": result}).to_string();
        response
            .body(Full::new(Bytes::from(text)))
            .expect("static response")
    };
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime for the echo server");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("a tokio listener");
            while let Ok((socket, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let echo = hyper::service::service_fn(
                        move |req: hyper::Request<Incoming>| async move {
                            let body = req.into_body().collect().await?.to_bytes();
                            Ok::<_, hyper::Error>(answer(body))
                        },
                    );
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(socket), echo)
                        .await;
                });
            }
        });
    });
    Ok(addr)
}

/// `n` POSTs of [`LINE`] one after another on one keep-alive connection with a bare hyper
/// HTTP/1.1 client (or, with `mcp_client`, `n` `tools/call`s with `mcp-client` against the
/// minimal MCP server): what an MCP call over HTTP cannot beat on this machine, and what
/// our client adds to it.
async fn hyper_pingpong(n: usize, mcp_client: bool) -> Result<(), Box<dyn std::error::Error>> {
    use http_body_util::{BodyExt, Full};
    use hyper::body::Bytes;
    use hyper_util::rt::TokioIo;

    let addr = start_echo_server(mcp_client)?;
    let uri = format!("http://{addr}/mcp");
    let mut latencies = Vec::with_capacity(n);
    if mcp_client {
        let client = Client::connect_http(&uri).await?;
        let args = json!({"text": "hello world"});
        for _ in 0..n.min(1_000) {
            client.call_tool("echo", &args).await?;
        }
        let start = Instant::now();
        for _ in 0..n {
            let t = Instant::now();
            client.call_tool("echo", &args).await?;
            latencies.push(t.elapsed());
        }
        let elapsed = start.elapsed();
        client.close();
        let extra = json!({ "client": "mcp-client", "transport": "http" });
        report("hyper-pingpong", n, 1, elapsed, latencies, extra);
        return Ok(());
    }
    let stream = tokio::net::TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake::<_, Full<Bytes>>(TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    let start = Instant::now();
    for _ in 0..n {
        let t = Instant::now();
        let request = hyper::Request::post(&uri)
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream")
            .body(Full::new(Bytes::from_static(LINE.as_bytes())))?;
        let response = sender.send_request(request).await?;
        let body = response.into_body().collect().await?.to_bytes();
        if body.len() != LINE.len() {
            return Err("the echo server answered something else".into());
        }
        latencies.push(t.elapsed());
    }
    let elapsed = start.elapsed();
    let extra = json!({ "client": "hyper", "body_bytes": LINE.len() });
    report("hyper-pingpong", n, 1, elapsed, latencies, extra);
    Ok(())
}

/// The server's resident memory in bytes (`VmRSS` in `/proc/PID/status`).
fn resident_bytes(pid: u32) -> Result<u64, Box<dyn std::error::Error>> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let kb = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .ok_or("no VmRSS line")?;
    Ok(kb * 1024)
}

/// Opens `count` idle sessions on one keep-alive connection; returns the time each took.
async fn open_sessions(
    uri: &str,
    count: usize,
) -> Result<Vec<Duration>, Box<dyn std::error::Error + Send + Sync>> {
    use http_body_util::{BodyExt, Full};
    use hyper::body::Bytes;
    use hyper_util::rt::TokioIo;

    let authority = uri
        .strip_prefix("http://")
        .and_then(|rest| rest.split('/').next())
        .ok_or("--url must be http://HOST:PORT/PATH")?;
    let stream = tokio::net::TcpStream::connect(authority).await?;
    stream.set_nodelay(true)?;
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake::<_, Full<Bytes>>(TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    let init = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {},
        "clientInfo": {"name": "bench-client", "version": env!("CARGO_PKG_VERSION")}}})
    .to_string();
    let initialized = json!({"jsonrpc": "2.0", "method": "notifications/initialized"}).to_string();
    let post = |body: &str, session: Option<&str>| {
        let mut request = hyper::Request::post(uri)
            .header("host", authority)
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream");
        if let Some(id) = session {
            request = request
                .header("mcp-session-id", id)
                .header("mcp-protocol-version", "2025-11-25");
        }
        request.body(Full::new(Bytes::from(body.to_owned())))
    };
    let mut took = Vec::with_capacity(count);
    for _ in 0..count {
        let t = Instant::now();
        let response = sender.send_request(post(&init, None)?).await?;
        let status = response.status();
        let session = response
            .headers()
            .get("mcp-session-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .ok_or_else(|| format!("initialize answered {status} without Mcp-Session-Id"))?;
        response.into_body().collect().await?;
        let response = sender
            .send_request(post(&initialized, Some(&session))?)
            .await?;
        if response.status() != hyper::StatusCode::ACCEPTED {
            return Err(format!("notifications/initialized got {}", response.status()).into());
        }
        response.into_body().collect().await?;
        took.push(t.elapsed());
    }
    Ok(took)
}

async fn sessions(
    url: &str,
    n: usize,
    c: usize,
    server_pid: Option<u32>,
) -> Result<(), Box<dyn std::error::Error>> {
    // Warm the server up (allocator pools, first-use tables) before the baseline.
    open_sessions(url, 50).await.map_err(|e| e.to_string())?;
    let before = server_pid.map(resident_bytes).transpose()?;
    let c = c.max(1);
    let start = Instant::now();
    let workers: Vec<_> = (0..c)
        .map(|worker| {
            let url = url.to_owned();
            let share = n / c + usize::from(worker < n % c);
            tokio::spawn(async move { open_sessions(&url, share).await })
        })
        .collect();
    let mut latencies = Vec::with_capacity(n);
    for worker in workers {
        latencies.extend(worker.await?.map_err(|e| e.to_string())?);
    }
    let elapsed = start.elapsed();
    // Let the server settle (a session's last bytes are written after its 202).
    tokio::time::sleep(Duration::from_millis(200)).await;
    let after = server_pid.map(resident_bytes).transpose()?;
    let per_session = before
        .zip(after)
        .map(|(b, a)| (a.saturating_sub(b) as f64 / n as f64).round());
    let extra = json!({
        "transport": "http",
        "rss_before_bytes": before,
        "rss_after_bytes": after,
        "bytes_per_idle_session": per_session,
    });
    report("sessions", n, c, elapsed, latencies, extra);
    Ok(())
}

/// The allocator of this benchmark binary (see the `bench-mimalloc` feature).
#[cfg(feature = "bench-mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    match Cli::parse().command {
        Mode::Sessions {
            url,
            n,
            c,
            server_pid,
        } => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?
            .block_on(sessions(&url, n, c, server_pid))?,
        Mode::Pipe { n } => pipe(n)?,
        Mode::HyperPingpong { n, mcp_client } => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?
            .block_on(hyper_pingpong(n, mcp_client))?,
        Mode::Calls {
            stdio,
            url,
            n,
            c,
            tool,
            args,
            warmup,
            protocol_version,
        } => {
            let mut builder = Client::builder();
            if let Some(v) = protocol_version {
                let v = mcp_protocol::ProtocolVersion::parse(&v)
                    .ok_or_else(|| format!("unknown protocol version {v}"))?;
                builder = builder.versions(mcp_protocol::SupportedVersions::new([v]));
            }
            let args: Value = serde_json::from_str(&args)?;
            let target = match (&stdio, &url) {
                (Some(command), _) => Target::Stdio(command),
                (None, Some(url)) => Target::Http(url),
                (None, None) => return Err("give --stdio or --url".into()),
            };
            // One thread: the calls' futures and the connection's driver share it, so a call
            // costs no cross-thread wake-up on this side.
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?
                .block_on(calls(target, builder, n, c, &tool, args, warmup))?;
        }
    }
    Ok(())
}
