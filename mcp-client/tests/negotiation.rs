//! Era detection and version negotiation.

use std::time::Duration;

use mcp_client::Error;
use mcp_protocol::{ProtocolVersion, SupportedVersions};
use serde_json::json;

use crate::support::{Scripted, builder, params, reply, reply_error, session, within};

#[tokio::test]
async fn every_session_version_is_negotiated_after_the_probe_fails() {
    for v in ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"] {
        let (client, _server, init) = session(builder(), v, json!({"tools": {}})).await;
        assert_eq!(client.protocol_version().as_str(), v);
        // The client proposes its newest session version and accepts an older answer.
        assert_eq!(init["protocolVersion"], "2025-11-25");
        assert_eq!(init["clientInfo"]["name"], "test-client");
        assert_eq!(client.server_info().name, "scripted");
        assert_eq!(client.instructions().as_deref(), Some("be brief"));
    }
}

// requirement: 2.7
#[tokio::test]
async fn an_unsupported_answer_fails_clearly_and_closes() {
    let (transport, mut server) = Scripted::pair();
    let connecting = tokio::spawn(builder().connect(transport));
    server
        .expect_request("server/discover")
        .await
        .respond_error(mcp_protocol::ErrorObject::method_not_found(
            "server/discover",
        ));
    let init = server.expect_request("initialize").await;
    reply(
        init,
        json!({"protocolVersion": "1999-01-01", "capabilities": {},
               "serverInfo": {"name": "old", "version": "0"}}),
    );
    let err = within(connecting).await.unwrap().unwrap_err();
    assert!(matches!(err, Error::Negotiation(_)), "{err}");
    assert!(err.to_string().contains("negotiation"), "{err}");
    // No `initialized`, and the connection ends.
    assert!(server.next().await.is_none());
}

// requirement: 2.7
#[tokio::test]
async fn a_client_limited_to_old_versions_proposes_its_newest() {
    let old = builder().versions(SupportedVersions::new([ProtocolVersion::V2024_11_05]));
    let (transport, mut server) = Scripted::pair();
    let connecting = tokio::spawn(old.connect(transport));
    // No probe: the client has no stateless version.
    let init = server.expect_request("initialize").await;
    assert_eq!(params(&init)["protocolVersion"], "2024-11-05");
    reply(
        init,
        json!({"protocolVersion": "2024-11-05", "capabilities": {},
               "serverInfo": {"name": "s", "version": "1"}}),
    );
    server
        .expect_notification("notifications/initialized")
        .await;
    let client = within(connecting).await.unwrap().unwrap();
    assert_eq!(client.protocol_version(), ProtocolVersion::V2024_11_05);
}

// requirement: 1.14
#[tokio::test]
async fn stateless_via_discover_stamps_every_request() {
    let (transport, mut server) = Scripted::pair();
    let connecting = tokio::spawn(builder().connect(transport));
    let probe = server.discover(json!({"tools": {}})).await;
    assert_eq!(
        probe["_meta"]["io.modelcontextprotocol/protocolVersion"],
        "2026-07-28"
    );
    let client = within(connecting).await.unwrap().unwrap();
    assert_eq!(client.protocol_version(), ProtocolVersion::V2026_07_28);
    assert_eq!(client.server_info().name, "scripted-modern");

    let call = tokio::spawn({
        let client = client.clone();
        async move { client.list_tools(None).await }
    });
    let req = server.expect_request("tools/list").await;
    let meta = &params(&req)["_meta"];
    assert_eq!(
        meta["io.modelcontextprotocol/protocolVersion"],
        "2026-07-28"
    );
    assert_eq!(
        meta["io.modelcontextprotocol/clientInfo"]["name"],
        "test-client"
    );
    assert!(meta["io.modelcontextprotocol/clientCapabilities"].is_object());
    reply(
        req,
        json!({"tools": [], "ttlMs": 0, "cacheScope": "private", "resultType": "complete"}),
    );
    assert!(within(call).await.unwrap().unwrap().tools.is_empty());
}

// requirement: 2.12
#[tokio::test]
async fn a_silent_probe_times_out_and_falls_back_to_initialize() {
    let (transport, mut server) = Scripted::pair();
    let quick = builder().discover_timeout(Duration::from_millis(100));
    let connecting = tokio::spawn(quick.connect(transport));
    // Hold the probe unanswered (dropping it would answer -32603).
    let probe = server.expect_request("server/discover").await;
    let init = server.expect_request("initialize").await;
    assert!(probe.is_cancelled(), "the timed-out probe was cancelled");
    reply(
        init,
        json!({"protocolVersion": "2025-03-26", "capabilities": {},
               "serverInfo": {"name": "quiet", "version": "1"}}),
    );
    server
        .expect_notification("notifications/initialized")
        .await;
    let client = within(connecting).await.unwrap().unwrap();
    assert_eq!(client.protocol_version(), ProtocolVersion::V2025_03_26);
}

