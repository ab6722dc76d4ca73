//! Each refused token gets the exact status and `WWW-Authenticate` challenge.

mod support;

use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use mcp_auth::{
    BoxFuture, Challenge, IntrospectionResponse, IntrospectionVerifier, Introspector, JwtConfig,
    JwtVerifier, ResourceServer, ScopePolicy, Target, TokenError,
};
use serde_json::{Value, json};
use support::{CountingJwks, ISSUER, METADATA, RESOURCE, SharedJwks, TestKey, good_claims, now};

struct Fixture {
    key: TestKey,
    jwks: Arc<CountingJwks>,
    rs: ResourceServer,
}

fn fixture_with(config: impl FnOnce(&mut JwtConfig), tenants: Option<&[&str]>) -> Fixture {
    let key = TestKey::generate("k1");
    let jwks = Arc::new(CountingJwks::new(vec![key.jwk.clone()]));
    let mut cfg = JwtConfig::new(ISSUER, RESOURCE);
    cfg.tenant_claim = Some("tid".to_owned());
    config(&mut cfg);
    let verifier = JwtVerifier::new(cfg, SharedJwks(jwks.clone())).expect("config");
    let mut builder =
        ResourceServer::builder(RESOURCE, Arc::new(verifier)).authorization_server(ISSUER);
    if let Some(tenants) = tenants {
        builder = builder.tenants(tenants.iter().copied());
    }
    Fixture {
        key,
        jwks,
        rs: builder.build(),
    }
}

fn fixture() -> Fixture {
    fixture_with(|_| {}, None)
}

fn invalid_token(description: &str) -> String {
    format!(
        "Bearer error=\"invalid_token\", error_description=\"{description}\", resource_metadata=\"{METADATA}\""
    )
}

async fn refused(rs: &ResourceServer, token: &str) -> Challenge {
    rs.authenticate(Some(&format!("Bearer {token}")))
        .await
        .expect_err("token must be refused")
}

fn with(mut claims: Value, key: &str, value: Value) -> Value {
    claims[key] = value;
    claims
}

async fn assert_invalid(claims: Value, description: &str) {
    let f = fixture();
    let c = refused(&f.rs, &f.key.sign(&claims)).await;
    assert_eq!(
        (c.status(), c.www_authenticate()),
        (401, invalid_token(description).as_str())
    );
}

#[tokio::test]
async fn good_token_gives_its_principal() {
    let f = fixture();
    let p =
        f.rs.authenticate(Some(&format!("Bearer {}", f.key.sign(&good_claims()))))
            .await
            .unwrap();
    assert_eq!((p.issuer.as_str(), p.subject.as_str()), (ISSUER, "alice"));
    assert_eq!(p.client_id.as_deref(), Some("client-1"));
    assert_eq!(p.tenant.as_deref(), Some("tenant-a"));
    assert!(p.has_scope("mcp:read") && p.has_scope("files:read"));
    assert!(p.expires_at.is_some());
    assert_eq!(p.key(), mcp_auth::Principal::new(ISSUER, "alice").key());
}

// requirement: 4.2
#[tokio::test]
async fn missing_token_is_401_without_error() {
    let f = fixture();
    for header in [None, Some("Basic dXNlcjpwdw==")] {
        let c = f.rs.authenticate(header).await.unwrap_err();
        assert_eq!(
            (c.status(), c.www_authenticate()),
            (
                401,
                format!("Bearer resource_metadata=\"{METADATA}\"").as_str()
            )
        );
    }
}

// requirement: 4.3
#[tokio::test]
async fn malformed_header_is_400() {
    let f = fixture();
    let c = f.rs.authenticate(Some("Bearer a b")).await.unwrap_err();
    assert_eq!(c.status(), 400);
    assert_eq!(
        c.www_authenticate(),
        format!(
            "Bearer error=\"invalid_request\", error_description=\"malformed Authorization header\", resource_metadata=\"{METADATA}\""
        )
    );
}

// requirement: 4.4
#[tokio::test]
async fn wrong_audience() {
    assert_invalid(
        with(good_claims(), "aud", json!("https://other.example/mcp")),
        "wrong audience",
    )
    .await;
}

#[tokio::test]
async fn configured_extra_audience_is_accepted() {
    let f = fixture_with(|c| c.audiences.push("app-guid".to_owned()), None);
    let token = f.key.sign(&with(good_claims(), "aud", json!(["app-guid"])));
    assert!(
        f.rs.authenticate(Some(&format!("Bearer {token}")))
            .await
            .is_ok()
    );
}

// requirement: 4.3
#[tokio::test]
async fn wrong_issuer() {
    assert_invalid(
        with(good_claims(), "iss", json!("https://evil.example")),
        "wrong issuer",
    )
    .await;
}

