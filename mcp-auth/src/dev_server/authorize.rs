//! `GET /authorize`: the authorization code request (OAuth 2.1 §4.1.1), non-interactive.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Query, State as AxState};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::keys::random_token;
use super::state::{CodeGrant, Shared};

/// 400 page: with an unknown client or redirect URI there is nowhere safe to redirect
/// (OAuth 2.1 §4.1.2.1).
fn error_page(description: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        format!("invalid authorization request: {description}\n"),
    )
        .into_response()
}

/// A 302 to `redirect_uri` with `params` and the RFC 9207 `iss`.
fn redirect(redirect_uri: &str, params: &[(&str, &str)], issuer: &str) -> Response {
    let mut all: Vec<(&str, &str)> = params.to_vec();
    all.push(("iss", issuer));
    let query = serde_urlencoded::to_string(&all).unwrap_or_default();
    let sep = if redirect_uri.contains('?') { '&' } else { '?' };
    (
        StatusCode::FOUND,
        [(header::LOCATION, format!("{redirect_uri}{sep}{query}"))],
    )
        .into_response()
}

pub(crate) async fn authorize(
    AxState(shared): AxState<Arc<Shared>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let get = |k: &str| q.get(k).map(String::as_str);
    let Some(client_id) = get("client_id") else {
        return error_page("client_id is missing");
    };
    let client = match shared.client(client_id).await {
        Ok(client) => client,
        Err(why) => return error_page(&why),
    };
    // Exact match only (OAuth 2.1 §2.3.1); without one, a lone registered URI is used.
    let redirect_uri = match get("redirect_uri") {
        Some(uri) if client.redirect_uris.iter().any(|r| r == uri) => uri.to_owned(),
        Some(_) => return error_page("redirect_uri is not registered for this client"),
        None if client.redirect_uris.len() == 1 => client.redirect_uris[0].clone(),
        None => return error_page("redirect_uri is missing"),
    };
    let state = get("state");
    let fail = |code: &str, description: &str| {
        let mut params = vec![("error", code), ("error_description", description)];
        if let Some(state) = state {
            params.push(("state", state));
        }
        redirect(&redirect_uri, &params, &shared.issuer)
    };
    if get("response_type") != Some("code") {
        return fail("unsupported_response_type", "response_type must be code");
    }
    if !client.grant_types.iter().any(|g| g == "authorization_code") {
        return fail(
            "unauthorized_client",
            "client may not use authorization_code",
        );
    }
    let Some(challenge) = get("code_challenge").filter(|c| !c.is_empty()) else {
        return fail("invalid_request", "PKCE code_challenge is required");
    };
    if get("code_challenge_method") != Some("S256") {
        return fail("invalid_request", "code_challenge_method must be S256");
    }
    // RFC 8707 §2: the resource is required here, and must be one this server serves.
    let Some(resource) = get("resource") else {
        return fail("invalid_target", "resource is required");
    };
    if !shared.config.resources.iter().any(|r| r == resource) {
        return fail("invalid_target", "unknown resource");
    }
    let Some(scope) = shared.grantable_scope(get("scope")) else {
        return fail("invalid_scope", "scope not allowed");
    };
    let user = shared.login(get("login_hint"));
    let Ok(code) = random_token() else {
        return fail("server_error", "no randomness");
    };
    {
        let mut grants = shared.state();
        grants.prune();
        grants.codes.insert(
            code.clone(),
            CodeGrant {
                client_id: client_id.to_owned(),
                redirect_uri: redirect_uri.clone(),
                resource: resource.to_owned(),
                scope,
                challenge: challenge.to_owned(),
                user,
                expires: Instant::now() + shared.config.code_ttl,
                auth_time: super::keys::now_secs(),
            },
        );
    }
    let mut params = vec![("code", code.as_str())];
    if let Some(state) = state {
        params.push(("state", state));
    }
    redirect(&redirect_uri, &params, &shared.issuer)
}
