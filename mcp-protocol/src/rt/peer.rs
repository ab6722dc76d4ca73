//! The application's side of a connection: [`Peer`] to send, [`IncomingStream`] to receive,
//! [`IncomingRequest`] to answer.

use std::borrow::Cow;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use serde_json::value::RawValue;
use tokio::sync::mpsc;
use tokio_util::sync::{CancellationToken, WaitForCancellationFuture};

use super::driver::{Shared, Waiter};
use crate::engine::{CloseReason, Completion, RequestFailure, RequestOptions, SendError};
use crate::error::DecodeError;
use crate::jsonrpc::{
    ErrorObject, NotificationMessage, RequestId, RequestMessage, ResponseMessage, ResultOrError,
    to_raw,
};
use crate::method::{Notification, Request};
use crate::methods::ProgressParams;

/// Why a request got no result.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RequestError {
    /// The peer answered with an error.
    #[error("the peer answered with an error: {0}")]
    Remote(ErrorObject),
    /// No answer before the deadline; the peer was sent `notifications/cancelled`.
    #[error("the request timed out")]
    TimedOut,
    /// We cancelled it.
    #[error("the request was cancelled")]
    Cancelled,
    /// The connection closed first.
    #[error("the connection closed: {0}")]
    Closed(CloseReason),
    /// The answer did not fit the method's result type.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// The request could not be sent.
    #[error(transparent)]
    Send(SendError),
    /// The transport could not get it answered (an HTTP error status, a broken response
    /// stream, …; see [`RequestFailure`]); the connection goes on.
    #[error("the transport could not get the request answered")]
    Failed(#[source] RequestFailure),
}

impl From<SendError> for RequestError {
    fn from(e: SendError) -> Self {
        match e {
            SendError::Closed(reason) => Self::Closed(reason),
            other => Self::Send(other),
        }
    }
}

/// A cheap, cloneable handle to send requests and notifications to the peer.
#[derive(Debug)]
pub struct Peer {
    shared: Arc<Shared>,
}