// requirement: 4.3
#[tokio::test]
async fn expired() {
    assert_invalid(
        with(good_claims(), "exp", json!(now() - 3600)),
        "token expired",
    )
    .await;
}

// requirement: 4.3
#[tokio::test]
async fn not_yet_valid() {
    assert_invalid(
        with(good_claims(), "nbf", json!(now() + 3600)),
        "token not yet valid",
    )
    .await;
}

#[tokio::test]
async fn missing_sub_and_exp() {
    let mut claims = good_claims();
    claims.as_object_mut().unwrap().remove("sub");
    assert_invalid(claims, "missing claim sub").await;
    let mut claims = good_claims();
    claims.as_object_mut().unwrap().remove("exp");
    assert_invalid(claims, "missing claim exp").await;
}

#[tokio::test]
async fn claim_of_wrong_type_is_refused() {
    // jsonwebtoken treats a required claim of the wrong type as missing (the GHSA-h395-gr6q-cpjc
    // fix); what matters is that it is refused, never read as absent-and-optional.
    assert_invalid(with(good_claims(), "sub", json!(42)), "missing claim sub").await;
    assert_invalid(with(good_claims(), "scope", json!(7)), "malformed token").await;
}

// requirement: 4.3
#[tokio::test]
async fn alg_none() {
    let f = fixture();
    let header = B64.encode(br#"{"alg":"none","typ":"at+jwt","kid":"k1"}"#);
    let body = B64.encode(good_claims().to_string());
    let c = refused(&f.rs, &format!("{header}.{body}.")).await;
    assert_eq!(
        (c.status(), c.www_authenticate()),
        (401, invalid_token("malformed token").as_str())
    );
}

// requirement: 4.3
#[tokio::test]
async fn hmac_is_never_accepted() {
    let f = fixture();
    let mut header = jsonwebtoken::Header::new(mcp_auth::Algorithm::HS256);
    header.kid = Some("k1".to_owned());
    let token = jsonwebtoken::encode(
        &header,
        &good_claims(),
        &jsonwebtoken::EncodingKey::from_secret(b"public-key-bytes"),
    )
    .unwrap();
    let c = refused(&f.rs, &token).await;
    assert_eq!(
        (c.status(), c.www_authenticate()),
        (401, invalid_token("algorithm not allowed").as_str())
    );
    let mut cfg = JwtConfig::new(ISSUER, RESOURCE);
    cfg.algorithms = vec![mcp_auth::Algorithm::HS256];
    assert!(JwtVerifier::new(cfg, SharedJwks(f.jwks.clone())).is_err());
}

#[tokio::test]
async fn wrong_typ() {
    let f = fixture();
    let mut header = jsonwebtoken::Header::new(mcp_auth::Algorithm::ES256);
    header.kid = Some("k1".to_owned());
    header.typ = Some("JWT+id".to_owned());
    let token = jsonwebtoken::encode(&header, &good_claims(), &f.key.encoding).unwrap();
    let c = refused(&f.rs, &token).await;
    assert_eq!(
        (c.status(), c.www_authenticate()),
        (401, invalid_token("not an access token (typ)").as_str())
    );
}

// requirement: 4.3
#[tokio::test]
async fn wrong_key() {
    let f = fixture();
    let impostor = TestKey::generate("k1");
    let c = refused(&f.rs, &impostor.sign(&good_claims())).await;
    assert_eq!(
        (c.status(), c.www_authenticate()),
        (401, invalid_token("bad signature").as_str())
    );
}

#[tokio::test]
async fn unknown_kid_flood_refetches_at_most_once_per_interval() {
    let f = fixture();
    assert!(
        f.rs.authenticate(Some(&format!("Bearer {}", f.key.sign(&good_claims()))))
            .await
            .is_ok()
    );
    assert_eq!(f.jwks.count(), 1);
    for i in 0..200 {
        let token = f.key.sign_with_kid(&good_claims(), &format!("unknown-{i}"));
        let c = refused(&f.rs, &token).await;
        assert_eq!(
            (c.status(), c.www_authenticate()),
            (401, invalid_token("unknown signing key").as_str())
        );
    }
    assert_eq!(
        f.jwks.count(),
        1,
        "an unknown-kid flood must not refetch inside the interval"
    );
}

#[tokio::test]
async fn rotated_key_is_picked_up_by_refetch() {
    let f = fixture_with(|c| c.refetch_interval = Duration::ZERO, None);
    assert!(
        f.rs.authenticate(Some(&format!("Bearer {}", f.key.sign(&good_claims()))))
            .await
            .is_ok()
    );
    let next = TestKey::generate("k2");
    f.jwks.set.lock().unwrap().keys.push(next.jwk.clone());
    assert!(
        f.rs.authenticate(Some(&format!("Bearer {}", next.sign(&good_claims()))))
            .await
            .is_ok()
    );
    assert_eq!(f.jwks.count(), 2);
}

#[tokio::test]
async fn token_for_another_tenant() {
    let f = fixture_with(|_| {}, Some(&["tenant-b"]));
    let c = refused(&f.rs, &f.key.sign(&good_claims())).await;
    assert_eq!(
        (c.status(), c.www_authenticate()),
        (401, invalid_token("wrong tenant").as_str())
    );
    let mut claims = good_claims();
    claims.as_object_mut().unwrap().remove("tid");
    let c = refused(&f.rs, &f.key.sign(&claims)).await;
    assert_eq!(c.status(), 401);
}

// requirement: 4.7
#[tokio::test]
async fn missing_scope_is_403_with_needed_scopes() {
    let f = fixture();
    let p =
        f.rs.authenticate(Some(&format!("Bearer {}", f.key.sign(&good_claims()))))
            .await
            .unwrap();
    let policy = ScopePolicy::new()
        .default_scopes(["mcp:read"])
        .tool("write_file", ["files:read", "files:write"]);
    assert_eq!(
        policy.check(&p, Target::Tool("read_file"), f.rs.resource_metadata_url()),
        Ok(())
    );
    let c = policy
        .check(&p, Target::Tool("write_file"), f.rs.resource_metadata_url())
        .unwrap_err();
    assert_eq!(c.status(), 403);
    assert_eq!(
        c.www_authenticate(),
        format!(
            "Bearer error=\"insufficient_scope\", error_description=\"the token lacks a required scope\", scope=\"files:read files:write\", resource_metadata=\"{METADATA}\""
        )
    );
}

#[tokio::test]
async fn metadata_document_and_resource_check() {
    let f = fixture();
    let doc = f.rs.metadata();
    let json = serde_json::to_value(&doc).unwrap();
    assert_eq!(
        json,
        json!({"resource": RESOURCE, "authorization_servers": [ISSUER], "bearer_methods_supported": ["header"]})
    );
    assert_eq!(mcp_auth::check_metadata_resource(&doc, RESOURCE), Ok(()));
    let foreign: mcp_auth::ProtectedResourceMetadata =
        serde_json::from_value(json!({"resource": "https://attacker.example/mcp"})).unwrap();
    assert!(mcp_auth::check_metadata_resource(&foreign, RESOURCE).is_err());
}

#[tokio::test]
async fn errors_and_debug_never_show_the_token() {
    let f = fixture();
    let token = f.key.sign(&with(good_claims(), "aud", json!("x")));
    let c = refused(&f.rs, &token).await;
    let shown = format!("{c:?} {} {:?}", c.body(), f.rs);
    assert!(!shown.contains(&token) && !shown.contains(token.split('.').nth(2).unwrap()));
}

/// An in-process introspection endpoint: answers from a table, counting calls.
#[derive(Debug, Default)]
struct TableIntrospector {
    answers: std::collections::HashMap<String, Value>,
    calls: std::sync::atomic::AtomicUsize,
}

impl Introspector for TableIntrospector {
    fn introspect<'a>(
        &'a self,
        token: &'a str,
    ) -> BoxFuture<'a, Result<IntrospectionResponse, TokenError>> {
        self.calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let answer = self
            .answers
            .get(token)
            .cloned()
            .unwrap_or_else(|| json!({"active": false}));
        Box::pin(std::future::ready(
            serde_json::from_value(answer).map_err(|_| TokenError::Malformed),
        ))
    }
}

