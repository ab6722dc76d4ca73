//! The stateless era (2026-07-28): per-request versions, discovery, MRTR, listen, tasks.

use std::time::Duration;

use mcp_protocol::jsonrpc::ErrorCode;
use mcp_protocol::rt::{RequestError, memory::Mode};
use mcp_protocol::types::CacheScope;
use mcp_server::{CacheHint, ListKind, NoArgs, RequestContext, Server, ToolDef};
use serde_json::{Value, json};

use crate::support::*;

fn code(e: RequestError) -> ErrorCode {
    match e {
        RequestError::Remote(obj) => obj.code,
        other => panic!("expected a JSON-RPC error, got {other:?}"),
    }
}

fn harness(builder: mcp_server::ServerBuilder) -> Harness {
    Harness::connect(&everything_server(builder), Mode::Serialized)
}

const ALL_CAPS: fn() -> Value =
    || json!({"elicitation": {"form": {}}, "sampling": {}, "roots": {}});

// requirement: 1.20, 2.17
#[tokio::test]
async fn discover_lists_versions_capabilities_and_cache_hints() {
    let h = harness(
        Server::builder("t", "1")
            .instructions("hi")
            .discover_cache_hint(CacheHint::new(60_000, CacheScope::Public)),
    );
    {
        // Without `_meta` it is refused (lifecycle::a_discover_without_meta_is_invalid_params).
        let d = h
            .raw("server/discover", params_2026(json!({}), json!({})))
            .await
            .unwrap();
        assert_eq!(d["resultType"], "complete");
        assert!(
            d["supportedVersions"]
                .as_array()
                .unwrap()
                .contains(&json!("2026-07-28"))
        );
        assert!(d["capabilities"]["tools"].is_object());
        assert_eq!(d["instructions"], "hi");
        assert_eq!(d["ttlMs"], 60_000);
        assert_eq!(d["cacheScope"], "public");
        assert_eq!(
            d["_meta"]["io.modelcontextprotocol/serverInfo"]["name"],
            "t"
        );
    }
}

// requirement: 1.5, 1.19
#[tokio::test]
async fn every_request_is_checked_against_its_version() {
    let h = harness(
        Server::builder("t", "1")
            .cache_hint(ListKind::Tools, CacheHint::new(5_000, CacheScope::Public)),
    );
    let list = h
        .raw("tools/list", params_2026(json!({}), json!({})))
        .await
        .unwrap();
    assert_eq!(list["resultType"], "complete");
    assert_eq!(list["ttlMs"], 5_000);
    assert_eq!(list["cacheScope"], "public");
    assert!(
        list["tools"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["name"] == "echo")
    );

    let mut unknown = params_2026(json!({}), json!({}));
    unknown["_meta"]["io.modelcontextprotocol/protocolVersion"] = json!("2099-01-01");
    let err = h.raw("tools/list", unknown).await.unwrap_err();
    let RequestError::Remote(obj) = err else {
        panic!()
    };
    assert_eq!(obj.code, ErrorCode::UNSUPPORTED_PROTOCOL_VERSION);
    // Every version the server speaks, so a client knows it may fall back to `initialize`.
    assert_eq!(
        obj.data.unwrap()["supported"],
        json!([
            "2024-11-05",
            "2025-03-26",
            "2025-06-18",
            "2025-11-25",
            "2026-07-28"
        ])
    );

    for gone in [
        "initialize",
        "logging/setLevel",
        "ping",
        "resources/subscribe",
        "tasks/list",
    ] {
        let err = h
            .raw(
                gone,
                params_2026(json!({"level": "info", "uri": "x"}), json!({})),
            )
            .await
            .unwrap_err();
        assert_eq!(code(err), ErrorCode::METHOD_NOT_FOUND, "{gone}");
    }
    let bad_caps = h
        .raw("tools/list", params_2026(json!({}), json!("nope")))
        .await
        .unwrap_err();
    assert_eq!(code(bad_caps), ErrorCode::INVALID_PARAMS);
}

