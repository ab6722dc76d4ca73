//! [`HttpConfig`]: the endpoint, the safe defaults (Host/Origin allow-list, body cap,
//! session cap and idle expiry), resumability, and the authentication seam.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use http::{HeaderMap, StatusCode};

use super::event_store::{EventStore, MemoryEventStore};
use crate::context::Principal;

/// Maps a request's headers to the caller: `Ok(Some(principal))` for a good credential,
/// `Ok(None)` for an anonymous caller the server accepts, `Err` to refuse the request (for
/// example 401 with a `WWW-Authenticate` challenge). The principal reaches handlers as
/// [`crate::RequestContext::principal`].
pub type Authenticate = Arc<
    dyn Fn(&HeaderMap) -> BoxFuture<'static, Result<Option<Principal>, Rejection>> + Send + Sync,
>;

/// A refused request: the status and headers to answer with.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Rejection {
    /// The status, usually 401 or 403.
    pub status: StatusCode,
    /// Extra headers, such as `WWW-Authenticate`.
    pub headers: HeaderMap,
}

impl Rejection {
    /// A rejection with `status` and no extra headers.
    pub fn new(status: StatusCode) -> Self {
        Self {
            status,
            headers: HeaderMap::new(),
        }
    }

    /// Adds a header.
    pub fn with_header(mut self, name: http::HeaderName, value: http::HeaderValue) -> Self {
        self.headers.insert(name, value);
        self
    }
}

/// How the Streamable HTTP endpoint behaves. The defaults are the safe ones: only
/// loopback Host and Origin values are accepted, bodies are capped at 4 MiB, at most 10,000
/// sessions live at once and an idle one expires after 30 minutes.
#[derive(Clone)]
pub struct HttpConfig {
    pub(crate) path: String,
    pub(crate) allowed_hosts: Option<Vec<String>>,
    pub(crate) allowed_origins: Vec<String>,
    pub(crate) max_body: usize,
    pub(crate) max_sessions: usize,
    pub(crate) idle_timeout: Duration,
    pub(crate) retry: Option<Duration>,
    pub(crate) event_store: Option<Arc<dyn EventStore>>,
    pub(crate) authenticate: Option<Authenticate>,
    pub(crate) legacy_sse: bool,
    pub(crate) keep_alive: Duration,
}

impl fmt::Debug for HttpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpConfig")
            .field("path", &self.path)
            .field("allowed_hosts", &self.allowed_hosts)
            .field("allowed_origins", &self.allowed_origins)
            .field("max_body", &self.max_body)
            .field("max_sessions", &self.max_sessions)
            .field("idle_timeout", &self.idle_timeout)
            .field("retry", &self.retry)
            .field("event_store", &self.event_store)
            .field("authenticate", &self.authenticate.is_some())
            .field("legacy_sse", &self.legacy_sse)
            .finish()
    }
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            path: "/mcp".to_owned(),
            allowed_hosts: Some(vec![
                "localhost".to_owned(),
                "127.0.0.1".to_owned(),
                "[::1]".to_owned(),
            ]),
            allowed_origins: Vec::new(),
            max_body: 4 * 1024 * 1024,
            max_sessions: 10_000,
            idle_timeout: Duration::from_secs(30 * 60),
            retry: Some(Duration::from_millis(1000)),
            event_store: Some(Arc::new(MemoryEventStore::new())),
            authenticate: None,
            legacy_sse: true,
            keep_alive: Duration::from_secs(15),
        }
    }
}

impl HttpConfig {
    /// The defaults (see [`HttpConfig`]).
    pub fn new() -> Self {
        Self::default()
    }

    /// The path of the MCP endpoint (default `/mcp`).
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.path = path.into();
        self
    }

    /// Accepts `host` (a name or address, without port: any port matches; or `host:port`)
    /// in `Host` and in the host part of `Origin`, besides the loopback names.
    pub fn allow_host(mut self, host: impl Into<String>) -> Self {
        if let Some(hosts) = &mut self.allowed_hosts {
            hosts.push(host.into().to_ascii_lowercase());
        }
        self
    }

    /// Accepts any `Host` and `Origin`: only behind a proxy that checks them, since this
    /// turns off the DNS-rebinding protection (basic/transports §Security Warning).
    pub fn allow_any_host(mut self) -> Self {
        self.allowed_hosts = None;
        self
    }

    /// Accepts this exact origin (`scheme://host[:port]`) in `Origin`, whatever its host.
    pub fn allow_origin(mut self, origin: impl Into<String>) -> Self {
        self.allowed_origins
            .push(origin.into().to_ascii_lowercase());
        self
    }

    /// The largest request body accepted; larger ones get 413 (default 4 MiB).
    pub fn max_body(mut self, bytes: usize) -> Self {
        self.max_body = bytes;
        self
    }

    /// The most sessions alive at once; a new `initialize` beyond it gets 503 (default
    /// 10,000).
    pub fn max_sessions(mut self, sessions: usize) -> Self {
        self.max_sessions = sessions;
        self
    }

    /// How long a session may sit idle (no request in flight, no stream open) before it
    /// expires; later requests naming it get 404 (default 30 minutes).
    pub fn idle_timeout(mut self, idle: Duration) -> Self {
        self.idle_timeout = idle;
        self
    }

    /// The SSE `retry:` sent with the priming event of a session-era stream, telling the
    /// client how long to wait before reconnecting (default 1 s); `None` sends none.
    pub fn retry(mut self, retry: Option<Duration>) -> Self {
        self.retry = retry;
        self
    }

    /// Where session-era SSE events are kept for `Last-Event-ID` resumption (default: in
    /// memory); `None` turns resumability off (no event ids, no priming events).
    pub fn event_store(mut self, store: Option<Arc<dyn EventStore>>) -> Self {
        self.event_store = store;
        self
    }

    /// Authenticates every request before it is served (see [`Authenticate`]).
    pub fn authenticate(mut self, authenticate: Authenticate) -> Self {
        self.authenticate = Some(authenticate);
        self
    }

    /// Whether the 2024-11-05 HTTP+SSE endpoints `GET /sse` and `POST /messages` are
    /// served (default true).
    pub fn legacy_sse(mut self, on: bool) -> Self {
        self.legacy_sse = on;
        self
    }

    /// How often a quiet long-lived SSE stream (a GET stream, a `subscriptions/listen`
    /// response) gets a `:` comment line to keep intermediaries from closing it (default
    /// 15 s).
    pub fn keep_alive(mut self, every: Duration) -> Self {
        self.keep_alive = every;
        self
    }
}
