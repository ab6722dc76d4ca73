//! The OAuth client against small recording servers on 127.0.0.1, one per situation the
//! official conformance suite's auth scenarios stage: the token endpoint authentication
//! method, protected-resource metadata that names the origin, 2025-03-26 servers without
//! protected-resource metadata, and `private_key_jwt` client credentials.
#![cfg(all(feature = "client", feature = "dev-server"))]

#[path = "support/client_env.rs"]
mod client_env;
#[path = "support/p256.rs"]
mod support_p256;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use client_env::{Site, authorized, headless, json_route, resource_metadata};
use mcp_auth::MetadataError;
use mcp_auth::client::{
    AuthError, Authorizer, AuthorizerBuilder, BlockReason, ClientAssertionKey, ClientCredentials,
    Grant, TokenEndpointAuth, UrlPolicy,
};
use serde_json::{Value, json};

type Params = HashMap<String, String>;

/// What the recording authorization server saw.
#[derive(Default)]
struct Seen {
    /// Each authorization request's query.
    authorizations: Vec<Params>,
    /// Each token request's `Authorization` header and form.
    tokens: Vec<(Option<String>, Params)>,
    /// Each registration request's body.
    registrations: Vec<Value>,
}

#[derive(Clone)]
struct Recorder {
    seen: Arc<Mutex<Seen>>,
    /// The dynamic registration response.
    registered: Value,
}

impl Recorder {
    fn new(registered: Value) -> Self {
        Self {
            seen: Arc::default(),
            registered,
        }
    }

    fn seen<T>(&self, read: impl FnOnce(&Seen) -> T) -> T {
        read(&self.seen.lock().expect("lock"))
    }

    /// `/authorize`, `/token` and `/register` under `prefix`, recording every request.
    fn routes(&self, prefix: &str) -> Router {
        Router::new()
            .route(&format!("{prefix}/authorize"), get(authorize))
            .route(&format!("{prefix}/token"), post(token))
            .route(&format!("{prefix}/register"), post(register))
            .with_state(self.clone())
    }
}

async fn authorize(State(r): State<Recorder>, Query(query): Query<Params>) -> Response {
    let target = format!(
        "{}?code=the-code&state={}",
        query.get("redirect_uri").cloned().unwrap_or_default(),
        query.get("state").cloned().unwrap_or_default()
    );
    r.seen.lock().expect("lock").authorizations.push(query);
    Redirect::to(&target).into_response()
}

async fn token(
    State(r): State<Recorder>,
    headers: HeaderMap,
    Form(form): Form<Params>,
) -> Response {
    let authorization = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    r.seen
        .lock()
        .expect("lock")
        .tokens
        .push((authorization, form));
    axum::Json(json!({"access_token": "at", "token_type": "Bearer", "expires_in": 3600}))
        .into_response()
}

async fn register(State(r): State<Recorder>, axum::Json(body): axum::Json<Value>) -> Response {
    r.seen.lock().expect("lock").registrations.push(body);
    (StatusCode::CREATED, axum::Json(r.registered)).into_response()
}

/// Authorization server metadata for an issuer at `base`, endpoints under `base`.
fn as_metadata(base: &str, auth_methods: &[&str]) -> Value {
    json!({
        "issuer": base,
        "authorization_endpoint": format!("{base}/authorize"),
        "token_endpoint": format!("{base}/token"),
        "registration_endpoint": format!("{base}/register"),
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": auth_methods,
    })
}

/// A site that is its own authorization server (PRM at the path-aware URL, metadata listing
/// `auth_methods`), registering clients with `registered`.
async fn own_as_site(auth_methods: &[&str], registered: Value) -> (String, Recorder) {
    let site = Site::bind().await;
    let (base, resource) = (site.base.clone(), site.resource.clone());
    let recorder = Recorder::new(registered);
    let router = json_route(
        recorder.routes(""),
        "/.well-known/oauth-protected-resource/mcp",
        resource_metadata(&resource, &base),
    );
    let router = json_route(
        router,
        "/.well-known/oauth-authorization-server",
        as_metadata(&base, auth_methods),
    );
    site.serve(router);
    (resource, recorder)
}

