//! The driver: the one task that owns a transport, the engine and one timer.
//!
//! Handles ([`Peer`], [`IncomingRequest`], [`ResponseFuture`]) never touch the transport. They
//! lock the shared engine for the few microseconds a command takes (never across an
//! `.await`), then wake the driver, which moves what the engine queued to the transport,
//! reads what arrived, fires the timer, and hands events out: completions to the waiting
//! futures, requests and notifications to the application's [`IncomingStream`]. This is the
//! shape of quinn's `ConnectionDriver`; it is the only `select!` in the crate.

use std::collections::{HashMap, VecDeque};
use std::future::poll_fn;
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use tokio::sync::{Notify, mpsc};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::peer::{Incoming, IncomingRequest, IncomingStream, Peer};
use super::transport::{Received, Transport, TransportError};
use crate::Side;
use crate::engine::{
    CloseReason, Completion, Engine, EngineConfig, Event, RequestFailure, Violation,
};
use crate::jsonrpc::{ErrorObject, Message, RequestId, ResultOrError};
use crate::methods::ProgressParams;

/// How long the driver keeps trying to deliver its last messages (cancellations queued by a
/// close) before it gives up on a peer that does not read.
const FINAL_FLUSH: Duration = Duration::from_secs(1);

/// What handles and the driver share.
#[derive(Debug)]
pub(crate) struct Shared {
    state: Mutex<State>,
    /// Wakes the driver after a command queued something.
    pub(crate) wake_driver: Notify,
    /// Live [`Peer`]s and [`IncomingStream`]s; at zero the connection closes.
    users: AtomicUsize,
}

#[derive(Debug)]
pub(crate) struct State {
    pub(crate) engine: Engine,
    /// Our pending requests that someone awaits, by id.
    pub(crate) waiters: HashMap<i64, Waiter>,
    /// The peer's in-flight requests, to tell their handlers when the peer cancels.
    pub(crate) cancel_tokens: HashMap<RequestId, CancellationToken>,
}

#[derive(Debug, Default)]
pub(crate) struct Waiter {
    pub(crate) completion: Option<Completion>,
    pub(crate) waker: Option<Waker>,
    pub(crate) progress: Option<mpsc::UnboundedSender<ProgressParams>>,
}

impl Shared {
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves the engine consistent (its methods do not
        // panic half way), so poisoning is ignored.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn add_user(&self) {
        self.users.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn remove_user(&self) {
        if self.users.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.lock().engine.close(CloseReason::Local);
            self.wake_driver.notify_one();
        }
    }
}

/// Runs one connection (see the [`rt` module docs](super) for the design). Created by [`super::connect`] (which
/// spawns it) or [`super::connection`] (which hands it to you to run).
#[derive(Debug)]
#[must_use = "the connection makes no progress unless the driver runs"]
pub struct Driver<T> {
    shared: Arc<Shared>,
    transport: T,
    incoming: Option<mpsc::UnboundedSender<Incoming>>,
    outbox: VecDeque<Message>,
}

/// What the transport did, as seen by [`poll_io`].
enum Io {
    Received(Received),
    RequestFailed(RequestId, RequestFailure),
    Eof,
    Failed(TransportError),
}

/// The transport's error twice: once as the [`CloseReason::Transport`] that every request the
/// close ends shares, once for the driver's caller. Both are the same [`TransportError`]
/// variant; an `io::Error` is shared between them (each one's `get_ref`), not copied into text.
fn shared_failure(e: TransportError) -> (RequestFailure, TransportError) {
    match e {
        TransportError::Io(io) => {
            let kind = io.kind();
            let io = Arc::new(io);
            let reason = TransportError::Io(std::io::Error::new(kind, io.clone()));
            (
                RequestFailure::new(reason),
                TransportError::Io(std::io::Error::new(kind, io)),
            )
        }
        TransportError::Closed => (
            RequestFailure::new(TransportError::Closed),
            TransportError::Closed,
        ),
    }
}

