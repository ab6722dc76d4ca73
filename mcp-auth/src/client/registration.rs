//! Getting a client identity at an authorization server, in the order of 2026-07-28
//! `basic/authorization/client-registration`: pre-registered credentials, then a client ID
//! metadata document, then (deprecated) RFC 7591 dynamic registration.

use serde_json::{Value, json};

use super::discovery::AuthorizationServerMetadata;
use super::error::AuthError;
use super::fetch::send;
use super::secret::Secret;

/// A client identity at one authorization server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientCredentials {
    /// The `client_id` (a URL for a client ID metadata document).
    pub client_id: String,
    /// The secret of a confidential client, sent with `client_secret_basic`.
    pub client_secret: Option<Secret>,
}

impl ClientCredentials {
    /// A public client.
    pub fn public(client_id: impl Into<String>) -> Self {
        Self {
            client_id: client_id.into(),
            client_secret: None,
        }
    }

    /// A confidential client.
    pub fn confidential(client_id: impl Into<String>, secret: impl Into<Secret>) -> Self {
        Self {
            client_id: client_id.into(),
            client_secret: Some(secret.into()),
        }
    }
}

/// What a dynamic registration asks for.
#[derive(Debug, Clone)]
pub(crate) struct RegistrationRequest<'a> {
    pub(crate) client_name: &'a str,
    /// `None` for a client_credentials client.
    pub(crate) redirect_uri: Option<&'a str>,
}

/// RFC 8252 §7.3: a redirect to a loopback address marks a native application.
fn is_loopback_redirect(uri: &str) -> bool {
    ["http://127.0.0.1", "http://localhost", "http://[::1]"]
        .iter()
        .any(|prefix| {
            uri.strip_prefix(prefix)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with([':', '/']))
        })
}

/// The registration body: `application_type` (2026-07-28 client-registration §Dynamic Client
/// Registration: native for loopback redirects) and `refresh_token` among the grant types.
fn registration_body(request: &RegistrationRequest<'_>) -> Value {
    match request.redirect_uri {
        Some(uri) => json!({
            "client_name": request.client_name,
            "redirect_uris": [uri],
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "token_endpoint_auth_method": "none",
            "application_type": if is_loopback_redirect(uri) { "native" } else { "web" },
        }),
        None => json!({
            "client_name": request.client_name,
            "grant_types": ["client_credentials"],
            "token_endpoint_auth_method": "client_secret_basic",
        }),
    }
}

/// The client identity to use at `server`, in the spec's order.
pub(crate) async fn register(
    http: &reqwest::Client,
    server: &AuthorizationServerMetadata,
    pre_registered: Option<&ClientCredentials>,
    metadata_document: Option<&str>,
    request: &RegistrationRequest<'_>,
) -> Result<ClientCredentials, AuthError> {
    if let Some(credentials) = pre_registered {
        return Ok(credentials.clone());
    }
    if let (Some(url), true, Some(_)) = (
        metadata_document,
        server.client_id_metadata_document_supported,
        request.redirect_uri,
    ) {
        return Ok(ClientCredentials::public(url));
    }
    let Some(endpoint) = server.registration_endpoint.as_deref() else {
        return Err(AuthError::NoRegistration {
            issuer: server.issuer.clone(),
        });
    };
    let answer = send(
        http.post(endpoint)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(registration_body(request).to_string()),
        endpoint,
    )
    .await?;
    if !(200..300).contains(&answer.status) {
        return Err(AuthError::RegistrationRefused {
            status: answer.status,
            error: answer.oauth_error().0,
        });
    }
    #[derive(serde::Deserialize)]
    struct Registered {
        client_id: String,
        client_secret: Option<String>,
    }
    let registered: Registered = answer.json(endpoint)?;
    Ok(ClientCredentials {
        client_id: registered.client_id,
        client_secret: registered.client_secret.map(Secret::new),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_redirect_registers_native() {
        let body = registration_body(&RegistrationRequest {
            client_name: "c",
            redirect_uri: Some("http://127.0.0.1:9/callback"),
        });
        assert_eq!(body["application_type"], "native");
        assert_eq!(body["grant_types"][1], "refresh_token");
        let web = registration_body(&RegistrationRequest {
            client_name: "c",
            redirect_uri: Some("https://app.example/cb"),
        });
        assert_eq!(web["application_type"], "web");
        assert!(!is_loopback_redirect("http://127.0.0.1.evil.example/"));
    }
}
