//! 2026-07-28 basic §ResultType: the client accepts the `resultType`s of the core protocol
//! and of the extensions it declared, and treats any other as an invalid answer, against a
//! scripted server that answers what the test says.

use mcp_client::{Client, Error};
use mcp_protocol::methods::CallTool;
use mcp_protocol::types::ResultOrFollowUp;
use serde_json::{Value, json};

use crate::support::{Scripted, builder, reply, stateless, within};

/// A task as the extension answers `tools/call` with it.
fn task() -> Value {
    json!({"resultType": "task", "taskId": "t1", "status": "working",
           "createdAt": "2026-01-01T00:00:00Z", "lastUpdatedAt": "2026-01-01T00:00:00Z",
           "ttlMs": 60000, "pollIntervalMs": 100})
}

/// Calls `tools/call` through [`Client::request_outcome`], answering it with `answer`.
async fn call_answered(
    client: Client,
    server: &mut Scripted,
    answer: Value,
) -> mcp_client::Result<ResultOrFollowUp<mcp_protocol::methods::CallToolResult>> {
    let call = tokio::spawn(async move {
        let params = mcp_protocol::methods::CallToolParams::new("t");
        client
            .request_outcome::<CallTool>(params, mcp_client::CallOptions::new())
            .await
    });
    reply(server.expect_request("tools/call").await, answer);
    within(call).await.unwrap()
}

/// The `resultType` error: a decode error at `resultType` naming the kind.
fn assert_invalid_result_type(err: &Error, kind: &str) {
    let Error::Decode(mcp_protocol::DecodeError::InvalidResult { path, message, .. }) = err else {
        panic!("expected an invalid result, got {err:?}");
    };
    assert_eq!(path, "resultType", "{err}");
    assert!(message.contains(&format!("{kind:?}")), "{err}");
}

// requirement: 1.6
/// An unknown `resultType` is invalid, even when the rest would decode as the result.
#[tokio::test]
async fn an_unknown_result_type_is_an_invalid_answer() {
    let (client, mut server) = stateless(builder(), json!({"tools": {}})).await;
    let listing = tokio::spawn({
        let client = client.clone();
        async move { client.list_tools(None).await }
    });
    reply(
        server.expect_request("tools/list").await,
        json!({"resultType": "foo", "tools": []}),
    );
    let err = within(listing).await.unwrap().expect_err("resultType foo");
    assert_invalid_result_type(&err, "foo");

    let outcome = call_answered(
        client,
        &mut server,
        json!({"resultType": "foo", "content": []}),
    )
    .await;
    assert_invalid_result_type(&outcome.expect_err("resultType foo"), "foo");
}

// requirement: 1.6
/// `"task"` belongs to the tasks extension: invalid when the client did not declare it.
#[tokio::test]
async fn a_task_is_invalid_without_the_tasks_extension() {
    let (client, mut server) = stateless(builder(), json!({"tools": {}})).await;
    let outcome = call_answered(client, &mut server, task()).await;
    assert_invalid_result_type(&outcome.expect_err("undeclared extension"), "task");
}

// requirement: 1.6
/// With the extension declared, a task answer to `tools/call` is the task; a complete one
/// (with or without `resultType`) is the result.
#[tokio::test]
async fn a_task_is_accepted_with_the_tasks_extension() {
    let (client, mut server) =
        stateless(builder().tasks_extension(true), json!({"tools": {}})).await;
    let outcome = call_answered(client.clone(), &mut server, task()).await;
    match outcome.expect("a task") {
        ResultOrFollowUp::Task(t) => assert_eq!(t.task.task_id, "t1"),
        other => panic!("expected a task, got {other:?}"),
    }
    for complete in [
        json!({"resultType": "complete", "content": []}),
        json!({"content": []}),
    ] {
        let outcome = call_answered(client.clone(), &mut server, complete).await;
        assert!(
            matches!(outcome, Ok(ResultOrFollowUp::Complete(_))),
            "{outcome:?}"
        );
    }
}
