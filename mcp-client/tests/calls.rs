//! Every typed call, pagination, remote and decode errors, notifications, progress,
//! `subscriptions/listen` and tasks.

use std::sync::{Arc, Mutex};

use mcp_client::{CallOptions, Client, Error, ServerNotification};
use mcp_protocol::jsonrpc::NotificationMessage;
use mcp_protocol::methods::{
    CallToolParams, CompleteParams, CompletionReference, PromptReference, SubscriptionFilter,
};
use mcp_protocol::rt::Incoming;
use mcp_protocol::types::{LoggingLevel, ResultOrFollowUp};
use serde_json::{Value, json};

use crate::support::{
    Scripted, all_capabilities, builder, params, reply, reply_error, session, stateless, within,
};

/// Answers every request with `answer(method, params)` until the client hangs up; returns
/// the methods seen.
fn serve(
    mut server: Scripted,
    answer: impl Fn(&str, &Value) -> Value + Send + 'static,
) -> Arc<Mutex<Vec<(String, Value)>>> {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        while let Some(item) = server.next().await {
            if let Incoming::Request(req) = item {
                let p = params(&req);
                let result = answer(req.method(), &p);
                log.lock().unwrap().push((req.method().to_owned(), p));
                reply(req, result);
            }
        }
    });
    seen
}

#[tokio::test]
async fn every_typed_call_reaches_its_method() {
    let (client, server, _) = session(builder(), "2025-11-25", all_capabilities()).await;
    let seen = serve(server, |method, p| match method {
        "tools/list" => json!({"tools": [{"name": "t", "inputSchema": {"type": "object"}}]}),
        "tools/call" => json!({"content": [], "structuredContent": {"sum": p["arguments"]["a"]}}),
        "resources/list" => json!({"resources": [{"uri": "file:///a", "name": "a"}]}),
        "resources/templates/list" => {
            json!({"resourceTemplates": [{"uriTemplate": "file:///{x}", "name": "x"}]})
        }
        "resources/read" => json!({"contents": [{"uri": p["uri"], "text": "hello"}]}),
        "prompts/list" => json!({"prompts": [{"name": "p"}]}),
        "prompts/get" => json!({"messages": [{"role": "user",
            "content": {"type": "text", "text": p["arguments"]["who"]}}]}),
        "completion/complete" => json!({"completion": {"values": ["one", "two"]}}),
        "tasks/get" | "tasks/cancel" => json!({"taskId": p["taskId"], "status": "working",
            "createdAt": "2025-01-01T00:00:00Z", "lastUpdatedAt": "2025-01-01T00:00:00Z", "ttl": null}),
        "tasks/list" => json!({"tasks": []}),
        _ => json!({}),
    });

    within(client.ping()).await.unwrap();
    assert_eq!(
        within(client.list_tools(None)).await.unwrap().tools[0].name,
        "t"
    );
    #[derive(serde::Deserialize)]
    struct Sum {
        sum: i64,
    }
    let sum: Sum = within(client.call_tool_structured("add", json!({"a": 7})))
        .await
        .unwrap();
    assert_eq!(sum.sum, 7);
    assert_eq!(
        within(client.list_all_resources()).await.unwrap()[0].uri,
        "file:///a"
    );
    assert_eq!(
        within(client.list_all_resource_templates()).await.unwrap()[0].uri_template,
        "file:///{x}"
    );
    let read = within(client.read_resource("file:///a")).await.unwrap();
    assert_eq!(read.contents.len(), 1);
    within(client.subscribe_resource("file:///a"))
        .await
        .unwrap();
    within(client.unsubscribe_resource("file:///a"))
        .await
        .unwrap();
    assert_eq!(
        within(client.list_all_prompts()).await.unwrap()[0].name,
        "p"
    );
    let prompt = within(client.get_prompt("p", [("who", "me")]))
        .await
        .unwrap();
    assert_eq!(prompt.messages.len(), 1);
    let completion = within(client.complete(CompleteParams::new(
        CompletionReference::Prompt(PromptReference::new("p")),
        "who",
        "m",
    )))
    .await
    .unwrap();
    assert_eq!(completion.completion.values, ["one", "two"]);
    within(client.set_log_level(LoggingLevel::Debug))
        .await
        .unwrap();
    assert_eq!(
        within(client.get_task("t1"))
            .await
            .unwrap()
            .task
            .task
            .task_id,
        "t1"
    );
    within(client.list_tasks(None)).await.unwrap();
    within(client.cancel_task("t1")).await.unwrap();

    let methods: Vec<String> = seen
        .lock()
        .unwrap()
        .iter()
        .map(|(m, _)| m.clone())
        .collect();
    for m in [
        "ping",
        "tools/list",
        "tools/call",
        "resources/list",
        "resources/templates/list",
        "resources/read",
        "resources/subscribe",
        "resources/unsubscribe",
        "prompts/list",
        "prompts/get",
        "completion/complete",
        "logging/setLevel",
        "tasks/get",
        "tasks/list",
        "tasks/cancel",
    ] {
        assert!(methods.iter().any(|x| x == m), "{m} not sent: {methods:?}");
    }
    let set_level = seen
        .lock()
        .unwrap()
        .iter()
        .find(|(m, _)| m == "logging/setLevel")
        .unwrap()
        .1
        .clone();
    assert_eq!(set_level["level"], "debug");
}