impl Peer {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        shared.add_user();
        Self { shared }
    }

    /// Sends a typed request; the future resolves to its typed result. The request leaves at
    /// once, whether or not the future is polled; dropping the future before it resolves
    /// cancels the request (the peer gets `notifications/cancelled`).
    pub fn request<R: Request>(
        &self,
        params: &R::Params,
        options: RequestOptions,
    ) -> ResponseFuture<R> {
        let raw = match to_raw(params) {
            Ok(raw) => self.start(Cow::Borrowed(R::METHOD), Some(raw), options, None),
            Err(e) => RawResponseFuture::failed(&self.shared, SendError::Encode(e)),
        };
        ResponseFuture {
            raw,
            _method: PhantomData,
        }
    }

    /// Like [`Peer::request`], and also returns the progress the peer reports on it (the
    /// engine adds a progress token unless the params carry one). The stream ends with the
    /// request.
    pub fn request_with_progress<R: Request>(
        &self,
        params: &R::Params,
        options: RequestOptions,
    ) -> (ResponseFuture<R>, mpsc::UnboundedReceiver<ProgressParams>) {
        let (tx, rx) = mpsc::unbounded_channel();
        let raw = match to_raw(params) {
            Ok(raw) => self.start(
                Cow::Borrowed(R::METHOD),
                Some(raw),
                options.with_progress(),
                Some(tx),
            ),
            Err(e) => RawResponseFuture::failed(&self.shared, SendError::Encode(e)),
        };
        (
            ResponseFuture {
                raw,
                _method: PhantomData,
            },
            rx,
        )
    }

    /// Sends a request with raw params; the future resolves to the raw result.
    pub fn request_raw(
        &self,
        method: impl Into<Cow<'static, str>>,
        params: Option<Box<RawValue>>,
        options: RequestOptions,
    ) -> RawResponseFuture {
        self.start(method.into(), params, options, None)
    }

    fn start(
        &self,
        method: Cow<'static, str>,
        params: Option<Box<RawValue>>,
        options: RequestOptions,
        progress: Option<mpsc::UnboundedSender<ProgressParams>>,
    ) -> RawResponseFuture {
        let now = tokio::time::Instant::now().into_std();
        let sent = {
            let mut st = self.shared.lock();
            let sent = st.engine.send_raw_request(method, params, options, now);
            if let Ok(RequestId::Number(n)) = &sent {
                st.waiters.insert(
                    *n,
                    Waiter {
                        progress,
                        ..Waiter::default()
                    },
                );
            }
            sent
        };
        match sent {
            Ok(RequestId::Number(id)) => {
                self.shared.wake_driver.notify_one();
                RawResponseFuture {
                    shared: self.shared.clone(),
                    state: FutureState::Pending(id),
                }
            }
            // The engine only issues integer ids.
            Ok(RequestId::String(_)) => {
                RawResponseFuture::failed(&self.shared, SendError::Closed(CloseReason::Local))
            }
            Err(e) => RawResponseFuture::failed(&self.shared, e),
        }
    }

    /// Sends a typed notification.
    pub fn notify<N: Notification>(&self, params: &N::Params) -> Result<(), SendError> {
        let params = to_raw(params)?;
        self.notify_raw(N::METHOD, Some(params))
    }

    /// Sends a notification with raw params.
    pub fn notify_raw(
        &self,
        method: impl Into<Cow<'static, str>>,
        params: Option<Box<RawValue>>,
    ) -> Result<(), SendError> {
        self.shared
            .lock()
            .engine
            .send_raw_notification(method.into(), params)?;
        self.shared.wake_driver.notify_one();
        Ok(())
    }

    /// Closes the connection: pending requests fail with [`RequestError::Closed`], the
    /// [`IncomingStream`] ends, and the driver closes the transport and returns.
    pub fn close(&self) {
        self.shared.lock().engine.close(CloseReason::Local);
        self.shared.wake_driver.notify_one();
    }

    /// Whether the connection is closed, and why.
    pub fn close_reason(&self) -> Option<CloseReason> {
        self.shared.lock().engine.close_reason().cloned()
    }
}

impl Clone for Peer {
    fn clone(&self) -> Self {
        Self::new(self.shared.clone())
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        self.shared.remove_user();
    }
}

#[derive(Debug)]
enum FutureState {
    Pending(i64),
    Failed(SendError),
    Done,
}

/// The answer to [`Peer::request_raw`]: the raw result. Dropping it early cancels the request.
#[derive(Debug)]
#[must_use = "dropping the future cancels the request"]
pub struct RawResponseFuture {
    shared: Arc<Shared>,
    state: FutureState,
}

impl RawResponseFuture {
    fn failed(shared: &Arc<Shared>, e: SendError) -> Self {
        Self {
            shared: shared.clone(),
            state: FutureState::Failed(e),
        }
    }

    /// The id the request went out with (`None` if it could not be sent).
    pub fn id(&self) -> Option<RequestId> {
        match self.state {
            FutureState::Pending(id) => Some(RequestId::Number(id)),
            _ => None,
        }
    }

    /// Cancels the request now, with a reason for the peer's logs.
    pub fn cancel(mut self, reason: Option<String>) {
        if let FutureState::Pending(id) = std::mem::replace(&mut self.state, FutureState::Done) {
            cancel(&self.shared, id, reason);
        }
    }
}

fn cancel(shared: &Shared, id: i64, reason: Option<String>) {
    let mut st = shared.lock();
    st.waiters.remove(&id);
    if st.engine.cancel(&RequestId::Number(id), reason) {
        // The completion event it queued has no waiter any more; drop it with the others.
        drop(st);
        shared.wake_driver.notify_one();
    }
}

