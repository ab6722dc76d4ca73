//! The Model Context Protocol client: typed calls to an MCP server over any transport, in
//! every protocol revision, without touching JSON-RPC.
//!
//! # Design
//!
//! A [`Client`] is a cheap, cloneable handle over one connection. Connecting negotiates the
//! era and the version, then every call takes the same path:
//!
//! ```text
//!  connect ─▶ AwaitingDiscoverResult ─(modern)──────────────────────────┐
//!                 │ (-32601, other error, silence)                        ▼
//!                 └──▶ AwaitingInitializeResult ─▶ initialized ──────▶ Ready ─▶ Closed
//!
//!  client.call_tool(..)
//!    │ 1. refuse locally: method not in the version, capability not declared
//!    │ 2. shape the params for the version; in 2026-07-28 stamp `_meta`
//!    │    (protocolVersion, clientCapabilities, clientInfo)
//!    │ 3. send with a timeout (reset by progress, hard cap); dropped = cancelled
//!    │ 4. -32022 UnsupportedProtocolVersion: pick from `supported`, retry once
//!    │ 5. `input_required` (MRTR): answer `inputRequests` with the handlers, retry with
//!    │    `inputResponses` + `requestState`, up to a bounded number of rounds
//!    ▼ 6. decode the typed result; errors name the field
//! ```
//!
//! - **Both eras, one API.** The session era (2024-11-05 … 2025-11-25) has the `initialize`
//!   handshake and server-to-client requests; the stateless era (2026-07-28) has
//!   `server/discover`, per-request `_meta` and MRTR. The application registers the same
//!   sampling, elicitation and roots handlers for both ([`handler`]); the declared client
//!   capabilities follow from which are registered.
//! - **Nothing hangs.** Every request has a default timeout; a server that exits fails the
//!   pending calls with [`Error::Closed`]; dropping a call's future cancels it on the server.
//! - **Ended sessions are replaced.** Over Streamable HTTP, a session the server ended (a
//!   404) is replaced by a new one, and the call that hit it sent once more
//!   ([`ClientBuilder::reinitialize_on_expiry`]).
//! - **Errors say who failed** ([`Error`], and the "Errors" section below): the server's
//!   JSON-RPC error with its code and data, an HTTP status with its body and challenge, a
//!   transport failure with its cause, the client's own refusal, a timeout and its length.
//! - **Transport-neutral.** [`ClientBuilder::connect`] takes any
//!   [`Transport`](mcp_protocol::rt::Transport): an in-memory pair, a child process
//!   ([`ClientBuilder::spawn`]), or Streamable HTTP with the legacy HTTP+SSE fallback
//!   (`http` module, feature `http`: `ClientBuilder::connect_http`).
//!
//! What the crate does not do (yet): caching of list results.
//!
//! # Errors
//!
//! Every call returns [`Error`]; its variant says who failed, and its cause is kept as
//! [`source`](std::error::Error::source) (look inside with [`Error::find_source`]). Over
//! stdio or in memory only the transport-neutral variants occur; the HTTP ones come from the
//! Streamable HTTP transport.
//!
//! | variant | when | retry? |
//! |---|---|---|
//! | [`Error::Remote`] | the server answered the call with a JSON-RPC error response (its code, message and data, as sent, whatever the HTTP status) | per its code: not for -32602/-32601; maybe for the server's own -32000…-32099 |
//! | [`Error::HttpStatus`] | an HTTP error status with no JSON-RPC response to the call: a 502 from a gateway, a 401/403 the client could not recover from, a 429 ([`Error::http_status`]) | 502/503/504 and 429 after a pause (`retry_after`); not 4xx otherwise |
//! | [`Error::SessionExpired`] | the server ended the session (HTTP 404); the client already renewed it and retried once | connect again |
//! | [`Error::Transport`] | connect, I/O or TLS failed, a response stream broke and could not be resumed; the connection goes on | yes, for idempotent calls (the server may have run it) |
//! | [`Error::Closed`] | the connection is over (the server exited, stdio broke, the client was closed) | connect again |
//! | [`Error::Timeout`] | no answer within the timeout; the server was told to cancel | yes, maybe with a longer timeout |
//! | [`Error::Cancelled`] | cancelled by its [`CancelHandle`]; the server was told | your decision |
//! | [`Error::Authorization`] | the client could not or would not authorize (feature `auth`): discovery or the token request failed, the authorization response failed the client's checks (RFC 9207 `iss`, `state`), a step-up was declined or over its limit | not without a change (user consent, configuration); never automatic after an `iss` rejection |
//! | [`Error::Protocol`] | the server's reply was not an answer: no response in the JSON body, `202` to a request, an unknown content type, a body past `max_body` | no: the server is broken |
//! | [`Error::Decode`] | the answer does not fit the method's result type (names the field) | no |
//! | [`Error::ToolOutputInvalid`] | a listed tool's structured output breaks its `outputSchema` (feature `validate`) | no: the server is broken |
//! | [`Error::MethodNotInVersion`], [`Error::CapabilityNotDeclared`] | refused locally, nothing sent | no |
//! | [`Error::Negotiation`] | no protocol version in common | no |
//!
//! A 502 from a proxy and a server's own -32000 are told apart by type:
//!
//! ```
//! # fn check(e: &mcp_client::Error) {
//! match e {
//!     mcp_client::Error::HttpStatus { status: 502, .. } => { /* the way there failed: retry */ }
//!     mcp_client::Error::Remote { error, .. } if error.code.0 == -32000 => { /* the server said so */ }
//!     other if other.is_transport() || other.is_timeout() => { /* retry if idempotent */ }
//!     _ => {}
//! }
//! # }
//! ```
//!
//! # Builder conventions
//!
//! [`ClientBuilder`], [`CallOptions`] and the HTTP transport's builder follow the rules of
//! `mcp-server`'s builders: a switch takes a `bool` (`tasks_extension(true)`,
//! `elicitation_url_mode(true)`, `reinitialize_on_expiry(false)`), a limit takes the number,
//! a duration a [`Duration`](std::time::Duration). A per-call setting has the same name and
//! argument in [`CallOptions`] as in the engine's
//! [`RequestOptions`](mcp_protocol::engine::RequestOptions) (`timeout`, `max_total`);
//! `CallOptions` adds what only the client can do (`on_progress` with a callback).
//!
//! [`prelude`] has the client's types and the protocol types its calls return, in one
//! import; [`protocol`] is `mcp_protocol`, re-exported.
//!
//! # Features
//!
//! - `http` (off by default): the Streamable HTTP transport, on hyper's pooled client
//!   (rustls for `https`) or an injected HTTP client. Without it the crate compiles no HTTP
//!   crate.
//! - `auth` (off by default; implies `http`): OAuth 2.1 on the HTTP transport through
//!   `mcp_auth::client::Authorizer` (`HttpTransportBuilder::authorizer`): bearer tokens on
//!   every request, authorization on a 401, step-up on a 403 `insufficient_scope`.
//! - `reqwest` (off by default): `http::ReqwestClient`, an HTTP client on reqwest, for its
//!   proxy support.
//! - `validate` (off by default): the structured content of a tool listed in the connection
//!   is checked against its `outputSchema` (jsonschema; server/tools §Output Schema:
//!   clients SHOULD validate structured results). Off, the application checks it itself.
//!
//! # Example
//!
//! A client against an in-memory server that answers by hand (a real server comes from
//! `mcp-server`):
//!
//! ```
//! use mcp_client::prelude::*;
//! // The protocol crate comes re-exported: no dependency of its own is needed.
//! use mcp_client::protocol::engine::EngineConfig;
//! use mcp_client::protocol::jsonrpc::ResultOrError;
//! use mcp_client::protocol::rt::{self, Incoming, memory};
//! use mcp_client::protocol::{ErrorObject, Side};
//! use serde_json::json;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), mcp_client::Error> {
//! let (client_end, server_end) = memory::pair(memory::Mode::Serialized);
//! let (_server, mut incoming) = rt::connect(server_end, Side::Server, EngineConfig::new());
//! tokio::spawn(async move {
//!     while let Some(item) = incoming.next().await {
//!         let Incoming::Request(req) = item else { continue }; // notifications/initialized
//!         let answer = match req.method() {
//!             // A 2025-11-25 server: it does not know `server/discover`.
//!             "server/discover" => Err(ErrorObject::method_not_found("server/discover")),
//!             "initialize" => Ok(json!({"protocolVersion": "2025-11-25",
//!                 "capabilities": {"tools": {}}, "serverInfo": {"name": "demo", "version": "1"}})),
//!             "tools/call" => Ok(json!({"content": [{"type": "text", "text": "3"}]})),
//!             other => Err(ErrorObject::method_not_found(other)),
//!         };
//!         req.respond_raw(match answer {
//!             Ok(v) => ResultOrError::Result(serde_json::value::to_raw_value(&v).unwrap()),
//!             Err(e) => ResultOrError::Error(e),
//!         });
//!     }
//! });
//!
//! let client = Client::builder().client_info("demo-client", "1.0").connect(client_end).await?;
//! assert_eq!(client.protocol_version().as_str(), "2025-11-25");
//! let result = client.call_tool("add", json!({"a": 1, "b": 2})).await?;
//! assert!(!result.is_error());
//! // `ping` exists in this version; `subscriptions/listen` does not: refused locally.
//! let refused = client.listen(Default::default()).await.unwrap_err();
//! assert!(refused.is_refused_locally());
//! # Ok(())
//! # }
//! ```
//!
//! Against a server run as a child process:
//!
//! ```no_run
//! use mcp_client::prelude::*;
//!
//! # async fn run() -> Result<(), mcp_client::Error> {
//! let client = Client::spawn("my-mcp-server", ["--stdio"]).await?;
//! for tool in client.list_all_tools().await? {
//!     println!("{}", tool.name);
//! }
//! # Ok(())
//! # }
//! ```

#![cfg_attr(docsrs, feature(doc_cfg))]

mod builder;
mod call;
mod calls;
mod cancel;
mod capability;
mod client;
mod connect;
mod error;
pub mod handler;
#[cfg(feature = "http")]
pub mod http;
mod inbox;
mod mrtr;
mod notification;
mod output_schemas;
pub mod prelude;
mod session;
mod subscription;
mod tasks;

pub use builder::ClientBuilder;
pub use call::CallOptions;
pub use cancel::CancelHandle;
pub use client::Client;
pub use connect::era::Negotiated;
pub use error::{Error, Result};
pub use handler::{ElicitationHandler, HandlerFuture, SamplingHandler};
pub use notification::{Notifications, ServerNotification};
pub use subscription::Subscription;

/// The protocol crate, re-exported so that content types, results and the rest of the wire
/// model need no dependency of their own (`mcp_client::protocol::types::ContentBlock`).
pub use mcp_protocol as protocol;