// requirement: 6.1, 6.2
#[tokio::test]
async fn mrtr_round_trip_for_elicitation_then_sampling() {
    let h = harness(Server::builder("t", "1"));
    let first = h
        .raw(
            "tools/call",
            params_2026(json!({"name": "ask"}), ALL_CAPS()),
        )
        .await
        .unwrap();
    assert_eq!(first["resultType"], "input_required");
    let reqs = first["inputRequests"].as_object().unwrap();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs["elicit-0"]["method"], "elicitation/create");
    let state = first["requestState"].as_str().unwrap().to_owned();

    let second = h
        .raw(
            "tools/call",
            params_2026(
                json!({"name": "ask", "requestState": state,
                       "inputResponses": {"elicit-0": {"action": "accept", "content": {"name": "Ada"}}}}),
                ALL_CAPS(),
            ),
        )
        .await
        .unwrap();
    assert_eq!(second["resultType"], "input_required");
    assert_eq!(
        second["inputRequests"]["sample-1"]["method"],
        "sampling/createMessage"
    );
    let state2 = second["requestState"].as_str().unwrap().to_owned();

    // The state is bound to its request: another tool, or a tampered state, is refused.
    let other = h
        .raw(
            "tools/call",
            params_2026(
                json!({"name": "echo", "arguments": {"text": "x"}, "requestState": state2}),
                ALL_CAPS(),
            ),
        )
        .await
        .unwrap_err();
    assert_eq!(code(other), ErrorCode::INVALID_PARAMS);
    let mut forged = state2.clone();
    forged.insert(1, 'x');
    let tampered = h
        .raw(
            "tools/call",
            params_2026(json!({"name": "ask", "requestState": forged}), ALL_CAPS()),
        )
        .await
        .unwrap_err();
    assert_eq!(code(tampered), ErrorCode::INVALID_PARAMS);

    let done = h
        .raw(
            "tools/call",
            params_2026(
                json!({"name": "ask", "requestState": state2,
                       // A changed answer to the sealed question is ignored.
                       "inputResponses": {"elicit-0": {"action": "decline"},
                           "sample-1": {"role": "assistant", "model": "m", "content": {"type": "text", "text": "Paris"}}}}),
                ALL_CAPS(),
            ),
        )
        .await
        .unwrap();
    assert_eq!(done["resultType"], "complete");
    assert_eq!(
        done["content"][0]["text"],
        r#"action=Accept content={"name":"Ada"} model=Paris"#
    );

    // Without the capabilities the server does not ask; the handler fails on the refusal,
    // so the answer is -32021 naming what is missing (basic/index, audit row 1.15).
    let no_caps = h
        .raw("tools/call", params_2026(json!({"name": "ask"}), json!({})))
        .await
        .unwrap_err();
    let RequestError::Remote(obj) = no_caps else {
        panic!("expected -32021, got {no_caps:?}")
    };
    assert_eq!(obj.code, ErrorCode::MISSING_REQUIRED_CLIENT_CAPABILITY);
    assert_eq!(
        obj.data.unwrap()["requiredCapabilities"],
        json!({"elicitation": {}})
    );
}

