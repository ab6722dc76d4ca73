//! A protected MCP "site" on 127.0.0.1 (protected-resource metadata and, when a test wants to
//! lie, crafted authorization server metadata) next to a `DevAuthServer`, for the client tests.
#![allow(dead_code, unreachable_pub, missing_docs)]

use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use mcp_auth::client::{Authorizer, AuthorizerBuilder, Grant, HeadlessRedirect, UrlPolicy};
use mcp_auth::dev_server::{DevAuthServer, DevAuthServerBuilder};
use mcp_auth::{JwtConfig, JwtVerifier, Principal, StaticJwks, TokenVerifier};
use serde_json::{Value, json};
use tokio::net::TcpListener;

pub const REDIRECT: &str = "http://127.0.0.1:9/callback";

/// The site's listener, bound before anything is served so the resource URI is known.
pub struct Site {
    listener: TcpListener,
    pub base: String,
    pub resource: String,
}

impl Site {
    pub async fn bind() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let resource = format!("{base}/mcp");
        Self {
            listener,
            base,
            resource,
        }
    }

    /// The path-aware protected-resource metadata URL.
    pub fn metadata_url(&self) -> String {
        format!("{}/.well-known/oauth-protected-resource/mcp", self.base)
    }

    /// Serves `router` until the test ends.
    pub fn serve(self, router: Router) {
        tokio::spawn(async move {
            let _ = axum::serve(self.listener, router).await;
        });
    }
}

/// A router that serves `document` at `path`.
pub fn json_route(router: Router, path: &str, document: Value) -> Router {
    router.route(path, get(move || async move { axum::Json(document) }))
}

/// Protected-resource metadata naming `issuer`.
pub fn resource_metadata(resource: &str, issuer: &str) -> Value {
    json!({
        "resource": resource,
        "authorization_servers": [issuer],
        "scopes_supported": ["tickets:read"],
        "bearer_methods_supported": ["header"],
    })
}

/// The development AS for `resource` (scopes tickets:read/write, user alice).
pub fn dev_server(resource: &str) -> DevAuthServerBuilder {
    DevAuthServer::builder()
        .resource(resource)
        .scopes(["tickets:read", "tickets:write"])
        .user("alice", "acme")
}

/// A site whose metadata points at a fresh `DevAuthServer`.
pub async fn site_with_dev_server(
    configure: impl FnOnce(DevAuthServerBuilder) -> DevAuthServerBuilder,
    extra: impl FnOnce(Router, &str) -> Router,
) -> (String, DevAuthServer) {
    let site = Site::bind().await;
    let resource = site.resource.clone();
    let server = configure(dev_server(&resource))
        .bind("127.0.0.1:0")
        .await
        .expect("dev server");
    let router = json_route(
        Router::new(),
        "/.well-known/oauth-protected-resource/mcp",
        resource_metadata(&resource, server.issuer()),
    );
    let router = extra(router, &site.base);
    site.serve(router);
    (resource, server)
}

/// An authorizer for `resource` with the headless redirect, loopback allowed.
pub fn headless(resource: &str) -> AuthorizerBuilder {
    Authorizer::builder(
        resource,
        Grant::AuthorizationCode(Arc::new(HeadlessRedirect::new(REDIRECT))),
    )
    .url_policy(UrlPolicy::allow_loopback())
}

/// Builds the authorizer and runs the first authorization (as after a 401 without a token).
pub async fn authorized(builder: AuthorizerBuilder) -> (Authorizer, mcp_auth::client::Secret) {
    let authorizer = builder.build().expect("authorizer");
    let token = authorizer
        .unauthorized(None, None)
        .await
        .expect("authorized");
    (authorizer, token)
}

/// Verifies `token` as the MCP server at `resource` would.
pub async fn verify(server: &DevAuthServer, resource: &str, token: &str) -> Principal {
    let verifier = JwtVerifier::new(
        JwtConfig::new(server.issuer(), resource),
        StaticJwks(server.jwks()),
    )
    .expect("verifier");
    verifier.verify(token).await.expect("token verifies")
}
