//! Streamable HTTP (basic/transports §Streamable HTTP, 2025-03-26 on) for the client, with
//! the 2024-11-05 HTTP+SSE transport as a fallback. Feature `http`.
//!
//! [`HttpTransport`] is a [`Transport`](mcp_protocol::rt::Transport) like any other: the
//! client, its engine and era detection run unchanged over it.
//!
//! ```text
//!  engine ─message─▶ HttpTransport::start_send ─▶ one task per message: POST
//!                                                   ├─ 200 application/json ─┐
//!                                                   ├─ 200 text/event-stream ┤ (broken: GET +
//!                                                   │                        │  Last-Event-ID, or
//!                                                   │                        │  re-POST in 2026-07-28)
//!                                                   ├─ 202 (notification)    │
//!                                                   └─ 4xx/5xx ─▶ Error::HttpStatus for the call
//!  engine ◀─────────────────── channel ◀────────────┴─ GET stream (session era), legacy SSE
//! ```
//!
//! - **Headers** follow from the messages: `MCP-Protocol-Version` from the request's
//!   `_meta` (2026-07-28) or the `initialize` result; `Mcp-Session-Id` from the `initialize`
//!   response; in 2026-07-28 `Mcp-Method`, `Mcp-Name` and the `Mcp-Param-*` headers that
//!   tools ask for with `x-mcp-header` (tools whose annotations are invalid are dropped from
//!   `tools/list`, as the spec requires). Custom headers go on every request.
//! - **Failures are typed, and nothing hangs**: an HTTP error status, a refused connection,
//!   a broken stream, an expired session (404) or the client's own authorization failure
//!   fails the waiting call at once with the [`Error`] variant that says who failed
//!   ([`Error::HttpStatus`], [`Error::Transport`], [`Error::SessionExpired`],
//!   [`Error::Authorization`], [`Error::Protocol`]), handed to the engine as a per-request
//!   failure (`Transport::poll_request_failure`), never as a JSON-RPC error the server did
//!   not send. [`Error::Remote`] is only ever the server's own JSON-RPC error.
//! - **Expired sessions are replaced** (2025-03-26 on, basic/transports §Session
//!   Management: on a 404 to a request carrying `Mcp-Session-Id` the client MUST start a
//!   new session): the [`Client`] runs the handshake again, with an `initialize` that
//!   carries no session id, and sends the failed request once more in the new session (see
//!   [`ClientBuilder::reinitialize_on_expiry`]). Until a new session starts, every message
//!   fails at once with the same error instead of reaching the server with the dead id.
//! - **Streams**: `retry:` sets the reconnection delay; a response stream that breaks is
//!   resumed with GET and `Last-Event-ID` in the session era, and its request re-sent (at
//!   most [`HttpTransportBuilder::max_reconnects`] times) in 2026-07-28, which has no
//!   resumption. In 2026-07-28 cancelling a call closes its stream instead of sending
//!   `notifications/cancelled`.
//! - **Legacy fallback**: when `initialize` is refused with 400, 404 or 405 and no modern
//!   JSON-RPC error, the client GETs the URL; an `endpoint` event switches to HTTP+SSE.
//!
//! ```no_run
//! # async fn run() -> Result<(), mcp_client::Error> {
//! use mcp_client::Client;
//! use mcp_client::http::HttpTransport;
//!
//! // The short way:
//! let client = Client::connect_http("http://127.0.0.1:8080/mcp").await?;
//! // With custom headers (and, if needed, an injected HTTP client):
//! let transport = HttpTransport::builder("http://127.0.0.1:8080/mcp")
//!     .header("x-tenant", "acme")
//!     .build()?;
//! let client = Client::builder().connect(transport).await?;
//! # Ok(())
//! # }
//! ```

#[cfg(feature = "auth")]
mod auth;
mod backend;
mod failure;
mod headers;
mod hyper_client;
mod legacy;
mod post;
mod quick_ack;
#[cfg(feature = "reqwest")]
mod reqwest_client;
mod sse;
mod stream;
mod transport;

use std::sync::Arc;
use std::time::Duration;

use http::{HeaderName, HeaderValue};

pub use backend::{BodyStream, Cause, HttpClient, HttpError, HttpResponse};
pub(crate) use failure::{Failure, http_error as failure_of_http};
pub use hyper_client::HyperClient;
#[cfg(feature = "reqwest")]
pub use reqwest_client::ReqwestClient;
pub use transport::HttpTransport;

