//! Errors of decoding and encoding messages, and their mapping to JSON-RPC error codes.

use crate::jsonrpc::message::Part;
use crate::jsonrpc::{ErrorCode, ErrorObject, RequestId};

/// A message, or a part of one, could not be decoded.
///
/// Each variant maps to exactly one JSON-RPC code through [`DecodeError::code`], and
/// [`DecodeError::to_error_object`] builds the error to send back.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The bytes are not JSON. Maps to -32700.
    #[error("not valid JSON: {message}")]
    Parse {
        /// What the JSON parser said, with line and column.
        message: String,
    },
    /// The JSON is not a valid JSON-RPC 2.0 message. Maps to -32600.
    #[error("invalid JSON-RPC message{}: {reason}", fmt_id(.id.as_ref()))]
    InvalidRequest {
        /// The id, when one could be read.
        id: Option<RequestId>,
        /// What is wrong.
        reason: String,
    },
    /// The `params` of a request or notification do not fit its method. Maps to -32602.
    #[error("invalid params of `{method}`{}{}: {message}", fmt_id(.id.as_ref()), fmt_path(.path))]
    InvalidParams {
        /// The request id (none for a notification).
        id: Option<RequestId>,
        /// The method.
        method: String,
        /// The JSON path of the faulty field inside `params` (`.` for the whole object).
        path: String,
        /// What the decoder said.
        message: String,
    },
    /// The `result` of a response does not fit the method it answers. Maps to -32603 if it
    /// must be reported at all: the peer that sent it is at fault, not us.
    #[error("invalid result for `{method}`{}{}: {message}", fmt_id(.id.as_ref()), fmt_path(.path))]
    InvalidResult {
        /// The request id.
        id: Option<RequestId>,
        /// The method of the request it answers.
        method: String,
        /// The JSON path of the faulty field inside `result`.
        path: String,
        /// What the decoder said.
        message: String,
    },
}

fn fmt_id(id: Option<&RequestId>) -> String {
    id.map(|id| format!(" (id {id})")).unwrap_or_default()
}

fn fmt_path(path: &str) -> String {
    if path.is_empty() || path == "." {
        String::new()
    } else {
        format!(" at `{path}`")
    }
}

impl DecodeError {
    pub(crate) fn from_envelope(err: serde_json::Error) -> Self {
        use serde_json::error::Category;
        match err.classify() {
            Category::Syntax | Category::Eof | Category::Io => Self::Parse {
                message: err.to_string(),
            },
            Category::Data => Self::invalid_request(None, &err.to_string()),
        }
    }

    pub(crate) fn invalid_request(id: Option<RequestId>, reason: &str) -> Self {
        Self::InvalidRequest {
            id,
            reason: reason.to_owned(),
        }
    }

    pub(crate) fn invalid_part(
        id: Option<RequestId>,
        method: &str,
        part: Part,
        path: String,
        message: String,
    ) -> Self {
        let method = method.to_owned();
        match part {
            Part::Params => Self::InvalidParams {
                id,
                method,
                path,
                message,
            },
            Part::Result => Self::InvalidResult {
                id,
                method,
                path,
                message,
            },
        }
    }

    /// The JSON-RPC code this error is reported with.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Parse { .. } => ErrorCode::PARSE_ERROR,
            Self::InvalidRequest { .. } => ErrorCode::INVALID_REQUEST,
            Self::InvalidParams { .. } => ErrorCode::INVALID_PARAMS,
            Self::InvalidResult { .. } => ErrorCode::INTERNAL_ERROR,
        }
    }

    /// The id of the message at fault, when it could be read.
    pub fn request_id(&self) -> Option<&RequestId> {
        match self {
            Self::Parse { .. } => None,
            Self::InvalidRequest { id, .. }
            | Self::InvalidParams { id, .. }
            | Self::InvalidResult { id, .. } => id.as_ref(),
        }
    }

    /// The error object to send back to the peer.
    pub fn to_error_object(&self) -> ErrorObject {
        ErrorObject::new(self.code(), self.to_string())
    }
}

/// A value could not be encoded as JSON (a map with non-string keys, a failing custom
/// `Serialize`). Our own wire types always encode.
#[derive(Debug, thiserror::Error)]
#[error("could not encode as JSON")]
pub struct EncodeError(#[from] serde_json::Error);
