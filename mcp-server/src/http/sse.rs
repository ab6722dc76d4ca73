//! Server-Sent Events: how an event is written, and [`SseStream`], the body of every SSE
//! response (a POST's response stream, the session's GET stream, a resumed stream, the
//! 2024-11-05 `/sse` stream, a 2026-07-28 `subscriptions/listen` stream).

use std::collections::VecDeque;
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{BufMut, Bytes, BytesMut};
use http_body::{Body, Frame, SizeHint};
use tokio::time::{Interval, MissedTickBehavior};
use tokio_util::sync::{CancellationToken, WaitForCancellationFutureOwned};

use super::event_store::EventStore;
use super::outbound::Item;
use super::queue;
use super::session::HttpSession;

/// One SSE event: optional `id:`, `event:` and `retry:` fields, then `data:`.
/// JSON-RPC messages are encoded compactly (no newlines), so `data` is one line.
pub(crate) fn event(
    id: Option<&str>,
    name: Option<&str>,
    retry: Option<Duration>,
    data: &[u8],
) -> Bytes {
    let mut out = BytesMut::with_capacity(data.len() + 64);
    if let Some(id) = id {
        out.put_slice(b"id: ");
        out.put_slice(id.as_bytes());
        out.put_u8(b'\n');
    }
    if let Some(name) = name {
        out.put_slice(b"event: ");
        out.put_slice(name.as_bytes());
        out.put_u8(b'\n');
    }
    if let Some(retry) = retry {
        out.put_slice(format!("retry: {}\n", retry.as_millis()).as_bytes());
    }
    out.put_slice(b"data: ");
    out.put_slice(data);
    out.put_slice(b"\n\n");
    out.freeze()
}

/// How the events of a stream are written.
#[derive(Debug)]
pub(crate) enum Framing {
    /// Plain `data:` events (2026-07-28: streams are not resumable).
    Plain,
    /// `event: message` (2024-11-05 HTTP+SSE).
    Legacy,
    /// Every event stored and given an id (session era, resumable).
    Resumable {
        stream: String,
        store: Arc<dyn EventStore>,
    },
}

/// What happens when the client goes away before the stream ends.
#[derive(Debug)]
pub(crate) enum OnDrop {
    Nothing,
    /// 2026-07-28 basic/transports §Cancellation: closing the response stream cancels
    /// the request.
    Cancel(CancellationToken),
    /// Session era: disconnection is not cancellation; what is still to come waits for a
    /// `GET` with `Last-Event-ID` (or, for the GET stream, is dropped).
    Detach(Arc<HttpSession>),
    /// The 2024-11-05 `/sse` stream is the session: it ends with it.
    EndSession(Arc<HttpSession>),
}

/// The body of an SSE response.
#[derive(Debug)]
pub(crate) struct SseStream {
    ready: VecDeque<Bytes>,
    rx: Option<queue::Rx>,
    framing: Framing,
    /// Responses still to come before the stream ends (more than one for a 2025-03-26
    /// batch).
    finals: usize,
    done: bool,
    /// The server closes the connection (polling) once `ready` is sent.
    closing: bool,
    shutdown: Option<Pin<Box<WaitForCancellationFutureOwned>>>,
    keep_alive: Option<Interval>,
    /// The stream ends here: the caller's token expires (plus leeway).
    deadline: Option<Pin<Box<tokio::time::Sleep>>>,
    on_drop: OnDrop,
}

impl SseStream {
    pub(crate) fn new(rx: queue::Rx, framing: Framing, on_drop: OnDrop) -> Self {
        Self {
            ready: VecDeque::new(),
            rx: Some(rx),
            framing,
            finals: 1,
            done: false,
            closing: false,
            shutdown: None,
            keep_alive: None,
            deadline: None,
            on_drop,
        }
    }

    /// The stream ends after `n` responses instead of one.
    pub(crate) fn responses(mut self, n: usize) -> Self {
        self.finals = n.max(1);
        self
    }

    /// Ends the stream when `shutdown` is cancelled (long-lived streams: GET, `/sse`;
    /// a POST's stream ends with its response instead, so in-flight calls finish).
    pub(crate) fn ends_on(mut self, shutdown: CancellationToken) -> Self {
        self.shutdown = Some(Box::pin(shutdown.cancelled_owned()));
        self
    }

