//! The official `tasks-*` scenarios (the 2026-07-28 tasks extension,
//! `io.modelcontextprotocol/tasks`, SEP-2663) that have a counterpart here:
//! `tasks-lifecycle`, `tasks-capability-negotiation`, `tasks-required-task-error`,
//! `tasks-wire-fields`, `tasks-request-state-removal` and `tasks-request-headers`; and the
//! helpers the other four share ([`tasks_input`](super::tasks_input):
//! `tasks-mrtr-input`, `tasks-mrtr-composition`; [`tasks_dispatch`](super::tasks_dispatch):
//! `tasks-dispatch-and-envelope`, `tasks-status-notifications`).

use std::time::Duration;

use futures::FutureExt;
use mcp_protocol::ProtocolVersion;
use serde_json::{Value, json};

use super::http::raw_rpc;
use super::{Name, STATELESS, call, ensure, with_fixture, within};
use crate::scenario::server::{Halt, ServerScenario, scenario};
use crate::scenario::{Outcome, Severity};
use crate::target::{Conversation, Reply, Target};

/// The extension's identifier (the client declares it; the server advertises it).
pub(super) const TASKS: &str = "io.modelcontextprotocol/tasks";

pub(super) fn scenarios() -> Vec<ServerScenario> {
    vec![
        scenario(
            "official/tasks-capability-negotiation",
            "2026-07-28 tasks extension (SEP-2663): advertised under capabilities.extensions; without \
             the client's declaration tasks/* get -32021 and a task-supporting tool answers \
             synchronously; declared per request, the call becomes a task",
            Severity::Must,
            |t, v| negotiation(t, v).boxed(),
        )
        .checks(&["7.20"]),
        scenario(
            "official/tasks-required-task-error",
            "2026-07-28 SEP-2575 §Missing Required Capabilities, SEP-2663: a task-only tool called \
             without the extension declared gets -32021 (failing_job)",
            Severity::Must,
            |t, v| required_task_error(t, v).boxed(),
        )
        .checks(&["7.20"]),
        scenario(
            "official/tasks-wire-fields",
            "2026-07-28 tasks extension (SEP-2663): ttlMs and pollIntervalMs integer milliseconds, no \
             v1 ttl or pollInterval",
            Severity::Must,
            |t, v| wire_fields(t, v).boxed(),
        ),
        scenario(
            "official/tasks-request-state-removal",
            "2026-07-28 tasks extension (SEP-2663): no requestState on a CreateTaskResult or a task",
            Severity::Must,
            |t, v| no_request_state(t, v).boxed(),
        ),
        scenario(
            "official/tasks-request-headers",
            "2026-07-28 streamable-http §Standard Headers (SEP-2243), tasks extension: Mcp-Name is \
             the taskId on tasks/get; a mismatch gets 400",
            Severity::Must,
            |t, v| request_headers(t, v).boxed(),
        ),
        scenario(
            "official/tasks-lifecycle",
            "2026-07-28 tasks extension (SEP-2663): a sync tool's result has no task; a task's \
         CreateTaskResult is flat (taskId, status; no result or error); tasks/get until \
         completed; tasks/cancel acknowledges and the task ends cancelled (greet, slow_compute)",
            Severity::Must,
            |t, v| lifecycle(t, v).boxed(),
        )
        .checks(&["7.21"]),
    ]
}

/// The capabilities of a client that declares the extension.
pub(super) fn with_tasks() -> Value {
    json!({"elicitation": {}, "sampling": {}, "extensions": {TASKS: {}}})
}

/// Runs `body` on a fixture conversation of 2026-07-28 offering `greet` and `slow_compute`
/// (and `more`), declaring the extension.
macro_rules! tasks {
    ($target:expr, $version:expr, $more:expr, |$c:ident| $body:block) => {{
        use $crate::scenario::server::official::{Name, STATELESS, with_fixture, within};
        if let Err(skip) = within(
            $version,
            STATELESS,
            "the tasks extension (SEP-2663) is for 2026-07-28",
        ) {
            return skip;
        }
        let mut names = vec![Name::Tool("greet"), Name::Tool("slow_compute")];
        names.extend_from_slice($more);
        with_fixture!($target, $version, None, &names, |$c| {
            $c.declare($crate::scenario::server::official::tasks::with_tasks());
            $body
        })
    }};
}
pub(super) use tasks;

async fn negotiation(target: &Target, version: ProtocolVersion) -> Outcome {
    tasks!(target, version, &[], |c| {
        ensure(c.capabilities["extensions"][TASKS].is_object(), || {
            format!("{TASKS} is not advertised under capabilities.extensions")
        })?;
        ensure(c.capabilities.get("tasks").is_none(), || {
            "a v1 capabilities.tasks slot is advertised".into()
        })?;
        c.declare(json!({}));
        for method in ["tasks/get", "tasks/cancel", "tasks/update"] {
            let mut params = json!({"taskId": "tasks-conformance-isolation-probe"});
            if method == "tasks/update" {
                params["inputResponses"] = json!({});
            }
            match c.request(method, params).await? {
                Reply::Error(-32021, _) => {}
                other => {
                    return Err(Halt::Fail(format!(
                        "{method} without the extension declared: expected -32021, got {other:?}"
                    )));
                }
            }
        }
        let sync = call(
            c,
            json!({"name": "slow_compute", "arguments": {"seconds": 0}}),
        )
        .await?;
        ensure(sync["resultType"] != "task", || {
            format!("slow_compute became a task though the client did not declare {TASKS}: {sync}")
        })?;
        c.declare(with_tasks());
        let task = call(
            c,
            json!({"name": "slow_compute", "arguments": {"seconds": 0}}),
        )
        .await?;
        created("slow_compute, the extension declared", &task).map(drop)
    })
}

