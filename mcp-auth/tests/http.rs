//! `HttpJwks` and `HttpIntrospector` (feature `http`) against real HTTP servers on
//! 127.0.0.1: a small axum server that counts what it sees, and the development
//! authorization server.

#[path = "support/dev_client.rs"]
mod dev_client;
mod support;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use dev_client::{DevClient, dev_server};
use mcp_auth::jwk::JwkSet;
use mcp_auth::{
    HttpIntrospector, HttpJwks, IntrospectionVerifier, Introspector, JwksSource, JwtConfig,
    JwtVerifier, TokenError, TokenVerifier,
};
use serde_json::{Value, json};
use support::{ISSUER, RESOURCE, TestKey, good_claims, now};

/// What the test server serves, and how many requests it saw.
struct Served {
    jwks: Value,
    hits: AtomicUsize,
}

/// Serves `router` on 127.0.0.1:random; its base URL.
async fn serve(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://{addr}")
}

async fn jwks_server(key: &TestKey) -> (String, Arc<Served>) {
    let served = Arc::new(Served {
        jwks: json!({ "keys": [key.jwk] }),
        hits: AtomicUsize::new(0),
    });
    let router = Router::new()
        .route(
            "/jwks",
            get(|State(s): State<Arc<Served>>| async move {
                s.hits.fetch_add(1, Ordering::SeqCst);
                Json(s.jwks.clone())
            }),
        )
        .route("/big", get(|| async { " ".repeat(1024 * 1024) }))
        .route("/never", get(std::future::pending::<String>))
        .route("/notjson", get(|| async { "keys" }))
        .with_state(served.clone());
    (serve(router).await, served)
}

fn with(mut claims: Value, key: &str, value: Value) -> Value {
    claims[key] = value;
    claims
}

#[tokio::test]
async fn http_jwks_bounds_fetches_under_an_unknown_kid_flood() {
    let key = TestKey::generate("k1");
    let (base, served) = jwks_server(&key).await;
    let jwks = HttpJwks::new(reqwest::Client::new(), format!("{base}/jwks"))
        .min_refetch_interval(Duration::from_secs(3600));
    let mut config = JwtConfig::new(ISSUER, RESOURCE);
    // The verifier itself would refetch on every unknown kid: only HttpJwks bounds it here.
    config.refetch_interval = Duration::ZERO;
    let verifier = Arc::new(JwtVerifier::new(config, jwks).unwrap());
    let principal = verifier.verify(&key.sign(&good_claims())).await.unwrap();
    assert_eq!(principal.subject, "alice");
    assert_eq!(served.hits.load(Ordering::SeqCst), 1);

    let mut flood = tokio::task::JoinSet::new();
    for i in 0..200 {
        let token = key.sign_with_kid(&good_claims(), &format!("made-up-{i}"));
        let verifier = verifier.clone();
        flood.spawn(async move { verifier.verify(&token).await });
    }
    while let Some(answer) = flood.join_next().await {
        assert_eq!(answer.unwrap(), Err(TokenError::UnknownKey));
    }
    assert_eq!(
        served.hits.load(Ordering::SeqCst),
        1,
        "the flood fetched nothing"
    );

    // Without the interval each unknown kid asks again: the bound is what held above.
    let eager = HttpJwks::new(reqwest::Client::new(), format!("{base}/jwks"))
        .min_refetch_interval(Duration::ZERO);
    for _ in 0..3 {
        eager.fetch().await.unwrap();
    }
    assert_eq!(served.hits.load(Ordering::SeqCst), 4);
}

#[tokio::test]
async fn http_jwks_refuses_large_slow_failing_and_malformed_answers() {
    let key = TestKey::generate("k1");
    let (base, _) = jwks_server(&key).await;
    for (path, why) in [
        ("/big", "JWKS: body larger than 65536 bytes"),
        ("/never", "JWKS: timed out"),
        ("/missing", "JWKS: status 404"),
        ("/notjson", "JWKS: not a JWK set"),
    ] {
        let jwks = HttpJwks::new(reqwest::Client::new(), format!("{base}{path}"))
            .max_body(64 * 1024)
            .timeout(Duration::from_millis(200));
        assert_eq!(
            jwks.fetch().await.unwrap_err(),
            TokenError::Unavailable(why.to_owned()),
            "{path}"
        );
    }
    let closed = HttpJwks::new(reqwest::Client::new(), "http://127.0.0.1:9/jwks");
    assert!(matches!(
        closed.fetch().await,
        Err(TokenError::Unavailable(_))
    ));
}

