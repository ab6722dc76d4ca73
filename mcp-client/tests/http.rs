//! The Streamable HTTP transport (feature `http`) against scripted HTTP servers on
//! 127.0.0.1: each test scripts the exact HTTP behaviour it names.

use std::time::{Duration, Instant};

use mcp_client::Client;
use mcp_client::Error;
use mcp_client::http::HttpTransport;
use mcp_protocol::methods::{ElicitParams, ElicitResult};
use serde_json::{Value, json};

use crate::support::http_server::{HttpServer, event};
use crate::support::{builder, within};

/// Connects a client to `server` in the background while the test plays the server.
fn connect(
    url: &str,
    b: mcp_client::ClientBuilder,
) -> tokio::task::JoinHandle<mcp_client::Result<Client>> {
    let transport = HttpTransport::builder(url)
        .header("x-tenant", "acme")
        .default_retry(Duration::from_millis(50))
        .build()
        .unwrap();
    tokio::spawn(b.connect(transport))
}

/// A server and a client connected to it in a session-era session `session` (2025-11-25).
async fn in_session(session: &str, b: mcp_client::ClientBuilder) -> (HttpServer, Client) {
    let mut server = HttpServer::start().await;
    let connecting = connect(&server.url, b);
    server.handshake("2025-11-25", session).await;
    let client = within(connecting).await.unwrap().unwrap();
    (server, client)
}

/// Calls tool `name` in the background while the test plays the server.
fn spawn_call(
    client: &Client,
    name: &str,
    args: Value,
) -> tokio::task::JoinHandle<mcp_client::Result<mcp_protocol::methods::CallToolResult>> {
    let client = client.clone();
    let name = name.to_owned();
    tokio::spawn(async move { client.call_tool(&name, args).await })
}

fn text_result(text: &str) -> Value {
    json!({"content": [{"type": "text", "text": text}]})
}

// requirement: 2.9, 3.10, 3.20
#[tokio::test]
async fn session_era_json_and_sse_answers_carry_the_session_and_version() {
    let mut server = HttpServer::start().await;
    let connecting = connect(&server.url, builder());
    let init = server.handshake("2025-11-25", "sess-1").await;
    assert_eq!(init["params"]["protocolVersion"], "2025-11-25");
    let client = within(connecting).await.unwrap().unwrap();
    assert_eq!(client.protocol_version().as_str(), "2025-11-25");

    // A JSON answer.
    let call = tokio::spawn({
        let c = client.clone();
        async move { c.list_tools(None).await }
    });
    let list = server.expect("tools/list").await;
    assert_eq!(list.header("mcp-session-id"), Some("sess-1"));
    assert_eq!(list.header("mcp-protocol-version"), Some("2025-11-25"));
    assert_eq!(list.header("mcp-method"), Some("tools/list"));
    assert_eq!(list.header("x-tenant"), Some("acme"));
    let accept = list.header("accept").unwrap();
    assert!(accept.contains("application/json") && accept.contains("text/event-stream"));
    list.result(
        json!({"tools": [{"name": "t", "inputSchema": {"type": "object"}}]}),
        &[],
    );
    assert_eq!(within(call).await.unwrap().unwrap().tools[0].name, "t");

    // An SSE answer: a progress notification, a malformed event, then the response.
    let progress = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let call = tokio::spawn({
        let c = client.clone();
        let seen = progress.clone();
        async move {
            let options = mcp_client::CallOptions::new()
                .on_progress(move |p| seen.lock().unwrap().push(p.progress));
            c.call_tool_with(mcp_protocol::methods::CallToolParams::new("t"), options)
                .await
        }
    });
    let post = server.expect("tools/call").await;
    assert_eq!(post.header("mcp-name"), Some("t"));
    let id = post.body["id"].clone();
    let token = post.body["params"]["_meta"]["progressToken"].clone();
    let sse = post.sse(&[]);
    sse.send(event(
        Some("1"),
        &json!({"jsonrpc": "2.0", "method": "notifications/progress",
        "params": {"progressToken": token, "progress": 1}}),
    ))
    .unwrap();
    sse.send("data: {not json\n\n".into()).unwrap();
    sse.send(event(
        Some("2"),
        &json!({"jsonrpc": "2.0", "id": id, "result": text_result("ok")}),
    ))
    .unwrap();
    let result = within(call).await.unwrap().unwrap();
    assert!(!result.is_error());
    assert_eq!(*progress.lock().unwrap(), [1.0]);
}

