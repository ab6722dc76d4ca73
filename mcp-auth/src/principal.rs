//! The authenticated caller.

use std::collections::BTreeSet;
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

/// Who made a request, as established from a verified access token.
///
/// It holds no token, so it can be handed to tool handlers without any way to pass the
/// caller's token on to another service (2025-11-25 `basic/authorization` §Token Passthrough).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Principal {
    /// The authorization server that issued the token (`iss`).
    pub issuer: String,
    /// The subject (`sub`): the user, or the client for a client-credentials token.
    pub subject: String,
    /// The OAuth client the token was issued to (`client_id`, else `azp`).
    pub client_id: Option<String>,
    /// The tenant, from the configured claim (`tenant`, `tid`, `org_id`…), if present.
    pub tenant: Option<String>,
    /// The granted scopes.
    pub scopes: BTreeSet<String>,
    /// When the token expires (`exp`), if known.
    pub expires_at: Option<SystemTime>,
    /// When the user last authenticated: the token's `auth_time` (OpenID Connect Core §2,
    /// RFC 9470 §4), else its `iat`, if either is present. A resource can ask for a recent
    /// authentication before a sensitive action ([`ScopePolicy::recent_authentication`]).
    ///
    /// [`ScopePolicy::recent_authentication`]: crate::ScopePolicy::recent_authentication
    pub authenticated_at: Option<SystemTime>,
}

/// A stable identity for session binding: issuer plus subject.
///
/// Two tokens of the same user from the same issuer give equal keys; the same `sub` from two
/// issuers does not.
///
/// It serializes (as `{"issuer", "subject"}`) so a server can seal it into state it hands
/// out, such as an MRTR `requestState`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PrincipalKey {
    issuer: String,
    subject: String,
}

impl Principal {
    /// A principal with no scopes, client, tenant or expiry (tests, stdio servers).
    pub fn new(issuer: impl Into<String>, subject: impl Into<String>) -> Self {
        Self {
            issuer: issuer.into(),
            subject: subject.into(),
            client_id: None,
            tenant: None,
            scopes: BTreeSet::new(),
            expires_at: None,
            authenticated_at: None,
        }
    }

    /// Adds these scopes.
    #[must_use]
    pub fn with_scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.scopes.extend(scopes.into_iter().map(Into::into));
        self
    }

    /// Sets the client id.
    #[must_use]
    pub fn with_client_id(mut self, client_id: impl Into<String>) -> Self {
        self.client_id = Some(client_id.into());
        self
    }

    /// Sets the tenant.
    #[must_use]
    pub fn with_tenant(mut self, tenant: impl Into<String>) -> Self {
        self.tenant = Some(tenant.into());
        self
    }

    /// Sets the expiry.
    #[must_use]
    pub fn with_expiry(mut self, expires_at: SystemTime) -> Self {
        self.expires_at = Some(expires_at);
        self
    }

    /// Whether the principal holds this scope.
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.contains(scope)
    }

    /// The stable identity (issuer + subject) a session is bound to.
    pub fn key(&self) -> PrincipalKey {
        PrincipalKey {
            issuer: self.issuer.clone(),
            subject: self.subject.clone(),
        }
    }
}

/// Splits an OAuth `scope` string (RFC 6749 §3.3: space-delimited) into a set.
pub(crate) fn parse_scope(scope: &str) -> BTreeSet<String> {
    scope
        .split(' ')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}