// requirement: 5.4
#[tokio::test]
async fn list_all_walks_every_page() {
    let (client, server, _) = session(builder(), "2025-06-18", json!({"tools": {}})).await;
    let seen = serve(server, |_, p| {
        match p.get("cursor").and_then(Value::as_str) {
            None => {
                json!({"tools": [{"name": "a", "inputSchema": {"type": "object"}}], "nextCursor": "c1"})
            }
            Some("c1") => {
                json!({"tools": [{"name": "b", "inputSchema": {"type": "object"}}], "nextCursor": "c2"})
            }
            Some(_) => json!({"tools": [{"name": "c", "inputSchema": {"type": "object"}}]}),
        }
    });
    let tools = within(client.list_all_tools()).await.unwrap();
    let names: Vec<_> = tools.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["a", "b", "c"]);
    let cursors: Vec<Value> = seen
        .lock()
        .unwrap()
        .iter()
        .map(|(_, p)| p["cursor"].clone())
        .collect();
    assert_eq!(cursors, [Value::Null, json!("c1"), json!("c2")]);
}

#[tokio::test]
async fn remote_errors_keep_code_and_data_and_decode_errors_name_the_field() {
    let (client, mut server, _) = session(builder(), "2025-11-25", json!({"tools": {}})).await;
    let call = tokio::spawn({
        let client = client.clone();
        async move { client.call_tool("bad", json!({})).await }
    });
    let req = server.expect_request("tools/call").await;
    reply_error(req, -32602, "unknown tool", Some(json!({"tool": "bad"})));
    let err = within(call).await.unwrap().unwrap_err();
    assert_eq!(err.code().map(|c| c.0), Some(-32602));
    assert_eq!(err.remote().unwrap().data, Some(json!({"tool": "bad"})));
    assert!(err.to_string().contains("tools/call"), "{err}");

    let call = tokio::spawn(async move { client.list_tools(None).await });
    let req = server.expect_request("tools/list").await;
    reply(req, json!({"tools": [{"name": 5, "inputSchema": {}}]}));
    let err = within(call).await.unwrap().unwrap_err();
    assert!(matches!(err, Error::Decode(_)), "{err}");
    assert!(err.to_string().contains("tools[0].name"), "{err}");
}

