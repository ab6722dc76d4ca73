//! The resource server: from an `Authorization` header to a principal or a challenge.

use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;

use crate::{
    BearerError, Challenge, ErrorCode, Principal, ProtectedResourceMetadata, TokenError,
    TokenVerifier, bearer_token, well_known_url,
};

/// An MCP server in its role as OAuth resource server.
///
/// Audience checking belongs to the verifier (configure `JwtConfig::audiences` (feature `jwt`) or the
/// introspection audiences with the same canonical resource URI given here).
#[derive(Debug, Clone)]
pub struct ResourceServer {
    resource: String,
    resource_metadata_url: String,
    authorization_servers: Vec<String>,
    scopes_supported: Vec<String>,
    challenge_scopes: BTreeSet<String>,
    tenants: Option<HashSet<String>>,
    verifier: Arc<dyn TokenVerifier>,
}

/// Builds a [`ResourceServer`].
#[derive(Debug)]
pub struct ResourceServerBuilder {
    inner: ResourceServer,
}

impl ResourceServerBuilder {
    /// Adds an authorization server (issuer identifier) to the metadata.
    #[must_use]
    pub fn authorization_server(mut self, issuer: impl Into<String>) -> Self {
        self.inner.authorization_servers.push(issuer.into());
        self
    }

    /// Sets `scopes_supported` in the metadata.
    #[must_use]
    pub fn scopes_supported<I: IntoIterator<Item = S>, S: Into<String>>(
        mut self,
        scopes: I,
    ) -> Self {
        self.inner.scopes_supported = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// Scopes named in the `scope` of a 401 challenge, telling a client what to request.
    #[must_use]
    pub fn challenge_scopes<I: IntoIterator<Item = S>, S: Into<String>>(
        mut self,
        scopes: I,
    ) -> Self {
        self.inner.challenge_scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// Accepts only principals of these tenants (a token without a tenant is then refused).
    #[must_use]
    pub fn tenants<I: IntoIterator<Item = S>, S: Into<String>>(mut self, tenants: I) -> Self {
        self.inner.tenants = Some(tenants.into_iter().map(Into::into).collect());
        self
    }

    /// Overrides the `resource_metadata` URL (default: the path-aware well-known URL).
    #[must_use]
    pub fn resource_metadata_url(mut self, url: impl Into<String>) -> Self {
        self.inner.resource_metadata_url = url.into();
        self
    }

    /// The resource server.
    pub fn build(self) -> ResourceServer {
        self.inner
    }
}

impl ResourceServer {
    /// Starts a resource server for the canonical `resource` URI, verifying with `verifier`.
    ///
    /// If `resource` is not an absolute http(s) URI, the metadata URL falls back to the root
    /// well-known path on the same string; set it with
    /// [`ResourceServerBuilder::resource_metadata_url`].
    pub fn builder(
        resource: impl Into<String>,
        verifier: Arc<dyn TokenVerifier>,
    ) -> ResourceServerBuilder {
        let resource = resource.into();
        let resource_metadata_url = well_known_url(&resource).unwrap_or_else(|_| {
            format!(
                "{}/.well-known/oauth-protected-resource",
                resource.trim_end_matches('/')
            )
        });
        ResourceServerBuilder {
            inner: Self {
                resource,
                resource_metadata_url,
                authorization_servers: Vec::new(),
                scopes_supported: Vec::new(),
                challenge_scopes: BTreeSet::new(),
                tenants: None,
                verifier,
            },
        }
    }

    /// The canonical resource URI.
    pub fn resource(&self) -> &str {
        &self.resource
    }

    /// The `resource_metadata` URL put in challenges.
    pub fn resource_metadata_url(&self) -> &str {
        &self.resource_metadata_url
    }

    /// The RFC 9728 document to serve at [`crate::well_known_paths`] of the resource.
    pub fn metadata(&self) -> ProtectedResourceMetadata {
        let mut doc = ProtectedResourceMetadata::new(self.resource.clone());
        doc.authorization_servers = self.authorization_servers.clone();
        doc.scopes_supported = self.scopes_supported.clone();
        doc
    }

    /// Authenticates a request from its `Authorization` header value.
    ///
    /// No token: 401 with `resource_metadata` and no error code; a malformed header: 400
    /// `invalid_request`; a refused token: 401 `invalid_token`.
    pub async fn authenticate(&self, authorization: Option<&str>) -> Result<Principal, Challenge> {
        let token = match bearer_token(authorization) {
            Ok(token) => token,
            Err(BearerError::Missing) => {
                return Err(Challenge::unauthenticated(
                    &self.resource_metadata_url,
                    &self.challenge_scopes,
                ));
            }
            Err(_) => {
                return Err(
                    self.challenge(ErrorCode::InvalidRequest, "malformed Authorization header")
                );
            }
        };
        let principal = self
            .verifier
            .verify(token)
            .await
            .map_err(|e| self.refuse(&e))?;
        if let Some(tenants) = &self.tenants
            && !principal
                .tenant
                .as_ref()
                .is_some_and(|t| tenants.contains(t))
        {
            return Err(self.refuse(&TokenError::WrongTenant));
        }
        Ok(principal)
    }

    fn challenge(&self, code: ErrorCode, description: &str) -> Challenge {
        Challenge::error(
            code,
            &self.resource_metadata_url,
            Some(description),
            &self.challenge_scopes,
        )
    }

    /// The 401 `invalid_token` challenge for a refused token. The description is the error's
    /// text, which never contains the token.
    pub fn refuse(&self, error: &TokenError) -> Challenge {
        self.challenge(ErrorCode::InvalidToken, &error.to_string())
    }
}
