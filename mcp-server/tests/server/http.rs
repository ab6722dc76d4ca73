//! Streamable HTTP (feature `http`) over real sockets on 127.0.0.1: status codes and header
//! rules, sessions, SSE streams and their resumption, both eras, the 2024-11-05 endpoints,
//! graceful shutdown, and mounting in axum.

use std::time::Duration;

use mcp_server::http::HttpConfig;
use mcp_server::{NoArgs, RequestContext, Server, ToolDef};
use serde_json::{Value, json};

use crate::support::WAIT;
use crate::support::http::{Events, HttpHarness};

const CAPS_2026: fn() -> Value =
    || json!({"elicitation": {"form": {}}, "sampling": {}, "roots": {}});

fn meta_2026(caps: Value) -> Value {
    json!({
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": caps,
        "io.modelcontextprotocol/clientInfo": {"name": "raw", "version": "0"}
    })
}

fn call(id: u64, tool: &str, args: Value) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
           "params": {"name": tool, "arguments": args}})
}

async fn harness() -> HttpHarness {
    HttpHarness::start(HttpConfig::new()).await
}

// requirement: 3.6
#[tokio::test]
async fn foreign_host_or_origin_is_forbidden_and_loopback_passes() {
    let h = harness().await;
    let init = json!({"jsonrpc": "2.0", "id": 1, "method": "ping"});
    // A loopback origin gets past the guard (and on to the session rule: a session-era
    // request needs a session, 400).
    for (name, value, status) in [
        ("host", "evil.example.com", 403),
        ("origin", "http://evil.example.com", 403),
        ("origin", "http://localhost:5173", 400),
    ] {
        let r = h.post().header(name, value).body(init.to_string()).send();
        assert_eq!(r.await.unwrap().status(), status, "{name}: {value}");
    }
    h.initialize("2025-11-25", json!({})).await;
}

// requirement: 3.5
#[tokio::test]
async fn accept_content_type_method_and_path_rules() {
    let h = harness().await;
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": "ping"}).to_string();
    let only_json = h
        .client
        .post(&h.url)
        .header("content-type", "application/json")
        .header("accept", "application/json")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(only_json.status(), 406);
    let text = h
        .client
        .post(&h.url)
        .header("content-type", "text/plain")
        .header("accept", "application/json, text/event-stream")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(text.status(), 415);
    let put = h.client.put(&h.url).send().await.unwrap();
    assert_eq!(put.status(), 405);
    assert!(put.headers()["allow"].to_str().unwrap().contains("POST"));
    let elsewhere = h
        .client
        .post(format!("{}/other", h.base))
        .send()
        .await
        .unwrap();
    assert_eq!(elsewhere.status(), 404);
    let get = h
        .client
        .get(&h.url)
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(get.status(), 406);
}

#[tokio::test]
async fn malformed_json_is_400_and_the_server_carries_on() {
    let h = harness().await;
    let r = h.post().body("{not json").send().await.unwrap();
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], -32700);
    let r = h.post().body("[]").send().await.unwrap();
    assert_eq!(r.status(), 400);
    let r = h
        .post()
        .body(r#"{"jsonrpc":"2.0","id":{},"method":"x"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    h.initialize("2025-11-25", json!({})).await;
}

#[tokio::test]
async fn a_body_over_the_cap_is_413() {
    let h = HttpHarness::start(HttpConfig::new().max_body(1024)).await;
    let big = call(1, "echo", json!({"text": "x".repeat(4096)}));
    let r = h.post().body(big.to_string()).send().await.unwrap();
    assert_eq!(r.status(), 413);
    h.initialize("2025-11-25", json!({})).await;
}

