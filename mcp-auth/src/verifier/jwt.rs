//! JWT access tokens (RFC 9068) checked against the issuer's JWKS, with a key cache.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Map, Value};

use super::claims::principal_from_claims;
use super::{BoxFuture, TokenError, TokenVerifier};
use crate::Principal;

/// Where the verifier gets the issuer's key set.
///
/// `HttpJwks` (feature `http`) fetches the issuer's `jwks_uri`; [`StaticJwks`] serves a
/// fixed set.
pub trait JwksSource: Send + Sync + fmt::Debug {
    /// Fetches the current key set.
    fn fetch(&self) -> BoxFuture<'_, Result<JwkSet, TokenError>>;
}

/// A fixed key set.
#[derive(Debug, Clone)]
pub struct StaticJwks(pub JwkSet);

impl JwksSource for StaticJwks {
    fn fetch(&self) -> BoxFuture<'_, Result<JwkSet, TokenError>> {
        Box::pin(std::future::ready(Ok(self.0.clone())))
    }
}

/// What a [`JwtVerifier`] accepts.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct JwtConfig {
    /// The one accepted `iss`.
    pub issuer: String,
    /// Accepted `aud` values: the canonical resource URI, plus any a provider insists on.
    pub audiences: Vec<String>,
    /// Allowed signing algorithms, pinned here and never taken from the token. HMAC
    /// algorithms are refused by [`JwtVerifier::new`]: a JWKS holds public keys.
    pub algorithms: Vec<Algorithm>,
    /// Clock leeway for `exp` and `nbf`.
    pub leeway: Duration,
    /// The claim holding the tenant (`tenant`, `tid`, `org_id`…), if any.
    pub tenant_claim: Option<String>,
    /// Whether `nbf` must be present (it is always checked when present). Off by default:
    /// RFC 9068 §2.2 does not list `nbf` among an access token's required claims, and real
    /// authorization servers leave it out (oidc-provider does; see mcp-auth/tests/oidc_provider.rs).
    pub require_nbf: bool,
    /// The least time between two JWKS fetches caused by unknown `kid`s.
    pub refetch_interval: Duration,
    /// Whether a token may name audiences besides this resource (`aud` an array of several).
    /// Off by default: a token good at two resources can be replayed by either at the other
    /// (the confused deputy of 2025-11-25 `basic/authorization` §Token Audience Binding), so
    /// `aud` must be the resource itself, as a string or an array of one.
    pub allow_multiple_audiences: bool,
}

impl JwtConfig {
    /// Defaults: RS256 and ES256, 30 s leeway, `nbf` checked when present, refetch at most
    /// every 60 s.
    pub fn new(issuer: impl Into<String>, resource: impl Into<String>) -> Self {
        Self {
            issuer: issuer.into(),
            audiences: vec![resource.into()],
            algorithms: vec![Algorithm::RS256, Algorithm::ES256],
            leeway: Duration::from_secs(30),
            tenant_claim: None,
            require_nbf: false,
            refetch_interval: Duration::from_secs(60),
            allow_multiple_audiences: false,
        }
    }
}

struct KeyCache {
    keys: HashMap<String, Arc<(DecodingKey, Option<Algorithm>)>>,
    /// Used when the token has no `kid` and the set has exactly one key.
    only: Option<Arc<(DecodingKey, Option<Algorithm>)>>,
    fetched_at: Option<Instant>,
}

/// Verifies RFC 9068 JWT access tokens.
///
/// Checks, in order: the header's `alg` is in the pinned list (so `none` and HMAC never pass),
/// there is no `crit` (RFC 7515 §4.1.11: no extension is understood here),
/// `typ` is `at+jwt` when present, the key (by `kid`) is known — refetching the JWKS at most
/// once per `refetch_interval` on an unknown `kid` — the signature, `exp`, `nbf`, `iss`, `aud`
/// (exactly this resource unless [`JwtConfig::allow_multiple_audiences`]) and `sub`.
pub struct JwtVerifier {
    config: JwtConfig,
    validations: HashMap<Algorithm, Validation>,
    source: Box<dyn JwksSource>,
    cache: RwLock<KeyCache>,
    refetch: tokio::sync::Mutex<()>,
}

impl fmt::Debug for JwtVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtVerifier")
            .field("config", &self.config)
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

fn is_hmac(alg: Algorithm) -> bool {
    matches!(alg, Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512)
}

impl JwtVerifier {
    /// A verifier with this config and key source. Keys are fetched on first use.
    ///
    /// Fails if the configured algorithms are empty or include an HMAC algorithm.
    pub fn new(config: JwtConfig, source: impl JwksSource + 'static) -> Result<Self, TokenError> {
        if config.algorithms.is_empty() || config.algorithms.iter().any(|a| is_hmac(*a)) {
            return Err(TokenError::AlgorithmNotAllowed);
        }
        let mut required = vec!["exp", "iss", "aud", "sub"];
        if config.require_nbf {
            required.push("nbf");
        }
        let validations = config
            .algorithms
            .iter()
            .map(|alg| {
                let mut v = Validation::new(*alg);
                v.set_issuer(&[&config.issuer]);
                v.set_audience(&config.audiences);
                v.set_required_spec_claims(&required);
                v.validate_nbf = true;
                v.leeway = config.leeway.as_secs();
                (*alg, v)
            })
            .collect();
        Ok(Self {
            config,
            validations,
            source: Box::new(source),
            cache: RwLock::new(KeyCache {
                keys: HashMap::new(),
                only: None,
                fetched_at: None,
            }),
            refetch: tokio::sync::Mutex::new(()),
        })
    }

