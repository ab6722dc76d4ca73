//! Identity over HTTP: OAuth bearer tokens only, checked before a request is served.
//!
//! mcp-server's resource server does the OAuth part (`HttpConfig::resource_server` and
//! `HttpConfig::scope_policy`): the RFC 9728 metadata document, 401 with the exact
//! challenge, 403 `insufficient_scope` naming the tool's scope. The tool checks the scope
//! again itself ([`App::call`](super::App::call)), whatever reached it.
//!
//! The per-caller rate limit (429 with `Retry-After`) is [`RateLimit`], a tower service in
//! front of the endpoint. It needs the caller before the endpoint sees the request, so it
//! verifies the bearer token itself with the same [`ResourceServer`] (one more signature
//! check per request); a token it cannot verify is passed on for the endpoint to refuse with
//! its challenge. It also writes the audit record of every request refused before a tool,
//! resource or prompt sees it (401, 403, 413, and its own 429), so denials are in the trail
//! too.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
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

/// A tower service that answers 429 with `Retry-After` to a caller past its rate limit and
/// passes every other request to `inner` (see the module docs).
#[derive(Clone, Debug)]
pub struct RateLimit<S> {
    inner: S,
    resource_server: Arc<ResourceServer>,
    limits: Arc<Limits>,
}

impl<S> RateLimit<S> {
    /// Limits the callers of `inner`, identified by `resource_server`, with `limits`.
    pub fn new(inner: S, resource_server: Arc<ResourceServer>, limits: Arc<Limits>) -> Self {
        Self {
            inner,
            resource_server,
            limits,
        }
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
        Box::pin(async move {
            let started = Instant::now();
            let authorization = request
                .headers()
                .get(AUTHORIZATION)
                .and_then(|v| v.to_str().ok());
            let principal = match authorization {
                Some(authorization) => resource_server.authenticate(Some(authorization)).await.ok(),
                None => None,
            };
            let target = Target::of(&request);
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