#[tokio::test]
async fn without_renewal_an_expired_session_is_a_clear_error_and_later_calls_fail_at_once() {
    let mut server = HttpServer::start().await;
    let connecting = connect(&server.url, builder().reinitialize_on_expiry(false));
    server.handshake("2025-06-18", "old-session").await;
    let client = within(connecting).await.unwrap().unwrap();

    let call = spawn_call(&client, "t", json!({}));
    server
        .expect("tools/call")
        .await
        .status(404, "session not found");
    let err = within(call).await.unwrap().unwrap_err();
    assert!(
        matches!(&err, Error::SessionExpired { method, session, .. }
            if method == "tools/call" && session == "old-session"),
        "{err:?}"
    );
    assert_eq!(err.http_status(), Some(404));
    assert_eq!(err.code(), None, "not a JSON-RPC error: {err}");

    // The next call fails the same way without reaching the server.
    let again = within(client.call_tool("t", json!({}))).await.unwrap_err();
    assert!(matches!(again, Error::SessionExpired { .. }), "{again:?}");
    assert!(server.idle_for(Duration::from_millis(200)).await);
}

/// Expects the `initialize` of a new session, which must carry neither the old session's id
/// nor a version header (basic/transports §Session Management 4: "without a session ID
/// attached"), and answers it: `version`, session `session`, and the `prompts` capability on
/// top of `tools`. Returns the request's body.
async fn new_session(server: &mut HttpServer, version: &str, session: &str) -> Value {
    let init = server.expect("initialize").await;
    assert_eq!(init.header("mcp-session-id"), None);
    assert_eq!(init.header("mcp-protocol-version"), None);
    let sent = init.body.clone();
    init.result(
        json!({"protocolVersion": version, "capabilities": {"tools": {}, "prompts": {}},
            "serverInfo": {"name": "scripted-http", "version": "2"}}),
        &[("mcp-session-id", session)],
    );
    sent
}

// requirement: 3.23
#[tokio::test]
async fn an_expired_session_is_replaced_and_the_call_sent_again_in_the_new_one() {
    let mut server = HttpServer::start().await;
    server.show_gets();
    let connecting = connect(&server.url, builder());
    let first_init = server.handshake("2025-11-25", "old-session").await;
    let client = within(connecting).await.unwrap().unwrap();
    // The old session's standalone stream, with an event id a resumption would send.
    let old_get = server.next().await;
    assert_eq!(old_get.method, hyper::Method::GET);
    let old_stream = old_get.sse(&[]);
    old_stream
        .send(event(
            Some("old-ev-1"),
            &json!({"jsonrpc": "2.0", "method": "notifications/tools/list_changed"}),
        ))
        .unwrap();

    let call = spawn_call(&client, "t", json!({"x": 1}));
    let post = server.expect("tools/call").await;
    assert_eq!(post.header("mcp-session-id"), Some("old-session"));
    let first_call = post.body["params"].clone();
    post.status(404, "session not found");

    // basic/transports §Session Management 4: a new initialize without the session id,
    // offering what the first one offered.
    let init = new_session(&mut server, "2025-06-18", "new-session").await;
    assert_eq!(init["params"], first_init["params"]);
    // The old session's stream is closed once the new session exists.
    within(old_stream.closed()).await;
    let initialized = server.expect("notifications/initialized").await;
    assert_eq!(initialized.header("mcp-session-id"), Some("new-session"));
    initialized.status(202, "");
    // The new session's own stream: no Last-Event-ID of the old one.
    let new_get = server.next().await;
    assert_eq!(new_get.method, hyper::Method::GET);
    assert_eq!(new_get.header("mcp-session-id"), Some("new-session"));
    assert_eq!(new_get.header("last-event-id"), None);
    let _new_stream = new_get.sse(&[]);

    let again = server.expect("tools/call").await;
    assert_eq!(again.header("mcp-session-id"), Some("new-session"));
    assert_eq!(again.header("mcp-protocol-version"), Some("2025-06-18"));
    assert_eq!(again.body["params"], first_call);
    again.result(text_result("in the new session"), &[]);
    let result = within(call).await.unwrap().unwrap();
    assert!(!result.is_error());
    // The client now knows the new session's version and capabilities.
    assert_eq!(client.protocol_version().as_str(), "2025-06-18");
    assert!(client.server_capabilities().prompts.is_some());
    assert_eq!(client.server_info().version, "2");

    // Later calls go in the new session, without another handshake.
    let call = spawn_call(&client, "t", json!({}));
    let later = server.expect("tools/call").await;
    assert_eq!(later.header("mcp-session-id"), Some("new-session"));
    later.result(text_result("still new"), &[]);
    assert!(!within(call).await.unwrap().unwrap().is_error());
}