    fn cached_key(&self, kid: Option<&str>) -> Option<Arc<(DecodingKey, Option<Algorithm>)>> {
        let cache = self.cache.read().unwrap_or_else(|e| e.into_inner());
        match kid {
            Some(kid) => cache.keys.get(kid).cloned(),
            None => cache.only.clone(),
        }
    }

    /// The key for `kid`, refetching the set if it is unknown and the last fetch is older than
    /// the refetch interval. Concurrent misses wait on one fetch instead of each fetching.
    async fn key(
        &self,
        kid: Option<&str>,
    ) -> Result<Arc<(DecodingKey, Option<Algorithm>)>, TokenError> {
        if let Some(key) = self.cached_key(kid) {
            return Ok(key);
        }
        let _guard = self.refetch.lock().await;
        if let Some(key) = self.cached_key(kid) {
            return Ok(key);
        }
        let fetched_at = self
            .cache
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .fetched_at;
        if fetched_at.is_some_and(|t| t.elapsed() < self.config.refetch_interval) {
            return Err(TokenError::UnknownKey);
        }
        let set = self.source.fetch().await;
        let mut cache = self.cache.write().unwrap_or_else(|e| e.into_inner());
        cache.fetched_at = Some(Instant::now());
        let set = set?;
        cache.keys.clear();
        cache.only = None;
        for jwk in &set.keys {
            // A key we cannot use (unsupported type, bad parameters) is skipped, not fatal.
            let Ok(key) = DecodingKey::from_jwk(jwk) else {
                continue;
            };
            let alg = jwk
                .common
                .key_algorithm
                .and_then(|a| a.to_string().parse::<Algorithm>().ok());
            let entry = Arc::new((key, alg));
            if let Some(kid) = &jwk.common.key_id {
                cache.keys.insert(kid.clone(), entry.clone());
            }
            if set.keys.len() == 1 {
                cache.only = Some(entry);
            }
        }
        drop(cache);
        self.cached_key(kid).ok_or(TokenError::UnknownKey)
    }

    async fn verify_jwt(&self, token: &str) -> Result<Principal, TokenError> {
        // `decode_header` fails for `alg: none` (jsonwebtoken has no such algorithm).
        let header = jsonwebtoken::decode_header(token).map_err(|_| TokenError::Malformed)?;
        let validation = self
            .validations
            .get(&header.alg)
            .ok_or(TokenError::AlgorithmNotAllowed)?;
        if has_crit(token) {
            return Err(TokenError::UnsupportedCritical);
        }
        if let Some(typ) = &header.typ {
            // RFC 9068 §4: `at+jwt`, or the full media type `application/at+jwt`.
            if !(typ.eq_ignore_ascii_case("at+jwt")
                || typ.eq_ignore_ascii_case("application/at+jwt"))
            {
                return Err(TokenError::WrongType);
            }
        }
        let key = self.key(header.kid.as_deref()).await?;
        if key.1.is_some_and(|alg| alg != header.alg) {
            return Err(TokenError::AlgorithmNotAllowed);
        }
        let data = jsonwebtoken::decode::<Map<String, Value>>(token, &key.0, validation)
            .map_err(map_error)?;
        if !self.config.allow_multiple_audiences
            && matches!(data.claims.get("aud"), Some(Value::Array(list)) if list.len() != 1)
        {
            // jsonwebtoken accepts an array naming us among others; one audience only.
            return Err(TokenError::WrongAudience);
        }
        let principal = principal_from_claims(&data.claims, self.config.tenant_claim.as_deref())?;
        Ok(principal)
    }
}

/// Whether the token's protected header has a `crit` member. jsonwebtoken's `Header` drops
/// members it does not know, so the header is read again here (bounded: the header segment
/// was already decoded once by `decode_header`).
fn has_crit(token: &str) -> bool {
    use base64::Engine as _;
    let Some(segment) = token.split('.').next() else {
        return false;
    };
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(segment)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Map<String, Value>>(&bytes).ok())
        .is_some_and(|header| header.contains_key("crit"))
}

fn map_error(error: jsonwebtoken::errors::Error) -> TokenError {
    match error.kind() {
        ErrorKind::ExpiredSignature => TokenError::Expired,
        ErrorKind::ImmatureSignature => TokenError::NotYetValid,
        ErrorKind::InvalidIssuer => TokenError::WrongIssuer,
        ErrorKind::InvalidAudience => TokenError::WrongAudience,
        ErrorKind::InvalidSignature => TokenError::BadSignature,
        ErrorKind::InvalidAlgorithm | ErrorKind::MissingAlgorithm => {
            TokenError::AlgorithmNotAllowed
        }
        ErrorKind::MissingRequiredClaim(claim) => TokenError::MissingClaim(match claim.as_str() {
            "exp" => "exp",
            "nbf" => "nbf",
            "iss" => "iss",
            "aud" => "aud",
            _ => "sub",
        }),
        _ => TokenError::Malformed,
    }
}

impl TokenVerifier for JwtVerifier {
    fn verify<'a>(&'a self, token: &'a str) -> BoxFuture<'a, Result<Principal, TokenError>> {
        Box::pin(self.verify_jwt(token))
    }
}

impl<T: JwksSource + ?Sized> JwksSource for Arc<T> {
    fn fetch(&self) -> BoxFuture<'_, Result<JwkSet, TokenError>> {
        (**self).fetch()
    }
}
