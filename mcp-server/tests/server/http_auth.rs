//! The HTTP endpoint as an OAuth resource server (feature `auth`), over real sockets on
//! 127.0.0.1: ES256 tokens signed here and checked by `JwtVerifier` over a static JWKS, each
//! refusal with its exact status and `WWW-Authenticate`; the scope policy; session binding;
//! the RFC 9728 document; and a token from the development authorization server.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use mcp_auth::jwk::JwkSet;
use mcp_auth::{
    BoxFuture, JwtConfig, JwtVerifier, Principal, ResourceServer, ScopePolicy, StaticJwks,
    TokenError, TokenVerifier,
};
use mcp_server::http::HttpConfig;
use mcp_server::{NoArgs, RequestContext, Server, ToolDef};
use serde_json::{Value, json};

use crate::support::dev_client::{DevClient, dev_server};
use crate::support::http::HttpHarness;
use crate::support::params_2026;
use crate::support::tokens::{ISSUER, METADATA, RESOURCE, TestKey, good_claims, now};

/// A second authorization server the resource server also trusts.
const OTHER_ISSUER: &str = "https://other-as.example";

/// Tries each verifier in turn: the first acceptance wins, else the first refusal.
#[derive(Debug)]
struct AnyOf(Vec<JwtVerifier>);

impl TokenVerifier for AnyOf {
    fn verify<'a>(&'a self, token: &'a str) -> BoxFuture<'a, Result<Principal, TokenError>> {
        Box::pin(async move {
            let mut first = None;
            for verifier in &self.0 {
                match verifier.verify(token).await {
                    Ok(principal) => return Ok(principal),
                    Err(e) => {
                        first.get_or_insert(e);
                    }
                }
            }
            Err(first.unwrap_or(TokenError::Malformed))
        })
    }
}

fn jwt_verifier(issuer: &str, key: &TestKey) -> JwtVerifier {
    let mut config = JwtConfig::new(issuer, RESOURCE);
    config.tenant_claim = Some("tid".to_owned());
    let jwks = StaticJwks(JwkSet {
        keys: vec![key.jwk.clone()],
    });
    JwtVerifier::new(config, jwks).unwrap()
}

struct Fixture {
    h: HttpHarness,
    key: TestKey,
    other_key: TestKey,
    /// How many times the `delete` tool ran.
    deletes: Arc<AtomicUsize>,
}

/// A server with `whoami` and `delete` (which needs `files:write files:admin`), behind a
/// resource server trusting [`ISSUER`] and [`OTHER_ISSUER`], for `tenants` if given.
async fn fixture_with(tenants: Option<&[&str]>) -> Fixture {
    let key = TestKey::generate("k1");
    let other_key = TestKey::generate("k2");
    let verifier = AnyOf(vec![
        jwt_verifier(ISSUER, &key),
        jwt_verifier(OTHER_ISSUER, &other_key),
    ]);
    let mut rs = ResourceServer::builder(RESOURCE, Arc::new(verifier))
        .authorization_server(ISSUER)
        .scopes_supported(["mcp:read"])
        .challenge_scopes(["mcp:read"]);
    if let Some(tenants) = tenants {
        rs = rs.tenants(tenants.iter().copied());
    }
    let policy = ScopePolicy::new()
        .default_scopes(["mcp:read"])
        .tool("delete", ["files:write", "files:admin"]);
    let config = HttpConfig::new()
        .resource_server(Arc::new(rs.build()))
        .scope_policy(policy);
    let deletes = Arc::new(AtomicUsize::new(0));
    let h = HttpHarness::start_with(server(deletes.clone()), config).await;
    Fixture {
        h,
        key,
        other_key,
        deletes,
    }
}

async fn fixture() -> Fixture {
    fixture_with(None).await
}

fn server(deletes: Arc<AtomicUsize>) -> Server {
    let server = Server::builder("auth-test", "1.0.0").build();
    server
        .add_tool(
            ToolDef::new("whoami", |_: NoArgs, ctx: RequestContext| async move {
                let p = ctx.principal().expect("a principal");
                json!({
                    "issuer": p.issuer, "subject": p.subject, "tenant": p.tenant,
                    "client_id": p.client_id,
                })
                .to_string()
            })
            .description("Says who called"),
        )
        .unwrap();
    server
        .add_tool(
            ToolDef::new("delete", move |_: NoArgs, _: RequestContext| {
                let deletes = deletes.clone();
                async move {
                    deletes.fetch_add(1, Ordering::SeqCst);
                    "deleted"
                }
            })
            .description("Needs files:write and files:admin"),
        )
        .unwrap();
    server
}