#[tokio::test]
async fn calls_that_hit_the_same_expired_session_share_one_new_session() {
    let (mut server, client) = in_session("s-1", builder()).await;

    let a = spawn_call(&client, "a", json!({}));
    let b = spawn_call(&client, "b", json!({}));
    for _ in 0..2 {
        let post = server.expect("tools/call").await;
        assert_eq!(post.header("mcp-session-id"), Some("s-1"));
        post.status(404, "");
    }
    new_session(&mut server, "2025-11-25", "s-2").await;
    server
        .expect("notifications/initialized")
        .await
        .status(202, "");
    let mut names = Vec::new();
    for _ in 0..2 {
        let post = server.expect("tools/call").await;
        assert_eq!(post.header("mcp-session-id"), Some("s-2"));
        let name = post.body["params"]["name"].as_str().unwrap().to_owned();
        post.result(text_result(&name), &[]);
        names.push(name);
    }
    names.sort();
    assert_eq!(names, ["a", "b"]);
    assert!(!within(a).await.unwrap().unwrap().is_error());
    assert!(!within(b).await.unwrap().unwrap().is_error());
    // One handshake for both: nothing else was sent.
    assert!(server.idle_for(Duration::from_millis(200)).await);
}

// requirement: 2.5
#[tokio::test]
async fn no_request_reaches_a_new_session_before_its_initialized_notification() {
    let (mut server, client) = in_session("s-1", builder()).await;
    let mut notifications = client.notifications();
    let a = spawn_call(&client, "a", json!({}));
    server.expect("tools/call").await.status(404, "");
    // The new session's id arrives with the head of an SSE answer whose result is held back;
    // a log message on the stream shows that the client has read the head.
    let init = server.expect("initialize").await;
    let id = init.body["id"].clone();
    let init_stream = init.sse(&[("mcp-session-id", "s-2")]);
    init_stream
        .send(event(
            None,
            &json!({"jsonrpc": "2.0", "method": "notifications/message",
                "params": {"level": "info", "data": "starting"}}),
        ))
        .unwrap();
    let log = within(notifications.next()).await;
    assert!(
        matches!(log, Some(mcp_client::ServerNotification::Log(_))),
        "{log:?}"
    );
    let b = spawn_call(&client, "b", json!({}));
    // basic/lifecycle §Initialization: `b` must not reach s-2 before `initialized`.
    assert!(server.idle_for(Duration::from_millis(300)).await);
    init_stream
        .send(event(
            None,
            &json!({"jsonrpc": "2.0", "id": id, "result": {"protocolVersion": "2025-11-25",
                "capabilities": {"tools": {}}, "serverInfo": {"name": "s", "version": "2"}}}),
        ))
        .unwrap();
    let initialized = server.expect("notifications/initialized").await;
    assert_eq!(initialized.header("mcp-session-id"), Some("s-2"));
    initialized.status(202, "");
    for _ in 0..2 {
        let post = server.expect("tools/call").await;
        assert_eq!(post.header("mcp-session-id"), Some("s-2"));
        post.result(text_result("ok"), &[]);
    }
    assert!(!within(a).await.unwrap().unwrap().is_error());
    assert!(!within(b).await.unwrap().unwrap().is_error());
}

