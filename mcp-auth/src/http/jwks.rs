//! [`HttpJwks`]: the issuer's `jwks_uri`, fetched with a timeout, a size cap and a rate limit.

use std::fmt;
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::JwkSet;

use super::Limits;
use crate::{BoxFuture, JwksSource, TokenError};

/// A [`JwksSource`] that GETs the issuer's `jwks_uri`.
///
/// [`crate::JwtVerifier`] fetches only when it meets an unknown `kid` (and at most once per
/// its `refetch_interval`); this source bounds the network side too: within
/// [`HttpJwks::min_refetch_interval`] of the last fetch (default 5 s) it answers with that
/// fetch's result instead of asking again, and concurrent callers share one fetch. A flood
/// of tokens with made-up `kid`s thus costs the issuer at most one request per interval.
///
/// ```no_run
/// use mcp_auth::{HttpJwks, JwtConfig, JwtVerifier};
///
/// let jwks = HttpJwks::new(reqwest::Client::new(), "https://as.example/jwks");
/// let verifier = JwtVerifier::new(
///     JwtConfig::new("https://as.example", "https://mcp.example/mcp"),
///     jwks,
/// )?;
/// # Ok::<(), mcp_auth::TokenError>(())
/// ```
pub struct HttpJwks {
    client: reqwest::Client,
    url: String,
    limits: Limits,
    min_interval: Duration,
    last: tokio::sync::Mutex<Option<(Instant, Result<JwkSet, TokenError>)>>,
}

impl fmt::Debug for HttpJwks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpJwks")
            .field("url", &self.url)
            .field("limits", &self.limits)
            .field("min_interval", &self.min_interval)
            .finish_non_exhaustive()
    }
}

impl HttpJwks {
    /// Fetches `jwks_uri` with `client`: 10 s timeout, 256 KiB body cap, at most one fetch
    /// per 5 s.
    pub fn new(client: reqwest::Client, jwks_uri: impl Into<String>) -> Self {
        Self {
            client,
            url: jwks_uri.into(),
            limits: Limits::default(),
            min_interval: Duration::from_secs(5),
            last: tokio::sync::Mutex::new(None),
        }
    }

    /// How long one fetch may take, body included.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.limits.timeout = timeout;
        self
    }

    /// The largest key-set document read; a larger one is refused.
    #[must_use]
    pub fn max_body(mut self, bytes: usize) -> Self {
        self.limits.max_body = bytes;
        self
    }

    /// The least time between two requests to the endpoint; a fetch sooner than that
    /// returns the last result.
    #[must_use]
    pub fn min_refetch_interval(mut self, interval: Duration) -> Self {
        self.min_interval = interval;
        self
    }

    async fn fetch_now(&self) -> Result<JwkSet, TokenError> {
        let body = self
            .limits
            .fetch(self.client.get(&self.url), "JWKS")
            .await?;
        serde_json::from_slice(&body)
            .map_err(|_| TokenError::Unavailable("JWKS: not a JWK set".to_owned()))
    }
}

impl JwksSource for HttpJwks {
    fn fetch(&self) -> BoxFuture<'_, Result<JwkSet, TokenError>> {
        Box::pin(async move {
            // Held across the fetch: concurrent callers wait for it and share its result.
            let mut last = self.last.lock().await;
            if let Some((at, result)) = &*last
                && at.elapsed() < self.min_interval
            {
                return result.clone();
            }
            let result = self.fetch_now().await;
            *last = Some((Instant::now(), result.clone()));
            result
        })
    }
}