pub(crate) fn new<T: Transport>(
    transport: T,
    side: Side,
    config: EngineConfig,
) -> (Peer, IncomingStream, Driver<T>) {
    let shared = Arc::new(Shared {
        state: Mutex::new(State {
            engine: Engine::new(side, config),
            waiters: HashMap::new(),
            cancel_tokens: HashMap::new(),
        }),
        wake_driver: Notify::new(),
        users: AtomicUsize::new(0),
    });
    let (tx, rx) = mpsc::unbounded_channel();
    let peer = Peer::new(shared.clone());
    let incoming = IncomingStream::new(rx, shared.clone());
    let driver = Driver {
        shared,
        transport,
        incoming: Some(tx),
        outbox: VecDeque::new(),
    };
    (peer, incoming, driver)
}

impl<T: Transport> Driver<T> {
    /// Runs the connection until it closes: the peer hangs up (its stream ends; its requests
    /// still in flight are answered first, see
    /// [`Engine::input_ended`](crate::engine::Engine::input_ended)), the transport fails,
    /// [`Peer::close`] is called, or every [`Peer`] and the [`IncomingStream`] are dropped.
    /// Returns the transport's error, if that is what ended it.
    pub async fn run(self) -> Result<(), TransportError> {
        let Self {
            shared,
            mut transport,
            mut incoming,
            mut outbox,
        } = self;
        let mut flush_pending = false;
        // The peer's stream ended; we keep writing until the engine closes.
        let mut input_done = false;
        let mut sleep = pin!(tokio::time::sleep(Duration::ZERO));
        let mut result = Ok(());
        loop {
            let (deadline, closed) = {
                let mut st = shared.lock();
                let closed_channel = dispatch(&mut st, &shared, &mut incoming);
                while let Some(m) = st.engine.poll_transmit() {
                    outbox.push_back(m);
                }
                let out = (st.engine.poll_timeout(), st.engine.close_reason().is_some());
                drop(st);
                // Dropped outside the lock: queued `IncomingRequest`s lock it when dropped.
                drop(closed_channel);
                if input_done {
                    // Everything the peer sent was handed out above; the application's
                    // stream ends here, while its answers can still leave.
                    drop(incoming.take());
                }
                out
            };
            if closed {
                break;
            }
            if let Some(deadline) = deadline {
                sleep.as_mut().reset(Instant::from_std(deadline));
            }
            tokio::select! {
                () = shared.wake_driver.notified() => {}
                io = poll_fn(|cx| poll_io(&mut transport, &mut outbox, &mut flush_pending, input_done, cx)) => {
                    let now = Instant::now().into_std();
                    let mut st = shared.lock();
                    match io {
                        Io::Received(input) => st.engine.handle_input(input, now),
                        Io::RequestFailed(id, failure) => {
                            // Already answered, timed out or cancelled: nothing to fail.
                            st.engine.fail(&id, failure);
                        }
                        Io::Eof => {
                            input_done = true;
                            st.engine.input_ended();
                        }
                        Io::Failed(e) => {
                            let (reason, e) = shared_failure(e);
                            st.engine.close(CloseReason::Transport(reason));
                            result = Err(e);
                        }
                    }
                }
                () = &mut sleep, if deadline.is_some() => {
                    shared.lock().engine.handle_timeout(Instant::now().into_std());
                }
            }
        }
        // Closed: hand out the last events, then try to deliver what is queued (the
        // cancellations of requests that were pending) and close our sending side.
        let closed_channel = {
            let mut st = shared.lock();
            let closed_channel = dispatch(&mut st, &shared, &mut incoming);
            while let Some(m) = st.engine.poll_transmit() {
                outbox.push_back(m);
            }
            closed_channel
        };
        drop(closed_channel);
        drop(incoming);
        if result.is_ok() {
            let flush = async {
                while let Some(m) = outbox.pop_front() {
                    poll_fn(|cx| transport.poll_ready(cx)).await?;
                    transport.start_send(m)?;
                }
                poll_fn(|cx| transport.poll_close(cx)).await
            };
            // A peer that stopped reading (or is gone) cannot hold us here.
            let _ = tokio::time::timeout(FINAL_FLUSH, flush).await;
        }
        result
    }
}

