//! Era detection and version negotiation, as a chain of states named for what they wait for.
//!
//! ```text
//!  AwaitingDiscoverResult ──DiscoverResult (modern version in common)──────────▶ Ready
//!          │  -32022 ─▶ choose from `supported`, probe again once
//!          │  -32601, another non-modern error, a bad answer, or silence
//!          ▼
//!  AwaitingInitializeResult ──version we speak──▶ notifications/initialized ──▶ Ready
//!                           ──version we do not speak──▶ close, Error::Negotiation
//! ```
//!
//! 2026-07-28 basic/versioning §Backward Compatibility: a dual-era client probes with
//! `server/discover` and falls back to `initialize` on any error that is not a recognized
//! modern error, or when the probe times out. The client's own authorization failures, and
//! a 401 or 403 it could not recover from, stop here instead: `initialize` would meet the
//! same refusal (and start the authorization over). 2025-11-25 basic/lifecycle §Version
//! Negotiation: the client proposes its latest version; if the server answers with one the
//! client does not support, the client should disconnect.

use mcp_protocol::engine::RequestOptions;
use mcp_protocol::method::Request;
use mcp_protocol::methods::{Discover, Initialize, InitializeParams, Initialized};
use mcp_protocol::types::{Implementation, NotificationParams, RequestParams, ServerCapabilities};
use mcp_protocol::version::NegotiationError;
use mcp_protocol::{ErrorCode, ProtocolVersion, Shape};

use crate::call::{CallOptions, Conn};
use crate::error::{Error, Result};

/// What the client and server agreed on.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Negotiated {
    /// The protocol version in use.
    pub version: ProtocolVersion,
    /// Who the server is (in 2026-07-28, from `_meta` of the discover result; empty when
    /// the server did not say).
    pub server_info: Implementation,
    /// What the server can do.
    pub capabilities: ServerCapabilities,
    /// How to use the server, if it said.
    pub instructions: Option<String>,
}

/// Where negotiation goes next after the probe.
pub(crate) enum AfterDiscover {
    /// A modern server: done.
    Ready(Box<Negotiated>),
    /// A legacy server (or a dual-era one with no modern version in common).
    Legacy(AwaitingInitializeResult),
}

/// Negotiates from the start: the probe if a stateless version is enabled, else
/// `initialize`.
pub(crate) async fn negotiate(conn: &Conn) -> Result<Negotiated> {
    let versions = &conn.config.versions;
    let next = match versions.stateless().into_iter().max() {
        Some(version) => AwaitingDiscoverResult { version }.next(conn).await?,
        None => AfterDiscover::Legacy(AwaitingInitializeResult::new(conn)?),
    };
    match next {
        AfterDiscover::Ready(n) => Ok(*n),
        AfterDiscover::Legacy(awaiting) => awaiting.next(conn).await,
    }
}

/// Sent `server/discover` with `version`; waiting for its answer.
pub(crate) struct AwaitingDiscoverResult {
    version: ProtocolVersion,
}