#[tokio::test]
async fn a_server_that_ends_every_new_session_fails_the_call_after_one_renewal() {
    let (mut server, client) = in_session("doomed-1", builder()).await;

    let call = spawn_call(&client, "t", json!({}));
    server.expect("tools/call").await.status(404, "");
    new_session(&mut server, "2025-11-25", "doomed-2").await;
    server
        .expect("notifications/initialized")
        .await
        .status(202, "");
    let again = server.expect("tools/call").await;
    assert_eq!(again.header("mcp-session-id"), Some("doomed-2"));
    again.status(404, "");
    // The second 404 is the call's answer: no third session, no loop.
    let err = within(call).await.unwrap().unwrap_err();
    assert!(
        matches!(&err, Error::SessionExpired { session, .. } if session == "doomed-2"),
        "{err:?}"
    );
    assert!(server.idle_for(Duration::from_millis(300)).await);
}

#[tokio::test]
async fn a_failed_renewal_fails_the_call_with_the_handshakes_error() {
    let (mut server, client) = in_session("gone", builder()).await;

    let call = spawn_call(&client, "t", json!({}));
    server.expect("tools/call").await.status(404, "");
    let init = server.expect("initialize").await;
    assert_eq!(init.header("mcp-session-id"), None);
    init.status(503, "maintenance");
    let err = within(call).await.unwrap().unwrap_err();
    assert!(
        matches!(&err, Error::HttpStatus { method, status: 503, body, .. }
            if method == "initialize" && body == "maintenance"),
        "{err:?}"
    );
    assert!(server.idle_for(Duration::from_millis(200)).await);
}

// requirement: 3.13
#[tokio::test]
async fn a_broken_stream_is_resumed_with_last_event_id_after_the_retry_delay() {
    let mut server = HttpServer::start().await;
    server.show_gets();
    let connecting = connect(&server.url, builder());
    server.expect("server/discover").await.status(404, "");
    let init = server.expect("initialize").await;
    init.result(
        json!({"protocolVersion": "2025-11-25", "capabilities": {"tools": {}},
        "serverInfo": {"name": "s", "version": "1"}}),
        &[("mcp-session-id", "s-9")],
    );
    server
        .expect("notifications/initialized")
        .await
        .status(202, "");
    let client = within(connecting).await.unwrap().unwrap();
    // The standalone GET stream: kept open, silent.
    let standalone = server.next().await;
    assert_eq!(standalone.method, hyper::Method::GET);
    assert_eq!(standalone.header("last-event-id"), None);
    let _standalone = standalone.sse(&[]);

    let call = spawn_call(&client, "slow", json!({}));
    let post = server.expect("tools/call").await;
    let id = post.body["id"].clone();
    let sse = post.sse(&[]);
    sse.send("id: ev-1\nretry: 300\ndata: \n\n".into()).unwrap();
    let closed = Instant::now();
    drop(sse); // the stream ends before the response

    let resume = server.next().await;
    // A lower bound only: the client waited at least the server's `retry` (the official
    // suite's sse-retry scenario checks the upper bound).
    assert!(closed.elapsed() >= Duration::from_millis(300));
    assert_eq!(resume.method, hyper::Method::GET);
    assert_eq!(resume.header("last-event-id"), Some("ev-1"));
    assert_eq!(resume.header("mcp-session-id"), Some("s-9"));
    assert_eq!(resume.header("x-tenant"), Some("acme"));
    let sse = resume.sse(&[]);
    sse.send(event(
        Some("ev-2"),
        &json!({"jsonrpc": "2.0", "id": id, "result": text_result("late")}),
    ))
    .unwrap();
    assert!(!within(call).await.unwrap().unwrap().is_error());
}

