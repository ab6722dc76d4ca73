//! Server and client feature rules of the audit (§5, §6 and the cancellation rows): each
//! test names its audit row in a `// requirement:` comment.

use mcp_client::Client;
use mcp_protocol::ProtocolVersion as V;
use mcp_protocol::methods::*;
use mcp_protocol::rt::memory::{self, Mode};
use mcp_protocol::rt::{Incoming, RequestOptions};
use mcp_protocol::types::*;
use mcp_server::{NoArgs, RegistryError, RequestContext, Server, TemplateDef, ToolDef};
use serde_json::{Value, json};

use crate::support::*;

fn caps(v: Value) -> ClientCapabilities {
    serde_json::from_value(v).unwrap()
}

/// A sampling request that offers the model a tool.
fn tool_sampling() -> CreateMessageParams {
    let mut p = CreateMessageParams::new(vec![SamplingMessage::user_text("weather?")], 50);
    p.tools = Some(vec![Tool::new(
        "get_weather",
        args(json!({"type": "object"})),
    )]);
    p
}

/// A server whose `tool_sample` tool asks for tool-enabled sampling and reports the outcome,
/// and whose `failing_sample` propagates a refusal with `?`.
fn sampling_server(builder: mcp_server::ServerBuilder) -> Server {
    let server = builder.build();
    server
        .add_tool(ToolDef::new(
            "tool_sample",
            |_: NoArgs, ctx: RequestContext| async move {
                match ctx.create_message(tool_sampling()).await {
                    Ok(r) => format!("model={}", r.model),
                    Err(e) => format!("refused: {e}"),
                }
            },
        ))
        .unwrap();
    server
        .add_tool(ToolDef::new(
            "failing_sample",
            |_: NoArgs, ctx: RequestContext| async move {
                let r = ctx.create_message(tool_sampling()).await?;
                Ok::<_, mcp_server::InputError>(r.model)
            },
        ))
        .unwrap();
    server
        .add_tool(ToolDef::new(
            "log",
            |_: NoArgs, ctx: RequestContext| async move {
                format!("sent={}", ctx.log(LoggingLevel::Info, "hello"))
            },
        ))
        .unwrap();
    server
}

// requirement: 6.8
#[tokio::test]
async fn tool_enabled_sampling_goes_only_to_clients_that_declared_sampling_tools() {
    let server = sampling_server(Server::builder("t", "1"));
    let call = CallToolParams::new("tool_sample");

    // `sampling` without `tools`: the server does not ask, the handler is told why.
    let h = Harness::connect(&server, Mode::Direct);
    h.initialize(V::V2025_11_25, caps(json!({"sampling": {}})))
        .await;
    let r = h.call::<CallTool>(&call).await.unwrap();
    assert!(text(&r).starts_with("refused:"), "{}", text(&r));
    assert!(text(&r).contains("sampling.tools"), "{}", text(&r));

    // With `sampling.tools` the request reaches the client.
    let mut h = Harness::connect(&server, Mode::Direct);
    h.initialize(V::V2025_11_25, caps(json!({"sampling": {"tools": {}}})))
        .await;
    let pending = h.client.request::<CallTool>(&call, RequestOptions::new());
    let asked = h.server_request().await;
    assert_eq!(asked.method(), "sampling/createMessage");
    let params: Value = serde_json::from_str(asked.params().unwrap().get()).unwrap();
    assert_eq!(params["tools"][0]["name"], "get_weather");
    asked.respond::<CreateMessage>(&CreateMessageResult::new(
        "m1",
        SamplingMessageContentBlock::text("sunny"),
    ));
    let r = tokio::time::timeout(WAIT, pending).await.unwrap().unwrap();
    assert_eq!(text(&r), "model=m1");
}

// requirement: 6.8
#[tokio::test]
async fn include_context_needs_sampling_context() {
    let server = Server::builder("t", "1").build();
    server
        .add_tool(ToolDef::new(
            "ctx_sample",
            |_: NoArgs, ctx: RequestContext| async move {
                let mut p = CreateMessageParams::new(vec![SamplingMessage::user_text("hi")], 5);
                p.include_context = Some(IncludeContext::ThisServer);
                match ctx.create_message(p).await {
                    Ok(r) => format!("model={}", r.model),
                    Err(e) => format!("refused: {e}"),
                }
            },
        ))
        .unwrap();
    let h = Harness::connect(&server, Mode::Direct);
    h.initialize(V::V2025_11_25, caps(json!({"sampling": {}})))
        .await;
    let r = h
        .call::<CallTool>(&CallToolParams::new("ctx_sample"))
        .await
        .unwrap();
    assert!(text(&r).contains("sampling.context"), "{}", text(&r));
}

