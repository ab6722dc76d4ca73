//! The 2026-07-28 tasks extension (SEP-2663), checked deeply: the exact shapes of
//! `CreateTaskResult` and `DetailedTask`, codes, cancel, partial fulfilment, -32021 gating,
//! the removed methods, and the MRTR → task composition.

use std::time::Duration;

use mcp_protocol::jsonrpc::ErrorCode;
use mcp_protocol::methods::CallToolResult;
use mcp_protocol::rt::{RequestError, memory::Mode};
use mcp_protocol::types::ContentBlock;
use mcp_server::{NoArgs, RequestContext, Server, TaskSupport, ToolDef};
use serde_json::{Value, json};

use crate::support::*;

const EXT: &str = "io.modelcontextprotocol/tasks";

fn with_ext() -> Value {
    json!({"elicitation": {"form": {}}, "extensions": {EXT: {}}})
}

fn without_ext() -> Value {
    json!({"elicitation": {"form": {}}})
}

fn text(t: impl Into<String>) -> CallToolResult {
    CallToolResult::success(vec![ContentBlock::text(t)])
}

fn form(key: &str) -> mcp_protocol::methods::ElicitFormParams {
    serde_json::from_value(json!({
        "mode": "form",
        "message": format!("{key}?"),
        "requestedSchema": {"type": "object", "properties": {key: {"type": "string"}}}
    }))
    .unwrap()
}

/// A task-supporting tool that works until cancelled (bounded by [`WAIT`], so a lost
/// cancel cannot hang a test).
fn until_cancelled() -> ToolDef {
    ToolDef::new(
        "until_cancelled",
        |_: NoArgs, ctx: RequestContext| async move {
            tokio::select! {
                () = tokio::time::sleep(WAIT) => text("not cancelled"),
                () = ctx.cancelled() => text("saw the cancel"),
            }
        },
    )
    .task_support(TaskSupport::Optional)
}

fn harness() -> Harness {
    let server = Server::builder("t", "1")
        .tasks(true)
        .task_poll_interval(Duration::from_millis(10))
        .build();
    let tools = vec![
        ToolDef::new("sync_only", |_: NoArgs, _: RequestContext| async { "sync" }),
        until_cancelled(),
        ToolDef::new("quick", |_: NoArgs, _: RequestContext| async {
            "quick done"
        })
        .task_support(TaskSupport::Required),
        ToolDef::new("tool_error", |_: NoArgs, _: RequestContext| async {
            CallToolResult::error("it went wrong")
        })
        .task_support(TaskSupport::Optional),
        ToolDef::new("panics", |_: NoArgs, _: RequestContext| async {
            #[allow(clippy::panic, reason = "a protocol error on purpose")]
            {
                panic!("boom")
            }
            #[allow(unreachable_code, reason = "the handler's output type")]
            text("")
        })
        .task_support(TaskSupport::Optional),
        ToolDef::new(
            "two_questions",
            |_: NoArgs, ctx: RequestContext| async move {
                let (a, b) =
                    tokio::join!(ctx.elicit_as("a", form("a")), ctx.elicit_as("b", form("b")));
                let field = |r: Result<mcp_protocol::methods::ElicitResult, _>, k: &str| {
                    r.ok()
                        .and_then(|r| r.content)
                        .and_then(|c| c.get(k).and_then(Value::as_str).map(str::to_owned))
                        .unwrap_or_default()
                };
                text(format!("{} {}", field(a, "a"), field(b, "b")))
            },
        )
        .task_support(TaskSupport::Optional),
        ToolDef::new("asks_first", |_: NoArgs, ctx: RequestContext| async move {
            let name = ctx
                .elicit_as("user_name", form("name"))
                .await
                .ok()
                .and_then(|r| r.content)
                .and_then(|c| c.get("name").and_then(Value::as_str).map(str::to_owned))
                .unwrap_or_default();
            text(format!("task for {name}"))
        })
        .task_support(TaskSupport::Required)
        .input_before_task(true),
    ];
    for tool in tools {
        server.add_tool(tool).unwrap();
    }
    Harness::connect(&server, Mode::Serialized)
}

