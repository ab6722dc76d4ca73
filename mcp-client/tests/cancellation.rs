//! Timeouts, cancellation by drop, and a server that goes away mid-call.

use std::time::Duration;

use mcp_client::{CallOptions, Error};
use mcp_protocol::methods::CallToolParams;
use serde_json::json;

use crate::support::{builder, session, within};

// requirement: 2.10
#[tokio::test]
async fn a_timeout_fails_the_call_and_cancels_it_on_the_server() {
    let quick = builder().request_timeout(Duration::from_millis(150));
    let (client, mut server, _) = session(quick, "2025-11-25", json!({"tools": {}})).await;
    let call = tokio::spawn(async move { client.call_tool("slow", json!({})).await });
    let req = server.expect_request("tools/call").await;
    within(req.cancelled()).await;
    let err = within(call).await.unwrap().unwrap_err();
    assert!(
        matches!(&err, Error::Timeout { method, after } if method == "tools/call" && *after == Duration::from_millis(150)),
        "{err}"
    );
    assert!(err.is_timeout());
}

// requirement: 2.10
#[tokio::test]
async fn a_per_call_timeout_overrides_the_default() {
    let (client, mut server, _) = session(builder(), "2025-11-25", json!({"tools": {}})).await;
    let options = CallOptions::new().timeout(Duration::from_millis(100));
    let call = tokio::spawn(async move {
        client
            .call_tool_with(CallToolParams::new("slow"), options)
            .await
    });
    let req = server.expect_request("tools/call").await;
    within(req.cancelled()).await;
    assert!(within(call).await.unwrap().unwrap_err().is_timeout());
}

#[tokio::test]
async fn dropping_the_call_cancels_it_on_the_server() {
    let (client, mut server, _) = session(builder(), "2025-11-25", json!({"tools": {}})).await;
    let call = tokio::spawn(async move { client.call_tool("slow", json!({})).await });
    let req = server.expect_request("tools/call").await;
    call.abort();
    within(req.cancelled()).await;
}

#[tokio::test]
async fn a_server_that_goes_away_fails_pending_calls_with_closed() {
    let (client, mut server, _) = session(builder(), "2025-11-25", json!({"tools": {}})).await;
    let call = tokio::spawn({
        let client = client.clone();
        async move { client.call_tool("slow", json!({})).await }
    });
    let req = server.expect_request("tools/call").await;
    drop(req);
    // The dropped request was answered -32603 by the engine; now the server hangs up.
    let err = within(call).await.unwrap().unwrap_err();
    assert_eq!(err.code().map(|c| c.0), Some(-32603));
    let call = tokio::spawn({
        let client = client.clone();
        async move { client.call_tool("slow", json!({})).await }
    });
    let _req = server.expect_request("tools/call").await;
    server.peer.close();
    let err = within(call).await.unwrap().unwrap_err();
    assert!(err.is_closed(), "{err}");
    // Later calls fail at once, never hang.
    assert!(
        within(client.call_tool("x", ()))
            .await
            .unwrap_err()
            .is_closed()
    );
    assert!(client.is_closed());
}