#[tokio::test]
async fn mrtr_questions_can_have_fixed_keys() {
    use mcp_protocol::methods::{CreateMessageParams, ElicitFormParams, SamplingMessage};
    let h = harness(Server::builder("t", "1"));
    h.server
        .add_tool(
            ToolDef::new("keyed", |_: NoArgs, ctx: RequestContext| async move {
                let elicit: ElicitFormParams = serde_json::from_value(json!({"message": "Name?",
                    "requestedSchema": {"type": "object", "properties": {"name": {"type": "string"}}}}))
                .unwrap();
                let sample = CreateMessageParams::new(vec![SamplingMessage::user_text("Hi")], 10);
                let (who, greeting, roots) = tokio::join!(
                    ctx.elicit_as("user_name", elicit),
                    ctx.create_message_as("greeting", sample),
                    ctx.list_roots_as("client_roots"),
                );
                let who = who.unwrap().content.unwrap()["name"].clone();
                let greeting = greeting.unwrap().content.blocks()[0]
                    .as_text()
                    .unwrap_or_default()
                    .to_owned();
                format!("{who} {greeting} {}", roots.unwrap().roots.len())
            })
            .description("asks three questions with fixed keys"),
        )
        .unwrap();
    let first = h
        .raw(
            "tools/call",
            params_2026(json!({"name": "keyed"}), ALL_CAPS()),
        )
        .await
        .unwrap();
    assert_eq!(first["resultType"], "input_required");
    let reqs = first["inputRequests"].as_object().unwrap();
    let mut keys: Vec<_> = reqs.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["client_roots", "greeting", "user_name"]);
    assert_eq!(reqs["user_name"]["method"], "elicitation/create");
    assert_eq!(reqs["greeting"]["method"], "sampling/createMessage");
    assert_eq!(reqs["client_roots"]["method"], "roots/list");
    let done = h
        .raw(
            "tools/call",
            params_2026(
                json!({"name": "keyed", "requestState": first["requestState"],
                       "inputResponses": {
                           "user_name": {"action": "accept", "content": {"name": "Ada"}},
                           "greeting": {"role": "assistant", "model": "m", "content": {"type": "text", "text": "Hello"}},
                           "client_roots": {"roots": [{"uri": "file:///a"}]}}}),
                ALL_CAPS(),
            ),
        )
        .await
        .unwrap();
    assert_eq!(done["resultType"], "complete");
    assert_eq!(done["content"][0]["text"], r#""Ada" Hello 1"#);
}

// requirement: 5.19
#[tokio::test]
async fn logs_only_at_the_level_the_request_names() {
    let h = harness(Server::builder("t", "1"));
    let none = h
        .raw("tools/call", params_2026(json!({"name": "log"}), json!({})))
        .await
        .unwrap();
    assert_eq!(none["content"][0]["text"], "sent 0");
    let mut p = params_2026(json!({"name": "log"}), json!({}));
    p["_meta"]["io.modelcontextprotocol/logLevel"] = json!("info");
    let some = h.raw("tools/call", p).await.unwrap();
    assert_eq!(some["content"][0]["text"], "sent 2");
}

// requirement: 3.4, 5.24
#[tokio::test]
async fn listen_delivers_list_changed_and_resource_updates_with_the_subscription_id() {
    let mut h = harness(Server::builder("t", "1"));
    let listen = h.client.request_raw(
        "subscriptions/listen",
        Some(serde_json::value::to_raw_value(&params_2026(
            json!({"notifications": {"toolsListChanged": true, "resourceSubscriptions": ["test://watched-resource"]}}),
            json!({}),
        )).unwrap()),
        mcp_protocol::rt::RequestOptions::new(),
    );
    let listen_id = listen.id().unwrap();
    let ack = h
        .notification("notifications/subscriptions/acknowledged")
        .await;
    let ack: Value = serde_json::from_str(ack.params.unwrap().get()).unwrap();
    assert_eq!(ack["notifications"]["toolsListChanged"], true);
    assert_eq!(
        ack["_meta"]["io.modelcontextprotocol/subscriptionId"],
        serde_json::to_value(&listen_id).unwrap()
    );

    h.server
        .add_tool(
            ToolDef::new("late", |_: NoArgs, _: RequestContext| async { "x" }).description("x"),
        )
        .unwrap();
    let n = h.notification("notifications/tools/list_changed").await;
    let n: Value = serde_json::from_str(n.params.unwrap().get()).unwrap();
    assert_eq!(
        n["_meta"]["io.modelcontextprotocol/subscriptionId"],
        serde_json::to_value(&listen_id).unwrap()
    );
    // Not asked for: no prompts notification.
    h.server.remove_prompt("test_prompt_with_arguments");
    h.server.notify_resource_updated("test://watched-resource");
    let u = h.notification("notifications/resources/updated").await;
    assert!(u.params.unwrap().get().contains("subscriptionId"));
    assert!(
        !h.sees(
            "notifications/prompts/list_changed",
            Duration::from_millis(100)
        )
        .await
    );
    listen.cancel(None);
    h.raw("tools/list", params_2026(json!({}), json!({})))
        .await
        .unwrap();
}