// requirement: 2.14
#[tokio::test]
async fn unsupported_protocol_version_on_the_probe_picks_from_supported() {
    let (transport, mut server) = Scripted::pair();
    let connecting = tokio::spawn(builder().connect(transport));
    let probe = server.expect_request("server/discover").await;
    reply_error(
        probe,
        -32022,
        "Unsupported protocol version",
        Some(json!({"supported": ["2025-11-25"], "requested": "2026-07-28"})),
    );
    // The only common version is a session one: initialize it is.
    let init = server.expect_request("initialize").await;
    reply(
        init,
        json!({"protocolVersion": "2025-11-25", "capabilities": {},
               "serverInfo": {"name": "s", "version": "1"}}),
    );
    server
        .expect_notification("notifications/initialized")
        .await;
    let client = within(connecting).await.unwrap().unwrap();
    assert_eq!(client.protocol_version(), ProtocolVersion::V2025_11_25);
}

#[tokio::test]
async fn no_stateless_version_in_common_falls_back_to_initialize() {
    // A dual-era server that serves only session versions may answer the probe with -32022
    // listing no version at all, or with a discover result of versions we do not share.
    let answers = [
        Err(json!({"supported": [], "requested": "2026-07-28"})),
        Ok(json!({"supportedVersions": ["2099-01-01", "2025-06-18"], "capabilities": {}})),
    ];
    for answer in answers {
        let (transport, mut server) = Scripted::pair();
        let connecting = tokio::spawn(builder().connect(transport));
        let probe = server.expect_request("server/discover").await;
        match answer.clone() {
            Err(data) => reply_error(probe, -32022, "Unsupported protocol version", Some(data)),
            Ok(result) => reply(probe, result),
        }
        let init = server.expect_request("initialize").await;
        reply(
            init,
            json!({"protocolVersion": "2025-06-18", "capabilities": {},
                   "serverInfo": {"name": "s", "version": "1"}}),
        );
        server
            .expect_notification("notifications/initialized")
            .await;
        let client = within(connecting).await.unwrap().unwrap();
        assert_eq!(
            client.protocol_version(),
            ProtocolVersion::V2025_06_18,
            "{answer:?}"
        );
    }
    // A stateless-only client has nothing to fall back to: a negotiation error.
    let modern = builder().versions(SupportedVersions::new([ProtocolVersion::V2026_07_28]));
    let (transport, mut server) = Scripted::pair();
    let connecting = tokio::spawn(modern.connect(transport));
    let probe = server.expect_request("server/discover").await;
    let data = json!({"supported": ["2025-11-25"], "requested": "2026-07-28"});
    reply_error(probe, -32022, "Unsupported protocol version", Some(data));
    let err = within(connecting).await.unwrap().unwrap_err();
    assert!(matches!(err, Error::Negotiation(_)), "{err:?}");
}

// requirement: 2.14
#[tokio::test]
async fn unsupported_protocol_version_on_a_call_is_retried_once() {
    let (client, mut server) = crate::support::stateless(builder(), json!({"tools": {}})).await;
    let call = tokio::spawn({
        let client = client.clone();
        async move { client.list_tools(None).await }
    });
    let data = json!({"supported": ["2026-07-28"], "requested": "2026-07-28"});
    let first = server.expect_request("tools/list").await;
    reply_error(
        first,
        -32022,
        "Unsupported protocol version",
        Some(data.clone()),
    );
    let second = server.expect_request("tools/list").await;
    assert_eq!(
        params(&second)["_meta"]["io.modelcontextprotocol/protocolVersion"],
        "2026-07-28"
    );
    reply_error(second, -32022, "Unsupported protocol version", Some(data));
    // Only once: the second refusal is the caller's error.
    let err = within(call).await.unwrap().unwrap_err();
    assert_eq!(err.code().map(|c| c.0), Some(-32022));
}

#[tokio::test]
async fn a_stateless_only_client_cannot_fall_back() {
    let modern = builder().versions(SupportedVersions::new([ProtocolVersion::V2026_07_28]));
    let (transport, mut server) = Scripted::pair();
    let connecting = tokio::spawn(modern.connect(transport));
    let probe = server.expect_request("server/discover").await;
    probe.respond_error(mcp_protocol::ErrorObject::method_not_found(
        "server/discover",
    ));
    let err = within(connecting).await.unwrap().unwrap_err();
    assert_eq!(err.code().map(|c| c.0), Some(-32601), "{err}");
}

// requirement: 1.26
#[tokio::test]
async fn methods_the_version_lacks_are_refused_before_sending() {
    let (client, mut server, _) = session(builder(), "2025-11-25", json!({})).await;
    let err = client.listen(Default::default()).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::MethodNotInVersion {
                method: "subscriptions/listen",
                ..
            }
        ),
        "{err}"
    );
    let err = client.read_resource("file:///x").await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::CapabilityNotDeclared {
                capability: "resources",
                ..
            }
        ),
        "{err}"
    );
    assert!(err.is_refused_locally());
    assert!(
        server
            .next_within(Duration::from_millis(100))
            .await
            .is_none()
    );

    let (modern, mut server) = crate::support::stateless(builder(), json!({})).await;
    let err = modern.ping().await.unwrap_err();
    assert!(
        matches!(err, Error::MethodNotInVersion { method: "ping", .. }),
        "{err}"
    );
    let err = modern
        .set_log_level(mcp_protocol::types::LoggingLevel::Info)
        .await
        .unwrap_err();
    assert!(err.is_refused_locally(), "{err}");
    assert!(
        server
            .next_within(Duration::from_millis(100))
            .await
            .is_none()
    );
}
