//! The OAuth client against the development authorization server, over real sockets.
#![cfg(all(feature = "client", feature = "dev-server"))]

#[path = "support/client_env.rs"]
mod client_env;

use std::sync::Arc;
use std::time::Duration;

use client_env::{REDIRECT, authorized, headless, json_route, site_with_dev_server, verify};
use mcp_auth::client::{
    AuthError, Authorizer, ClientCredentials, Grant, LoopbackRedirect, MemoryTokenStore, TokenKey,
    TokenStore, UrlPolicy,
};
use serde_json::json;

// requirement: 4.10, 4.12, 4.13
#[tokio::test]
async fn dcr_code_pkce_resource_through_well_known_fallback() {
    let (resource, server) = site_with_dev_server(|b| b, |r, _| r).await;
    let authorizer = headless(&resource).build().expect("authorizer");
    assert_eq!(authorizer.bearer().await, Ok(None));
    // No challenge: the path-aware well-known URI is found on its own.
    let token = authorizer
        .unauthorized(None, None)
        .await
        .expect("authorized");
    let principal = verify(&server, &resource, token.expose()).await;
    assert_eq!(principal.subject, "alice");
    // The scope came from the metadata's scopes_supported.
    assert!(principal.has_scope("tickets:read"));
    assert_eq!(authorizer.bearer().await, Ok(Some(token)));
}

