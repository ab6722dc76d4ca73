//! Our resource-server side against a real, independent authorization server: oidc-provider
//! (npm) on 127.0.0.1, started per test by `oidc::OidcProvider` (skipped, saying so, when it is
//! not installed; `scripts/oidc-provider.sh` installs it and `.ci/run` always does).
//!
//! The flows are driven by hand here (DCR, authorization code with PKCE S256 and `resource`,
//! refresh, client credentials) so that what is tested is the tokens the AS issues and how
//! `JwtVerifier` judges them, not our client code.

mod oidc;

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use mcp_auth::{HttpJwks, JwtConfig, JwtVerifier, TokenError, TokenVerifier};
use oidc::OidcProvider;
use reqwest::redirect::Policy;
use reqwest::{StatusCode, Url};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const RESOURCE: &str = "http://127.0.0.1:3000/mcp";
const OTHER_RESOURCE: &str = "http://127.0.0.1:3001/mcp";
const REDIRECT: &str = "http://127.0.0.1:1/callback";

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .expect("client")
}

async fn post_json(url: &str, body: &Value) -> (StatusCode, Value) {
    let r = http()
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .expect("POST");
    let status = r.status();
    (
        status,
        serde_json::from_slice(&r.bytes().await.unwrap()).unwrap_or(Value::Null),
    )
}

async fn token(
    url: &str,
    basic: Option<(&str, &str)>,
    form: &[(&str, &str)],
) -> (StatusCode, Value) {
    let mut req = http().post(url).form(form);
    if let Some((id, secret)) = basic {
        req = req.basic_auth(id, Some(secret));
    }
    let r = req.send().await.expect("POST token");
    let status = r.status();
    (
        status,
        serde_json::from_slice(&r.bytes().await.unwrap()).unwrap_or(Value::Null),
    )
}

fn random(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).expect("random");
    B64.encode(bytes)
}

/// Our verifier for `resource`, fetching the AS's keys from its `jwks_uri` as a deployed
/// server would.
async fn verifier(provider: &OidcProvider, meta: &Value, resource: &str) -> JwtVerifier {
    let jwks = HttpJwks::new(reqwest::Client::new(), meta["jwks_uri"].as_str().unwrap());
    let mut config = JwtConfig::new(&provider.issuer, resource);
    config.tenant_claim = Some("tenant".into());
    JwtVerifier::new(config, jwks).expect("verifier")
}

/// Follows the authorization redirects with a cookie jar (the AS's non-interactive login
/// and consent) until the redirect URI is reached; returns its query. Bounded to 12 hops.
async fn authorize_headless(start: Url) -> BTreeMap<String, String> {
    let mut cookies: BTreeMap<String, String> = BTreeMap::new();
    let mut url = start;
    for _ in 0..12 {
        if url.as_str().starts_with(REDIRECT) {
            return url.query_pairs().into_owned().collect();
        }
        let header = cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let r = http()
            .get(url.clone())
            .header("cookie", header)
            .send()
            .await
            .expect("GET");
        for c in r.headers().get_all("set-cookie") {
            let pair = c.to_str().unwrap().split(';').next().unwrap();
            if let Some((k, v)) = pair.split_once('=') {
                cookies.insert(k.trim().into(), v.trim().into());
            }
        }
        assert!(r.status().is_redirection(), "{url}: {}", r.status());
        let location = r.headers()["location"].to_str().unwrap().to_owned();
        url = url.join(&location).expect("location");
    }
    panic!("more than 12 redirects");
}

