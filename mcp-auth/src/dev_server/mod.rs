//! An embedded OAuth 2.1 authorization server for tests and local development.
//!
//! # NOT FOR PRODUCTION
//!
//! Everything lives in memory (clients, codes, refresh tokens, the signing key), login is
//! non-interactive (the user is the `login_hint` if it names a configured user, else the first
//! user) and it listens on plain HTTP. It exists so that an MCP server and client can run the
//! whole 2026-07-28 `basic/authorization` flow against a real authorization server in one
//! process, with no network:
//!
//! - RFC 8414 metadata at `/.well-known/oauth-authorization-server` and the OIDC discovery copy
//!   at `/.well-known/openid-configuration`;
//! - `/jwks`: one ES256 (P-256) key generated at start with a fresh `kid`, never written to disk;
//! - `/register`: RFC 7591 dynamic client registration, bounded by `max_clients`;
//! - client ID metadata documents: a `client_id` that is an `https` URL is fetched and checked;
//! - `/authorize`: authorization code with PKCE `S256` required, RFC 8707 `resource` required,
//!   RFC 9207 `iss` on every redirect;
//! - `/token`: `authorization_code`, `refresh_token` (rotated; reuse revokes the family) and
//!   `client_credentials`, issuing RFC 9068 JWT access tokens (`typ` `at+jwt`);
//! - `/introspect`: RFC 7662 for confidential clients.
//!
//! ```no_run
//! use std::time::Duration;
//! use mcp_auth::dev_server::DevAuthServer;
//!
//! # async fn run() -> Result<(), mcp_auth::dev_server::DevServerError> {
//! let server = DevAuthServer::builder()
//!     .resource("http://127.0.0.1:3000/mcp")
//!     .scopes(["tickets:read", "tickets:write"])
//!     .user("alice", "acme")
//!     .access_token_ttl(Duration::from_secs(300))
//!     .bind("127.0.0.1:0")
//!     .await?;
//! println!("issuer {}", server.issuer());
//! let _keys = server.jwks(); // verify in-process with mcp_auth::StaticJwks
//! server.shutdown().await;
//! # Ok(()) }
//! ```

mod authorize;
mod clients;
mod keys;
mod metadata;
mod state;
mod token;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use jsonwebtoken::jwk::JwkSet;
use tokio::net::{TcpListener, ToSocketAddrs};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use keys::SigningKey;
use state::Shared;

/// Why the development server could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DevServerError {
    /// Binding or reading the listening socket failed.
    #[error("cannot listen: {0}")]
    Io(#[from] std::io::Error),
    /// The configuration names no resource or no user.
    #[error("invalid configuration: {0}")]
    Config(&'static str),
    /// The signing key could not be generated.
    #[error("cannot generate the signing key: {0}")]
    Key(String),
}

/// A configured user: the `sub` claim and the `tenant` claim of the tokens issued for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DevUser {
    /// The subject (`sub`), also the `login_hint` that selects this user.
    pub subject: String,
    /// The `tenant` claim.
    pub tenant: String,
}

/// Configures a [`DevAuthServer`]; see the [module docs](self).
#[derive(Debug, Clone)]
pub struct DevAuthServerBuilder {
    resources: Vec<String>,
    scopes: Vec<String>,
    default_scopes: Vec<String>,
    users: Vec<DevUser>,
    access_token_ttl: Duration,
    refresh_token_ttl: Duration,
    code_ttl: Duration,
    allow_loopback_cimd: bool,
    cimd_capacity: usize,
    cimd_ttl: Duration,
    cimd_fetch_timeout: Duration,
    max_clients: usize,
}

impl Default for DevAuthServerBuilder {
    fn default() -> Self {
        Self {
            resources: Vec::new(),
            scopes: Vec::new(),
            default_scopes: Vec::new(),
            users: Vec::new(),
            access_token_ttl: Duration::from_secs(300),
            refresh_token_ttl: Duration::from_secs(24 * 3600),
            code_ttl: Duration::from_secs(60),
            allow_loopback_cimd: false,
            cimd_capacity: 256,
            cimd_ttl: Duration::from_secs(600),
            cimd_fetch_timeout: Duration::from_secs(5),
            max_clients: 1024,
        }
    }
}

impl DevAuthServerBuilder {
    /// Adds an RFC 8707 resource (the exact URI) tokens may be issued for.
    pub fn resource(mut self, resource: impl Into<String>) -> Self {
        self.resources.push(resource.into());
        self
    }

