//! Sampling, elicitation and roots answered in the session era; capabilities follow the
//! handlers.

use mcp_protocol::engine::RequestOptions;
use mcp_protocol::methods::{
    CreateMessage, CreateMessageParams, CreateMessageResult, Elicit, ElicitFormParams,
    ElicitResult, ListRoots, RequestedSchema, Root, SamplingMessageContentBlock,
};
use mcp_protocol::types::RequestParams;
use serde_json::{Value, json};

use crate::support::{builder, session, within};

fn full_builder() -> mcp_client::ClientBuilder {
    builder()
        .on_sampling(|p: CreateMessageParams| async move {
            assert_eq!(p.max_tokens, 100);
            Ok(CreateMessageResult::new(
                "test-model",
                SamplingMessageContentBlock::text("Paris"),
            ))
        })
        // The user touched only `age`; the rest must come from the schema's defaults.
        .on_elicitation(|_| async {
            let mut content = serde_json::Map::new();
            content.insert("age".into(), json!(41));
            Ok(ElicitResult::accept(Some(content)))
        })
        .roots(vec![Root::new("file:///project").with_name("project")])
}

/// The SEP-1034 schema of the official suite's `elicitation-sep1034-client-defaults`.
pub fn defaults_schema() -> Value {
    json!({"type": "object", "properties": {
        "name": {"type": "string", "default": "John Doe"},
        "age": {"type": "integer", "default": 30},
        "score": {"type": "number", "default": 95.5},
        "status": {"type": "string", "enum": ["active", "inactive", "pending"], "default": "active"},
        "verified": {"type": "boolean", "default": true}
    }})
}

#[tokio::test]
async fn declared_capabilities_follow_the_handlers() {
    let (_client, _server, init) = session(full_builder(), "2025-11-25", json!({})).await;
    let caps = &init["capabilities"];
    assert_eq!(caps["sampling"], json!({}));
    assert_eq!(caps["elicitation"], json!({"form": {}}));
    assert_eq!(caps["roots"], json!({"listChanged": true}));

    let (_client, _server, init) = session(builder(), "2025-11-25", json!({})).await;
    assert_eq!(init["capabilities"], json!({}));
    // Shaped for the proposed version: elicitation is unknown before 2025-06-18.
    let old = builder()
        .versions(mcp_protocol::SupportedVersions::new([
            mcp_protocol::ProtocolVersion::V2025_03_26,
        ]))
        .on_elicitation(|_| async { Ok(ElicitResult::decline()) });
    let (transport, mut server) = crate::support::Scripted::pair();
    let connecting = tokio::spawn(old.connect(transport));
    let init = server.expect_request("initialize").await;
    assert!(
        crate::support::params(&init)["capabilities"]
            .get("elicitation")
            .is_none()
    );
    drop(init);
    let _ = within(connecting).await;
}

#[tokio::test]
async fn session_requests_are_answered_by_the_handlers() {
    let (client, server, _) = session(full_builder(), "2025-11-25", json!({})).await;

    let sampled = within(server.peer.request::<CreateMessage>(
        &CreateMessageParams::new(vec![], 100),
        RequestOptions::new(),
    ))
    .await
    .unwrap();
    assert_eq!(sampled.model, "test-model");

    let schema: RequestedSchema = serde_json::from_value(defaults_schema()).unwrap();
    let elicited = within(server.peer.request::<Elicit>(
        &ElicitFormParams::new("Your details?", schema).into(),
        RequestOptions::new(),
    ))
    .await
    .unwrap();
    assert_eq!(
        Value::Object(elicited.content.unwrap()),
        json!({"name": "John Doe", "age": 41, "score": 95.5, "status": "active", "verified": true})
    );

    let roots = within(
        server
            .peer
            .request::<ListRoots>(&RequestParams::default(), RequestOptions::new()),
    )
    .await
    .unwrap();
    assert_eq!(roots.roots[0].uri, "file:///project");
    drop(client);
}

// requirement: 6.16
#[tokio::test]
async fn changing_roots_notifies_the_server() {
    let (client, mut server, _) = session(full_builder(), "2025-11-25", json!({})).await;
    client.set_roots(vec![Root::new("file:///other")]).unwrap();
    server
        .expect_notification("notifications/roots/list_changed")
        .await;
    let roots = within(
        server
            .peer
            .request::<ListRoots>(&RequestParams::default(), RequestOptions::new()),
    )
    .await
    .unwrap();
    assert_eq!(roots.roots[0].uri, "file:///other");
}

#[tokio::test]
async fn requests_without_a_handler_get_method_not_found() {
    let (_client, server, _) = session(builder(), "2025-11-25", json!({})).await;
    let err = within(
        server
            .peer
            .request::<CreateMessage>(&CreateMessageParams::new(vec![], 10), RequestOptions::new()),
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("-32601"), "{err}");
}

// requirement: 6.15
#[tokio::test]
async fn roots_that_are_not_file_uris_are_left_out() {
    let (client, server, _) = session(full_builder(), "2025-11-25", json!({})).await;
    client
        .set_roots(vec![
            Root::new("https://example.com/repo"),
            Root::new("file:///kept"),
        ])
        .unwrap();
    let roots = within(
        server
            .peer
            .request::<ListRoots>(&RequestParams::default(), RequestOptions::new()),
    )
    .await
    .unwrap();
    let uris: Vec<_> = roots.roots.iter().map(|r| r.uri.as_str()).collect();
    assert_eq!(uris, ["file:///kept"]);
}

// requirement: 6.8
#[tokio::test]
async fn tool_sampling_is_declared_on_request_and_refused_otherwise() {
    let (_client, _server, init) =
        session(full_builder().sampling_tools(true), "2025-11-25", json!({})).await;
    assert_eq!(init["capabilities"]["sampling"], json!({"tools": {}}));

    let (_client, server, _) = session(full_builder(), "2025-11-25", json!({})).await;
    let mut params = CreateMessageParams::new(
        vec![mcp_protocol::methods::SamplingMessage::user_text("hi")],
        100,
    );
    params.tools = Some(vec![mcp_protocol::methods::Tool::new(
        "t",
        serde_json::Map::new(),
    )]);
    let refused = within(
        server
            .peer
            .request::<CreateMessage>(&params, RequestOptions::new()),
    )
    .await
    .unwrap_err();
    let mcp_protocol::rt::RequestError::Remote(error) = refused else {
        panic!("expected a JSON-RPC error, got {refused:?}")
    };
    assert_eq!(error.code.0, -32602, "{error:?}");
}
