//! RFC 9728 protected-resource metadata and its well-known location.

use serde::{Deserialize, Serialize};

/// The RFC 9728 §2 protected-resource metadata document.
///
/// Unknown members are kept in `extra` so a document round-trips.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ProtectedResourceMetadata {
    /// The resource identifier: the server's canonical URI (required).
    pub resource: String,
    /// Issuer identifiers of the authorization servers that issue tokens for it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authorization_servers: Vec<String>,
    /// Scopes a client may request for this resource.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes_supported: Vec<String>,
    /// How a bearer token may be sent; MCP uses only `header`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bearer_methods_supported: Vec<String>,
    /// A URL of human-readable documentation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_documentation: Option<String>,
    /// Any other member.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl ProtectedResourceMetadata {
    /// A document for `resource` with nothing else set.
    pub fn new(resource: impl Into<String>) -> Self {
        Self {
            resource: resource.into(),
            authorization_servers: Vec::new(),
            scopes_supported: Vec::new(),
            bearer_methods_supported: vec!["header".to_owned()],
            resource_documentation: None,
            extra: serde_json::Map::new(),
        }
    }
}

/// Why a metadata document or resource URI was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MetadataError {
    /// The resource URI is not an absolute `https`/`http` URI without fragment.
    #[error("not a valid resource URI")]
    InvalidResource,
    /// RFC 9728 §3.3: the document's `resource` differs from the URI it was fetched for.
    #[error("metadata resource {found:?} does not match the expected {expected:?}")]
    ResourceMismatch {
        /// The resource the client expected.
        expected: String,
        /// The resource the document named.
        found: String,
    },
}

/// Splits `scheme://authority/path?query` into (origin, path-and-query) without a URL parser;
/// enough for the canonical resource URIs MCP uses.
fn split_origin(resource: &str) -> Result<(&str, &str), MetadataError> {
    let scheme_end = resource.find("://").ok_or(MetadataError::InvalidResource)?;
    let scheme = &resource[..scheme_end];
    if !(scheme.eq_ignore_ascii_case("https") || scheme.eq_ignore_ascii_case("http"))
        || resource.contains('#')
    {
        return Err(MetadataError::InvalidResource);
    }
    let after = &resource[scheme_end + 3..];
    let authority_len = after.find(['/', '?']).unwrap_or(after.len());
    if authority_len == 0 {
        return Err(MetadataError::InvalidResource);
    }
    let split = scheme_end + 3 + authority_len;
    Ok((&resource[..split], &resource[split..]))
}

/// The well-known paths to serve the metadata at, most specific first.
///
/// RFC 9728 §3.1: `/.well-known/oauth-protected-resource` is inserted between the host and the
/// resource's path, so `https://h/mcp` gives `/.well-known/oauth-protected-resource/mcp`; the
/// root form `/.well-known/oauth-protected-resource` follows (clients fall back to it, 2025-11-25
/// `basic/authorization` §Protected Resource Metadata Discovery). A resource without a path gives
/// only the root form.
pub fn well_known_paths(resource: &str) -> Result<Vec<String>, MetadataError> {
    const ROOT: &str = "/.well-known/oauth-protected-resource";
    let (_, path) = split_origin(resource)?;
    let path = path.trim_end_matches('/');
    if path.is_empty() {
        Ok(vec![ROOT.to_owned()])
    } else {
        let sep = if path.starts_with('/') { "" } else { "/" };
        Ok(vec![format!("{ROOT}{sep}{path}"), ROOT.to_owned()])
    }
}

/// The absolute path-aware well-known URL, for `resource_metadata` in challenges.
pub fn well_known_url(resource: &str) -> Result<String, MetadataError> {
    let (origin, _) = split_origin(resource)?;
    let paths = well_known_paths(resource)?;
    Ok(format!("{origin}{}", paths[0]))
}

/// RFC 9728 §3.3, for clients: the fetched document's `resource` must be identical to the
/// resource the client meant to reach, or the metadata is not used.
pub fn check_metadata_resource(
    metadata: &ProtectedResourceMetadata,
    expected_resource: &str,
) -> Result<(), MetadataError> {
    if metadata.resource == expected_resource {
        Ok(())
    } else {
        Err(MetadataError::ResourceMismatch {
            expected: expected_resource.to_owned(),
            found: metadata.resource.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_aware_and_root_forms() {
        assert_eq!(
            well_known_paths("https://h.example/api/mcp").unwrap(),
            [
                "/.well-known/oauth-protected-resource/api/mcp",
                "/.well-known/oauth-protected-resource"
            ]
        );
        assert_eq!(
            well_known_paths("https://h.example").unwrap(),
            ["/.well-known/oauth-protected-resource"]
        );
        assert_eq!(
            well_known_paths("https://h.example/").unwrap(),
            ["/.well-known/oauth-protected-resource"]
        );
        assert_eq!(
            well_known_url("https://h.example:8443/mcp").unwrap(),
            "https://h.example:8443/.well-known/oauth-protected-resource/mcp"
        );
        assert_eq!(
            well_known_paths("ftp://h/x"),
            Err(MetadataError::InvalidResource)
        );
        assert_eq!(
            well_known_paths("https://h/x#frag"),
            Err(MetadataError::InvalidResource)
        );
    }

    #[test]
    fn mismatched_resource_is_refused() {
        let doc: ProtectedResourceMetadata = serde_json::from_str(
            r#"{"resource":"https://evil.example/mcp","authorization_servers":["https://as"],"x":1}"#,
        )
        .unwrap();
        assert_eq!(doc.extra["x"], 1);
        assert!(matches!(
            check_metadata_resource(&doc, "https://mcp.example/mcp"),
            Err(MetadataError::ResourceMismatch { .. })
        ));
        let ok = ProtectedResourceMetadata::new("https://mcp.example/mcp");
        assert_eq!(
            check_metadata_resource(&ok, "https://mcp.example/mcp"),
            Ok(())
        );
    }
}
