//! The async layer: transports, and a driver that runs the [engine](crate::engine) on tokio.
//!
//! ```text
//!   Peer (clone freely) ──request / notify / cancel──┐
//!   IncomingRequest ──respond / progress─────────────┤   lock the engine for a moment,
//!                                                    ▼   then wake the driver
//!                                         ┌──────────────────────┐
//!   Transport ◀──── poll_transmit ─────── │ Driver: Engine,      │ ── completions ──▶ ResponseFuture
//!   (memory, stdio,  ── handle_input ───▶ │ one timer, select!   │ ── requests, ───▶ IncomingStream
//!    child process)                       └──────────────────────┘    notifications
//! ```
//!
//! One task per connection, the [`Driver`], owns the [`Transport`] and is the only writer to
//! it; it waits on three things at once (input, a wake-up from a handle, the engine's next
//! deadline). Handles never wait on the driver: [`Peer::request`] queues the request in the
//! engine under a short lock (never held across an `.await`) and returns a future that the
//! driver completes. No channel hop or task per message, no boxing per message: a request
//! costs one entry in the engine's table and one in the waiters' table.
//!
//! Cancellation is by drop: dropping a [`ResponseFuture`] before it resolves sends
//! `notifications/cancelled`. On the other side, [`IncomingRequest::cancelled`] resolves and
//! the answer is suppressed. Timeouts come from [`RequestOptions`] or
//! [`EngineConfig::default_timeout`](crate::engine::EngineConfig).
//!
//! Transports: [`memory::pair`] (in process, with or without a JSON round trip),
//! [`stdio::stdio`] (a server on its own stdin/stdout) and [`stdio::ChildTransport`] (a client
//! running the server as a child process), and [`NdjsonTransport`] for any byte stream.
//! A transport that sends each message on its own (as Streamable HTTP does, in `mcp-client`)
//! can also fail one request without ending the connection:
//! [`Transport::poll_request_failure`] hands the driver a
//! [`RequestFailure`](crate::engine::RequestFailure), which reaches the waiting
//! [`ResponseFuture`] as [`RequestError::Failed`] instead of a made-up JSON-RPC error.
//!
//! # Example
//!
//! One side answers `ping`, the other awaits the answer:
//!
//! ```
//! use mcp_protocol::Side;
//! use mcp_protocol::engine::{EngineConfig, RequestOptions};
//! use mcp_protocol::methods::Ping;
//! use mcp_protocol::rt::{self, Incoming, memory};
//! use mcp_protocol::types::{EmptyResult, RequestParams};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let (a, b) = memory::pair(memory::Mode::Direct);
//! let (client, _client_incoming) = rt::connect(a, Side::Client, EngineConfig::new());
//! let (_server, mut server_incoming) = rt::connect(b, Side::Server, EngineConfig::new());
//!
//! tokio::spawn(async move {
//!     while let Some(incoming) = server_incoming.next().await {
//!         if let Incoming::Request(req) = incoming {
//!             if req.is::<Ping>() {
//!                 req.respond::<Ping>(&EmptyResult::default());
//!             }
//!         }
//!     }
//! });
//!
//! let pong = client.request::<Ping>(&RequestParams::default(), RequestOptions::new()).await;
//! assert_eq!(pong.unwrap(), EmptyResult::default());
//! # }
//! ```

mod driver;
pub mod memory;
mod ndjson;
mod peer;
pub mod stdio;
mod transport;

pub use driver::Driver;
pub use ndjson::NdjsonTransport;
pub use peer::{
    Incoming, IncomingRequest, IncomingStream, Peer, RawResponseFuture, RequestError,
    ResponseFuture,
};
pub use transport::{Received, Transport, TransportError};

use crate::Side;
use crate::engine::EngineConfig;
pub use crate::engine::RequestOptions;

/// Starts a connection over `transport` and spawns its [`Driver`] on the current tokio
/// runtime. Returns the handle to send with and the stream of what the peer sends.
///
/// # Panics
/// Outside a tokio runtime.
pub fn connect<T: Transport>(
    transport: T,
    side: Side,
    config: EngineConfig,
) -> (Peer, IncomingStream) {
    let (peer, incoming, driver) = connection(transport, side, config);
    tokio::spawn(async move {
        if let Err(e) = driver.run().await {
            tracing::debug!(error = %e, "connection ended by a transport error");
        }
    });
    (peer, incoming)
}

/// Like [`connect`], but returns the [`Driver`] for the caller to run (on a task of its
/// choosing, or inline with `select!` in a test).
pub fn connection<T: Transport>(
    transport: T,
    side: Side,
    config: EngineConfig,
) -> (Peer, IncomingStream, Driver<T>) {
    driver::new(transport, side, config)
}