// requirement: 3.26
#[tokio::test]
async fn the_stateless_era_sends_metadata_headers_and_reissues_a_broken_stream() {
    let mut server = HttpServer::start().await;
    let connecting = connect(&server.url, builder());
    let discover = server.expect("server/discover").await;
    assert_eq!(discover.header("mcp-protocol-version"), Some("2026-07-28"));
    assert_eq!(discover.header("mcp-method"), Some("server/discover"));
    discover.result(
        json!({"supportedVersions": ["2026-07-28"], "capabilities": {"tools": {}}}),
        &[],
    );
    let client = within(connecting).await.unwrap().unwrap();
    assert_eq!(client.protocol_version().as_str(), "2026-07-28");

    // tools/list: one tool with a valid x-mcp-header, one with an invalid one.
    let list = tokio::spawn({
        let c = client.clone();
        async move { c.list_all_tools().await }
    });
    let post = server.expect("tools/list").await;
    assert_eq!(post.header("mcp-session-id"), None);
    post.result(
        json!({"tools": [
        {"name": "héllo tool", "inputSchema": {"type": "object", "properties": {
            "region": {"type": "string", "x-mcp-header": "Region"}}}},
        {"name": "bad", "inputSchema": {"type": "object", "properties": {
            "n": {"type": "number", "x-mcp-header": "N"}}}}]}),
        &[],
    );
    let tools = within(list).await.unwrap().unwrap();
    assert_eq!(
        tools.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
        ["héllo tool"]
    );

    let call = spawn_call(&client, "héllo tool", json!({"region": "eu-1"}));
    let first = server.expect("tools/call").await;
    assert_eq!(first.header("mcp-method"), Some("tools/call"));
    assert_eq!(
        first.header("mcp-name"),
        Some("=?base64?aMOpbGxvIHRvb2w=?=")
    );
    assert_eq!(first.header("mcp-param-region"), Some("eu-1"));
    let sent = first.body.clone();
    drop(first.sse(&[])); // broken before the response: 2026-07-28 has no resumption
    let second = server.expect("tools/call").await;
    assert_eq!(second.body, sent, "the same request is sent again");
    second.result(text_result("done"), &[]);
    assert!(!within(call).await.unwrap().unwrap().is_error());
}

#[tokio::test]
async fn a_2024_11_05_server_is_reached_through_the_legacy_sse_transport() {
    let mut server = HttpServer::start().await;
    server.show_gets();
    let connecting = connect(&server.url, builder());
    server
        .expect("server/discover")
        .await
        .status(405, "Method Not Allowed");
    server
        .expect("initialize")
        .await
        .status(405, "Method Not Allowed");
    let get = server.next().await;
    assert_eq!(get.method, hyper::Method::GET);
    assert_eq!(get.header("accept"), Some("text/event-stream"));
    let stream = get.sse(&[]);
    stream
        .send("event: endpoint\ndata: /messages?sessionId=abc\n\n".into())
        .unwrap();

    // Every message now goes to the endpoint; answers come on the stream.
    let init = server.next().await;
    assert_eq!(init.path, "/messages?sessionId=abc");
    assert_eq!(init.rpc_method(), Some("initialize"));
    assert_eq!(init.header("x-tenant"), Some("acme"));
    let id = init.body["id"].clone();
    init.status(202, "Accepted");
    stream
        .send(event(
            None,
            &json!({"jsonrpc": "2.0", "id": id, "result": {
        "protocolVersion": "2024-11-05", "capabilities": {"tools": {}},
        "serverInfo": {"name": "legacy", "version": "0"}}}),
        ))
        .unwrap();
    let initialized = server.next().await;
    assert_eq!(initialized.rpc_method(), Some("notifications/initialized"));
    assert_eq!(initialized.path, "/messages?sessionId=abc");
    initialized.status(202, "");
    let client = within(connecting).await.unwrap().unwrap();
    assert_eq!(client.protocol_version().as_str(), "2024-11-05");

    let call = spawn_call(&client, "t", json!({}));
    let post = server.next().await;
    assert_eq!(post.rpc_method(), Some("tools/call"));
    let id = post.body["id"].clone();
    post.status(202, "");
    stream
        .send(event(
            None,
            &json!({"jsonrpc": "2.0", "id": id, "result": text_result("old")}),
        ))
        .unwrap();
    assert!(!within(call).await.unwrap().unwrap().is_error());

    // The stream's end is the connection's end: pending and later calls fail, not hang.
    drop(stream);
    let err = within(client.call_tool("t", json!({}))).await.unwrap_err();
    assert!(err.is_closed(), "{err}");
}

