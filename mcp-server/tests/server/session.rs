//! The session era (2024-11-05 … 2025-11-25): `initialize`, then every method.

use std::time::Duration;

use mcp_protocol::ProtocolVersion as V;
use mcp_protocol::jsonrpc::ErrorCode;
use mcp_protocol::methods::*;
use mcp_protocol::rt::{RequestError, RequestOptions, memory::Mode};
use mcp_protocol::types::*;
use serde_json::json;

use crate::support::*;

fn code(e: RequestError) -> ErrorCode {
    match e {
        RequestError::Remote(obj) => obj.code,
        other => panic!("expected a JSON-RPC error, got {other:?}"),
    }
}

async fn ready(mode: Mode) -> Harness {
    let h = Harness::connect(
        &everything_server(mcp_server::Server::builder("t", "1")),
        mode,
    );
    h.initialize(V::V2025_11_25, full_caps()).await;
    h
}

// requirement: 2.3, 2.6
#[tokio::test]
async fn initialize_negotiates_the_version_and_derives_capabilities() {
    let server = everything_server(mcp_server::Server::builder("t", "1").instructions("Be nice"));
    for (asked, answered) in [
        (V::V2024_11_05, "2024-11-05"),
        (V::V2025_06_18, "2025-06-18"),
        (V::V2026_07_28, "2025-11-25"),
    ] {
        let h = Harness::connect(&server, Mode::Serialized);
        let r = h.initialize(asked, ClientCapabilities::default()).await;
        assert_eq!(r.protocol_version, answered);
        assert_eq!(r.instructions.as_deref(), Some("Be nice"));
        let caps = &r.capabilities;
        assert_eq!(caps.tools.as_ref().unwrap().list_changed, Some(true));
        assert_eq!(caps.resources.as_ref().unwrap().subscribe, Some(true));
        assert!(caps.prompts.is_some() && caps.logging.is_some());
        assert_eq!(caps.completions.is_some(), asked >= V::V2025_03_26);
        // A second initialize is refused.
        let again = InitializeParams::new(
            asked,
            ClientCapabilities::default(),
            Implementation::new("c", "0"),
        );
        assert_eq!(
            code(h.call::<Initialize>(&again).await.unwrap_err()),
            ErrorCode::INVALID_REQUEST
        );
    }
}

// requirement: 2.1, 7.8
#[tokio::test]
async fn requests_before_initialize_are_refused_but_ping_is_answered() {
    let h = Harness::connect(
        &everything_server(mcp_server::Server::builder("t", "1")),
        Mode::Direct,
    );
    let err = h
        .call::<ListTools>(&PaginatedParams::first())
        .await
        .unwrap_err();
    assert_eq!(code(err), ErrorCode::INVALID_REQUEST);
    h.call::<Ping>(&RequestParams::default()).await.unwrap();
}

#[tokio::test]
async fn tools_list_and_call_every_kind_of_result() {
    let h = ready(Mode::Serialized).await;
    let list = h
        .call::<ListTools>(&PaginatedParams::first())
        .await
        .unwrap();
    let names: Vec<_> = list.tools.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        &names[..4],
        ["echo", "simple", "add", "fail"],
        "insertion order"
    );
    for t in &list.tools {
        assert_eq!(t.input_schema["type"], "object", "{}", t.name);
        assert!(t.description.is_some());
    }
    let add = list.tools.iter().find(|t| t.name == "add").unwrap();
    assert_eq!(add.output_schema.as_ref().unwrap()["type"], "object");

    let echo = h
        .call::<CallTool>(&CallToolParams::new("echo").with_arguments(args(json!({"text": "hi"}))))
        .await
        .unwrap();
    assert_eq!(text(&echo), "hi");
    // A tool without arguments accepts a call that omits `arguments`.
    let simple = h
        .call::<CallTool>(&CallToolParams::new("simple"))
        .await
        .unwrap();
    assert!(!simple.is_error());
    let sum = h
        .call::<CallTool>(
            &CallToolParams::new("add").with_arguments(args(json!({"a": 2, "b": 40}))),
        )
        .await
        .unwrap();
    assert_eq!(sum.structured_content, Some(json!({"sum": 42})));

    // Invalid arguments: a tool error naming the field.
    let bad = h
        .call::<CallTool>(
            &CallToolParams::new("add").with_arguments(args(json!({"a": "x", "b": 1}))),
        )
        .await
        .unwrap();
    assert!(bad.is_error());
    assert!(text(&bad).contains("/a"), "{}", text(&bad));
    let missing = h
        .call::<CallTool>(&CallToolParams::new("echo"))
        .await
        .unwrap();
    assert!(
        missing.is_error() && text(&missing).contains("text"),
        "{}",
        text(&missing)
    );

    let fail = h
        .call::<CallTool>(&CallToolParams::new("fail"))
        .await
        .unwrap();
    assert!(fail.is_error() && text(&fail).contains("intentionally"));
    let unknown = h
        .call::<CallTool>(&CallToolParams::new("nope"))
        .await
        .unwrap_err();
    assert_eq!(code(unknown), ErrorCode::INVALID_PARAMS);
    // A panicking handler fails its own call; the server carries on.
    assert_eq!(
        code(
            h.call::<CallTool>(&CallToolParams::new("panic"))
                .await
                .unwrap_err()
        ),
        ErrorCode::INTERNAL_ERROR
    );
    assert_eq!(
        text(
            &h.call::<CallTool>(&CallToolParams::new("simple"))
                .await
                .unwrap()
        ),
        "This is a simple text response for testing."
    );
}

