//! The development authorization server's bounds, over real sockets: authorization codes
//! expire, client ID metadata documents are cached for a while in a bounded cache, and their
//! fetch is capped in size and time.
#![cfg(feature = "dev-server")]

#[path = "support/dev_http.rs"]
mod dev_http;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use dev_http::{
    REDIRECT, VERIFIER, assert_error, authorize, challenge, code_params, counted_document_server,
    document_listener, document_server, exchange, get_code, public_client, server_with,
};
use mcp_auth::dev_server::DevAuthServer;
use serde_json::json;

/// A valid client ID metadata document on loopback, and how often it was fetched.
async fn counting_document() -> (String, Arc<AtomicUsize>) {
    counted_document_server(
        |url| json!({ "client_id": url, "redirect_uris": [REDIRECT], "client_name": "t" }),
    )
    .await
}

/// The server accepting loopback documents, caching `capacity` of them for `ttl`.
async fn caching_server(capacity: usize, ttl: Duration) -> DevAuthServer {
    server_with(|b| b.allow_loopback_cimd(true).cimd_cache(capacity, ttl)).await
}

#[tokio::test]
async fn expired_authorization_codes_are_refused() {
    let server = server_with(|b| b.code_ttl(Duration::ZERO)).await;
    let client = public_client(&server).await;
    let code = get_code(&server, &client).await;
    let (status, body) = exchange(&server, &client, &code, VERIFIER).await;
    assert_error(status, &body, 400, "invalid_grant");
    server.shutdown().await;
}

#[tokio::test]
async fn metadata_documents_are_cached_until_they_expire() {
    let cached = caching_server(8, Duration::from_secs(3600)).await;
    let (url, fetches) = counting_document().await;
    get_code(&cached, &url).await;
    get_code(&cached, &url).await;
    assert_eq!(fetches.load(Ordering::SeqCst), 1);
    cached.shutdown().await;

    let expiring = caching_server(8, Duration::ZERO).await;
    let (url, fetches) = counting_document().await;
    get_code(&expiring, &url).await;
    get_code(&expiring, &url).await;
    assert_eq!(fetches.load(Ordering::SeqCst), 2);
    expiring.shutdown().await;
}

#[tokio::test]
async fn the_metadata_document_cache_is_bounded() {
    let server = caching_server(1, Duration::from_secs(3600)).await;
    let (a, a_fetches) = counting_document().await;
    let (b, b_fetches) = counting_document().await;
    get_code(&server, &a).await;
    get_code(&server, &b).await;
    // B took A's place: A is fetched again, B is still cached.
    get_code(&server, &a).await;
    get_code(&server, &a).await;
    assert_eq!(a_fetches.load(Ordering::SeqCst), 2);
    assert_eq!(b_fetches.load(Ordering::SeqCst), 1);
    server.shutdown().await;
}

#[tokio::test]
async fn oversized_metadata_documents_are_refused() {
    let server = server_with(|b| b.allow_loopback_cimd(true)).await;
    let padding = "x".repeat(70 * 1024);
    let url = document_server(
        move |url| json!({ "client_id": url, "redirect_uris": [REDIRECT], "client_name": padding }),
    )
    .await;
    let ch = challenge(VERIFIER);
    assert_eq!(authorize(&server, &code_params(&url, &ch)).await.0, 400);
    server.shutdown().await;
}

#[tokio::test]
async fn a_stalled_metadata_document_fetch_times_out() {
    let server = server_with(|b| {
        b.allow_loopback_cimd(true)
            .cimd_fetch_timeout(Duration::from_millis(200))
    })
    .await;
    // Accepts connections and never answers.
    let (listener, url) = document_listener().await;
    let held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            open.push(socket);
        }
    });
    let ch = challenge(VERIFIER);
    let answer = tokio::time::timeout(
        Duration::from_secs(20),
        authorize(&server, &code_params(&url, &ch)),
    )
    .await
    .expect("the server answers despite the stalled document host");
    assert_eq!(answer.0, 400);
    held.abort();
    server.shutdown().await;
}

#[tokio::test]
async fn registrations_are_bounded_and_never_push_out_a_client_mid_flow() {
    let server = server_with(|b| b.max_clients(2)).await;
    let in_flow = public_client(&server).await;
    let idle = public_client(&server).await;
    // `in_flow` holds a live authorization code; `idle` holds nothing.
    let code = get_code(&server, &in_flow).await;
    let newest = public_client(&server).await;
    // The oldest idle registration went, not the older one in the middle of its flow.
    let ch = challenge(VERIFIER);
    let (status, _) = authorize(&server, &code_params(&idle, &ch)).await;
    assert_eq!(status, 400, "the pushed-out client is unknown now");
    let (status, body) = exchange(&server, &in_flow, &code, VERIFIER).await;
    assert_eq!(status, 200, "{body}");
    get_code(&server, &newest).await;
    server.shutdown().await;
}

#[tokio::test]
async fn a_full_registry_of_clients_mid_flow_refuses_new_registrations() {
    let server = server_with(|b| b.max_clients(1)).await;
    let client = public_client(&server).await;
    let code = get_code(&server, &client).await;
    let (status, body) = dev_http::register(
        &server,
        json!({ "redirect_uris": [REDIRECT], "token_endpoint_auth_method": "none" }),
    )
    .await;
    assert_error(status, &body, 503, "temporarily_unavailable");
    // The client in the middle of its flow finishes it.
    let (status, body) = exchange(&server, &client, &code, VERIFIER).await;
    assert_eq!(status, 200, "{body}");
    server.shutdown().await;
}
