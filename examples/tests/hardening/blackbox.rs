//! The black-box negative cases of `tickets-server` (`shared/notes/auth-blackbox.md`, from
//! auth.md §5) as tests: each asserts the status, the exact challenge and the body.
//!
//! Where each of the 61 rows is, or why it is not here:
//! - A1–A3, A14, A16 (64 KiB token), B1, B3, B5, B8, B12, B13, F2: [`dev_setup`] below.
//! - A4–A12 (claims, types, algorithms, keys, `typ`, `crit`): [`issuer_setup`] below, with tokens
//!   signed by a test issuer (the development AS cannot mint them).
//! - A2 two `Authorization` headers, A5 several audiences, A10 `crit`, B6, G1, G3 (pre-answered
//!   confirmation, stale sign-in): the tests of `hardening.rs` and `hardening/issuer.rs`.
//! - E1–E10 (the development AS): `mcp-auth/tests/dev_server.rs` and
//!   `mcp-auth/tests/dev_server_hardening.rs` (E6 bounds, E7 SSRF, E3 code replay, refresh).
//! - F3 (stream outlives token): `mcp-server/tests/server/http.rs`
//!   `event_streams_end_when_the_callers_token_expires`.
//! - B10 (429 and 413), B14 (audit), F1 (another user's session), G3 without the capability:
//!   `examples/tests/tickets.rs`.
//! - n/a: A15 (JWT access tokens are not revocable at this resource server: valid until
//!   `exp` + leeway, by design); B2 (every tool needs exactly one scope); B7 (one issuer per
//!   server); B9 (client-credentials tokens carry no tenant: every tool answers a tool error,
//!   which `tickets.rs` covers).
//! - Not automated yet: A11's 50-`kid` flood and key rotation (covered at the verifier level
//!   by `mcp-auth/tests/negative.rs`), A16's 1 MiB header (431) and 30000-deep claims (the
//!   64 KiB token is here), A7's `iat` in the future (accepted: no check, as observed).

use serde_json::{Value, json};

use super::keys::{TestKey, now};
use super::support::TicketsServer;

/// A raw 2026-07-28 `tools/call` with this `Authorization` value (none if `None`) and
/// `Origin` (none if `None`).
async fn call_with(
    server: &TicketsServer,
    authorization: Option<&str>,
    tool: &str,
    arguments: Value,
    origin: Option<&str>,
) -> (u16, reqwest::header::HeaderMap, Value) {
    let mut headers = vec![("mcp-method", "tools/call"), ("mcp-name", tool)];
    headers.extend(authorization.map(|a| ("authorization", a)));
    headers.extend(origin.map(|o| ("origin", o)));
    let params = json!({"name": tool, "arguments": arguments});
    super::raw(&server.url, &headers, "tools/call", params).await
}

fn metadata_url(server: &TicketsServer) -> String {
    let (base, path) = server.url.split_at(server.url.find("/mcp").expect("/mcp"));
    format!("{base}/.well-known/oauth-protected-resource{path}")
}

