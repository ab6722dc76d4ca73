//! Against a real child process over stdio (the scripted server binary).

use mcp_protocol::ProtocolVersion;
use serde_json::{Value, json};

use crate::support::{SERVER_BIN, builder, within};

// requirement: 2.12
#[tokio::test]
async fn a_legacy_child_is_reached_through_initialize() {
    let client = within(builder().spawn(SERVER_BIN, ["legacy"]))
        .await
        .unwrap();
    assert_eq!(client.protocol_version(), ProtocolVersion::V2025_06_18);
    within(client.ping()).await.unwrap();
    let r = within(client.call_tool("echo", json!({"text": "hi"})))
        .await
        .unwrap();
    assert_eq!(serde_json::to_value(&r.content).unwrap()[0]["text"], "hi");
}

// requirement: 2.12
#[tokio::test]
async fn a_modern_child_is_reached_through_discover() {
    let client = within(builder().spawn(SERVER_BIN, ["modern"]))
        .await
        .unwrap();
    assert_eq!(client.protocol_version(), ProtocolVersion::V2026_07_28);
    #[derive(serde::Deserialize)]
    struct Echoed {
        version: Value,
    }
    let echoed: Echoed = within(client.call_tool_structured("echo", json!({"text": "hi"})))
        .await
        .unwrap();
    assert_eq!(echoed.version, "2026-07-28");
}

#[tokio::test]
async fn a_child_that_exits_mid_call_fails_the_call_with_closed() {
    let client = within(builder().spawn(SERVER_BIN, ["legacy"]))
        .await
        .unwrap();
    let err = within(client.call_tool("exit", ())).await.unwrap_err();
    assert!(err.is_closed(), "{err}");
}

#[tokio::test]
async fn a_missing_program_is_a_spawn_error() {
    let err = builder()
        .spawn("/nonexistent/mcp-server", Vec::<String>::new())
        .await
        .unwrap_err();
    assert!(matches!(err, mcp_client::Error::Spawn(_)), "{err}");
}

#[tokio::test]
async fn an_answer_over_the_message_size_limit_is_dropped_and_the_connection_carries_on() {
    let client = within(
        builder()
            .max_message_size(4096)
            .request_timeout(std::time::Duration::from_millis(500))
            .spawn(SERVER_BIN, ["legacy"]),
    )
    .await
    .unwrap();
    // Its answer is a line of more than 4 KiB: discarded unread, so the call can only time
    // out (the id is in the line nobody parsed).
    let big = "x".repeat(8 * 1024);
    let err = within(client.call_tool("echo", json!({ "text": big })))
        .await
        .unwrap_err();
    assert!(matches!(err, mcp_client::Error::Timeout { .. }), "{err}");
    let r = within(client.call_tool("echo", json!({"text": "small"})))
        .await
        .unwrap();
    assert_eq!(
        serde_json::to_value(&r.content).unwrap()[0]["text"],
        "small"
    );
}
