//! Identity over HTTP: OAuth bearer tokens only, checked before a request is served.
//!
//! mcp-server's resource server does the OAuth part (`HttpConfig::resource_server` and
//! `HttpConfig::scope_policy`): the RFC 9728 metadata document, 401 with the exact
//! challenge, 403 `insufficient_scope` naming the tool's scope. The tool checks the scope
//! again itself ([`App::call`](super::App::call)), whatever reached it.
//!
//! The per-caller rate limit (429 with `Retry-After`) is [`RateLimit`], a tower service in
//! front of the endpoint. Requests whose token fails verification are limited too, per client
//! address ([`FailureLimit`]): each one costs a parse and often a signature check, and a
//! caller without a valid token has no principal to be counted under. It needs the caller before the endpoint sees the request, so it
//! verifies the bearer token itself with the same [`ResourceServer`] (one more signature
//! check per request); a token it cannot verify is passed on for the endpoint to refuse with
//! its challenge. It also writes the audit record of every request refused before a tool,
//! resource or prompt sees it (401, 403, 413, and its own 429), so denials are in the trail
//! too.

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use http::header::{AUTHORIZATION, RETRY_AFTER, WWW_AUTHENTICATE};
use http::{HeaderValue, Request, Response, StatusCode};
use http_body_util::BodyExt;
use http_body_util::Empty;
use hyper::body::Bytes;
use mcp_auth::ResourceServer;
use mcp_server::http::HttpBody;

use super::audit;
use super::limits::Limits;

/// The tenant claim of the tokens this server accepts.
pub const TENANT_CLAIM: &str = "tenant";

/// How long the issuer's metadata and keys may take to arrive.
const FETCH_TIMEOUT: Duration = Duration::from_secs(10);

/// Finding an issuer's keys failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DiscoveryError {
    /// The HTTP client could not be built.
    #[error("http client: {0}")]
    Client(String),
    /// Neither RFC 8414 metadata nor OIDC discovery named a `jwks_uri`.
    #[error("no jwks_uri in the metadata of {0}")]
    NoJwksUri(String),
}

/// The HTTP client for the issuer: a slow or silent issuer fails instead of holding requests.
pub fn issuer_client() -> Result<reqwest::Client, DiscoveryError> {
    reqwest::Client::builder()
        .timeout(FETCH_TIMEOUT)
        .build()
        .map_err(|e| DiscoveryError::Client(e.to_string()))
}

/// The `jwks_uri` of `issuer`, from its RFC 8414 metadata, else its OIDC discovery document
/// (RFC 8414 §3 / OpenID Connect Discovery §4: both at the issuer's well-known path). Read
/// once at start; `mcp_auth::HttpJwks` then fetches the keys themselves.
pub async fn jwks_uri(client: &reqwest::Client, issuer: &str) -> Result<String, DiscoveryError> {
    let issuer = issuer.trim_end_matches('/');
    for well_known in ["oauth-authorization-server", "openid-configuration"] {
        let url = format!("{issuer}/.well-known/{well_known}");
        let Ok(response) = client.get(&url).send().await else {
            continue;
        };
        if !response.status().is_success() {
            continue;
        }
        let Ok(doc) = response.json::<serde_json::Value>().await else {
            continue;
        };
        if let Some(uri) = doc.get("jwks_uri").and_then(|u| u.as_str()) {
            return Ok(uri.to_owned());
        }
    }
    Err(DiscoveryError::NoJwksUri(issuer.to_owned()))
}

/// Failed token verifications per client address: a token bucket of `burst` failures
/// refilled at [`FailureLimit::PER_SEC`] a second. At most [`FailureLimit::MAX_ADDRESSES`]
/// addresses are tracked; past that, full buckets are forgotten first, then everything (an
/// attacker with that many addresses is beyond a per-address limit anyway).
#[derive(Debug)]
pub struct FailureLimit {
    burst: f64,
    buckets: Mutex<HashMap<IpAddr, (f64, Instant)>>,
}

impl Default for FailureLimit {
    fn default() -> Self {
        Self::new(Self::BURST)
    }
}

impl FailureLimit {
    /// Failures an address may have in a burst, by default.
    pub const BURST: u32 = 10;
    /// Failures per second an address may keep up.
    pub const PER_SEC: f64 = 1.0;
    /// Addresses tracked at most.
    pub const MAX_ADDRESSES: usize = 10_000;

    /// A limit of `burst` failures in a burst.
    pub fn new(burst: u32) -> Self {
        Self {
            burst: f64::from(burst),
            buckets: Mutex::default(),
        }
    }

    /// Whether `address` may have its token checked now; `Err` with the wait otherwise.
    pub fn check(&self, address: IpAddr, now: Instant) -> Result<(), Duration> {
        let buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        match buckets.get(&address) {
            Some(&(tokens, at)) => {
                let tokens = self.refill(tokens, at, now);
                if tokens >= 1.0 {
                    Ok(())
                } else {
                    Err(Duration::from_secs_f64((1.0 - tokens) / Self::PER_SEC))
                }
            }
            None => Ok(()),
        }
    }

    /// Counts one failed verification from `address`.
    pub fn failed(&self, address: IpAddr, now: Instant) {
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        if buckets.len() >= Self::MAX_ADDRESSES && !buckets.contains_key(&address) {
            buckets.retain(|_, (tokens, at)| self.refill(*tokens, *at, now) < self.burst);
            if buckets.len() >= Self::MAX_ADDRESSES {
                buckets.clear();
            }
        }
        let (tokens, at) = buckets.entry(address).or_insert((self.burst, now));
        *tokens = (self.refill(*tokens, *at, now) - 1.0).max(0.0);
        *at = now;
    }

