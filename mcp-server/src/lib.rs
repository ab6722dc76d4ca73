//! An MCP server that speaks every revision of the Model Context Protocol — 2024-11-05,
//! 2025-03-26, 2025-06-18 and 2025-11-25 (the *session era*, with `initialize`) and
//! 2026-07-28 (the *stateless era*) — on the same connection, from the same handlers, so
//! that nobody writes JSON-RPC by hand.
//!
//! # Design
//!
//! ```text
//!   Transport ─► mcp_protocol::rt driver ─► serve loop ──(one task per request)──► dispatch
//!   (stdio,       (ids, cancellation,        (per-connection                      │ Scope: version +
//!    memory, …)    progress, bad input)       Session state)                       │ client caps, from
//!                                                                                  │ `initialize` or `_meta`
//!                                                                                  ▼
//!                       Registry (tools, resources, templates, prompts) ◄── method exists in version?
//!                       handlers get a RequestContext                        capability declared?
//!                                                                                  │
//!            result ──► Shape::shape(version) ──► answer ◄─────────────────────────┘
//! ```
//!
//! - **One dispatch, two eras.** Each request gets a *scope*: its version and
//!   the client's capabilities, from the session's `initialize` or, in 2026-07-28, from the
//!   request's own `_meta`. Then the method must exist in that version (else -32601), its
//!   capability must be declared (capability honesty, else -32601), and every result is
//!   shaped for the version before it leaves. The dispatch takes a request and a session and
//!   returns an outcome, so a Streamable HTTP layer can feed it as the stdio loop does.
//! - **A registry, not a trait.** Tools, resources, templates and prompts are values added,
//!   replaced, removed, enabled and disabled at run time ([`Server::add_tool`],
//!   [`Server::set_tool_enabled`], …); each change is announced with `list_changed` to every
//!   connected client that can receive it (session-era clients whose negotiated capabilities
//!   say `listChanged`, and 2026-07-28 `subscriptions/listen` streams that asked for it;
//!   with the tasks extension, listen streams also follow the tasks they name).
//! - **Capabilities a tool needs.** [`ToolDef::requires`] refuses a call from a client that
//!   did not declare them before the handler runs: -32021
//!   `MissingRequiredClientCapabilityError` in 2026-07-28, a tool error in the session era.
//! - **Who answers.** Every 2026-07-28 result carries
//!   `_meta["io.modelcontextprotocol/serverInfo"]` ([`ServerBuilder::server_info_meta`]).
//! - **Typed handlers.** A tool's input schema is generated from its argument type
//!   (schemars, JSON Schema 2020-12); arguments are validated before the handler runs; a
//!   [`Json`] output gets an `outputSchema` and is checked against it (feature `validate`,
//!   on by default; without it serde's deserialization is the only argument check, and a
//!   stdio-only server needs about 45 fewer crates). A panicking handler
//!   fails its own call with -32603 and nothing else.
//! - **One way to ask for input.** [`RequestContext::elicit`],
//!   [`RequestContext::create_message`] and [`RequestContext::list_roots`] send a
//!   server-to-client request in the session era and end the call with `input_required`
//!   (MRTR) in 2026-07-28; the client's retry replays the handler with the answers. See
//!   [`mrtr`] for the replay model and the HMAC-sealed `requestState`.
//!
//! # What this crate does not do (yet)
//!
//! Authentication exists only over HTTP: feature `auth` makes the `http` endpoint an OAuth
//! resource server (`HttpConfig::resource_server`, `HttpConfig::scope_policy`, with
//! `mcp-auth`'s verifiers), and a generic `HttpConfig::authenticate` hook takes any other
//! scheme; over stdio and in memory [`RequestContext::principal`] is `None`. Client-side
//! OAuth is `mcp-client`'s business.
//!
//! # Example
//!
//! A server with one typed tool, served over an in-memory pair and called by a raw
//! [`mcp_protocol::rt::Peer`]:
//!
//! ```
//! use mcp_server::prelude::*;
//! // The protocol crate comes re-exported: no dependency of its own is needed.
//! use mcp_server::protocol::Side;
//! use mcp_server::protocol::engine::{EngineConfig, RequestOptions};
//! use mcp_server::protocol::methods::{CallTool, CallToolParams, Initialize, InitializeParams};
//! use mcp_server::protocol::rt::{self, memory};
//!
//! #[derive(serde::Deserialize, JsonSchema)]
//! struct Add {
//!     /// The first term.
//!     a: i64,
//!     /// The second term.
//!     b: i64,
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let server = Server::builder("calculator", "1.0.0").build();
//! server
//!     .add_tool(
//!         ToolDef::new("add", |args: Add, _ctx: RequestContext| async move {
//!             format!("{}", args.a + args.b)
//!         })
//!         .description("Adds two integers"),
//!     )
//!     .unwrap();
//!
//! let (client_end, server_end) = memory::pair(memory::Mode::Serialized);
//! let serving = tokio::spawn({
//!     let server = server.clone();
//!     async move { server.serve(server_end).await }
//! });
//!
//! let (client, _incoming) = rt::connect(client_end, Side::Client, EngineConfig::new());
//! let init = InitializeParams::new(
//!     ProtocolVersion::V2025_11_25,
//!     ClientCapabilities::default(),
//!     Implementation::new("example-client", "0.1.0"),
//! );
//! client.request::<Initialize>(&init, RequestOptions::new()).await.unwrap();
//!
//! let mut args = serde_json::Map::new();
//! args.insert("a".into(), 2.into());
//! args.insert("b".into(), 40.into());
//! let result = client
//!     .request::<CallTool>(&CallToolParams::new("add").with_arguments(args), RequestOptions::new())
//!     .await
//!     .unwrap();
//! assert_eq!(result.content[0].as_text(), Some("42"));
//!
//! client.close();
//! serving.await.unwrap().unwrap();
//! # }
//! ```
//!
//! # Shared state
//!
//! Handlers that share state (a database pool, a cache, a client) get it as their first
//! argument, [`State<S>`](State), instead of each closure cloning an `Arc` into itself: the
//! value is given once to [`ServerBuilder::state`], and the `with_state` constructors
//! ([`ToolDef::with_state`], [`ResourceDef::with_state`], [`TemplateDef::with_state`],
//! [`PromptDef::with_state`]) take handlers that ask for it. The state is bound when the item
//! is registered, so a server built without it refuses the item then
//! ([`RegistryError::MissingState`]), never during a call.
//!
//! ```
//! use std::sync::Arc;
//! use mcp_server::prelude::*;
//!
//! #[derive(Clone)]
//! struct Catalog {
//!     items: Arc<Vec<String>>,
//! }
//!
//! let catalog = Catalog { items: Arc::new(vec!["apple".into(), "pear".into()]) };
//! let server = Server::builder("shop", "1.0.0").state(catalog).build();
//! server
//!     .add_tool(
//!         ToolDef::with_state(
//!             "count",
//!             |State(catalog): State<Catalog>, _: NoArgs, _ctx: RequestContext| async move {
//!                 catalog.items.len().to_string()
//!             },
//!         )
//!         .description("How many items there are"),
//!     )
//!     .unwrap();
//! ```
//!
//! # Builder conventions
//!
//! Every builder here ([`ServerBuilder`], [`ToolDef`] and the other definitions, and
//! `http::HttpConfig`) follows the same rules, so the shape of an option says its kind:
//!
//! - **A switch takes a `bool`**: `tasks(true)`, `logging(false)`, `legacy_sse(true)`,
//!   `allow_any_host(true)`, `input_before_task(true)`.
//! - **A limit takes the number**: `max_sessions(n)`, `max_message_size(bytes)`,
//!   `max_requests_in_flight(n)`; where "no limit" is allowed, it is `usize::MAX`, not an
//!   `Option`.
//! - **A duration takes a [`Duration`](std::time::Duration)**.
//! - **Every `add_*` returns `Result<(), RegistryError>`**; `remove_*` and `set_*_enabled`
//!   return whether anything changed.
//!
//! # Modules
//!
//! - [`prelude`]: the server's types and the protocol types handlers build, in one import;
//!   [`protocol`] is `mcp_protocol`, re-exported.
//! - [`Server`] / [`ServerBuilder`]: configuration, registration, broadcast, serving.
//! - [`ToolDef`], [`ResourceDef`], [`TemplateDef`], [`PromptDef`]: what can be registered.
//! - [`RequestContext`]: what a handler gets.
//! - [`extension`]: declared extensions and the extra methods they define.
//! - [`mrtr`]: how input works in 2026-07-28.
//! - `http` (feature `http`): Streamable HTTP as a `tower::Service`, and
//!   `Server::serve_http`; with feature `auth`, an OAuth resource server too.

#![cfg_attr(docsrs, feature(doc_cfg))]

mod context;
mod dispatch;
mod error;
pub mod extension;
#[cfg(feature = "http")]
pub mod http;
pub mod mrtr;
mod notifier;
mod pagination;
pub mod prelude;
mod registry;
mod serve;
mod server;
mod session;
mod tasks;

pub use context::{Principal, RequestContext};
pub use error::{Error, InputError, ServeError};
pub use extension::{MethodCall, MethodOutcome};
pub use notifier::Notifier;
pub use registry::{
    CompletionQuery, IntoToolResult, Json, ListKind, NoArgs, PromptArguments, PromptDef,
    ReadResult, ResourceDef, State, TaskSupport, TemplateDef, TemplateError, ToolDef, UriTemplate,
    from_list,
};
pub use serve::GRACE;
pub use server::{CacheHint, RegistryError, Server, ServerBuilder};

/// The protocol crate, re-exported so that annotations, content types and the rest of the
/// wire model need no dependency of their own (`mcp_server::protocol::types::ContentBlock`).
pub use mcp_protocol as protocol;

/// The schema generator used for tool argument and output types, re-exported so that
/// `#[derive(JsonSchema)]` matches the version this crate uses.
pub use schemars;
