//! The official `tasks-mrtr-input` and `tasks-mrtr-composition` scenarios: input that a
//! task of the 2026-07-28 tasks extension (SEP-2663) gathers from the client, on the task
//! (`input_required`, `inputRequests` on `tasks/get`, answered by `tasks/update`) and before
//! the task (multi round-trip requests, SEP-2322, then a `CreateTaskResult`).
//!
//! The fixture tools are the official contract's: `confirm_delete` (one elicitation),
//! `multi_input` (two at once) and `test_tool_with_task` (asks `user_name` by MRTR, then
//! runs as a task whose result names the user).

use std::time::Duration;

use futures::FutureExt;
use mcp_protocol::ProtocolVersion;
use serde_json::{Value, json};

use super::tasks::{created, tasks, wait_for};
use super::{Name, call, ensure};
use crate::scenario::server::mrtr::answers;
use crate::scenario::server::{Halt, ServerScenario, scenario};
use crate::scenario::{Outcome, Severity};
use crate::target::{Conversation, Reply, Target};

pub(super) fn scenarios() -> Vec<ServerScenario> {
    vec![
        scenario(
            "official/tasks-mrtr-input",
            "SEP-2663 §Task Polling (\"If the status is input_required, the server MUST return a \
             Task object with status input_required and an inputRequests field … MUST contain all \
             outstanding requests\"), §Task Update Requests (\"the server MUST acknowledge the \
             request with an empty result\"; resultType \"MUST be set to complete\"; \"MAY accept \
             a partial set of responses\"): confirm_delete, multi_input",
            Severity::Must,
            |t, v| mrtr_input(t, v).boxed(),
        )
        .checks(&["7.21"]),
        scenario(
            "official/tasks-mrtr-composition",
            "SEP-2663 §Task Creation (\"Server implementations that use multi round-trip requests in \
             conjunction with task creation … SHOULD resolve all MRTR exchanges synchronously \
             before responding with a CreateTaskResult\"), §Polymorphic Results (\"Servers MUST \
             set resultType to task when returning a CreateTaskResult\"): test_tool_with_task",
            Severity::Must,
            |t, v| composition(t, v).boxed(),
        ),
    ]
}

/// How long the input requests of a task may take to show on `tasks/get`.
const ASKING: Duration = Duration::from_secs(5);

/// A task's id when `r` is a `CreateTaskResult`; `Halt::Skip` when the server answered
/// without a task, which it may (SEP-2663 §Polymorphic Results: "A server that … never
/// elects to create a task remains fully spec-compliant"): the task's input flow is then
/// not there to judge.
fn task_of(tool: &str, r: &Value) -> Result<Value, Halt> {
    if r["resultType"] != "task" {
        return Err(Halt::Skip(format!(
            "{tool} answered without a task (resultType {}), which a server may: the input \
             flow of a task cannot be observed",
            r["resultType"]
        )));
    }
    created(tool, r)
}

/// Judges a `tasks/get` of a task waiting on the client: `input_required` with a non-empty
/// `inputRequests` map whose entries each name their method; its keys.
fn judge_input_required(what: &str, task: &Value) -> Result<Vec<String>, Halt> {
    ensure(task["status"] == "input_required", || {
        format!("{what}: expected status input_required, got {task}")
    })?;
    let requests = task["inputRequests"]
        .as_object()
        .filter(|m| !m.is_empty())
        .ok_or_else(|| {
            Halt::Fail(format!(
                "{what}: an input_required task MUST carry a non-empty inputRequests map \
                 (SEP-2663 §Task Polling 2): {task}"
            ))
        })?;
    for (key, request) in requests {
        ensure(request["method"].is_string(), || {
            format!("{what}: inputRequests[{key}] names no method: {request}")
        })?;
    }
    Ok(requests.keys().cloned().collect())
}