#[tokio::test]
async fn introspection_active_inactive_audience_and_cache() {
    let mut table = TableIntrospector::default();
    let active = with(good_claims(), "active", json!(true));
    table.answers.insert("opaque-good".into(), active.clone());
    table.answers.insert(
        "opaque-aud".into(),
        with(active.clone(), "aud", json!("https://other")),
    );
    table
        .answers
        .insert("opaque-exp".into(), with(active, "exp", json!(now() - 10)));
    let table = Arc::new(table);
    let verifier = IntrospectionVerifier::new(table.clone(), ISSUER, vec![RESOURCE.to_owned()])
        .tenant_claim("tid");
    let rs = ResourceServer::builder(RESOURCE, Arc::new(verifier)).build();
    for _ in 0..3 {
        let p = rs.authenticate(Some("Bearer opaque-good")).await.unwrap();
        assert_eq!(p.tenant.as_deref(), Some("tenant-a"));
    }
    assert_eq!(
        table.calls.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "positive result cached"
    );
    for (token, description) in [
        ("opaque-unknown", "token not active"),
        ("opaque-aud", "wrong audience"),
        ("opaque-exp", "token expired"),
    ] {
        let c = refused(&rs, token).await;
        assert_eq!(
            (c.status(), c.www_authenticate()),
            (401, invalid_token(description).as_str())
        );
    }
}
