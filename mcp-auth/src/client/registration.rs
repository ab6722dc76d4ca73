//! Getting a client identity at an authorization server, in the order of 2026-07-28
//! `basic/authorization/client-registration`: pre-registered credentials, then a client ID
//! metadata document, then (deprecated) RFC 7591 dynamic registration.

use serde_json::{Value, json};

use super::client_auth::{ClientAssertionKey, TokenEndpointAuth};
use super::discovery::AuthorizationServerMetadata;
use super::error::AuthError;
use super::fetch::send;
use super::secret::Secret;

/// A client identity at one authorization server.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClientCredentials {
    /// The `client_id` (a URL for a client ID metadata document).
    pub client_id: String,
    /// The secret of a confidential client.
    pub client_secret: Option<Secret>,
    /// The token endpoint authentication method the registration named; `None` lets the
    /// client choose from the server's `token_endpoint_auth_methods_supported` (a secret:
    /// `client_secret_basic`, or `client_secret_post` when only that is offered; no secret:
    /// `none`; a key: `private_key_jwt`).
    pub auth_method: Option<TokenEndpointAuth>,
    /// The key of a `private_key_jwt` client.
    pub assertion_key: Option<ClientAssertionKey>,
}

impl ClientCredentials {
    /// A public client.
    pub fn public(client_id: impl Into<String>) -> Self {
        Self {
            client_id: client_id.into(),
            client_secret: None,
            auth_method: None,
            assertion_key: None,
        }
    }

    /// A confidential client with a secret.
    pub fn confidential(client_id: impl Into<String>, secret: impl Into<Secret>) -> Self {
        Self {
            client_secret: Some(secret.into()),
            ..Self::public(client_id)
        }
    }

    /// A client that authenticates with RFC 7523 `private_key_jwt` assertions signed by `key`.
    pub fn private_key_jwt(client_id: impl Into<String>, key: ClientAssertionKey) -> Self {
        Self {
            assertion_key: Some(key),
            auth_method: Some(TokenEndpointAuth::PrivateKeyJwt),
            ..Self::public(client_id)
        }
    }

    /// The same client, authenticating by `method` whatever the server lists.
    pub fn with_auth_method(mut self, method: TokenEndpointAuth) -> Self {
        self.auth_method = Some(method);
        self
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
        token_endpoint_auth_method: Option<String>,
    }
    let registered: Registered = answer.json(endpoint)?;
    Ok(ClientCredentials {
        client_id: registered.client_id,
        client_secret: registered.client_secret.map(Secret::new),
        // RFC 7591 §3.2.1: the server may register another method than asked; a method this
        // client lacks is left to the choice from the server's metadata.
        auth_method: registered
            .token_endpoint_auth_method
            .as_deref()
            .and_then(TokenEndpointAuth::from_name),
        assertion_key: None,
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