// requirement: 3.9, 3.21, 3.22
#[tokio::test]
async fn sessions_unknown_missing_deleted_and_notifications() {
    let h = harness().await;
    let ping = json!({"jsonrpc": "2.0", "id": 1, "method": "ping"});
    // A session-era request without a session: 400; with an unknown one: 404.
    let r = h.post().body(ping.to_string()).send().await.unwrap();
    assert_eq!(r.status(), 400);
    let r = h.post_in("nope", &ping).send().await.unwrap();
    assert_eq!(r.status(), 404);

    let id = h.initialize("2025-11-25", json!({})).await;
    let r = h.post_in(&id, &ping).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body, json!({"jsonrpc": "2.0", "id": 1, "result": {}}));
    // An unsupported MCP-Protocol-Version is 400.
    let r = h
        .post()
        .header("mcp-session-id", &id)
        .header("mcp-protocol-version", "1999-01-01")
        .body(ping.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);

    let r = h
        .client
        .delete(&h.url)
        .header("mcp-session-id", &id)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = h.post_in(&id, &ping).send().await.unwrap();
    assert_eq!(r.status(), 404);
    let r = h
        .client
        .delete(&h.url)
        .header("mcp-session-id", &id)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = h.client.delete(&h.url).send().await.unwrap();
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn the_session_cap_refuses_a_new_initialize_with_503() {
    let h = HttpHarness::start(HttpConfig::new().max_sessions(1)).await;
    let first = h.initialize("2025-11-25", json!({})).await;
    let r = h
        .post()
        .body(
            json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
                "protocolVersion": "2025-11-25", "capabilities": {},
                "clientInfo": {"name": "raw", "version": "0"}}})
            .to_string(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    // Ending the first makes room.
    h.client
        .delete(&h.url)
        .header("mcp-session-id", &first)
        .send()
        .await
        .unwrap();
    h.initialize("2025-11-25", json!({})).await;
}

#[tokio::test]
async fn an_idle_session_expires() {
    let h = HttpHarness::start(HttpConfig::new().idle_timeout(Duration::from_millis(50))).await;
    let id = h.initialize("2025-11-25", json!({})).await;
    let ping = json!({"jsonrpc": "2.0", "id": 1, "method": "ping"});
    // Each request counts as activity, so the tries are further apart than the timeout.
    // Bounded: at most 20 tries.
    let mut expired = false;
    for _ in 0..20 {
        tokio::time::sleep(Duration::from_millis(120)).await;
        if h.post_in(&id, &ping).send().await.unwrap().status() == 404 {
            expired = true;
            break;
        }
    }
    assert!(expired, "the idle session never expired");
}

// requirement: 3.12, 3.18
#[tokio::test]
async fn a_streamed_answer_has_a_priming_event_with_retry_and_resumes_from_last_event_id() {
    let h = harness().await;
    let id = h.initialize("2025-11-25", json!({})).await;
    let mut req = call(7, "progress", json!({}));
    req["params"]["_meta"] = json!({"progressToken": "p"});
    let r = h.post_in(&id, &req).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let mut events = Events::new(r);
    let priming = events.next().await.unwrap();
    assert!(
        priming.id.is_some() && priming.data.is_empty(),
        "{priming:?}"
    );
    assert_eq!(priming.retry, Some(1000));
    let mut seen = Vec::new();
    while let Some((ev, msg)) = events.message().await {
        seen.push((ev.id.unwrap(), msg));
    }
    assert_eq!(seen.len(), 4, "three progress notifications and the result");
    assert_eq!(seen[0].1["method"], "notifications/progress");
    assert_eq!(seen[3].1["result"]["content"][0]["text"], "done");

    // Resuming after the first progress replays the rest of this stream, and only it.
    let r = h.get(Some(&id), Some(&seen[0].0)).await;
    assert_eq!(r.status(), 200);
    let mut replay = Events::new(r);
    let mut again = Vec::new();
    while let Some((ev, msg)) = replay.message().await {
        again.push((ev.id.unwrap(), msg));
    }
    assert_eq!(again, seen[1..].to_vec());

    // An id of another session is not found.
    let other = h.initialize("2025-11-25", json!({})).await;
    let r = h.get(Some(&other), Some(&seen[0].0)).await;
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn concurrent_posts_on_one_session_all_succeed() {
    let h = harness().await;
    let id = h.initialize("2025-03-26", json!({})).await;
    let calls = (0..8).map(|i| {
        let r = h.post_in(
            &id,
            &call(100 + i, "echo", json!({"text": format!("n{i}")})),
        );
        async move { r.send().await.unwrap() }
    });
    let answers = futures::future::join_all(calls).await;
    for (i, r) in answers.into_iter().enumerate() {
        assert_eq!(r.status(), 200);
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["id"], 100 + i as u64);
        assert_eq!(body["result"]["content"][0]["text"], format!("n{i}"));
    }
}

