//! `POST /token` (OAuth 2.1 §3.2) and `POST /introspect` (RFC 7662).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use axum::Form;
use axum::Json;
use axum::extract::State as AxState;
use axum::extract::rejection::FormRejection;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::DevUser;
use super::keys::{pkce_s256_matches, random_token};
use super::state::{AuthMethod, Client, RefreshGrant, Shared};

/// The form of a `/token` or `/introspect` request and the client it authenticates
/// (RFC 6749 §2.3), or the error response to send.
async fn authenticated(
    shared: &Shared,
    headers: &HeaderMap,
    form: Result<Form<HashMap<String, String>>, FormRejection>,
) -> Result<(HashMap<String, String>, String, Client), Response> {
    let Ok(Form(form)) = form else {
        return Err(oauth_error("invalid_request", "body is not a form"));
    };
    let get = |k: &str| form.get(k).map(String::as_str);
    match shared
        .authenticate_client(headers, get("client_id"), get("client_secret"))
        .await
    {
        Some((client_id, client)) => Ok((form, client_id, client)),
        None => Err(oauth_error(
            "invalid_client",
            "client authentication failed",
        )),
    }
}

/// An RFC 6749 §5.2 error response.
fn oauth_error(code: &str, description: &str) -> Response {
    let status = if code == "invalid_client" {
        StatusCode::UNAUTHORIZED
    } else {
        StatusCode::BAD_REQUEST
    };
    let body = Json(json!({ "error": code, "error_description": description }));
    if status == StatusCode::UNAUTHORIZED {
        // §5.2: a 401 carries a challenge for the scheme the client may use.
        (
            status,
            [(header::WWW_AUTHENTICATE, "Basic realm=\"token\"")],
            body,
        )
            .into_response()
    } else {
        (status, body).into_response()
    }
}

/// What a token is issued for: the user (none for `client_credentials`) and when the user
/// signed in.
struct Holder<'a> {
    user: Option<&'a DevUser>,
    auth_time: Option<u64>,
}

/// Access token and, for a user, a fresh refresh token in `family`; the response and the
/// access token (to revoke it if its code comes back).
fn issue(
    shared: &Shared,
    client_id: &str,
    holder: &Holder<'_>,
    resource: &str,
    scope: &str,
    family: &str,
) -> (Response, Option<String>) {
    let user = holder.user;
    let subject = user.map_or(client_id, |u| u.subject.as_str());
    let tenant = user.map(|u| u.tenant.as_str());
    let Ok((access, ttl)) = shared.access_token(
        subject,
        tenant,
        client_id,
        resource,
        scope,
        holder.auth_time,
    ) else {
        return (oauth_error("server_error", "cannot sign the token"), None);
    };
    let mut body = json!({
        "access_token": access, "token_type": "Bearer", "expires_in": ttl, "scope": scope,
    });
    if let Some(user) = user {
        let Ok(refresh) = random_token() else {
            return (oauth_error("server_error", "no randomness"), None);
        };
        shared.state().refresh.insert(
            refresh.clone(),
            RefreshGrant {
                family: family.to_owned(),
                client_id: client_id.to_owned(),
                resource: resource.to_owned(),
                scope: scope.to_owned(),
                user: user.clone(),
                expires: Instant::now() + shared.config.refresh_token_ttl,
                used: false,
                auth_time: holder.auth_time.unwrap_or_default(),
            },
        );
        if let Some(map) = body.as_object_mut() {
            map.insert("refresh_token".into(), refresh.into());
        }
    }
    // OAuth 2.1 §3.2.3: token responses are not cached.
    let response = (
        StatusCode::OK,
        [(header::CACHE_CONTROL, "no-store")],
        Json(body),
    )
        .into_response();
    (response, Some(access))
}

/// A code presented a second time: OAuth 2.1 §4.1.3 ("the authorization server SHOULD
/// revoke all tokens previously issued based on that authorization code"). The refresh
/// family goes, and the access token stops being active at introspection; a resource server
/// that only checks the JWT's signature still accepts it until it expires.
fn revoke_redeemed(shared: &Shared, code: &str) {
    let mut state = shared.state();
    if let Some(redeemed) = state.redeemed.remove(code) {
        state.revoked_families.insert(redeemed.family);
        state.access.remove(&redeemed.access_token);
    }
}

