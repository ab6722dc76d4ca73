//! Finding the protected-resource metadata and the authorization server's metadata.
//!
//! 2026-07-28 `basic/authorization/authorization-server-discovery`: the PRM location comes
//! from the 401's `resource_metadata`, else the path-aware then the root well-known URI; the AS
//! metadata from RFC 8414 and OIDC Discovery URLs in the order the spec lists.

use serde::{Deserialize, Serialize};

use super::error::AuthError;
use super::fetch::send;
use super::guard::UrlPolicy;
use crate::{ProtectedResourceMetadata, check_metadata_resource, well_known_paths};

/// RFC 8414 §2 authorization server metadata (also what OIDC Discovery returns), with the
/// members an MCP client reads. Unknown members are kept in `extra`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AuthorizationServerMetadata {
    /// The issuer identifier.
    pub issuer: String,
    /// Where the user agent is sent for the authorization code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorization_endpoint: Option<String>,
    /// Where codes, refresh tokens and client credentials are exchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_endpoint: Option<String>,
    /// RFC 7591 dynamic client registration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration_endpoint: Option<String>,
    /// Scopes the AS knows.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes_supported: Vec<String>,
    /// PKCE methods; MCP clients require `S256` here.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub code_challenge_methods_supported: Vec<String>,
    /// RFC 9207 §3: the AS sends `iss` in every authorization response.
    #[serde(default)]
    pub authorization_response_iss_parameter_supported: bool,
    /// The AS accepts a client ID metadata document URL as `client_id`.
    #[serde(default)]
    pub client_id_metadata_document_supported: bool,
    /// Client authentication methods at the token endpoint.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub token_endpoint_auth_methods_supported: Vec<String>,
    /// Any other member.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// `scheme://authority` of an absolute URL (without a URL parser's normalisation, so the
/// issuer's spelling is kept).
fn origin(url: &str) -> Result<&str, AuthError> {
    let invalid = || AuthError::InvalidUrl {
        url: url.to_owned(),
    };
    let start = url.find("://").ok_or_else(invalid)? + 3;
    let end = url[start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| start + i);
    Ok(&url[..end])
}

/// The protected-resource metadata for `resource`: from `resource_metadata` when the challenge
/// gave it, else from the well-known URIs in order.
///
/// RFC 9728 §3.3: the document's `resource` must be identical to the identifier the metadata
/// URL was built from. From a challenge's URL or the path-aware well-known URL that is
/// `resource` itself; from the root well-known URL it is the origin (with or without the
/// trailing `/`), so a server whose metadata names its origin is accepted there, and the
/// caller then uses that `resource` as the RFC 8707 resource indicator.
pub(crate) async fn resource_metadata(
    http: &reqwest::Client,
    policy: &UrlPolicy,
    resource: &str,
    from_challenge: Option<&str>,
) -> Result<ProtectedResourceMetadata, AuthError> {
    let base = origin(resource)?;
    let candidates = match from_challenge {
        Some(url) => vec![(url.to_owned(), false)],
        None => well_known_paths(resource)?
            .into_iter()
            .map(|path| {
                let root = path == ROOT_RESOURCE_METADATA;
                (format!("{base}{path}"), root)
            })
            .collect(),
    };
    for (url, root) in &candidates {
        let checked = policy.check(url).await?;
        let answer = send(http.get(checked), url).await?;
        if answer.status != 200 {
            // A challenge's URL is authoritative; well-known ones fall through to the next.
            if from_challenge.is_some() {
                return Err(AuthError::Status {
                    url: url.clone(),
                    status: answer.status,
                });
            }
            continue;
        }
        let metadata: ProtectedResourceMetadata = answer.json(url)?;
        let names_origin = metadata
            .resource
            .strip_suffix('/')
            .unwrap_or(&metadata.resource)
            == base;
        if !(*root && names_origin) {
            check_metadata_resource(&metadata, resource)?;
        }
        if metadata.authorization_servers.is_empty() {
            return Err(AuthError::NoAuthorizationServer);
        }
        return Ok(metadata);
    }
    Err(AuthError::ResourceMetadataNotFound {
        resource: resource.to_owned(),
    })
}

/// The root well-known path of protected-resource metadata (RFC 9728 §3).
const ROOT_RESOURCE_METADATA: &str = "/.well-known/oauth-protected-resource";

