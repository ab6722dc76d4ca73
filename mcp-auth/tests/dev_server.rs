//! The development authorization server over real sockets, driven by a real HTTP client.
#![cfg(feature = "dev-server")]

#[path = "support/dev_http.rs"]
mod dev_http;

use std::collections::HashMap;

use dev_http::*;
use mcp_auth::TokenVerifier;
use mcp_auth::dev_server::DevAuthServer;
use serde_json::json;

#[tokio::test]
async fn metadata_documents_name_every_endpoint() {
    let server = server(false).await;
    for path in [
        "/.well-known/oauth-authorization-server",
        "/.well-known/openid-configuration",
    ] {
        let (status, meta) = json_of(
            http()
                .get(format!("{}{path}", server.issuer()))
                .send()
                .await
                .expect("get"),
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(meta["issuer"], server.issuer());
        assert_eq!(meta["token_endpoint"], format!("{}/token", server.issuer()));
        assert_eq!(meta["code_challenge_methods_supported"], json!(["S256"]));
        assert_eq!(meta["response_types_supported"], json!(["code"]));
        assert_eq!(meta["authorization_response_iss_parameter_supported"], true);
        assert_eq!(meta["client_id_metadata_document_supported"], true);
        assert_eq!(
            meta["scopes_supported"],
            json!(["tickets:read", "tickets:write"])
        );
    }
    let (_, jwks) = json_of(
        http()
            .get(format!("{}/jwks", server.issuer()))
            .send()
            .await
            .expect("jwks"),
    )
    .await;
    assert_eq!(jwks["keys"][0]["alg"], "ES256");
    assert_eq!(serde_json::to_value(server.jwks()).expect("jwks"), jwks);
    server.shutdown().await;
}

#[tokio::test]
async fn code_flow_with_pkce_gives_a_jwt_for_that_resource_only() {
    let server = server(false).await;
    let client_id = public_client(&server).await;
    let code = get_code(&server, &client_id).await;
    let (status, body) = exchange(&server, &client_id, &code, VERIFIER).await;
    assert_eq!(status, 200, "{body}");
    let access = body["access_token"].as_str().expect("access_token");
    let principal = verifier_for(&server, RESOURCE)
        .verify(access)
        .await
        .expect("valid token");
    assert_eq!(principal.subject, "alice");
    assert_eq!(principal.tenant.as_deref(), Some("acme"));
    assert_eq!(principal.client_id.as_deref(), Some(client_id.as_str()));
    assert!(principal.has_scope("tickets:read") && !principal.has_scope("tickets:write"));
    let header = jsonwebtoken::decode_header(access).expect("header");
    assert_eq!(header.typ.as_deref(), Some("at+jwt"));
    verifier_for(&server, "http://127.0.0.1:3001/other")
        .verify(access)
        .await
        .expect_err("other audience");
    // Code replay is refused.
    let (status, body) = exchange(&server, &client_id, &code, VERIFIER).await;
    assert_error(status, &body, 400, "invalid_grant");
    server.shutdown().await;
}

#[tokio::test]
async fn login_hint_picks_the_user() {
    let server = server(false).await;
    let client_id = public_client(&server).await;
    let ch = challenge(VERIFIER);
    let mut params = code_params(&client_id, &ch);
    params.push(("login_hint", "bob"));
    let (_, query) = authorize(&server, &params).await;
    let (_, body) = exchange(&server, &client_id, &query["code"], VERIFIER).await;
    let principal = verifier_for(&server, RESOURCE)
        .verify(body["access_token"].as_str().expect("token"))
        .await
        .expect("valid");
    assert_eq!(
        (principal.subject.as_str(), principal.tenant.as_deref()),
        ("bob", Some("globex"))
    );
    server.shutdown().await;
}

#[tokio::test]
async fn pkce_missing_plain_or_wrong_is_refused() {
    let server = server(false).await;
    let client_id = public_client(&server).await;
    let ch = challenge(VERIFIER);
    let missing: Vec<_> = code_params(&client_id, &ch)
        .into_iter()
        .filter(|(k, _)| !k.starts_with("code_"))
        .collect();
    let (status, query) = authorize(&server, &missing).await;
    assert_eq!((status, query["error"].as_str()), (302, "invalid_request"));
    assert_eq!(query["iss"], server.issuer());
    assert_eq!(query["state"], "xyz");
    let plain = replaced(
        code_params(&client_id, VERIFIER),
        "code_challenge_method",
        "plain",
    );
    let (status, query) = authorize(&server, &plain).await;
    assert_eq!((status, query["error"].as_str()), (302, "invalid_request"));
    assert!(!query.contains_key("code"));
    let code = get_code(&server, &client_id).await;
    let wrong = "x".repeat(50);
    let (status, body) = exchange(&server, &client_id, &code, &wrong).await;
    assert_error(status, &body, 400, "invalid_grant");
    server.shutdown().await;
}

#[tokio::test]
async fn wrong_redirect_uri_is_refused_without_redirecting() {
    let server = server(false).await;
    let client_id = public_client(&server).await;
    let ch = challenge(VERIFIER);
    let params = replaced(
        code_params(&client_id, &ch),
        "redirect_uri",
        "http://127.0.0.1:4000/evil",
    );
    let (status, query) = authorize(&server, &params).await;
    assert_eq!((status, query.len()), (400, 0));
    let unknown = code_params("no-such-client", &ch);
    assert_eq!(authorize(&server, &unknown).await.0, 400);
    // At the token endpoint, a redirect_uri other than the authorization request's.
    let code = get_code(&server, &client_id).await;
    let (status, body) = token(
        &server,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", &client_id),
            ("code", &code),
            ("redirect_uri", "http://127.0.0.1:4000/other"),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_error(status, &body, 400, "invalid_grant");
    server.shutdown().await;
}

#[tokio::test]
async fn unknown_resource_is_invalid_target_and_bad_scope_invalid_scope() {
    let server = server(false).await;
    let client_id = public_client(&server).await;
    let ch = challenge(VERIFIER);
    let params = replaced(
        code_params(&client_id, &ch),
        "resource",
        "http://127.0.0.1:9/nope",
    );
    let (status, query) = authorize(&server, &params).await;
    assert_eq!(
        (status, query["error"].as_str(), query["iss"].as_str()),
        (302, "invalid_target", server.issuer())
    );
    let params: Vec<_> = code_params(&client_id, &ch)
        .into_iter()
        .filter(|(k, _)| *k != "resource")
        .collect();
    assert_eq!(
        authorize(&server, &params).await.1["error"],
        "invalid_target"
    );
    let params: Vec<_> = code_params(&client_id, &ch)
        .into_iter()
        .map(|(k, v)| if k == "scope" { (k, "admin") } else { (k, v) })
        .collect();
    assert_eq!(
        authorize(&server, &params).await.1["error"],
        "invalid_scope"
    );
    server.shutdown().await;
}

// requirement: 4.28
#[tokio::test]
async fn refresh_tokens_rotate_and_reuse_revokes_the_family() {
    let server = server(false).await;
    let client_id = public_client(&server).await;
    let code = get_code(&server, &client_id).await;
    let (_, first) = exchange(&server, &client_id, &code, VERIFIER).await;
    let r1 = first["refresh_token"].as_str().expect("refresh").to_owned();
    let refresh = |t: String| {
        let (server, client_id) = (&server, client_id.clone());
        async move {
            token(
                server,
                &[
                    ("grant_type", "refresh_token"),
                    ("client_id", &client_id),
                    ("refresh_token", &t),
                ],
            )
            .await
        }
    };
    let (status, second) = refresh(r1.clone()).await;
    assert_eq!(status, 200, "{second}");
    let r2 = second["refresh_token"]
        .as_str()
        .expect("rotated")
        .to_owned();
    assert_ne!(r1, r2);
    verifier_for(&server, RESOURCE)
        .verify(second["access_token"].as_str().expect("access"))
        .await
        .expect("refreshed token valid");
    let (status, body) = refresh(r1).await;
    assert_error(status, &body, 400, "invalid_grant");
    // The reuse revoked the family: the newest token is refused too.
    let (status, body) = refresh(r2).await;
    assert_error(status, &body, 400, "invalid_grant");
    server.shutdown().await;
}

#[tokio::test]
async fn client_credentials_for_confidential_clients_and_introspection() {
    let server = server(false).await;
    let (status, reg) = register(
        &server,
        json!({ "grant_types": ["client_credentials"], "token_endpoint_auth_method": "client_secret_basic" }),
    )
    .await;
    assert_eq!(status, 201, "{reg}");
    let (id, secret) = (
        reg["client_id"].as_str().expect("id"),
        reg["client_secret"].as_str().expect("secret"),
    );
    let response = http()
        .post(format!("{}/token", server.issuer()))
        .basic_auth(id, Some(secret))
        .form(&[
            ("grant_type", "client_credentials"),
            ("resource", RESOURCE),
            ("scope", "tickets:write"),
        ])
        .send()
        .await
        .expect("token");
    let (status, body) = json_of(response).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("refresh_token").is_none());
    let access = body["access_token"].as_str().expect("access");
    let principal = verifier_for(&server, RESOURCE)
        .verify(access)
        .await
        .expect("valid");
    assert_eq!(principal.subject, id);
    let response = http()
        .post(format!("{}/token", server.issuer()))
        .basic_auth(id, Some("wrong"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .expect("token");
    assert_eq!(
        json_of(response).await,
        (
            401,
            json!({"error": "invalid_client", "error_description": "client authentication failed"})
        )
    );
    // A public client may not use client_credentials.
    let public = public_client(&server).await;
    let (status, body) = token(
        &server,
        &[("grant_type", "client_credentials"), ("client_id", &public)],
    )
    .await;
    assert_error(status, &body, 400, "unauthorized_client");
    // Introspection, authenticated as the confidential client.
    let introspect = |token: &str| {
        http()
            .post(format!("{}/introspect", server.issuer()))
            .basic_auth(id, Some(secret))
            .form(&[("token", token.to_owned())])
            .send()
    };
    let (status, info) = json_of(introspect(access).await.expect("introspect")).await;
    assert_eq!(
        (status, &info["active"], &info["aud"]),
        (200, &json!(true), &json!(RESOURCE))
    );
    assert_eq!(
        json_of(introspect("nope").await.expect("introspect"))
            .await
            .1,
        json!({"active": false})
    );
    let (status, _) = json_of(
        http()
            .post(format!("{}/introspect", server.issuer()))
            .form(&[("token", access), ("client_id", &public)])
            .send()
            .await
            .expect("post"),
    )
    .await;
    assert_eq!(status, 401);
    server.shutdown().await;
}

#[tokio::test]
async fn registration_validates_client_metadata() {
    let server = server(false).await;
    let cases = [
        (
            json!({ "redirect_uris": ["http://example.com/cb"] }),
            "invalid_redirect_uri",
        ),
        (
            json!({ "redirect_uris": ["https://app.example/cb#frag"] }),
            "invalid_redirect_uri",
        ),
        (
            json!({ "redirect_uris": "https://app.example/cb" }),
            "invalid_redirect_uri",
        ),
        (json!({}), "invalid_redirect_uri"),
        (
            json!({ "redirect_uris": [REDIRECT], "application_type": "tv" }),
            "invalid_client_metadata",
        ),
        (
            json!({ "redirect_uris": [REDIRECT], "grant_types": ["password"] }),
            "invalid_client_metadata",
        ),
        (
            json!({ "redirect_uris": [REDIRECT], "token_endpoint_auth_method": "private_key_jwt" }),
            "invalid_client_metadata",
        ),
        (
            json!({ "grant_types": ["client_credentials"], "token_endpoint_auth_method": "none" }),
            "invalid_client_metadata",
        ),
    ];
    for (metadata, error) in cases {
        let (status, body) = register(&server, metadata.clone()).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (400, Some(error)),
            "{metadata}"
        );
    }
    let (status, body) = register(
        &server,
        json!({ "redirect_uris": ["https://app.example/cb", "http://localhost:8080/cb"], "application_type": "native",
                "token_endpoint_auth_method": "client_secret_post" }),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["token_endpoint_auth_method"], "client_secret_post");
    assert!(body["client_secret"].is_string());
    server.shutdown().await;
}

#[tokio::test]
async fn client_id_metadata_documents_are_fetched_and_checked() {
    let server = server(true).await;
    let good = document_server(
        |url| json!({ "client_id": url, "redirect_uris": [REDIRECT], "client_name": "t" }),
    )
    .await;
    let code = get_code(&server, &good).await;
    let (status, body) = exchange(&server, &good, &code, VERIFIER).await;
    assert_eq!(status, 200, "{body}");
    let mismatch = document_server(
        |_| json!({ "client_id": "https://elsewhere.example/c.json", "redirect_uris": [REDIRECT] }),
    )
    .await;
    let ch = challenge(VERIFIER);
    assert_eq!(
        authorize(&server, &code_params(&mismatch, &ch)).await,
        (400, HashMap::new())
    );
    let other_redirect = document_server(
        |url| json!({ "client_id": url, "redirect_uris": ["http://127.0.0.1:5/x"] }),
    )
    .await;
    assert_eq!(
        authorize(&server, &code_params(&other_redirect, &ch))
            .await
            .0,
        400
    );
    server.shutdown().await;
    // Without allow_loopback_cimd an http URL is just an unknown client.
    let strict = server_strict().await;
    assert_eq!(authorize(&strict, &code_params(&good, &ch)).await.0, 400);
    strict.shutdown().await;
}

async fn server_strict() -> DevAuthServer {
    server(false).await
}
