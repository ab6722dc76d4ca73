//! Tokens the development AS never mints, from an issuer of the test's own (its RFC 8414
//! metadata and JWKS served on 127.0.0.1, its key signing whatever the test asks):
//! several audiences (auth.md A5) and a `crit` header (RFC 7515 §4.1.11).

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use super::keys::{TestKey, now};
use super::support::TicketsServer;

/// An issuer at `http://127.0.0.1:PORT` serving its metadata and the public key of `key`
/// until the test ends. Each connection is one request (`Connection: close`).
pub(crate) async fn serve_issuer(key: &TestKey) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let issuer = format!("http://{}", listener.local_addr().expect("addr"));
    let metadata = json!({
        "issuer": issuer, "jwks_uri": format!("{issuer}/jwks"),
        "authorization_endpoint": format!("{issuer}/authorize"),
        "token_endpoint": format!("{issuer}/token"),
        "response_types_supported": ["code"],
    })
    .to_string();
    let jwks = json!({"keys": [key.jwk]}).to_string();
    tokio::spawn(async move {
        // Bounded: the test makes a handful of requests.
        for _ in 0..64 {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            let mut head = vec![0u8; 4096];
            let n = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut head))
                .await
                .ok()
                .and_then(Result::ok)
                .unwrap_or(0);
            let request = String::from_utf8_lossy(&head[..n]);
            let path = request.split_whitespace().nth(1).unwrap_or("/");
            let body = if path.ends_with("/jwks") {
                &jwks
            } else if path.contains("/.well-known/oauth-authorization-server") {
                &metadata
            } else {
                ""
            };
            let status = if body.is_empty() {
                "404 Not Found"
            } else {
                "200 OK"
            };
            let response = format!(
                "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
                 connection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(response.as_bytes()).await;
        }
    });
    issuer
}

/// Claims of a read-only token for alice of acme at `resource` from `issuer`, with `aud`.
fn claims(issuer: &str, aud: Value) -> Value {
    let now = now();
    json!({
        "iss": issuer, "sub": "alice", "aud": aud, "exp": now + 300, "iat": now,
        "tenant": "acme", "scope": "tickets:read", "client_id": "test-client",
    })
}

/// `claims` signed by `key` under the protected header `header` (ES256).
fn sign_with_header(key: &TestKey, header: &Value, claims: &Value) -> String {
    let message = format!(
        "{}.{}",
        B64.encode(header.to_string()),
        B64.encode(claims.to_string())
    );
    let signature = jsonwebtoken::crypto::sign(
        message.as_bytes(),
        &key.encoding,
        mcp_auth::Algorithm::ES256,
    )
    .expect("sign");
    format!("{message}.{signature}")
}

/// A `searchTickets` call with `token`: the status and the `WWW-Authenticate` value.
async fn search(server: &TicketsServer, token: &str) -> (u16, Option<String>) {
    let (status, headers) = server
        .raw_tool_call(token, "searchTickets", json!({}))
        .await;
    let challenge = headers
        .get("www-authenticate")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (status, challenge)
}

fn invalid_token(server: &TicketsServer, description: &str) -> String {
    let (base, path) = server.url.split_at(server.url.find("/mcp").expect("/mcp"));
    format!(
        "Bearer error=\"invalid_token\", error_description=\"{description}\", \
         scope=\"tickets:read\", resource_metadata=\"{base}/.well-known/oauth-protected-resource{path}\""
    )
}

/// Item 3: `aud` must be this resource alone (auth.md A5): a token for this server and
/// another is refused, so neither can replay it at the other; this server alone, as a
/// string or an array of one, is accepted.
// requirement: 4.4
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_for_two_audiences_is_refused() {
    let key = TestKey::generate("k1");
    let issuer = serve_issuer(&key).await;
    let server = TicketsServer::start_with_issuer("127.0.0.1:0", &issuer).await;
    let us = server.url.clone();
    let other = "http://127.0.0.1:3001/mcp";
    let two = key.sign(&claims(&issuer, json!([us, other])));
    assert_eq!(
        search(&server, &two).await,
        (401, Some(invalid_token(&server, "wrong audience")))
    );
    for aud in [json!(us), json!([us])] {
        let one = key.sign(&claims(&issuer, aud.clone()));
        assert_eq!(search(&server, &one).await, (200, None), "aud {aud}");
    }
}

/// Item 3: a validly signed token whose header has `crit` naming an extension is refused
/// (RFC 7515 §4.1.11); the same header without `crit` is accepted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crit_header_is_refused() {
    let key = TestKey::generate("k1");
    let issuer = serve_issuer(&key).await;
    let server = TicketsServer::start_with_issuer("127.0.0.1:0", &issuer).await;
    let body = claims(&issuer, json!(server.url));
    let plain = json!({"alg": "ES256", "kid": "k1", "typ": "at+jwt"});
    assert_eq!(
        search(&server, &sign_with_header(&key, &plain, &body)).await,
        (200, None)
    );
    let crit = json!({"alg": "ES256", "kid": "k1", "typ": "at+jwt",
                      "crit": ["x-unknown"], "x-unknown": 1});
    assert_eq!(
        search(&server, &sign_with_header(&key, &crit, &body)).await,
        (
            401,
            Some(invalid_token(&server, "unsupported critical header (crit)"))
        )
    );
}
