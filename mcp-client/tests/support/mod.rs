//! Test support: the scripted server and the path of its stdio binary.

#[cfg(feature = "http")]
pub mod http_server;
pub mod scripted;

pub use scripted::*;

/// The stdio binary that plays [`scripted::Scripted`] scripts.
pub const SERVER_BIN: &str = env!("CARGO_BIN_EXE_mcp-client-scripted-server");

/// A client builder with short timeouts, fit for tests.
pub fn builder() -> mcp_client::ClientBuilder {
    mcp_client::Client::builder()
        .client_info("test-client", "0.1")
        .request_timeout(std::time::Duration::from_secs(5))
        .discover_timeout(std::time::Duration::from_secs(2))
}

/// Connects a client (built by `builder`) to a scripted server playing a session-era
/// server of `version`; returns both and the `initialize` params.
pub async fn session(
    builder: mcp_client::ClientBuilder,
    version: &str,
    capabilities: serde_json::Value,
) -> (mcp_client::Client, Scripted, serde_json::Value) {
    let (transport, mut server) = Scripted::pair();
    let connecting = tokio::spawn(builder.connect(transport));
    let init = server.handshake(version, capabilities).await;
    let client = within(connecting).await.unwrap().expect("connect");
    (client, server, init)
}

/// Connects a client to a scripted 2026-07-28 server; returns both.
pub async fn stateless(
    builder: mcp_client::ClientBuilder,
    capabilities: serde_json::Value,
) -> (mcp_client::Client, Scripted) {
    let (transport, mut server) = Scripted::pair();
    let connecting = tokio::spawn(builder.connect(transport));
    server.discover(capabilities).await;
    let client = within(connecting).await.unwrap().expect("connect");
    (client, server)
}