// requirement: 4.10, 4.20
#[tokio::test]
async fn challenge_scope_and_resource_metadata_are_used() {
    let (resource, server) = site_with_dev_server(|b| b, |r, _| r).await;
    let authorizer = headless(&resource).build().expect("authorizer");
    let metadata = format!(
        "{}/.well-known/oauth-protected-resource/mcp",
        resource.trim_end_matches("/mcp")
    );
    let challenge = format!(r#"Bearer resource_metadata="{metadata}", scope="tickets:write""#);
    let token = authorizer
        .unauthorized(Some(&challenge), None)
        .await
        .expect("authorized");
    let principal = verify(&server, &resource, token.expose()).await;
    assert!(principal.has_scope("tickets:write"));
    assert!(!principal.has_scope("tickets:read"));
}

// requirement: 4.17
#[tokio::test]
async fn client_id_metadata_document_is_preferred_to_registration() {
    let (resource, server) = site_with_dev_server(
        |b| b.allow_loopback_cimd(true),
        |router, base| {
            let url = format!("{base}/client.json");
            json_route(
                router,
                "/client.json",
                json!({ "client_id": url, "client_name": "test client", "redirect_uris": [REDIRECT],
                        "grant_types": ["authorization_code", "refresh_token"],
                        "token_endpoint_auth_method": "none" }),
            )
        },
    )
    .await;
    let cimd = format!("{}/client.json", resource.trim_end_matches("/mcp"));
    let (_authorizer, token) =
        authorized(headless(&resource).client_metadata_document(&cimd)).await;
    let principal = verify(&server, &resource, token.expose()).await;
    assert_eq!(principal.client_id.as_deref(), Some(cimd.as_str()));
}

#[tokio::test]
async fn refresh_rotates_and_the_new_refresh_token_is_used() {
    let (resource, server) =
        site_with_dev_server(|b| b.access_token_ttl(Duration::from_secs(1)), |r, _| r).await;
    let store = Arc::new(MemoryTokenStore::default());
    let authorizer = headless(&resource)
        .token_store(store.clone())
        // Every token is "about to expire", so each bearer() refreshes.
        .refresh_margin(Duration::from_secs(3600))
        .build()
        .expect("authorizer");
    authorizer
        .unauthorized(None, None)
        .await
        .expect("authorized");
    let key = TokenKey {
        issuer: server.issuer().to_owned(),
        resource: resource.clone(),
    };
    let mut seen = vec![store.get(&key).expect("stored").refresh_token.expect("rt")];
    for _ in 0..3 {
        let token = authorizer.bearer().await.expect("refresh").expect("token");
        verify(&server, &resource, token.expose()).await;
        let rotated = store.get(&key).expect("stored").refresh_token.expect("rt");
        // Reusing an old refresh token would revoke the family and fail the next round.
        assert!(!seen.contains(&rotated));
        seen.push(rotated);
    }
}

#[tokio::test]
async fn client_credentials_with_basic_authentication() {
    let (resource, server) = site_with_dev_server(|b| b, |r, _| r).await;
    // Registered through DCR as a confidential client, then client_secret_basic.
    let authorizer = Authorizer::builder(&resource, Grant::ClientCredentials)
        .url_policy(UrlPolicy::allow_loopback())
        .build()
        .expect("authorizer");
    let token = authorizer.unauthorized(None, None).await.expect("token");
    let principal = verify(&server, &resource, token.expose()).await;
    assert_eq!(
        principal.client_id.as_deref(),
        Some(principal.subject.as_str())
    );

    // Pre-registered credentials for this issuer are used as they are; a wrong secret is refused.
    let wrong = Authorizer::builder(&resource, Grant::ClientCredentials)
        .url_policy(UrlPolicy::allow_loopback())
        .pre_registered(
            server.issuer(),
            ClientCredentials::confidential(principal.subject.clone(), "not-the-secret"),
        )
        .build()
        .expect("authorizer");
    assert!(matches!(
        wrong.unauthorized(None, None).await,
        Err(AuthError::TokenRefused { status: 401, ref error, .. }) if error.as_deref() == Some("invalid_client")
    ));
}

#[tokio::test]
async fn loopback_redirect_receives_the_code() {
    let (resource, server) = site_with_dev_server(|b| b, |r, _| r).await;
    // The "browser": follows the AS's redirect to the loopback listener.
    let browser = reqwest::Client::new();
    let redirect = LoopbackRedirect::bind(move |url| {
        let request = browser.get(url).send();
        tokio::spawn(async move {
            let _ = request.await;
        });
    })
    .await
    .expect("listener")
    .with_timeout(Duration::from_secs(20));
    let authorizer = Authorizer::builder(&resource, Grant::AuthorizationCode(Arc::new(redirect)))
        .url_policy(UrlPolicy::allow_loopback())
        .build()
        .expect("authorizer");
    let token = authorizer
        .unauthorized(None, None)
        .await
        .expect("authorized");
    verify(&server, &resource, token.expose()).await;
}

// requirement: 4.19
#[tokio::test]
async fn step_up_unions_scopes_and_stops_at_the_limit() {
    let (resource, server) = site_with_dev_server(|b| b, |r, _| r).await;
    // The test stands in for the user, who approves every step-up.
    let (authorizer, first) = authorized(headless(&resource).on_step_up(|_| async { true })).await;
    let forbidden = Some(r#"Bearer error="insufficient_scope", scope="tickets:write""#);
    let second = authorizer
        .forbidden(forbidden, Some(&first))
        .await
        .expect("step-up");
    let principal = verify(&server, &resource, second.expose()).await;
    assert!(principal.has_scope("tickets:read") && principal.has_scope("tickets:write"));
    // A request that still carried the first token gets the new one, with no new step-up.
    assert_eq!(
        authorizer.forbidden(forbidden, Some(&first)).await.as_ref(),
        Ok(&second)
    );
    let third = authorizer
        .forbidden(forbidden, Some(&second))
        .await
        .expect("second step-up");
    assert!(matches!(
        authorizer.forbidden(forbidden, Some(&third)).await,
        Err(AuthError::StepUpLimit { limit: 2, .. })
    ));
    // A request that went through resets the count.
    authorizer.request_succeeded();
    let fourth = authorizer
        .forbidden(forbidden, Some(&third))
        .await
        .expect("after reset");
    assert_eq!(
        authorizer
            .forbidden(Some(r#"Bearer error="invalid_token""#), Some(&fourth))
            .await,
        Err(AuthError::NotInsufficientScope)
    );
}

#[tokio::test]
async fn a_refused_refresh_forgets_the_tokens_and_authorizes_again() {
    let (resource, server) = site_with_dev_server(|b| b, |r, _| r).await;
    let store = Arc::new(MemoryTokenStore::default());
    let (authorizer, first) = authorized(headless(&resource).token_store(store.clone())).await;
    let key = TokenKey {
        issuer: server.issuer().to_owned(),
        resource: resource.clone(),
    };
    // An expired token whose refresh token the AS does not know.
    let mut stale = store.get(&key).expect("stored");
    stale.refresh_token = Some("unknown-refresh-token".into());
    stale.expires_at = Some(std::time::Instant::now());
    store.put(&key, stale);
    assert_eq!(authorizer.bearer().await, Ok(None));
    assert_eq!(store.get(&key), None);
    // The next 401 runs the whole flow again.
    let second = authorizer
        .unauthorized(None, Some(&first))
        .await
        .expect("authorized again");
    assert_ne!(second, first);
    verify(&server, &resource, second.expose()).await;
}

// requirement: 4.10
#[tokio::test]
async fn root_well_known_form_is_the_fallback() {
    let site = client_env::Site::bind().await;
    let resource = site.resource.clone();
    let server = client_env::dev_server(&resource)
        .bind("127.0.0.1:0")
        .await
        .expect("dev server");
    // Only the root form is served; the path-aware URI answers 404.
    site.serve(json_route(
        axum::Router::new(),
        "/.well-known/oauth-protected-resource",
        client_env::resource_metadata(&resource, server.issuer()),
    ));
    let (_authorizer, token) = authorized(headless(&resource)).await;
    verify(&server, &resource, token.expose()).await;
}

#[tokio::test]
async fn without_the_applications_consent_there_is_no_step_up() {
    let (resource, _server) = site_with_dev_server(|b| b, |r, _| r).await;
    let forbidden = Some(r#"Bearer error="insufficient_scope", scope="tickets:write""#);
    // No hook: refused at once, nothing asked of the authorization server.
    let (authorizer, first) = authorized(headless(&resource)).await;
    let refused = authorizer.forbidden(forbidden, Some(&first)).await;
    assert!(
        matches!(&refused, Err(AuthError::StepUpDeclined { scope, .. }) if scope == "tickets:read tickets:write"),
        "{refused:?}"
    );
    // A hook that says no: asked once with what the step-up would ask for, then refused.
    let asked = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = asked.clone();
    let builder = headless(&resource).on_step_up(move |step| {
        seen.lock().expect("lock").push(step.requested);
        async { false }
    });
    let (authorizer, first) = authorized(builder).await;
    let refused = authorizer.forbidden(forbidden, Some(&first)).await;
    assert!(
        matches!(refused, Err(AuthError::StepUpDeclined { .. })),
        "{refused:?}"
    );
    let asked = asked.lock().expect("lock").clone();
    assert_eq!(asked.len(), 1);
    assert!(asked[0].contains("tickets:write") && asked[0].contains("tickets:read"));
    // The token in hand is still the first one.
    assert_eq!(authorizer.bearer().await.expect("bearer"), Some(first));
}
