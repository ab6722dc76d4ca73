//! What can go wrong: one [`Error`] for connecting and calling, grouped by who is at fault.
//!
//! - **The server said no**: [`Error::Remote`] carries the JSON-RPC error as sent.
//! - **Nothing came back in time, or at all**: [`Error::Timeout`], [`Error::Cancelled`],
//!   [`Error::Closed`].
//! - **Refused locally, before anything was sent**: [`Error::MethodNotInVersion`],
//!   [`Error::CapabilityNotDeclared`], [`Error::NoHandler`].
//! - **The server's answer made no sense**: [`Error::Decode`] names the method and the field.
//! - **The two sides could not agree**: [`Error::Negotiation`], [`Error::InputRoundsExceeded`].

use std::io;
use std::time::Duration;

use mcp_protocol::engine::{CloseReason, SendError};
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
    /// No answer within `after`; the server was sent `notifications/cancelled`.
    #[error("`{method}` timed out after {after:?}")]
    Timeout {
        /// The method called.
        method: String,
        /// The timeout that passed (since the request, or since its last progress).
        after: Duration,
    },
    /// The call was cancelled before an answer arrived.
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

impl Error {
    /// The JSON-RPC error code, when the server answered with an error.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            Self::Remote { error, .. } => Some(error.code),
            _ => None,
        }
    }

    /// The error object the server sent, if it sent one.
    pub fn remote(&self) -> Option<&ErrorObject> {
        match self {
            Self::Remote { error, .. } => Some(error),
            _ => None,
        }
    }

    /// Whether the call timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Timeout { .. })
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

    pub(crate) fn from_send(e: SendError) -> Self {
        match e {
            SendError::Closed(reason) => Self::Closed { reason },
            other => Self::Send(other),
        }
    }
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