fn www(headers: &reqwest::header::HeaderMap) -> Option<String> {
    headers
        .get("www-authenticate")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// IT(x): 401 `invalid_token` with this description, the JSON-RPC body saying so.
fn assert_invalid_token(
    server: &TicketsServer,
    case: &str,
    got: &(u16, reqwest::header::HeaderMap, Value),
    description: &str,
) {
    let rm = metadata_url(server);
    assert_eq!(got.0, 401, "{case}: {}", got.2);
    assert_eq!(
        www(&got.1).as_deref(),
        Some(
            format!("Bearer error=\"invalid_token\", error_description=\"{description}\", scope=\"tickets:read\", resource_metadata=\"{rm}\"")
                .as_str()
        ),
        "{case}"
    );
    assert_eq!(got.2["error"]["code"], -32600, "{case}");
    assert_eq!(
        got.2["error"]["message"],
        format!("invalid_token: {description}"),
        "{case}"
    );
    assert_eq!(got.2["error"]["data"]["error"], "invalid_token", "{case}");
}

/// IS(s): 403 `insufficient_scope` naming `scope`.
fn assert_insufficient_scope(
    server: &TicketsServer,
    case: &str,
    got: &(u16, reqwest::header::HeaderMap, Value),
    scope: &str,
) {
    let rm = metadata_url(server);
    assert_eq!(got.0, 403, "{case}: {}", got.2);
    assert_eq!(
        www(&got.1).as_deref(),
        Some(format!("Bearer error=\"insufficient_scope\", error_description=\"the token lacks a required scope\", scope=\"{scope}\", resource_metadata=\"{rm}\"").as_str()),
        "{case}"
    );
    assert_eq!(
        got.2["error"]["data"]["error"], "insufficient_scope",
        "{case}"
    );
}

/// TE(x): 200 with a tool error whose text is `text`.
fn assert_tool_error(case: &str, got: &(u16, reqwest::header::HeaderMap, Value), text: &str) {
    assert_eq!(got.0, 200, "{case}: {}", got.2);
    assert_eq!(got.2["result"]["isError"], true, "{case}: {}", got.2);
    let said = got.2["result"]["content"][0]["text"]
        .as_str()
        .unwrap_or_default();
    assert!(said.contains(text), "{case}: {said}");
}

/// Cases against the development set-up: tokens from the embedded AS.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dev_setup() {
    let server = TicketsServer::start(&[]).await;
    let rm = metadata_url(&server);
    let read = server.token("alice", "tickets:read").await;
    let bearer = format!("Bearer {read}");

    // A1: no Authorization: 401, the least scope, no error code.
    let unauthenticated = format!("Bearer scope=\"tickets:read\", resource_metadata=\"{rm}\"");
    for (case, auth) in [("A1 none", None), ("A2 Basic", Some("Basic YWxpY2U6cHc="))] {
        let got = call_with(&server, auth, "searchTickets", json!({}), None).await;
        assert_eq!(got.0, 401, "{case}");
        assert_eq!(www(&got.1), Some(unauthenticated.clone()), "{case}");
        assert_eq!(
            got.2["error"]["message"], "authentication required",
            "{case}"
        );
        assert!(got.2["error"].get("data").is_none(), "{case}: {}", got.2);
    }
    // A1: a GET of the stream without a token is refused the same way.
    let get = reqwest::Client::new()
        .get(&server.url)
        .header("accept", "text/event-stream")
        .send()
        .await
        .expect("get");
    assert_eq!(get.status(), 401);
    assert_eq!(www(get.headers()), Some(unauthenticated.clone()));

    // A2: malformed Authorization values: 400 invalid_request.
    let malformed = format!(
        "Bearer error=\"invalid_request\", error_description=\"malformed Authorization header\", scope=\"tickets:read\", resource_metadata=\"{rm}\""
    );
    let junk = format!("Bearer {read} junk");
    for value in ["Bearer", "Bearer ", junk.as_str()] {
        let got = call_with(&server, Some(value), "searchTickets", json!({}), None).await;
        assert_eq!(got.0, 400, "A2 {value:?}");
        assert_eq!(www(&got.1), Some(malformed.clone()), "A2 {value:?}");
        assert_eq!(got.2["error"]["data"]["error"], "invalid_request");
    }
    // A2: the scheme is case-insensitive (RFC 9110 §11.1): served.
    let lower = format!("bearer {read}");
    let got = call_with(&server, Some(&lower), "searchTickets", json!({}), None).await;
    assert_eq!(got.0, 200, "A2 lower-case scheme: {}", got.2);

    // A3: a token in the query or in the body is not a credential.
    let query = reqwest::Client::new()
        .post(format!("{}?access_token={read}", server.url))
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .body(r#"{"jsonrpc":"2.0","id":1,"method":"server/discover","params":{}}"#)
        .send()
        .await
        .expect("post");
    assert_eq!(query.status(), 401);
    assert_eq!(www(query.headers()), Some(unauthenticated.clone()));

    // A14: an opaque or random token.
    for token in ["abc.def.ghi", "random-string"] {
        let got = call_with(
            &server,
            Some(&format!("Bearer {token}")),
            "searchTickets",
            json!({}),
            None,
        )
        .await;
        assert_invalid_token(&server, "A14", &got, "malformed token");
    }

    // A16: a 64 KiB bearer value is read as a (malformed) token, bounded, and the server
    // carries on.
    let big = format!("Bearer {}", "a".repeat(64 * 1024));
    let got = call_with(&server, Some(&big), "searchTickets", json!({}), None).await;
    assert_invalid_token(&server, "A16 64 KiB token", &got, "malformed token");

    // B1: a read-only token cannot write or close; read+write cannot close.
    let write = format!(
        "Bearer {}",
        server.token("alice", "tickets:read tickets:write").await
    );
    let create = json!({"queue": "support", "title": "t", "body": "b"});
    let b1 = [
        (
            "B1 createTicket",
            &bearer,
            "createTicket",
            create,
            "tickets:write",
        ),
        (
            "B1 closeTicket",
            &bearer,
            "closeTicket",
            json!({"id": 1}),
            "tickets:admin",
        ),
        (
            "B1 closeTicket (read+write)",
            &write,
            "closeTicket",
            json!({"id": 1}),
            "tickets:admin",
        ),
    ];
    for (case, auth, tool, arguments, scope) in b1 {
        let got = call_with(&server, Some(auth), tool, arguments, None).await;
        assert_insufficient_scope(&server, case, &got, scope);
    }

    // B3: the hierarchy: an admin-only token reads.
    let admin = server.token("alice", "tickets:admin").await;
    let got = call_with(
        &server,
        Some(&format!("Bearer {admin}")),
        "searchTickets",
        json!({}),
        None,
    )
    .await;
    assert_eq!(got.0, 200, "B3: {}", got.2);
    assert_ne!(got.2["result"]["isError"], true, "B3: {}", got.2);

    // B5: carol (globex) cannot see acme's ticket: the same "not found" as a missing one.
    let carol = format!("Bearer {}", server.token("carol", "tickets:read").await);
    for id in [1, 99_999] {
        let got = call_with(&server, Some(&carol), "getTicket", json!({"id": id}), None).await;
        assert_tool_error("B5", &got, &format!("ticket {id} not found"));
    }
    // B8: the token's tenant wins: a tenant argument is not even accepted.
    let got = call_with(
        &server,
        Some(&carol),
        "searchTickets",
        json!({"tenant": "acme"}),
        None,
    )
    .await;
    assert_tool_error(
        "B8 tenant argument",
        &got,
        "Additional properties are not allowed",
    );

    // B12: a foreign Origin is 403, with or without a token.
    for auth in [None, Some(bearer.as_str())] {
        let got = call_with(
            &server,
            auth,
            "searchTickets",
            json!({}),
            Some("http://evil.example"),
        )
        .await;
        assert_eq!(got.0, 403, "B12: {}", got.2);
        assert_eq!(
            got.2["error"]["message"], "forbidden: the Host or Origin header is not allowed",
            "B12"
        );
    }
    // B13: a CORS preflight from a foreign origin: refused, no Access-Control-* header.
    let preflight = reqwest::Client::new()
        .request(reqwest::Method::OPTIONS, &server.url)
        .header("origin", "http://evil.example")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "authorization")
        .send()
        .await
        .expect("options");
    assert_eq!(preflight.status(), 403);
    assert!(
        !preflight
            .headers()
            .keys()
            .any(|k| k.as_str().starts_with("access-control-")),
        "B13: {:?}",
        preflight.headers()
    );

    // F2: a session id without a token: 401 like any request.
    let got = reqwest::Client::new()
        .post(&server.url)
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .header("mcp-session-id", "made-up")
        .body(r#"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}"#)
        .send()
        .await
        .expect("post");
    assert_eq!(got.status(), 401);
    assert_eq!(www(got.headers()), Some(unauthenticated));
}

/// Claims of a good token for alice of acme from `issuer` at `resource`.
fn good(issuer: &str, resource: &str) -> Value {
    let now = now();
    json!({
        "iss": issuer, "sub": "alice", "aud": resource, "exp": now + 300, "iat": now,
        "tenant": "acme", "scope": "tickets:read", "client_id": "test-client",
    })
}

fn with(mut claims: Value, key: &str, value: Value) -> Value {
    if value.is_null() {
        claims.as_object_mut().expect("object").remove(key);
    } else {
        claims[key] = value;
    }
    claims
}

/// `header.payload.signature` from raw JSON parts (`signature` as given).
fn raw_token(header: &Value, claims: &Value, signature: &str) -> String {
    use base64::Engine as _;
    let b64 = |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    format!("{}.{}.{signature}", b64(header), b64(claims))
}

/// Cases against `--issuer`: tokens signed by the test issuer's key, each refused with its
/// exact challenge (the good token first, to show the refusals are the claims' doing).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issuer_setup() {
    let key = TestKey::generate("k1");
    let issuer = super::issuer::serve_issuer(&key).await;
    // Every case below is a failed verification from this address: above the default burst.
    let server = TicketsServer::launch(
        "127.0.0.1:0",
        Some(&issuer),
        &["--issuer", &issuer, "--auth-failure-burst", "100"],
    )
    .await;
    let us = server.url.clone();
    let ok = |claims: &Value| format!("Bearer {}", key.sign(claims));
    let got = call_with(
        &server,
        Some(&ok(&good(&issuer, &us))),
        "searchTickets",
        json!({}),
        None,
    )
    .await;
    assert_eq!(got.0, 200, "the good token: {}", got.2);

    let now = now() as i64;
    let base = good(&issuer, &us);
    let (scheme_upper, origin) = (
        us.replacen("http://", "HTTP://", 1),
        us.trim_end_matches("/mcp").to_owned(),
    );
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "A4 other resource",
            with(base.clone(), "aud", json!("http://127.0.0.1:3001/mcp")),
            "wrong audience",
        ),
        (
            "A5 aud missing",
            with(base.clone(), "aud", Value::Null),
            "missing claim aud",
        ),
        (
            "A5 aud []",
            with(base.clone(), "aud", json!([])),
            "wrong audience",
        ),
        (
            "A5 aud [us, other]",
            with(
                base.clone(),
                "aud",
                json!([us, "http://127.0.0.1:3001/mcp"]),
            ),
            "wrong audience",
        ),
        (
            "A6 aud us/",
            with(base.clone(), "aud", json!(format!("{us}/"))),
            "wrong audience",
        ),
        (
            "A6 aud HTTP://",
            with(base.clone(), "aud", json!(scheme_upper)),
            "wrong audience",
        ),
        (
            "A6 aud origin",
            with(base.clone(), "aud", json!(origin)),
            "wrong audience",
        ),
        (
            "A6 aud = issuer",
            with(base.clone(), "aud", json!(issuer)),
            "wrong audience",
        ),
        (
            "A7 exp 120 s ago",
            with(base.clone(), "exp", json!(now - 120)),
            "token expired",
        ),
        (
            "A7 nbf in 120 s",
            with(base.clone(), "nbf", json!(now + 120)),
            "token not yet valid",
        ),
        (
            "A7 exp missing",
            with(base.clone(), "exp", Value::Null),
            "missing claim exp",
        ),
        (
            "A9 other iss",
            with(base.clone(), "iss", json!("http://127.0.0.1:9/")),
            "wrong issuer",
        ),
        (
            "A9 iss/",
            with(base.clone(), "iss", json!(format!("{issuer}/"))),
            "wrong issuer",
        ),
        (
            "A9 iss missing",
            with(base.clone(), "iss", Value::Null),
            "missing claim iss",
        ),
    ];
    for (case, claims, description) in cases {
        let got = call_with(
            &server,
            Some(&ok(&claims)),
            "searchTickets",
            json!({}),
            None,
        )
        .await;
        assert_invalid_token(&server, case, &got, description);
    }
    // A8: claims of the wrong type or range. jsonwebtoken reads an `exp` that is not a
    // number of seconds it can hold as no `exp` at all; a fractional one passes it and is
    // refused when the principal is built.
    let a8: Vec<(&str, Value, &str)> = vec![
        (
            "A8 exp as a string",
            with(base.clone(), "exp", json!("9999999999")),
            "missing claim exp",
        ),
        (
            "A8 exp 1e30",
            with(base.clone(), "exp", json!(1e30)),
            "missing claim exp",
        ),
        (
            "A8 exp -1",
            with(base.clone(), "exp", json!(-1)),
            "missing claim exp",
        ),
        (
            "A8 exp 300.5 s ahead",
            with(base.clone(), "exp", json!(now as f64 + 300.5)),
            "malformed token",
        ),
        (
            "A8 nbf as a string",
            with(base.clone(), "nbf", json!("0")),
            "malformed token",
        ),
    ];
    for (case, claims, description) in a8 {
        let got = call_with(
            &server,
            Some(&ok(&claims)),
            "searchTickets",
            json!({}),
            None,
        )
        .await;
        assert_invalid_token(&server, case, &got, description);
    }
    // A7: within the 30 s leeway a just-expired token is still served.
    let got = call_with(
        &server,
        Some(&ok(&with(base.clone(), "exp", json!(now - 10)))),
        "searchTickets",
        json!({}),
        None,
    )
    .await;
    assert_eq!(got.0, 200, "A7 leeway: {}", got.2);

    // Header-level cases, signed or not.
    let signed = key.sign(&base);
    let mut parts = signed.split('.');
    let (h, p, s) = (
        parts.next().expect("h"),
        parts.next().expect("p"),
        parts.next().expect("s"),
    );
    let mut flipped = s.to_owned().into_bytes();
    flipped[5] = if flipped[5] == b'A' { b'B' } else { b'A' };
    let flipped = format!("{h}.{p}.{}", String::from_utf8(flipped).expect("ascii"));
    let header_cases: Vec<(&str, String, &str)> = vec![
        (
            "A10 alg none",
            raw_token(&json!({"alg": "none", "typ": "at+jwt"}), &base, ""),
            "malformed token",
        ),
        (
            "A10 HS256",
            raw_token(
                &json!({"alg": "HS256", "typ": "at+jwt", "kid": "k1"}),
                &base,
                "c2ln",
            ),
            "algorithm not allowed",
        ),
        ("A10 empty signature", format!("{h}.{p}."), "bad signature"),
        ("A11 flipped signature", flipped, "bad signature"),
        (
            "A11 unknown kid",
            key.sign_with_kid(&base, "k-unknown"),
            "unknown signing key",
        ),
        (
            "A12 typ JWT",
            raw_token(
                &json!({"alg": "ES256", "typ": "JWT", "kid": "k1"}),
                &base,
                s,
            ),
            "not an access token (typ)",
        ),
    ];
    for (case, token, description) in header_cases {
        let got = call_with(
            &server,
            Some(&format!("Bearer {token}")),
            "searchTickets",
            json!({}),
            None,
        )
        .await;
        assert_invalid_token(&server, case, &got, description);
    }
}
