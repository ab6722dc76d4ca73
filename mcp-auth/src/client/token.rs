//! Tokens and where they are kept: one entry per authorization server issuer and resource
//! (2026-07-28 `basic/authorization` §Authorization Server Binding: credentials never cross to
//! another AS).

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::secret::Secret;

/// The key of a stored token: the issuer that minted it and the resource it is for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TokenKey {
    /// The authorization server's issuer identifier.
    pub issuer: String,
    /// The MCP server's canonical URI (the RFC 8707 `resource`).
    pub resource: String,
}

/// An access token with its refresh token and lifetime.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TokenSet {
    /// The bearer token.
    pub access_token: Secret,
    /// The refresh token, if the AS issued one (SEP-2207: it may not).
    pub refresh_token: Option<Secret>,
    /// When the access token expires, from `expires_in`.
    pub expires_at: Option<Instant>,
    /// The granted scope, as the AS reported it.
    pub scope: Option<String>,
}

impl TokenSet {
    /// A token with no refresh token and no known expiry.
    pub fn new(access_token: impl Into<Secret>) -> Self {
        Self {
            access_token: access_token.into(),
            refresh_token: None,
            expires_at: None,
            scope: None,
        }
    }

    /// Whether the access token has expired, or will within `margin`.
    pub fn expires_within(&self, margin: Duration) -> bool {
        self.expires_at
            .is_some_and(|at| at.checked_sub(margin).is_none_or(|t| t <= Instant::now()))
    }
}

/// Where tokens are kept between requests. Implementations must keep them confidential
/// (2026-07-28 security-considerations §Token Theft): no logging, no `Debug` of the values.
pub trait TokenStore: Send + Sync + fmt::Debug {
    /// The stored tokens for `key`.
    fn get(&self, key: &TokenKey) -> Option<TokenSet>;
    /// Stores (replaces) the tokens for `key`.
    fn put(&self, key: &TokenKey, tokens: TokenSet);
    /// Forgets the tokens for `key`.
    fn remove(&self, key: &TokenKey);
}

/// A [`TokenStore`] in process memory: the default.
#[derive(Debug, Default)]
pub struct MemoryTokenStore {
    tokens: Mutex<HashMap<TokenKey, TokenSet>>,
}

impl MemoryTokenStore {
    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<TokenKey, TokenSet>> {
        self.tokens
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl TokenStore for MemoryTokenStore {
    fn get(&self, key: &TokenKey) -> Option<TokenSet> {
        self.map().get(key).cloned()
    }

    fn put(&self, key: &TokenKey, tokens: TokenSet) {
        self.map().insert(key.clone(), tokens);
    }

    fn remove(&self, key: &TokenKey) {
        self.map().remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_tokens_and_expiry_works() {
        let mut set = TokenSet::new("at-123");
        set.refresh_token = Some(Secret::new("rt-456"));
        let shown = format!("{set:?}");
        assert!(
            !shown.contains("at-123") && !shown.contains("rt-456"),
            "{shown}"
        );
        assert!(!set.expires_within(Duration::from_secs(30)));
        set.expires_at = Some(Instant::now() + Duration::from_secs(10));
        assert!(set.expires_within(Duration::from_secs(30)));
        assert!(!set.expires_within(Duration::ZERO));
    }
}