impl Future for RawResponseFuture {
    type Output = Result<Box<RawValue>, RequestError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let id = match std::mem::replace(&mut self.state, FutureState::Done) {
            FutureState::Pending(id) => id,
            FutureState::Failed(e) => return Poll::Ready(Err(e.into())),
            FutureState::Done => panic!("RawResponseFuture polled after completion"),
        };
        let mut st = self.shared.lock();
        let Some(waiter) = st.waiters.get_mut(&id) else {
            return Poll::Ready(Err(RequestError::Cancelled));
        };
        let Some(completion) = waiter.completion.take() else {
            if !waiter
                .waker
                .as_ref()
                .is_some_and(|w| w.will_wake(cx.waker()))
            {
                waiter.waker = Some(cx.waker().clone());
            }
            drop(st);
            self.state = FutureState::Pending(id);
            return Poll::Pending;
        };
        st.waiters.remove(&id);
        Poll::Ready(match completion {
            Completion::Response(ResultOrError::Result(raw)) => Ok(raw),
            Completion::Response(ResultOrError::Error(e)) => Err(RequestError::Remote(e)),
            Completion::TimedOut => Err(RequestError::TimedOut),
            Completion::Closed(reason) => Err(RequestError::Closed(reason)),
            Completion::Failed(failure) => Err(RequestError::Failed(failure)),
            _ => Err(RequestError::Cancelled),
        })
    }
}

impl Drop for RawResponseFuture {
    fn drop(&mut self) {
        if let FutureState::Pending(id) = self.state {
            cancel(
                &self.shared,
                id,
                Some("the requester lost interest".to_owned()),
            );
        }
    }
}

/// The answer to [`Peer::request`]: the typed result of `R`. Dropping it early cancels the
/// request.
#[must_use = "dropping the future cancels the request"]
pub struct ResponseFuture<R> {
    raw: RawResponseFuture,
    _method: PhantomData<fn() -> R>,
}

impl<R> std::fmt::Debug for ResponseFuture<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("ResponseFuture").field(&self.raw).finish()
    }
}

impl<R: Request> ResponseFuture<R> {
    /// The id the request went out with.
    pub fn id(&self) -> Option<RequestId> {
        self.raw.id()
    }

    /// Cancels the request now, with a reason.
    pub fn cancel(self, reason: Option<String>) {
        self.raw.cancel(reason);
    }
}

impl<R: Request> Future for ResponseFuture<R> {
    type Output = Result<R::Result, RequestError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let id = this.raw.id();
        let raw = std::task::ready!(Pin::new(&mut this.raw).poll(cx))?;
        let response = ResponseMessage {
            id,
            outcome: ResultOrError::Result(raw),
        };
        Poll::Ready(match response.decode_result::<R>()? {
            Ok(result) => Ok(result),
            Err(e) => Err(RequestError::Remote(e)),
        })
    }
}

/// What the peer sent that the application must handle.
#[derive(Debug)]
#[non_exhaustive]
pub enum Incoming {
    /// A request, to answer with [`IncomingRequest::respond`] (or one of its siblings).
    Request(IncomingRequest),
    /// A notification (cancellation and progress are handled by the engine and never appear).
    Notification(NotificationMessage),
}

/// The stream of what the peer sends; ends when the connection closes.
#[derive(Debug)]
pub struct IncomingStream {
    rx: mpsc::UnboundedReceiver<Incoming>,
    shared: Arc<Shared>,
}

impl IncomingStream {
    pub(crate) fn new(rx: mpsc::UnboundedReceiver<Incoming>, shared: Arc<Shared>) -> Self {
        shared.add_user();
        Self { rx, shared }
    }

    /// The next request or notification; `None` once the connection is closed.
    pub async fn next(&mut self) -> Option<Incoming> {
        self.rx.recv().await
    }

    /// The next request or notification if one is already waiting, without waiting.
    /// Everything the peer sent before the answer to one of our requests is waiting here
    /// by the time that answer is delivered, so draining with this after an answer sees all
    /// of it.
    pub fn try_next(&mut self) -> Option<Incoming> {
        self.rx.try_recv().ok()
    }
}

impl futures::Stream for IncomingStream {
    type Item = Incoming;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Incoming>> {
        self.rx.poll_recv(cx)
    }
}

impl Drop for IncomingStream {
    fn drop(&mut self) {
        self.shared.remove_user();
    }
}

