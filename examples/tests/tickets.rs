//! `tickets-server` as a real process on 127.0.0.1, driven over Streamable HTTP by our client
//! with real tokens from the development authorization server the binary starts (code flow
//! with PKCE, `login_hint` picking the user).

mod support;

use std::collections::HashSet;
use std::sync::Arc;

use mcp_client::Client;
use mcp_protocol::methods::{CompleteParams, CompletionReference, ElicitParams, ElicitResult};
use mcp_protocol::{ProtocolVersion, SupportedVersions};
use serde_json::{Value, json};
use support::TicketsServer;

/// The tickets of a `searchTickets` result (its structured content).
fn tickets(result: &mcp_protocol::methods::CallToolResult) -> Vec<Value> {
    assert!(!result.is_error(), "{result:?}");
    result.structured_content.as_ref().expect("structured")["tickets"]
        .as_array()
        .expect("tickets")
        .clone()
}

/// The numbers of the tickets a plain `searchTickets` returns.
async fn ids(client: &Client) -> HashSet<i64> {
    let result = client
        .call_tool("searchTickets", json!({}))
        .await
        .expect("search");
    tickets(&result)
        .iter()
        .filter_map(|t| t["id"].as_i64())
        .collect()
}

/// `createTicket` of a ticket titled "t" in acme's support queue.
async fn create_t(client: &Client) -> mcp_client::Result<mcp_protocol::methods::CallToolResult> {
    client
        .call_tool(
            "createTicket",
            json!({"queue": "support", "title": "t", "body": "b"}),
        )
        .await
}

/// The user's answer confirming `closeTicket`.
/// The call was refused by the endpoint's scope check (the 403's JSON-RPC error).
fn assert_insufficient_scope(error: &mcp_client::Error) {
    let data = error.remote().and_then(|e| e.data.clone());
    assert_eq!(
        data.map(|d| d["error"].clone()),
        Some(json!("insufficient_scope")),
        "{error:?}"
    );
}

/// The JSON inside a resource's `<untrusted-data>` tags, after checking that the contents are
/// marked untrusted (the warning first, the `_meta` key).
/// The `WWW-Authenticate` challenge of a refusal (the test fails without one).
fn challenge_of(headers: &reqwest::header::HeaderMap) -> String {
    headers
        .get("www-authenticate")
        .and_then(|v| v.to_str().ok())
        .expect("a WWW-Authenticate challenge")
        .to_owned()
}

fn untrusted_json(read: &mcp_protocol::methods::ReadResourceResult) -> Value {
    let contents = serde_json::to_value(&read.contents[0]).expect("contents");
    assert_eq!(
        contents["_meta"]["io.github.mcp-rs.tickets/untrusted"],
        json!(true),
        "{contents}"
    );
    let text = contents["text"].as_str().expect("text");
    assert!(
        text.starts_with(mcp_examples::tickets::UNTRUSTED_NOTE),
        "{text}"
    );
    let inner = text
        .split_once("<untrusted-data>\n")
        .and_then(|(_, rest)| rest.split_once("\n</untrusted-data>"))
        .expect("tagged data")
        .0;
    serde_json::from_str(inner).expect("JSON inside the tags")
}

fn yes() -> ElicitResult {
    let mut content = serde_json::Map::new();
    content.insert("confirm".into(), json!(true));
    ElicitResult::accept(Some(content))
}