#[tokio::test]
async fn a_server_request_on_the_stream_is_answered_by_a_post_without_mcp_method() {
    let mut server = HttpServer::start().await;
    let b = builder().on_elicitation(|_params: ElicitParams| async move {
        let mut content = mcp_protocol::types::JsonObject::new();
        content.insert("name".into(), json!("Ada"));
        Ok(ElicitResult::accept(Some(content)))
    });
    let connecting = connect(&server.url, b);
    server.handshake("2025-11-25", "sess-e").await;
    let client = within(connecting).await.unwrap().unwrap();

    let call = spawn_call(&client, "ask", json!({}));
    let post = server.expect("tools/call").await;
    let id = post.body["id"].clone();
    let sse = post.sse(&[]);
    sse.send(event(
        Some("1"),
        &json!({"jsonrpc": "2.0", "id": "srv-1", "method": "elicitation/create",
        "params": {"message": "Who?", "requestedSchema": {"type": "object",
            "properties": {"name": {"type": "string"}}}}}),
    ))
    .unwrap();
    let answer = server.next().await;
    assert_eq!(answer.body["id"], "srv-1");
    assert_eq!(answer.body["result"]["action"], "accept");
    assert_eq!(answer.body["result"]["content"]["name"], "Ada");
    assert_eq!(answer.header("mcp-session-id"), Some("sess-e"));
    assert_eq!(answer.header("mcp-protocol-version"), Some("2025-11-25"));
    // A response has no `method` to mirror (2026-07-28 §Standard Request Headers): no
    // `Mcp-Method` header at all, not an empty one.
    assert!(answer.headers.get("mcp-method").is_none(), "{answer:?}");
    answer.status(202, "");
    sse.send(event(
        Some("2"),
        &json!({"jsonrpc": "2.0", "id": id, "result": text_result("thanks")}),
    ))
    .unwrap();
    assert!(!within(call).await.unwrap().unwrap().is_error());
}

#[tokio::test]
async fn http_errors_and_oversized_bodies_fail_the_call_and_the_client_carries_on() {
    let mut server = HttpServer::start().await;
    let transport = HttpTransport::builder(&server.url)
        .max_body(1024)
        .build()
        .unwrap();
    let connecting = tokio::spawn(builder().connect(transport));
    server.handshake("2025-11-25", "s").await;
    let client = within(connecting).await.unwrap().unwrap();

    let call = spawn_call(&client, "big", json!({}));
    server.expect("tools/call").await.result(
        json!({"content": [{"type": "text", "text": "x".repeat(4096)}]}),
        &[],
    );
    let err = within(call).await.unwrap().unwrap_err();
    assert!(matches!(err, Error::Protocol { .. }), "{err:?}");
    assert_eq!(err.code(), None);
    let cause = std::error::Error::source(&err).unwrap().to_string();
    assert!(cause.contains("limit of 1024 bytes"), "{cause}");

    let call = spawn_call(&client, "t", json!({}));
    server.expect("tools/call").await.status(500, "boom");
    let err = within(call).await.unwrap().unwrap_err();
    assert_eq!(err.http_status(), Some(500));
    assert!(
        matches!(&err, Error::HttpStatus { body, .. } if body == "boom"),
        "{err:?}"
    );

    // A JSON-RPC error the server sent with the request's id reaches the call as sent.
    let call = spawn_call(&client, "t", json!({}));
    let post = server.expect("tools/call").await;
    let id = post.body["id"].clone();
    post.json(
        400,
        json!({"jsonrpc": "2.0", "id": id, "error": {"code": -32602, "message": "bad args"}}),
        &[],
    );
    let err = within(call).await.unwrap().unwrap_err();
    assert_eq!(err.code(), Some(mcp_protocol::ErrorCode::INVALID_PARAMS));

    // And the connection still works.
    let call = spawn_call(&client, "t", json!({}));
    server
        .expect("tools/call")
        .await
        .result(text_result("fine"), &[]);
    assert!(!within(call).await.unwrap().unwrap().is_error());
}

