//! Cold start: spawn the stdio server, `initialize`, `notifications/initialized`, one
//! `tools/call echo`, until its result arrives; the same raw client for both servers.

use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use crate::child::Settings;
use crate::clients::{Error, Side};
use crate::serve::Impl;

const INIT: &str = concat!(
    r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","#,
    r#""capabilities":{},"clientInfo":{"name":"compare","version":"0"}}}"#,
    "\n"
);
const THEN: &str = concat!(
    r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
    "\n",
    r#"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hello world"}}}"#,
    "\n"
);

/// Longest one spawn may take before the run fails.
const LIMIT: Duration = Duration::from_secs(10);

/// Median spawn-to-first-result time in ms over `n` spawns (bounded by `time` overall).
pub async fn run(
    settings: &Settings,
    server: Side,
    n: usize,
    time: Duration,
) -> Result<f64, Error> {
    let which = match server {
        Side::Ours => Impl::Ours,
        Side::Rmcp => Impl::Rmcp,
    };
    let start = Instant::now();
    let mut took = Vec::with_capacity(n);
    for _ in 0..n.max(1) {
        if !took.is_empty() && start.elapsed() > time {
            break;
        }
        took.push(
            tokio::time::timeout(LIMIT, once(settings, which))
                .await
                .map_err(|_| "cold start over 10 s")??,
        );
    }
    took.sort_unstable_by(f64::total_cmp);
    Ok(took[took.len() / 2])
}

async fn once(settings: &Settings, which: Impl) -> Result<f64, Error> {
    let mut command = tokio::process::Command::from(settings.stdio_command(which));
    command.kill_on_drop(true);
    let t = Instant::now();
    let mut child = command.spawn()?;
    let mut stdin = child.stdin.take().ok_or("no stdin")?;
    let mut stdout = BufReader::new(child.stdout.take().ok_or("no stdout")?);
    stdin.write_all(INIT.as_bytes()).await?;
    let mut line = String::new();
    stdout.read_line(&mut line).await?;
    if !line.contains(r#""id":1"#) {
        return Err(format!("initialize answered {line:?}").into());
    }
    stdin.write_all(THEN.as_bytes()).await?;
    // Bounded: a server may send a few notifications before the result.
    for _ in 0..16 {
        line.clear();
        if stdout.read_line(&mut line).await? == 0 {
            return Err("the server closed stdout before the tools/call result".into());
        }
        if line.contains(r#""id":2"#) {
            let ms = t.elapsed().as_secs_f64() * 1e3;
            if !line.contains("hello world") {
                return Err(format!("tools/call answered {line:?}").into());
            }
            drop(stdin);
            let _ = child.kill().await;
            return Ok(ms);
        }
    }
    Err("no tools/call result among the first 16 lines".into())
}
