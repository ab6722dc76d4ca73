//! Identity over HTTP: OAuth bearer tokens only, checked before a request is served.
//!
//! [`authenticate`] is the one seam between the ticket server and mcp-server's HTTP layer
//! (`HttpConfig::authenticate`): it verifies the token with a [`ResourceServer`] (401 with an
//! RFC 6750 challenge), applies the caller's rate limit (429 with `Retry-After`), and for a
//! `tools/call` whose `Mcp-Method`/`Mcp-Name` headers name the tool (2026-07-28; our client
//! sends them in every era), checks the tool's scope (403 `insufficient_scope` naming the
//! scope). A request without those headers is checked by the tool itself
//! ([`App::call`](super::App::call)), which answers with a tool error naming
//! `insufficient_scope`; so is every call, whatever the headers claimed.

use std::sync::Arc;
use std::time::{Duration, Instant};

use http::header::{AUTHORIZATION, RETRY_AFTER, WWW_AUTHENTICATE};
use http::{HeaderMap, HeaderValue, StatusCode};
use mcp_auth::jwk::JwkSet;
use mcp_auth::{BoxFuture, Challenge, JwksSource, ResourceServer, Target, TokenError};
use mcp_server::http::{Authenticate, Rejection};

use super::App;

/// The tenant claim of the tokens this server accepts.
pub const TENANT_CLAIM: &str = "tenant";

/// The hook for `HttpConfig::authenticate`: bearer token, rate limit, tool scope.
pub fn authenticate(resource_server: ResourceServer, app: &App) -> Authenticate {
    let resource_server = Arc::new(resource_server);
    let policy = app.policy();
    let limits = app.limits();
    Arc::new(move |headers: &HeaderMap| {
        let authorization = header(headers, AUTHORIZATION.as_str());
        let tool = (header(headers, "mcp-method").as_deref() == Some("tools/call"))
            .then(|| header(headers, "mcp-name"))
            .flatten();
        let (resource_server, policy, limits) =
            (resource_server.clone(), policy.clone(), limits.clone());
        Box::pin(async move {
            let principal = resource_server
                .authenticate(authorization.as_deref())
                .await
                .map_err(|c| refuse(&c))?;
            if let Err(wait) = limits.take(&principal.key(), Instant::now()) {
                let seconds = HeaderValue::from(wait.as_secs().max(1));
                return Err(
                    Rejection::new(StatusCode::TOO_MANY_REQUESTS).with_header(RETRY_AFTER, seconds)
                );
            }
            if let Some(tool) = tool {
                policy
                    .check(
                        &principal,
                        Target::Tool(&tool),
                        resource_server.resource_metadata_url(),
                    )
                    .map_err(|c| refuse(&c))?;
            }
            Ok(Some(principal))
        })
    })
}

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// The HTTP answer for an OAuth challenge.
fn refuse(challenge: &Challenge) -> Rejection {
    let status = StatusCode::from_u16(challenge.status()).unwrap_or(StatusCode::UNAUTHORIZED);
    let mut rejection = Rejection::new(status);
    if let Ok(value) = HeaderValue::from_str(challenge.www_authenticate()) {
        rejection = rejection.with_header(WWW_AUTHENTICATE, value);
    }
    rejection
}

/// The key set of an issuer given by URL: its RFC 8414 metadata (then OIDC discovery) names
/// the `jwks_uri`, fetched on each call (the verifier caches keys and limits refetches).
#[derive(Debug, Clone)]
pub struct IssuerJwks {
    issuer: String,
    client: reqwest::Client,
}

impl IssuerJwks {
    /// The key set of `issuer`.
    pub fn new(issuer: impl Into<String>) -> Self {
        Self {
            issuer: issuer.into().trim_end_matches('/').to_owned(),
            // A slow or silent issuer fails the verification instead of holding the request.
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .unwrap_or_default(),
        }
    }

    async fn jwks_uri(&self) -> Result<String, TokenError> {
        for well_known in ["oauth-authorization-server", "openid-configuration"] {
            let url = format!("{}/.well-known/{well_known}", self.issuer);
            let Ok(response) = self.client.get(&url).send().await else {
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
        Err(TokenError::Unavailable(format!(
            "no jwks_uri in the metadata of {}",
            self.issuer
        )))
    }
}

impl JwksSource for IssuerJwks {
    fn fetch(&self) -> BoxFuture<'_, Result<JwkSet, TokenError>> {
        Box::pin(async move {
            let uri = self.jwks_uri().await?;
            let response = self
                .client
                .get(&uri)
                .send()
                .await
                .map_err(|e| TokenError::Unavailable(e.to_string()))?;
            response
                .json::<JwkSet>()
                .await
                .map_err(|e| TokenError::Unavailable(e.to_string()))
        })
    }
}
