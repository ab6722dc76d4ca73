//! Errors: what a handler may fail with ([`Error`]), why asking the client for input failed
//! ([`InputError`]), and why serving a connection stopped ([`ServeError`]).

use mcp_protocol::ErrorObject;
use mcp_protocol::jsonrpc::ErrorCode;
use mcp_protocol::rt::{RequestError, TransportError};
use mcp_protocol::types::ClientCapabilities;

/// A request-scoped failure of a resource, prompt or completion handler, sent to the client
/// as a JSON-RPC error. (A *tool* failure is a tool result with `isError: true` instead, so
/// the model can see it: return `Err` from a tool handler for that.)
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{}", .0.message)]
pub struct Error(pub ErrorObject);

impl Error {
    /// -32602: the params were wrong.
    pub fn invalid_params(message: impl Into<String>) -> Self {
        Self(ErrorObject::invalid_params(message))
    }

    /// -32603: the server failed.
    pub fn internal(message: impl Into<String>) -> Self {
        Self(ErrorObject::internal(message))
    }

    /// The resource does not exist (-32602 from 2025-11-25's guidance, -32002 before; the
    /// dispatcher picks the code for the request's version).
    pub fn resource_not_found(uri: &str) -> Self {
        Self(
            ErrorObject::new(
                ErrorCode::RESOURCE_NOT_FOUND,
                format!("resource not found: {uri}"),
            )
            .with_data(serde_json::json!({ "uri": uri })),
        )
    }

    /// The JSON-RPC code.
    pub fn code(&self) -> ErrorCode {
        self.0.code
    }
}

impl From<ErrorObject> for Error {
    fn from(e: ErrorObject) -> Self {
        Self(e)
    }
}

impl From<InputError> for Error {
    /// The client's own error as is; a missing capability as -32603 with
    /// `data.requiredCapabilities` (in 2026-07-28 the dispatcher answers a handler that
    /// failed after finding a capability missing with -32021 instead, whatever error it
    /// returned: see [`InputError::Unsupported`]); anything else as -32603.
    fn from(e: InputError) -> Self {
        match e {
            InputError::Remote(obj) => Self(obj),
            InputError::Unsupported {
                required: Some(ref required),
                ..
            } => Self(
                ErrorObject::internal(e.to_string())
                    .with_data(serde_json::json!({ "requiredCapabilities": required })),
            ),
            other => Self::internal(other.to_string()),
        }
    }
}

/// Asking the client for input (elicitation, sampling, roots) failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InputError {
    /// The client did not declare the capability this input needs (for the request's
    /// version), so the server must not ask.
    ///
    /// A handler that then fails (returns an error, or a tool result with `isError`) is
    /// answered, in 2026-07-28, with `MissingRequiredClientCapabilityError` (-32021,
    /// `data.requiredCapabilities`; HTTP 400), whatever error it returned: "If processing a
    /// request requires a capability the client did not include in
    /// `io.modelcontextprotocol/clientCapabilities`, the server MUST return a
    /// MissingRequiredClientCapabilityError" (2026-07-28 basic/index). 2025-11-25 has no
    /// such error (only "Both parties MUST only use capabilities that were successfully
    /// negotiated", basic/lifecycle): there the handler's own error goes out (a tool
    /// result with `isError`, or -32603 with `data.requiredCapabilities` from
    /// `From<InputError> for Error`). A handler that copes without the input (and
    /// succeeds) is answered normally.
    #[error("the client does not support {what} (it did not declare the capability)")]
    Unsupported {
        /// What was asked for: `elicitation`, `elicitation (url mode)`, `sampling`,
        /// `sampling.tools`, `sampling.context`, `roots`.
        what: &'static str,
        /// The capabilities the input needs, as `data.requiredCapabilities` lists them
        /// (`{"sampling": {"tools": {}}}`); `None` when no capability would allow it (an
        /// elicitation mode the request's protocol version does not have).
        required: Option<Box<ClientCapabilities>>,
    },
    /// The client answered with a JSON-RPC error.
    #[error("the client refused: {}", .0.message)]
    Remote(ErrorObject),
    /// The client's answer did not have the shape of the result.
    #[error("the client's answer is malformed: {0}")]
    Malformed(String),
    /// The request to the client did not complete (timeout, cancelled, connection closed).
    #[error("the request to the client failed")]
    Request(#[source] RequestError),
    /// The request this context belongs to cannot ask for input (a notification, or a
    /// method MRTR does not cover).
    #[error("this request cannot ask the client for input")]
    NotAllowed,
}

impl From<RequestError> for InputError {
    fn from(e: RequestError) -> Self {
        match e {
            RequestError::Remote(obj) => Self::Remote(obj),
            other => Self::Request(other),
        }
    }
}

/// Serving a connection failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// The transport could not be set up or failed.
    #[error("transport failed")]
    Transport(#[from] TransportError),
    /// Setting up stdio failed.
    #[error("stdio could not be opened")]
    Io(#[from] std::io::Error),
}