fn with(mut claims: Value, key: &str, value: Value) -> Value {
    claims[key] = value;
    claims
}

fn challenge_401(description: &str) -> String {
    format!(
        "Bearer error=\"invalid_token\", error_description=\"{description}\", scope=\"mcp:read\", resource_metadata=\"{METADATA}\""
    )
}

fn call_params(tool: &str) -> Value {
    params_2026(json!({"name": tool, "arguments": {}}), json!({}))
}

/// A 2026-07-28 stateless `tools/call` of `tool` with `token`: status, `WWW-Authenticate`
/// (empty if none) and the JSON body.
async fn call_2026(h: &HttpHarness, token: Option<&str>, tool: &str) -> (u16, String, Value) {
    let mut r = h.post_2026(1, "tools/call", Some(tool), call_params(tool));
    if let Some(token) = token {
        r = r.bearer_auth(token);
    }
    answer(r.send().await.unwrap()).await
}

async fn answer(r: reqwest::Response) -> (u16, String, Value) {
    let status = r.status().as_u16();
    let challenge = r
        .headers()
        .get("www-authenticate")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = r.json().await.unwrap_or(Value::Null);
    (status, challenge, body)
}

/// The token of `claims` is refused with 401 `invalid_token` and `description`, with the
/// challenge's text in the JSON-RPC error body.
async fn assert_refused(f: &Fixture, token: &str, description: &str) {
    let (status, challenge, body) = call_2026(&f.h, Some(token), "whoami").await;
    assert_eq!(
        (status, challenge.as_str()),
        (401, challenge_401(description).as_str())
    );
    assert_eq!(
        body["error"]["message"],
        format!("invalid_token: {description}")
    );
    assert_eq!(body["error"]["data"]["error"], "invalid_token");
}

// requirement: 4.2, 4.5, 4.25
#[tokio::test]
async fn missing_token_is_401_on_every_endpoint() {
    let f = fixture().await;
    let h = &f.h;
    let expected = format!("Bearer scope=\"mcp:read\", resource_metadata=\"{METADATA}\"");
    let (status, challenge, body) = call_2026(h, None, "whoami").await;
    assert_eq!((status, challenge.as_str()), (401, expected.as_str()));
    assert_eq!(body["error"]["message"], "authentication required");
    let init = json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {},
        "clientInfo": {"name": "raw", "version": "0"}}});
    let requests = [
        h.post().body(init.to_string()),
        h.client
            .get(&h.url)
            .header("accept", "text/event-stream")
            .header("mcp-session-id", "x"),
        h.client.delete(&h.url).header("mcp-session-id", "x"),
        h.client
            .get(format!("{}/sse", h.base))
            .header("accept", "text/event-stream"),
        h.client
            .post(format!("{}/messages?sessionId=x", h.base))
            .header("content-type", "application/json")
            .body(init.to_string()),
    ];
    for request in requests {
        let (status, challenge, _) = answer(request.send().await.unwrap()).await;
        assert_eq!((status, challenge.as_str()), (401, expected.as_str()));
    }
    // A Bearer header that is not one b64token is a malformed request (RFC 6750 §3.1).
    let r = h
        .post_2026(1, "tools/call", Some("whoami"), call_params("whoami"))
        .header("authorization", "Bearer a b")
        .send();
    let (status, challenge, _) = answer(r.await.unwrap()).await;
    assert_eq!(
        (status, challenge.as_str()),
        (
            400,
            format!(
                "Bearer error=\"invalid_request\", error_description=\"malformed Authorization header\", scope=\"mcp:read\", resource_metadata=\"{METADATA}\""
            )
            .as_str()
        )
    );
}

// requirement: 4.4
#[tokio::test]
async fn wrong_audience_is_401() {
    let f = fixture().await;
    let token = f.key.sign(&with(
        good_claims(),
        "aud",
        json!("https://other.example/mcp"),
    ));
    assert_refused(&f, &token, "wrong audience").await;
}

// requirement: 4.3
#[tokio::test]
async fn wrong_issuer_is_401() {
    let f = fixture().await;
    let token = f
        .key
        .sign(&with(good_claims(), "iss", json!("https://evil.example")));
    assert_refused(&f, &token, "wrong issuer").await;
}

// requirement: 4.3
#[tokio::test]
async fn expired_token_is_401() {
    let f = fixture().await;
    let token = f.key.sign(&with(good_claims(), "exp", json!(now() - 120)));
    assert_refused(&f, &token, "token expired").await;
}

