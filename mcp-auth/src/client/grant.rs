//! Requests to the token endpoint: authorization code, refresh and client credentials.

use std::time::{Duration, Instant};

use super::client_auth;
use super::discovery::AuthorizationServerMetadata;
use super::error::AuthError;
use super::fetch::send;
use super::registration::ClientCredentials;
use super::secret::Secret;
use super::token::TokenSet;

/// Posts `form` to `endpoint` of `server` with the client's authentication, by the method
/// [`client_auth::choose`] picks from the registration and the server's metadata.
pub(crate) async fn token_request(
    http: &reqwest::Client,
    server: &AuthorizationServerMetadata,
    endpoint: &str,
    client: &ClientCredentials,
    mut form: Vec<(&str, &str)>,
) -> Result<TokenSet, AuthError> {
    let method = client_auth::choose(client, &server.token_endpoint_auth_methods_supported);
    let mut credentials = Vec::new();
    let request = client_auth::apply(
        http.post(endpoint),
        &mut credentials,
        client,
        method,
        &server.issuer,
    )?;
    form.extend(credentials.iter().map(|(k, v)| (*k, v.as_str())));
    let answer = send(request.form(&form), endpoint).await?;
    if answer.status != 200 {
        let (error, description) = answer.oauth_error();
        return Err(AuthError::TokenRefused {
            status: answer.status,
            error,
            description,
        });
    }
    #[derive(serde::Deserialize)]
    struct TokenResponse {
        access_token: String,
        token_type: String,
        expires_in: Option<u64>,
        refresh_token: Option<String>,
        scope: Option<String>,
    }
    let response: TokenResponse = answer.json(endpoint)?;
    if !response.token_type.eq_ignore_ascii_case("bearer") {
        return Err(AuthError::InvalidDocument {
            url: endpoint.to_owned(),
            reason: format!("token_type {:?} is not Bearer", response.token_type),
        });
    }
    Ok(TokenSet {
        access_token: Secret::new(response.access_token),
        refresh_token: response.refresh_token.map(Secret::new),
        expires_at: response
            .expires_in
            .and_then(|s| Instant::now().checked_add(Duration::from_secs(s))),
        scope: response.scope,
    })
}

/// OAuth 2.1 §4.3 refresh, with `resource` (RFC 8707). A rotated refresh token replaces the
/// old one; when the AS sends none, the old one is kept.
pub(crate) async fn refresh(
    http: &reqwest::Client,
    server: &AuthorizationServerMetadata,
    endpoint: &str,
    client: &ClientCredentials,
    resource: &str,
    previous: &TokenSet,
) -> Result<Option<TokenSet>, AuthError> {
    let Some(refresh_token) = &previous.refresh_token else {
        return Ok(None);
    };
    let mut tokens = token_request(
        http,
        server,
        endpoint,
        client,
        vec![
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.expose()),
            ("resource", resource),
        ],
    )
    .await?;
    if tokens.refresh_token.is_none() {
        tokens.refresh_token = Some(refresh_token.clone());
    }
    Ok(Some(tokens))
}