impl AwaitingDiscoverResult {
    pub(crate) async fn next(self, conn: &Conn) -> Result<AfterDiscover> {
        let mut version = self.version;
        let mut retried = false;
        loop {
            let params = conn.encode::<Discover>(&RequestParams::default(), version)?;
            let options = CallOptions::new().timeout(conn.config.discover_timeout);
            let answer = conn.send::<Discover>(params, &options).await;
            let error = match answer.and_then(|a| a.decode::<Discover>()) {
                Ok(result) => {
                    let chosen = match conn.config.versions.choose_from(&result.supported_versions)
                    {
                        Ok(v) => v,
                        Err(e) => return legacy_or(conn, e),
                    };
                    if chosen.has_handshake() {
                        return legacy(conn);
                    }
                    let server_info = result
                        .meta
                        .as_ref()
                        .and_then(|m| m.server_info())
                        .and_then(Result::ok)
                        .unwrap_or_default();
                    return Ok(AfterDiscover::Ready(Box::new(Negotiated {
                        version: chosen,
                        server_info,
                        capabilities: result.capabilities,
                        instructions: result.instructions,
                    })));
                }
                Err(e) => e,
            };
            let code = error.code();
            match &error {
                // A modern server that does not speak our version: pick again, once.
                _ if code == Some(ErrorCode::UNSUPPORTED_PROTOCOL_VERSION) => {
                    let supported = error.remote().map(supported_list).unwrap_or_default();
                    let chosen = match conn.config.versions.choose_from(&supported) {
                        Ok(v) => v,
                        Err(e) => return legacy_or(conn, e),
                    };
                    if chosen.has_handshake() {
                        return legacy(conn);
                    }
                    if retried {
                        return Err(error);
                    }
                    retried = true;
                    version = chosen;
                }
                // Other modern errors: a modern server refusing us; falling back would not help.
                _ if code == Some(ErrorCode::HEADER_MISMATCH)
                    || code == Some(ErrorCode::MISSING_REQUIRED_CLIENT_CAPABILITY) =>
                {
                    return Err(error);
                }
                Error::Closed { .. } | Error::Encode { .. } | Error::Send(_) => return Err(error),
                // The client itself refused to authorize (an RFC 9207 `iss` mismatch, a
                // declined step-up, …), or the server wants credentials the client does not
                // have: `initialize` would meet the same refusal, and must not start the
                // authorization over.
                Error::Authorization { .. } => return Err(error),
                Error::HttpStatus {
                    status: 401 | 403, ..
                } => return Err(error),
                // Anything else (method not found, "not initialized", a malformed answer,
                // silence) is a legacy server.
                _ => {
                    tracing::debug!(%error, "server/discover probe failed; trying initialize");
                    return legacy(conn).map_err(|e| match e {
                        // A stateless-only client has nothing to fall back to.
                        Error::Negotiation(NegotiationError::NoSessionVersion) => error,
                        e => e,
                    });
                }
            }
        }
    }
}

fn legacy(conn: &Conn) -> Result<AfterDiscover> {
    AwaitingInitializeResult::new(conn).map(AfterDiscover::Legacy)
}

/// No stateless version in common: a dual-era server may still share a session-era one
/// (its `supported` list may name only its stateless versions, or none), so `initialize`
/// settles it; a client without session versions fails with `failed`.
fn legacy_or(conn: &Conn, failed: NegotiationError) -> Result<AfterDiscover> {
    legacy(conn).map_err(|_| Error::Negotiation(failed))
}

/// The `supported` list of an `UnsupportedProtocolVersionError`.
pub(crate) fn supported_list(error: &mcp_protocol::ErrorObject) -> Vec<String> {
    error
        .data
        .as_ref()
        .and_then(|d| d.get("supported"))
        .and_then(|s| s.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// About to send (then waiting for the answer to) `initialize`, proposing our newest
/// session-era version.
pub(crate) struct AwaitingInitializeResult {
    proposed: ProtocolVersion,
}

impl AwaitingInitializeResult {
    pub(crate) fn new(conn: &Conn) -> Result<Self> {
        let proposed = conn
            .config
            .versions
            .latest_session()
            .ok_or(Error::Negotiation(NegotiationError::NoSessionVersion))?;
        Ok(Self { proposed })
    }

    pub(crate) async fn next(self, conn: &Conn) -> Result<Negotiated> {
        let params = InitializeParams::new(
            self.proposed,
            conn.capabilities(self.proposed),
            conn.config.client_info.clone(),
        )
        .shaped(self.proposed);
        let (options, timeout) = conn.request_options(&CallOptions::new());
        let result = conn
            .peer
            .request::<Initialize>(&params, options)
            .await
            .map_err(|e| crate::call::request_error(e, Initialize::METHOD, timeout))?;
        let version = conn
            .config
            .versions
            .accept_initialize(&result.protocol_version)
            .map_err(Error::Negotiation)?;
        conn.peer
            .notify::<Initialized>(&NotificationParams::default())
            .map_err(Error::from_send)?;
        Ok(Negotiated {
            version,
            server_info: result.server_info,
            capabilities: result.capabilities,
            instructions: result.instructions,
        })
    }
}

/// Options of a request that must not time out (`subscriptions/listen`).
pub(crate) fn without_timeout() -> RequestOptions {
    RequestOptions::new().without_timeout()
}
