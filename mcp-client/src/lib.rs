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
//! - **Errors say what happened** ([`Error`]): the server's JSON-RPC error with its code and
//!   data, a timeout and its length, a local refusal, a decode error naming the field.
//! - **Transport-neutral.** [`ClientBuilder::connect`] takes any
//!   [`Transport`](mcp_protocol::rt::Transport): an in-memory pair, a child process
//!   ([`ClientBuilder::spawn`]), or Streamable HTTP with the legacy HTTP+SSE fallback
//!   (`http` module, feature `http`: `ClientBuilder::connect_http`).
//!
//! What the crate does not do (yet): caching of list results.
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
//!
//! # Example
//!
//! A client against an in-memory server that answers by hand (a real server comes from
//! `mcp-server`):
//!
//! ```
//! use mcp_client::Client;
//! use mcp_protocol::Side;
//! use mcp_protocol::engine::EngineConfig;
//! use mcp_protocol::jsonrpc::ResultOrError;
//! use mcp_protocol::rt::{self, Incoming, memory};
//! use mcp_protocol::ErrorObject;
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
//! # async fn run() -> Result<(), mcp_client::Error> {
//! let client = mcp_client::Client::spawn("my-mcp-server", ["--stdio"]).await?;
//! for tool in client.list_all_tools().await? {
//!     println!("{}", tool.name);
//! }
//! # Ok(())
//! # }
//! ```

mod builder;
mod call;
mod calls;
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
mod session;
mod subscription;
mod tasks;

pub use builder::ClientBuilder;
pub use call::CallOptions;
pub use client::Client;
pub use connect::era::Negotiated;
pub use error::{Error, Result};
pub use handler::{ElicitationHandler, HandlerFuture, SamplingHandler};
pub use notification::{Notifications, ServerNotification};
pub use subscription::Subscription;