#[tokio::test]
async fn notifications_and_progress_reach_the_application() {
    let (client, mut server, _) = session(builder(), "2025-11-25", json!({"tools": {}})).await;
    let mut notifications = client.notifications();
    let send = |method: &str, p: Value| {
        let mut n = NotificationMessage {
            method: method.to_owned().into(),
            params: None,
        };
        n.params = Some(serde_json::value::to_raw_value(&p).unwrap());
        n
    };
    for n in [
        send(
            "notifications/message",
            json!({"level": "info", "data": "started"}),
        ),
        send("notifications/tools/list_changed", json!({})),
        send(
            "notifications/resources/updated",
            json!({"uri": "file:///a"}),
        ),
    ] {
        server.peer.notify_raw(n.method, n.params).unwrap();
    }
    let first = within(notifications.next()).await.unwrap();
    assert!(
        matches!(first, ServerNotification::Log(ref l) if l.level == LoggingLevel::Info),
        "{first:?}"
    );
    assert_eq!(
        within(notifications.next()).await,
        Some(ServerNotification::ToolListChanged)
    );
    assert!(matches!(
        within(notifications.next()).await,
        Some(ServerNotification::ResourceUpdated(ref u)) if u.uri == "file:///a"
    ));

    let progress = Arc::new(Mutex::new(Vec::new()));
    let options = CallOptions::new().on_progress({
        let progress = progress.clone();
        move |p| progress.lock().unwrap().push(p.progress)
    });
    let call = tokio::spawn({
        let client = client.clone();
        async move {
            client
                .call_tool_with(CallToolParams::new("long"), options)
                .await
        }
    });
    let req = server.expect_request("tools/call").await;
    assert!(params(&req)["_meta"].get("progressToken").is_some());
    for step in [0.0, 50.0, 100.0] {
        assert!(req.progress(step, Some(100.0), None));
    }
    // Give the progress a moment to arrive before the result.
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    reply(req, json!({"content": []}));
    within(call).await.unwrap().unwrap();
    assert_eq!(*progress.lock().unwrap(), [0.0, 50.0, 100.0]);
}

#[tokio::test]
async fn progress_sent_just_before_the_result_is_never_lost() {
    // Progress and the answer arrive back to back: every notification must reach the
    // callback before the call returns (the answer used to win a race against the queue).
    let (client, mut server, _) = session(builder(), "2025-11-25", json!({"tools": {}})).await;
    for round in 0..20 {
        let progress = Arc::new(Mutex::new(Vec::new()));
        let options = CallOptions::new().on_progress({
            let progress = progress.clone();
            move |p| progress.lock().unwrap().push(p.progress)
        });
        let call = tokio::spawn({
            let client = client.clone();
            async move {
                client
                    .call_tool_with(CallToolParams::new("long"), options)
                    .await
            }
        });
        let req = server.expect_request("tools/call").await;
        for step in [0.0, 50.0, 100.0] {
            assert!(req.progress(step, Some(100.0), None));
        }
        reply(req, json!({"content": []}));
        within(call).await.unwrap().unwrap();
        assert_eq!(
            *progress.lock().unwrap(),
            [0.0, 50.0, 100.0],
            "round {round}"
        );
    }
}

#[tokio::test]
async fn listen_streams_only_its_own_notifications() {
    let (client, mut server) = stateless(builder(), json!({"tools": {"listChanged": true}})).await;
    let mut general = client.notifications();
    let (listening, req) = listen_to_tools(&client, &mut server).await;
    assert_eq!(params(&req)["notifications"]["toolsListChanged"], true);
    let id = serde_json::to_value(req.id()).unwrap();
    let mut subscription = listening;
    let meta = json!({"io.modelcontextprotocol/subscriptionId": id});
    let ack = json!({"notifications": {"toolsListChanged": true}, "_meta": meta});
    let raw = |v: &Value| Some(serde_json::value::to_raw_value(v).unwrap());
    server
        .peer
        .notify_raw("notifications/subscriptions/acknowledged", raw(&ack))
        .unwrap();
    server
        .peer
        .notify_raw(
            "notifications/tools/list_changed",
            raw(&json!({"_meta": meta})),
        )
        .unwrap();
    server
        .peer
        .notify_raw("notifications/prompts/list_changed", raw(&json!({})))
        .unwrap();
    assert!(matches!(
        within(subscription.next()).await,
        Some(ServerNotification::SubscriptionsAcknowledged(_))
    ));
    assert_eq!(
        within(subscription.next()).await,
        Some(ServerNotification::ToolListChanged)
    );
    // Not part of the subscription: it goes to the general stream.
    assert_eq!(
        within(general.next()).await,
        Some(ServerNotification::PromptListChanged)
    );
    // The server ends the subscription gracefully.
    reply(req, json!({"resultType": "complete", "_meta": meta}));
    assert_eq!(within(subscription.next()).await, None);
    assert!(matches!(subscription.end_reason(), Some(Ok(()))));

    // Dropping a subscription cancels its request.
    let listening = tokio::spawn({
        let client = client.clone();
        async move { client.listen(SubscriptionFilter::new()).await }
    });
    let req = server.expect_request("subscriptions/listen").await;
    drop(within(listening).await.unwrap().unwrap());
    within(req.cancelled()).await;
}

