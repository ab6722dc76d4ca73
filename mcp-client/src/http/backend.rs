//! The HTTP client the transport sends with: a small trait, so an application can inject its
//! own (a proxy-aware one, one with its own TLS roots, a test double). The default is
//! [`super::HyperClient`].

use std::fmt;
use std::pin::Pin;
use std::sync::Arc;

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

/// The cause an [`HttpError`] keeps: the HTTP library's own error, shared so that the error
/// stays cheap to clone.
pub type Cause = Arc<dyn std::error::Error + Send + Sync + 'static>;

/// Sending a request or reading its body failed below HTTP (connection refused, reset, TLS),
/// or the client could not authorize it. The HTTP library's error is kept as the
/// [`source`](std::error::Error::source), not flattened into text.
///
/// An [`HttpClient`] makes them with [`HttpError::request`] and [`HttpError::body`].
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum HttpError {
    /// The request could not be sent or its response head not read.
    #[error("sending the HTTP request failed")]
    Request(#[source] Cause),
    /// The response body broke off.
    #[error("reading the HTTP response body failed")]
    Body(#[source] Cause),
    /// The server asked for authorization and the client could not (or would not) obtain
    /// it: the source says why (with feature `auth`, an `mcp_auth::client::AuthError`).
    #[error("the client could not authorize the request")]
    Authorization(#[source] Cause),
}

impl HttpError {
    /// Sending the request (or reading its response head) failed with `cause`.
    pub fn request(cause: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::Request(Arc::new(cause))
    }

    /// Reading the response body failed with `cause`.
    pub fn body(cause: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::Body(Arc::new(cause))
    }

    /// The client could not authorize the request, because of `cause`.
    pub fn authorization(cause: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::Authorization(Arc::new(cause))
    }
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
