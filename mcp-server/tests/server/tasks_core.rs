//! 2025-11-25 tasks (basic/utilities/tasks) beyond the happy path of `session.rs`: the
//! lifetime a task is granted and reports, task IDs, and tools that forbid tasks; plus the
//! lifetime the 2026-07-28 extension reports.

use std::time::Duration;

use mcp_protocol::ProtocolVersion as V;
use mcp_protocol::jsonrpc::ErrorCode;
use mcp_protocol::rt::{RequestError, memory::Mode};
use serde_json::{Value, json};

use crate::support::*;

async fn session(server: &mcp_server::Server) -> Harness {
    let h = Harness::connect(server, Mode::Serialized);
    h.initialize(V::V2025_11_25, full_caps()).await;
    h
}

fn code(e: RequestError) -> ErrorCode {
    match e {
        RequestError::Remote(obj) => obj.code,
        other => panic!("expected a JSON-RPC error, got {other:?}"),
    }
}

/// Starts `slow_task` as a task asking for `task`; the created task.
async fn start(h: &Harness, task: Value) -> Value {
    let created = h
        .raw("tools/call", json!({"name": "slow_task", "task": task}))
        .await
        .unwrap();
    created["task"].clone()
}

// requirement: 7.14
/// §TTL and Resource Management: "Receivers **MAY** override the requested `ttl`" and
/// "**MUST** include the actual `ttl` duration (or `null` for unlimited) in `tasks/get`
/// responses": the requested ttl is granted within the server's maximum, and every task
/// response (creation, `tasks/get`, `tasks/list`, `tasks/cancel`) reports it.
#[tokio::test]
async fn the_granted_ttl_is_reported_in_every_task_response() {
    let server = everything_server(
        mcp_server::Server::builder("t", "1")
            .tasks(true)
            .task_max_ttl(Duration::from_secs(120)),
    );
    let h = session(&server).await;
    for (asked, granted) in [
        (json!({"ttl": 30_000}), 30_000),
        (json!({"ttl": 3_600_000}), 120_000),
        (json!({}), 120_000),
    ] {
        let task = start(&h, asked.clone()).await;
        assert_eq!(task["ttl"], granted, "asked {asked}: {task}");
        let id = task["taskId"].as_str().unwrap().to_owned();
        let got = h.raw("tasks/get", json!({"taskId": id})).await.unwrap();
        assert_eq!(got["ttl"], granted, "tasks/get: {got}");
        let listed = h.raw("tasks/list", json!({})).await.unwrap();
        let entry = listed["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["taskId"] == id.as_str())
            .cloned()
            .unwrap();
        assert_eq!(entry["ttl"], granted, "tasks/list: {entry}");
        let cancelled = h.raw("tasks/cancel", json!({"taskId": id})).await.unwrap();
        assert_eq!(cancelled["ttl"], granted, "tasks/cancel: {cancelled}");
    }
}

// requirement: 7.14
/// After the lifetime is over an ended task and its result are dropped: `tasks/get` answers
/// -32602 (polled, bounded by [`WAIT`]).
#[tokio::test]
async fn an_ended_task_is_dropped_after_its_ttl() {
    let server = everything_server(mcp_server::Server::builder("t", "1").tasks(true));
    let h = session(&server).await;
    let task = start(&h, json!({"ttl": 1})).await;
    assert_eq!(task["ttl"], 1);
    let id = task["taskId"].as_str().unwrap().to_owned();
    let gone = tokio::time::timeout(WAIT, async {
        loop {
            match h.raw("tasks/get", json!({"taskId": id})).await {
                Err(e) => return code(e),
                Ok(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        }
    })
    .await
    .expect("the task was never dropped");
    assert_eq!(gone, ErrorCode::INVALID_PARAMS);
}

// requirement: 7.11
/// Task IDs are 128 random bits (32 hex digits), with no counter in them.
#[tokio::test]
async fn task_ids_are_32_hex_digits() {
    let server = everything_server(mcp_server::Server::builder("t", "1").tasks(true));
    let h = session(&server).await;
    let first = start(&h, json!({})).await["taskId"].clone();
    let second = start(&h, json!({})).await["taskId"].clone();
    for id in [&first, &second] {
        let id = id.as_str().unwrap();
        assert_eq!(id.len(), 32, "{id}");
        assert!(id.bytes().all(|b| b.is_ascii_hexdigit()), "{id}");
    }
    assert_ne!(first, second);
}

// requirement: 7.10
/// §Tool-Level Negotiation: a tool whose `taskSupport` is absent or "forbidden" called as a
/// task: "Servers **SHOULD** return a `-32601` (Method not found) error". The same call
/// without `task` runs.
#[tokio::test]
async fn a_task_for_a_tool_that_forbids_tasks_is_method_not_found() {
    let server = everything_server(mcp_server::Server::builder("t", "1").tasks(true));
    let h = session(&server).await;
    let err = h
        .raw(
            "tools/call",
            json!({"name": "echo", "arguments": {"text": "hi"}, "task": {}}),
        )
        .await
        .unwrap_err();
    assert_eq!(code(err), ErrorCode::METHOD_NOT_FOUND);
    let ok = h
        .raw(
            "tools/call",
            json!({"name": "echo", "arguments": {"text": "hi"}}),
        )
        .await
        .unwrap();
    assert_eq!(ok["content"][0]["text"], "hi");
}

// requirement: 7.14
/// The extension reports the lifetime as `ttlMs` (a server with no client request to
/// follow grants its maximum), and `tasks/get` reports the same.
#[tokio::test]
async fn the_extension_reports_the_ttl_as_ttl_ms() {
    let server = everything_server(
        mcp_server::Server::builder("t", "1")
            .tasks(true)
            .task_max_ttl(Duration::from_secs(90)),
    );
    let h = Harness::connect(&server, Mode::Serialized);
    let caps = json!({"extensions": {"io.modelcontextprotocol/tasks": {}}});
    let created = h
        .raw(
            "tools/call",
            params_2026(json!({"name": "slow_task"}), caps.clone()),
        )
        .await
        .unwrap();
    assert_eq!(created["resultType"], "task", "{created}");
    assert_eq!(created["ttlMs"], 90_000, "{created}");
    let got = h
        .raw(
            "tasks/get",
            params_2026(json!({"taskId": created["taskId"]}), caps),
        )
        .await
        .unwrap();
    assert_eq!(got["ttlMs"], 90_000, "{got}");
}
