//! The queue between a request's handler (or the session) and the SSE stream that carries its
//! messages to the client, bounded for the messages a slow reader could let pile up.
//!
//! A handler sends as fast as it likes (progress, logs, server-to-client requests); the
//! stream drains the queue only as fast as the client reads, and not at all while a
//! session-era stream waits, detached, for the client to resume it. So at most `cap`
//! notifications and requests wait unsent: past that they are refused (the handler's send
//! reports that it did not leave: a notification is dropped, a request fails at once). The
//! response, and the order to close, are never refused: the last message of a stream always
//! arrives.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};

use tokio::sync::mpsc;

use super::outbound::Item;

/// The default bound: messages waiting unsent on one stream.
pub(crate) const DEFAULT_CAP: usize = 1024;

/// A queue with room for `cap` waiting messages (responses and closes do not count).
pub(crate) fn channel(cap: usize) -> (Tx, Rx) {
    let (tx, rx) = mpsc::unbounded_channel();
    let waiting = Arc::new(AtomicUsize::new(0));
    (
        Tx {
            tx,
            waiting: waiting.clone(),
            cap,
        },
        Rx { rx, waiting },
    )
}

/// Why an item was not queued.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Refused {
    /// The stream is gone.
    Closed,
    /// `cap` messages already wait unsent.
    Full,
}

/// The sending side; clones share the bound.
#[derive(Clone, Debug)]
pub(crate) struct Tx {
    tx: mpsc::UnboundedSender<Item>,
    /// Messages (not responses or closes) sent and not yet taken by the stream.
    waiting: Arc<AtomicUsize>,
    cap: usize,
}

impl Tx {
    /// Queues `item`: a message only while fewer than `cap` wait; a response or a close
    /// always.
    pub(crate) fn send(&self, item: Item) -> Result<(), Refused> {
        if !matches!(item, Item::Message(_)) {
            return self.tx.send(item).map_err(|_| Refused::Closed);
        }
        if self.waiting.fetch_add(1, Ordering::AcqRel) >= self.cap {
            self.waiting.fetch_sub(1, Ordering::AcqRel);
            return Err(Refused::Full);
        }
        self.tx.send(item).map_err(|_| {
            self.waiting.fetch_sub(1, Ordering::AcqRel);
            Refused::Closed
        })
    }

    /// Whether the stream is gone.
    pub(crate) fn is_closed(&self) -> bool {
        self.tx.is_closed()
    }
}

/// The receiving side, read by the SSE stream (or the JSON answer).
#[derive(Debug)]
pub(crate) struct Rx {
    rx: mpsc::UnboundedReceiver<Item>,
    waiting: Arc<AtomicUsize>,
}

impl Rx {
    /// The next item, if one is ready.
    pub(crate) fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<Item>> {
        let polled = self.rx.poll_recv(cx);
        if let Poll::Ready(Some(Item::Message(_))) = polled {
            self.waiting.fetch_sub(1, Ordering::AcqRel);
        }
        polled
    }

    /// The next item; `None` once every sender is gone.
    pub(crate) async fn recv(&mut self) -> Option<Item> {
        std::future::poll_fn(|cx| self.poll_recv(cx)).await
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;

    fn message() -> Item {
        Item::Message(Bytes::from_static(b"{}"))
    }

    #[tokio::test]
    async fn past_the_bound_messages_are_refused_but_the_response_is_not() {
        let (tx, mut rx) = channel(3);
        for _ in 0..3 {
            assert_eq!(tx.send(message()), Ok(()));
        }
        assert_eq!(tx.clone().send(message()), Err(Refused::Full));
        assert_eq!(
            tx.send(Item::Final(Bytes::from_static(b"{}"), None)),
            Ok(())
        );
        assert_eq!(tx.send(Item::Close), Ok(()));
        // Reading one frees one place.
        assert!(matches!(rx.recv().await, Some(Item::Message(_))));
        assert_eq!(tx.send(message()), Ok(()));
        assert_eq!(tx.send(message()), Err(Refused::Full));
        let mut kinds = Vec::new();
        drop(tx);
        while let Some(item) = rx.recv().await {
            kinds.push(match item {
                Item::Message(_) => "message",
                Item::Final(..) => "final",
                Item::Close => "close",
            });
        }
        assert_eq!(kinds, ["message", "message", "final", "close", "message"]);
    }

    #[tokio::test]
    async fn a_gone_stream_refuses_everything() {
        let (tx, rx) = channel(3);
        drop(rx);
        assert_eq!(tx.send(message()), Err(Refused::Closed));
        assert_eq!(tx.send(Item::Close), Err(Refused::Closed));
        assert!(tx.is_closed());
    }
}
