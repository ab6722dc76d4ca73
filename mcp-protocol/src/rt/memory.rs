//! An in-memory connected pair of transports, for tests and for running client and server in
//! one process.
//!
//! In [`Mode::Direct`] a [`Message`] value crosses the channel as it is: no JSON, no copy. In
//! [`Mode::Serialized`] every message is encoded to bytes and decoded again on the other side,
//! exactly as a real transport does, so tests see what the wire would do to it.

use std::task::{Context, Poll};

use futures::channel::mpsc;
use futures::{Sink, Stream};
use std::pin::Pin;

use super::transport::{Received, Transport, TransportError};
use crate::jsonrpc::Message;

/// How messages cross an in-memory pair.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// Pass the values themselves.
    #[default]
    Direct,
    /// Encode to JSON bytes and decode again, per message.
    Serialized,
}

/// How many messages may wait in each direction before the sender is held back.
const CAPACITY: usize = 256;

#[derive(Debug)]
enum Frame {
    Message(Message),
    Bytes(Vec<u8>),
}

/// One end of an in-memory pair; see [`pair`].
#[derive(Debug)]
pub struct MemoryTransport {
    tx: mpsc::Sender<Frame>,
    rx: mpsc::Receiver<Frame>,
    mode: Mode,
}

/// Two transports connected back to back: what one sends, the other receives.
pub fn pair(mode: Mode) -> (MemoryTransport, MemoryTransport) {
    let (a_tx, b_rx) = mpsc::channel(CAPACITY);
    let (b_tx, a_rx) = mpsc::channel(CAPACITY);
    (
        MemoryTransport {
            tx: a_tx,
            rx: a_rx,
            mode,
        },
        MemoryTransport {
            tx: b_tx,
            rx: b_rx,
            mode,
        },
    )
}

impl Transport for MemoryTransport {
    fn poll_recv(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Received, TransportError>>> {
        Pin::new(&mut self.rx).poll_next(cx).map(|frame| {
            frame.map(|frame| {
                Ok(match frame {
                    Frame::Message(m) => Ok(m),
                    Frame::Bytes(b) => Message::from_slice(&b),
                })
            })
        })
    }

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), TransportError>> {
        self.tx.poll_ready(cx).map_err(|_| TransportError::Closed)
    }

    fn start_send(&mut self, msg: Message) -> Result<(), TransportError> {
        let frame = match self.mode {
            Mode::Direct => Frame::Message(msg),
            Mode::Serialized => Frame::Bytes(msg.to_vec()),
        };
        self.tx
            .start_send(frame)
            .map_err(|_| TransportError::Closed)
    }

    fn poll_flush(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), TransportError>> {
        Pin::new(&mut self.tx)
            .poll_flush(cx)
            .map_err(|_| TransportError::Closed)
    }

    fn poll_close(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), TransportError>> {
        self.tx.close_channel();
        Poll::Ready(Ok(()))
    }
}