#[tokio::test]
async fn tools_run_as_tasks_in_both_designs() {
    let (client, mut server, _) = session(builder(), "2025-11-25", all_capabilities()).await;
    let call = tokio::spawn({
        let client = client.clone();
        async move { client.call_tool_as_task("long", (), Some(60_000)).await }
    });
    let req = server.expect_request("tools/call").await;
    assert_eq!(params(&req)["task"]["ttl"], 60_000);
    reply(
        req,
        json!({"task": {"taskId": "t9", "status": "working", "ttl": 60000,
        "createdAt": "2025-01-01T00:00:00Z", "lastUpdatedAt": "2025-01-01T00:00:00Z"}}),
    );
    match within(call).await.unwrap().unwrap() {
        ResultOrFollowUp::Task(t) => assert_eq!(t.task.task_id, "t9"),
        other => panic!("expected a task, got {other:?}"),
    }

    let (client, mut server) = stateless(
        builder().tasks_extension(true),
        json!({"tools": {}, "extensions": {"io.modelcontextprotocol/tasks": {}}}),
    )
    .await;
    let call = tokio::spawn({
        let client = client.clone();
        async move { client.call_tool_as_task("long", (), None).await }
    });
    let req = server.expect_request("tools/call").await;
    let caps = &params(&req)["_meta"]["io.modelcontextprotocol/clientCapabilities"];
    assert!(
        caps["extensions"]
            .get("io.modelcontextprotocol/tasks")
            .is_some(),
        "{caps}"
    );
    reply(
        req,
        json!({"resultType": "task", "taskId": "t10", "status": "working",
        "createdAt": "2026-01-01T00:00:00Z", "lastUpdatedAt": "2026-01-01T00:00:00Z", "ttlMs": null}),
    );
    match within(call).await.unwrap().unwrap() {
        ResultOrFollowUp::Task(t) => assert_eq!(t.task.task_id, "t10"),
        other => panic!("expected a task, got {other:?}"),
    }
    // The plain call refuses a task with a clear error.
    let call = tokio::spawn({
        let client = client.clone();
        async move { client.call_tool("long", ()).await }
    });
    let req = server.expect_request("tools/call").await;
    reply(
        req,
        json!({"resultType": "task", "taskId": "t11", "status": "working",
        "createdAt": "2026-01-01T00:00:00Z", "lastUpdatedAt": "2026-01-01T00:00:00Z", "ttlMs": null}),
    );
    let err = within(call).await.unwrap().unwrap_err();
    assert!(
        matches!(err, Error::UnexpectedTask { ref task_id, .. } if task_id == "t11"),
        "{err}"
    );
    // tasks/result and tasks/list do not exist in the extension.
    assert!(
        client
            .task_result("t10")
            .await
            .unwrap_err()
            .is_refused_locally()
    );
    drop::<Client>(client);
}

