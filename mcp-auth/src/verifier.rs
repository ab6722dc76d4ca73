//! The [`TokenVerifier`] trait, its error, and a fixed-table verifier for tests.

pub(crate) mod claims;
pub(crate) mod introspection;
#[cfg(feature = "jwt")]
pub(crate) mod jwt;

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;

use crate::Principal;

/// A boxed `Send` future, so [`TokenVerifier`] stays object-safe.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Checks an access token and says whose it is.
///
/// Used as `Arc<dyn TokenVerifier>`. Implementations must never put the token into an error,
/// a log line or `Debug` output.
pub trait TokenVerifier: Send + Sync + fmt::Debug {
    /// The principal the token identifies, or why it is not acceptable.
    fn verify<'a>(&'a self, token: &'a str) -> BoxFuture<'a, Result<Principal, TokenError>>;
}

/// Why a token was refused. None of these carry the token itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// Not a well-formed token (bad encoding, bad JSON, bad claim types).
    #[error("malformed token")]
    Malformed,
    /// The signing algorithm is not one the verifier is configured for (this includes `none`).
    #[error("algorithm not allowed")]
    AlgorithmNotAllowed,
    /// The header has `crit`: it names extensions that must be understood, and this verifier
    /// understands none (RFC 7515 §4.1.11: such a JWS is invalid).
    #[error("unsupported critical header (crit)")]
    UnsupportedCritical,
    /// The `typ` header is present and is not `at+jwt` (RFC 9068 §4).
    #[error("not an access token (typ)")]
    WrongType,
    /// No key with the token's `kid` is known, even after a (rate-limited) JWKS refetch.
    #[error("unknown signing key")]
    UnknownKey,
    /// The signature does not verify.
    #[error("bad signature")]
    BadSignature,
    /// `exp` has passed.
    #[error("token expired")]
    Expired,
    /// `nbf` is in the future.
    #[error("token not yet valid")]
    NotYetValid,
    /// `iss` is not the configured issuer.
    #[error("wrong issuer")]
    WrongIssuer,
    /// `aud` does not name this resource.
    #[error("wrong audience")]
    WrongAudience,
    /// A required claim is missing.
    #[error("missing claim {0}")]
    MissingClaim(&'static str),
    /// The token belongs to a tenant this server does not serve.
    #[error("wrong tenant")]
    WrongTenant,
    /// The introspection endpoint says the token is not active (RFC 7662 §2.2).
    #[error("token not active")]
    Inactive,
    /// The verifier could not reach its key set or introspection endpoint.
    #[error("token verification unavailable: {0}")]
    Unavailable(String),
}

/// A verifier over a fixed table of tokens: for tests and examples.
#[derive(Default, Clone)]
pub struct StaticVerifier {
    tokens: HashMap<String, Principal>,
}

impl fmt::Debug for StaticVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The tokens are secrets: show only how many there are.
        f.debug_struct("StaticVerifier")
            .field("tokens", &self.tokens.len())
            .finish()
    }
}

impl StaticVerifier {
    /// Accepts `token` as `principal`.
    #[must_use]
    pub fn with_token(mut self, token: impl Into<String>, principal: Principal) -> Self {
        self.tokens.insert(token.into(), principal);
        self
    }
}

impl TokenVerifier for StaticVerifier {
    fn verify<'a>(&'a self, token: &'a str) -> BoxFuture<'a, Result<Principal, TokenError>> {
        let result = self
            .tokens
            .get(token)
            .cloned()
            .ok_or(TokenError::BadSignature);
        Box::pin(std::future::ready(result))
    }
}
