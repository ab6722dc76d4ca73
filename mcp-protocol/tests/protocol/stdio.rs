//! The stdio transport against a real child process: the `echo_peer` example.

use std::collections::HashSet;
use std::time::Duration;

use futures::future::join_all;
use mcp_protocol::Side;
use mcp_protocol::engine::{EngineConfig, RequestOptions};
use mcp_protocol::methods::Ping;
use mcp_protocol::rt::stdio::{ChildTransport, Stderr};
use mcp_protocol::rt::{self, Incoming, RequestError};
use mcp_protocol::types::{EmptyResult, RequestParams};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use crate::support::{LIMIT, echo_peer, raw, within};

fn spawn_echo_peer() -> ChildTransport {
    let cmd = std::process::Command::new(echo_peer());
    ChildTransport::spawn(cmd, Stderr::Inherit).unwrap()
}

#[tokio::test]
async fn requests_over_a_child_process_answered_out_of_order() {
    let (client, _incoming) = rt::connect(spawn_echo_peer(), Side::Client, EngineConfig::new());
    let pong =
        within(client.request::<Ping>(&RequestParams::default(), RequestOptions::new())).await;
    assert_eq!(pong.unwrap(), EmptyResult::default());
    let calls = (0..10u64).map(|i| {
        client.request_raw(
            "test/sleep",
            raw(json!({"ms": (10 - i) * 10})),
            RequestOptions::new(),
        )
    });
    for (i, r) in within(join_all(calls)).await.into_iter().enumerate() {
        let v: Value = serde_json::from_str(r.unwrap().get()).unwrap();
        assert_eq!(v["slept"], (10 - i as u64) * 10);
    }
}

#[tokio::test]
async fn drop_and_timeout_cancel_in_the_child() {
    let (client, mut incoming) = rt::connect(spawn_echo_peer(), Side::Client, EngineConfig::new());
    let dropped = client.request_raw(
        "test/sleep",
        raw(json!({"ms": 60_000})),
        RequestOptions::new(),
    );
    let dropped_id = dropped.id().unwrap();
    let _ = tokio::time::timeout(Duration::from_millis(100), dropped).await;
    let opts = RequestOptions::new().timeout(Duration::from_millis(100));
    let timed = client.request_raw("test/sleep", raw(json!({"ms": 60_000})), opts);
    let timed_id = timed.id().unwrap();
    assert!(matches!(within(timed).await, Err(RequestError::TimedOut)));

    let mut cancelled = HashSet::new();
    while cancelled.len() < 2 {
        if let Incoming::Notification(n) = within(incoming.next()).await.unwrap() {
            let v: Value = serde_json::from_str(n.params.unwrap().get()).unwrap();
            cancelled.insert(v["requestId"].clone());
        }
    }
    assert_eq!(
        cancelled,
        HashSet::from([json!(dropped_id), json!(timed_id)])
    );
}

/// Raw lines to the child: a garbage line and an oversized line each get the right JSON-RPC
/// error, and the requests around them are answered.
// requirement: 1.8, 3.1
#[tokio::test]
async fn garbage_and_oversized_lines_get_errors_and_the_rest_carries_on() {
    let mut child = tokio::process::Command::new(echo_peer())
        .env("ECHO_PEER_MAX_LEN", "1024")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let big = format!(
        r#"{{"jsonrpc":"2.0","id":3,"method":"test/echo","params":{{"x":"{}"}}}}"#,
        "a".repeat(4000)
    );
    let input = [
        r#"{"jsonrpc":"2.0","id":1,"method":"test/sleep","params":{"ms":200}}"#,
        "this is not json",
        big.as_str(),
        "",
        r#"{"jsonrpc":"2.0","id":2,"method":"ping"}"#,
    ]
    .join("\n")
        + "\n";
    within(stdin.write_all(input.as_bytes())).await.unwrap();

    let mut replies = Vec::new();
    while replies.len() < 4 {
        let line = within(lines.next_line())
            .await
            .unwrap()
            .expect("the child is alive");
        replies.push(serde_json::from_str::<Value>(&line).unwrap());
    }
    let find = |pred: &dyn Fn(&Value) -> bool| replies.iter().filter(|r| pred(r)).count();
    assert_eq!(
        find(&|r| r["id"].is_null() && r["error"]["code"] == -32700),
        1,
        "{replies:?}"
    );
    assert_eq!(
        find(&|r| r["id"].is_null() && r["error"]["code"] == -32600),
        1,
        "{replies:?}"
    );
    assert_eq!(
        find(&|r| r["id"] == 2 && r["result"] == json!({})),
        1,
        "{replies:?}"
    );
    assert_eq!(
        find(&|r| r["id"] == 1 && r["result"]["slept"] == 200),
        1,
        "{replies:?}"
    );
    drop(stdin);
    let status = within(child.wait()).await.unwrap();
    assert!(
        status.success(),
        "the peer exits cleanly at end of input: {status}"
    );
}

