//! Requests to the token endpoint: authorization code, refresh and client credentials.

use std::time::{Duration, Instant};

use super::error::AuthError;
use super::fetch::send;
use super::registration::ClientCredentials;
use super::secret::Secret;
use super::token::TokenSet;
use crate::client_secret_basic;

/// Posts `form` to `endpoint` with the client's authentication: `client_secret_basic` for a
/// confidential client (RFC 6749 §2.3.1, id and secret form-urlencoded first), else `client_id`
/// in the body.
pub(crate) async fn token_request(
    http: &reqwest::Client,
    endpoint: &str,
    client: &ClientCredentials,
    mut form: Vec<(&str, &str)>,
) -> Result<TokenSet, AuthError> {
    let mut request = http.post(endpoint);
    match &client.client_secret {
        Some(secret) => {
            request =
                client_secret_basic::authenticate(request, &client.client_id, secret.expose());
        }
        None => form.push(("client_id", &client.client_id)),
    }
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
