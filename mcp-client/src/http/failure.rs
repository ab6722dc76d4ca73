//! Why one message did not get through ([`Failure`]), and the client [`Error`] a waiting call
//! gets for it.
//!
//! The transport hands a failed request's [`Failure`] to the engine as a
//! [`RequestFailure`] (the per-request failure of the `Transport` seam); the call that waited
//! gets it back and [`Failure::to_error`] sorts it into the variant that says who failed: the
//! HTTP status the server (or a proxy) answered, the transport below HTTP, the client's own
//! authorization, or an answer that broke the protocol. Nothing here becomes a JSON-RPC error
//! the server did not send.

use http::header::{RETRY_AFTER, WWW_AUTHENTICATE};
use http::{HeaderMap, StatusCode};
use mcp_protocol::engine::RequestFailure;
use mcp_protocol::{DecodeError, ErrorObject};

use super::backend::HttpError;
use crate::error::Error;

/// How much of an error response's body an [`Error::HttpStatus`] keeps.
pub(crate) const BODY_EXCERPT: usize = 1024;

/// Why a message did not get through.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Failure {
    /// Below HTTP: the connection, TLS, a body that broke off, or the client's authorization.
    #[error(transparent)]
    Http(#[from] HttpError),
    /// An HTTP error status, without a JSON-RPC response to the request.
    #[error("the server answered HTTP {}", .0.status)]
    Status(Box<StatusFailure>),
    /// 2025-11-25 basic/transports §Session Management: a 404 to a request that carried
    /// the session id.
    #[error("the server no longer knows session {session} (HTTP 404): the session expired")]
    SessionExpired { session: String },
    /// 2xx without a body to read for a request.
    #[error("the server accepted the request (HTTP {0}) but sent no response")]
    NoResponse(StatusCode),
    /// The JSON body holds no response to the request (it did not decode, or answered
    /// something else).
    #[error("the server's JSON answer holds no response to the request")]
    Unanswered(#[source] Option<DecodeError>),
    /// The response stream ended (or broke) before the response, and could not be resumed
    /// (or, in 2026-07-28, sent again) within the configured attempts.
    #[error("the response stream ended before the response came, and could not be resumed")]
    StreamEnded(#[source] Option<StreamBreak>),
    /// A JSON body past the client's limit (`HttpTransportBuilder::max_body`).
    #[error("the response body is larger than the client's limit of {0} bytes")]
    TooLarge(usize),
    /// Neither JSON nor SSE.
    #[error("the server answered with content type `{0}`, not JSON or SSE")]
    ContentType(String),
}

/// What an HTTP error status came with.
#[derive(Debug)]
pub(crate) struct StatusFailure {
    pub(crate) status: StatusCode,
    /// At most [`BODY_EXCERPT`] bytes of the body, as text.
    pub(crate) body: String,
    pub(crate) www_authenticate: Option<String>,
    pub(crate) retry_after: Option<String>,
    /// A JSON-RPC error without an id in the body (a modern error, or a server's
    /// explanation).
    pub(crate) error: Option<ErrorObject>,
}

/// Why a response stream could not go on.
#[derive(Debug, thiserror::Error)]
pub(crate) enum StreamBreak {
    /// Reading it failed.
    #[error("reading it failed")]
    Read(#[source] HttpError),
    /// The GET that would resume it was answered with an error status.
    #[error("resuming it was refused with HTTP {0}")]
    Refused(StatusCode),
}

impl Failure {
    /// An HTTP error status with its `body` (cut to [`BODY_EXCERPT`]) and the headers that
    /// matter to the caller.
    pub(crate) fn status(
        status: StatusCode,
        headers: &HeaderMap,
        body: &[u8],
        error: Option<ErrorObject>,
    ) -> Self {
        let header = |name| {
            headers
                .get(name)
                .and_then(|v: &http::HeaderValue| v.to_str().ok())
                .map(str::to_owned)
        };
        Self::Status(Box::new(StatusFailure {
            status,
            body: excerpt(body),
            www_authenticate: header(WWW_AUTHENTICATE),
            retry_after: header(RETRY_AFTER),
            error,
        }))
    }

    /// This failure as the engine carries it: an [`HttpError`] as it is (so that it is a
    /// link of the error's chain), anything else as a `Failure`.
    pub(crate) fn into_request_failure(self) -> RequestFailure {
        match self {
            Self::Http(e) => RequestFailure::new(e),
            other => RequestFailure::new(other),
        }
    }

    /// The error the call of `method` gets; `shared` is this failure as the engine carried
    /// it (the source of the transport, authorization and protocol variants).
    pub(crate) fn to_error(&self, method: String, shared: RequestFailure) -> Error {
        match self {
            Self::Status(s) => Error::HttpStatus {
                method,
                status: s.status.as_u16(),
                body: s.body.clone(),
                www_authenticate: s.www_authenticate.clone(),
                retry_after: s.retry_after.clone(),
                error: s.error.clone().map(Box::new),
            },
            Self::SessionExpired { session } => Error::SessionExpired {
                method,
                session: session.clone(),
            },
            Self::Http(e) => http_error(e, method, shared),
            Self::StreamEnded(_) => Error::Transport {
                method,
                source: shared,
            },
            Self::NoResponse(_)
            | Self::Unanswered(_)
            | Self::TooLarge(_)
            | Self::ContentType(_) => Error::Protocol {
                method,
                source: shared,
            },
        }
    }
}

/// The error the call of `method` gets for `e` (`shared`, as the engine carried it): the
/// client's own authorization failure, with the authorizer's error as the source (not the
/// HTTP layer's wrapper), or a transport failure.
pub(crate) fn http_error(e: &HttpError, method: String, shared: RequestFailure) -> Error {
    match e {
        HttpError::Authorization(cause) => Error::Authorization {
            method,
            source: RequestFailure::from_shared(cause.clone()),
        },
        _ => Error::Transport {
            method,
            source: shared,
        },
    }
}

/// At most [`BODY_EXCERPT`] bytes of `body` as text, cut at a character boundary.
fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(BODY_EXCERPT + 4)]);
    if text.len() <= BODY_EXCERPT {
        return text.into_owned();
    }
    let mut end = BODY_EXCERPT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_excerpt_is_bounded_and_cut_between_characters() {
        assert_eq!(excerpt(b"bad gateway"), "bad gateway");
        let long = "é".repeat(BODY_EXCERPT);
        let cut = excerpt(long.as_bytes());
        assert_eq!(cut.len(), BODY_EXCERPT);
        assert!(cut.chars().all(|c| c == 'é'));
    }
}
