//! The recording tap: a [`Transport`] wrapper on the client's side of a connection that
//! keeps every JSON-RPC message crossing it, in order, with its direction. The client
//! talks to every transport through this trait, so the same tap records an in-memory pair
//! and a child process over stdio alike.

use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use mcp_protocol::Message;
use mcp_protocol::rt::{Received, Transport, TransportError};
use serde_json::Value;

/// Which way a message went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dir {
    /// Client to server.
    C2s,
    /// Server to client.
    S2c,
}

impl Dir {
    /// Its name in a transcript line.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::C2s => "c2s",
            Self::S2c => "s2c",
        }
    }

    /// The other direction.
    pub(crate) fn reverse(self) -> Self {
        match self {
            Self::C2s => Self::S2c,
            Self::S2c => Self::C2s,
        }
    }
}

/// The messages recorded so far, shared between the tap and whoever reads them.
pub(crate) type Recording = Arc<Mutex<Vec<(Dir, Value)>>>;

/// Wraps a transport and records what crosses it.
pub(crate) struct Tap<T> {
    inner: T,
    log: Recording,
}

impl<T> Tap<T> {
    /// Taps `inner`; the messages go to `log`.
    pub(crate) fn new(inner: T, log: Recording) -> Self {
        Self { inner, log }
    }

    fn keep(&self, dir: Dir, msg: &Message) {
        // The encoded message, as it goes on the wire (raw params and results untouched).
        let value = serde_json::from_slice(&msg.to_vec()).unwrap_or(Value::Null);
        self.log
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((dir, value));
    }
}

impl<T: Transport> Transport for Tap<T> {
    fn poll_recv(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Received, TransportError>>> {
        let got = self.inner.poll_recv(cx);
        if let Poll::Ready(Some(Ok(Ok(msg)))) = &got {
            self.keep(Dir::S2c, msg);
        }
        got
    }

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), TransportError>> {
        self.inner.poll_ready(cx)
    }

    fn start_send(&mut self, msg: Message) -> Result<(), TransportError> {
        self.keep(Dir::C2s, &msg);
        self.inner.start_send(msg)
    }

    fn poll_flush(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), TransportError>> {
        self.inner.poll_flush(cx)
    }

    fn poll_close(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), TransportError>> {
        self.inner.poll_close(cx)
    }
}
