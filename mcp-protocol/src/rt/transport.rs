//! The [`Transport`] trait: how the driver moves messages in and out.

use std::future::{Future, poll_fn};
use std::io;
use std::task::{Context, Poll};

use crate::engine::RequestFailure;
use crate::error::DecodeError;
use crate::jsonrpc::{Message, RequestId};

/// What a transport read: a message, or the reason the bytes were not one (the engine answers
/// the latter with the right JSON-RPC error and carries on).
pub type Received = Result<Message, DecodeError>;

/// The transport itself failed; the connection is over.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
    /// Reading or writing failed.
    #[error("transport I/O failed: {0}")]
    Io(#[from] io::Error),
    /// The other end is gone.
    #[error("the other end of the transport is gone")]
    Closed,
}

/// A bidirectional message channel to the peer: the only thing the [driver](super::Driver)
/// needs to know about stdio, a socket or an in-memory pipe.
///
/// The methods are poll-based, like a `Stream` and a `Sink` in one, so that one task can wait
/// for input and make progress on output at the same time, with no boxed future per message
/// and no second writer: the driver is the only caller. [`Transport::send`],
/// [`Transport::recv`] and [`Transport::close`] wrap them as `async` methods for direct use.
///
/// Sending is split as in `futures::Sink`: [`Transport::poll_ready`] before each
/// [`Transport::start_send`] (backpressure), then [`Transport::poll_flush`] once for a batch,
/// so a burst of messages can leave in one write.
pub trait Transport: Send + 'static {
    /// The next message from the peer; `Ready(None)` at a clean end of stream. Must be
    /// cancel-safe: a `Pending` loses nothing.
    fn poll_recv(&mut self, cx: &mut Context<'_>)
    -> Poll<Option<Result<Received, TransportError>>>;

    /// Ready to take one more message with [`Transport::start_send`].
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), TransportError>>;

    /// Queues a message; call only after [`Transport::poll_ready`] returned `Ready(Ok)`.
    fn start_send(&mut self, msg: Message) -> Result<(), TransportError>;

    /// Writes out everything queued.
    fn poll_flush(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), TransportError>>;

    /// Flushes, then closes the sending side so the peer sees end of stream.
    fn poll_close(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), TransportError>>;

    /// The next request of ours that this transport could not get answered, while the
    /// connection goes on, and why (see [`RequestFailure`]); the driver ends that request
    /// with it ([`Engine::fail`](crate::engine::Engine::fail)). Polled by the driver after
    /// [`Transport::poll_recv`] in the same turn. Must be cancel-safe.
    ///
    /// The default never yields one: a message-stream transport (stdio, in-memory) has no
    /// per-request failure, since a failure of its pipe ends the connection (an `Err` from
    /// [`Transport::poll_recv`]). A request-per-message transport such as Streamable HTTP
    /// overrides it, so that an HTTP error status or a broken response stream reaches the
    /// caller as what it is rather than as a made-up JSON-RPC error.
    fn poll_request_failure(&mut self, cx: &mut Context<'_>) -> Poll<(RequestId, RequestFailure)> {
        let _ = cx;
        Poll::Pending
    }

    /// Receives one message.
    fn recv(&mut self) -> impl Future<Output = Option<Result<Received, TransportError>>> + Send
    where
        Self: Sized,
    {
        poll_fn(move |cx| self.poll_recv(cx))
    }

    /// Sends one message and flushes it.
    fn send(&mut self, msg: Message) -> impl Future<Output = Result<(), TransportError>> + Send
    where
        Self: Sized,
    {
        async move {
            poll_fn(|cx| self.poll_ready(cx)).await?;
            self.start_send(msg)?;
            poll_fn(|cx| self.poll_flush(cx)).await
        }
    }

    /// Flushes and closes the sending side.
    fn close(&mut self) -> impl Future<Output = Result<(), TransportError>> + Send
    where
        Self: Sized,
    {
        poll_fn(move |cx| self.poll_close(cx))
    }
}