/// Builds the authorizer, authorizes (as after a 401 without a token) and gives the one
/// token request's `Authorization` header and form.
async fn token_request(
    builder: AuthorizerBuilder,
    recorder: &Recorder,
) -> (Option<String>, Params) {
    authorized(builder).await;
    recorder.seen(|s| {
        assert_eq!(s.tokens.len(), 1, "one token request");
        s.tokens[0].clone()
    })
}

/// A client-credentials authorizer for `resource`, `credentials` registered at the site's
/// origin (its authorization server).
fn client_credentials(resource: &str, credentials: ClientCredentials) -> AuthorizerBuilder {
    Authorizer::builder(resource, Grant::ClientCredentials)
        .url_policy(UrlPolicy::allow_loopback())
        .pre_registered(resource.trim_end_matches("/mcp"), credentials)
}

#[tokio::test]
async fn client_secret_post_when_the_registration_names_it() {
    let (resource, recorder) = own_as_site(
        &["client_secret_post"],
        json!({"client_id": "c1", "client_secret": "s1", "token_endpoint_auth_method": "client_secret_post"}),
    )
    .await;
    let (header, form) = token_request(headless(&resource), &recorder).await;
    assert_eq!(header, None);
    assert_eq!(form.get("client_id").map(String::as_str), Some("c1"));
    assert_eq!(form.get("client_secret").map(String::as_str), Some("s1"));
    assert_eq!(
        form.get("grant_type").map(String::as_str),
        Some("authorization_code")
    );
}

#[tokio::test]
async fn client_secret_post_when_it_is_the_only_method_offered() {
    let (resource, recorder) = own_as_site(&["client_secret_post"], json!({})).await;
    let builder = client_credentials(
        &resource,
        ClientCredentials::confidential("pre", "pre-secret"),
    );
    let (header, form) = token_request(builder, &recorder).await;
    assert_eq!(header, None);
    assert_eq!(
        form.get("client_secret").map(String::as_str),
        Some("pre-secret")
    );
    assert_eq!(
        form.get("grant_type").map(String::as_str),
        Some("client_credentials")
    );
}

#[tokio::test]
async fn client_secret_basic_is_preferred_when_both_are_offered() {
    let (resource, recorder) = own_as_site(
        &["client_secret_post", "client_secret_basic"],
        json!({"client_id": "c1", "client_secret": "s 1"}),
    )
    .await;
    let (header, form) = token_request(headless(&resource), &recorder).await;
    // base64("c1:s+1"): the secret is form-encoded before it becomes Basic credentials.
    assert_eq!(header.as_deref(), Some("Basic YzE6cysx"));
    assert_eq!(form.get("client_secret"), None);
    assert_eq!(form.get("client_id"), None);
}

#[tokio::test]
async fn public_client_sends_its_id_and_no_secret() {
    let (resource, recorder) = own_as_site(
        &["none"],
        json!({"client_id": "pub", "token_endpoint_auth_method": "none"}),
    )
    .await;
    let (header, form) = token_request(headless(&resource), &recorder).await;
    assert_eq!(header, None);
    assert_eq!(form.get("client_id").map(String::as_str), Some("pub"));
    assert_eq!(form.get("client_secret"), None);
    assert_eq!(
        recorder.seen(|s| s.registrations[0]["token_endpoint_auth_method"].clone()),
        "none"
    );
}

/// A site with protected-resource metadata only at the root well-known URL, naming
/// `resource(base)`; the authorization server is the site.
async fn root_metadata_site(resource: impl FnOnce(&str) -> String) -> (String, String, Recorder) {
    let site = Site::bind().await;
    let (base, server_url) = (site.base.clone(), site.resource.clone());
    let recorder = Recorder::new(json!({"client_id": "c1"}));
    let router = json_route(
        recorder.routes(""),
        "/.well-known/oauth-protected-resource",
        resource_metadata(&resource(&base), &base),
    );
    let router = json_route(
        router,
        "/.well-known/oauth-authorization-server",
        as_metadata(&base, &["none"]),
    );
    site.serve(router);
    (base, server_url, recorder)
}