// requirement: 1.14
#[tokio::test]
async fn stateless_requests_carry_one_meta_with_the_callers_keys_and_ours() {
    let (client, mut server) = stateless(builder(), json!({"tools": {}})).await;
    let call = tokio::spawn({
        let client = client.clone();
        async move {
            let mut plain = CallToolParams::new("t");
            plain.arguments = Some(serde_json::Map::from_iter([("a".to_owned(), json!(1))]));
            client.call_tool_with(plain, CallOptions::new()).await?;
            let mut own = CallToolParams::new("t");
            own.meta = Some(mcp_protocol::types::Meta::new().with("com.example/trace", &"t-1"));
            client.call_tool_with(own, CallOptions::new()).await
        }
    });
    for want_own in [false, true] {
        let req = server.expect_request("tools/call").await;
        let raw = req.params().expect("params").get().to_owned();
        assert_eq!(raw.matches("\"_meta\"").count(), 1, "{raw}");
        let p = params(&req);
        let meta = &p["_meta"];
        assert_eq!(
            meta["io.modelcontextprotocol/protocolVersion"], "2026-07-28",
            "{raw}"
        );
        assert!(
            meta["io.modelcontextprotocol/clientCapabilities"].is_object(),
            "{raw}"
        );
        assert_eq!(
            meta["io.modelcontextprotocol/clientInfo"]["name"], "test-client",
            "{raw}"
        );
        assert_eq!(meta.get("com.example/trace").is_some(), want_own, "{raw}");
        if !want_own {
            assert_eq!(p["arguments"]["a"], 1, "{raw}");
        }
        reply(req, json!({"content": [], "resultType": "complete"}));
    }
    within(call).await.unwrap().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscription_ends_only_after_every_notification_sent_before_its_end() {
    // The server sends a burst of notifications on the stream and ends it at once: the
    // answer reaches the client before the notifications are routed, and none may be lost.
    const N: usize = 200;
    let (client, mut server) = stateless(builder(), json!({"tools": {"listChanged": true}})).await;
    let (listening, req) = listen_to_tools(&client, &mut server).await;
    let id = serde_json::to_value(req.id()).unwrap();
    let mut subscription = listening;
    let meta = json!({"io.modelcontextprotocol/subscriptionId": id});
    let params = Some(serde_json::value::to_raw_value(&json!({"_meta": meta})).unwrap());
    for _ in 0..N {
        server
            .peer
            .notify_raw("notifications/tools/list_changed", params.clone())
            .unwrap();
    }
    reply(req, json!({"resultType": "complete", "_meta": meta}));
    let mut seen = 0;
    while let Some(n) = within(subscription.next()).await {
        assert_eq!(n, ServerNotification::ToolListChanged);
        seen += 1;
    }
    assert_eq!(seen, N);
    assert!(matches!(subscription.end_reason(), Some(Ok(()))));
}

/// Opens a subscription to tool list changes; returns it and the server's view of the
/// `subscriptions/listen` request.
async fn listen_to_tools(
    client: &Client,
    server: &mut Scripted,
) -> (mcp_client::Subscription, mcp_protocol::rt::IncomingRequest) {
    let listening = tokio::spawn({
        let client = client.clone();
        async move {
            client
                .listen(SubscriptionFilter::new().with_tools_list_changed())
                .await
        }
    });
    let req = server.expect_request("subscriptions/listen").await;
    (within(listening).await.unwrap().unwrap(), req)
}

// requirement: 5.7
#[cfg(feature = "validate")]
#[tokio::test]
async fn structured_output_is_checked_against_the_listed_output_schema() {
    let (client, server, _) = session(builder(), "2025-11-25", json!({"tools": {}})).await;
    serve(server, |method, p| {
        match (method, p["arguments"]["n"].as_i64()) {
            ("tools/list", _) => {
                json!({"tools": [{"name": "count", "inputSchema": {"type": "object"},
            "outputSchema": {"type": "object", "properties": {"n": {"type": "integer"}},
                             "required": ["n"]}}]})
            }
            (_, Some(1)) => json!({"content": [], "structuredContent": {"n": 1}}),
            (_, Some(2)) => json!({"content": [], "structuredContent": {"n": "two"}}),
            (_, Some(3)) => json!({"content": [{"type": "text", "text": "no"}], "isError": true}),
            _ => json!({"content": []}),
        }
    });
    // Not listed yet: not checked.
    assert!(client.call_tool("count", json!({"n": 2})).await.is_ok());
    client.list_all_tools().await.unwrap();
    assert!(client.call_tool("count", json!({"n": 1})).await.is_ok());
    for n in [2, 4] {
        let err = client
            .call_tool("count", json!({"n": n}))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::ToolOutputInvalid { .. }), "{n}: {err}");
    }
    // A tool error is not checked.
    let r = client.call_tool("count", json!({"n": 3})).await.unwrap();
    assert!(r.is_error());
}
