//! The physical limits the MCP rows stand on, measured in the same run: a raw pipe ping-pong
//! between two processes, and bare hyper HTTP/1.1 keep-alive POSTs to a hyper echo server in
//! a child process.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::child::{ServerProcess, Settings};
use crate::clients::Error;
use crate::measure::{Budget, Stats};
use crate::serve::Impl;

/// A `tools/call echo` request line, the size the MCP rows send (about 110 bytes).
const LINE: &str = r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hello world"}}}"#;

/// The line written to `cat` and read back, one at a time, with blocking std I/O.
pub fn pipe(budget: Budget) -> Result<Stats, Error> {
    let mut child = Command::new("cat")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let mut stdin = child.stdin.take().ok_or("no stdin")?;
    let mut stdout = BufReader::new(child.stdout.take().ok_or("no stdout")?);
    let mut line = String::with_capacity(256);
    let mut round_trip = |line: &mut String| -> std::io::Result<()> {
        stdin.write_all(LINE.as_bytes())?;
        stdin.write_all(b"\n")?;
        stdin.flush()?;
        line.clear();
        stdout.read_line(line)?;
        Ok(())
    };
    for _ in 0..budget.warmup {
        round_trip(&mut line)?;
    }
    let mut latencies = Vec::with_capacity(budget.n);
    let start = Instant::now();
    for _ in 0..budget.n {
        if start.elapsed() > budget.time {
            break;
        }
        let t = Instant::now();
        round_trip(&mut line)?;
        if line.len() != LINE.len() + 1 {
            return Err("cat answered something else".into());
        }
        latencies.push(t.elapsed());
    }
    let stats = Stats::of(latencies, start.elapsed());
    let _ = child.kill();
    let _ = child.wait();
    Ok(stats)
}

/// POSTs of the line over `c` keep-alive connections (one request in flight on each).
pub async fn hyper_posts(settings: &Settings, c: usize, budget: Budget) -> Result<Stats, Error> {
    let server = ServerProcess::start_http(settings, Impl::HyperEcho)?;
    let warmup = budget.warmup / c.max(1);
    let start = Instant::now();
    let deadline = start + budget.time;
    let mut tasks = Vec::new();
    for share in budget.shares(c) {
        let addr = server.addr;
        tasks.push(tokio::spawn(async move {
            connection(addr, warmup, share, deadline)
                .await
                .map_err(|e| e.to_string())
        }));
    }
    let mut latencies = Vec::with_capacity(budget.n);
    for task in tasks {
        latencies.extend(task.await??);
    }
    Ok(Stats::of(latencies, start.elapsed()))
}

async fn connection(
    addr: std::net::SocketAddr,
    warmup: usize,
    n: usize,
    deadline: Instant,
) -> Result<Vec<Duration>, Error> {
    use http_body_util::{BodyExt, Full};
    use hyper::body::Bytes;
    use hyper_util::rt::TokioIo;

    let stream = tokio::net::TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let (mut sender, driver) =
        hyper::client::conn::http1::handshake::<_, Full<Bytes>>(TokioIo::new(stream)).await?;
    tokio::spawn(driver);
    let uri = format!("http://{addr}/mcp");
    let mut latencies = Vec::with_capacity(n);
    for i in 0..warmup + n {
        if i >= warmup && Instant::now() > deadline {
            break;
        }
        let t = Instant::now();
        let request = hyper::Request::post(&uri)
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from_static(LINE.as_bytes())))?;
        let body = sender
            .send_request(request)
            .await?
            .into_body()
            .collect()
            .await?;
        if body.to_bytes().len() != LINE.len() {
            return Err("the echo server answered something else".into());
        }
        if i >= warmup {
            latencies.push(t.elapsed());
        }
    }
    Ok(latencies)
}
