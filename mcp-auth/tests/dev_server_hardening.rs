//! Issue 16, the development authorization server hardened (auth-blackbox.md E6, E7 and the
//! observations on refresh and code replay), over real sockets on 127.0.0.1.
#![cfg(feature = "dev-server")]

#[path = "support/dev_http.rs"]
mod dev_http;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use dev_http::*;
use serde_json::{Value, json};

/// GET /authorize for the client `client_id`: status and page text.
async fn authorize_page(
    server: &mcp_auth::dev_server::DevAuthServer,
    client_id: &str,
) -> (u16, String) {
    let ch = challenge(VERIFIER);
    let response = http()
        .get(format!("{}/authorize", server.issuer()))
        .query(&code_params(client_id, &ch))
        .send()
        .await
        .expect("authorize");
    let status = response.status().as_u16();
    (status, response.text().await.expect("page"))
}

/// E7: a client ID metadata document URL naming a loopback or private address is refused
/// before any connection. A listener on 127.0.0.1 counts connections: none arrives. The
/// private and link-local targets are IP literals judged before connecting, so no packet
/// leaves for them either (the refusal names the SSRF guard).
#[tokio::test]
async fn metadata_documents_at_loopback_or_private_addresses_are_never_fetched() {
    let server = server(false).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = accepted.clone();
    let watch = tokio::spawn(async move {
        while listener.accept().await.is_ok() {
            counter.fetch_add(1, Ordering::SeqCst);
        }
    });
    let loopback = format!("https://127.0.0.1:{port}/meta/c.json");
    let targets = [
        loopback.as_str(),
        "https://localhost:1/c.json",
        "https://10.0.0.1/c.json",
        "https://192.168.1.1/c.json",
        "https://169.254.169.254/latest/meta-data",
        "https://[fd00::1]/c.json",
        "https://[::1]/c.json",
    ];
    for target in targets {
        let (status, page) = authorize_page(&server, target).await;
        assert_eq!(status, 400, "{target}: {page}");
        assert!(
            page.contains("client metadata URL refused"),
            "{target} was not refused by the guard: {page}"
        );
    }
    // Give a connection that should not exist time to be seen.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(
        accepted.load(Ordering::SeqCst),
        0,
        "the AS connected to loopback"
    );
    watch.abort();
    server.shutdown().await;
}

/// E6: registration metadata is bounded: body size, number of redirect URIs, length of each
/// string; each excess is 400 `invalid_client_metadata`, and nothing is stored.
#[tokio::test]
async fn oversized_registration_metadata_is_refused() {
    let server = server(false).await;
    let base = |extra: Value| {
        let mut meta = json!({"redirect_uris": [REDIRECT], "token_endpoint_auth_method": "none"});
        for (k, v) in extra.as_object().expect("object") {
            meta[k] = v.clone();
        }
        meta
    };
    let long_name = "n".repeat(300);
    let many: Vec<String> = (0..17)
        .map(|i| format!("http://127.0.0.1:{}/cb", 4000 + i))
        .collect();
    let long_uri = format!("http://127.0.0.1:4000/{}", "u".repeat(2100));
    let cases = [
        (
            "client_name",
            base(json!({"client_name": long_name})),
            "client_name is longer than 256 bytes",
        ),
        (
            "redirect_uris",
            base(json!({"redirect_uris": many})),
            "more than 16 redirect_uris",
        ),
        (
            "a long URI",
            base(json!({"redirect_uris": [long_uri]})),
            "redirect_uris is longer than 2048 bytes",
        ),
        // Over the 16 KiB body cap (100 kB, not the report's 2 MB: the answer comes before
        // the upload ends, and a small body stays within the socket buffers).
        (
            "100 kB body",
            base(json!({"client_name": "x".repeat(100_000)})),
            "larger than 16384 bytes",
        ),
    ];
    for (what, meta, why) in cases {
        let (status, body) = register(&server, meta).await;
        assert_error(status, &body, 400, "invalid_client_metadata");
        assert!(
            body["error_description"]
                .as_str()
                .is_some_and(|d| d.contains(why)),
            "{what}: {body}"
        );
    }
    // Within bounds it still registers.
    let (status, body) = register(&server, base(json!({"client_name": "ok"}))).await;
    assert_eq!(status, 201, "{body}");
    server.shutdown().await;
}

/// A refused refresh (another resource, a wider scope) leaves the refresh token good: the
/// corrected retry succeeds, and the family is not revoked.
#[tokio::test]
async fn a_refused_refresh_does_not_spend_the_token() {
    let server = server(false).await;
    let client_id = public_client(&server).await;
    let code = get_code(&server, &client_id).await;
    let (_, first) = exchange(&server, &client_id, &code, VERIFIER).await;
    let r1 = first["refresh_token"].as_str().expect("refresh").to_owned();
    let refresh = |extra: Vec<(&'static str, &'static str)>| {
        let (server, client_id, r1) = (&server, client_id.clone(), r1.clone());
        async move {
            let mut form = vec![
                ("grant_type", "refresh_token"),
                ("client_id", client_id.as_str()),
                ("refresh_token", r1.as_str()),
            ];
            form.extend(extra);
            token(server, &form).await
        }
    };
    let (status, body) = refresh(vec![("resource", "http://127.0.0.1:3001/mcp")]).await;
    assert_error(status, &body, 400, "invalid_target");
    let (status, body) = refresh(vec![("scope", "tickets:read tickets:write")]).await;
    assert_error(status, &body, 400, "invalid_scope");
    let (status, body) = refresh(vec![]).await;
    assert_eq!(status, 200, "the corrected retry was refused: {body}");
    let r2 = body["refresh_token"].as_str().expect("rotated").to_owned();
    // Rotation still works: r2 is good, r1 is now used.
    let (status, _) = token(
        &server,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", &client_id),
            ("refresh_token", &r2),
        ],
    )
    .await;
    assert_eq!(status, 200);
    server.shutdown().await;
}

