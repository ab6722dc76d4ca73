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
    #[cfg(feature = "auth")]
    pub(crate) resource_server: Option<Arc<mcp_auth::ResourceServer>>,
    #[cfg(feature = "auth")]
    pub(crate) scope_policy: mcp_auth::ScopePolicy,
    pub(crate) legacy_sse: bool,
    pub(crate) keep_alive: Duration,
    pub(crate) stream_queue: usize,
    pub(crate) token_leeway: Duration,
}

impl fmt::Debug for HttpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut f = f.debug_struct("HttpConfig");
        f.field("path", &self.path)
            .field("allowed_hosts", &self.allowed_hosts)
            .field("allowed_origins", &self.allowed_origins)
            .field("max_body", &self.max_body)
            .field("max_sessions", &self.max_sessions)
            .field("idle_timeout", &self.idle_timeout)
            .field("retry", &self.retry)
            .field("event_store", &self.event_store)
            .field("authenticate", &self.authenticate.is_some());
        #[cfg(feature = "auth")]
        f.field("resource_server", &self.resource_server)
            .field("scope_policy", &self.scope_policy);
        f.field("legacy_sse", &self.legacy_sse)
            .field("stream_queue", &self.stream_queue)
            .finish()
    }
}

/// The hosts accepted by default: the loopback names.
fn loopback_hosts() -> Vec<String> {
    ["localhost", "127.0.0.1", "[::1]"]
        .map(str::to_owned)
        .to_vec()
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            path: "/mcp".to_owned(),
            allowed_hosts: Some(loopback_hosts()),
            allowed_origins: Vec::new(),
            max_body: 4 * 1024 * 1024,
            max_sessions: 10_000,
            idle_timeout: Duration::from_secs(30 * 60),
            retry: Some(Duration::from_millis(1000)),
            event_store: Some(Arc::new(MemoryEventStore::new())),
            authenticate: None,
            #[cfg(feature = "auth")]
            resource_server: None,
            #[cfg(feature = "auth")]
            scope_policy: mcp_auth::ScopePolicy::new(),
            legacy_sse: true,
            keep_alive: Duration::from_secs(15),
            stream_queue: super::queue::DEFAULT_CAP,
            token_leeway: Duration::from_secs(30),
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

    /// With `true`, accepts any `Host` and `Origin`: only behind a proxy that checks them,
    /// since this turns off the DNS-rebinding protection (basic/transports §Security
    /// Warning). With `false` (the default), only the allowed hosts: the loopback names and
    /// those given to [`HttpConfig::allow_host`] (while any host is accepted, `allow_host`
    /// records nothing).
    pub fn allow_any_host(mut self, allow: bool) -> Self {
        self.allowed_hosts = if allow {
            None
        } else {
            self.allowed_hosts.or_else(|| Some(loopback_hosts()))
        };
        self
    }

    /// Accepts this exact origin (`scheme://host[:port]`) in `Origin`, whatever its host.
    pub fn allow_origin(mut self, origin: impl Into<String>) -> Self {
        self.allowed_origins
            .push(origin.into().to_ascii_lowercase());
        self
    }

    /// The most notifications and server-to-client requests that may wait unsent on one SSE
    /// stream (default 1,024): a client that reads slowly, or a session-era stream waiting
    /// detached for its client to resume it, cannot make the server hold more. Past it a
    /// notification is dropped (the handler's send reports it did not leave) and a request
    /// fails at once; the response to the request is never dropped.
    pub fn max_queued_messages(mut self, messages: usize) -> Self {
        self.stream_queue = messages.max(1);
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
    ///
    /// This and `HttpConfig::resource_server` (feature `auth`) are two ways of saying who
    /// the caller is: setting one removes the other, so the last call wins.
    pub fn authenticate(mut self, authenticate: Authenticate) -> Self {
        self.authenticate = Some(authenticate);
        #[cfg(feature = "auth")]
        {
            self.resource_server = None;
        }
        self
    }

    /// Makes the endpoint an OAuth resource server (feature `auth`): every request needs a
    /// bearer token that `resource_server` accepts, and the RFC 9728 metadata document is
    /// served without authentication at the resource's well-known paths.
    ///
    /// - A missing or refused token gets the resource server's challenge: 401 (400 for a
    ///   malformed `Authorization` header) with its exact `WWW-Authenticate` and a JSON-RPC
    ///   error body. This covers POST, GET and DELETE of the endpoint and the 2024-11-05
    ///   `GET /sse` and `POST /messages`.
    /// - Handlers see the caller as [`crate::RequestContext::principal`]; the token itself
    ///   never reaches them (2025-11-25 `basic/authorization` §Token Passthrough). Sessions
    ///   belong to the principal's issuer and subject: anyone else gets 404 for them.
    /// - The metadata is answered at [`mcp_auth::well_known_paths`] of
    ///   [`mcp_auth::ResourceServer::resource`], as the service sees the path. Served by
    ///   [`Server::serve_http_on`](crate::Server::serve_http_on), or mounted at `/` in axum
    ///   (`Router::fallback_service`), that just works. Mounted on one route
    ///   (`route_service("/mcp", svc)`), route the well-known paths to the same service too
    ///   (`.route_service("/.well-known/oauth-protected-resource/mcp", svc.clone())`). Nested
    ///   under a prefix (`nest_service("/api", svc)`, which strips it), the service cannot
    ///   see the well-known path of `https://host/api/mcp`: route
    ///   `/.well-known/oauth-protected-resource/api/mcp` at the root of the router to the
    ///   service with the prefix left on, or serve [`mcp_auth::ResourceServer::metadata`]
    ///   yourself.
    ///
    /// Setting this removes an [`HttpConfig::authenticate`] hook (the last call wins).
    #[cfg(feature = "auth")]
    pub fn resource_server(mut self, resource_server: Arc<mcp_auth::ResourceServer>) -> Self {
        self.resource_server = Some(resource_server);
        self.authenticate = None;
        self
    }

    /// The scopes each request needs (feature `auth`; default: none), checked after
    /// authentication and before dispatch; it takes effect only with a
    /// [`HttpConfig::resource_server`].
    ///
    /// The target of `tools/call` is the tool, of `prompts/get` the prompt, of
    /// `resources/read`, `resources/subscribe` and `resources/unsubscribe` the URI; any other
    /// request is checked by its method. A request lacking a scope gets 403 with an
    /// `insufficient_scope` challenge naming every scope it needs; a 2025-03-26 batch is
    /// refused whole (none of it runs) if any member lacks one. Notifications and responses
    /// are not checked, nor are GET and DELETE (they name no target). The 403 is the HTTP
    /// answer to the POST, also for the 2024-11-05 `POST /messages`. Lists
    /// (`tools/list`…) are not filtered by scope: a caller may see a tool it may not call.
    #[cfg(feature = "auth")]
    pub fn scope_policy(mut self, policy: mcp_auth::ScopePolicy) -> Self {
        self.scope_policy = policy;
        self
    }

    /// Whether the 2024-11-05 HTTP+SSE endpoints `GET /sse` and `POST /messages` are
    /// served (default true).
    ///
    /// On by default on purpose, although 2025-03-26 and later deprecate that transport
    /// (2025-11-25 basic/transports §Backwards Compatibility; spec audit row 3.39, a SHOULD):
    /// the same section tells servers that want to support older clients to keep hosting its
    /// endpoints, and clients of 2024-11-05 (still common) have no other way in. It costs
    /// nothing to clients of newer revisions, which never touch `/sse`. Turn it off for a
    /// server that only newer clients reach.
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

    /// How long past its caller's token expiry (`Principal::expires_at`) an event stream
    /// (a GET stream, a `subscriptions/listen` response) stays open: it closes then, so a
    /// holder of an expired token stops receiving the server's messages (default 30 s, the
    /// clock leeway of `mcp_auth::JwtConfig`).
    pub fn token_expiry_leeway(mut self, leeway: Duration) -> Self {
        self.token_leeway = leeway;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::HttpConfig;

    #[test]
    fn allow_any_host_is_a_switch_that_turns_back_to_the_allow_list() {
        let hosts = |c: &HttpConfig| c.allowed_hosts.clone();
        let default = HttpConfig::new();
        assert_eq!(
            hosts(&default).as_deref(),
            Some(&["localhost", "127.0.0.1", "[::1]"].map(str::to_owned)[..])
        );
        let extra = HttpConfig::new().allow_host("mcp.example");
        assert_eq!(hosts(&extra.clone().allow_any_host(true)), None);
        assert_eq!(
            hosts(&extra.clone().allow_any_host(false)),
            hosts(&extra),
            "false keeps the hosts allowed so far"
        );
        assert_eq!(
            hosts(&HttpConfig::new().allow_any_host(true).allow_any_host(false)),
            hosts(&default),
            "false after true restores the loopback names"
        );
    }
}