#[tokio::test]
async fn tasks_extension_runs_long_calls_as_tasks() {
    let h = harness(
        Server::builder("t", "1")
            .tasks(true)
            .task_poll_interval(Duration::from_millis(10)),
    );
    let caps =
        json!({"elicitation": {"form": {}}, "extensions": {"io.modelcontextprotocol/tasks": {}}});
    let d = h
        .raw("server/discover", params_2026(json!({}), json!({})))
        .await
        .unwrap();
    assert!(d["capabilities"]["extensions"]["io.modelcontextprotocol/tasks"].is_object());

    let created = h
        .raw(
            "tools/call",
            params_2026(json!({"name": "slow_task"}), caps.clone()),
        )
        .await
        .unwrap();
    assert_eq!(created["resultType"], "task");
    assert_eq!(created["pollIntervalMs"], 10);
    let id = created["taskId"].as_str().unwrap().to_owned();
    let done = poll(&h, &id, &caps, "completed").await;
    assert_eq!(done["result"]["content"][0]["text"], "slow done");

    // Input inside a task: input_required with inputRequests, answered by tasks/update.
    let created = h
        .raw(
            "tools/call",
            params_2026(json!({"name": "confirm_task"}), caps.clone()),
        )
        .await
        .unwrap();
    let id = created["taskId"].as_str().unwrap().to_owned();
    let waiting = poll(&h, &id, &caps, "input_required").await;
    let (key, req) = waiting["inputRequests"]
        .as_object()
        .unwrap()
        .iter()
        .next()
        .unwrap();
    assert_eq!(req["method"], "elicitation/create");
    h.raw("tasks/update", params_2026(json!({"taskId": id, "inputResponses": {key.clone(): {"action": "accept", "content": {}}}}), caps.clone())).await.unwrap();
    let done = poll(&h, &id, &caps, "completed").await;
    assert_eq!(done["result"]["content"][0]["text"], "confirmed: Accept");

    // Cancel: cooperative, acknowledged with an empty result.
    let created = h
        .raw(
            "tools/call",
            params_2026(json!({"name": "slow_task"}), caps.clone()),
        )
        .await
        .unwrap();
    let id = created["taskId"].as_str().unwrap().to_owned();
    let ack = h
        .raw(
            "tasks/cancel",
            params_2026(json!({"taskId": id}), caps.clone()),
        )
        .await
        .unwrap();
    assert!(ack.get("taskId").is_none());
    poll(&h, &id, &caps, "cancelled").await;

    // Without the extension in the request's capabilities, no task.
    let plain = h
        .raw(
            "tools/call",
            params_2026(json!({"name": "slow_task"}), json!({})),
        )
        .await
        .unwrap();
    assert_eq!(plain["resultType"], "complete");
}

