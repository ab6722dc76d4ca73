//! Sequential round trips over stdio to a child process, measured in one run:
//!
//! - `pipe_pingpong`: the physical limit — one JSON line written to `cat` and read back, with
//!   blocking std I/O and no JSON work at all;
//! - `engine_echo`: the same line as a JSON-RPC request through this crate's engine, driver
//!   and child-process transport to the `echo_peer` example (which decodes it, answers from a
//!   spawned task, and encodes the answer), awaited on a current-thread tokio runtime.
//!
//! Read the ratio `pipe_pingpong / engine_echo`: how much of the pipe's speed the protocol
//! stack keeps. The `echo_peer` example is built in release mode on first use.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use mcp_protocol::Side;
use mcp_protocol::engine::EngineConfig;
use mcp_protocol::rt::{self, RequestOptions, stdio::ChildTransport};
use serde_json::json;

const LINE: &str = r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hello world"}}}"#;

fn echo_peer() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let path = target.join("release/examples/echo_peer");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args([
            "build",
            "--release",
            "-q",
            "-p",
            "mcp-protocol",
            "--example",
            "echo_peer",
        ])
        .status()
        .expect("cargo runs");
    assert!(status.success(), "could not build echo_peer");
    path
}

fn pipe_pingpong(c: &mut Criterion) {
    let mut child = Command::new("cat")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("cat is on every machine");
    let mut stdin = child.stdin.take().expect("piped");
    let mut stdout = BufReader::new(child.stdout.take().expect("piped"));
    let mut line = String::with_capacity(256);
    c.bench_function("stdio/pipe_pingpong", |b| {
        b.iter(|| {
            stdin.write_all(LINE.as_bytes()).unwrap();
            stdin.write_all(b"\n").unwrap();
            stdin.flush().unwrap();
            line.clear();
            stdout.read_line(&mut line).unwrap();
        })
    });
    drop(stdin);
    let _ = child.wait();
}

fn engine_echo(c: &mut Criterion) {
    let peer_path = echo_peer();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let peer = runtime.block_on(async {
        let transport = ChildTransport::command(&peer_path, std::iter::empty::<&str>())
            .expect("spawn echo_peer");
        let (peer, _incoming) = rt::connect(transport, Side::Client, EngineConfig::new());
        peer
    });
    let params = mcp_protocol::jsonrpc::to_raw(
        &json!({"name": "echo", "arguments": {"text": "hello world"}}),
    )
    .unwrap();
    c.bench_function("stdio/engine_echo", |b| {
        b.iter_custom(|iters| {
            runtime.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    peer.request_raw("test/echo", Some(params.clone()), RequestOptions::new())
                        .await
                        .expect("echo answers");
                }
                start.elapsed()
            })
        })
    });
    runtime.block_on(async { peer.close() });
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(4)).warm_up_time(Duration::from_secs(1));
    targets = pipe_pingpong, engine_echo
}
criterion_main!(benches);
