//! Opening a connection: start the engine over a transport, start the inbox, negotiate.
//!
//! Transport-neutral: anything that implements [`Transport`] works (in-memory pairs, a
//! child's stdio, and later Streamable HTTP); [`child`] adds spawning a server process.

pub(crate) mod child;
pub(crate) mod era;

use std::sync::Arc;

use mcp_protocol::engine::EngineConfig;
use mcp_protocol::rt::{self, Peer, Transport};

use crate::call::{Config, Conn, SIDE};
use crate::client::Client;
use crate::error::Result;
use crate::handler::Handlers;
use crate::inbox::{self, Inbox};

/// Connects over `transport` and negotiates; on failure the connection is closed.
pub(crate) async fn connect<T: Transport>(
    transport: T,
    config: Config,
    handlers: Handlers,
) -> Result<Client> {
    let engine = EngineConfig::new().default_timeout(config.request_timeout);
    let (peer, incoming) = rt::connect(transport, SIDE, engine);
    // Closes the connection if negotiation fails, or if this future is dropped half way.
    let guard = CloseOnDrop(Some(peer.clone()));
    let handlers = Arc::new(handlers);
    let (inbox, fences) = Inbox::new();
    let inbox = Arc::new(inbox);
    tokio::spawn(inbox::run(
        incoming,
        handlers.clone(),
        inbox.clone(),
        fences,
    ));
    let conn = Conn {
        peer,
        config,
        handlers,
        stamps: Default::default(),
    };
    let negotiated = era::negotiate(&conn).await?;
    tracing::debug!(version = %negotiated.version, server = %negotiated.server_info.name, "connected");
    inbox.set_version(negotiated.version);
    guard.disarm();
    Ok(Client::new(conn, negotiated, inbox))
}

struct CloseOnDrop(Option<Peer>);

impl CloseOnDrop {
    fn disarm(mut self) {
        self.0 = None;
    }
}

impl Drop for CloseOnDrop {
    fn drop(&mut self) {
        if let Some(peer) = &self.0 {
            peer.close();
        }
    }
}
