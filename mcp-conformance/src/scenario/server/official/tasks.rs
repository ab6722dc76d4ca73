//! The official `tasks-lifecycle` scenario (the 2026-07-28 tasks extension,
//! `io.modelcontextprotocol/tasks`, SEP-2663): a sync tool answers at once, a
//! task-supporting tool answers a flat `CreateTaskResult`, `tasks/get` reports it until it
//! completes, and `tasks/cancel` acknowledges and leaves the task `cancelled`.

use std::time::Duration;

use futures::FutureExt;
use mcp_protocol::ProtocolVersion;
use serde_json::{Value, json};

use super::{Name, STATELESS, call, ensure, with_fixture, within};
use crate::scenario::server::{Halt, ServerScenario, scenario};
use crate::scenario::{Outcome, Severity};
use crate::target::Conversation;
use crate::target::Target;

/// The extension's identifier (the client declares it; the server advertises it).
const TASKS: &str = "io.modelcontextprotocol/tasks";

pub(super) fn scenarios() -> Vec<ServerScenario> {
    vec![scenario(
        "official/tasks-lifecycle",
        "2026-07-28 tasks extension (SEP-2663): a sync tool's result has no task; a task's \
         CreateTaskResult is flat (taskId, status; no result or error); tasks/get until \
         completed; tasks/cancel acknowledges and the task ends cancelled (greet, slow_compute)",
        Severity::Must,
        |t, v| lifecycle(t, v).boxed(),
    )]
}

/// How long a task may take to reach the status waited for.
const SETTLE: Duration = Duration::from_secs(10);

/// Polls `tasks/get` until the task is `wanted` or terminal.
async fn wait_for(c: &mut Conversation, id: &Value, wanted: &str) -> Result<Value, Halt> {
    let deadline = tokio::time::Instant::now() + SETTLE;
    loop {
        let task = c
            .request("tasks/get", json!({"taskId": id}))
            .await?
            .result("tasks/get")?;
        let status = task["status"].as_str().unwrap_or_default();
        if status == wanted || ["completed", "failed", "cancelled"].contains(&status) {
            return Ok(task);
        }
        if tokio::time::Instant::now() > deadline {
            return Err(Halt::Fail(format!(
                "task {id} still {status} after {} s",
                SETTLE.as_secs()
            )));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// A created task's id, after judging the flat `CreateTaskResult`.
fn created(what: &str, r: &Value) -> Result<Value, Halt> {
    ensure(r["resultType"] == "task", || {
        format!("{what}: expected resultType task, got {r}")
    })?;
    ensure(r.get("task").is_none(), || {
        format!("{what}: a nested task wrapper: {r}")
    })?;
    ensure(r["status"].is_string(), || {
        format!("{what}: no top-level status: {r}")
    })?;
    ensure(
        r.get("result").is_none() && r.get("error").is_none(),
        || format!("{what}: a CreateTaskResult carries result or error: {r}"),
    )?;
    r.get("taskId")
        .filter(|t| t.is_string())
        .cloned()
        .ok_or_else(|| Halt::Fail(format!("{what}: no taskId: {r}")))
}

async fn lifecycle(target: &Target, version: ProtocolVersion) -> Outcome {
    if let Err(skip) = within(
        version,
        STATELESS,
        "the tasks extension (SEP-2663) is for 2026-07-28",
    ) {
        return skip;
    }
    let names = [Name::Tool("greet"), Name::Tool("slow_compute")];
    with_fixture!(target, version, None, &names, |c| {
        c.declare(json!({"elicitation": {}, "sampling": {}, "extensions": {TASKS: {}}}));
        let sync = call(c, json!({"name": "greet", "arguments": {"name": "World"}})).await?;
        ensure(
            sync["resultType"] != "task" && sync.get("taskId").is_none(),
            || format!("greet (sync only) answered with a task: {sync}"),
        )?;
        ensure(
            sync["content"].as_array().is_some_and(|a| !a.is_empty()),
            || format!("greet: no content: {sync}"),
        )?;
        // Runs to completion.
        let r = call(
            c,
            json!({"name": "slow_compute", "arguments": {"seconds": 1}}),
        )
        .await?;
        let id = created("slow_compute", &r)?;
        let done = wait_for(c, &id, "completed").await?;
        ensure(
            done["taskId"] == id && done["status"] == "completed",
            || format!("task {id} ended {done}, expected completed"),
        )?;
        // Cancelled while it works.
        let r = call(
            c,
            json!({"name": "slow_compute", "arguments": {"seconds": 30}}),
        )
        .await?;
        let id = created("slow_compute", &r)?;
        let working = c
            .request("tasks/get", json!({"taskId": id}))
            .await?
            .result("tasks/get")?;
        ensure(
            working["taskId"] == id && working["status"].is_string(),
            || format!("tasks/get of a working task: {working}"),
        )?;
        let ack = c
            .request("tasks/cancel", json!({"taskId": id}))
            .await?
            .result("tasks/cancel")?;
        ensure(
            ack.get("taskId").is_none() && ack.get("status").is_none(),
            || format!("tasks/cancel answered a task envelope instead of an empty ack: {ack}"),
        )?;
        let ended = wait_for(c, &id, "cancelled").await?;
        ensure(ended["status"] == "cancelled", || {
            format!("the cancelled task ended {}", ended["status"])
        })
    })
}