    /// Adds scopes the server may grant; a request for any other scope is `invalid_scope`.
    pub fn scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.scopes.extend(scopes.into_iter().map(Into::into));
        self
    }

    /// The scopes granted when a request names none (least privilege; default: every
    /// configured scope, for compatibility). Each must be one of [`scopes`](Self::scopes).
    pub fn default_scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.default_scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// The SSRF policy of client ID metadata document fetches: public addresses only, and
    /// loopback too with [`allow_loopback_cimd`](Self::allow_loopback_cimd).
    pub(crate) fn cimd_policy(&self) -> crate::client::UrlPolicy {
        if self.allow_loopback_cimd {
            crate::client::UrlPolicy::allow_loopback()
        } else {
            crate::client::UrlPolicy::public_only()
        }
    }

    /// Adds a user with its subject and tenant. The first user added is the default login.
    pub fn user(mut self, subject: impl Into<String>, tenant: impl Into<String>) -> Self {
        self.users.push(DevUser {
            subject: subject.into(),
            tenant: tenant.into(),
        });
        self
    }

    /// Lifetime of access tokens (default 300 s).
    pub fn access_token_ttl(mut self, ttl: Duration) -> Self {
        self.access_token_ttl = ttl;
        self
    }

    /// Lifetime of refresh tokens (default one day).
    pub fn refresh_token_ttl(mut self, ttl: Duration) -> Self {
        self.refresh_token_ttl = ttl;
        self
    }

    /// Lifetime of authorization codes (default 60 s).
    pub fn code_ttl(mut self, ttl: Duration) -> Self {
        self.code_ttl = ttl;
        self
    }

    /// How many fetched client ID metadata documents are kept, and for how long (default 256
    /// for 10 minutes). A document is fetched again once expired; when the cache is full the
    /// expired entries go, then the oldest. Capacity 0 fetches the document every time.
    pub fn cimd_cache(mut self, capacity: usize, ttl: Duration) -> Self {
        self.cimd_capacity = capacity;
        self.cimd_ttl = ttl;
        self
    }

    /// How long fetching a client ID metadata document may take, body included (default 5 s).
    pub fn cimd_fetch_timeout(mut self, timeout: Duration) -> Self {
        self.cimd_fetch_timeout = timeout;
        self
    }

    /// How many dynamically registered clients are kept (default 1024). When full, a new
    /// registration pushes out the oldest client that has no live authorization code or
    /// refresh token; when every one has, the registration is refused with 503
    /// `temporarily_unavailable`, so a flood of `/register` calls cannot grow the server
    /// without bound nor break a client in the middle of its flow.
    pub fn max_clients(mut self, max: usize) -> Self {
        self.max_clients = max;
        self
    }

    /// Accepts `http://127.0.0.1…` client ID metadata document URLs, for tests (default: only
    /// `https` URLs).
    pub fn allow_loopback_cimd(mut self, allow: bool) -> Self {
        self.allow_loopback_cimd = allow;
        self
    }

    /// Binds `addr` and serves on the current tokio runtime until [`DevAuthServer::shutdown`]
    /// (or the drop of the returned value).
    pub async fn bind(self, addr: impl ToSocketAddrs) -> Result<DevAuthServer, DevServerError> {
        if self.resources.is_empty() {
            return Err(DevServerError::Config("at least one resource is required"));
        }
        if self.users.is_empty() {
            return Err(DevServerError::Config("at least one user is required"));
        }
        if self
            .default_scopes
            .iter()
            .any(|d| !self.scopes.iter().any(|s| s == d))
        {
            return Err(DevServerError::Config(
                "every default scope must be a configured scope",
            ));
        }
        let listener = TcpListener::bind(addr).await?;
        let local = listener.local_addr()?;
        let issuer = format!("http://{local}");
        let key = SigningKey::generate().map_err(DevServerError::Key)?;
        let jwks = JwkSet {
            keys: vec![key.jwk.clone()],
        };
        let shared = Arc::new(Shared::new(self, issuer.clone(), key));
        let app = metadata::router(shared);
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = stopped.await;
                })
                .await;
        });
        Ok(DevAuthServer {
            issuer,
            local,
            jwks,
            stop: Some(stop),
            task: Some(task),
        })
    }
}

/// A running development authorization server. NOT FOR PRODUCTION: see the [module docs](self).
#[derive(Debug)]
pub struct DevAuthServer {
    issuer: String,
    local: SocketAddr,
    jwks: JwkSet,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl DevAuthServer {
    /// A builder with no resource, scope or user yet.
    pub fn builder() -> DevAuthServerBuilder {
        DevAuthServerBuilder::default()
    }

    /// The issuer identifier, exactly `http://IP:PORT` (no trailing slash).
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The listening address.
    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }

    /// The public signing keys, as served at `/jwks`.
    pub fn jwks(&self) -> JwkSet {
        self.jwks.clone()
    }

    /// Stops accepting connections and waits for the server task to end.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for DevAuthServer {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