#[tokio::test]
async fn a_url_that_is_not_http_fails_connect_with_a_clear_error() {
    // (An unreachable server: `errors::a_refused_connection_is_a_transport_error_…`.)
    let bad = builder()
        .connect_http("ftp://example/mcp")
        .await
        .unwrap_err();
    assert!(matches!(bad, Error::InvalidUrl { .. }), "{bad}");
}

#[tokio::test]
async fn requests_wait_until_the_initialized_notification_was_accepted() {
    let mut server = HttpServer::start().await;
    let connecting = connect(&server.url, builder());
    server.expect("server/discover").await.status(400, "");
    server.expect("initialize").await.result(
        json!({"protocolVersion": "2025-11-25", "capabilities": {"tools": {}},
            "serverInfo": {"name": "s", "version": "1"}}),
        &[("mcp-session-id", "gate")],
    );
    let initialized = server.expect("notifications/initialized").await;
    let client = within(connecting).await.unwrap().unwrap();
    let call = spawn_call(&client, "t", json!({}));
    // Held: nothing else may reach the server before the notification is accepted.
    assert!(server.idle_for(Duration::from_millis(200)).await);
    initialized.status(202, "");
    server
        .expect("tools/call")
        .await
        .result(text_result("after"), &[]);
    assert!(!within(call).await.unwrap().unwrap().is_error());
}

#[tokio::test]
async fn requests_wait_until_the_standalone_stream_has_its_answer() {
    // The official suite's sse-retry scenario counts GETs: a standalone GET that raced the
    // first requests would be taken for a resumption. The stream is listening first.
    let mut server = HttpServer::start().await;
    server.show_gets();
    let connecting = connect(&server.url, builder());
    server.handshake("2025-11-25", "s-get").await;
    let client = within(connecting).await.unwrap().unwrap();
    let call = spawn_call(&client, "t", json!({}));
    let standalone = server.next().await;
    assert_eq!(standalone.method, hyper::Method::GET);
    // Held: the call waits for the GET's answer, not for the stream's end.
    assert!(server.idle_for(Duration::from_millis(200)).await);
    let _standalone = standalone.sse(&[]);
    server
        .expect("tools/call")
        .await
        .result(text_result("after"), &[]);
    assert!(!within(call).await.unwrap().unwrap().is_error());
}

// requirement: 3.34, 7.3
#[tokio::test]
async fn cancelling_a_stateless_call_closes_its_stream_instead_of_posting_cancelled() {
    let mut server = HttpServer::start().await;
    let connecting = connect(&server.url, builder());
    server.expect("server/discover").await.result(
        json!({"supportedVersions": ["2026-07-28"], "capabilities": {"tools": {}}}),
        &[],
    );
    let client = within(connecting).await.unwrap().unwrap();
    let call = spawn_call(&client, "slow", json!({}));
    let sse = server.expect("tools/call").await.sse(&[]);
    sse.send(": working\n\n".into()).unwrap();
    call.abort(); // dropping the call's future cancels it
    // 2026-07-28 §Cancellation: the client closes the response stream...
    within(sse.closed()).await;
    // ...and sends no notifications/cancelled.
    assert!(server.idle_for(Duration::from_millis(300)).await);
}

/// An injected HTTP client: stamps every request, then sends it with the default client.
struct Stamping(mcp_client::http::HyperClient);