/// 2025-03-26 `basic/authorization` §2.3 and §2.3.3, for a server without protected-resource
/// metadata: the authorization server is the MCP server's origin (the path discarded); its
/// RFC 8414 metadata is read at `/.well-known/oauth-authorization-server` there (checked as
/// [`server_metadata`] checks it), and when there is none the default endpoints `/authorize`,
/// `/token` and `/register` at the origin are used (PKCE S256 assumed: 2025-03-26 requires
/// PKCE of every client). Every URL passes the SSRF guard.
pub(crate) async fn legacy_server_metadata(
    http: &reqwest::Client,
    policy: &UrlPolicy,
    resource: &str,
) -> Result<AuthorizationServerMetadata, AuthError> {
    let base = origin(resource)?;
    let url = format!("{base}/.well-known/oauth-authorization-server");
    let checked = policy.check(&url).await?;
    let answer = send(http.get(checked), &url).await?;
    if answer.status == 200 {
        let metadata: AuthorizationServerMetadata = answer.json(&url)?;
        return checked_server_metadata(policy, base, metadata).await;
    }
    let metadata = AuthorizationServerMetadata {
        issuer: base.to_owned(),
        authorization_endpoint: Some(format!("{base}/authorize")),
        token_endpoint: Some(format!("{base}/token")),
        registration_endpoint: Some(format!("{base}/register")),
        scopes_supported: Vec::new(),
        code_challenge_methods_supported: vec!["S256".to_owned()],
        authorization_response_iss_parameter_supported: false,
        client_id_metadata_document_supported: false,
        token_endpoint_auth_methods_supported: Vec::new(),
        extra: serde_json::Map::new(),
    };
    checked_server_metadata(policy, base, metadata).await
}

/// The metadata URLs for `issuer`, in the order of 2026-07-28
/// `authorization-server-discovery` §Authorization Server Metadata Discovery.
pub fn server_metadata_urls(issuer: &str) -> Result<Vec<String>, AuthError> {
    const OAUTH: &str = "/.well-known/oauth-authorization-server";
    const OIDC: &str = "/.well-known/openid-configuration";
    let base = origin(issuer)?;
    let path = issuer[base.len()..].trim_end_matches('/');
    if path.is_empty() {
        Ok(vec![format!("{base}{OAUTH}"), format!("{base}{OIDC}")])
    } else {
        Ok(vec![
            format!("{base}{OAUTH}{path}"),
            format!("{base}{OIDC}{path}"),
            format!("{base}{path}{OIDC}"),
        ])
    }
}

/// Fetches and checks the metadata of `issuer`: the first URL that answers 200 is used; its
/// `issuer` must be byte-identical (RFC 8414 §3.3), it must offer PKCE `S256`, and its
/// endpoints must pass the SSRF guard.
pub(crate) async fn server_metadata(
    http: &reqwest::Client,
    policy: &UrlPolicy,
    issuer: &str,
) -> Result<AuthorizationServerMetadata, AuthError> {
    for url in server_metadata_urls(issuer)? {
        let checked = policy.check(&url).await?;
        let answer = send(http.get(checked), &url).await?;
        if answer.status != 200 {
            continue;
        }
        let metadata: AuthorizationServerMetadata = answer.json(&url)?;
        return checked_server_metadata(policy, issuer, metadata).await;
    }
    Err(AuthError::ServerMetadataNotFound {
        issuer: issuer.to_owned(),
    })
}

/// `metadata` fetched for `issuer`, if its `issuer` is byte-identical (RFC 8414 §3.3), it
/// offers PKCE `S256` and its endpoints pass the SSRF guard.
async fn checked_server_metadata(
    policy: &UrlPolicy,
    issuer: &str,
    metadata: AuthorizationServerMetadata,
) -> Result<AuthorizationServerMetadata, AuthError> {
    if metadata.issuer != issuer {
        return Err(AuthError::IssuerMismatch {
            expected: issuer.to_owned(),
            found: metadata.issuer,
        });
    }
    if !metadata
        .code_challenge_methods_supported
        .iter()
        .any(|m| m == "S256")
    {
        return Err(AuthError::PkceUnsupported {
            issuer: issuer.to_owned(),
        });
    }
    // Best-practices §OAuth Authorization URL Validation and §SSRF: every endpoint is
    // https (or allowed loopback) on an allowed address; `javascript:` and friends fail here.
    for endpoint in [
        &metadata.authorization_endpoint,
        &metadata.token_endpoint,
        &metadata.registration_endpoint,
    ]
    .into_iter()
    .flatten()
    {
        policy.check(endpoint).await?;
    }
    Ok(metadata)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_urls_in_spec_order() {
        assert_eq!(
            server_metadata_urls("https://auth.example/tenant1").unwrap(),
            [
                "https://auth.example/.well-known/oauth-authorization-server/tenant1",
                "https://auth.example/.well-known/openid-configuration/tenant1",
                "https://auth.example/tenant1/.well-known/openid-configuration",
            ]
        );
        assert_eq!(
            server_metadata_urls("https://auth.example").unwrap(),
            [
                "https://auth.example/.well-known/oauth-authorization-server",
                "https://auth.example/.well-known/openid-configuration",
            ]
        );
    }
}
