//! What can go wrong: one [`Error`] for connecting and calling, grouped by who is at fault
//! (the crate docs' "Errors" section says which variant when, and what to retry).
//!
//! - **The server said no**: [`Error::Remote`] carries the JSON-RPC error as sent.
//! - **HTTP said no**: [`Error::HttpStatus`] (the server, or a proxy before it, answered
//!   with an error status), [`Error::SessionExpired`].
//! - **The way there failed**: [`Error::Transport`] (connect, I/O, TLS, a broken stream),
//!   [`Error::Closed`].
//! - **Nothing came back in time**: [`Error::Timeout`], [`Error::Cancelled`].
//! - **The client refused, itself**: [`Error::Authorization`] (the client could not or would
//!   not authorize), [`Error::MethodNotInVersion`], [`Error::CapabilityNotDeclared`],
//!   [`Error::NoHandler`].
//! - **The server's answer made no sense**: [`Error::Protocol`] (not an answer at all),
//!   [`Error::Decode`] (an answer of the wrong shape; names the method and the field),
//!   [`Error::ToolOutputInvalid`] (structured output that breaks the tool's output schema).
//! - **The two sides could not agree**: [`Error::Negotiation`], [`Error::InputRoundsExceeded`].
//!
//! Causes are kept as [`std::error::Error::source`], not flattened into text; the transport's
//! own error types are found with [`Error::find_source`].

use std::error::Error as StdError;
use std::io;
use std::time::Duration;

use mcp_protocol::engine::{CloseReason, RequestFailure, SendError};
use mcp_protocol::version::NegotiationError;
use mcp_protocol::{DecodeError, EncodeError, ErrorCode, ErrorObject, ProtocolVersion};