impl mcp_client::http::HttpClient for Stamping {
    fn execute(
        &self,
        mut request: http::Request<bytes::Bytes>,
    ) -> futures::future::BoxFuture<
        'static,
        Result<mcp_client::http::HttpResponse, mcp_client::http::HttpError>,
    > {
        request
            .headers_mut()
            .insert("x-injected", http::HeaderValue::from_static("yes"));
        self.0.execute(request)
    }
}

#[tokio::test]
async fn an_injected_http_client_carries_every_request() {
    let mut server = HttpServer::start().await;
    let transport = HttpTransport::builder(&server.url)
        .http_client(Stamping(mcp_client::http::HyperClient::new()))
        .build()
        .unwrap();
    let connecting = tokio::spawn(builder().connect(transport));
    let discover = server.expect("server/discover").await;
    assert_eq!(discover.header("x-injected"), Some("yes"));
    discover.result(
        json!({"supportedVersions": ["2026-07-28"], "capabilities": {"tools": {}}}),
        &[],
    );
    let client = within(connecting).await.unwrap().unwrap();
    let call = spawn_call(&client, "t", json!({}));
    let post = server.expect("tools/call").await;
    assert_eq!(post.header("x-injected"), Some("yes"));
    post.result(text_result("ok"), &[]);
    assert!(!within(call).await.unwrap().unwrap().is_error());
}

#[tokio::test]
async fn a_legacy_endpoint_on_another_origin_is_refused() {
    let mut server = HttpServer::start().await;
    server.show_gets();
    let connecting = connect(&server.url, builder());
    server.expect("server/discover").await.status(404, "");
    server.expect("initialize").await.status(404, "");
    let stream = server.next().await.sse(&[]);
    stream
        .send("event: endpoint\ndata: http://evil.example/messages\n\n".into())
        .unwrap();
    // The client does not follow it: connecting fails with the refusal it had.
    let err = within(connecting).await.unwrap().unwrap_err();
    assert!(
        matches!(err, Error::HttpStatus { status: 404, .. }),
        "{err:?}"
    );
}

/// A 307 from server A to server B (another origin): B sees its own `Host` and no
/// `Authorization`, with the given HTTP client.
async fn cross_origin_redirect_with(client: impl mcp_client::http::HttpClient) {
    let mut a = HttpServer::start().await;
    let mut b = HttpServer::start().await;
    let transport = HttpTransport::builder(&a.url)
        .header("authorization", "Bearer for-a-only")
        .header("x-tenant", "acme")
        .http_client(client)
        .build()
        .unwrap();
    let connecting = tokio::spawn(builder().connect(transport));
    let first = a.expect("server/discover").await;
    let a_host = a.url.trim_start_matches("http://").trim_end_matches("/mcp");
    assert_eq!(first.header("host"), Some(a_host));
    assert_eq!(first.header("authorization"), Some("Bearer for-a-only"));
    first.json(307, json!({}), &[("location", &b.url)]);
    let moved = b.expect("server/discover").await;
    let b_host = b.url.trim_start_matches("http://").trim_end_matches("/mcp");
    assert_ne!(a_host, b_host);
    assert_eq!(moved.header("host"), Some(b_host));
    assert_eq!(moved.header("authorization"), None);
    assert_eq!(moved.header("x-tenant"), Some("acme"));
    moved.result(
        json!({"supportedVersions": ["2026-07-28"], "capabilities": {}}),
        &[],
    );
    within(connecting).await.unwrap().unwrap();
}

#[tokio::test]
async fn a_redirect_to_another_origin_gets_its_host_and_no_credentials() {
    cross_origin_redirect_with(mcp_client::http::HyperClient::new()).await;
}

// `ReqwestClient` exists with the `reqwest` feature only (`cargo test --workspace` builds
// without it).
#[cfg(feature = "reqwest")]
#[tokio::test]
async fn a_redirect_to_another_origin_gets_its_host_and_no_credentials_with_reqwest() {
    cross_origin_redirect_with(mcp_client::http::ReqwestClient::new()).await;
}