// requirement: 5.11
#[tokio::test]
async fn the_get_stream_receives_list_changed() {
    let h = harness().await;
    let id = h.initialize("2025-11-25", json!({})).await;
    let r = h.get(Some(&id), None).await;
    assert_eq!(r.status(), 200);
    let mut events = Events::new(r);
    let priming = events.next().await.unwrap();
    assert!(priming.data.is_empty());
    // Only one GET stream per session.
    let second = h.get(Some(&id), None).await;
    assert_eq!(second.status(), 409);
    h.server
        .add_tool(
            ToolDef::new("new_tool", |_: NoArgs, _: RequestContext| async { "hi" })
                .description("New"),
        )
        .unwrap();
    let (_, msg) = events.message().await.unwrap();
    assert_eq!(msg["method"], "notifications/tools/list_changed");
}

#[tokio::test]
async fn elicitation_and_sampling_round_trip_over_the_post_stream() {
    let h = harness().await;
    let id = h
        .initialize("2025-11-25", json!({"elicitation": {}, "sampling": {}}))
        .await;
    let r = h
        .post_in(&id, &call(9, "ask", json!({})))
        .send()
        .await
        .unwrap();
    let mut events = Events::new(r);
    let (_, elicit) = events.message().await.unwrap();
    assert_eq!(elicit["method"], "elicitation/create");
    let answer = json!({"jsonrpc": "2.0", "id": elicit["id"],
                        "result": {"action": "accept", "content": {"name": "Ada"}}});
    let r = h.post_in(&id, &answer).send().await.unwrap();
    assert_eq!(r.status(), 202);
    let (_, sample) = events.message().await.unwrap();
    assert_eq!(sample["method"], "sampling/createMessage");
    let answer = json!({"jsonrpc": "2.0", "id": sample["id"], "result": {
        "role": "assistant", "content": {"type": "text", "text": "Paris"}, "model": "m"}});
    assert_eq!(h.post_in(&id, &answer).send().await.unwrap().status(), 202);
    let (_, result) = events.message().await.unwrap();
    assert_eq!(result["id"], 9);
    let text = result["result"]["content"][0]["text"].as_str().unwrap();
    assert!(text.contains("Ada") && text.contains("Paris"), "{text}");
    assert!(
        events.next().await.is_none(),
        "the stream ends after the response"
    );
}