/// Why a connection or a call failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server answered `method` with a JSON-RPC error (its code, message and data are in
    /// `error`).
    #[error("the server answered `{method}` with error {error}")]
    Remote {
        /// The method called.
        method: String,
        /// The error object the server sent.
        error: ErrorObject,
    },
    /// The server (or a proxy before it) answered the HTTP request of `method` with an
    /// error status, and no JSON-RPC response to it: a 502 from a gateway, a 401 the client
    /// could not recover from, a 429. (Over HTTP, a JSON-RPC error response to the request
    /// is [`Error::Remote`], whatever its status.)
    #[error("the server answered `{method}` with HTTP {status}{}", describe(.error.as_deref()))]
    #[non_exhaustive]
    HttpStatus {
        /// The method called.
        method: String,
        /// The HTTP status code.
        status: u16,
        /// The start of the response body (at most 1 KiB), as text.
        body: String,
        /// The `WWW-Authenticate` challenge, if any (a 401 or 403).
        www_authenticate: Option<String>,
        /// The `Retry-After` value, if any (a 429 or 503).
        retry_after: Option<String>,
        /// A JSON-RPC error the body carried without naming the request (a server's
        /// explanation of the status).
        error: Option<Box<ErrorObject>>,
    },
    /// The server no longer knows the session `method` was sent in (HTTP 404 to a request
    /// carrying its `Mcp-Session-Id`; 2025-11-25 basic/transports §Session Management).
    /// The client starts a new session and sends the call again itself, unless
    /// [`ClientBuilder::reinitialize_on_expiry`](crate::ClientBuilder::reinitialize_on_expiry)
    /// is off or the new session ended too.
    #[error("the server ended session `{session}` (HTTP 404 to `{method}`)")]
    #[non_exhaustive]
    SessionExpired {
        /// The method called.
        method: String,
        /// The session id the server no longer knows.
        session: String,
    },
    /// The transport failed to carry `method` or its answer, below JSON-RPC: the connection
    /// was refused or reset, TLS failed, the response stream broke off and could not be
    /// resumed. The connection itself goes on (a failure that ends it is
    /// [`Error::Closed`]). The source is the transport's error.
    #[error("`{method}` failed in the transport")]
    #[non_exhaustive]
    Transport {
        /// The method called.
        method: String,
        /// What failed (the HTTP library's error is further down the chain).
        #[source]
        source: RequestFailure,
    },
    /// The client could not, or would not, authorize `method`: discovery or the token
    /// request failed, the authorization server's response did not pass the client's checks
    /// (RFC 9207 `iss`, `state`), a step-up was declined or over its limit. This is the
    /// client's own refusal, not the server's answer; the source is the authorizer's error
    /// (with feature `auth`, an `mcp_auth::client::AuthError`).
    #[error("the client could not authorize `{method}`")]
    #[non_exhaustive]
    Authorization {
        /// The method called.
        method: String,
        /// Why.
        #[source]
        source: RequestFailure,
    },
    /// The server's reply to `method` was not an answer the transport can read: a JSON body
    /// with no response to the request (or none that decodes), `202 Accepted` for a
    /// request, a content type other than JSON or SSE, a body past the client's limit.
    #[error("the server's reply to `{method}` broke the protocol")]
    #[non_exhaustive]
    Protocol {
        /// The method called.
        method: String,
        /// What was wrong.
        #[source]
        source: RequestFailure,
    },
    /// No answer within `after`; the server was sent `notifications/cancelled`.
    #[error("`{method}` timed out after {after:?}")]
    Timeout {
        /// The method called.
        method: String,
        /// The timeout that passed (since the request, or since its last progress).
        after: Duration,
    },
    /// The call was cancelled before an answer arrived (by its
    /// [`CancelHandle`](crate::CancelHandle)); the server was told.
    #[error("`{method}` was cancelled")]
    Cancelled {
        /// The method called.
        method: String,
    },
    /// The connection closed before an answer arrived (the server exited, the transport
    /// failed, or the client was closed).
    #[error("the connection is closed: {reason}")]
    Closed {
        /// Why it closed.
        reason: CloseReason,
    },
    /// The negotiated protocol version has no such method; nothing was sent.
    #[error("`{method}` does not exist in protocol version {version}")]
    MethodNotInVersion {
        /// The method.
        method: &'static str,
        /// The negotiated version.
        version: ProtocolVersion,
    },
    /// The server did not declare the capability the method needs; nothing was sent.
    #[error("the server did not declare the `{capability}` capability that `{method}` needs")]
    CapabilityNotDeclared {
        /// The method.
        method: &'static str,
        /// The capability (a path such as `resources.subscribe`).
        capability: &'static str,
    },
    /// The server asked for input (an MRTR input request, or a task's input) that no
    /// registered handler can give.
    #[error("the server asked for `{method}` input, but no handler is registered for it")]
    NoHandler {
        /// The input request's method.
        method: &'static str,
    },
    /// A handler failed to produce the input the server asked for.
    #[error("the `{method}` handler failed: {error}")]
    InputFailed {
        /// The input request's method.
        method: &'static str,
        /// What the handler returned.
        error: ErrorObject,
    },
    /// The server answered with a task where the call expected a final result; use a
    /// task-aware call ([`crate::Client::call_tool_as_task`]).
    #[error("`{method}` was turned into task {task_id}")]
    UnexpectedTask {
        /// The method called.
        method: String,
        /// The task the server created.
        task_id: String,
    },
    /// The tool ran and reported an error (`isError: true`); its content says why.
    #[error("tool `{name}` reported an error")]
    ToolFailed {
        /// The tool.
        name: String,
        /// The tool's result, with the error content.
        result: Box<mcp_protocol::methods::CallToolResult>,
    },
    /// A listed tool's successful result does not fit its `outputSchema` (feature
    /// `validate`; server/tools §Output Schema: "Clients SHOULD validate structured results
    /// against this schema").
    #[error("tool `{name}` returned output that does not fit its output schema: {reason}")]
    ToolOutputInvalid {
        /// The tool.
        name: String,
        /// What does not fit.
        reason: String,
    },
    /// The server kept answering `input_required` past the configured number of rounds.
    #[error("`{method}` still required input after {rounds} rounds")]
    InputRoundsExceeded {
        /// The method called.
        method: String,
        /// How many rounds were fulfilled.
        rounds: usize,
    },
    /// The server's answer does not fit the method's result type; the error names the
    /// method and the path of the faulty field.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// Version negotiation failed (the server chose a version this client does not speak, or
    /// the two share none); the connection was closed.
    #[error("protocol version negotiation failed")]
    Negotiation(#[source] NegotiationError),
    /// The params could not be encoded as JSON.
    #[error("the params of `{method}` could not be encoded")]
    Encode {
        /// The method.
        method: &'static str,
        /// What failed.
        #[source]
        source: EncodeError,
    },
    /// The server's URL (or a header to send to it) is not usable.
    #[error("cannot connect to `{url}`: {reason}")]
    InvalidUrl {
        /// The URL given.
        url: String,
        /// What is wrong.
        reason: String,
    },
    /// The server process could not be started.
    #[error("could not start the server process")]
    Spawn(#[source] io::Error),
    /// The request could not be handed to the connection (for example, a progress token
    /// already in use).
    #[error("the request could not be sent")]
    Send(#[source] SendError),
}

/// `: {error}` when there is one.
fn describe(error: Option<&ErrorObject>) -> String {
    error.map(|e| format!(": {e}")).unwrap_or_default()
}

impl Error {
    /// The JSON-RPC error code, when the server answered with a JSON-RPC error
    /// ([`Error::Remote`], or one carried by an [`Error::HttpStatus`]).
    pub fn code(&self) -> Option<ErrorCode> {
        self.remote().map(|e| e.code)
    }

    /// The JSON-RPC error object the server sent, if it sent one ([`Error::Remote`], or
    /// one carried by an [`Error::HttpStatus`]).
    pub fn remote(&self) -> Option<&ErrorObject> {
        match self {
            Self::Remote { error, .. } => Some(error),
            Self::HttpStatus { error, .. } => error.as_deref(),
            _ => None,
        }
    }

    /// The method of the call that failed, for the variants that belong to one call.
    pub fn method(&self) -> Option<&str> {
        match self {
            Self::Remote { method, .. }
            | Self::HttpStatus { method, .. }
            | Self::SessionExpired { method, .. }
            | Self::Transport { method, .. }
            | Self::Authorization { method, .. }
            | Self::Protocol { method, .. }
            | Self::Timeout { method, .. }
            | Self::Cancelled { method }
            | Self::UnexpectedTask { method, .. }
            | Self::InputRoundsExceeded { method, .. } => Some(method),
            Self::MethodNotInVersion { method, .. }
            | Self::CapabilityNotDeclared { method, .. }
            | Self::Encode { method, .. } => Some(method),
            _ => None,
        }
    }

    /// The HTTP status the call failed with: an [`Error::HttpStatus`]'s, or 404 for an
    /// [`Error::SessionExpired`].
    pub fn http_status(&self) -> Option<u16> {
        match self {
            Self::HttpStatus { status, .. } => Some(*status),
            Self::SessionExpired { .. } => Some(404),
            _ => None,
        }
    }

    /// Whether the call timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Timeout { .. })
    }

    /// Whether the call was cancelled.
    pub fn is_cancelled(&self) -> bool {
        matches!(self, Self::Cancelled { .. })
    }

    /// Whether the transport failed ([`Error::Transport`]) or the connection is closed.
    pub fn is_transport(&self) -> bool {
        matches!(self, Self::Transport { .. } | Self::Closed { .. })
    }

    /// Whether the client could not or would not authorize the call
    /// ([`Error::Authorization`]).
    pub fn is_authorization(&self) -> bool {
        matches!(self, Self::Authorization { .. })
    }

    /// The first error of type `T` in the cause chain, looking inside the transport's
    /// [`RequestFailure`]s (a plain `source().downcast_ref()` sees only the wrapper).
    ///
    /// ```no_run
    /// # async fn run(client: mcp_client::Client) {
    /// if let Err(e) = client.ping().await
    ///     && let Some(io) = e.find_source::<std::io::Error>()
    /// {
    ///     eprintln!("I/O failed: {:?}", io.kind());
    /// }
    /// # }
    /// ```
    pub fn find_source<T: StdError + 'static>(&self) -> Option<&T> {
        let mut next = StdError::source(self);
        while let Some(e) = next {
            if let Some(t) = e.downcast_ref::<T>() {
                return Some(t);
            }
            if let Some(f) = e.downcast_ref::<RequestFailure>()
                && let Some(t) = f.downcast_ref::<T>()
            {
                return Some(t);
            }
            next = e.source();
        }
        None
    }

    /// Whether the connection is closed.
    pub fn is_closed(&self) -> bool {
        matches!(self, Self::Closed { .. })
    }

    /// Whether the call was refused locally because of the version or the server's
    /// capabilities, before anything was sent.
    pub fn is_refused_locally(&self) -> bool {
        matches!(
            self,
            Self::MethodNotInVersion { .. } | Self::CapabilityNotDeclared { .. }
        )
    }

    /// The error for a request of `method` the transport gave up on.
    pub(crate) fn from_failure(method: String, failure: RequestFailure) -> Self {
        #[cfg(feature = "http")]
        if let Some(f) = failure.downcast_ref::<crate::http::Failure>() {
            return f.to_error(method, failure.clone());
        }
        #[cfg(feature = "http")]
        if let Some(e) = failure.downcast_ref::<crate::http::HttpError>() {
            return crate::http::failure_of_http(e, method, failure.clone());
        }
        Self::Transport {
            method,
            source: failure,
        }
    }

    pub(crate) fn from_send(e: SendError) -> Self {
        match e {
            SendError::Closed(reason) => Self::Closed { reason },
            other => Self::Send(other),
        }
    }
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
