//! The official `tasks-dispatch-and-envelope` and `tasks-status-notifications` scenarios
//! (the 2026-07-28 tasks extension, SEP-2663): which methods and params the extension
//! removed, which answers carry `resultType: "complete"`, the durable creation of a task,
//! and the `notifications/tasks` a server may push on a `subscriptions/listen` stream.
//!
//! The official `tasks-status-notifications` of 0.2.0-alpha.12 reports itself skipped
//! ("pending subscriptions/listen rewrite"); the counterpart here judges what SEP-2663
//! §Task Status Notifications says: the `-32021` refusal of a client that did not declare
//! the extension (a MUST), and, when the server agrees to follow a task, the shape of each
//! notification.

use std::time::Duration;

use futures::FutureExt;
use mcp_protocol::ProtocolVersion;
use serde_json::{Value, json};

use super::tasks::{TASKS, created, tasks, wait_for, with_tasks};
use super::tasks_input::judge_ack;
use super::{Name, call, ensure};
use crate::scenario::server::{Halt, ServerScenario, scenario};
use crate::scenario::{Outcome, Severity};
use crate::schema_book;
use crate::target::{Conversation, Reply, Target};

pub(super) fn scenarios() -> Vec<ServerScenario> {
    vec![
        scenario(
            "official/tasks-dispatch-and-envelope",
            "SEP-2663 §Backward Compatibility (\"tasks/result is removed; clients calling it MUST \
             receive -32601\"; the task param \"servers MUST ignore it\"), JSON-RPC 2.0 §5.1 \
             (tasks/list is no method: -32601), §Task Creation (\"MUST NOT return CreateTaskResult \
             until … a tasks/get for the returned taskId would resolve\"), §Task Polling, §Task \
             Update Requests, §Task Cancellation (resultType \"MUST be set to complete\"), \
             §Protocol Errors (an unknown taskId on tasks/get: -32602, MUST): greet, slow_compute, \
             confirm_delete, failing_job",
            Severity::Must,
            |t, v| dispatch(t, v).boxed(),
        )
        .checks(&["7.20"]),
        scenario(
            "official/tasks-status-notifications",
            "SEP-2663 §Task Status Notifications (\"If a client requests task status notifications \
             but does not declare the io.modelcontextprotocol/tasks extension capability, the \
             server MUST return\" -32021; \"Servers MAY push status updates via \
             notifications/tasks\", each \"a complete DetailedTask\"), basic/patterns/subscriptions \
             (subscriptionId \"MUST\" be on every notification of the stream): slow_compute",
            Severity::Must,
            |t, v| status_notifications(t, v).boxed(),
        )
        .checks(&["7.23"]),
    ]
}

/// Judges the answer to a method the extension does not have: `-32601`.
fn judge_removed(method: &str, reply: &Reply) -> Result<(), Halt> {
    match reply {
        Reply::Error(-32601, _) => Ok(()),
        other => Err(Halt::Fail(format!(
            "{method} is no method of the tasks extension: expected -32601, got {other:?}"
        ))),
    }
}

/// Judges a `tools/call` of a sync-only tool that carried the removed v1 `task` param: a
/// plain result with content, no task.
fn judge_legacy_hint(r: &Value) -> Result<(), Halt> {
    ensure(
        r["resultType"] != "task" && r.get("taskId").is_none(),
        || format!("the v1 task param MUST be ignored, yet greet (sync only) became a task: {r}"),
    )?;
    ensure(r["resultType"] == "complete", || {
        format!("greet: resultType MUST be \"complete\" on a result that is no task: {r}")
    })?;
    ensure(
        r["content"].as_array().is_some_and(|a| !a.is_empty()),
        || format!("greet with the v1 task param: no content: {r}"),
    )
}

/// Judges a `tools/call` of a tool that may run as a task, answered at once: a task with
/// its id, or a complete result with content (§Polymorphic Results: either).
fn judge_either(r: &Value) -> Result<(), Halt> {
    if r["resultType"] == "task" {
        return created("slow_compute (seconds 0)", r).map(drop);
    }
    ensure(
        r["resultType"] == "complete" && r["content"].is_array(),
        || format!("slow_compute (seconds 0): neither a task nor a complete result: {r}"),
    )
}

