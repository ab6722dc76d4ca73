//! The router, RFC 8414 / OIDC discovery metadata and the JWKS.

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::extract::State as AxState;
use axum::routing::{get, post};
use jsonwebtoken::jwk::JwkSet;
use serde_json::{Value, json};

use super::state::Shared;
use super::{authorize, clients, token};

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/.well-known/oauth-authorization-server", get(metadata))
        .route("/.well-known/openid-configuration", get(metadata))
        .route("/jwks", get(jwks))
        .route(
            "/register",
            post(clients::register).layer(axum::extract::DefaultBodyLimit::max(
                clients::REGISTER_MAX_BYTES,
            )),
        )
        .route("/authorize", get(authorize::authorize))
        .route("/token", post(token::token))
        .route("/introspect", post(token::introspect))
        .with_state(shared)
}

/// RFC 8414 §2 (also served as OIDC discovery, which MCP clients try too).
async fn metadata(AxState(shared): AxState<Arc<Shared>>) -> Json<Value> {
    let iss = &shared.issuer;
    Json(json!({
        "issuer": iss,
        "authorization_endpoint": format!("{iss}/authorize"),
        "token_endpoint": format!("{iss}/token"),
        "registration_endpoint": format!("{iss}/register"),
        "jwks_uri": format!("{iss}/jwks"),
        "introspection_endpoint": format!("{iss}/introspect"),
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["none", "client_secret_basic", "client_secret_post"],
        "introspection_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "scopes_supported": shared.config.scopes,
        // No ID tokens are issued, so none of OpenID Connect's ID-token fields are
        // advertised (the document is served at the OIDC path too, because MCP clients look
        // there, but this server is a plain OAuth 2.1 server).
        "authorization_response_iss_parameter_supported": true,
        "client_id_metadata_document_supported": true,
    }))
}

async fn jwks(AxState(shared): AxState<Arc<Shared>>) -> Json<JwkSet> {
    Json(JwkSet {
        keys: vec![shared.key.jwk.clone()],
    })
}