/// An introspection endpoint for one client and one token, counting its calls.
async fn introspection_server() -> (String, Arc<Served>) {
    let served = Arc::new(Served {
        jwks: Value::Null,
        hits: AtomicUsize::new(0),
    });
    let handler = |State(s): State<Arc<Served>>,
                   headers: HeaderMap,
                   Form(form): Form<HashMap<String, String>>| async move {
        s.hits.fetch_add(1, Ordering::SeqCst);
        // RFC 6749 §2.3.1: id and secret are form-encoded before Base64.
        let expected = format!("Basic {}", STANDARD.encode("rs%3Aclient:s3cret+%2F"));
        if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(&expected) {
            return (
                StatusCode::UNAUTHORIZED,
                Json(json!({"error": "invalid_client"})),
            );
        }
        let active = form.get("token").map(String::as_str) == Some("opaque-1")
            && form.get("token_type_hint").map(String::as_str) == Some("access_token");
        let answer = if active {
            json!({"active": true, "iss": ISSUER, "sub": "carol", "aud": RESOURCE,
                   "exp": now() + 600, "scope": "mcp:read", "client_id": "app"})
        } else {
            json!({"active": false})
        };
        (StatusCode::OK, Json(answer))
    };
    let router = Router::new()
        .route("/introspect", post(handler))
        .with_state(served.clone());
    (serve(router).await, served)
}

#[tokio::test]
async fn http_introspector_authenticates_with_client_secret_basic() {
    let (base, served) = introspection_server().await;
    let client = reqwest::Client::new();
    let introspector = HttpIntrospector::new(
        client.clone(),
        format!("{base}/introspect"),
        "rs:client",
        "s3cret /",
    );
    let verifier = IntrospectionVerifier::new(introspector, ISSUER, vec![RESOURCE.to_owned()]);
    let principal = verifier.verify("opaque-1").await.unwrap();
    assert_eq!(
        (principal.subject.as_str(), principal.client_id.as_deref()),
        ("carol", Some("app"))
    );
    assert_eq!(verifier.verify("opaque-2").await, Err(TokenError::Inactive));
    let wrong = HttpIntrospector::new(client, format!("{base}/introspect"), "rs:client", "nope");
    assert_eq!(
        wrong.introspect("opaque-1").await.unwrap_err(),
        TokenError::Unavailable("introspection: status 401".to_owned())
    );
    assert_eq!(served.hits.load(Ordering::SeqCst), 3);
    // Neither the token nor the secret shows in Debug output.
    let debug = format!("{wrong:?}");
    assert!(
        !debug.contains("nope") && !debug.contains("opaque"),
        "{debug}"
    );
}

#[tokio::test]
async fn both_work_against_the_development_authorization_server() {
    let resource = "http://127.0.0.1:3000/mcp";
    let dev = dev_server(resource).await;
    let client = reqwest::Client::new();
    let DevClient {
        id,
        secret,
        access_token,
    } = DevClient::register(&dev, resource, "mcp:read").await;
    let (id, token) = (id.as_str(), access_token.as_str());
    let jwks = HttpJwks::new(client.clone(), format!("{}/jwks", dev.issuer()));
    let fetched: JwkSet = jwks.fetch().await.unwrap();
    assert_eq!(fetched.keys.len(), dev.jwks().keys.len());
    let jwt = JwtVerifier::new(JwtConfig::new(dev.issuer(), resource), jwks).unwrap();
    assert_eq!(jwt.verify(token).await.unwrap().subject, id);

    let introspector =
        HttpIntrospector::new(client, format!("{}/introspect", dev.issuer()), id, secret);
    let by_introspection =
        IntrospectionVerifier::new(introspector, dev.issuer(), vec![resource.to_owned()]);
    assert_eq!(by_introspection.verify(token).await.unwrap().subject, id);
    let forged = TestKey::generate("k9").sign(&with(good_claims(), "iss", json!(dev.issuer())));
    assert_eq!(
        by_introspection.verify(&forged).await,
        Err(TokenError::Inactive)
    );
    dev.shutdown().await;
}