/// Judges a `tasks/get`: `resultType: "complete"`, the task asked for.
fn judge_get(id: &Value, task: &Value) -> Result<(), Halt> {
    ensure(task["resultType"] == "complete", || {
        format!("tasks/get: resultType MUST be \"complete\": {task}")
    })?;
    ensure(task["taskId"] == *id, || {
        format!("tasks/get of {id} answered another task: {task}")
    })
}

/// Judges `tasks/get` of a task id the server never minted: `-32602`.
fn judge_unknown(reply: &Reply) -> Result<(), Halt> {
    match reply {
        Reply::Error(-32602, _) => Ok(()),
        other => Err(Halt::Fail(format!(
            "tasks/get of an unknown taskId MUST be -32602 (SEP-2663 §Protocol Errors), got \
             {other:?}"
        ))),
    }
}

async fn dispatch(target: &Target, version: ProtocolVersion) -> Outcome {
    let more = [Name::Tool("confirm_delete"), Name::Tool("failing_job")];
    tasks!(target, version, &more, |c| {
        for (method, params) in [
            (
                "tasks/result",
                json!({"taskId": "tasks-conformance-isolation-probe"}),
            ),
            ("tasks/list", json!({})),
        ] {
            judge_removed(method, &c.request(method, params).await?)?;
        }
        // The server alone decides; a task-only tool becomes a task with no hint.
        let r = call(c, json!({"name": "failing_job", "arguments": {}})).await?;
        let job = created("failing_job (task only, no task param)", &r)?;
        let legacy = json!({"name": "greet", "arguments": {"name": "legacy-hint"},
            "task": {"ttl": 60000, "pollInterval": 100}});
        judge_legacy_hint(&call(c, legacy).await?)?;
        judge_either(
            &call(
                c,
                json!({"name": "slow_compute", "arguments": {"seconds": 0}}),
            )
            .await?,
        )?;
        // tasks/get of an ended task.
        let ended = wait_for(c, &job, "completed").await?;
        judge_get(&job, &ended)?;
        // Durable creation: the id resolves at once; then the cancel's acknowledgement.
        let r = call(
            c,
            json!({"name": "slow_compute", "arguments": {"seconds": 60}}),
        )
        .await?;
        let long = created("slow_compute (seconds 60)", &r)?;
        let at_once = c
            .request("tasks/get", json!({"taskId": long}))
            .await?
            .result("tasks/get right after the CreateTaskResult")?;
        judge_get(&long, &at_once)?;
        let ack = c
            .request("tasks/cancel", json!({"taskId": long}))
            .await?
            .result("tasks/cancel")?;
        judge_ack("tasks/cancel", &ack)?;
        // tasks/update's acknowledgement, for a key never issued (to be ignored: SHOULD).
        let r = call(
            c,
            json!({"name": "confirm_delete", "arguments": {"filename": "rt.txt"}}),
        )
        .await?;
        if r["resultType"] == "task" {
            let asking = created("confirm_delete", &r)?;
            wait_for(c, &asking, "input_required").await?;
            let ack = c
                .request(
                    "tasks/update",
                    json!({"taskId": asking, "inputResponses": {"unknown-key": {"ignored": true}}}),
                )
                .await?
                .result("tasks/update")?;
            judge_ack("tasks/update", &ack)?;
            c.request("tasks/cancel", json!({"taskId": asking}))
                .await?
                .result("tasks/cancel")?;
        }
        let unknown = json!({"taskId": "tasks-conformance-nonexistent-12345"});
        judge_unknown(&c.request("tasks/get", unknown).await?)
    })
}

/// The JSON-RPC id of the `subscriptions/listen` request that follows the task.
const LISTEN_ID: i64 = 900_001;

/// How long the listen stream is read for the task's end.
const FOLLOW: Duration = Duration::from_secs(10);

/// What was heard on a listen stream.
#[derive(Debug, Default)]
struct Heard {
    /// The task ids the acknowledgement agreed to follow (`None`: no acknowledgement yet).
    agreed: Option<Vec<Value>>,
    /// The statuses of the `notifications/tasks` for the task, in order.
    statuses: Vec<String>,
}