#[tokio::test]
async fn root_metadata_naming_the_origin_is_accepted_and_the_origin_is_the_resource() {
    let (base, server_url, recorder) = root_metadata_site(str::to_owned).await;
    let (_, form) = token_request(headless(&server_url), &recorder).await;
    assert_eq!(form.get("resource"), Some(&base));
    assert_eq!(
        recorder.seen(|s| s.authorizations[0].get("resource").cloned()),
        Some(base)
    );
}

#[tokio::test]
async fn root_metadata_naming_another_resource_is_refused() {
    let (_, server_url, recorder) = root_metadata_site(|base| format!("{base}/other")).await;
    let authorizer = headless(&server_url).build().expect("authorizer");
    assert_eq!(
        authorizer.unauthorized(None, None).await,
        Err(AuthError::ResourceMismatch(
            MetadataError::ResourceMismatch {
                expected: server_url.clone(),
                found: format!("{}/other", server_url.trim_end_matches("/mcp")),
            }
        ))
    );
    assert_eq!(recorder.seen(|s| s.tokens.len()), 0);
}

#[tokio::test]
async fn path_aware_metadata_naming_the_origin_is_refused() {
    let site = Site::bind().await;
    let (base, server_url) = (site.base.clone(), site.resource.clone());
    site.serve(json_route(
        Router::new(),
        "/.well-known/oauth-protected-resource/mcp",
        resource_metadata(&base, &base),
    ));
    let authorizer = headless(&server_url).build().expect("authorizer");
    assert_eq!(
        authorizer.unauthorized(None, None).await,
        Err(AuthError::ResourceMismatch(
            MetadataError::ResourceMismatch {
                expected: server_url,
                found: base,
            }
        ))
    );
}

/// A 2025-03-26 site: no protected-resource metadata; `metadata` (if any) at the origin's
/// RFC 8414 location, endpoints under `prefix`.
async fn legacy_site(prefix: &str, metadata: bool) -> (String, String, Recorder) {
    let site = Site::bind().await;
    let (base, server_url) = (site.base.clone(), site.resource.clone());
    let recorder = Recorder::new(json!({"client_id": "legacy", "client_secret": "ls"}));
    let mut router = recorder.routes(prefix);
    if metadata {
        let mut document = as_metadata(&format!("{base}{prefix}"), &["client_secret_post"]);
        document["issuer"] = json!(base);
        router = json_route(router, "/.well-known/oauth-authorization-server", document);
    }
    site.serve(router);
    (base, server_url, recorder)
}

#[tokio::test]
async fn legacy_server_metadata_at_the_origin_is_used() {
    let (_, server_url, recorder) = legacy_site("/oauth", true).await;
    let (header, form) = token_request(headless(&server_url), &recorder).await;
    // The advertised endpoints under /oauth were used, with the advertised method.
    assert_eq!(header, None);
    assert_eq!(form.get("client_secret").map(String::as_str), Some("ls"));
    assert_eq!(
        recorder.seen(|s| (s.registrations.len(), s.authorizations.len())),
        (1, 1)
    );
}

#[tokio::test]
async fn legacy_default_endpoints_at_the_origin_without_any_metadata() {
    let (_, server_url, recorder) = legacy_site("", false).await;
    let (header, form) = token_request(headless(&server_url), &recorder).await;
    // No metadata: the secret goes by client_secret_basic (RFC 8414 default).
    assert!(header.is_some_and(|h| h.starts_with("Basic ")));
    assert_eq!(form.get("code").map(String::as_str), Some("the-code"));
    assert!(form.contains_key("code_verifier"));
    let query = recorder.seen(|s| s.authorizations[0].clone());
    assert_eq!(
        query.get("code_challenge_method").map(String::as_str),
        Some("S256")
    );
}