/// A request from the peer. Answer it once; dropping it unanswered answers -32603 so the peer
/// is never left waiting. Once the peer cancels it, [`IncomingRequest::cancelled`] resolves
/// and the answer is not sent.
#[derive(Debug)]
pub struct IncomingRequest {
    message: RequestMessage,
    shared: Arc<Shared>,
    cancelled: CancellationToken,
    answered: bool,
}

impl IncomingRequest {
    pub(crate) fn new(
        message: RequestMessage,
        shared: Arc<Shared>,
        cancelled: CancellationToken,
    ) -> Self {
        Self {
            message,
            shared,
            cancelled,
            answered: false,
        }
    }

    /// Forgets the request without answering (the driver answers it itself).
    pub(crate) fn disarm(mut self) {
        self.answered = true;
    }

    /// The request's id.
    pub fn id(&self) -> &RequestId {
        &self.message.id
    }

    /// The method.
    pub fn method(&self) -> &str {
        &self.message.method
    }

    /// Whether this is a request for `R`.
    pub fn is<R: Request>(&self) -> bool {
        self.message.method == R::METHOD
    }

    /// The raw params.
    pub fn params(&self) -> Option<&RawValue> {
        self.message.params.as_deref()
    }

    /// The whole message.
    pub fn message(&self) -> &RequestMessage {
        &self.message
    }

    /// Decodes the params as those of `R`; on error, answer with
    /// [`DecodeError::to_error_object`] (-32602).
    pub fn decode_params<R: Request>(&self) -> Result<R::Params, DecodeError> {
        self.message.decode_params::<R>()
    }

    /// Resolves when the peer cancels the request (or the connection closes).
    pub fn cancelled(&self) -> WaitForCancellationFuture<'_> {
        self.cancelled.cancelled()
    }

    /// Whether the peer cancelled the request (or the connection closed).
    pub fn is_cancelled(&self) -> bool {
        self.cancelled.is_cancelled()
    }

    /// A token that is cancelled when the peer cancels the request (or the connection
    /// closes), at the moment the driver reads the `notifications/cancelled`, before it
    /// reads the next message. Give it to the code that serves the request so that it can
    /// stop sending anything for it at once (basic/utilities/cancellation).
    pub fn cancel_token(&self) -> CancellationToken {
        self.cancelled.child_token()
    }

    /// Reports progress, if the peer asked for it; returns whether a notification was sent.
    pub fn progress(&self, progress: f64, total: Option<f64>, message: Option<String>) -> bool {
        let sent =
            self.shared
                .lock()
                .engine
                .notify_progress(&self.message.id, progress, total, message);
        if sent {
            self.shared.wake_driver.notify_one();
        }
        sent
    }

    /// Answers with the typed result of `R`.
    pub fn respond<R: Request>(self, result: &R::Result) -> bool {
        match to_raw(result) {
            Ok(raw) => self.respond_raw(ResultOrError::Result(raw)),
            Err(e) => self.respond_error(ErrorObject::internal(format!(
                "could not encode the result: {e}"
            ))),
        }
    }

    /// Answers with an error.
    pub fn respond_error(self, error: ErrorObject) -> bool {
        self.respond_raw(ResultOrError::Error(error))
    }

    /// Answers with a raw outcome. Returns whether an answer was sent (not when the peer
    /// cancelled the request or the connection closed).
    pub fn respond_raw(mut self, outcome: ResultOrError) -> bool {
        self.answered = true;
        answer(&self.shared, &self.message.id, outcome)
    }
}

fn answer(shared: &Shared, id: &RequestId, outcome: ResultOrError) -> bool {
    let sent = {
        let mut st = shared.lock();
        st.cancel_tokens.remove(id);
        st.engine.respond(id, outcome)
    };
    if sent {
        shared.wake_driver.notify_one();
    }
    sent
}

impl Drop for IncomingRequest {
    fn drop(&mut self) {
        if !self.answered {
            let error = ErrorObject::internal("the request was dropped without an answer");
            answer(&self.shared, &self.message.id, ResultOrError::Error(error));
        }
    }
}
