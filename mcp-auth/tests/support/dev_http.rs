//! The development authorization server over plain HTTP: its endpoints called one by one,
//! for the dev-server tests (each includes this file by path).
#![allow(dead_code, unreachable_pub, missing_docs)]

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use mcp_auth::dev_server::{DevAuthServer, DevAuthServerBuilder};
use mcp_auth::{JwtConfig, JwtVerifier, StaticJwks};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

pub const RESOURCE: &str = "http://127.0.0.1:3000/mcp";
pub const REDIRECT: &str = "http://127.0.0.1:4000/callback";
pub const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-extra-chars";

pub fn challenge(verifier: &str) -> String {
    B64.encode(Sha256::digest(verifier.as_bytes()))
}

pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

pub async fn server(loopback_cimd: bool) -> DevAuthServer {
    server_with(|b| b.allow_loopback_cimd(loopback_cimd)).await
}

/// The test server (alice and bob, tickets scopes, [`RESOURCE`]) as `configure` adjusts it.
pub async fn server_with(
    configure: impl FnOnce(DevAuthServerBuilder) -> DevAuthServerBuilder,
) -> DevAuthServer {
    configure(
        DevAuthServer::builder()
            .resource(RESOURCE)
            .scopes(["tickets:read", "tickets:write"])
            .user("alice", "acme")
            .user("bob", "globex"),
    )
    .bind("127.0.0.1:0")
    .await
    .expect("bind")
}

pub async fn json_of(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

pub async fn register(server: &DevAuthServer, metadata: Value) -> (u16, Value) {
    let response = http()
        .post(format!("{}/register", server.issuer()))
        .header("content-type", "application/json")
        .body(metadata.to_string())
        .send()
        .await
        .expect("register");
    json_of(response).await
}

pub async fn public_client(server: &DevAuthServer) -> String {
    let (status, body) = register(
        server,
        json!({ "redirect_uris": [REDIRECT], "token_endpoint_auth_method": "none",
                "grant_types": ["authorization_code", "refresh_token"] }),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert!(body.get("client_secret").is_none());
    body["client_id"].as_str().expect("client_id").to_owned()
}

/// GET /authorize; returns the status and the redirect's query parameters (empty if none).
pub async fn authorize(
    server: &DevAuthServer,
    params: &[(&str, &str)],
) -> (u16, HashMap<String, String>) {
    let response = http()
        .get(format!("{}/authorize", server.issuer()))
        .query(params)
        .send()
        .await
        .expect("authorize");
    let status = response.status().as_u16();
    let query = response
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .and_then(|l| l.split_once('?'))
        .map(|(_, q)| serde_urlencoded::from_str(q).expect("query"))
        .unwrap_or_default();
    (status, query)
}

/// `params` with the value of `key` replaced.
pub fn replaced<'a>(
    params: Vec<(&'a str, &'a str)>,
    key: &str,
    value: &'a str,
) -> Vec<(&'a str, &'a str)> {
    params
        .into_iter()
        .map(|(k, v)| (k, if k == key { value } else { v }))
        .collect()
}

/// An RFC 6749 §5.2 error response with this status and code.
pub fn assert_error(status: u16, body: &Value, want_status: u16, code: &str) {
    assert_eq!(
        (status, body["error"].as_str()),
        (want_status, Some(code)),
        "{body}"
    );
}

pub fn code_params<'a>(client_id: &'a str, challenge: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", REDIRECT),
        ("code_challenge", challenge),
        ("code_challenge_method", "S256"),
        ("resource", RESOURCE),
        ("scope", "tickets:read"),
        ("state", "xyz"),
    ]
}

pub async fn token(server: &DevAuthServer, form: &[(&str, &str)]) -> (u16, Value) {
    let response = http()
        .post(format!("{}/token", server.issuer()))
        .form(form)
        .send()
        .await
        .expect("token");
    json_of(response).await
}

pub async fn get_code(server: &DevAuthServer, client_id: &str) -> String {
    let ch = challenge(VERIFIER);
    let (status, query) = authorize(server, &code_params(client_id, &ch)).await;
    assert_eq!(status, 302);
    assert_eq!(query["state"], "xyz");
    assert_eq!(query["iss"], server.issuer());
    query["code"].clone()
}

pub async fn exchange(
    server: &DevAuthServer,
    client_id: &str,
    code: &str,
    verifier: &str,
) -> (u16, Value) {
    token(
        server,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", client_id),
            ("code", code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", verifier),
            ("resource", RESOURCE),
        ],
    )
    .await
}

pub fn verifier_for(server: &DevAuthServer, resource: &str) -> JwtVerifier {
    let mut config = JwtConfig::new(server.issuer(), resource);
    config.tenant_claim = Some("tenant".into());
    JwtVerifier::new(config, StaticJwks(server.jwks())).expect("verifier")
}

/// Serves `document` at `/client.json` on a fresh loopback port; returns the URL.
pub async fn document_server(document: impl Fn(&str) -> Value + Send + Sync + 'static) -> String {
    counted_document_server(document).await.0
}

/// A listener on a fresh loopback port and the `/client.json` URL on it.
pub async fn document_listener() -> (tokio::net::TcpListener, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!(
        "http://{}/client.json",
        listener.local_addr().expect("addr")
    );
    (listener, url)
}

/// As [`document_server`], with the number of times the document was fetched.
pub async fn counted_document_server(
    document: impl Fn(&str) -> Value + Send + Sync + 'static,
) -> (String, Arc<AtomicUsize>) {
    let (listener, url) = document_listener().await;
    let body = document(&url).to_string();
    let fetches = Arc::new(AtomicUsize::new(0));
    let counter = fetches.clone();
    let app = axum::Router::new().route(
        "/client.json",
        axum::routing::get(move || {
            counter.fetch_add(1, Ordering::SeqCst);
            let body = body.clone();
            async move { body }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, fetches)
}