// requirement: 6.8
#[tokio::test]
async fn our_client_declares_sampling_tools_when_its_handler_takes_tools() {
    let server = sampling_server(Server::builder("t", "1"));
    let connect = |tools: bool| {
        let (a, b) = memory::pair(Mode::Direct);
        let server = server.clone();
        tokio::spawn(async move { server.serve(b).await });
        Client::builder()
            .on_sampling(|p: CreateMessageParams| async move {
                let tools = p.tools.map_or(0, |t| t.len());
                Ok(CreateMessageResult::new(
                    format!("tools:{tools}"),
                    SamplingMessageContentBlock::text("ok"),
                ))
            })
            .sampling_tools(tools)
            .connect(a)
    };
    let client = tokio::time::timeout(WAIT, connect(true))
        .await
        .unwrap()
        .unwrap();
    let r = client.call_tool("tool_sample", json!({})).await.unwrap();
    assert_eq!(text(&r), "model=tools:1");

    let client = tokio::time::timeout(WAIT, connect(false))
        .await
        .unwrap()
        .unwrap();
    let r = client.call_tool("tool_sample", json!({})).await.unwrap();
    assert!(text(&r).contains("sampling.tools"), "{}", text(&r));
}

// requirement: 1.15
#[cfg(feature = "http")]
#[tokio::test]
async fn a_capability_found_missing_in_a_handler_is_32021_with_400_over_http() {
    use crate::support::http::HttpHarness;
    let server = sampling_server(Server::builder("t", "1"));
    let h = HttpHarness::start_with(server, mcp_server::http::HttpConfig::new()).await;
    let params = params_2026(json!({"name": "failing_sample"}), json!({"sampling": {}}));
    let r = h
        .post_2026(1, "tools/call", Some("failing_sample"), params)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], -32021, "{body}");
    assert_eq!(
        body["error"]["data"]["requiredCapabilities"],
        json!({"sampling": {"tools": {}}}),
        "{body}"
    );
    // A handler that copes without the input is answered normally.
    let params = params_2026(json!({"name": "tool_sample"}), json!({"sampling": {}}));
    let r = h
        .post_2026(2, "tools/call", Some("tool_sample"), params)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

// requirement: 5.18
#[tokio::test]
async fn no_log_messages_when_logging_is_not_declared() {
    let server = sampling_server(Server::builder("t", "1").logging(false));
    let h = Harness::connect(&server, Mode::Direct);
    let init = h
        .initialize(V::V2025_11_25, ClientCapabilities::default())
        .await;
    assert!(init.capabilities.logging.is_none());
    let r = h
        .call::<CallTool>(&CallToolParams::new("log"))
        .await
        .unwrap();
    assert_eq!(text(&r), "sent=false");

    let server = sampling_server(Server::builder("t", "1"));
    let h = Harness::connect(&server, Mode::Direct);
    h.initialize(V::V2025_11_25, ClientCapabilities::default())
        .await;
    let r = h
        .call::<CallTool>(&CallToolParams::new("log"))
        .await
        .unwrap();
    assert_eq!(text(&r), "sent=true");
}

fn named(name: &str) -> ToolDef {
    ToolDef::new(name, |_: NoArgs, _ctx: RequestContext| async { "ok" })
}

// requirement: 5.9
#[test]
fn tool_names_follow_the_naming_rules() {
    let server = Server::builder("t", "1").build();
    for good in [
        "getUser",
        "DATA_EXPORT_v2",
        "admin.tools.list",
        "a-b",
        &"x".repeat(128),
    ] {
        server.add_tool(named(good)).unwrap();
    }
    for bad in [
        "",
        "has space",
        "comma,name",
        "slash/name",
        "é",
        &"x".repeat(129),
    ] {
        assert!(
            matches!(
                server.add_tool(named(bad)),
                Err(RegistryError::InvalidToolName { .. })
            ),
            "{bad:?} was accepted"
        );
    }
}

// requirement: 3.37
#[test]
fn invalid_x_mcp_header_annotations_are_refused_at_registration() {
    let server = Server::builder("t", "1").build();
    let with = |schema: Value| named("h").input_schema(args(schema));
    server
        .add_tool(with(json!({"type": "object", "properties": {
            "region": {"type": "string", "x-mcp-header": "Region"}}})))
        .unwrap();
    let invalid = [
        json!({"type": "object", "properties": {"x": {"type": "string", "x-mcp-header": ""}}}),
        json!({"type": "object", "properties": {"x": {"type": "string", "x-mcp-header": "a b"}}}),
        json!({"type": "object", "properties": {"x": {"type": "number", "x-mcp-header": "X"}}}),
        json!({"type": "object", "properties": {
            "a": {"type": "string", "x-mcp-header": "Dup"},
            "b": {"type": "string", "x-mcp-header": "DUP"}}}),
        json!({"type": "object", "properties": {"l": {"type": "array",
            "items": {"type": "string", "x-mcp-header": "Item"}}}}),
    ];
    for schema in invalid {
        assert!(
            matches!(
                server.add_tool(with(schema.clone())),
                Err(RegistryError::InvalidHeaderAnnotation { .. })
            ),
            "{schema} was accepted"
        );
    }
}

