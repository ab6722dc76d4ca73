//! Over stdio with a real child process (the `stdio_server` example): both eras, and bad
//! input answered while the connection carries on.

use std::process::Stdio;
use std::time::Duration;

use mcp_protocol::ProtocolVersion as V;
use mcp_protocol::Side;
use mcp_protocol::engine::EngineConfig;
use mcp_protocol::methods::*;
use mcp_protocol::rt::{self, RequestOptions};
use mcp_protocol::types::*;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::Command;

use crate::support::*;

/// The example binary, built on demand (cargo builds examples for tests only when asked).
///
/// It is found beside this test binary, wherever the target directory is
/// (`<target>/<profile>/deps/server-<hash>` → `<target>/<profile>/examples/stdio_server`):
/// the `cargo build` below inherits `CARGO_TARGET_DIR`, so both land in the same place.
pub(crate) fn example() -> std::path::PathBuf {
    let status = std::process::Command::new(env!("CARGO"))
        .args([
            "build",
            "-q",
            "-p",
            "mcp-server",
            "--example",
            "stdio_server",
        ])
        .status()
        .expect("cargo runs");
    assert!(status.success());
    let exe = std::env::current_exe().expect("the test binary's path");
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("the test binary is in <target>/<profile>/deps");
    let path = profile_dir
        .join("examples")
        .join(format!("stdio_server{}", std::env::consts::EXE_SUFFIX));
    assert!(path.exists(), "{} was not built", path.display());
    path
}

/// A connection to the example over stdio, initialized in 2025-11-25 without client
/// capabilities; also the `initialize` result.
pub(crate) async fn initialized_example() -> (rt::Peer, rt::IncomingStream, InitializeResult) {
    let transport = rt::stdio::ChildTransport::command(example(), std::iter::empty::<&str>())
        .expect("the example starts");
    let (client, incoming) = rt::connect(
        transport,
        Side::Client,
        EngineConfig::new().default_timeout(WAIT),
    );
    let init = InitializeParams::new(
        V::V2025_11_25,
        ClientCapabilities::default(),
        Implementation::new("c", "0"),
    );
    let r = client
        .request::<Initialize>(&init, RequestOptions::new())
        .await
        .unwrap();
    client
        .notify::<Initialized>(&NotificationParams::default())
        .unwrap();
    (client, incoming, r)
}

// requirement: 2.16
#[tokio::test]
async fn both_eras_over_a_child_process() {
    let (client, _incoming, r) = initialized_example().await;
    assert_eq!(r.server_info.name, "stdio-example");
    let echo = client
        .request::<CallTool>(
            &CallToolParams::new("echo").with_arguments(args(json!({"text": "over stdio"}))),
            RequestOptions::new(),
        )
        .await
        .unwrap();
    assert_eq!(text(&echo), "over stdio");

    let raw = serde_json::value::to_raw_value(&params_2026(
        json!({"name": "add", "arguments": {"a": 1, "b": 2}}),
        json!({}),
    ))
    .unwrap();
    let sum = client
        .request_raw("tools/call", Some(raw), RequestOptions::new())
        .await
        .unwrap();
    let sum: Value = serde_json::from_str(sum.get()).unwrap();
    assert_eq!(sum["resultType"], "complete");
    assert_eq!(sum["content"][0]["text"], "3");
    client.close();
}

// requirement: 1.8, 3.1
#[tokio::test]
async fn garbage_and_oversized_lines_get_errors_and_the_server_carries_on() {
    let mut child = Command::new(example())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let big = format!(
        "{{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\",\"params\":{{\"x\":\"{}\"}}}}\n",
        "a".repeat(5 * 1024 * 1024)
    );
    let init = json!({"jsonrpc": "2.0", "id": 3, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "c", "version": "0"}}});
    let input = format!(
        "this is not json\n{big}{init}\n{}\n{}\n",
        json!({"jsonrpc": "2.0", "id": 4, "method": "tools/list"}),
        json!({"jsonrpc": "2.0", "id": 5, "method": "nope"}),
    );
    stdin.write_all(input.as_bytes()).await.unwrap();
    stdin.flush().await.unwrap();
    let mut answers = Vec::new();
    tokio::time::timeout(Duration::from_secs(20), async {
        while answers.len() < 5 {
            let line = lines.next_line().await.unwrap().expect("a line");
            answers.push(serde_json::from_str::<Value>(&line).unwrap());
        }
    })
    .await
    .expect("five answers in time");
    let by_id = |id: Value| {
        answers
            .iter()
            .find(|a| a["id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("no answer for {id}: {answers:?}"))
    };
    // The garbage line and the oversized line each get an error with `id: null`; the
    // oversized request itself is never run.
    let nulls: Vec<_> = answers.iter().filter(|a| a["id"].is_null()).collect();
    assert_eq!(nulls.len(), 2, "{answers:?}");
    assert!(nulls.iter().all(|a| {
        a["error"]["code"]
            .as_i64()
            .is_some_and(|c| c == -32700 || c == -32600)
    }));
    assert!(answers.iter().all(|a| a["id"] != json!(2)));
    assert_eq!(by_id(json!(3))["result"]["protocolVersion"], "2025-11-25");
    assert!(by_id(json!(4))["result"]["tools"].is_array());
    assert_eq!(by_id(json!(5))["error"]["code"], -32601);
    drop(stdin);
    let _ = tokio::time::timeout(Duration::from_secs(5), child.wait()).await;
}

// requirement: 2.19
#[tokio::test]
async fn every_request_read_before_stdin_ends_is_answered() {
    // basic/transports §stdio: a client shuts a server down by closing its stdin. What it
    // sent before that still gets answers: the server stops reading, not writing.
    let mut child = Command::new(example())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    const N: usize = 500;
    let mut input = String::new();
    for id in 1..=N {
        let call = json!({"jsonrpc": "2.0", "id": id, "method": "tools/call", "params": {
            "name": "echo", "arguments": {"text": format!("n{id}")},
            "_meta": {"io.modelcontextprotocol/protocolVersion": "2026-07-28",
                      "io.modelcontextprotocol/clientCapabilities": {}}}});
        input.push_str(&call.to_string());
        input.push('\n');
    }
    let writer = tokio::spawn(async move {
        stdin.write_all(input.as_bytes()).await.unwrap();
        // Dropping stdin closes it: end of file for the server.
    });
    let mut lines = BufReader::new(stdout).lines();
    let mut ids = std::collections::BTreeSet::new();
    tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            let answer: Value = serde_json::from_str(&line).unwrap();
            assert_eq!(
                answer["result"]["content"][0]["text"],
                format!("n{}", answer["id"]),
                "{answer}"
            );
            ids.insert(answer["id"].as_u64().unwrap());
        }
    })
    .await
    .expect("the server answers and exits in time");
    writer.await.unwrap();
    assert_eq!(ids.len(), N, "every request got its answer");
    let status = tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .expect("the server exits once it has answered")
        .unwrap();
    assert!(status.success(), "{status}");
}