use crate::builder::ClientBuilder;
use crate::client::Client;
use crate::error::{Error, Result};

/// Configures an [`HttpTransport`].
#[derive(Debug)]
pub struct HttpTransportBuilder {
    url: String,
    client: Option<Arc<dyn HttpClient>>,
    settings: transport::Settings,
    error: Option<String>,
    #[cfg(feature = "auth")]
    authorizer: Option<Arc<mcp_auth::client::Authorizer>>,
}

impl std::fmt::Debug for dyn HttpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HttpClient")
    }
}

impl HttpTransport {
    /// Starts configuring a transport to the MCP endpoint at `url`.
    pub fn builder(url: impl Into<String>) -> HttpTransportBuilder {
        HttpTransportBuilder {
            url: url.into(),
            client: None,
            settings: transport::Settings::default(),
            error: None,
            #[cfg(feature = "auth")]
            authorizer: None,
        }
    }
}

impl HttpTransportBuilder {
    /// Sends `name: value` on every request (for example a static `Authorization`).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        match (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            (Ok(n), Ok(v)) => {
                self.settings.headers.append(n, v);
            }
            _ => self.error = Some(format!("invalid header `{name}`")),
        }
        self
    }

    /// Sends with `client` instead of the default [`HyperClient`].
    pub fn http_client(mut self, client: impl HttpClient) -> Self {
        self.client = Some(Arc::new(client));
        self
    }

    /// Authorizes every request with `authorizer` (feature `auth`): a bearer token on each
    /// request, discovery and authorization on a 401, step-up on a 403 `insufficient_scope`,
    /// each followed by one retry. Its resource should be this transport's URL.
    #[cfg(feature = "auth")]
    pub fn authorizer(mut self, authorizer: Arc<mcp_auth::client::Authorizer>) -> Self {
        self.authorizer = Some(authorizer);
        self
    }

    /// Whether to fall back to the 2024-11-05 HTTP+SSE transport (on by default).
    pub fn legacy_fallback(mut self, on: bool) -> Self {
        self.settings.legacy_fallback = on;
        self
    }

    /// How many times a broken response stream is resumed (or its request re-sent in
    /// 2026-07-28) before the call fails; also how many failed connections in a row end the
    /// standalone GET stream. 3 by default.
    pub fn max_reconnects(mut self, n: u32) -> Self {
        self.settings.max_reconnects = n;
        self
    }

    /// The reconnection delay when the server sent no `retry:` (1 s by default).
    pub fn default_retry(mut self, delay: Duration) -> Self {
        self.settings.default_retry = delay;
        self
    }

    /// The largest JSON response body read (16 MiB by default).
    pub fn max_body(mut self, bytes: usize) -> Self {
        self.settings.max_body = bytes;
        self
    }

    /// Builds the transport; fails on a URL that is not absolute `http` or `https`, or on
    /// an invalid header given to [`HttpTransportBuilder::header`].
    pub fn build(self) -> Result<HttpTransport> {
        let invalid = |reason: String| Error::InvalidUrl {
            url: self.url.clone(),
            reason,
        };
        if let Some(e) = self.error.clone() {
            return Err(invalid(e));
        }
        let url = url::Url::parse(&self.url).map_err(|e| invalid(e.to_string()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(invalid("not an http or https URL".into()));
        }
        let uri = url
            .as_str()
            .parse::<http::Uri>()
            .map_err(|e| invalid(e.to_string()))?;
        let client = self.client.unwrap_or_else(|| Arc::new(HyperClient::new()));
        #[cfg(feature = "auth")]
        let client: Arc<dyn HttpClient> = match self.authorizer {
            Some(authorizer) => Arc::new(auth::AuthorizingClient {
                inner: client,
                authorizer,
            }),
            None => client,
        };
        Ok(HttpTransport::from_parts(client, url, uri, self.settings))
    }
}

impl ClientBuilder {
    /// Connects to the MCP endpoint at `url` over Streamable HTTP (falling back to the
    /// 2024-11-05 HTTP+SSE transport) and negotiates the protocol version.
    pub async fn connect_http(self, url: &str) -> Result<Client> {
        let transport = HttpTransport::builder(url).build()?;
        self.connect(transport).await
    }
}

impl Client {
    /// [`ClientBuilder::connect_http`] with the default settings.
    pub async fn connect_http(url: &str) -> Result<Self> {
        Self::builder().connect_http(url).await
    }
}