/// `(pid, process group, state)` of every process, from `/proc`.
#[cfg(target_os = "linux")]
fn processes() -> Vec<(u32, String, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // pid (comm) state ppid pgrp ...; comm may hold spaces, so split after the last ')'.
        let Some((_, rest)) = stat.rsplit_once(')') else {
            continue;
        };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        if fields.len() > 2 {
            out.push((pid, fields[2].to_owned(), fields[0].to_owned()));
        }
    }
    out
}

/// Whether `state` is that of a live process (not a zombie, not dead).
#[cfg(target_os = "linux")]
fn live(state: &str) -> bool {
    !matches!(state, "Z" | "X")
}

/// Waits until `done()` holds, failing with `what()` after [`LIMIT`].
#[cfg(target_os = "linux")]
async fn wait_until(done: impl Fn() -> bool, what: impl Fn() -> String) {
    let deadline = tokio::time::Instant::now() + LIMIT;
    while !done() {
        assert!(tokio::time::Instant::now() < deadline, "{}", what());
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// The pids whose process group is `pgid` and that are not zombies.
#[cfg(all(target_os = "linux", not(mcp_portable_stdio)))]
fn live_members(pgid: u32) -> Vec<u32> {
    let pgid = pgid.to_string();
    processes()
        .into_iter()
        .filter(|(_, group, state)| *group == pgid && live(state))
        .map(|(pid, ..)| pid)
        .collect()
}

/// Unix: the child leads its own process group, and dropping the transport kills the group.
#[cfg(all(target_os = "linux", not(mcp_portable_stdio)))]
#[tokio::test]
async fn dropping_the_child_transport_kills_its_process_group() {
    let mut cmd = std::process::Command::new("sh");
    cmd.args(["-c", "sleep 30 & sleep 30"]);
    let transport = ChildTransport::spawn(cmd, Stderr::Null).unwrap();
    let pgid = transport.id().unwrap();
    // sh and both sleeps (sh may exec the last one itself: at least two processes).
    wait_until(
        || live_members(pgid).len() >= 2,
        || "the children never started".into(),
    )
    .await;
    drop(transport);
    wait_until(
        || live_members(pgid).is_empty(),
        || format!("still alive: {:?}", live_members(pgid)),
    )
    .await;
}

/// The portable path (`MCP_PORTABLE_STDIO=1` on Linux): the child stays in our process
/// group, and dropping the transport kills the child.
#[cfg(all(target_os = "linux", mcp_portable_stdio))]
#[tokio::test]
async fn dropping_the_child_transport_kills_the_child() {
    let transport = spawn_echo_peer();
    let pid = transport.id().unwrap();
    let ours = processes()
        .into_iter()
        .find(|(p, ..)| *p == std::process::id())
        .map(|(_, group, _)| group);
    let state = |pid: u32| processes().into_iter().find(|(p, ..)| *p == pid);
    let group = state(pid).map(|(_, group, _)| group);
    assert_eq!(group, ours, "the child is in our process group");
    drop(transport);
    wait_until(
        || state(pid).is_none_or(|(.., s)| !live(&s)),
        || format!("the child {pid} is still alive"),
    )
    .await;
}

/// A write to a child that closed its stdin fails with `EPIPE`: the connection closes with
/// [`CloseReason::Transport`] carrying the transport's own error (the `io::Error` kind
/// survives), not a text, and the pending request ends with the same reason.
#[cfg(unix)]
#[tokio::test]
async fn a_failed_write_closes_with_the_typed_transport_error() {
    use mcp_protocol::engine::CloseReason;
    use mcp_protocol::rt::TransportError;

    let mut cmd = std::process::Command::new("sh");
    cmd.args([
        "-c",
        r#"exec 0<&-; echo '{"jsonrpc":"2.0","method":"test/ready"}'; exec sleep 30"#,
    ]);
    let transport = ChildTransport::spawn(cmd, Stderr::Inherit).unwrap();
    let (client, mut incoming) = rt::connect(transport, Side::Client, EngineConfig::new());
    // The child has closed its stdin once it says it is ready.
    loop {
        match within(incoming.next())
            .await
            .expect("the child says it is ready")
        {
            Incoming::Notification(n) if n.method == "test/ready" => break,
            _ => {}
        }
    }
    let answer =
        within(client.request::<Ping>(&RequestParams::default(), RequestOptions::new())).await;
    let Err(RequestError::Closed(CloseReason::Transport(failure))) = answer else {
        panic!("expected a transport close, got {answer:?}");
    };
    let Some(TransportError::Io(io)) = failure.downcast_ref::<TransportError>() else {
        panic!("expected the transport's I/O error, got {failure:?}");
    };
    assert_eq!(io.kind(), std::io::ErrorKind::BrokenPipe);
    assert_eq!(
        client.close_reason(),
        Some(CloseReason::Transport(failure.clone()))
    );
}
