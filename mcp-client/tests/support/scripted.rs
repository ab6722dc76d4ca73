//! A scripted MCP server on top of `mcp_protocol::rt` (the server side of an engine): a test
//! reads what the client sent with `expect_*` and answers exactly what it scripts. Shared by
//! the in-memory tests and the stdio test binary.
#![allow(
    dead_code,
    reason = "each user of this module needs a different part of it"
)]

use std::future::Future;
use std::time::Duration;

use mcp_protocol::engine::EngineConfig;
use mcp_protocol::jsonrpc::{NotificationMessage, ResultOrError};
use mcp_protocol::rt::{self, Incoming, IncomingRequest, IncomingStream, Peer, Transport, memory};
use mcp_protocol::{ErrorCode, ErrorObject, Side};
use serde_json::{Value, json};

/// How long any scripted wait may take before the test fails.
pub const BOUND: Duration = Duration::from_secs(10);

/// Awaits `f`, failing the test if it takes longer than [`BOUND`].
pub async fn within<F: Future>(f: F) -> F::Output {
    tokio::time::timeout(BOUND, f)
        .await
        .expect("a bounded wait took too long")
}

/// The server end of a connection, driven by the test.
#[derive(Debug)]
pub struct Scripted {
    /// To send requests and notifications to the client.
    pub peer: Peer,
    incoming: IncomingStream,
}

impl Scripted {
    /// A client transport and the scripted server at the other end (messages cross as
    /// JSON, as on a real wire).
    pub fn pair() -> (memory::MemoryTransport, Self) {
        let (client, server) = memory::pair(memory::Mode::Serialized);
        (client, Self::over(server))
    }

    /// A scripted server over any transport.
    pub fn over<T: Transport>(transport: T) -> Self {
        let (peer, incoming) = rt::connect(transport, Side::Server, EngineConfig::new());
        Self { peer, incoming }
    }

    /// The next thing the client sent; `None` once it hung up.
    pub async fn next(&mut self) -> Option<Incoming> {
        within(self.incoming.next()).await
    }

    /// The next thing the client sent, if it sends something within `wait`.
    pub async fn next_within(&mut self, wait: Duration) -> Option<Incoming> {
        tokio::time::timeout(wait, self.incoming.next())
            .await
            .ok()
            .flatten()
    }

    /// The next request, which must be `method`.
    pub async fn expect_request(&mut self, method: &str) -> IncomingRequest {
        match self.next().await {
            Some(Incoming::Request(r)) if r.method() == method => r,
            other => panic!("expected a `{method}` request, got {other:?}"),
        }
    }

    /// The next notification, which must be `method`.
    pub async fn expect_notification(&mut self, method: &str) -> NotificationMessage {
        match self.next().await {
            Some(Incoming::Notification(n)) if n.method == method => n,
            other => panic!("expected a `{method}` notification, got {other:?}"),
        }
    }

    /// Plays a session-era server: refuses the discover probe (-32601), answers
    /// `initialize` with `version` and `capabilities`, waits for `initialized`. Returns the
    /// `initialize` params.
    pub async fn handshake(&mut self, version: &str, capabilities: Value) -> Value {
        let probe = self.expect_request("server/discover").await;
        probe.respond_error(ErrorObject::method_not_found("server/discover"));
        let init = self.expect_request("initialize").await;
        let params = params(&init);
        reply(
            init,
            json!({"protocolVersion": version, "capabilities": capabilities,
                   "serverInfo": {"name": "scripted", "version": "1.0"},
                   "instructions": "be brief"}),
        );
        self.expect_notification("notifications/initialized").await;
        params
    }

    /// Plays a 2026-07-28 server's answer to the probe. Returns the discover params.
    pub async fn discover(&mut self, capabilities: Value) -> Value {
        let probe = self.expect_request("server/discover").await;
        let params = params(&probe);
        reply(
            probe,
            json!({"supportedVersions": ["2026-07-28", "2025-11-25"],
                   "capabilities": capabilities, "ttlMs": 0, "cacheScope": "private",
                   "resultType": "complete",
                   "_meta": {"io.modelcontextprotocol/serverInfo": {"name": "scripted-modern", "version": "2.0"}}}),
        );
        params
    }
}

/// Every server capability.
pub fn all_capabilities() -> Value {
    json!({"tools": {"listChanged": true}, "resources": {"subscribe": true, "listChanged": true},
           "prompts": {}, "logging": {}, "completions": {},
           "tasks": {"list": {}, "cancel": {}, "requests": {"tools": {"call": {}}}},
           "extensions": {"io.modelcontextprotocol/tasks": {}}})
}

/// A request's params as JSON (`{}` when absent).
pub fn params(request: &IncomingRequest) -> Value {
    request
        .params()
        .map_or_else(|| json!({}), |p| serde_json::from_str(p.get()).unwrap())
}

/// A notification's params as JSON.
pub fn notification_params(n: &NotificationMessage) -> Value {
    n.params
        .as_deref()
        .map_or_else(|| json!({}), |p| serde_json::from_str(p.get()).unwrap())
}

/// Answers with a result.
pub fn reply(request: IncomingRequest, result: Value) {
    request.respond_raw(ResultOrError::Result(
        serde_json::value::to_raw_value(&result).unwrap(),
    ));
}

/// Answers with an error.
pub fn reply_error(request: IncomingRequest, code: i32, message: &str, data: Option<Value>) {
    let mut error = ErrorObject::new(ErrorCode(code), message);
    error.data = data;
    request.respond_error(error);
}