fn code_and_data(e: RequestError) -> (ErrorCode, Option<Value>) {
    match e {
        RequestError::Remote(obj) => (obj.code, obj.data),
        other => panic!("expected a JSON-RPC error, got {other:?}"),
    }
}

async fn call(h: &Harness, name: &str, caps: Value) -> Result<Value, RequestError> {
    h.raw("tools/call", params_2026(json!({"name": name}), caps))
        .await
}

/// Calls `name` with the extension declared; the ID of the task it became.
async fn start(h: &Harness, name: &str) -> String {
    let created = call(h, name, with_ext()).await.unwrap();
    created["taskId"].as_str().unwrap().to_owned()
}

async fn task_method(h: &Harness, method: &'static str, params: Value) -> Value {
    h.raw(method, params_2026(params, with_ext()))
        .await
        .unwrap()
}

/// Polls `tasks/get` until `done` holds (bounded by [`WAIT`]).
async fn poll_until(h: &Harness, id: &str, done: impl Fn(&Value) -> bool) -> Value {
    tokio::time::timeout(WAIT, async {
        loop {
            let t = task_method(h, "tasks/get", json!({"taskId": id})).await;
            if done(&t) {
                return t;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("task {id} never reached the awaited state"))
}

async fn poll_status(h: &Harness, id: &str, status: &str) -> Value {
    poll_until(h, id, |t| t["status"] == status).await
}

/// The ISO 8601 UTC timestamps the server writes (`2026-01-02T03:04:05Z`).
fn is_timestamp(v: &Value) -> bool {
    v.as_str()
        .is_some_and(|s| s.len() == 20 && s.ends_with('Z') && s.as_bytes()[10] == b'T')
}

#[tokio::test]
async fn create_task_result_is_flat_and_durable() {
    let h = harness();
    let created = call(&h, "until_cancelled", with_ext()).await.unwrap();
    assert_eq!(created["resultType"], "task");
    assert_eq!(created["status"], "working");
    let id = created["taskId"].as_str().unwrap().to_owned();
    assert!(is_timestamp(&created["createdAt"]), "{created}");
    assert!(is_timestamp(&created["lastUpdatedAt"]), "{created}");
    assert_eq!(created["pollIntervalMs"], 10);
    assert!(created["pollIntervalMs"].is_u64());
    // Required but nullable (null: no fixed lifetime).
    assert!(
        created.as_object().unwrap().contains_key("ttlMs"),
        "{created}"
    );
    for absent in [
        "task",
        "requestState",
        "ttl",
        "pollInterval",
        "content",
        "inputRequests",
    ] {
        assert!(created.get(absent).is_none(), "{absent} in {created}");
    }
    // Durable: tasks/get right after the creation finds it.
    let got = task_method(&h, "tasks/get", json!({"taskId": id})).await;
    assert_eq!(got["taskId"], id.as_str());
    assert_eq!(got["status"], "working");
    assert_eq!(got["resultType"], "complete");
    assert!(got.get("result").is_none() && got.get("error").is_none());
    assert!(
        got.get("inputRequests").is_none(),
        "only when input_required"
    );
    task_method(&h, "tasks/cancel", json!({"taskId": id})).await;
}

// requirement: 7.21
#[tokio::test]
async fn outcomes_are_inlined_on_tasks_get() {
    let h = harness();
    // Completed: the result inlined, without related-task _meta.
    let id = start(&h, "quick").await;
    let done = poll_status(&h, &id, "completed").await;
    assert_eq!(done["result"]["content"][0]["text"], "quick done");
    assert!(
        done["result"]
            .pointer("/_meta/io.modelcontextprotocol~1related-task")
            .is_none(),
        "{done}"
    );
    assert!(done.get("error").is_none());

    // A tool execution error completes, with isError.
    let id = start(&h, "tool_error").await;
    let done = poll_status(&h, &id, "completed").await;
    assert_eq!(done["result"]["isError"], true);
    assert_eq!(done["result"]["content"][0]["text"], "it went wrong");

    // A protocol error fails, with {code, message} and no result.
    let id = start(&h, "panics").await;
    let failed = poll_status(&h, &id, "failed").await;
    assert_eq!(failed["error"]["code"], -32603);
    assert!(
        failed["error"]["message"]
            .as_str()
            .unwrap()
            .contains("boom")
    );
    assert!(failed.get("result").is_none(), "{failed}");

    // An unknown task is -32602.
    let err = h
        .raw(
            "tasks/get",
            params_2026(json!({"taskId": "task-999-00000000"}), with_ext()),
        )
        .await
        .unwrap_err();
    assert_eq!(code_and_data(err).0, ErrorCode::INVALID_PARAMS);
}

// requirement: 7.21
#[tokio::test]
async fn cancel_settles_cancelled_and_is_an_idempotent_empty_ack() {
    let h = harness();
    let id = start(&h, "until_cancelled").await;
    for _ in 0..2 {
        // The second time the task is terminal: the same empty acknowledgement.
        let ack = task_method(&h, "tasks/cancel", json!({"taskId": id})).await;
        let keys: Vec<_> = ack
            .as_object()
            .unwrap()
            .keys()
            .filter(|k| *k != "_meta")
            .collect();
        assert_eq!(keys, ["resultType"], "{ack}");
        assert_eq!(ack["resultType"], "complete");
    }
    let t = poll_status(&h, &id, "cancelled").await;
    // The handler's late result does not change a cancelled task.
    assert!(t.get("result").is_none(), "{t}");
}

#[tokio::test]
async fn partial_fulfilment_keeps_input_required_until_all_answers() {
    let h = harness();
    let id = start(&h, "two_questions").await;
    let waiting = poll_until(&h, &id, |t| {
        t["status"] == "input_required"
            && t["inputRequests"].as_object().map(|m| m.len()) == Some(2)
    })
    .await;
    let keys: Vec<String> = waiting["inputRequests"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    for key in &keys {
        assert_eq!(
            waiting["inputRequests"][key]["method"],
            "elicitation/create"
        );
    }
    // Which key is which question: read it from the request's message.
    let key_of = |q: &str| {
        keys.iter()
            .find(|k| waiting["inputRequests"][k.as_str()]["params"]["message"] == format!("{q}?"))
            .unwrap()
            .clone()
    };
    let (ka, kb) = (key_of("a"), key_of("b"));
    let ack = task_method(
        &h,
        "tasks/update",
        json!({"taskId": id, "inputResponses": {ka.clone(): {"action": "accept", "content": {"a": "one"}}}}),
    )
    .await;
    assert_eq!(ack["resultType"], "complete");
    for absent in ["taskId", "status", "result", "error", "inputRequests"] {
        assert!(ack.get(absent).is_none(), "{absent} in {ack}");
    }
    let still = task_method(&h, "tasks/get", json!({"taskId": id})).await;
    assert_eq!(still["status"], "input_required");
    let pending: Vec<_> = still["inputRequests"].as_object().unwrap().keys().collect();
    assert_eq!(pending, [&kb], "only the unanswered key remains");
    task_method(
        &h,
        "tasks/update",
        json!({"taskId": id, "inputResponses": {kb: {"action": "accept", "content": {"b": "two"}}}}),
    )
    .await;
    let done = poll_status(&h, &id, "completed").await;
    assert_eq!(done["result"]["content"][0]["text"], "one two");
    assert!(done.get("inputRequests").is_none());
}

// requirement: 7.20, 7.23
#[tokio::test]
async fn without_the_extension_task_methods_and_required_tools_are_32021() {
    let h = harness();
    let id = start(&h, "until_cancelled").await;
    for method in ["tasks/get", "tasks/cancel", "tasks/update"] {
        let err = h
            .raw(
                method,
                params_2026(json!({"taskId": id, "inputResponses": {}}), without_ext()),
            )
            .await
            .unwrap_err();
        let (code, data) = code_and_data(err);
        assert_eq!(
            code,
            ErrorCode::MISSING_REQUIRED_CLIENT_CAPABILITY,
            "{method}"
        );
        assert!(
            data.unwrap()["requiredCapabilities"]["extensions"][EXT].is_object(),
            "{method}"
        );
    }
    // A task-required tool without the extension: -32021 too.
    let (code, data) = code_and_data(call(&h, "quick", without_ext()).await.unwrap_err());
    assert_eq!(code, ErrorCode::MISSING_REQUIRED_CLIENT_CAPABILITY);
    assert!(data.unwrap()["requiredCapabilities"]["extensions"][EXT].is_object());
    // A task-supporting tool without it runs synchronously; the opt-in is per request.
    let sync = call(&h, "tool_error", without_ext()).await.unwrap();
    assert_eq!(sync["resultType"], "complete");
    assert_eq!(sync["isError"], true);
    assert!(sync.get("taskId").is_none());
    let task = call(&h, "tool_error", with_ext()).await.unwrap();
    assert_eq!(task["resultType"], "task");
    // The removed methods.
    for method in ["tasks/result", "tasks/list"] {
        let err = h
            .raw(method, params_2026(json!({"taskId": id}), with_ext()))
            .await
            .unwrap_err();
        assert_eq!(
            code_and_data(err).0,
            ErrorCode::METHOD_NOT_FOUND,
            "{method}"
        );
    }
    task_method(&h, "tasks/cancel", json!({"taskId": id})).await;
}

#[tokio::test]
async fn a_legacy_task_param_never_promotes_a_sync_tool() {
    let h = harness();
    let r = h
        .raw(
            "tools/call",
            params_2026(
                json!({"name": "sync_only", "task": {"ttl": 60000, "pollInterval": 100}}),
                with_ext(),
            ),
        )
        .await
        .unwrap();
    assert_eq!(r["resultType"], "complete");
    assert_eq!(r["content"][0]["text"], "sync");
    assert!(r.get("taskId").is_none());
}

#[tokio::test]
async fn mrtr_gathers_input_before_the_task_exists() {
    let h = harness();
    let round1 = call(&h, "asks_first", with_ext()).await.unwrap();
    assert_eq!(round1["resultType"], "input_required");
    assert!(round1.get("taskId").is_none(), "{round1}");
    assert_eq!(
        round1["inputRequests"]["user_name"]["method"],
        "elicitation/create"
    );
    let state = round1["requestState"].as_str().unwrap().to_owned();
    let round2 = h
        .raw(
            "tools/call",
            params_2026(
                json!({
                    "name": "asks_first",
                    "inputResponses": {"user_name": {"action": "accept", "content": {"name": "Alice"}}},
                    "requestState": state,
                }),
                with_ext(),
            ),
        )
        .await
        .unwrap();
    assert_eq!(round2["resultType"], "task");
    assert!(round2.get("requestState").is_none(), "{round2}");
    assert!(round2.get("inputRequests").is_none(), "{round2}");
    let id = round2["taskId"].as_str().unwrap();
    let done = poll_status(&h, id, "completed").await;
    assert_eq!(done["result"]["content"][0]["text"], "task for Alice");

    // Answers without our requestState are not trusted: a forged state is refused.
    let err = h
        .raw(
            "tools/call",
            params_2026(
                json!({
                    "name": "asks_first",
                    "inputResponses": {"user_name": {"action": "accept", "content": {"name": "Mallory"}}},
                    "requestState": "forged",
                }),
                with_ext(),
            ),
        )
        .await
        .unwrap_err();
    assert_eq!(code_and_data(err).0, ErrorCode::INVALID_PARAMS);
}

/// Tasks extension §Streamable HTTP: Routing Headers: `Mcp-Name` on `tasks/get`,
/// `tasks/update` and `tasks/cancel` carries the task ID, checked against `params.taskId`
/// (-32020, HTTP 400), over a real socket.
#[cfg(feature = "http")]
// requirement: 3.27
#[tokio::test]
async fn mcp_name_on_task_methods_must_match_the_task_id() {
    use crate::support::http::HttpHarness;
    use mcp_server::http::HttpConfig;

    let server = Server::builder("t", "1").tasks(true).build();
    server.add_tool(until_cancelled()).unwrap();
    let h = HttpHarness::start_with(server, HttpConfig::new()).await;
    let meta = serde_json::to_value(meta_2026(with_ext())).unwrap();
    let body = |id: u64, r: reqwest::RequestBuilder| async move {
        let r = r.send().await.unwrap();
        let status = r.status().as_u16();
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["id"], id);
        (status, body)
    };
    let (status, created) = body(
        1,
        h.post_2026(
            1,
            "tools/call",
            Some("until_cancelled"),
            json!({"name": "until_cancelled", "_meta": meta}),
        ),
    )
    .await;
    assert_eq!(status, 200, "{created}");
    let task = created["result"]["taskId"].as_str().unwrap().to_owned();
    let params = json!({"taskId": task, "inputResponses": {}, "_meta": meta});
    for (n, method) in [(2, "tasks/get"), (3, "tasks/update")] {
        let (status, ok) = body(n, h.post_2026(n, method, Some(&task), params.clone())).await;
        assert_eq!(status, 200, "{method}: {ok}");
        assert_eq!(ok["result"]["resultType"], "complete", "{method}: {ok}");
        let (status, bad) = body(
            n,
            h.post_2026(n, method, Some("task-0-other"), params.clone()),
        )
        .await;
        assert_eq!(status, 400, "{method}: {bad}");
        assert_eq!(bad["error"]["code"], -32020, "{method}");
        let (status, missing) = body(n, h.post_2026(n, method, None, params.clone())).await;
        assert_eq!(status, 400, "{method} without Mcp-Name: {missing}");
        assert_eq!(missing["error"]["code"], -32020, "{method}");
    }
    let (status, bad) = body(
        4,
        h.post_2026(4, "tasks/cancel", Some("nope"), params.clone()),
    )
    .await;
    assert_eq!((status, bad["error"]["code"].as_i64()), (400, Some(-32020)));
    let (status, ack) = body(5, h.post_2026(5, "tasks/cancel", Some(&task), params)).await;
    assert_eq!(status, 200, "{ack}");
    assert_eq!(ack["result"]["resultType"], "complete");
}

// requirement: 7.24
/// Tasks extension §Task Status Notifications: "`notifications/progress` and
/// `notifications/message` notifications **MUST NOT** be sent on the `subscriptions/listen`
/// stream for a task, and are not supported on tasks in general". A task handler's log goes
/// nowhere, even though the request that started it asked for logs (`_meta` log level);
/// checked once the task is completed, when a log it had sent would already have arrived
/// (the in-memory transport keeps the order).
#[tokio::test]
async fn a_task_handler_logs_nothing() {
    use futures::FutureExt as _;
    use mcp_protocol::rt::Incoming;
    use mcp_protocol::types::LoggingLevel;

    let server = Server::builder("t", "1").tasks(true).build();
    server
        .add_tool(
            ToolDef::new("logs", |_: NoArgs, ctx: RequestContext| async move {
                ctx.log(LoggingLevel::Info, "from a task");
                "logged"
            })
            .task_support(TaskSupport::Optional),
        )
        .unwrap();
    let mut h = Harness::connect(&server, Mode::Serialized);
    let mut params = params_2026(json!({"name": "logs"}), with_ext());
    params["_meta"]["io.modelcontextprotocol/logLevel"] = json!("debug");
    let created = h.raw("tools/call", params).await.unwrap();
    assert_eq!(created["resultType"], "task", "{created}");
    let id = created["taskId"].as_str().unwrap().to_owned();
    poll_status(&h, &id, "completed").await;
    while let Some(Some(next)) = h.incoming.next().now_or_never() {
        if let Incoming::Notification(n) = next {
            assert_ne!(
                n.method, "notifications/message",
                "a task handler's log was sent"
            );
        }
    }
}