/// Moves queued messages into the transport, flushes, and waits for input; returns when
/// something arrived or the transport failed. Write progress is made on every poll, so a peer
/// that is slow to read never stops us reading (and neither side can deadlock on full pipes).
fn poll_io<T: Transport>(
    transport: &mut T,
    outbox: &mut VecDeque<Message>,
    flush_pending: &mut bool,
    input_done: bool,
    cx: &mut Context<'_>,
) -> Poll<Io> {
    while !outbox.is_empty() {
        match transport.poll_ready(cx) {
            Poll::Ready(Ok(())) => {
                let Some(m) = outbox.pop_front() else { break };
                if let Err(e) = transport.start_send(m) {
                    return Poll::Ready(Io::Failed(e));
                }
                *flush_pending = true;
            }
            Poll::Ready(Err(e)) => return Poll::Ready(Io::Failed(e)),
            Poll::Pending => break,
        }
    }
    if *flush_pending {
        match transport.poll_flush(cx) {
            Poll::Ready(Ok(())) => *flush_pending = false,
            Poll::Ready(Err(e)) => return Poll::Ready(Io::Failed(e)),
            Poll::Pending => {}
        }
    }
    if input_done {
        return Poll::Pending;
    }
    match transport.poll_recv(cx) {
        Poll::Ready(Some(Ok(input))) => Poll::Ready(Io::Received(input)),
        Poll::Ready(Some(Err(e))) => Poll::Ready(Io::Failed(e)),
        Poll::Ready(None) => Poll::Ready(Io::Eof),
        Poll::Pending => match transport.poll_request_failure(cx) {
            Poll::Ready((id, failure)) => Poll::Ready(Io::RequestFailed(id, failure)),
            Poll::Pending => Poll::Pending,
        },
    }
}

/// Hands the engine's events out. Returns the application's channel if the engine closed, for
/// the caller to drop once the lock is released.
fn dispatch(
    st: &mut State,
    shared: &Arc<Shared>,
    incoming: &mut Option<mpsc::UnboundedSender<Incoming>>,
) -> Option<mpsc::UnboundedSender<Incoming>> {
    let mut closed_channel = None;
    while let Some(event) = st.engine.poll_event() {
        match event {
            Event::Completed(c) => {
                if let RequestId::Number(n) = c.id
                    && let Some(w) = st.waiters.get_mut(&n)
                {
                    w.completion = Some(c.completion);
                    w.progress = None;
                    if let Some(waker) = w.waker.take() {
                        waker.wake();
                    }
                }
            }
            Event::Progress { id, params } => {
                if let RequestId::Number(n) = id
                    && let Some(tx) = st.waiters.get(&n).and_then(|w| w.progress.as_ref())
                {
                    let _ = tx.send(params);
                }
            }
            Event::Request(message) => {
                let token = CancellationToken::new();
                let id = message.id.clone();
                let request = IncomingRequest::new(message, shared.clone(), token.clone());
                match incoming
                    .as_ref()
                    .map(|tx| tx.send(Incoming::Request(request)))
                {
                    Some(Ok(())) => {
                        st.cancel_tokens.insert(id, token);
                    }
                    // Nobody takes requests: answer for them, without dropping the request
                    // (its drop would lock the state we hold).
                    failed => {
                        if let Some(Err(mpsc::error::SendError(Incoming::Request(r)))) = failed {
                            r.disarm();
                        }
                        let method = "(no handler for requests)";
                        st.engine.respond(
                            &id,
                            ResultOrError::Error(ErrorObject::method_not_found(method)),
                        );
                    }
                }
            }
            Event::Notification(n) => {
                if let Some(tx) = incoming.as_ref() {
                    let _ = tx.send(Incoming::Notification(n));
                }
            }
            Event::Cancelled { id, reason } => {
                if let Some(token) = st.cancel_tokens.remove(&id) {
                    tracing::debug!(%id, ?reason, "the peer cancelled its request");
                    token.cancel();
                }
            }
            Event::Violation(v) => log_violation(&v),
            Event::Closed(reason) => {
                tracing::debug!(%reason, "connection closed");
                closed_channel = incoming.take();
                for token in st.cancel_tokens.values() {
                    token.cancel();
                }
                st.cancel_tokens.clear();
            }
        }
    }
    closed_channel
}

fn log_violation(v: &Violation) {
    match v {
        Violation::UnknownResponse { id, outcome } => {
            tracing::warn!(?id, ?outcome, "response to no request of ours");
        }
        Violation::DuplicateRequestId(id) => {
            tracing::warn!(%id, "request id already in flight; refused");
        }
        Violation::TooManyRequests(id) => {
            tracing::warn!(%id, "too many requests in flight; refused");
        }
        Violation::Decode(e) => tracing::warn!(error = %e, "bad input from the peer"),
    }
}
