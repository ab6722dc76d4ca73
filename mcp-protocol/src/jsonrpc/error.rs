//! The JSON-RPC error object and the error codes of every MCP revision.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::version::ProtocolVersion;

/// A JSON-RPC error code. An open set: peers may send codes we do not name, so this is a
/// newtype with constants rather than a closed enum.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ErrorCode(pub i32);

impl ErrorCode {
    /// -32700: the bytes received were not valid JSON (JSON-RPC 2.0 §5.1).
    pub const PARSE_ERROR: Self = Self(-32700);
    /// -32600: the JSON was not a valid request object.
    pub const INVALID_REQUEST: Self = Self(-32600);
    /// -32601: the method does not exist or is not available (in this protocol version).
    pub const METHOD_NOT_FOUND: Self = Self(-32601);
    /// -32602: invalid method parameters. Since 2026-07-28 also "resource not found".
    pub const INVALID_PARAMS: Self = Self(-32602);
    /// -32603: internal error.
    pub const INTERNAL_ERROR: Self = Self(-32603);
    /// -32002: resource not found, 2024-11-05 … 2025-11-25 (server/resources §Error Handling).
    /// 2026-07-28 uses [`ErrorCode::INVALID_PARAMS`] instead; see [`ErrorCode::resource_not_found`].
    pub const RESOURCE_NOT_FOUND: Self = Self(-32002);
    /// -32042: URL elicitation required (2025-11-25, `URLElicitationRequiredError`).
    pub const URL_ELICITATION_REQUIRED: Self = Self(-32042);
    /// -32020: HTTP headers do not match the body (2026-07-28, `HeaderMismatchError`).
    pub const HEADER_MISMATCH: Self = Self(-32020);
    /// -32021: the request needs a client capability the client did not declare
    /// (2026-07-28, `MissingRequiredClientCapabilityError`).
    pub const MISSING_REQUIRED_CLIENT_CAPABILITY: Self = Self(-32021);
    /// -32022: the protocol version in the request is not supported
    /// (2026-07-28, `UnsupportedProtocolVersionError`).
    pub const UNSUPPORTED_PROTOCOL_VERSION: Self = Self(-32022);
    /// -32800: request cancelled. Not in any MCP schema, but the LSP code that several SDKs
    /// use when they answer a cancelled request; we never send it, and name it to recognise it.
    pub const REQUEST_CANCELLED: Self = Self(-32800);
    /// -32001: request timed out; used by the TypeScript SDK on its own side. Never sent by us.
    pub const REQUEST_TIMEOUT: Self = Self(-32001);
    /// -31000: too many of the sender's requests are in flight; retry once some are
    /// answered. Sent by our engine when
    /// [`EngineConfig::max_requests_in_flight`](crate::engine::EngineConfig) is reached.
    ///
    /// Not an MCP code, and deliberately outside JSON-RPC's reserved -32768…-32000: no
    /// revision defines an "overloaded" code, and 2026-07-28 basic/index §Error Codes says
    /// that "new implementations **SHOULD NOT** use codes from [the -32000 to -32019]
    /// sub-range at all", that -32020…-32099 are for the specification only, and that "New
    /// error codes for purposes not defined by this specification **SHOULD** be allocated
    /// outside the JSON-RPC reserved range (-32768 to -32000)". (Before 0.2 this was
    /// -32000.) The same code in every revision: older ones leave the choice open.
    pub const TOO_MANY_REQUESTS: Self = Self(-31000);

    /// The code for "resource not found" when speaking `version`.
    pub fn resource_not_found(version: ProtocolVersion) -> Self {
        if version >= ProtocolVersion::V2026_07_28 {
            Self::INVALID_PARAMS
        } else {
            Self::RESOURCE_NOT_FOUND
        }
    }

    /// The code's name, where we know it.
    pub fn name(self) -> Option<&'static str> {
        Some(match self {
            Self::PARSE_ERROR => "parse error",
            Self::INVALID_REQUEST => "invalid request",
            Self::METHOD_NOT_FOUND => "method not found",
            Self::INVALID_PARAMS => "invalid params",
            Self::INTERNAL_ERROR => "internal error",
            Self::RESOURCE_NOT_FOUND => "resource not found",
            Self::URL_ELICITATION_REQUIRED => "URL elicitation required",
            Self::HEADER_MISMATCH => "header mismatch",
            Self::MISSING_REQUIRED_CLIENT_CAPABILITY => "missing required client capability",
            Self::UNSUPPORTED_PROTOCOL_VERSION => "unsupported protocol version",
            Self::REQUEST_CANCELLED => "request cancelled",
            Self::REQUEST_TIMEOUT => "request timed out",
            Self::TOO_MANY_REQUESTS => "too many requests in flight",
            _ => return None,
        })
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "{} ({name})", self.0),
            None => write!(f, "{}", self.0),
        }
    }
}

/// The `error` member of a JSON-RPC error response (`Error` in the schemas).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ErrorObject {
    /// The error code.
    pub code: ErrorCode,
    /// A short description, one sentence.
    pub message: String,
    /// Additional information defined by the sender.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<Value>,
}

impl ErrorObject {
    /// An error with a code and a message and no data.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            data: None,
        }
    }

    /// Attaches `data`.
    pub fn with_data(mut self, data: Value) -> Self {
        self.data = Some(data);
        self
    }

    /// -32700 with `message`.
    pub fn parse_error(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::PARSE_ERROR, message)
    }

    /// -32600 with `message`.
    pub fn invalid_request(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::INVALID_REQUEST, message)
    }

    /// -32601 naming the method.
    pub fn method_not_found(method: &str) -> Self {
        Self::new(
            ErrorCode::METHOD_NOT_FOUND,
            format!("method not found: {method}"),
        )
    }

    /// -32602 with `message`.
    pub fn invalid_params(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::INVALID_PARAMS, message)
    }

    /// -32603 with `message`.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::INTERNAL_ERROR, message)
    }

    /// "Resource not found" with the code `version` uses, and the URI in `data`
    /// (server/resources §Error Handling).
    pub fn resource_not_found(version: ProtocolVersion, uri: &str) -> Self {
        Self::new(
            ErrorCode::resource_not_found(version),
            format!("resource not found: {uri}"),
        )
        .with_data(serde_json::json!({ "uri": uri }))
    }

    /// -32022 with the `data` that `UnsupportedProtocolVersionError` requires.
    pub fn unsupported_protocol_version(requested: &str, supported: &[ProtocolVersion]) -> Self {
        let supported: Vec<&str> = supported.iter().map(|v| v.as_str()).collect();
        Self::new(
            ErrorCode::UNSUPPORTED_PROTOCOL_VERSION,
            format!("unsupported protocol version: {requested}"),
        )
        .with_data(serde_json::json!({ "requested": requested, "supported": supported }))
    }
}

impl fmt::Display for ErrorObject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for ErrorObject {}
