//! Wire types, version rules and the sans-IO peer engine of the Model Context Protocol (MCP),
//! for every released revision: 2024-11-05, 2025-03-26, 2025-06-18, 2025-11-25 (the *session
//! era*, with the `initialize` handshake) and 2026-07-28 (the *stateless era*: every request
//! carries its version and capabilities in `_meta`, `server/discover` replaces the handshake,
//! and multi round-trip requests replace server-to-client requests).
//!
//! # Design
//!
//! One model serves every revision. A message is decoded in two phases and shaped for the
//! peer's version before it is sent:
//!
//! ```text
//!   bytes ──► Message::from_slice ──► Message::{Request, Notification, Response}
//!             (phase one: jsonrpc,          │ params / result still raw JSON
//!              id, method, result, error)   ▼
//!                                 decode_params::<CallTool>() ──► CallToolParams
//!                                 (phase two: the method is known, so are the types)
//!
//!   CallToolResult ──► Shape::shape(version) ──► ResponseMessage::result ──► bytes
//!                      (leave out what the version does not know,
//!                       fill what it requires)
//! ```
//!
//! - Each method is an uninhabited marker type ([`methods::CallTool`]) implementing
//!   [`Request`] or [`Notification`]: its name, its params and result types, and the
//!   revisions it exists in. Direction traits ([`method::ClientRequest`], …) say who sends it.
//! - Unknown fields are kept in every struct's `extra` map and survive a round trip; unknown
//!   values of open enumerations are kept too (see *Forward compatibility*).
//! - Errors name the exact fault and map to one JSON-RPC code ([`DecodeError::code`]).
//!
//! # Forward compatibility
//!
//! A peer that speaks a newer revision must not break decoding, and a new revision must not
//! force a breaking release of this crate:
//!
//! - Every wire struct is `#[non_exhaustive]`: new fields can be added in a minor release.
//! - Every enumeration the spec may extend keeps a value it does not know, as sent, and sends
//!   it back unchanged: string sets ([`types::Role`], [`types::LoggingLevel`],
//!   [`types::CacheScope`], [`types::TaskStatus`], [`methods::ElicitAction`], …) have an
//!   `Unknown(String)` variant; unions tagged by `type` ([`types::ContentBlock`], sampling
//!   blocks, completion references) have `Unknown(`[`types::UnknownObject`]`)`, so one content
//!   block of an unknown type does not fail a whole `tools/call` result. Such enums are
//!   `#[non_exhaustive]`; the few kept closed say why in their docs.
//! - Open sets spelled as plain strings are newtypes with constants ([`types::ResultType`],
//!   [`methods::StopReason`], [`jsonrpc::ErrorCode`]); newtypes of one field stay constructible.
//!   The JSON-RPC envelopes ([`jsonrpc::RequestMessage`], [`jsonrpc::ResponseMessage`],
//!   [`jsonrpc::NotificationMessage`], [`jsonrpc::ErrorObject`]) stay exhaustive too: JSON-RPC
//!   2.0 is final, and MCP extends messages inside `params`, `result` and `error.data`.
//!
//! # Building messages
//!
//! Because the structs are `#[non_exhaustive]`, other crates cannot write struct literals
//! (not even `..Default::default()`). One pattern throughout:
//!
//! - `X::new(required…)` takes the fields the spec requires (`CallToolParams::new(name)`,
//!   `Tool::new(name, input_schema)`); types with no required field implement `Default`.
//!   Results have named constructors where the kind matters (`CallToolResult::success`,
//!   `CallToolResult::error`, `ElicitResult::accept`); list pages have `new(items)` and
//!   `with_next_cursor`.
//! - Common optional fields have chainable `with_*` setters (`with_arguments`, `with_cache`,
//!   `with_stop_reason`, …). Every field stays public, so any other optional field is set by
//!   assignment on a `let mut` value built by `new` or `default`:
//!
//! ```
//! use mcp_protocol::methods::CallToolParams;
//! use mcp_protocol::types::TaskMetadata;
//!
//! let mut task = TaskMetadata::default();
//! task.ttl = Some(60_000);
//! let mut params = CallToolParams::new("search").with_arguments(Default::default());
//! params.task = Some(task);
//! assert_eq!(params.name, "search");
//! ```
//!
//! There is no separate builder type per message: the structs are plain data whose fields are
//! all public, and a `new` + `with_*`/assignment pair covers what a builder would, without a
//! second type to keep in step with every revision.
//!
//! # What this crate does not do
//!
//! It has no HTTP, no OAuth, and no server or client logic: those are `mcp-server`,
//! `mcp-client` and `mcp-auth`. Its types, codec and engine do no I/O; the optional `rt`
//! feature adds the tokio driver and the in-memory and stdio transports.
//!
//! # Example
//!
//! ```
//! use mcp_protocol::jsonrpc::ResponseMessage;
//! use mcp_protocol::methods::{CallTool, CallToolResult};
//! use mcp_protocol::types::ContentBlock;
//! use mcp_protocol::{Message, ProtocolVersion, Shape};
//!
//! let bytes = br#"{"jsonrpc":"2.0","id":1,"method":"tools/call",
//!                  "params":{"name":"echo","arguments":{"text":"hi"}}}"#;
//! let Message::Request(request) = Message::from_slice(bytes)? else { unreachable!() };
//! assert_eq!(request.method, "tools/call");
//! let params = request.decode_params::<CallTool>()?;
//! let text = params.arguments.as_ref().and_then(|a| a["text"].as_str()).unwrap_or_default();
//!
//! // Answer a 2024-11-05 peer and a 2026-07-28 peer from the same value.
//! let result = CallToolResult::success(vec![ContentBlock::text(text)]);
//! let old = result.clone().shaped(ProtocolVersion::V2024_11_05);
//! let new = result.shaped(ProtocolVersion::V2026_07_28);
//! assert_eq!(old.result_type, None); // 2024-11-05 has no `resultType`
//! assert!(new.result_type.as_ref().is_some_and(|t| t.is_complete())); // 2026-07-28 requires it
//! let reply = ResponseMessage::result(request.id, &new)?;
//! assert!(Message::from(reply).to_json().contains(r#""resultType":"complete""#));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Features
//!
//! - `rt` (default): the tokio driver, the `Transport` trait, in-memory and stdio transports.
//! - `proptest`: [`proptest`](https://docs.rs/proptest) strategies for every wire type, which
//!   generate only schema-valid values (used by our tests and by `mcp-conformance`).
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "proptest")]
pub mod arbitrary;
pub mod codec;
pub mod engine;
pub mod error;
pub mod jsonrpc;
pub mod method;
pub mod methods;
#[cfg(feature = "rt")]
#[cfg_attr(docsrs, doc(cfg(feature = "rt")))]
pub mod rt;
pub mod shape;
pub mod types;
pub mod version;
#[doc(hidden)]
pub mod wire;

pub use error::{DecodeError, EncodeError};
pub use jsonrpc::{ErrorCode, ErrorObject, Message, ProgressToken, RequestId};
pub use method::{Notification, Request};
pub use shape::Shape;
pub use version::{Era, ProtocolVersion, SupportedVersions};

/// Which end of a connection a peer is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Side {
    /// The MCP client (the host's connector).
    Client,
    /// The MCP server.
    Server,
}