pub(crate) async fn token(
    AxState(shared): AxState<Arc<Shared>>,
    headers: HeaderMap,
    form: Result<Form<HashMap<String, String>>, FormRejection>,
) -> Response {
    let (form, client_id, client) = match authenticated(&shared, &headers, form).await {
        Ok(found) => found,
        Err(refused) => return refused,
    };
    let get = |k: &str| form.get(k).map(String::as_str);
    let grant_type = get("grant_type").unwrap_or_default();
    if grant_type != "refresh_token" && !client.grant_types.iter().any(|g| g == grant_type) {
        return match grant_type {
            "authorization_code" | "client_credentials" => oauth_error(
                "unauthorized_client",
                "grant type not registered for this client",
            ),
            _ => oauth_error("unsupported_grant_type", "unsupported grant_type"),
        };
    }
    match grant_type {
        "authorization_code" => {
            // Single use: the code is removed before anything else is checked.
            let code = get("code").unwrap_or_default();
            let grant = shared.state().codes.remove(code);
            let Some(grant) = grant else {
                revoke_redeemed(&shared, code);
                return oauth_error("invalid_grant", "unknown or used code");
            };
            if grant.client_id != client_id || grant.expires < Instant::now() {
                return oauth_error("invalid_grant", "code expired or issued to another client");
            }
            if get("redirect_uri").is_some_and(|uri| uri != grant.redirect_uri) {
                return oauth_error(
                    "invalid_grant",
                    "redirect_uri does not match the authorization request",
                );
            }
            if get("resource").is_some_and(|r| r != grant.resource) {
                return oauth_error(
                    "invalid_target",
                    "resource does not match the authorization request",
                );
            }
            let Some(verifier) = get("code_verifier") else {
                return oauth_error("invalid_grant", "code_verifier is required");
            };
            if !pkce_s256_matches(verifier, &grant.challenge) {
                return oauth_error("invalid_grant", "PKCE verification failed");
            }
            let Ok(family) = random_token() else {
                return oauth_error("server_error", "no randomness");
            };
            let holder = Holder {
                user: Some(&grant.user),
                auth_time: Some(grant.auth_time),
            };
            let (response, access) = issue(
                &shared,
                &client_id,
                &holder,
                &grant.resource,
                &grant.scope,
                &family,
            );
            if let Some(access_token) = access {
                shared.state().redeemed.insert(
                    code.to_owned(),
                    super::state::RedeemedCode {
                        family,
                        access_token,
                        expires: Instant::now() + shared.config.refresh_token_ttl,
                    },
                );
            }
            response
        }
        "refresh_token" => {
            let Some(presented) = get("refresh_token") else {
                return oauth_error("invalid_request", "refresh_token is missing");
            };
            let (user, resource, scope, family, auth_time) = {
                let mut state = shared.state();
                let Some(grant) = state.refresh.get_mut(presented) else {
                    return oauth_error("invalid_grant", "unknown refresh token");
                };
                if grant.client_id != client_id {
                    return oauth_error("invalid_grant", "refresh token issued to another client");
                }
                // OAuth 2.1 §4.3.1 / BCP 240 §4.14.2: a rotated token presented again means it
                // leaked; revoke the whole family.
                if grant.used {
                    let family = grant.family.clone();
                    state.revoked_families.insert(family);
                    return oauth_error("invalid_grant", "refresh token already used");
                }
                if grant.expires < Instant::now() {
                    return oauth_error("invalid_grant", "refresh token expired");
                }
                // Not marked used yet: a request refused below (another resource, a wider
                // scope) must leave the token good for the corrected retry.
                let taken = (
                    grant.user.clone(),
                    grant.resource.clone(),
                    grant.scope.clone(),
                    grant.family.clone(),
                    grant.auth_time,
                );
                if state.revoked_families.contains(&taken.3) {
                    return oauth_error("invalid_grant", "refresh token revoked");
                }
                taken
            };
            if get("resource").is_some_and(|r| r != resource) {
                return oauth_error(
                    "invalid_target",
                    "resource does not match the original grant",
                );
            }
            // §4.3.1: a narrower scope may be asked for, never a wider one.
            let scope = match get("scope") {
                None => scope,
                Some(asked) if asked.split(' ').all(|s| scope.split(' ').any(|g| g == s)) => {
                    asked.to_owned()
                }
                Some(_) => {
                    return oauth_error("invalid_scope", "scope wider than the original grant");
                }
            };
            {
                // Rotation: used only now that the refresh succeeds. Checked again under the
                // lock, so of two concurrent uses one wins and the other revokes the family.
                let mut state = shared.state();
                let grant = state.refresh.get_mut(presented).filter(|g| !g.used);
                let Some(grant) = grant else {
                    state.revoked_families.insert(family);
                    return oauth_error("invalid_grant", "refresh token already used");
                };
                grant.used = true;
            }
            let holder = Holder {
                user: Some(&user),
                auth_time: Some(auth_time),
            };
            issue(&shared, &client_id, &holder, &resource, &scope, &family).0
        }
        "client_credentials" => {
            if client.auth_method == AuthMethod::None {
                return oauth_error(
                    "unauthorized_client",
                    "client_credentials needs a confidential client",
                );
            }
            let resource = match get("resource") {
                Some(r) if shared.config.resources.iter().any(|c| c == r) => r.to_owned(),
                Some(_) => return oauth_error("invalid_target", "unknown resource"),
                None => shared.config.resources.first().cloned().unwrap_or_default(),
            };
            let Some(scope) = shared.grantable_scope(get("scope")) else {
                return oauth_error("invalid_scope", "scope not allowed");
            };
            let holder = Holder {
                user: None,
                auth_time: None,
            };
            issue(&shared, &client_id, &holder, &resource, &scope, "").0
        }
        _ => oauth_error("unsupported_grant_type", "unsupported grant_type"),
    }
}

pub(crate) async fn introspect(
    AxState(shared): AxState<Arc<Shared>>,
    headers: HeaderMap,
    form: Result<Form<HashMap<String, String>>, FormRejection>,
) -> Response {
    let form = match authenticated(&shared, &headers, form).await {
        Ok((form, _, client)) if client.auth_method != AuthMethod::None => form,
        Ok(_) => {
            return oauth_error(
                "invalid_client",
                "introspection needs a confidential client",
            );
        }
        Err(refused) => return refused,
    };
    let get = |k: &str| form.get(k).map(String::as_str);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let claims = get("token").and_then(|t| shared.state().access.get(t).cloned());
    let body = match claims {
        Some(Value::Object(mut claims))
            if claims
                .get("exp")
                .and_then(Value::as_u64)
                .is_some_and(|e| e > now) =>
        {
            claims.insert("active".into(), true.into());
            claims.insert("token_type".into(), "Bearer".into());
            Value::Object(claims)
        }
        _ => json!({ "active": false }),
    };
    Json(body).into_response()
}
