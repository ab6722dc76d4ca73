//! The HTTP client the transport sends with: a small trait, so an application can inject its
//! own (a proxy-aware one, one with its own TLS roots, a test double). The default is
//! [`super::HyperClient`].

use std::fmt;
use std::pin::Pin;

use bytes::Bytes;
use futures::Stream;
use futures::future::BoxFuture;
use http::{HeaderMap, Request, StatusCode};

/// A response body, chunk by chunk as it arrives (SSE streams never end on their own).
pub type BodyStream = Pin<Box<dyn Stream<Item = Result<Bytes, HttpError>> + Send>>;

/// An HTTP response whose body is still arriving.
pub struct HttpResponse {
    /// The status code.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: BodyStream,
}

impl fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .finish_non_exhaustive()
    }
}

/// Sending a request or reading its body failed below HTTP (connection refused, reset, TLS).
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum HttpError {
    /// The request could not be sent or its response head not read.
    #[error("HTTP request failed: {0}")]
    Request(String),
    /// The response body broke off.
    #[error("reading the HTTP response body failed: {0}")]
    Body(String),
    /// The server asked for authorization and it could not be obtained (feature `auth`).
    #[error("authorization failed: {0}")]
    Authorization(String),
}

/// Sends one HTTP request and returns the response as soon as its head arrives.
///
/// The transport calls it for every POST, the GET streams and the final DELETE; the
/// implementation must not follow redirects of POSTs silently into GETs, and should keep
/// connections alive (the transport sends one request per JSON-RPC message). A POST carries
/// the `Host` header of its URI (built once per transport); an implementation that follows a
/// redirect must not send it to the new URI.
pub trait HttpClient: Send + Sync + 'static {
    /// Sends `request`.
    fn execute(
        &self,
        request: Request<Bytes>,
    ) -> BoxFuture<'static, Result<HttpResponse, HttpError>>;
}

/// The error and its sources in one line ("error sending request: connection refused").
pub(crate) fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
