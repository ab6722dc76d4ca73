//! One cell: a call on a connected client, with its outcome asserted by value. Where the
//! call's method does not exist in the version, the cell asserts what the spec wants then
//! instead (the client refuses locally, or the server does not use a feature the client
//! could not declare).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use mcp_client::{CallOptions, CancelHandle, Client, Error, ServerNotification, Subscription};
use mcp_examples::everything::{self, catalog, tools};
use mcp_protocol::ProtocolVersion as V;
use mcp_protocol::methods::{
    CallToolParams, CallToolResult, CompleteParams, CompletionReference, Root, SubscriptionFilter,
};
use mcp_protocol::types::{InputResponses, LoggingLevel, ResultOrFollowUp};
use serde_json::{Value, json};

use super::cells::{Call, exists};
use super::peers::{ROOTS, Seen, WAIT};
use super::user::answer_form;

/// The state one session carries from cell to cell.
pub(crate) struct Session {
    pub(crate) client: Client,
    pub(crate) version: V,
    pub(crate) seen: Seen,
    /// The task of `CallToolAsTask`, polled by the next cells.
    pub(crate) task: Option<String>,
}

type Outcome = Result<(), String>;

/// Fails with `what` unless `ok`.
fn ensure(ok: bool, what: impl FnOnce() -> String) -> Outcome {
    if ok { Ok(()) } else { Err(what()) }
}

fn json_of<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or_default()
}

fn err(e: Error) -> String {
    format!("{e} ({e:?})")
}

/// The single text of a successful tool result.
fn text_of(result: &CallToolResult) -> Result<String, String> {
    let v = json_of(result);
    match (&v["isError"], v["content"].as_array().map(Vec::as_slice)) {
        (Value::Bool(true), _) => Err(format!("the tool failed: {v}")),
        (_, Some([one])) if one["type"] == "text" => {
            Ok(one["text"].as_str().unwrap_or_default().to_owned())
        }
        _ => Err(format!("not one text: {v}")),
    }
}

/// `call_tool` of `name`, expecting the text `expected`.
async fn tool_text(client: &Client, name: &str, args: Value, expected: &str) -> Outcome {
    let result = client.call_tool(name, args).await.map_err(err)?;
    let text = text_of(&result)?;
    ensure(text == expected, || {
        format!("{name}: {text:?}, not {expected:?}")
    })
}

/// The call was refused by the client without sending anything.
fn refused<T: std::fmt::Debug>(outcome: Result<T, Error>) -> Outcome {
    match outcome {
        Err(e) if e.is_refused_locally() => Ok(()),
        other => Err(format!("expected a local refusal, got {other:?}")),
    }
}

/// The next notification of `stream` that `pick` keeps, within [`WAIT`].
async fn next_matching<T>(
    stream: &mut (impl NotificationSource + Send),
    mut pick: impl FnMut(ServerNotification) -> Option<T>,
) -> Result<T, String> {
    tokio::time::timeout(WAIT, async {
        loop {
            match stream.next_notification().await {
                Some(n) => {
                    if let Some(t) = pick(n) {
                        return Ok(t);
                    }
                }
                None => return Err("the stream ended".to_owned()),
            }
        }
    })
    .await
    .map_err(|_| "no such notification arrived".to_owned())?
}

/// Where notifications come from: the client's stream, or a `subscriptions/listen` one.
trait NotificationSource {
    async fn next_notification(&mut self) -> Option<ServerNotification>;
}

impl NotificationSource for mcp_client::Notifications {
    async fn next_notification(&mut self) -> Option<ServerNotification> {
        self.next().await
    }
}

impl NotificationSource for Subscription {
    async fn next_notification(&mut self) -> Option<ServerNotification> {
        self.next().await
    }
}