/// Judges the answer to `tasks/update` (or `tasks/cancel`): an acknowledgement, empty but
/// for `resultType: "complete"` (SEP-2663 §Task Update Requests, §Task Cancellation).
pub(super) fn judge_ack(what: &str, ack: &Value) -> Result<(), Halt> {
    ensure(ack["resultType"] == "complete", || {
        format!("{what}: resultType MUST be \"complete\" on the acknowledgement: {ack}")
    })?;
    let envelope: Vec<&str> = ["taskId", "status", "result", "error", "inputRequests"]
        .into_iter()
        .filter(|k| ack.get(*k).is_some())
        .collect();
    ensure(envelope.is_empty(), || {
        format!(
            "{what}: the acknowledgement MUST be an empty result, it carries {}: {ack}",
            envelope.join(", ")
        )
    })
}

/// The answers to the input requests `keys` of `task` (every key when `None`).
fn answers_to(task: &Value, keys: &[String]) -> Result<Value, Halt> {
    let mut out = serde_json::Map::new();
    for key in keys {
        let request = &task["inputRequests"][key];
        out.insert(
            key.clone(),
            answers::answer(request).map_err(|e| format!("inputRequests[{key}]: {e}"))?,
        );
    }
    Ok(Value::Object(out))
}

/// Polls `tasks/get` until `done(task)` or a terminal status, at most [`ASKING`].
async fn poll_until(
    c: &mut Conversation,
    id: &Value,
    done: impl Fn(&Value) -> bool,
) -> Result<Value, Halt> {
    let deadline = tokio::time::Instant::now() + ASKING;
    loop {
        let task = c
            .request("tasks/get", json!({"taskId": id}))
            .await?
            .result("tasks/get")?;
        let terminal = ["completed", "failed", "cancelled"]
            .contains(&task["status"].as_str().unwrap_or_default());
        if done(&task) || terminal || tokio::time::Instant::now() > deadline {
            return Ok(task);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Sends `tasks/update` and judges its acknowledgement.
async fn update(c: &mut Conversation, id: &Value, responses: Value) -> Result<(), Halt> {
    let ack = c
        .request(
            "tasks/update",
            json!({"taskId": id, "inputResponses": responses}),
        )
        .await?
        .result("tasks/update")?;
    judge_ack("tasks/update", &ack)
}

/// A terminal task is `completed` (a tool error is still `completed`: SEP-2663 §Task
/// Execution Errors).
fn judge_completed(what: &str, task: &Value) -> Result<(), Halt> {
    ensure(task["status"] == "completed", || {
        format!(
            "{what}: expected the task to complete, it is {}: {task}",
            task["status"]
        )
    })
}

async fn mrtr_input(target: &Target, version: ProtocolVersion) -> Outcome {
    let more = [Name::Tool("confirm_delete"), Name::Tool("multi_input")];
    tasks!(target, version, &more, |c| {
        // One question: surfaced on tasks/get, answered by tasks/update, then the task ends.
        let r = call(
            c,
            json!({"name": "confirm_delete", "arguments": {"filename": "mrtr-input.txt"}}),
        )
        .await?;
        let id = task_of("confirm_delete", &r)?;
        let task = wait_for(c, &id, "input_required").await?;
        let keys = judge_input_required("tasks/get of confirm_delete's task", &task)?;
        update(c, &id, answers_to(&task, &keys)?).await?;
        let done = wait_for(c, &id, "completed").await?;
        judge_completed("confirm_delete's task after tasks/update", &done)?;

        // Two questions at once, answered one at a time: the answered key goes, the task
        // waits for the other. The ack may come before the task shows it (§Task Update
        // Requests: "eventually consistent"), so the task is polled for it.
        let r = call(c, json!({"name": "multi_input", "arguments": {}})).await?;
        let id = task_of("multi_input", &r)?;
        let task = poll_until(c, &id, |t| {
            t["inputRequests"].as_object().is_some_and(|m| m.len() >= 2)
        })
        .await?;
        let keys = judge_input_required("tasks/get of multi_input's task", &task)?;
        ensure(keys.len() >= 2, || {
            format!("multi_input asks two questions at once; its task shows {keys:?}")
        })?;
        let (first, rest) = (keys[0].clone(), keys[1..].to_vec());
        update(c, &id, answers_to(&task, std::slice::from_ref(&first))?).await?;
        let after = poll_until(c, &id, |t| t["inputRequests"].get(&first).is_none()).await?;
        judge_partial(&after, &first, &rest)?;
        update(c, &id, answers_to(&task, &rest)?).await?;
        let done = wait_for(c, &id, "completed").await?;
        judge_completed("multi_input's task after both answers", &done)
    })
}

/// Judges a task after the answer to `answered` alone: still `input_required`, `answered`
/// gone from `inputRequests` (it is no longer outstanding), every key of `pending` there.
fn judge_partial(task: &Value, answered: &str, pending: &[String]) -> Result<(), Halt> {
    let what = "tasks/get after a partial tasks/update";
    judge_input_required(what, task)?;
    ensure(task["inputRequests"].get(answered).is_none(), || {
        format!(
            "{what}: the answered key {answered} is still in inputRequests after {} s: {task}",
            ASKING.as_secs()
        )
    })?;
    for key in pending {
        ensure(task["inputRequests"].get(key).is_some(), || {
            format!("{what}: the unanswered key {key} is gone from inputRequests: {task}")
        })?;
    }
    Ok(())
}

/// Judges round 1 of `test_tool_with_task`: an `InputRequiredResult` without a task; a
/// task already here breaks the SHOULD of §Task Creation.
fn judge_round_one(r: &Value) -> Result<(), Halt> {
    if r["resultType"] == "task" || r.get("taskId").is_some() {
        return Err(Halt::FailAt(
            Severity::Should,
            format!(
                "test_tool_with_task created its task before asking for user_name: MRTR \
                 exchanges SHOULD be resolved synchronously before the CreateTaskResult \
                 (SEP-2663 §Task Creation): {r}"
            ),
        ));
    }
    ensure(r["resultType"] == "input_required", || {
        format!("test_tool_with_task round 1: expected resultType input_required, got {r}")
    })?;
    ensure(
        r["inputRequests"]
            .as_object()
            .is_some_and(|m| !m.is_empty()),
        || format!("test_tool_with_task round 1: no inputRequests: {r}"),
    )
}

/// Judges round 2 of `test_tool_with_task`: a `CreateTaskResult` that carries neither the
/// MRTR phase's `requestState` nor `inputRequests`; the task's id.
fn judge_round_two(r: &Value) -> Result<Value, Halt> {
    let id = created("test_tool_with_task round 2", r)?;
    for key in ["requestState", "inputRequests"] {
        ensure(r.get(key).is_none(), || {
            format!("test_tool_with_task round 2: the CreateTaskResult carries {key}: {r}")
        })?;
    }
    Ok(id)
}

/// The name the composition answers with, which the task's result must show.
const USER: &str = "Alice";

async fn composition(target: &Target, version: ProtocolVersion) -> Outcome {
    tasks!(target, version, &[Name::Tool("test_tool_with_task")], |c| {
        let tool = "test_tool_with_task";
        let first = call(c, json!({"name": tool, "arguments": {}})).await?;
        judge_round_one(&first)?;
        let mut responses = serde_json::Map::new();
        for key in first["inputRequests"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, _)| k)
        {
            responses.insert(
                key.clone(),
                json!({"action": "accept", "content": {"name": USER}}),
            );
        }
        let mut params = json!({"name": tool, "arguments": {}, "inputResponses": responses});
        if let Some(state) = first.get("requestState") {
            params["requestState"] = state.clone();
        }
        let second = match c.request("tools/call", params).await? {
            Reply::Result(r) => r,
            Reply::Error(code, e) => {
                return Err(Halt::Fail(format!(
                    "test_tool_with_task round 2 (user_name answered): error {code} {e}"
                )));
            }
        };
        let id = judge_round_two(&second)?;
        let done = wait_for(c, &id, "completed").await?;
        judge_completed("test_tool_with_task's task", &done)?;
        let text = done["result"]["content"][0]["text"]
            .as_str()
            .unwrap_or_default();
        ensure(text.contains(USER), || {
            format!(
                "the task's result does not show the user_name gathered by MRTR ({USER}): {done}"
            )
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fails(r: Result<impl std::fmt::Debug, Halt>) -> bool {
        matches!(r, Err(Halt::Fail(_) | Halt::FailAt(..)))
    }

    #[test]
    fn an_input_required_task_without_its_requests_fails() {
        let good = json!({"taskId": "t", "status": "input_required",
            "inputRequests": {"k": {"method": "elicitation/create", "params": {}}}});
        assert_eq!(
            judge_input_required("x", &good).unwrap(),
            vec!["k".to_owned()]
        );
        for bad in [
            json!({"taskId": "t", "status": "working",
                "inputRequests": {"k": {"method": "elicitation/create"}}}),
            json!({"taskId": "t", "status": "input_required"}),
            json!({"taskId": "t", "status": "input_required", "inputRequests": {}}),
            json!({"taskId": "t", "status": "input_required", "inputRequests": {"k": {}}}),
        ] {
            assert!(fails(judge_input_required("x", &bad)), "{bad}");
        }
    }

    #[test]
    fn an_acknowledgement_is_empty_and_complete() {
        assert!(judge_ack("x", &json!({"resultType": "complete"})).is_ok());
        assert!(fails(judge_ack("x", &json!({}))));
        assert!(fails(judge_ack(
            "x",
            &json!({"resultType": "complete", "taskId": "t", "status": "working"})
        )));
    }

    #[test]
    fn a_partial_answer_removes_its_key_alone() {
        let pending = vec!["b".to_owned()];
        let ok = json!({"status": "input_required",
            "inputRequests": {"b": {"method": "elicitation/create"}}});
        assert!(judge_partial(&ok, "a", &pending).is_ok());
        let kept = json!({"status": "input_required", "inputRequests": {
            "a": {"method": "elicitation/create"}, "b": {"method": "elicitation/create"}}});
        assert!(fails(judge_partial(&kept, "a", &pending)));
        let moved_on = json!({"status": "working"});
        assert!(fails(judge_partial(&moved_on, "a", &pending)));
    }

    #[test]
    fn composition_rounds_are_judged_apart() {
        let asked = json!({"resultType": "input_required",
            "inputRequests": {"user_name": {"method": "elicitation/create"}}});
        assert!(judge_round_one(&asked).is_ok());
        let early = json!({"resultType": "task", "taskId": "t", "status": "working"});
        assert!(matches!(
            judge_round_one(&early),
            Err(Halt::FailAt(Severity::Should, _))
        ));
        let task = json!({"resultType": "task", "taskId": "t", "status": "working"});
        assert_eq!(judge_round_two(&task).unwrap(), json!("t"));
        let leaky = json!({"resultType": "task", "taskId": "t", "status": "working",
            "requestState": "s"});
        assert!(fails(judge_round_two(&leaky)));
        let sync = json!({"resultType": "complete", "content": []});
        assert!(fails(judge_round_two(&sync)));
    }

    #[test]
    fn a_task_that_is_not_completed_fails() {
        assert!(judge_completed("x", &json!({"status": "completed"})).is_ok());
        assert!(fails(judge_completed("x", &json!({"status": "failed"}))));
    }

    #[test]
    fn an_answer_without_a_task_skips_the_task_flow() {
        let sync = json!({"resultType": "complete", "content": []});
        assert!(matches!(task_of("t", &sync), Err(Halt::Skip(_))));
    }
}