#[tokio::test]
async fn results_are_shaped_for_old_versions() {
    let h = Harness::connect(
        &everything_server(mcp_server::Server::builder("t", "1")),
        Mode::Serialized,
    );
    h.initialize(V::V2024_11_05, ClientCapabilities::default())
        .await;
    let list = h.raw("tools/list", json!({})).await.unwrap();
    let echo = list["tools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "echo")
        .unwrap();
    assert!(echo.get("title").is_none(), "no titles before 2025-06-18");
    assert!(list.get("resultType").is_none());
    let sum = h
        .raw(
            "tools/call",
            json!({"name": "add", "arguments": {"a": 1, "b": 2}}),
        )
        .await
        .unwrap();
    assert!(sum.get("structuredContent").is_none());
}

#[tokio::test]
async fn resources_templates_and_subscriptions() {
    let mut h = ready(Mode::Serialized).await;
    let list = h
        .call::<ListResources>(&PaginatedParams::first())
        .await
        .unwrap();
    assert_eq!(list.resources[0].uri, "test://static-text");
    let read = h
        .call::<ReadResource>(&ReadResourceParams::new("test://static-text"))
        .await
        .unwrap();
    assert_eq!(read.contents[0].uri(), "test://static-text");
    let templ = h
        .call::<ListResourceTemplates>(&PaginatedParams::first())
        .await
        .unwrap();
    assert_eq!(
        templ.resource_templates[0].uri_template,
        "test://template/{id}/data"
    );
    let data = h
        .raw("resources/read", json!({"uri": "test://template/123/data"}))
        .await
        .unwrap();
    assert!(
        data["contents"][0]["text"]
            .as_str()
            .unwrap()
            .contains("123")
    );
    let err = h
        .call::<ReadResource>(&ReadResourceParams::new("test://template/abc/data"))
        .await
        .unwrap_err();
    assert!(matches!(
        code(err),
        ErrorCode::INVALID_PARAMS | ErrorCode::RESOURCE_NOT_FOUND
    ));

    h.call::<Subscribe>(&SubscribeParams::new("test://watched-resource"))
        .await
        .unwrap();
    h.server.notify_resource_updated("test://watched-resource");
    let n = h.notification("notifications/resources/updated").await;
    assert!(n.params.unwrap().get().contains("test://watched-resource"));
    h.call::<Unsubscribe>(&SubscribeParams::new("test://watched-resource"))
        .await
        .unwrap();
    h.server.notify_resource_updated("test://watched-resource");
    assert!(
        !h.sees(
            "notifications/resources/updated",
            Duration::from_millis(100)
        )
        .await
    );
}

#[tokio::test]
async fn prompts_and_completion() {
    let h = ready(Mode::Direct).await;
    let list = h
        .call::<ListPrompts>(&PaginatedParams::first())
        .await
        .unwrap();
    assert_eq!(list.prompts[0].name, "test_prompt_with_arguments");
    let got = h
        .call::<GetPrompt>(
            &GetPromptParams::new("test_prompt_with_arguments")
                .with_argument("arg1", "a")
                .with_argument("arg2", "b"),
        )
        .await
        .unwrap();
    assert!(
        got.messages[0]
            .content
            .as_text()
            .unwrap()
            .contains("arg1='a'")
    );
    let missing = h
        .call::<GetPrompt>(
            &GetPromptParams::new("test_prompt_with_arguments").with_argument("arg1", "a"),
        )
        .await
        .unwrap_err();
    assert_eq!(code(missing), ErrorCode::INVALID_PARAMS);
    let unknown = h
        .call::<GetPrompt>(&GetPromptParams::new("nope"))
        .await
        .unwrap_err();
    assert_eq!(code(unknown), ErrorCode::INVALID_PARAMS);

    let c = h
        .call::<Complete>(&CompleteParams::new(
            CompletionReference::prompt("test_prompt_with_arguments"),
            "arg1",
            "test",
        ))
        .await
        .unwrap();
    assert_eq!(c.completion.values, ["test", "testing"]);
    let none = h
        .call::<Complete>(&CompleteParams::new(
            CompletionReference::prompt("test_prompt_with_arguments"),
            "arg2",
            "x",
        ))
        .await
        .unwrap();
    assert!(none.completion.values.is_empty());
    let t = h
        .call::<Complete>(&CompleteParams::new(
            CompletionReference::resource("test://template/{id}/data"),
            "id",
            "1",
        ))
        .await
        .unwrap();
    assert_eq!(t.completion.values, ["1", "12", "123"]);
}

#[tokio::test]
async fn logging_respects_set_level() {
    let h = ready(Mode::Direct).await;
    let before = h
        .call::<CallTool>(&CallToolParams::new("log"))
        .await
        .unwrap();
    assert_eq!(text(&before), "sent 3", "everything until a level is set");
    h.call::<SetLevel>(&SetLevelParams::new(LoggingLevel::Error))
        .await
        .unwrap();
    let after = h
        .call::<CallTool>(&CallToolParams::new("log"))
        .await
        .unwrap();
    assert_eq!(text(&after), "sent 1");
}

// requirement: 7.6
#[tokio::test]
async fn progress_reaches_the_caller_only_when_asked() {
    let h = ready(Mode::Serialized).await;
    let (fut, mut progress) = h
        .client
        .request_with_progress::<CallTool>(&CallToolParams::new("progress"), RequestOptions::new());
    tokio::time::timeout(WAIT, fut).await.unwrap().unwrap();
    let mut seen = Vec::new();
    while let Ok(Some(p)) = tokio::time::timeout(Duration::from_millis(200), progress.recv()).await
    {
        seen.push(p.progress);
    }
    assert_eq!(seen, [0.0, 50.0, 100.0]);
}

// requirement: 7.2
#[tokio::test]
async fn cancellation_reaches_the_handler() {
    let h = ready(Mode::Direct).await;
    let fut = h
        .client
        .request::<CallTool>(&CallToolParams::new("wait_cancel"), RequestOptions::new());
    tokio::time::sleep(Duration::from_millis(50)).await;
    fut.cancel(Some("test".into()));
    tokio::time::timeout(WAIT, async {
        while !CANCELLED.load(std::sync::atomic::Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("the handler saw the cancellation");
    h.call::<Ping>(&RequestParams::default()).await.unwrap();
}

#[tokio::test]
async fn elicitation_and_sampling_are_server_to_client_requests() {
    let mut h = ready(Mode::Serialized).await;
    let call = h
        .client
        .request::<CallTool>(&CallToolParams::new("ask"), RequestOptions::new());
    let elicit = h.server_request().await;
    assert_eq!(elicit.method(), "elicitation/create");
    elicit.respond::<Elicit>(&ElicitResult::accept(Some(args(json!({"name": "Ada"})))));
    let sample = h.server_request().await;
    assert_eq!(sample.method(), "sampling/createMessage");
    sample.respond::<CreateMessage>(&CreateMessageResult::new(
        "m",
        SamplingMessageContentBlock::text("Paris"),
    ));
    let result = tokio::time::timeout(WAIT, call).await.unwrap().unwrap();
    assert_eq!(
        text(&result),
        r#"action=Accept content={"name":"Ada"} model=Paris"#
    );

    // Without the capability the server does not ask; the tool reports why.
    let h = Harness::connect(&h.server, Mode::Direct);
    h.initialize(V::V2025_11_25, ClientCapabilities::default())
        .await;
    let r = h
        .call::<CallTool>(&CallToolParams::new("ask"))
        .await
        .unwrap();
    assert!(
        r.is_error() && text(&r).contains("does not support elicitation"),
        "{}",
        text(&r)
    );
}

// requirement: 5.5
#[tokio::test]
async fn bad_input_gets_the_right_error_and_the_connection_goes_on() {
    let h = ready(Mode::Serialized).await;
    let unknown = h.raw("no/such/method", json!({})).await.unwrap_err();
    assert_eq!(code(unknown), ErrorCode::METHOD_NOT_FOUND);
    let not_in_version = h
        .raw("subscriptions/listen", json!({"notifications": {}}))
        .await
        .unwrap_err();
    assert_eq!(code(not_in_version), ErrorCode::METHOD_NOT_FOUND);
    let wrong = h.raw("tools/call", json!({"name": 5})).await.unwrap_err();
    assert_eq!(code(wrong), ErrorCode::INVALID_PARAMS);
    let cursor = h
        .raw("tools/list", json!({"cursor": "garbage"}))
        .await
        .unwrap_err();
    assert_eq!(code(cursor), ErrorCode::INVALID_PARAMS);
    h.call::<Ping>(&RequestParams::default()).await.unwrap();
}

// requirement: 2.8, 5.1
#[tokio::test]
async fn undeclared_capabilities_are_method_not_found() {
    let server = mcp_server::Server::builder("bare", "1")
        .logging(false)
        .build();
    let h = Harness::connect(&server, Mode::Direct);
    let r = h
        .initialize(V::V2025_11_25, ClientCapabilities::default())
        .await;
    assert!(r.capabilities.tools.is_none() && r.capabilities.logging.is_none());
    for m in [
        "tools/list",
        "prompts/list",
        "resources/list",
        "logging/setLevel",
        "completion/complete",
        "tasks/list",
    ] {
        let err = h.raw(m, json!({"level": "info"})).await.unwrap_err();
        assert_eq!(code(err), ErrorCode::METHOD_NOT_FOUND, "{m}");
    }
}

// requirement: 7.9, 7.12, 7.16, 7.18
#[tokio::test]
async fn tasks_of_2025_11_25() {
    let server = everything_server(mcp_server::Server::builder("t", "1").tasks(true));
    let mut h = Harness::connect(&server, Mode::Serialized);
    let init = h.initialize(V::V2025_11_25, full_caps()).await;
    assert!(init.capabilities.tasks.is_some());
    let created = h
        .raw(
            "tools/call",
            json!({"name": "slow_task", "task": {"ttl": 60000}}),
        )
        .await
        .unwrap();
    let id = created["task"]["taskId"].as_str().unwrap().to_owned();
    assert_eq!(created["task"]["status"], "working");
    let got = h.call::<GetTask>(&TaskIdParams::new(&id)).await.unwrap();
    assert_eq!(got.task.task.task_id, id);
    let payload = h.raw("tasks/result", json!({"taskId": id})).await.unwrap();
    assert_eq!(payload["content"][0]["text"], "slow done");
    assert_eq!(
        payload["_meta"]["io.modelcontextprotocol/related-task"]["taskId"],
        id
    );
    let status = h.notification("notifications/tasks/status").await;
    assert!(status.params.unwrap().get().contains(&id));
    let list = h
        .call::<ListTasks>(&PaginatedParams::first())
        .await
        .unwrap();
    assert_eq!(list.tasks.len(), 1);
    let cancel = h
        .raw("tasks/cancel", json!({"taskId": id}))
        .await
        .unwrap_err();
    assert_eq!(code(cancel), ErrorCode::INVALID_PARAMS, "already completed");
    // Another session cannot see it.
    let other = Harness::connect(&server, Mode::Direct);
    other.initialize(V::V2025_11_25, full_caps()).await;
    assert!(
        other
            .call::<GetTask>(&TaskIdParams::new(&id))
            .await
            .is_err()
    );

    // Cancelling a running task.
    let created = h
        .raw("tools/call", json!({"name": "slow_task", "task": {}}))
        .await
        .unwrap();
    let id = created["task"]["taskId"].as_str().unwrap().to_owned();
    let cancelled = h.raw("tasks/cancel", json!({"taskId": id})).await.unwrap();
    assert_eq!(cancelled["status"], "cancelled");
}

#[tokio::test]
async fn a_2025_11_25_task_asking_for_input_is_input_required_until_answered() {
    let server = everything_server(mcp_server::Server::builder("t", "1").tasks(true));
    let mut h = Harness::connect(&server, Mode::Serialized);
    h.initialize(V::V2025_11_25, full_caps()).await;
    let created = h
        .raw("tools/call", json!({"name": "confirm_task", "task": {}}))
        .await
        .unwrap();
    let id = created["task"]["taskId"].as_str().unwrap().to_owned();
    // basic/utilities/tasks §Input Required Status: the question names its task, and the
    // task reads `input_required` until the answer is in.
    let question = h.server_request().await;
    assert_eq!(question.method(), "elicitation/create");
    let params: serde_json::Value = serde_json::from_str(question.params().unwrap().get()).unwrap();
    assert_eq!(
        params["_meta"]["io.modelcontextprotocol/related-task"]["taskId"], id,
        "{params}"
    );
    let status = h.raw("tasks/get", json!({"taskId": id})).await.unwrap();
    assert_eq!(status["status"], "input_required", "{status}");
    question.respond::<Elicit>(
        &serde_json::from_value(json!({"action": "accept", "content": {}})).unwrap(),
    );
    let payload = h.raw("tasks/result", json!({"taskId": id})).await.unwrap();
    assert_eq!(
        payload["content"][0]["text"], "confirmed: Accept",
        "{payload}"
    );
    let status = h.raw("tasks/get", json!({"taskId": id})).await.unwrap();
    assert_eq!(status["status"], "completed", "{status}");
}
