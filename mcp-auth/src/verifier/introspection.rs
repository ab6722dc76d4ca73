//! RFC 7662 token introspection, with a short positive cache.

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::claims::{now_secs, principal_from_claims};
use super::{BoxFuture, TokenError, TokenVerifier};
use crate::Principal;

/// The RFC 7662 §2.2 response, as far as a resource server needs it.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct IntrospectionResponse {
    /// Whether the token is active; `false` means refuse it.
    pub active: bool,
    /// Every other member (`iss`, `sub`, `aud`, `exp`, `scope`, `client_id`…).
    #[serde(flatten)]
    pub claims: Map<String, Value>,
}

/// Calls the authorization server's introspection endpoint.
///
/// Implementations POST `token=…` with the resource server's own client authentication
/// (RFC 7662 §2.1). `HttpIntrospector` (feature `http`) does it over HTTP.
pub trait Introspector: Send + Sync + fmt::Debug {
    /// Introspects `token`.
    fn introspect<'a>(
        &'a self,
        token: &'a str,
    ) -> BoxFuture<'a, Result<IntrospectionResponse, TokenError>>;
}

/// Verifies opaque tokens by introspection.
///
/// An active response must name the configured issuer (when it names one), an accepted
/// audience, a `sub`, and an `exp` in the future. Positive results are cached, keyed by the
/// token's SHA-256 (the token itself is not kept), for at most `cache_ttl` and never past `exp`.
pub struct IntrospectionVerifier {
    introspector: Box<dyn Introspector>,
    issuer: String,
    audiences: Vec<String>,
    tenant_claim: Option<String>,
    cache_ttl: Duration,
    cache: Mutex<HashMap<[u8; 32], (Instant, Principal)>>,
}

impl fmt::Debug for IntrospectionVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IntrospectionVerifier")
            .field("issuer", &self.issuer)
            .field("audiences", &self.audiences)
            .finish_non_exhaustive()
    }
}

/// Most cached results kept; past this the cache is emptied rather than grown.
const CACHE_LIMIT: usize = 10_000;

impl IntrospectionVerifier {
    /// A verifier accepting tokens of `issuer` for `audiences`; results cached up to 60 s.
    pub fn new(
        introspector: impl Introspector + 'static,
        issuer: impl Into<String>,
        audiences: Vec<String>,
    ) -> Self {
        Self {
            introspector: Box::new(introspector),
            issuer: issuer.into(),
            audiences,
            tenant_claim: None,
            cache_ttl: Duration::from_secs(60),
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// Sets the claim that holds the tenant.
    #[must_use]
    pub fn tenant_claim(mut self, claim: impl Into<String>) -> Self {
        self.tenant_claim = Some(claim.into());
        self
    }

    /// Sets the longest time a positive result is reused.
    #[must_use]
    pub fn cache_ttl(mut self, ttl: Duration) -> Self {
        self.cache_ttl = ttl;
        self
    }

    async fn verify_opaque(&self, token: &str) -> Result<Principal, TokenError> {
        let digest: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        if let Some((until, principal)) = self
            .cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&digest)
            && Instant::now() < *until
        {
            return Ok(principal.clone());
        }
        let response = self.introspector.introspect(token).await?;
        if !response.active {
            return Err(TokenError::Inactive);
        }
        let mut claims = response.claims;
        match claims.get("iss") {
            None => {
                claims.insert("iss".to_owned(), Value::String(self.issuer.clone()));
            }
            Some(Value::String(iss)) if *iss == self.issuer => {}
            Some(_) => return Err(TokenError::WrongIssuer),
        }
        let audience_ok = match claims.get("aud") {
            Some(Value::String(aud)) => self.audiences.contains(aud),
            Some(Value::Array(list)) => list.iter().any(|a| {
                a.as_str()
                    .is_some_and(|a| self.audiences.iter().any(|x| x == a))
            }),
            _ => false,
        };
        if !audience_ok {
            return Err(TokenError::WrongAudience);
        }
        let exp = claims
            .get("exp")
            .ok_or(TokenError::MissingClaim("exp"))?
            .as_u64()
            .ok_or(TokenError::Malformed)?;
        let now = now_secs();
        if exp <= now {
            return Err(TokenError::Expired);
        }
        if claims
            .get("nbf")
            .and_then(Value::as_u64)
            .is_some_and(|nbf| nbf > now)
        {
            return Err(TokenError::NotYetValid);
        }
        let principal = principal_from_claims(&claims, self.tenant_claim.as_deref())?;
        let until = Instant::now() + self.cache_ttl.min(Duration::from_secs(exp - now));
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        if cache.len() >= CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(digest, (until, principal.clone()));
        Ok(principal)
    }
}

impl TokenVerifier for IntrospectionVerifier {
    fn verify<'a>(&'a self, token: &'a str) -> BoxFuture<'a, Result<Principal, TokenError>> {
        Box::pin(self.verify_opaque(token))
    }
}

impl<T: Introspector + ?Sized> Introspector for std::sync::Arc<T> {
    fn introspect<'a>(
        &'a self,
        token: &'a str,
    ) -> BoxFuture<'a, Result<IntrospectionResponse, TokenError>> {
        (**self).introspect(token)
    }
}