// requirement: 4.3
#[tokio::test]
async fn token_not_yet_valid_is_401() {
    let f = fixture().await;
    let token = f.key.sign(&with(good_claims(), "nbf", json!(now() + 600)));
    assert_refused(&f, &token, "token not yet valid").await;
}

// requirement: 4.3
#[tokio::test]
async fn alg_none_is_401() {
    let f = fixture().await;
    let header = B64.encode(br#"{"alg":"none","typ":"at+jwt","kid":"k1"}"#);
    let body = B64.encode(good_claims().to_string());
    assert_refused(&f, &format!("{header}.{body}."), "malformed token").await;
}

// requirement: 4.3
#[tokio::test]
async fn token_signed_by_another_key_is_401() {
    let f = fixture().await;
    let impostor = TestKey::generate("k1");
    assert_refused(&f, &impostor.sign(&good_claims()), "bad signature").await;
}

#[tokio::test]
async fn token_of_another_tenant_is_401() {
    // mcp-auth refuses a principal outside the accepted tenants as an invalid token.
    let f = fixture_with(Some(&["tenant-a"])).await;
    let token_a = f.key.sign(&good_claims());
    assert_eq!(call_2026(&f.h, Some(&token_a), "whoami").await.0, 200);
    let token_b = f.key.sign(&with(good_claims(), "tid", json!("tenant-b")));
    assert_refused(&f, &token_b, "wrong tenant").await;
}

#[tokio::test]
async fn good_token_reaches_the_handler_as_its_principal_in_both_eras() {
    let mut f = fixture().await;
    let token = f.key.sign(&good_claims());
    let who = json!({
        "issuer": ISSUER, "subject": "alice", "tenant": "tenant-a", "client_id": "client-1",
    });
    let (status, _, body) = call_2026(&f.h, Some(&token), "whoami").await;
    assert_eq!(status, 200, "{body}");
    let text = body["result"]["content"][0]["text"].as_str().unwrap();
    assert_eq!(serde_json::from_str::<Value>(text).unwrap(), who);

    f.h.set_bearer(Some(&token));
    let session = f.h.initialize("2025-11-25", json!({})).await;
    let call = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call",
                      "params": {"name": "whoami", "arguments": {}}});
    let r = f.h.post_in(&session, &call).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    let text = body["result"]["content"][0]["text"].as_str().unwrap();
    assert_eq!(serde_json::from_str::<Value>(text).unwrap(), who);
}

// requirement: 4.7
#[tokio::test]
async fn missing_scope_is_403_naming_every_needed_scope_in_both_eras() {
    let mut f = fixture().await;
    let expected = format!(
        "Bearer error=\"insufficient_scope\", error_description=\"the token lacks a required scope\", scope=\"files:admin files:write\", resource_metadata=\"{METADATA}\""
    );
    // good_claims() holds mcp:read and files:read, not files:write nor files:admin.
    let token = f.key.sign(&good_claims());
    let (status, challenge, body) = call_2026(&f.h, Some(&token), "delete").await;
    assert_eq!((status, challenge.as_str()), (403, expected.as_str()));
    assert_eq!(body["error"]["data"]["error"], "insufficient_scope");

    f.h.set_bearer(Some(&token));
    let session = f.h.initialize("2025-11-25", json!({})).await;
    let call = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call",
                      "params": {"name": "delete", "arguments": {}}});
    let (status, challenge, _) = answer(f.h.post_in(&session, &call).send().await.unwrap()).await;
    assert_eq!((status, challenge.as_str()), (403, expected.as_str()));
    assert_eq!(f.deletes.load(Ordering::SeqCst), 0);

    let admin = f.key.sign(&with(
        good_claims(),
        "scope",
        json!("mcp:read files:write files:admin"),
    ));
    assert_eq!(call_2026(&f.h, Some(&admin), "delete").await.0, 200);
    assert_eq!(f.deletes.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_batch_with_one_unauthorized_member_is_refused_whole() {
    let mut f = fixture().await;
    let token = f.key.sign(&good_claims());
    f.h.set_bearer(Some(&token));
    let session = f.h.initialize("2025-03-26", json!({})).await;
    let call = |id: u64, tool: &str| {
        json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
               "params": {"name": tool, "arguments": {}}})
    };
    let batch = json!([call(1, "whoami"), call(2, "delete"), call(3, "whoami")]);
    let r =
        f.h.post()
            .header("mcp-session-id", &session)
            .body(batch.to_string())
            .send()
            .await
            .unwrap();
    let (status, challenge, _) = answer(r).await;
    assert_eq!(status, 403);
    assert!(
        challenge.contains("scope=\"files:admin files:write\""),
        "{challenge}"
    );
    assert_eq!(f.deletes.load(Ordering::SeqCst), 0);
}