/// E3: a code presented a second time revokes what it gave the first time: the refresh
/// token is refused and the access token is no longer active at introspection.
#[tokio::test]
async fn a_replayed_code_revokes_its_tokens() {
    let server = server(false).await;
    let client_id = public_client(&server).await;
    let code = get_code(&server, &client_id).await;
    let (status, first) = exchange(&server, &client_id, &code, VERIFIER).await;
    assert_eq!(status, 200, "{first}");
    let (status, body) = exchange(&server, &client_id, &code, VERIFIER).await;
    assert_error(status, &body, 400, "invalid_grant");
    let refresh = first["refresh_token"].as_str().expect("refresh");
    let (status, body) = token(
        &server,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", &client_id),
            ("refresh_token", refresh),
        ],
    )
    .await;
    assert_error(status, &body, 400, "invalid_grant");
    // Introspection (a confidential client) says the access token is no longer active.
    let (status, reg) = register(
        &server,
        json!({"grant_types": ["client_credentials"], "token_endpoint_auth_method": "client_secret_post"}),
    )
    .await;
    assert_eq!(status, 201, "{reg}");
    let response = http()
        .post(format!("{}/introspect", server.issuer()))
        .form(&[
            ("client_id", reg["client_id"].as_str().expect("id")),
            (
                "client_secret",
                reg["client_secret"].as_str().expect("secret"),
            ),
            ("token", first["access_token"].as_str().expect("access")),
        ])
        .send()
        .await
        .expect("introspect");
    let (status, body) = json_of(response).await;
    assert_eq!((status, &body["active"]), (200, &json!(false)), "{body}");
    server.shutdown().await;
}

/// Least privilege: with default scopes configured, a request naming no scope gets them
/// alone; tokens carry `auth_time`, kept across refresh; the metadata advertises no
/// ID-token signing (no ID tokens are issued).
#[tokio::test]
async fn no_scope_asked_gets_the_default_scope_and_tokens_carry_auth_time() {
    let server = server_with(|b| b.default_scopes(["tickets:read"])).await;
    let client_id = public_client(&server).await;
    let ch = challenge(VERIFIER);
    let params: Vec<_> = code_params(&client_id, &ch)
        .into_iter()
        .filter(|(k, _)| *k != "scope")
        .collect();
    let (status, query) = authorize(&server, &params).await;
    assert_eq!(status, 302);
    let (status, body) = exchange(&server, &client_id, &query["code"], VERIFIER).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["scope"], "tickets:read");
    let claims = |token: &str| -> Value {
        use base64::Engine as _;
        let payload = token.split('.').nth(1).expect("payload");
        serde_json::from_slice(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(payload)
                .expect("b64"),
        )
        .expect("json")
    };
    let first = claims(body["access_token"].as_str().expect("access"));
    let auth_time = first["auth_time"].as_u64().expect("auth_time");
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let (status, refreshed) = token(
        &server,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", &client_id),
            (
                "refresh_token",
                body["refresh_token"].as_str().expect("refresh"),
            ),
        ],
    )
    .await;
    assert_eq!(status, 200, "{refreshed}");
    let second = claims(refreshed["access_token"].as_str().expect("access"));
    assert_eq!(second["auth_time"].as_u64(), Some(auth_time), "{second}");
    assert!(second["iat"].as_u64() > first["iat"].as_u64());
    let (_, meta) = json_of(
        http()
            .get(format!(
                "{}/.well-known/oauth-authorization-server",
                server.issuer()
            ))
            .send()
            .await
            .expect("metadata"),
    )
    .await;
    assert!(
        meta.get("id_token_signing_alg_values_supported").is_none(),
        "{meta}"
    );
    server.shutdown().await;
}

/// E4: a code issued to one client and redeemed by another is `invalid_grant`, and it is
/// spent: its own client cannot redeem it afterwards either.
#[tokio::test]
async fn a_code_redeemed_by_another_client_is_refused_and_spent() {
    let server = server(false).await;
    let a = public_client(&server).await;
    let b = public_client(&server).await;
    let code = get_code(&server, &a).await;
    let (status, body) = exchange(&server, &b, &code, VERIFIER).await;
    assert_error(status, &body, 400, "invalid_grant");
    assert_eq!(
        body["error_description"],
        "code expired or issued to another client"
    );
    let (status, body) = exchange(&server, &a, &code, VERIFIER).await;
    assert_error(status, &body, 400, "invalid_grant");
    server.shutdown().await;
}
