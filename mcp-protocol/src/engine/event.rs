//! What the engine reports: events for the application, how a request ended, why the
//! connection closed, and why a send was refused.

use std::borrow::Cow;
use std::fmt;

use super::RequestFailure;
use crate::error::{DecodeError, EncodeError};
use crate::jsonrpc::{
    NotificationMessage, ProgressToken, RequestId, RequestMessage, ResultOrError,
};
use crate::methods::ProgressParams;

/// Something the application must learn about; drained with
/// [`Engine::poll_event`](super::Engine::poll_event).
#[derive(Debug)]
#[non_exhaustive]
pub enum Event {
    /// The peer sent a request. Answer it exactly once with
    /// [`Engine::respond`](super::Engine::respond); until then its id is in flight.
    Request(RequestMessage),
    /// The peer sent a notification other than `notifications/cancelled` and
    /// `notifications/progress` (those two are turned into [`Event::Cancelled`] and
    /// [`Event::Progress`]).
    Notification(NotificationMessage),
    /// One of our requests is finished: answered, cancelled, timed out, failed by the
    /// transport, or failed by close.
    /// Every request we send ends in exactly one of these.
    Completed(Completed),
    /// The peer reported progress on one of our pending requests.
    Progress {
        /// Our request the progress is about.
        id: RequestId,
        /// What the peer sent.
        params: ProgressParams,
    },
    /// The peer cancelled a request it sent us that is still in flight. The handler should
    /// stop; whatever it answers afterwards is not sent (basic/utilities/cancellation:
    /// "receivers of cancellation notifications SHOULD … not send a response").
    Cancelled {
        /// The peer's request.
        id: RequestId,
        /// The reason it gave, if any.
        reason: Option<String>,
    },
    /// The peer broke a protocol rule. The engine has already done what can be done (answered
    /// with an error where JSON-RPC says to); this is for logs and metrics.
    Violation(Violation),
    /// The engine is closed (see [`Engine::close`](super::Engine::close)); reported once, after
    /// the [`Event::Completed`] of every request that was pending.
    Closed(CloseReason),
}

/// How one of our requests ended.
#[derive(Debug)]
pub struct Completed {
    /// The id we gave it.
    pub id: RequestId,
    /// Its method, so the typed layer knows how to decode the result.
    pub method: Cow<'static, str>,
    /// The outcome.
    pub completion: Completion,
}

/// How a request ended.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Completion {
    /// The peer answered (with a result or an error).
    Response(ResultOrError),
    /// We cancelled it with [`Engine::cancel`](super::Engine::cancel).
    Cancelled,
    /// Its deadline passed; the engine sent `notifications/cancelled`.
    TimedOut,
    /// The engine closed before an answer arrived.
    Closed(CloseReason),
    /// The transport could not get it answered, and said why with
    /// [`Engine::fail`](super::Engine::fail) (an HTTP error status, a broken response
    /// stream, …); the connection goes on.
    Failed(RequestFailure),
}

/// A protocol rule the peer broke.
#[derive(Debug)]
#[non_exhaustive]
pub enum Violation {
    /// A response whose id is none of ours (never issued, a string, or `null`). Never
    /// delivered to any request. A `null` id with an error is the peer saying it could not
    /// read something we sent.
    UnknownResponse {
        /// The id it carried.
        id: Option<RequestId>,
        /// What it carried.
        outcome: ResultOrError,
    },
    /// A request reused the id of one still in flight; it was answered with -32600 and the
    /// first request carries on.
    DuplicateRequestId(RequestId),
    /// A request arrived while the peer already had
    /// [`EngineConfig::max_requests_in_flight`](super::EngineConfig) requests unanswered; it
    /// was refused with [`ErrorCode::TOO_MANY_REQUESTS`](crate::ErrorCode::TOO_MANY_REQUESTS).
    TooManyRequests(RequestId),
    /// Input that did not decode: a bad frame, not JSON, not JSON-RPC, or a
    /// `notifications/cancelled` / `notifications/progress` with malformed params. Answered
    /// with an error when it could have been a request.
    Decode(DecodeError),
}

/// Why the engine closed.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum CloseReason {
    /// We closed it.
    Local,
    /// The peer hung up (end of stream).
    PeerClosed,
    /// The transport failed: its own error, shared with every request the close ended (with
    /// the `rt` feature, an [`rt::TransportError`](crate::rt::TransportError): get it back with
    /// [`RequestFailure::downcast_ref`]; its [`source`](std::error::Error::source) is the
    /// cause, such as the `io::Error`).
    Transport(RequestFailure),
}

impl fmt::Display for CloseReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Local => f.write_str("closed locally"),
            Self::PeerClosed => f.write_str("the peer closed the connection"),
            Self::Transport(e) => write!(f, "transport failed: {e}"),
        }
    }
}

/// A request or notification could not be sent.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SendError {
    /// The engine is closed.
    #[error("connection closed: {0}")]
    Closed(CloseReason),
    /// The params could not be encoded.
    #[error(transparent)]
    Encode(#[from] EncodeError),
    /// The params carry a `_meta.progressToken` that another pending request already uses
    /// (basic/utilities/progress: tokens must be unique across active requests).
    #[error("progress token {0} is already used by a pending request")]
    DuplicateProgressToken(ProgressToken),
}