/// The names of a list, as JSON (`field` of each item).
fn names(items: &Value, field: &str) -> Vec<String> {
    items
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|i| i[field].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn has_all(have: &[String], want: &[&str]) -> Outcome {
    let missing: Vec<_> = want
        .iter()
        .filter(|w| !have.iter().any(|h| h == *w))
        .collect();
    ensure(missing.is_empty(), || {
        format!("missing {missing:?} in {have:?}")
    })
}

const TOOLS: [&str; 6] = [
    "test_simple_text",
    "test_tool_with_progress",
    "test_input_required_result_sampling",
    "slow_compute",
    "confirm_delete",
    "test_trigger_tool_change",
];
const RESOURCES: [&str; 3] = [
    "test://static-text",
    "test://static-binary",
    everything::WATCHED_URI,
];
const TEMPLATE: &str = "test://template/{id}/data";
const PROMPTS: [&str; 4] = [
    "test_simple_prompt",
    "test_prompt_with_arguments",
    "test_prompt_with_embedded_resource",
    "test_prompt_with_image",
];

/// Polls `tasks/get` until the task leaves `working` (at most [`WAIT`], every 20 ms).
async fn settle(client: &Client, id: &str) -> Result<Value, String> {
    settle_past(client, id, &["working"]).await
}

/// Polls task `id` until its status is none of `passing`.
async fn settle_past(client: &Client, id: &str, passing: &[&str]) -> Result<Value, String> {
    tokio::time::timeout(WAIT, async {
        loop {
            let task = json_of(&client.get_task(id).await.map_err(err)?);
            if !passing.iter().any(|p| task["status"] == *p) {
                return Ok(task);
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .map_err(|_| format!("task {id} still working"))?
}

/// Starts `name` as a task and returns its id.
async fn start_task(client: &Client, name: &str, args: Value) -> Result<String, String> {
    match client
        .call_tool_as_task(name, args, Some(60_000))
        .await
        .map_err(err)?
    {
        ResultOrFollowUp::Task(created) => Ok(created.task.task_id),
        other => Err(format!("expected a task, got {other:?}")),
    }
}

/// The text a completed task's result carries, from `tasks/get` (2026-07-28) or
/// `tasks/result` (2025-11-25).
async fn task_text(client: &Client, version: V, id: &str) -> Result<String, String> {
    let result = if version.has_handshake() {
        json_of(&client.task_result(id).await.map_err(err)?)
    } else {
        // After an answer to its input the task may still show `input_required` until the
        // server has taken the answer: its result is there once it has ended.
        settle_past(client, id, &["working", "input_required"]).await?["result"].clone()
    };
    let content = &result["content"];
    ensure(content[0]["type"] == "text", || {
        format!("no text in {result}")
    })?;
    Ok(content[0]["text"].as_str().unwrap_or_default().to_owned())
}

/// Runs `call` on the session and checks its outcome.
pub(crate) async fn run(call: Call, s: &mut Session) -> Outcome {
    let v = s.version;
    let present = exists(call.method(), v);
    let c = s.client.clone();
    match call {
        Call::Initialize => {
            // checks requirement 2.2, 2.3, 2.4, 2.6 (the handshake of each session-era version, on every transport)
            // Session era: the handshake of this version; 2026-07-28: `server/discover`.
            let n = c.negotiated();
            ensure(n.version == v, || format!("negotiated {}", n.version))?;
            ensure(n.server_info.name == everything::SERVER_NAME, || {
                format!("server {:?}", n.server_info)
            })?;
            ensure(n.capabilities.tools.is_some(), || {
                format!("no tools capability: {:?}", n.capabilities)
            })
        }
        Call::Discover => {
            // checks requirement 1.20 (server/discover), 1.26 (refused locally outside 2026-07-28)
            if !present {
                return refused(c.discover().await);
            }
            let d = json_of(&c.discover().await.map_err(err)?);
            ensure(
                d["supportedVersions"]
                    .as_array()
                    .is_some_and(|a| a.contains(&json!(v.as_str()))),
                || format!("{v} not in {d}"),
            )?;
            ensure(d["capabilities"]["tools"].is_object(), || format!("{d}"))
        }
        Call::Ping => {
            // checks requirement 7.8 (ping answered), 1.26 (refused locally in 2026-07-28)
            if present {
                c.ping().await.map_err(err)
            } else {
                refused(c.ping().await)
            }
        }
        Call::ListTools => {
            let page = json_of(&c.list_tools(None).await.map_err(err)?);
            has_all(&names(&page["tools"], "name"), &TOOLS)
        }
        Call::ListAllTools => {
            // checks requirement 5.4 (the walk stops without a next cursor)
            let all = json_of(&c.list_all_tools().await.map_err(err)?);
            let got = names(&all, "name");
            has_all(&got, &TOOLS)?;
            let mut unique = got.clone();
            unique.sort();
            unique.dedup();
            ensure(unique.len() == got.len(), || {
                format!("duplicates in {got:?}")
            })
        }
        Call::CallTool => {
            // checks requirement 5.5 (a failing tool is a result with isError)
            tool_text(&c, "test_simple_text", json!({}), tools::SIMPLE_TEXT).await?;
            let failed = json_of(
                &c.call_tool("test_error_handling", json!({}))
                    .await
                    .map_err(err)?,
            );
            ensure(
                failed["isError"] == true && failed["content"][0]["text"] == tools::ERROR_TEXT,
                || format!("test_error_handling: {failed}"),
            )
        }
        Call::CallToolWithProgress => {
            // checks requirement 7.6 (progress only for the request's token)
            let got = Arc::new(Mutex::new(Vec::new()));
            let sink = got.clone();
            let options = CallOptions::new().on_progress(move |p| {
                sink.lock().expect("progress").push((
                    json_of(&p.progress_token),
                    p.progress,
                    p.total,
                ));
            });
            let result = c
                .call_tool_with(CallToolParams::new("test_tool_with_progress"), options)
                .await
                .map_err(err)?;
            let text = text_of(&result)?;
            let got = got.lock().expect("progress").clone();
            let steps: Vec<_> = got.iter().map(|(_, p, t)| (*p, *t)).collect();
            ensure(
                steps
                    == [
                        (0.0, Some(100.0)),
                        (50.0, Some(100.0)),
                        (100.0, Some(100.0)),
                    ],
                || format!("progress {got:?}"),
            )?;
            // The tool answers with the request's progress token: the one of the updates.
            let token = match &got[0].0 {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            ensure(text == token, || format!("text {text:?}, token {token:?}"))
        }
        Call::CallToolStructured => {
            match c
                .call_tool_structured::<Value>("test_error_handling", json!({}))
                .await
            {
                Err(Error::ToolFailed { name, result }) => ensure(
                    name == "test_error_handling"
                        && json_of(&result)["content"][0]["text"] == tools::ERROR_TEXT,
                    || format!("{name}: {}", json_of(&result)),
                )?,
                other => return Err(format!("expected ToolFailed, got {other:?}")),
            }
            // A tool without structured content decodes as null.
            let none = c
                .call_tool_structured::<Value>("test_simple_text", json!({}))
                .await
                .map_err(err)?;
            ensure(none.is_null(), || format!("structured {none}"))
        }
        Call::ListResources => {
            let page = json_of(&c.list_resources(None).await.map_err(err)?);
            has_all(&names(&page["resources"], "uri"), &RESOURCES)
        }
        Call::ListAllResources => {
            let all = json_of(&c.list_all_resources().await.map_err(err)?);
            has_all(&names(&all, "uri"), &RESOURCES)
        }
        Call::ListResourceTemplates => {
            let page = json_of(&c.list_resource_templates(None).await.map_err(err)?);
            has_all(
                &names(&page["resourceTemplates"], "uriTemplate"),
                &[TEMPLATE],
            )
        }
        Call::ListAllResourceTemplates => {
            let all = json_of(&c.list_all_resource_templates().await.map_err(err)?);
            has_all(&names(&all, "uriTemplate"), &[TEMPLATE])
        }
        Call::ReadResource => {
            let r = json_of(&c.read_resource("test://static-text").await.map_err(err)?);
            ensure(r["contents"][0]["text"] == catalog::STATIC_TEXT, || {
                format!("{r}")
            })?;
            let t = json_of(
                &c.read_resource("test://template/123/data")
                    .await
                    .map_err(err)?,
            );
            ensure(
                t["contents"][0]["text"] == catalog::template_text("123"),
                || format!("{t}"),
            )
        }
        Call::SubscribeResource => {
            // checks requirement 5.12 (resources/subscribe, then notifications/resources/updated)
            if !present {
                return refused(c.subscribe_resource(everything::WATCHED_URI).await);
            }
            let mut stream = c.notifications();
            c.subscribe_resource(everything::WATCHED_URI)
                .await
                .map_err(err)?;
            let uri = next_matching(&mut stream, |n| match n {
                ServerNotification::ResourceUpdated(u) => Some(u.uri),
                _ => None,
            })
            .await?;
            ensure(uri == everything::WATCHED_URI, || format!("updated {uri}"))
        }
        Call::UnsubscribeResource => {
            if present {
                c.unsubscribe_resource(everything::WATCHED_URI)
                    .await
                    .map_err(err)
            } else {
                refused(c.unsubscribe_resource(everything::WATCHED_URI).await)
            }
        }
        Call::ListPrompts => {
            let page = json_of(&c.list_prompts(None).await.map_err(err)?);
            has_all(&names(&page["prompts"], "name"), &PROMPTS)
        }
        Call::ListAllPrompts => {
            let all = json_of(&c.list_all_prompts().await.map_err(err)?);
            has_all(&names(&all, "name"), &PROMPTS)
        }
        Call::GetPrompt => {
            let p = json_of(
                &c.get_prompt("test_prompt_with_arguments", [("arg1", "a"), ("arg2", "b")])
                    .await
                    .map_err(err)?,
            );
            ensure(
                p["messages"][0]["content"]["text"] == "Prompt with arguments: arg1='a', arg2='b'",
                || format!("{p}"),
            )
        }
        Call::Complete => {
            // checks requirement 5.17 (completion/complete)
            let params = CompleteParams::new(
                CompletionReference::prompt("test_prompt_with_arguments"),
                "arg1",
                "test",
            );
            let values = c.complete(params).await.map_err(err)?.completion.values;
            ensure(values == ["testValue1", "testValue2"], || {
                format!("completions {values:?}")
            })
        }
        Call::SetLogLevel => {
            if present {
                c.set_log_level(LoggingLevel::Debug).await.map_err(err)
            } else {
                refused(c.set_log_level(LoggingLevel::Debug).await)
            }
        }
        Call::LogMessages => {
            // checks requirement 5.19 (2026-07-28: logs on the request's stream, at the _meta logLevel)
            let mut stream = c.notifications();
            let text = text_of(
                &c.call_tool("test_tool_with_logging", json!({}))
                    .await
                    .map_err(err)?,
            )?;
            ensure(text == "Tool with logging executed successfully", || {
                format!("text {text:?}")
            })?;
            let mut logs = Vec::new();
            while logs.len() < tools::LOG_MESSAGES.len() {
                let data = next_matching(&mut stream, |n| match n {
                    ServerNotification::Log(l) => Some(json_of(&l.data)),
                    _ => None,
                })
                .await
                .map_err(|e| format!("{e}; logs so far {logs:?}"))?;
                logs.push(data);
            }
            ensure(logs == tools::LOG_MESSAGES.map(|m| json!(m)), || {
                format!("logs {logs:?}")
            })
        }
        Call::ToolListChanged => list_changed(s, "test_trigger_tool_change", true).await,
        Call::PromptListChanged => list_changed(s, "test_trigger_prompt_change", false).await,
        Call::Listen => {
            // checks requirement 5.24 (only the requested types)
            let filter = SubscriptionFilter::new().with_resource(everything::WATCHED_URI);
            if !present {
                return refused(c.listen(filter).await);
            }
            let mut sub = c.listen(filter).await.map_err(err)?;
            // checks requirement 5.25 (the acknowledgement is the first message of the stream)
            let first = tokio::time::timeout(WAIT, sub.next())
                .await
                .map_err(|_| "no acknowledgement".to_owned())?;
            ensure(
                matches!(
                    first,
                    Some(ServerNotification::SubscriptionsAcknowledged(_))
                ),
                || format!("first message {first:?}"),
            )?;
            let uri = next_matching(&mut sub, |n| match n {
                ServerNotification::ResourceUpdated(u) => Some(u.uri),
                _ => None,
            })
            .await?;
            ensure(uri == everything::WATCHED_URI, || format!("updated {uri}"))
        }
        Call::Sampling => {
            tool_text(
                &c,
                "test_input_required_result_sampling",
                json!({}),
                "Sampling result: Paris",
            )
            .await?;
            asked(s, "sampling What is the capital of France?")
        }
        Call::Elicitation => {
            // checks requirement 6.1, 6.7 (2026-07-28: input through MRTR), 6.10 and 2.8 (never elicit an undeclaring client)
            let result = c
                .call_tool("test_input_required_result_elicitation", json!({}))
                .await
                .map_err(err)?;
            if present {
                ensure(text_of(&result)? == "Hello, Alice!", || {
                    format!("{}", json_of(&result))
                })?;
                asked(s, "elicitation \"What is your name?\"")
            } else {
                // No elicitation capability exists in this version, so the client declared
                // none and the server must not ask: the tool reports that it could not.
                ensure(result.is_error(), || {
                    format!("the server elicited anyway: {}", json_of(&result))
                })?;
                let seen = s.seen.lock().expect("seen").clone();
                ensure(!seen.iter().any(|l| l.starts_with("elicitation")), || {
                    format!("the handler was asked: {seen:?}")
                })
            }
        }
        Call::Roots => {
            tool_text(
                &c,
                "test_input_required_result_list_roots",
                json!({}),
                &format!("Found {} root(s)", ROOTS.len()),
            )
            .await
        }
        Call::SetRoots => {
            // Session era: `notifications/roots/list_changed`; 2026-07-28: nothing is sent,
            // the next input request gets the new roots.
            let roots: Vec<Root> = ["file:///x", "file:///y", "file:///z"]
                .into_iter()
                .map(Root::new)
                .collect();
            c.set_roots(roots).map_err(err)?;
            tool_text(
                &c,
                "test_input_required_result_list_roots",
                json!({}),
                "Found 3 root(s)",
            )
            .await
        }
        Call::MultiRoundInput => {
            // checks requirement 6.2, 6.7 (several inputRequests in one round, requestState echoed over two rounds)
            let elicitation = exists("elicitation/create", v);
            let multiple = c
                .call_tool("test_input_required_result_multiple_inputs", json!({}))
                .await
                .map_err(err)?;
            if !elicitation {
                return ensure(multiple.is_error(), || {
                    format!("elicited without the capability: {}", json_of(&multiple))
                });
            }
            let text = text_of(&multiple)?;
            ensure(
                text == "Name: Alice; Greeting: Hello there!; Roots: 3",
                || format!("multiple inputs: {text:?}"),
            )?;
            tool_text(
                &c,
                "test_input_required_result_multi_round",
                json!({}),
                "Multi-round complete for Alice who likes blue",
            )
            .await
        }
        Call::Cancel => {
            // checks requirement 7.1, 7.2 (cancel an in-flight call; the connection goes on), 3.34 (2026 HTTP: the closed stream)
            let handle = CancelHandle::new();
            let trigger = handle.clone();
            let options = CallOptions::new()
                .on_progress(move |_| trigger.cancel())
                .cancel_with(handle);
            let outcome = c
                .call_tool_with(CallToolParams::new("test_tool_with_progress"), options)
                .await;
            ensure(matches!(&outcome, Err(e) if e.is_cancelled()), || {
                format!("expected Cancelled, got {outcome:?}")
            })?;
            // The connection goes on.
            tool_text(&c, "test_simple_text", json!({}), tools::SIMPLE_TEXT).await
        }
        Call::CallToolAsTask => {
            let args = json!({"seconds": 0.2});
            if !present {
                return refused(c.call_tool_as_task("slow_compute", args, None).await);
            }
            s.task = Some(start_task(&c, "slow_compute", args).await?);
            Ok(())
        }
        Call::GetTask => {
            if !present {
                return refused(c.get_task("task-unknown").await);
            }
            let id = s.task.clone().ok_or("no task was created")?;
            let task = settle(&c, &id).await?;
            ensure(
                task["taskId"] == id && task["status"] == "completed",
                || format!("{task}"),
            )?;
            if !v.has_handshake() {
                ensure(
                    task["result"]["content"][0]["text"] == "Computed after 0.2 seconds",
                    || format!("{task}"),
                )?;
            }
            Ok(())
        }
        Call::TaskResult => {
            // checks requirement 7.15 (tasks/result returns the underlying result)
            if !present {
                return refused(c.task_result("task-unknown").await);
            }
            let id = s.task.clone().ok_or("no task was created")?;
            let text = task_text(&c, v, &id).await?;
            ensure(text == "Computed after 0.2 seconds", || format!("{text:?}"))
        }
        Call::ListTasks => {
            // checks requirement 7.18 (whatever tasks/get returns is listed)
            if !present {
                return refused(c.list_tasks(None).await);
            }
            let id = s.task.clone().ok_or("no task was created")?;
            let list = json_of(&c.list_tasks(None).await.map_err(err)?);
            has_all(&names(&list["tasks"], "taskId"), &[id.as_str()])
        }
        Call::CancelTask => {
            // checks requirement 7.16 (a cancelled task stays cancelled)
            if !present {
                return refused(c.cancel_task("task-unknown").await);
            }
            let id = start_task(&c, "slow_compute", json!({"seconds": 30})).await?;
            let cancelled = json_of(&c.cancel_task(&id).await.map_err(err)?);
            let task = json_of(&c.get_task(&id).await.map_err(err)?);
            ensure(task["status"] == "cancelled", || {
                format!("after cancel {cancelled}: {task}")
            })
        }
        Call::TaskStatus => {
            if !present {
                return Err("excused in cells::EXCUSED: not run".to_owned());
            }
            let mut stream = c.notifications();
            let id = start_task(&c, "slow_compute", json!({"seconds": 0.1})).await?;
            next_matching(&mut stream, |n| match n {
                ServerNotification::TaskStatus(t) => {
                    let t = json_of(&t);
                    (t["taskId"] == id && t["status"] == "completed").then_some(())
                }
                _ => None,
            })
            .await
        }
        Call::UpdateTask | Call::AnswerTaskInput => {
            // checks requirement 7.21 (tasks/get shows inputRequests; tasks/update answers them), 7.25
            if !present {
                return refused(c.update_task("task-unknown", InputResponses::new()).await);
            }
            let file = format!("{call:?}.txt");
            let id = start_task(&c, "confirm_delete", json!({"filename": file})).await?;
            let waiting = settle(&c, &id).await?;
            ensure(waiting["status"] == "input_required", || {
                format!("expected input_required: {waiting}")
            })?;
            // One elicitation, under a key the server chose.
            let requests = waiting["inputRequests"].clone();
            let (key, request) = match requests.as_object().map(|o| o.iter().collect::<Vec<_>>()) {
                Some(one) if one.len() == 1 => (one[0].0.clone(), one[0].1.clone()),
                _ => return Err(format!("input requests {requests}")),
            };
            ensure(
                request["method"] == "elicitation/create"
                    && request["params"]["message"] == format!("Delete {file}?"),
                || format!("input request {request}"),
            )?;
            if call == Call::UpdateTask {
                let answer = json_of(&answer_form(&request["params"]));
                let mut responses = InputResponses::new();
                responses.0.insert(key, answer);
                c.update_task(&id, responses).await.map_err(err)?;
            } else {
                let requests = serde_json::from_value(requests).map_err(|e| e.to_string())?;
                c.answer_task_input(&id, &requests).await.map_err(err)?;
            }
            let text = task_text(&c, v, &id).await?;
            ensure(text == format!("Deleted {file}"), || format!("{text:?}"))
        }
    }
}

/// The handlers were asked `line`.
fn asked(s: &Session, line: &str) -> Outcome {
    let seen = s.seen.lock().expect("seen").clone();
    ensure(seen.iter().any(|l| l == line), || {
        format!("the handlers were not asked {line:?}: {seen:?}")
    })
}

/// A list-change hook announces the change: on the client's stream in the session era, on
/// a `subscriptions/listen` stream asking for it in 2026-07-28.
async fn list_changed(s: &Session, hook: &str, tools_list: bool) -> Outcome {
    let c = &s.client;
    let want = |n: &ServerNotification| {
        if tools_list {
            matches!(n, ServerNotification::ToolListChanged)
        } else {
            matches!(n, ServerNotification::PromptListChanged)
        }
    };
    if s.version.has_handshake() {
        let mut stream = c.notifications();
        tool_text(c, hook, json!({}), "Mutation triggered").await?;
        return next_matching(&mut stream, |n| want(&n).then_some(())).await;
    }
    let filter = if tools_list {
        SubscriptionFilter::new().with_tools_list_changed()
    } else {
        SubscriptionFilter::new().with_prompts_list_changed()
    };
    let mut sub = c.listen(filter).await.map_err(err)?;
    next_matching(&mut sub, |n| {
        matches!(n, ServerNotification::SubscriptionsAcknowledged(_)).then_some(())
    })
    .await?;
    tool_text(c, hook, json!({}), "Mutation triggered").await?;
    next_matching(&mut sub, |n| want(&n).then_some(())).await
}