// requirement: 3.27
#[tokio::test]
async fn stateless_post_checks_mcp_method_and_mcp_name() {
    let h = harness().await;
    let params = |name: &str| json!({"name": name, "arguments": {"text": "hi"}, "_meta": meta_2026(json!({}))});
    let r = h
        .post_2026(1, "tools/call", Some("echo"), params("echo"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers().get("mcp-session-id").is_none());
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["result"]["content"][0]["text"], "hi");

    let r = h
        .post_2026(2, "tools/call", Some("other"), params("echo"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], -32020);
    assert_eq!(body["id"], 2);

    let r = h
        .post()
        .header("mcp-protocol-version", "2026-07-28")
        .header("mcp-method", "tools/list")
        .header("mcp-name", "echo")
        .body(
            json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": params("echo")})
                .to_string(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        400,
        "Mcp-Method says tools/list, the body tools/call"
    );
    let r = h
        .post_2026(4, "tools/call", None, params("echo"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400, "Mcp-Name is missing");
    // Base64-encoded names are decoded before the comparison.
    let r = h
        .post_2026(5, "tools/call", Some("=?base64?ZWNobw==?="), params("echo"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // Unknown methods are 404 with -32601.
    let r = h
        .post_2026(
            6,
            "nothing/here",
            None,
            json!({"_meta": meta_2026(json!({}))}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    // GET and DELETE without a session are refused: 2026-07-28 has neither.
    let r = h.get(None, None).await;
    assert_eq!(r.status(), 405);
}

#[tokio::test]
async fn subscriptions_listen_streams_list_changed() {
    let h = harness().await;
    let r = h
        .post_2026(
            1,
            "subscriptions/listen",
            None,
            json!({"notifications": {"toolsListChanged": true}, "_meta": meta_2026(json!({}))}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let mut events = Events::new(r);
    let (_, ack) = events.message().await.unwrap();
    assert_eq!(ack["method"], "notifications/subscriptions/acknowledged");
    h.server
        .add_tool(
            ToolDef::new("late", |_: NoArgs, _: RequestContext| async { "late" })
                .description("Late"),
        )
        .unwrap();
    let (_, changed) = events.message().await.unwrap();
    assert_eq!(changed["method"], "notifications/tools/list_changed");
    assert_eq!(
        changed["params"]["_meta"]["io.modelcontextprotocol/subscriptionId"],
        1
    );
}

#[tokio::test]
async fn mrtr_round_trip_over_http() {
    let h = harness().await;
    let p = |extra: Value| {
        let mut v = json!({"name": "ask", "_meta": meta_2026(CAPS_2026())});
        v.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        v
    };
    let r = h
        .post_2026(1, "tools/call", Some("ask"), p(json!({})))
        .send()
        .await
        .unwrap();
    let first: Value = r.json().await.unwrap();
    assert_eq!(first["result"]["resultType"], "input_required");
    let state = first["result"]["requestState"].clone();
    let r = h
        .post_2026(
            2,
            "tools/call",
            Some("ask"),
            p(json!({"requestState": state,
                     "inputResponses": {"elicit-0": {"action": "accept", "content": {"name": "Ada"}}}})),
        )
        .send()
        .await
        .unwrap();
    let second: Value = r.json().await.unwrap();
    assert_eq!(
        second["result"]["inputRequests"]["sample-1"]["method"],
        "sampling/createMessage"
    );
    let r = h
        .post_2026(
            3,
            "tools/call",
            Some("ask"),
            p(json!({"requestState": second["result"]["requestState"],
                     "inputResponses": {
                        "elicit-0": {"action": "accept", "content": {"name": "Ada"}},
                        "sample-1": {"role": "assistant", "content": {"type": "text", "text": "Paris"}, "model": "m"}}})),
        )
        .send()
        .await
        .unwrap();
    let done: Value = r.json().await.unwrap();
    let text = done["result"]["content"][0]["text"].as_str().unwrap();
    assert!(text.contains("Ada") && text.contains("Paris"), "{done}");
}

#[tokio::test]
async fn legacy_sse_endpoint_handshake_and_call() {
    let h = harness().await;
    let r = h
        .client
        .get(format!("{}/sse", h.base))
        .header("accept", "text/event-stream")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let mut events = Events::new(r);
    let endpoint = events.next().await.unwrap();
    assert_eq!(endpoint.name.as_deref(), Some("endpoint"));
    let post_url = format!("{}{}", h.base, endpoint.data);
    let send = |body: Value| {
        h.client
            .post(&post_url)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
    };
    let r = send(
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2024-11-05", "capabilities": {},
        "clientInfo": {"name": "old", "version": "0"}}}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 202);
    let init = events.next().await.unwrap();
    assert_eq!(init.name.as_deref(), Some("message"));
    assert_eq!(init.json()["result"]["protocolVersion"], "2024-11-05");
    send(json!({"jsonrpc": "2.0", "method": "notifications/initialized"}))
        .await
        .unwrap();
    let r = send(call(2, "echo", json!({"text": "old times"})))
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    let answer = events.next().await.unwrap().json();
    assert_eq!(answer["id"], 2);
    assert_eq!(answer["result"]["content"][0]["text"], "old times");
    let r = h
        .client
        .post(format!("{}/messages?sessionId=unknown", h.base))
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn graceful_shutdown_finishes_the_call_in_flight() {
    let server = crate::support::everything_server(Server::builder("t", "1"));
    server
        .add_tool(
            ToolDef::new("sleepy", |_: NoArgs, _: RequestContext| async {
                tokio::time::sleep(Duration::from_millis(300)).await;
                "rested"
            })
            .description("Sleeps 300 ms"),
        )
        .unwrap();
    let h = HttpHarness::start_with(server, HttpConfig::new()).await;
    let id = h.initialize("2025-11-25", json!({})).await;
    let in_flight = tokio::spawn(h.post_in(&id, &call(1, "sleepy", json!({}))).send());
    tokio::time::sleep(Duration::from_millis(50)).await;
    h.server.shutdown();
    let r = tokio::time::timeout(WAIT, in_flight)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["result"]["content"][0]["text"], "rested");
    tokio::time::timeout(WAIT, h.serving)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    // No new connection is accepted.
    assert!(h.client.post(&h.url).send().await.is_err());
}

#[tokio::test]
async fn mounts_in_an_axum_router() {
    let server = crate::support::everything_server(Server::builder("t", "1"));
    let app = axum::Router::new().route_service("/mcp", server.http_service(HttpConfig::new()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let serving = tokio::spawn(async move { axum::serve(listener, app).await });
    let h = HttpHarness {
        server,
        base: format!("http://{addr}"),
        url: format!("http://{addr}/mcp"),
        client: reqwest::Client::new(),
        serving: tokio::spawn(async { Ok(()) }),
    };
    let id = h.initialize("2025-06-18", json!({})).await;
    let r = h
        .post_in(&id, &call(1, "echo", json!({"text": "axum"})))
        .send()
        .await
        .unwrap();
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["result"]["content"][0]["text"], "axum");
    serving.abort();
}

// requirement: 4.26
#[tokio::test]
async fn the_authenticate_hook_names_the_caller_and_sessions_belong_to_it() {
    use futures::FutureExt;
    use mcp_server::Principal;
    use mcp_server::http::Rejection;

    let authenticate: mcp_server::http::Authenticate = std::sync::Arc::new(|headers| {
        let token = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::to_owned);
        async move {
            match token {
                Some(who) => Ok(Some(Principal::new("https://as.test", who))),
                None => Err(Rejection::new(http::StatusCode::UNAUTHORIZED).with_header(
                    http::header::WWW_AUTHENTICATE,
                    http::HeaderValue::from_static("Bearer"),
                )),
            }
        }
        .boxed()
    });
    let server = crate::support::everything_server(Server::builder("t", "1"));
    server
        .add_tool(
            ToolDef::new("whoami", |_: NoArgs, ctx: RequestContext| async move {
                ctx.principal()
                    .map(|p| p.subject.clone())
                    .unwrap_or_default()
            })
            .description("The caller"),
        )
        .unwrap();
    let h = HttpHarness::start_with(server, HttpConfig::new().authenticate(authenticate)).await;

    let r = h
        .post()
        .body(call(1, "whoami", json!({})).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(r.headers()["www-authenticate"], "Bearer");

    let init = json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {},
        "clientInfo": {"name": "raw", "version": "0"}}});
    let r = h
        .post()
        .bearer_auth("alice")
        .body(init.to_string())
        .send()
        .await
        .unwrap();
    let id = r.headers()["mcp-session-id"].to_str().unwrap().to_owned();
    let as_alice = h
        .post_in(&id, &call(2, "whoami", json!({})))
        .bearer_auth("alice");
    let body: Value = as_alice.send().await.unwrap().json().await.unwrap();
    assert_eq!(body["result"]["content"][0]["text"], "alice");
    // Bob cannot use (or end) Alice's session.
    let as_bob = h
        .post_in(&id, &call(3, "whoami", json!({})))
        .bearer_auth("bob");
    assert_eq!(as_bob.send().await.unwrap().status(), 404);
    let r = h
        .client
        .delete(&h.url)
        .header("mcp-session-id", &id)
        .bearer_auth("bob")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    // A stateless request carries its caller too.
    let r = h
        .post_2026(
            4,
            "tools/call",
            Some("whoami"),
            json!({"name": "whoami", "_meta": meta_2026(json!({}))}),
        )
        .bearer_auth("carol")
        .send()
        .await
        .unwrap();
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["result"]["content"][0]["text"], "carol");
}

#[tokio::test]
async fn batches_are_served_in_2025_03_26_sessions_only() {
    let h = harness().await;
    let id = h.initialize("2025-03-26", json!({})).await;
    let batch = json!([
        {"jsonrpc": "2.0", "id": 1, "method": "ping"},
        {"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 99}},
        call(2, "echo", json!({"text": "batched"})),
    ]);
    let r = h.post_in(&id, &batch).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let mut answers: Vec<Value> = r.json().await.unwrap();
    answers.sort_by_key(|a| a["id"].as_u64());
    assert_eq!(answers.len(), 2);
    assert_eq!(answers[0]["result"], json!({}));
    assert_eq!(answers[1]["result"]["content"][0]["text"], "batched");
    // Only notifications: 202.
    let only = json!([{"jsonrpc": "2.0", "method": "notifications/initialized"}]);
    assert_eq!(h.post_in(&id, &only).send().await.unwrap().status(), 202);

    let newer = h.initialize("2025-11-25", json!({})).await;
    let r = h.post_in(&newer, &batch).send().await.unwrap();
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn http2_without_upgrade_is_served_too() {
    let mut h = harness().await;
    h.client = reqwest::Client::builder()
        .http2_prior_knowledge()
        .timeout(WAIT)
        .build()
        .unwrap();
    let id = h.initialize("2025-11-25", json!({})).await;
    let r = h
        .post_in(&id, &call(1, "echo", json!({"text": "h2"})))
        .send()
        .await
        .unwrap();
    assert_eq!(r.version(), reqwest::Version::HTTP_2);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["result"]["content"][0]["text"], "h2");
}

// requirement: 3.14
#[tokio::test]
async fn a_closed_stream_is_resumed_by_the_clients_get() {
    let server = crate::support::everything_server(Server::builder("t", "1"));
    server
        .add_tool(
            ToolDef::new("poll", |_: NoArgs, ctx: RequestContext| async move {
                format!("closed={}", ctx.close_stream())
            })
            .description("Closes its stream, then answers"),
        )
        .unwrap();
    let h = HttpHarness::start_with(server, HttpConfig::new()).await;
    let id = h.initialize("2025-11-25", json!({})).await;
    let r = h
        .post_in(&id, &call(5, "poll", json!({})))
        .send()
        .await
        .unwrap();
    let mut events = Events::new(r);
    let priming = events.next().await.unwrap();
    assert!(priming.data.is_empty() && priming.retry.is_some());
    assert!(
        events.next().await.is_none(),
        "the connection closes before the result"
    );
    let r = h.get(Some(&id), priming.id.as_deref()).await;
    let mut resumed = Events::new(r);
    let (_, result) = resumed.message().await.unwrap();
    assert_eq!(result["id"], 5);
    assert_eq!(result["result"]["content"][0]["text"], "closed=true");
    // Stateless requests have no stream to close.
    let r = h
        .post_2026(
            6,
            "tools/call",
            Some("poll"),
            json!({"name": "poll", "_meta": meta_2026(json!({}))}),
        )
        .send()
        .await
        .unwrap();
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["result"]["content"][0]["text"], "closed=false");
}

/// A server whose tool `flood` sends `n` progress notifications at once, then answers with
/// how many of them left.
fn flooding_server(n: usize) -> Server {
    let server = Server::builder("flood", "0").build();
    server
        .add_tool(ToolDef::new(
            "flood",
            move |_: NoArgs, ctx: RequestContext| async move {
                let sent = (0..n)
                    .filter(|i| ctx.progress(*i as f64, None, None))
                    .count();
                format!("sent {sent}")
            },
        ))
        .unwrap();
    server
}

/// Reads a response stream to its end: the progress notifications and the result's text.
async fn drain(r: reqwest::Response) -> (usize, Option<String>) {
    let mut events = Events::new(r);
    let (mut progress, mut result) = (0, None);
    while let Some((_, msg)) = events.message().await {
        if msg["method"] == "notifications/progress" {
            progress += 1;
        } else {
            result = msg["result"]["content"][0]["text"]
                .as_str()
                .map(str::to_owned);
        }
    }
    (progress, result)
}

#[tokio::test]
async fn a_flood_of_notifications_is_bounded_and_the_response_still_arrives() {
    const N: usize = 50_000;
    let config = HttpConfig::new().max_queued_messages(16);
    let h = HttpHarness::start_with(flooding_server(N), config).await;
    // 2026-07-28: the handler runs to its end before anything is read, so exactly the bound
    // is queued; the rest is refused and the handler is told so.
    let mut params = json!({"name": "flood", "arguments": {}, "_meta": meta_2026(json!({}))});
    params["_meta"]["progressToken"] = json!("p");
    let r = h
        .post_2026(1, "tools/call", Some("flood"), params)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(drain(r).await, (16, Some("sent 16".to_owned())));

    // Session era: the stream is read while the handler sends; every notification that
    // left arrives, the response last.
    let id = h.initialize("2025-11-25", json!({})).await;
    let mut req = call(2, "flood", json!({}));
    req["params"]["_meta"] = json!({"progressToken": "p"});
    let r = h.post_in(&id, &req).send().await.unwrap();
    let (progress, result) = drain(r).await;
    assert!(
        progress < N,
        "{progress} of {N} queued: the bound did not hold"
    );
    assert_eq!(result, Some(format!("sent {progress}")));
}

/// An event stream ends when its caller's token expires (plus the configured leeway), in
/// both eras: the session's GET stream and a 2026-07-28 `subscriptions/listen` stream
/// (issue 16: a stream stayed open 17 s past its token's expiry).
#[tokio::test]
async fn event_streams_end_when_the_callers_token_expires() {
    use futures::FutureExt;
    use mcp_server::Principal;

    // The "token" is the number of milliseconds it has left.
    let authenticate: mcp_server::http::Authenticate = std::sync::Arc::new(|headers| {
        let left = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0);
        async move {
            let mut p = Principal::new("https://as.test", "alice");
            p.expires_at = Some(std::time::SystemTime::now() + Duration::from_millis(left));
            Ok(Some(p))
        }
        .boxed()
    });
    let config = HttpConfig::new()
        .authenticate(authenticate)
        .token_expiry_leeway(Duration::from_millis(200))
        .keep_alive(Duration::from_millis(100));
    let h = HttpHarness::start_with(
        crate::support::everything_server(Server::builder("t", "1")),
        config,
    )
    .await;

    // Session era: the GET stream of a session whose token has 500 ms left.
    let init = json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {},
        "clientInfo": {"name": "raw", "version": "0"}}});
    let r = h
        .post()
        .bearer_auth("500")
        .body(init.to_string())
        .send()
        .await
        .unwrap();
    let id = r.headers()["mcp-session-id"].to_str().unwrap().to_owned();
    let started = std::time::Instant::now();
    let get = h
        .client
        .get(&h.url)
        .header("accept", "text/event-stream")
        .header("mcp-session-id", &id)
        .header("mcp-protocol-version", "2025-11-25")
        .bearer_auth("500")
        .send()
        .await
        .unwrap();
    assert_eq!(get.status(), 200);
    // Keep-alives every 100 ms would keep it open forever; the deadline (500 + 200 ms) ends it.
    let ended = tokio::time::timeout(Duration::from_secs(10), get.bytes()).await;
    assert!(ended.is_ok(), "the GET stream outlived its token");
    let lasted = started.elapsed();
    assert!(lasted >= Duration::from_millis(600), "{lasted:?}");

    // 2026-07-28: a listen stream with 300 ms left.
    let started = std::time::Instant::now();
    let listen = h
        .post_2026(
            1,
            "subscriptions/listen",
            None,
            json!({"_meta": meta_2026(json!({})), "notifications": {"toolsListChanged": true}}),
        )
        .bearer_auth("300")
        .send()
        .await
        .unwrap();
    assert_eq!(listen.status(), 200);
    let ended = tokio::time::timeout(Duration::from_secs(10), listen.bytes()).await;
    assert!(ended.is_ok(), "the listen stream outlived its token");
    assert!(started.elapsed() >= Duration::from_millis(400));
}