#[tokio::test]
async fn legacy_discovery_can_be_turned_off() {
    let (_, server_url, recorder) = legacy_site("", false).await;
    let authorizer = headless(&server_url)
        .legacy_discovery(false)
        .build()
        .expect("authorizer");
    assert_eq!(
        authorizer.unauthorized(None, None).await,
        Err(AuthError::ResourceMetadataNotFound {
            resource: server_url
        })
    );
    assert_eq!(recorder.seen(|s| s.registrations.len()), 0);
}

#[tokio::test]
async fn legacy_metadata_endpoints_pass_the_url_policy() {
    let site = Site::bind().await;
    let (base, server_url) = (site.base.clone(), site.resource.clone());
    let mut document = as_metadata(&base, &[]);
    document["token_endpoint"] = json!("http://10.0.0.1/token");
    site.serve(json_route(
        Router::new(),
        "/.well-known/oauth-authorization-server",
        document,
    ));
    let authorizer = headless(&server_url).build().expect("authorizer");
    assert_eq!(
        authorizer.unauthorized(None, None).await,
        Err(AuthError::Blocked {
            url: "http://10.0.0.1/token".into(),
            reason: BlockReason::PrivateAddress,
        })
    );
}

/// A fresh P-256 key: the PKCS#8 PEM and the public JWK coordinates.
fn p256_key() -> (String, String, String) {
    use base64::Engine as _;
    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
    let (der, x, y) = support_p256::generate();
    let body = STANDARD.encode(&der);
    let lines: Vec<&str> = body
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).expect("ascii"))
        .collect();
    let pem = format!(
        "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
        lines.join("\n")
    );
    let x = URL_SAFE_NO_PAD.encode(x);
    let y = URL_SAFE_NO_PAD.encode(y);
    (pem, x, y)
}

#[tokio::test]
async fn private_key_jwt_client_credentials() {
    let (resource, recorder) = own_as_site(&["private_key_jwt"], json!({})).await;
    let issuer = resource.trim_end_matches("/mcp").to_owned();
    let (pem, x, y) = p256_key();
    let key = ClientAssertionKey::from_pkcs8_pem(&pem, "ES256").expect("key");
    assert_eq!(format!("{key:?}"), "ClientAssertionKey(ES256, ***)");
    let builder = client_credentials(
        &resource,
        ClientCredentials::private_key_jwt("jwt-client", key),
    );
    let (header, form) = token_request(builder, &recorder).await;
    assert_eq!(header, None);
    assert_eq!(form.get("client_secret"), None);
    assert_eq!(
        form.get("client_assertion_type").map(String::as_str),
        Some("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
    );
    let assertion = form.get("client_assertion").expect("client_assertion");
    let decoding = jsonwebtoken::DecodingKey::from_ec_components(&x, &y).expect("public key");
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::ES256);
    validation.set_audience(&[&issuer]);
    validation.set_issuer(&["jwt-client"]);
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    let claims = jsonwebtoken::decode::<Value>(assertion, &decoding, &validation)
        .expect("assertion verifies with the client's public key")
        .claims;
    assert_eq!(claims["sub"], "jwt-client");
    assert!(claims["jti"].as_str().is_some_and(|j| !j.is_empty()));
    assert!(claims["exp"].as_u64() > claims["iat"].as_u64());
}

#[tokio::test]
async fn a_method_without_its_credential_is_reported() {
    let (resource, recorder) = own_as_site(&["client_secret_post"], json!({})).await;
    let credentials =
        ClientCredentials::public("p").with_auth_method(TokenEndpointAuth::PrivateKeyJwt);
    let authorizer = client_credentials(&resource, credentials)
        .build()
        .expect("authorizer");
    assert_eq!(
        authorizer.unauthorized(None, None).await,
        Err(AuthError::ClientAuthUnavailable {
            method: TokenEndpointAuth::PrivateKeyJwt
        })
    );
    assert_eq!(recorder.seen(|s| s.tokens.len()), 0);
}