async fn required_task_error(target: &Target, version: ProtocolVersion) -> Outcome {
    tasks!(target, version, &[Name::Tool("failing_job")], |c| {
        c.declare(json!({}));
        match c
            .request(
                "tools/call",
                json!({"name": "failing_job", "arguments": {}}),
            )
            .await?
        {
            Reply::Error(-32021, e) => {
                let data = &e["data"]["requiredCapabilities"];
                // SHOULD name the extension; a shape other than an object is wrong.
                ensure(data.is_null() || data.is_object(), || {
                    format!("data.requiredCapabilities is not an object: {e}")
                })
            }
            other => Err(Halt::Fail(format!(
                "failing_job (task only) without the extension declared: expected -32021, got {other:?}"
            ))),
        }
    })
}

/// `value` has integer millisecond fields only, and no v1 names.
fn v2_fields(what: &str, value: &Value) -> Result<(), Halt> {
    for key in ["ttl", "pollInterval"] {
        ensure(value.get(key).is_none(), || {
            format!("{what} carries the v1 key {key}: {value}")
        })?;
    }
    for key in ["ttlMs", "pollIntervalMs"] {
        ensure(
            value.get(key).is_none_or(|v| v.is_null() || v.is_u64()),
            || format!("{what}: {key} is not an integer of milliseconds: {value}"),
        )?;
    }
    Ok(())
}

async fn wire_fields(target: &Target, version: ProtocolVersion) -> Outcome {
    tasks!(target, version, &[], |c| {
        let r = call(
            c,
            json!({"name": "slow_compute", "arguments": {"seconds": 1}}),
        )
        .await?;
        let id = created("slow_compute", &r)?;
        v2_fields("the CreateTaskResult", &r)?;
        let task = c
            .request("tasks/get", json!({"taskId": id}))
            .await?
            .result("tasks/get")?;
        v2_fields("tasks/get", &task)?;
        let done = wait_for(c, &id, "completed").await?;
        v2_fields("tasks/get of the completed task", &done)
    })
}

async fn no_request_state(target: &Target, version: ProtocolVersion) -> Outcome {
    tasks!(target, version, &[], |c| {
        let r = call(
            c,
            json!({"name": "slow_compute", "arguments": {"seconds": 1}}),
        )
        .await?;
        let id = created("slow_compute", &r)?;
        ensure(r.get("requestState").is_none(), || {
            format!("the CreateTaskResult carries requestState: {r}")
        })?;
        let task = c
            .request("tasks/get", json!({"taskId": id}))
            .await?
            .result("tasks/get")?;
        ensure(task.get("requestState").is_none(), || {
            format!("tasks/get carries requestState: {task}")
        })?;
        let done = wait_for(c, &id, "completed").await?;
        ensure(done.get("requestState").is_none(), || {
            format!("the completed task carries requestState: {done}")
        })
    })
}

async fn request_headers(target: &Target, version: ProtocolVersion) -> Outcome {
    if target.http_url().is_none() {
        return Outcome::skip("an HTTP scenario: the target is not at a URL");
    }
    tasks!(target, version, &[], |c| {
        let r = call(
            c,
            json!({"name": "slow_compute", "arguments": {"seconds": 0}}),
        )
        .await?;
        let id = created("slow_compute", &r)?;
        let task_id = id.as_str().unwrap_or_default().to_owned();
        let params = c.stamp(json!({"taskId": id}));
        let matched = [("mcp-method", "tasks/get"), ("mcp-name", task_id.as_str())];
        let (status, answer) =
            raw_rpc(c, target, 700, "tasks/get", params.clone(), &matched).await?;
        ensure(
            status == Some(200) && answer["result"]["taskId"] == id,
            || format!("tasks/get with Mcp-Name: {task_id}: HTTP {status:?} {answer}"),
        )?;
        let wrong = [("mcp-method", "tasks/get"), ("mcp-name", "not-the-task-id")];
        let (status, answer) = raw_rpc(c, target, 701, "tasks/get", params, &wrong).await?;
        ensure(status == Some(400), || {
            format!(
                "tasks/get with an Mcp-Name other than its taskId: HTTP {status:?} {answer}, expected 400"
            )
        })
    })
}

/// How long a task may take to reach the status waited for.
const SETTLE: Duration = Duration::from_secs(10);

/// Polls `tasks/get` until the task is `wanted` or terminal.
pub(super) async fn wait_for(
    c: &mut Conversation,
    id: &Value,
    wanted: &str,
) -> Result<Value, Halt> {
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
pub(super) fn created(what: &str, r: &Value) -> Result<Value, Halt> {
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