impl Heard {
    /// Whether the task was seen to end.
    fn ended(&self) -> bool {
        self.statuses
            .last()
            .is_some_and(|s| ["completed", "failed", "cancelled"].contains(&s.as_str()))
    }
}

/// Judges one message read on the listen stream of task `id`, adding to `heard`.
fn judge_streamed(
    version: ProtocolVersion,
    id: &Value,
    message: &Value,
    heard: &mut Heard,
) -> Result<(), Halt> {
    let method = message["method"].as_str().unwrap_or_default();
    let params = &message["params"];
    let on_stream = params["_meta"]["io.modelcontextprotocol/subscriptionId"] == json!(LISTEN_ID);
    match method {
        "notifications/subscriptions/acknowledged" => {
            schema_book::check(version, "SubscriptionsAcknowledgedNotification", message)
                .map_err(|e| format!("the acknowledgement: {}", e.join("; ")))?;
            ensure(on_stream, || {
                format!("the acknowledgement names no subscriptionId {LISTEN_ID}: {message}")
            })?;
            ensure(heard.agreed.is_none() && heard.statuses.is_empty(), || {
                format!(
                    "the acknowledgement MUST be the first message of the subscription \
                     (SubscriptionsAcknowledgedNotification), and only one: {message}"
                )
            })?;
            heard.agreed = Some(
                params["notifications"]["taskIds"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default(),
            );
        }
        "notifications/tasks" => {
            ensure(heard.agreed.is_some(), || {
                format!("notifications/tasks before the acknowledgement: {message}")
            })?;
            ensure(on_stream, || {
                format!(
                    "notifications/tasks without subscriptionId {LISTEN_ID}: every notification \
                     of a listen stream MUST carry it: {message}"
                )
            })?;
            judge_task_notification(id, params)?;
            heard
                .statuses
                .push(params["status"].as_str().unwrap_or_default().to_owned());
        }
        "notifications/progress" | "notifications/message" if on_stream => {
            return Err(Halt::Fail(format!(
                "{method} on a listen stream for a task: MUST NOT (SEP-2663 §Task Status \
                 Notifications): {message}"
            )));
        }
        _ => {}
    }
    Ok(())
}

/// Judges the params of a `notifications/tasks` for task `id`: a complete `DetailedTask`
/// (the task's id and status; at the end, its result or error).
fn judge_task_notification(id: &Value, params: &Value) -> Result<(), Halt> {
    ensure(params["taskId"] == *id, || {
        format!(
            "notifications/tasks for another task than {id}, which was the only one asked: {params}"
        )
    })?;
    let status = params["status"].as_str().unwrap_or_default();
    ensure(
        [
            "working",
            "input_required",
            "completed",
            "failed",
            "cancelled",
        ]
        .contains(&status),
        || format!("notifications/tasks: no task status: {params}"),
    )?;
    ensure(
        status != "completed" || params["result"].is_object(),
        || {
            format!(
                "notifications/tasks of a completed task without its result (a complete DetailedTask): {params}"
            )
        },
    )?;
    ensure(status != "failed" || params["error"].is_object(), || {
        format!("notifications/tasks of a failed task without its error: {params}")
    })
}

/// Judges the answer to a `subscriptions/listen` for task notifications from a client that
/// did not declare the extension; `Halt::Skip` when the method is not served at all.
fn judge_undeclared_listen(answer: Result<Reply, String>) -> Result<(), Halt> {
    match answer {
        Ok(Reply::Error(-32021, _)) => Ok(()),
        Ok(Reply::Error(-32601, _)) => Err(Halt::Skip(
            "subscriptions/listen is not served (-32601): no task notifications".into(),
        )),
        other => Err(Halt::FailAt(
            Severity::Must,
            format!(
                "subscriptions/listen asking for task notifications without {TASKS} declared: \
                 expected -32021 (SEP-2663 §Task Status Notifications), got {other:?}"
            ),
        )),
    }
}

async fn status_notifications(target: &Target, version: ProtocolVersion) -> Outcome {
    tasks!(target, version, &[], |c| {
        let r = call(
            c,
            json!({"name": "slow_compute", "arguments": {"seconds": 2}}),
        )
        .await?;
        if r["resultType"] != "task" {
            return Err(Halt::Skip(format!(
                "slow_compute answered without a task, which a server may: no task to follow ({r})"
            )));
        }
        let id = created("slow_compute", &r)?;
        let asked = json!({"notifications": {"taskIds": [id]}});
        c.declare(json!({}));
        judge_undeclared_listen(c.request("subscriptions/listen", asked.clone()).await)?;
        c.declare(with_tasks());
        // The stream is the last request of the conversation: its answer comes only when it
        // ends, so nothing else is asked while it is read.
        let listen = json!({"jsonrpc": "2.0", "id": LISTEN_ID, "method": "subscriptions/listen",
            "params": c.stamp(asked)});
        c.send_raw(listen.to_string().as_bytes()).await?;
        let heard = follow(c, &id).await?;
        match &heard.agreed {
            None => Err(Halt::Fail(format!(
                "no notifications/subscriptions/acknowledged within {} s of subscriptions/listen",
                FOLLOW.as_secs()
            ))),
            Some(agreed) if !agreed.contains(&id) => Ok(()), // the server follows no task: it may
            Some(_) if !heard.ended() => Err(Halt::FailAt(
                Severity::May,
                format!(
                    "the acknowledgement agreed to follow task {id}, which ends within 2 s, but \
                     no notifications/tasks told its end within {} s (statuses heard: {:?})",
                    FOLLOW.as_secs(),
                    heard.statuses
                ),
            )),
            Some(_) => Ok(()),
        }
    })
}

/// Reads the listen stream until the task is seen to end or [`FOLLOW`] passes.
async fn follow(c: &mut Conversation, id: &Value) -> Result<Heard, Halt> {
    let mut heard = Heard::default();
    let deadline = tokio::time::Instant::now() + FOLLOW;
    while !heard.ended() {
        let Ok(next) = tokio::time::timeout_at(deadline, c.next_message()).await else {
            break;
        };
        let Some(message) = next? else {
            break; // the server ended the stream (and the connection)
        };
        if message.get("id") == Some(&json!(LISTEN_ID)) {
            if let Some(e) = message.get("error") {
                return Err(Halt::Fail(format!(
                    "subscriptions/listen for task notifications, the extension declared, was \
                     refused: {e}"
                )));
            }
            break; // the subscription was torn down
        }
        judge_streamed(c.version, id, &message, &mut heard)?;
    }
    Ok(heard)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fails(r: Result<impl std::fmt::Debug, Halt>) -> bool {
        matches!(r, Err(Halt::Fail(_) | Halt::FailAt(..)))
    }

    #[test]
    fn a_removed_method_must_be_not_found() {
        assert!(judge_removed("tasks/result", &Reply::Error(-32601, json!({}))).is_ok());
        assert!(fails(judge_removed(
            "tasks/list",
            &Reply::Error(-32602, json!({}))
        )));
        assert!(fails(judge_removed(
            "tasks/list",
            &Reply::Result(json!({"tasks": []}))
        )));
    }

    #[test]
    fn the_v1_task_param_must_not_make_a_task() {
        let sync = json!({"resultType": "complete", "content": [{"type": "text", "text": "hi"}]});
        assert!(judge_legacy_hint(&sync).is_ok());
        let task = json!({"resultType": "task", "taskId": "t", "status": "working"});
        assert!(fails(judge_legacy_hint(&task)));
        let untyped = json!({"content": [{"type": "text", "text": "hi"}]});
        assert!(fails(judge_legacy_hint(&untyped)));
    }

    #[test]
    fn an_immediate_answer_is_a_task_or_a_complete_result() {
        assert!(judge_either(&json!({"resultType": "complete", "content": []})).is_ok());
        assert!(
            judge_either(&json!({"resultType": "task", "taskId": "t", "status": "working"}))
                .is_ok()
        );
        assert!(fails(judge_either(&json!({"resultType": "task"}))));
        assert!(fails(judge_either(&json!({"content": []}))));
    }

    #[test]
    fn tasks_get_is_complete_and_an_unknown_id_is_invalid_params() {
        let id = json!("t");
        assert!(judge_get(&id, &json!({"resultType": "complete", "taskId": "t"})).is_ok());
        assert!(fails(judge_get(&id, &json!({"taskId": "t"}))));
        assert!(fails(judge_get(
            &id,
            &json!({"resultType": "complete", "taskId": "u"})
        )));
        assert!(judge_unknown(&Reply::Error(-32602, json!({}))).is_ok());
        assert!(fails(judge_unknown(&Reply::Error(-32603, json!({})))));
        assert!(fails(judge_unknown(&Reply::Result(json!({})))));
    }

    #[test]
    fn listening_without_the_extension_must_be_refused_with_32021() {
        assert!(judge_undeclared_listen(Ok(Reply::Error(-32021, json!({})))).is_ok());
        assert!(matches!(
            judge_undeclared_listen(Ok(Reply::Error(-32601, json!({})))),
            Err(Halt::Skip(_))
        ));
        assert!(matches!(
            judge_undeclared_listen(Ok(Reply::Error(-32602, json!({})))),
            Err(Halt::FailAt(Severity::Must, _))
        ));
        assert!(matches!(
            judge_undeclared_listen(Err("no answer within 5 s".into())),
            Err(Halt::FailAt(Severity::Must, _))
        ));
    }

    fn meta() -> Value {
        json!({"io.modelcontextprotocol/subscriptionId": LISTEN_ID})
    }

    fn ack(ids: Value) -> Value {
        json!({"jsonrpc": "2.0", "method": "notifications/subscriptions/acknowledged",
            "params": {"_meta": meta(), "notifications": {"taskIds": ids}}})
    }

    fn task(status: &str, extra: Value) -> Value {
        let mut params = json!({"_meta": meta(), "taskId": "t", "status": status,
            "createdAt": "2026-01-01T00:00:00Z", "lastUpdatedAt": "2026-01-01T00:00:00Z"});
        for (k, v) in extra.as_object().into_iter().flatten() {
            params[k] = v.clone();
        }
        json!({"jsonrpc": "2.0", "method": "notifications/tasks", "params": params})
    }

    #[test]
    fn a_faithful_stream_passes_and_ends() {
        let v = ProtocolVersion::V2026_07_28;
        let id = json!("t");
        let mut heard = Heard::default();
        for m in [
            ack(json!(["t"])),
            task("working", json!({})),
            task("completed", json!({"result": {"content": []}})),
        ] {
            judge_streamed(v, &id, &m, &mut heard).unwrap();
        }
        assert!(heard.ended());
        assert_eq!(heard.agreed, Some(vec![json!("t")]));
    }

    #[test]
    fn a_broken_stream_fails() {
        let v = ProtocolVersion::V2026_07_28;
        let id = json!("t");
        // A notification before the acknowledgement.
        assert!(fails(judge_streamed(
            v,
            &id,
            &task("working", json!({})),
            &mut Heard::default()
        )));
        let acked = || Heard {
            agreed: Some(vec![json!("t")]),
            statuses: vec![],
        };
        // The end without the result, another task, no subscription id, a log line.
        let mut bare = task("completed", json!({}));
        assert!(fails(judge_streamed(v, &id, &bare, &mut acked())));
        bare["params"]["taskId"] = json!("u");
        assert!(fails(judge_streamed(v, &id, &bare, &mut acked())));
        let mut unmarked = task("working", json!({}));
        unmarked["params"]["_meta"] = json!({});
        assert!(fails(judge_streamed(v, &id, &unmarked, &mut acked())));
        let log = json!({"jsonrpc": "2.0", "method": "notifications/message",
            "params": {"_meta": meta(), "level": "info", "data": "x"}});
        assert!(fails(judge_streamed(v, &id, &log, &mut acked())));
        // A second acknowledgement.
        assert!(fails(judge_streamed(
            v,
            &id,
            &ack(json!(["t"])),
            &mut acked()
        )));
    }
}