/// The text of a tool error.
fn error_text(result: &mcp_protocol::methods::CallToolResult) -> String {
    assert!(result.is_error(), "expected a tool error: {result:?}");
    result.content[0].as_text().expect("text").to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alice_sees_only_her_open_tickets_with_assignee_me() {
    let server = TicketsServer::start(&[]).await;
    let token = server.token("alice", "tickets:read").await;
    let client = server.client(&token).await;
    let result = client
        .call_tool("searchTickets", json!({"status": "open", "assignee": "me"}))
        .await
        .expect("call");
    let found = tickets(&result);
    assert_eq!(found.len(), 2, "{found:?}");
    for t in &found {
        assert_eq!(
            (t["assignee"].as_str(), t["status"].as_str()),
            (Some("alice"), Some("open"))
        );
    }
    // The text is marked untrusted, in the content and in _meta.
    let text = result.content[0].as_text().expect("text");
    assert!(text.contains("<untrusted-data>"), "{text}");
    let meta = serde_json::to_value(&result.meta).expect("meta");
    assert_eq!(meta["io.github.mcp-rs.tickets/untrusted"], json!(true));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_token_cannot_create_a_ticket() {
    let server = TicketsServer::start(&[]).await;
    let token = server.token("alice", "tickets:read").await;
    // 2026-07-28 names the tool in Mcp-Name: refused before it is served, 403 with the
    // RFC 6750 challenge naming the missing scope.
    let (status, headers) = server
        .raw_tool_call(
            &token,
            "createTicket",
            json!({"queue": "support", "title": "t", "body": "b"}),
        )
        .await;
    assert_eq!(status, 403);
    let challenge = challenge_of(&headers);
    assert!(
        challenge.contains(r#"error="insufficient_scope""#),
        "{challenge}"
    );
    assert!(
        challenge.contains(r#"scope="tickets:write""#),
        "{challenge}"
    );
    // Naming a read tool in the header while the body calls createTicket does not help:
    // the scope checked is the body's tool's.
    let (status, headers) = server
        .raw_tool_call_named(
            &token,
            "searchTickets",
            "createTicket",
            json!({"queue": "support", "title": "t", "body": "b"}),
        )
        .await;
    assert_eq!(status, 403);
    let challenge = challenge_of(&headers);
    assert!(
        challenge.contains(r#"scope="tickets:write""#),
        "{challenge}"
    );
    // Our client (2026-07-28) gets the 403's JSON-RPC error as the call's error.
    let client = server.client(&token).await;
    let error = create_t(&client).await.expect_err("refused");
    assert_insufficient_scope(&error);
    // Nothing was created.
    let result = client
        .call_tool("searchTickets", json!({"text": "t"}))
        .await
        .expect("search");
    assert!(tickets(&result).iter().all(|t| t["title"] != "t"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn globex_cannot_see_or_touch_acmes_ticket() {
    let server = TicketsServer::start(&[]).await;
    let alice = server
        .client(&server.token("alice", "tickets:read").await)
        .await;
    let acme_ticket = tickets(
        &alice
            .call_tool("searchTickets", json!({}))
            .await
            .expect("search"),
    )[0]["id"]
        .as_i64()
        .expect("id");
    let carol = server
        .client(&server.token("carol", "tickets:admin").await)
        .await;
    let get = carol
        .call_tool("getTicket", json!({"id": acme_ticket}))
        .await
        .expect("call");
    assert_eq!(error_text(&get), format!("ticket {acme_ticket} not found"));
    let comment = carol
        .call_tool("addComment", json!({"id": acme_ticket, "body": "hi"}))
        .await
        .expect("call");
    assert_eq!(
        error_text(&comment),
        format!("ticket {acme_ticket} not found")
    );
    let read = carol
        .read_resource(format!("tickets://{acme_ticket}"))
        .await
        .expect_err("not found");
    assert!(read.to_string().contains("not found"), "{read}");
    let found = tickets(
        &carol
            .call_tool("searchTickets", json!({}))
            .await
            .expect("search"),
    );
    assert!(found.iter().all(|t| t["id"] != json!(acme_ticket)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_tenants_calling_at_once_see_only_their_own_rows() {
    let server = TicketsServer::start(&["--rate", "1000", "--burst", "1000"]).await;
    let alice = server
        .client(&server.token("alice", "tickets:read").await)
        .await;
    let carol = server
        .client(&server.token("carol", "tickets:read").await)
        .await;
    let acme_ids = ids(&alice).await;
    let globex_ids = ids(&carol).await;
    assert!(!acme_ids.is_empty() && !globex_ids.is_empty());
    assert!(acme_ids.is_disjoint(&globex_ids));
    let hammer = |client: Client, expected: HashSet<i64>| async move {
        for _ in 0..25 {
            assert_eq!(ids(&client).await, expected);
        }
    };
    let a = tokio::spawn(hammer(alice, acme_ids));
    let c = tokio::spawn(hammer(carol, globex_ids));
    a.await.expect("acme");
    c.await.expect("globex");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_the_rate_limit_is_429_with_retry_after_for_that_caller_only() {
    let server = TicketsServer::start(&["--rate", "0.01", "--burst", "3"]).await;
    let alice = server.token("alice", "tickets:read").await;
    let bob = server.token("bob", "tickets:read").await;
    let mut statuses = Vec::new();
    let mut retry_after = None;
    for _ in 0..5 {
        let (status, headers) = server
            .raw_tool_call(&alice, "searchTickets", json!({}))
            .await;
        statuses.push(status);
        if status == 429 {
            retry_after = headers
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<u64>().ok());
        }
    }
    assert_eq!(statuses, [200, 200, 200, 429, 429]);
    assert!(retry_after.is_some_and(|s| s >= 1), "{retry_after:?}");
    // Bob, of the same tenant, has his own bucket.
    let (status, _) = server.raw_tool_call(&bob, "searchTickets", json!({})).await;
    assert_eq!(status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn close_ticket_needs_the_users_confirmation() {
    let server = TicketsServer::start(&[]).await;
    let token = server.token("alice", "tickets:admin").await;
    let decliner = Client::builder()
        .on_elicitation(|_: ElicitParams| async { Ok(ElicitResult::decline()) })
        .connect(server.transport(&token))
        .await
        .expect("connect");
    let id = tickets(
        &decliner
            .call_tool("searchTickets", json!({"status": "open"}))
            .await
            .expect("search"),
    )[0]["id"]
        .as_i64()
        .expect("id");
    let refused = decliner
        .call_tool("closeTicket", json!({"id": id}))
        .await
        .expect("call");
    assert_eq!(error_text(&refused), "not done: the user did not confirm");
    let still = decliner
        .call_tool("getTicket", json!({"id": id}))
        .await
        .expect("get");
    assert_eq!(
        still.structured_content.as_ref().expect("s")["ticket"]["status"],
        "open"
    );
    // A client that cannot ask changes nothing either. In 2026-07-28 (what this client
    // speaks) the request is refused with -32021 naming elicitation: basic/index
    // §Per-request protocol fields, a MUST (audit row 1.15); in the session era the tool
    // would answer with its own error.
    let mute = server.client(&token).await;
    match mute.call_tool("closeTicket", json!({"id": id})).await {
        Err(mcp_client::Error::Remote { error, .. }) => {
            assert_eq!(error.code.0, -32021, "{error:?}");
            assert!(
                error.data.expect("data")["requiredCapabilities"]
                    .get("elicitation")
                    .is_some()
            );
        }
        other => panic!("closeTicket without elicitation: {other:?}"),
    }
    let confirmer = Client::builder()
        .on_elicitation(|_: ElicitParams| async { Ok(yes()) })
        .connect(server.transport(&token))
        .await
        .expect("connect");
    let closed = confirmer
        .call_tool("closeTicket", json!({"id": id}))
        .await
        .expect("call");
    assert!(!closed.is_error(), "{closed:?}");
    assert_eq!(
        closed.structured_content.as_ref().expect("s")["ticket"]["status"],
        "closed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_tool_call_leaves_one_audit_line() {
    let server = TicketsServer::start(&[]).await;
    let client = server
        .client(&server.token("carol", "tickets:read").await)
        .await;
    client
        .call_tool("searchTickets", json!({"text": "backup"}))
        .await
        .expect("call");
    let line = server
        .audit_line(|record| record["name"] == "searchTickets")
        .await;
    assert_eq!(line["tenant"], "globex");
    assert!(
        line["principal"]
            .as_str()
            .expect("principal")
            .ends_with("#carol")
    );
    assert_eq!(line["outcome"], "ok");
    assert_eq!(line["method"], "tools/call");
    assert_eq!(line["argsDigest"].as_str().map(str::len), Some(16));
    client
        .read_resource("tickets://queues")
        .await
        .expect("read");
    let read = server
        .audit_line(|record| record["method"] == "resources/read")
        .await;
    assert_eq!(
        (read["name"].as_str(), read["tenant"].as_str()),
        (Some("tickets://queues"), Some("globex"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_requests_are_audited_too() {
    let server = TicketsServer::start(&["--rate", "0.01", "--burst", "1"]).await;
    let reader = server.token("bob", "tickets:read").await;
    // 403: a reader calls a writing tool.
    let (status, _) = server
        .raw_tool_call(&reader, "createTicket", json!({"title": "t", "body": "b"}))
        .await;
    assert_eq!(status, 403);
    let denied = server
        .audit_line(|r| r["name"] == "createTicket" && r["outcome"] != "ok")
        .await;
    assert_eq!(denied["outcome"], "refused: HTTP 403 insufficient_scope");
    assert_eq!(denied["method"], "tools/call");
    assert_eq!(denied["tenant"], "acme");
    assert!(
        denied["principal"]
            .as_str()
            .expect("principal")
            .ends_with("#bob")
    );
    assert_eq!(denied["argsDigest"], "");
    // 401: a forged token; nobody is named.
    let (status, _) = server
        .raw_tool_call("not.a.token", "getTicket", json!({"id": 1}))
        .await;
    assert_eq!(status, 401);
    let unauthenticated = server.audit_line(|r| r["name"] == "getTicket").await;
    assert_eq!(
        unauthenticated["outcome"],
        "refused: HTTP 401 invalid_token"
    );
    assert_eq!(unauthenticated["principal"], Value::Null);
    // 429: the burst of one is spent by the 403 above.
    let (status, _) = server
        .raw_tool_call(&reader, "searchTickets", json!({}))
        .await;
    assert_eq!(status, 429);
    let limited = server.audit_line(|r| r["name"] == "searchTickets").await;
    assert_eq!(limited["outcome"], "refused: HTTP 429 rate limited");
    assert!(
        limited["principal"]
            .as_str()
            .expect("principal")
            .ends_with("#bob")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_request_is_413_and_the_caller_carries_on() {
    let server = TicketsServer::start(&["--max-request-bytes", "4096"]).await;
    let token = server.token("alice", "tickets:write").await;
    let huge = "x".repeat(8 * 1024);
    let (status, _) = server
        .raw_tool_call(&token, "createTicket", json!({"title": "t", "body": huge}))
        .await;
    assert_eq!(status, 413);
    let refused = server
        .audit_line(|r| r["name"] == "createTicket" && r["outcome"] != "ok")
        .await;
    assert_eq!(refused["outcome"], "refused: HTTP 413 Payload Too Large");
    // Nothing was created, and the same caller's next, normal-sized request is served.
    let client = server.client(&token).await;
    let created = create_t(&client).await.expect("call");
    assert!(!created.is_error(), "{created:?}");
    let found = client
        .call_tool("searchTickets", json!({"text": "xxxxxxxx"}))
        .await
        .expect("search");
    assert!(tickets(&found).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_stdio_the_configured_principal_is_the_caller_with_its_scopes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let audit = dir.path().join("audit.log");
    let db = dir.path().join("tickets.db");
    let client = Client::spawn(
        support::BIN,
        [
            "--stdio",
            "--user",
            "bob",
            "--tenant",
            "acme",
            "--scopes",
            "tickets:read",
            "--db",
            db.to_str().expect("path"),
            "--audit-file",
            audit.to_str().expect("path"),
        ],
    )
    .await
    .expect("spawn");
    let mine = client
        .call_tool("searchTickets", json!({"assignee": "me"}))
        .await
        .expect("search");
    let found = tickets(&mine);
    assert!(!found.is_empty());
    assert!(found.iter().all(|t| t["assignee"] == "bob"));
    // Without tickets:write the tool itself refuses, naming the scope.
    let create = create_t(&client).await.expect("call");
    assert_eq!(
        error_text(&create),
        "insufficient_scope: createTicket needs the scope tickets:write"
    );
    drop(client);
    let log = std::fs::read_to_string(&audit).expect("audit file");
    let records: Vec<Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    let outcomes: Vec<(&str, &str)> = records
        .iter()
        .map(|r| {
            (
                r["name"].as_str().expect("name"),
                r["outcome"].as_str().expect("outcome"),
            )
        })
        .collect();
    assert_eq!(
        outcomes,
        [
            ("searchTickets", "ok"),
            (
                "createTicket",
                "insufficient_scope: createTicket needs the scope tickets:write"
            )
        ]
    );
    assert_eq!(records[0]["principal"], "local#bob");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_tickets_scope_nothing_can_be_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("tickets.db");
    let client = Client::spawn(
        support::BIN,
        [
            "--stdio",
            "--scopes",
            "profile",
            "--db",
            db.to_str().expect("path"),
        ],
    )
    .await
    .expect("spawn");
    let read = client
        .read_resource("tickets://queues")
        .await
        .expect_err("refused");
    assert_eq!(
        read.remote().map(|e| e.message.as_str()),
        Some("insufficient_scope: resources/read needs the scope tickets:read")
    );
    let prompt = client
        .get_prompt("summarizeQueue", [("queue", "support")])
        .await
        .expect_err("refused");
    assert!(
        prompt.to_string().contains("insufficient_scope"),
        "{prompt}"
    );
    let search = client
        .call_tool("searchTickets", json!({}))
        .await
        .expect("call");
    assert_eq!(
        error_text(&search),
        "insufficient_scope: searchTickets needs the scope tickets:read"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_era_client_naming_the_tool_gets_403_too() {
    let server = TicketsServer::start(&[]).await;
    let token = server.token("alice", "tickets:read").await;
    let client = Client::builder()
        .versions(SupportedVersions::new([ProtocolVersion::V2025_11_25]))
        .connect(server.transport(&token))
        .await
        .expect("connect");
    assert_eq!(client.protocol_version(), ProtocolVersion::V2025_11_25);
    // The endpoint checks the scope of the tool the body calls in every era: the 403's
    // JSON-RPC error (this era's client hands over the body's error) names the fault.
    let error = create_t(&client).await.expect_err("refused");
    assert_insufficient_scope(&error);
    // Reading is allowed.
    assert!(!ids(&client).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_are_capped_whatever_the_caller_asks() {
    let server = TicketsServer::start(&["--max-page", "2"]).await;
    let client = server
        .client(&server.token("alice", "tickets:read").await)
        .await;
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    // acme has 6 tickets: three pages of two; bounded at 10 pages.
    for _ in 0..10 {
        let mut args = json!({"limit": 1000});
        if let Some(c) = &cursor {
            args["cursor"] = json!(c);
        }
        let result = client
            .call_tool("searchTickets", args)
            .await
            .expect("search");
        let page = tickets(&result);
        assert!(page.len() <= 2, "{page:?}");
        seen.extend(page.iter().filter_map(|t| t["id"].as_i64()));
        cursor = result.structured_content.as_ref().expect("s")["nextCursor"]
            .as_str()
            .map(str::to_owned);
        if cursor.is_none() {
            break;
        }
    }
    assert_eq!(seen.len(), 6, "{seen:?}");
    let bad = client
        .call_tool("searchTickets", json!({"cursor": "not-a-cursor"}))
        .await
        .expect("call");
    assert_eq!(error_text(&bad), "invalid cursor");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rate_limit_holds_under_16_concurrent_callers() {
    let server = Arc::new(TicketsServer::start(&["--rate", "0.01", "--burst", "5"]).await);
    let alice = server.token("alice", "tickets:read").await;
    let calls: Vec<_> = (0..16)
        .map(|_| {
            let (server, alice) = (server.clone(), alice.clone());
            tokio::spawn(async move {
                server
                    .raw_tool_call(&alice, "searchTickets", json!({}))
                    .await
                    .0
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for call in calls {
        statuses.push(call.await.expect("join"));
    }
    statuses.sort_unstable();
    let mut expected = vec![200; 5];
    expected.extend([429; 11]);
    assert_eq!(statuses, expected);
    // Carol, of another tenant, is not slowed by it.
    let carol = server.token("carol", "tickets:read").await;
    let (status, _) = server
        .raw_tool_call(&carol, "searchTickets", json!({}))
        .await;
    assert_eq!(status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queues_prompt_and_completions_are_the_callers_tenants() {
    let server = TicketsServer::start(&[]).await;
    let carol = server
        .client(&server.token("carol", "tickets:read").await)
        .await;
    let queues = carol.read_resource("tickets://queues").await.expect("read");
    let names: Vec<String> = untrusted_json(&queues)
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|q| q["name"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(names, ["operations", "support"]);
    // A ticket read as a resource is marked untrusted too.
    let found = tickets(
        &carol
            .call_tool("searchTickets", json!({}))
            .await
            .expect("search"),
    );
    let id = found[0]["id"].as_i64().expect("id");
    let ticket = carol
        .read_resource(format!("tickets://{id}"))
        .await
        .expect("read");
    assert_eq!(
        untrusted_json(&ticket)["ticket"]["id"],
        json!(id),
        "{ticket:?}"
    );
    let prompt = carol
        .get_prompt("summarizeQueue", [("queue", "operations")])
        .await
        .expect("prompt");
    let text = serde_json::to_value(&prompt.messages[0]).expect("message")["content"]["text"]
        .as_str()
        .expect("text")
        .to_owned();
    assert!(text.contains("Nightly backup failed"), "{text}");
    assert!(text.contains("<untrusted-data>"), "{text}");
    assert!(!text.contains("Cannot log in"), "{text}");
    let statuses = carol
        .complete(CompleteParams::new(
            CompletionReference::prompt("summarizeQueue"),
            "status",
            "p",
        ))
        .await
        .expect("complete");
    assert_eq!(statuses.completion.values, ["pending"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn close_ticket_asks_in_the_session_era_too() {
    let server = TicketsServer::start(&[]).await;
    let token = server.token("bob", "tickets:admin").await;
    let asked = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let count = asked.clone();
    let client = Client::builder()
        .versions(SupportedVersions::new([ProtocolVersion::V2025_11_25]))
        .on_elicitation(move |_: ElicitParams| {
            count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            async { Ok(yes()) }
        })
        .connect(server.transport(&token))
        .await
        .expect("connect");
    let mine = client
        .call_tool("searchTickets", json!({"assignee": "me", "status": "open"}))
        .await
        .expect("search");
    let id = tickets(&mine)[0]["id"].as_i64().expect("id");
    let closed = client
        .call_tool("closeTicket", json!({"id": id}))
        .await
        .expect("call");
    assert!(!closed.is_error(), "{closed:?}");
    assert_eq!(asked.load(std::sync::atomic::Ordering::SeqCst), 1);
}

#[path = "tickets/guard.rs"]
mod guard;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_issuer_given_by_url_has_its_keys_found_through_its_metadata() {
    use mcp_auth::dev_server::DevAuthServer;
    use mcp_auth::{HttpJwks, JwksSource};
    use mcp_examples::tickets::oauth;

    let issuer = DevAuthServer::builder()
        .resource("http://127.0.0.1:1/mcp")
        .user("alice", "acme")
        .bind("127.0.0.1:0")
        .await
        .expect("bind");
    let client = oauth::issuer_client().expect("client");
    let uri = oauth::jwks_uri(&client, issuer.issuer())
        .await
        .expect("jwks_uri");
    let fetched = HttpJwks::new(client.clone(), uri)
        .fetch()
        .await
        .expect("keys");
    assert_eq!(
        serde_json::to_value(fetched).expect("json"),
        serde_json::to_value(issuer.jwks()).expect("json")
    );
    // An issuer with no metadata is a clear failure, not a hang.
    let missing = oauth::jwks_uri(&client, "http://127.0.0.1:9").await;
    assert!(missing.is_err());
    issuer.shutdown().await;
}

// requirement: 4.1
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_protected_resource_metadata_is_served() {
    let server = TicketsServer::start(&[]).await;
    let (base, path) = server.url.split_at(server.url.find("/mcp").expect("/mcp"));
    let url = format!("{base}/.well-known/oauth-protected-resource{path}");
    let response = reqwest::get(&url).await.expect("GET metadata");
    assert_eq!(response.status(), 200);
    let doc: Value = response.json().await.expect("json");
    assert_eq!(doc["resource"], server.url.as_str());
    assert_eq!(doc["authorization_servers"], json!([server.issuer]));
    assert!(
        doc["scopes_supported"]
            .as_array()
            .is_some_and(|s| s.contains(&json!("tickets:read"))),
        "{doc}"
    );
    // And a request without a token is told where that document is.
    let refused = reqwest::Client::new()
        .post(&server.url)
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .body(r#"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}"#)
        .send()
        .await
        .expect("POST");
    assert_eq!(refused.status(), 401);
    let challenge = challenge_of(refused.headers());
    assert!(challenge.contains(&url), "{challenge}");
}

#[path = "../../mcp-auth/tests/oidc/mod.rs"]
mod oidc;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_of_oidc_provider_are_accepted_with_their_tenant() {
    use mcp_examples::tickets::access::SCOPES;

    // The AS must know the resource before the server starts, and the server its issuer:
    // the server's port is chosen first (free when looked at; a test may lose that race).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let addr = format!("127.0.0.1:{port}");
    let resource = format!("http://{addr}/mcp");
    let Some(provider) = oidc::OidcProvider::start_with_scopes(
        "tokens_of_oidc_provider_are_accepted_with_their_tenant",
        &[&resource],
        300,
        &SCOPES.join(" "),
    )
    .await
    else {
        return;
    };
    let server = TicketsServer::start_with_issuer(&addr, &provider.issuer).await;
    assert_eq!(server.url, resource);
    let alice = server.token("alice", "tickets:read").await;
    let client = server.client(&alice).await;
    let result = client
        .call_tool("searchTickets", json!({"assignee": "me"}))
        .await
        .expect("search");
    assert!(!result.is_error(), "{result:?}");
    let found = tickets(&result);
    assert!(!found.is_empty());
    assert!(found.iter().all(|t| t["assignee"] == "alice"), "{found:?}");
    // bob@globex is of tenant globex: none of acme's tickets.
    let bob = server.token("bob@globex", "tickets:read").await;
    let theirs = ids(&server.client(&bob).await).await;
    let ours = ids(&client).await;
    assert!(theirs.is_disjoint(&ours), "{theirs:?} {ours:?}");
}