    fn refill(&self, tokens: f64, at: Instant, now: Instant) -> f64 {
        (tokens + now.saturating_duration_since(at).as_secs_f64() * Self::PER_SEC).min(self.burst)
    }
}

/// A tower service that answers 429 with `Retry-After` to a caller past its rate limit and
/// passes every other request to `inner` (see the module docs).
#[derive(Clone, Debug)]
pub struct RateLimit<S> {
    inner: S,
    resource_server: Arc<ResourceServer>,
    limits: Arc<Limits>,
    failures: Arc<FailureLimit>,
    peer: Option<IpAddr>,
}

impl<S> RateLimit<S> {
    /// Limits the callers of `inner`, identified by `resource_server`, with `limits`.
    pub fn new(inner: S, resource_server: Arc<ResourceServer>, limits: Arc<Limits>) -> Self {
        Self {
            inner,
            resource_server,
            limits,
            failures: Arc::default(),
            peer: None,
        }
    }

    /// Limits failed token verifications per client address with `failures`.
    #[must_use]
    pub fn failures(mut self, failures: FailureLimit) -> Self {
        self.failures = Arc::new(failures);
        self
    }

    /// This service for the requests of one connection from `peer` (its failed token
    /// verifications are counted under that address).
    #[must_use]
    pub fn for_peer(mut self, peer: Option<IpAddr>) -> Self {
        self.peer = peer;
        self
    }
}

impl<S, B> tower_service::Service<Request<B>> for RateLimit<S>
where
    S: tower_service::Service<Request<B>, Response = Response<HttpBody>, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send,
    B: Send + 'static,
{
    type Response = Response<HttpBody>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response<HttpBody>, Infallible>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        // The clone that was driven ready serves this request (tower's Service contract).
        let mut inner = self.inner.clone();
        std::mem::swap(&mut inner, &mut self.inner);
        let (resource_server, limits) = (self.resource_server.clone(), self.limits.clone());
        let (failures, peer) = (self.failures.clone(), self.peer);
        Box::pin(async move {
            let started = Instant::now();
            let authorization = request
                .headers()
                .get(AUTHORIZATION)
                .and_then(|v| v.to_str().ok());
            let target = Target::of(&request);
            if authorization.is_some()
                && let Some(peer) = peer
                && let Err(wait) = failures.check(peer, started)
            {
                // Too many bad tokens from this address: not even parsed.
                target.audit(
                    None,
                    "refused: HTTP 429 too many failed authentications".into(),
                    started,
                );
                return Ok(too_many(wait));
            }
            let principal = match authorization {
                Some(authorization) => {
                    let verified = resource_server.authenticate(Some(authorization)).await.ok();
                    if verified.is_none()
                        && let Some(peer) = peer
                    {
                        failures.failed(peer, Instant::now());
                    }
                    verified
                }
                None => None,
            };
            if let Some(principal) = &principal
                && let Err(wait) = limits.take(&principal.key(), Instant::now())
            {
                target.audit(
                    Some(principal),
                    "refused: HTTP 429 rate limited".into(),
                    started,
                );
                return Ok(too_many(wait));
            }
            let response = inner.call(request).await?;
            let status = response.status();
            if matches!(status.as_u16(), 401 | 403 | 413) {
                let why = response
                    .headers()
                    .get(WWW_AUTHENTICATE)
                    .and_then(|v| v.to_str().ok())
                    .and_then(challenge_error)
                    .unwrap_or_else(|| status.canonical_reason().unwrap_or("refused"));
                target.audit(
                    principal.as_ref(),
                    format!("refused: HTTP {} {why}", status.as_u16()),
                    started,
                );
            }
            Ok(response)
        })
    }
}

/// What a refused request asked for, from its headers (the body is never read here): the
/// 2026-07-28 `Mcp-Method` and `Mcp-Name` headers, else the HTTP method and path. Kept as
/// the request's own (reference-counted) values, and made into text only for a refusal,
/// so a request that is served costs no allocation here.
struct Target {
    mcp_method: Option<HeaderValue>,
    mcp_name: Option<HeaderValue>,
    method: http::Method,
    uri: http::Uri,
}

impl Target {
    fn of<B>(request: &Request<B>) -> Self {
        let headers = request.headers();
        Self {
            mcp_method: headers.get("mcp-method").cloned(),
            mcp_name: headers.get("mcp-name").cloned(),
            method: request.method().clone(),
            uri: request.uri().clone(),
        }
    }

    fn audit(self, principal: Option<&mcp_auth::Principal>, outcome: String, started: Instant) {
        let text = |v: Option<HeaderValue>| v.and_then(|v| v.to_str().ok().map(str::to_owned));
        let method =
            text(self.mcp_method).unwrap_or_else(|| format!("{} {}", self.method, self.uri.path()));
        audit::emit(&audit::refusal(
            principal,
            method,
            text(self.mcp_name).unwrap_or_default(),
            outcome,
            started.elapsed(),
        ));
    }
}

/// The `error` parameter of a Bearer challenge (`invalid_token`, `insufficient_scope`), if
/// it has one.
fn challenge_error(challenge: &str) -> Option<&str> {
    let rest = &challenge[challenge.find("error=\"")? + "error=\"".len()..];
    rest.split('"').next()
}

/// 429 with `Retry-After` in whole seconds (at least 1).
fn too_many(wait: Duration) -> Response<HttpBody> {
    let mut response = Response::new(Empty::<Bytes>::new().boxed_unsync());
    *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
    response
        .headers_mut()
        .insert(RETRY_AFTER, HeaderValue::from(wait.as_secs().max(1)));
    response
}