// requirement: 5.14
#[tokio::test]
async fn a_template_read_with_no_contents_is_not_found_in_2026() {
    let server = Server::builder("t", "1").build();
    server
        .add_resource_template(
            TemplateDef::new(
                ResourceTemplate::new("file:///{name}", "files"),
                |_uri: String, _vars: Value, _ctx| async { Ok(Vec::new()) },
            )
            .unwrap(),
        )
        .unwrap();
    let h = Harness::connect(&server, Mode::Serialized);
    let read = |uri: &str| params_2026(json!({"uri": uri}), json!({}));
    let e = h
        .raw("resources/read", read("file:///missing"))
        .await
        .unwrap_err();
    match e {
        mcp_protocol::rt::RequestError::Remote(obj) => assert_eq!(obj.code.0, -32602, "{obj:?}"),
        other => panic!("{other:?}"),
    }
}

// requirement: 6.13
#[tokio::test]
async fn elicitation_answers_are_checked_against_the_requested_schema() {
    let server = Server::builder("t", "1").build();
    server
        .add_tool(ToolDef::new(
            "age",
            |_: NoArgs, ctx: RequestContext| async move {
                let schema: RequestedSchema = serde_json::from_value(json!({
                    "type": "object",
                    "properties": {"age": {"type": "integer", "minimum": 0}},
                    "required": ["age"]
                }))
                .unwrap();
                match ctx.elicit(ElicitFormParams::new("Your age?", schema)).await {
                    Ok(r) => format!("ok {:?}", r.content),
                    Err(e) => format!("refused: {e}"),
                }
            },
        ))
        .unwrap();
    for (answer, expect) in [
        (json!({"age": "old"}), "refused:"),
        (json!({"age": -3}), "refused:"),
        (json!({"age": 41}), "ok"),
    ] {
        let mut h = Harness::connect(&server, Mode::Direct);
        h.initialize(V::V2025_11_25, full_caps()).await;
        let pending = h
            .client
            .request::<CallTool>(&CallToolParams::new("age"), RequestOptions::new());
        let asked = h.server_request().await;
        asked.respond::<Elicit>(&ElicitResult::accept(Some(args(answer.clone()))));
        let r = tokio::time::timeout(WAIT, pending).await.unwrap().unwrap();
        assert!(text(&r).starts_with(expect), "{answer}: {}", text(&r));
    }
}

/// Drains what the connection has already delivered; the number of log messages in it.
fn logs_delivered(incoming: &mut mcp_protocol::rt::IncomingStream) -> usize {
    use futures::FutureExt;
    let mut logs = 0;
    while let Some(Some(message)) = incoming.next().now_or_never() {
        if matches!(&message, Incoming::Notification(n) if n.method == "notifications/message") {
            logs += 1;
        }
    }
    logs
}

// requirement: 3.3
// requirement: 7.3
#[tokio::test]
async fn nothing_is_sent_for_a_request_after_its_cancellation_on_stdio() {
    let (client, mut incoming, _) = crate::stdio::initialized_example().await;
    // `chatty` logs every few milliseconds and does not stop when cancelled.
    let raw = serde_json::value::to_raw_value(&json!({"name": "chatty"})).unwrap();
    let call = client.request_raw("tools/call", Some(raw), RequestOptions::new());
    next_notification(&mut incoming, "notifications/message").await;
    call.cancel(Some("enough".into()));
    // The server reads the cancellation before this ping, so it is processed once the
    // ping is answered; logs already under way are dropped with what was delivered.
    client
        .request::<Ping>(&Default::default(), RequestOptions::new())
        .await
        .unwrap();
    logs_delivered(&mut incoming);
    // Until the handler has tried to log several times after the cancellation.
    let mut tries = 0;
    for _ in 0..500 {
        let r = client
            .request::<CallTool>(
                &CallToolParams::new("chatty_after_cancel"),
                RequestOptions::new(),
            )
            .await
            .unwrap();
        tries = text(&r).parse::<u32>().unwrap();
        if tries >= 5 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    assert!(
        tries >= 5,
        "the handler kept running after the cancellation"
    );
    assert_eq!(
        logs_delivered(&mut incoming),
        0,
        "log messages after the cancellation"
    );
}