    /// Ends the stream at `at` (when given): an event stream must not outlive the token that
    /// opened it, or a holder of an expired (or revoked-by-expiry) token keeps receiving the
    /// server's messages (2025-11-25 basic/authorization §Token Handling: every request is
    /// authorized, and a stream is one long request).
    pub(crate) fn ends_at(mut self, at: Option<std::time::SystemTime>) -> Self {
        if let Some(at) = at {
            let left = at
                .duration_since(std::time::SystemTime::now())
                .unwrap_or(Duration::ZERO);
            self.deadline = Some(Box::pin(tokio::time::sleep(left)));
        }
        self
    }

    /// Sends a `:` comment every `every` while the stream is quiet.
    pub(crate) fn keep_alive(mut self, every: Duration) -> Self {
        let mut interval = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        interval.set_missed_tick_behavior(MissedTickBehavior::Delay);
        self.keep_alive = Some(interval);
        self
    }

    /// Queues an already written event.
    pub(crate) fn push_raw(&mut self, event: Bytes) {
        self.ready.push_back(event);
    }

    /// Queues the priming event of a resumable stream (2025-11-25 basic/transports §Sending
    /// Messages 6: an event id and empty data, so the client can reconnect from it), with
    /// `retry:`.
    pub(crate) fn prime(&mut self, retry: Option<Duration>) {
        if let Framing::Resumable { stream, store } = &self.framing {
            let id = store.append(stream, Bytes::new());
            self.ready.push_back(event(Some(&id), None, retry, b""));
        }
    }

    /// Writes `item` as an event (storing it first if the stream is resumable).
    pub(crate) fn push(&mut self, item: Item) {
        let (data, last) = match item {
            Item::Message(data) => (data, false),
            Item::Final(data, _) => (data, true),
            Item::Close => {
                // The connection ends once what is queued is out; the stream does not
                // (`OnDrop::Detach` keeps the rest for the client's GET).
                if matches!(self.framing, Framing::Resumable { .. }) {
                    self.closing = true;
                }
                return;
            }
        };
        let frame = match &self.framing {
            Framing::Plain => event(None, None, None, &data),
            Framing::Legacy => event(None, Some("message"), None, &data),
            Framing::Resumable { stream, store } => {
                let id = store.append(stream, data.clone());
                event(Some(&id), None, None, &data)
            }
        };
        self.ready.push_back(frame);
        if last {
            self.finals = self.finals.saturating_sub(1);
        }
        if last && self.finals == 0 {
            self.done = true;
            self.rx = None;
        }
    }
}

impl Body for SseStream {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let this = self.get_mut();
        loop {
            if let Some(frame) = this.ready.pop_front() {
                return Poll::Ready(Some(Ok(Frame::data(frame))));
            }
            if this.closing {
                return Poll::Ready(None);
            }
            let Some(rx) = &mut this.rx else {
                return Poll::Ready(None);
            };
            match rx.poll_recv(cx) {
                Poll::Ready(Some(item)) => {
                    this.push(item);
                    continue;
                }
                Poll::Ready(None) => {
                    // Every sender is gone: the request ended without an answer, or the
                    // session closed.
                    this.done = true;
                    this.rx = None;
                    return Poll::Ready(None);
                }
                Poll::Pending => {}
            }
            if let Some(shutdown) = &mut this.shutdown
                && shutdown.as_mut().poll(cx).is_ready()
            {
                // The server shuts down: long-lived streams end so connections can drain.
                this.rx = None;
                return Poll::Ready(None);
            }
            if let Some(deadline) = &mut this.deadline
                && deadline.as_mut().poll(cx).is_ready()
            {
                // The caller's token expired: the stream ends; a new one needs a new token.
                this.rx = None;
                return Poll::Ready(None);
            }
            if let Some(ka) = &mut this.keep_alive
                && ka.poll_tick(cx).is_ready()
            {
                return Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(b":\n\n")))));
            }
            return Poll::Pending;
        }
    }

    fn is_end_stream(&self) -> bool {
        (self.rx.is_none() || self.closing) && self.ready.is_empty()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::default()
    }
}

impl Drop for SseStream {
    fn drop(&mut self) {
        match std::mem::replace(&mut self.on_drop, OnDrop::Nothing) {
            OnDrop::Nothing => {}
            OnDrop::Cancel(token) => {
                if !self.done {
                    token.cancel();
                }
            }
            OnDrop::Detach(session) => {
                if let (Some(rx), Framing::Resumable { stream, .. }) =
                    (self.rx.take(), &self.framing)
                    && !self.done
                {
                    session.detach(stream.clone(), rx);
                }
            }
            OnDrop::EndSession(session) => session.end(),
        }
    }
}