// requirement: 4.1
#[tokio::test]
async fn metadata_is_served_at_the_well_known_paths_without_a_token() {
    let f = fixture().await;
    for path in [
        "/.well-known/oauth-protected-resource/mcp",
        "/.well-known/oauth-protected-resource",
    ] {
        let r =
            f.h.client
                .get(format!("{}{path}", f.h.base))
                .send()
                .await
                .unwrap();
        assert_eq!(r.status(), 200, "{path}");
        assert_eq!(r.headers()["content-type"], "application/json");
        let doc: Value = r.json().await.unwrap();
        assert_eq!(doc["resource"], RESOURCE);
        assert_eq!(doc["authorization_servers"], json!([ISSUER]));
        assert_eq!(doc["scopes_supported"], json!(["mcp:read"]));
    }
}

#[tokio::test]
async fn mounted_at_the_root_of_an_axum_router_it_serves_the_metadata_too() {
    let f = fixture().await;
    let rs = ResourceServer::builder(RESOURCE, Arc::new(jwt_verifier(ISSUER, &f.key)))
        .authorization_server(ISSUER)
        .build();
    let service =
        server(Arc::default()).http_service(HttpConfig::new().resource_server(Arc::new(rs)));
    let app = axum::Router::new().fallback_service(service);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let r =
        f.h.client
            .get(format!("{base}/.well-known/oauth-protected-resource/mcp"))
            .send()
            .await
            .unwrap();
    assert_eq!(r.status(), 200);
    let doc: Value = r.json().await.unwrap();
    assert_eq!(doc["resource"], RESOURCE);
    let r = f.h.client.post(format!("{base}/mcp")).send().await.unwrap();
    assert_eq!(r.status(), 401);
}

// requirement: 4.26
#[tokio::test]
async fn a_session_of_alice_is_404_for_bob() {
    let mut f = fixture().await;
    f.h.set_bearer(Some(&f.key.sign(&good_claims())));
    let session = f.h.initialize("2025-11-25", json!({})).await;
    let bob = f.key.sign(&with(good_claims(), "sub", json!("bob")));
    f.h.set_bearer(Some(&bob));
    let ping = json!({"jsonrpc": "2.0", "id": 5, "method": "ping"});
    let r = f.h.post_in(&session, &ping).send().await.unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(f.h.get(Some(&session), None).await.status(), 404);
}

// requirement: 4.26
#[tokio::test]
async fn the_same_subject_from_another_issuer_cannot_use_the_session() {
    let mut f = fixture().await;
    f.h.set_bearer(Some(&f.key.sign(&good_claims())));
    let session = f.h.initialize("2025-11-25", json!({})).await;
    let elsewhere = f
        .other_key
        .sign(&with(good_claims(), "iss", json!(OTHER_ISSUER)));
    // The other issuer's token is good on its own…
    assert_eq!(call_2026(&f.h, Some(&elsewhere), "whoami").await.0, 200);
    // …but "alice" there is not alice here.
    f.h.set_bearer(Some(&elsewhere));
    let ping = json!({"jsonrpc": "2.0", "id": 5, "method": "ping"});
    let r = f.h.post_in(&session, &ping).send().await.unwrap();
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn a_token_from_the_development_authorization_server_is_accepted() {
    let resource = "http://127.0.0.1/mcp";
    let dev = dev_server(resource).await;
    let client = DevClient::register(&dev, resource, "mcp:read").await;
    let (id, token) = (client.id.as_str(), client.access_token.as_str());

    let verifier = JwtVerifier::new(
        JwtConfig::new(dev.issuer(), resource),
        StaticJwks(dev.jwks()),
    )
    .unwrap();
    let rs = ResourceServer::builder(resource, Arc::new(verifier))
        .authorization_server(dev.issuer())
        .build();
    let config = HttpConfig::new()
        .resource_server(Arc::new(rs))
        .scope_policy(ScopePolicy::new().default_scopes(["mcp:read"]));
    let h = HttpHarness::start_with(server(Arc::default()), config).await;
    let (status, _, body) = call_2026(&h, Some(token), "whoami").await;
    assert_eq!(status, 200, "{body}");
    let text = body["result"]["content"][0]["text"].as_str().unwrap();
    let who: Value = serde_json::from_str(text).unwrap();
    assert_eq!(
        (&who["issuer"], &who["subject"]),
        (&json!(dev.issuer()), &json!(id))
    );
    dev.shutdown().await;
}