#[tokio::test]
async fn client_credentials_tokens_from_oidc_provider_are_accepted_for_their_resource_only() {
    let Some(provider) = OidcProvider::start(
        "client_credentials_tokens_from_oidc_provider",
        &[RESOURCE, OTHER_RESOURCE],
        300,
    )
    .await
    else {
        return;
    };
    let meta = provider.metadata().await;
    assert_eq!(meta["issuer"], provider.issuer.as_str());
    let (status, client) = post_json(
        meta["registration_endpoint"].as_str().unwrap(),
        &json!({"grant_types": ["client_credentials"], "response_types": [], "redirect_uris": [],
            "token_endpoint_auth_method": "client_secret_basic"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{client}");
    let (id, secret) = (
        client["client_id"].as_str().unwrap(),
        client["client_secret"].as_str().unwrap(),
    );
    let token_url = meta["token_endpoint"].as_str().unwrap();
    let ours = verifier(&provider, &meta, RESOURCE).await;

    let (status, body) = token(
        token_url,
        Some((id, secret)),
        &[
            ("grant_type", "client_credentials"),
            ("scope", "mcp:read"),
            ("resource", RESOURCE),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let principal = ours
        .verify(body["access_token"].as_str().unwrap())
        .await
        .expect("a token for our resource is accepted");
    assert_eq!(principal.issuer, provider.issuer);
    assert_eq!(
        principal.subject, id,
        "client credentials: the subject is the client"
    );
    assert_eq!(principal.client_id.as_deref(), Some(id));
    assert!(principal.has_scope("mcp:read") && !principal.has_scope("mcp:write"));

    // The same client, a token for another MCP server: not ours.
    let (_, other) = token(
        token_url,
        Some((id, secret)),
        &[
            ("grant_type", "client_credentials"),
            ("scope", "mcp:read"),
            ("resource", OTHER_RESOURCE),
        ],
    )
    .await;
    assert_eq!(
        ours.verify(other["access_token"].as_str().unwrap()).await,
        Err(TokenError::WrongAudience)
    );
    // A resource the AS does not know is refused by the AS itself (RFC 8707 invalid_target).
    let (status, body) = token(
        token_url,
        Some((id, secret)),
        &[
            ("grant_type", "client_credentials"),
            ("resource", "http://127.0.0.1:9/evil"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_target");
    // A wrong secret gets no token.
    let (status, body) = token(
        token_url,
        Some((id, "not-the-secret")),
        &[("grant_type", "client_credentials"), ("resource", RESOURCE)],
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"], "invalid_client");
}

#[tokio::test]
async fn a_code_flow_with_pkce_and_resource_gives_a_token_our_verifier_accepts_and_refresh_rotates()
{
    let Some(provider) =
        OidcProvider::start("a_code_flow_with_pkce_and_resource", &[RESOURCE], 300).await
    else {
        return;
    };
    let meta = provider.metadata().await;
    assert_eq!(meta["code_challenge_methods_supported"], json!(["S256"]));
    assert_eq!(meta["authorization_response_iss_parameter_supported"], true);
    let (status, client) = post_json(
        meta["registration_endpoint"].as_str().unwrap(),
        &json!({"application_type": "native", "redirect_uris": [REDIRECT],
            "grant_types": ["authorization_code", "refresh_token"], "response_types": ["code"],
            "token_endpoint_auth_method": "none"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{client}");
    let id = client["client_id"].as_str().unwrap();

    let verifier_text = random(48);
    let challenge = B64.encode(Sha256::digest(verifier_text.as_bytes()));
    let state = random(16);
    let mut authorize = Url::parse(meta["authorization_endpoint"].as_str().unwrap()).unwrap();
    authorize
        .query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", id)
        .append_pair("redirect_uri", REDIRECT)
        .append_pair("scope", "mcp:read mcp:write")
        .append_pair("code_challenge", &challenge)
        .append_pair("code_challenge_method", "S256")
        .append_pair("state", &state)
        .append_pair("resource", RESOURCE)
        .append_pair("login_hint", "bob@globex");
    let callback = authorize_headless(authorize).await;
    assert_eq!(callback.get("state"), Some(&state));
    assert_eq!(
        callback.get("iss"),
        Some(&provider.issuer),
        "RFC 9207 iss on the redirect"
    );
    let code = &callback["code"];

    let token_url = meta["token_endpoint"].as_str().unwrap();
    let exchange = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT),
        ("client_id", id),
        ("code_verifier", verifier_text.as_str()),
        ("resource", RESOURCE),
    ];
    let (status, tokens) = token(token_url, None, &exchange).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    let ours = verifier(&provider, &meta, RESOURCE).await;
    let principal = ours
        .verify(tokens["access_token"].as_str().unwrap())
        .await
        .expect("accepted");
    assert_eq!(principal.subject, "bob@globex");
    assert_eq!(principal.tenant.as_deref(), Some("globex"));
    assert_eq!(principal.client_id.as_deref(), Some(id));
    assert!(principal.has_scope("mcp:read") && principal.has_scope("mcp:write"));

    // Refresh: a new access token (accepted too) and a rotated refresh token; the old one is
    // refused from then on.
    let old = tokens["refresh_token"].as_str().expect("a refresh token");
    let refresh = |rt| {
        [
            ("grant_type", "refresh_token"),
            ("refresh_token", rt),
            ("client_id", id),
            ("resource", RESOURCE),
        ]
    };
    let (status, renewed) = token(token_url, None, &refresh(old)).await;
    assert_eq!(status, StatusCode::OK, "{renewed}");
    let new = renewed["refresh_token"].as_str().expect("rotated");
    assert_ne!(new, old);
    assert_eq!(
        ours.verify(renewed["access_token"].as_str().unwrap())
            .await
            .expect("accepted")
            .subject,
        "bob@globex"
    );
    let (status, body) = token(token_url, None, &refresh(old)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );

    // The code is single-use (last: replaying it revokes what it gave, RFC 6749 §4.1.2).
    let (status, body) = token(token_url, None, &exchange).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
}

#[tokio::test]
async fn a_token_obtained_without_resource_is_not_a_jwt_for_us() {
    let Some(provider) =
        OidcProvider::start("a_token_obtained_without_resource", &[RESOURCE], 300).await
    else {
        return;
    };
    let meta = provider.metadata().await;
    let (_, client) = post_json(
        meta["registration_endpoint"].as_str().unwrap(),
        &json!({"grant_types": ["client_credentials"], "response_types": [], "redirect_uris": [],
            "token_endpoint_auth_method": "client_secret_basic"}),
    )
    .await;
    let (status, body) = token(
        meta["token_endpoint"].as_str().unwrap(),
        Some((
            client["client_id"].as_str().unwrap(),
            client["client_secret"].as_str().unwrap(),
        )),
        &[("grant_type", "client_credentials"), ("scope", "mcp:read")],
    )
    .await;
    // oidc-provider hands out an opaque token when no resource is named: a client that
    // forgets RFC 8707 gets nothing our server accepts.
    assert_eq!(status, StatusCode::OK, "{body}");
    let ours = verifier(&provider, &meta, RESOURCE).await;
    assert_eq!(
        ours.verify(body["access_token"].as_str().unwrap()).await,
        Err(TokenError::Malformed)
    );
}