async fn poll(h: &Harness, id: &str, caps: &Value, status: &str) -> Value {
    tokio::time::timeout(WAIT, async {
        loop {
            let t = h
                .raw(
                    "tasks/get",
                    params_2026(json!({"taskId": id}), caps.clone()),
                )
                .await
                .unwrap();
            if t["status"] == status {
                return t;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("task {id} never became {status}"))
}

#[tokio::test]
async fn shutdown_ends_listen_streams_and_every_connection() {
    let server = everything_server(Server::builder("t", "1"));
    let mut a = Harness::connect(&server, Mode::Direct);
    let b = Harness::connect(&server, Mode::Serialized);
    b.initialize(
        mcp_protocol::ProtocolVersion::V2025_11_25,
        Default::default(),
    )
    .await;
    let listen = a.client.request_raw(
        "subscriptions/listen",
        Some(
            serde_json::value::to_raw_value(&params_2026(
                json!({"notifications": {"toolsListChanged": true}}),
                json!({}),
            ))
            .unwrap(),
        ),
        mcp_protocol::rt::RequestOptions::new(),
    );
    a.notification("notifications/subscriptions/acknowledged")
        .await;
    server.shutdown();
    let closed = tokio::time::timeout(WAIT, listen)
        .await
        .expect("the listen request ends");
    // 2026-07-28 SubscriptionsListenResult: a graceful teardown answers the listen request
    // (only an abrupt transport close carries no response), naming the subscription.
    let raw = closed.expect("a graceful shutdown answers the listen request");
    assert!(raw.get().contains("subscriptionId"), "{}", raw.get());
    tokio::time::timeout(WAIT, a.serving)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    tokio::time::timeout(WAIT, b.serving)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
}

// requirement: 6.6, 6.17
#[tokio::test]
async fn mrtr_answers_to_questions_not_asked_are_ignored_and_states_open_once() {
    let h = harness(Server::builder("t", "1"));
    // No requestState: answers by the keys the handler asks with are NOT taken (issue 16: a
    // client could otherwise pre-answer a confirmation the user never saw). The server asks.
    let answers = json!({
        "elicit-0": {"action": "accept", "content": {"name": "Ada"}},
        "sample-1": {"role": "assistant", "model": "m", "content": {"type": "text", "text": "Paris"}},
    });
    let first = h
        .raw(
            "tools/call",
            params_2026(
                json!({"name": "ask", "inputResponses": answers}),
                ALL_CAPS(),
            ),
        )
        .await
        .unwrap();
    assert_eq!(first["resultType"], "input_required", "{first}");
    let asked: Vec<_> = first["inputRequests"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert_eq!(asked, ["elicit-0"]);
    let state = first["requestState"].clone();
    // With the state, only the answer to the question asked (elicit-0) is taken: the
    // pre-sent sample-1 is not, so the handler asks it now.
    let second = h
        .raw(
            "tools/call",
            params_2026(
                json!({"name": "ask", "requestState": state, "inputResponses": answers}),
                ALL_CAPS(),
            ),
        )
        .await
        .unwrap();
    assert_eq!(second["resultType"], "input_required", "{second}");
    let asked: Vec<_> = second["inputRequests"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert_eq!(asked, ["sample-1"]);
    // The same state a second time is refused: a state opens once.
    let replayed = h
        .raw(
            "tools/call",
            params_2026(
                json!({"name": "ask", "requestState": state, "inputResponses": answers}),
                ALL_CAPS(),
            ),
        )
        .await
        .unwrap_err();
    let RequestError::Remote(e) = replayed else {
        panic!("expected a JSON-RPC error, got {replayed:?}")
    };
    assert_eq!(e.code, ErrorCode::INVALID_PARAMS);
    assert!(e.message.contains("used already"), "{}", e.message);
    let done = h
        .raw(
            "tools/call",
            params_2026(
                json!({"name": "ask", "requestState": second["requestState"], "inputResponses": answers}),
                ALL_CAPS(),
            ),
        )
        .await
        .unwrap();
    assert_eq!(done["resultType"], "complete", "{done}");
    assert_eq!(
        done["content"][0]["text"],
        r#"action=Accept content={"name":"Ada"} model=Paris"#
    );
    // An answer to an asked question that is not what the question asks for is the
    // client's protocol error: -32602 naming the key, and the handler never sees it.
    let fresh = h
        .raw(
            "tools/call",
            params_2026(json!({"name": "ask"}), ALL_CAPS()),
        )
        .await
        .unwrap();
    let bad = h
        .raw(
            "tools/call",
            params_2026(
                json!({"name": "ask", "requestState": fresh["requestState"],
                       "inputResponses": {"elicit-0": 12345}}),
                ALL_CAPS(),
            ),
        )
        .await
        .unwrap_err();
    let RequestError::Remote(e) = bad else {
        panic!("expected a JSON-RPC error, got {bad:?}")
    };
    assert_eq!(e.code, ErrorCode::INVALID_PARAMS);
    assert!(e.message.contains("elicit-0"), "{}", e.message);
}
