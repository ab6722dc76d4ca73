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
    let challenge = headers
        .get("www-authenticate")
        .and_then(|v| v.to_str().ok())
        .expect("a challenge");
    assert!(
        challenge.contains(r#"error="insufficient_scope""#),
        "{challenge}"
    );
    assert!(
        challenge.contains(r#"scope="tickets:write""#),
        "{challenge}"
    );
    // Our client (2026-07-28) gets that 403 as the call's error.
    let client = server.client(&token).await;
    let error = create_t(&client).await.expect_err("refused");
    let data = &error.remote().expect("an HTTP error").data;
    assert_eq!(
        data.as_ref().map(|d| d["httpStatus"].clone()),
        Some(json!(403)),
        "{error}"
    );
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
    // A client that cannot ask changes nothing either.
    let mute = server.client(&token).await;
    let refused = mute
        .call_tool("closeTicket", json!({"id": id}))
        .await
        .expect("call");
    assert!(error_text(&refused).starts_with("not done: closing needs the user's confirmation"));
    let confirmer = Client::builder()
        .on_elicitation(|_: ElicitParams| async {
            let mut content = serde_json::Map::new();
            content.insert("confirm".into(), json!(true));
            Ok(ElicitResult::accept(Some(content)))
        })
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
        .audit_line(|record| record["tool"] == "searchTickets")
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
                r["tool"].as_str().expect("tool"),
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
async fn a_session_era_client_naming_the_tool_gets_403_too() {
    let server = TicketsServer::start(&[]).await;
    let token = server.token("alice", "tickets:read").await;
    let client = Client::builder()
        .versions(SupportedVersions::new([ProtocolVersion::V2025_11_25]))
        .connect(server.transport(&token))
        .await
        .expect("connect");
    assert_eq!(client.protocol_version(), ProtocolVersion::V2025_11_25);
    // Our client sends Mcp-Method and Mcp-Name in every era, so the refusal comes before
    // the call is served; a client that does not gets the tool error of the stdio test.
    let error = create_t(&client).await.expect_err("refused");
    let data = error.remote().and_then(|e| e.data.clone());
    assert_eq!(data.map(|d| d["httpStatus"].clone()), Some(json!(403)));
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
    let text = serde_json::to_value(&queues.contents[0]).expect("contents")["text"]
        .as_str()
        .expect("text")
        .to_owned();
    let names: Vec<String> = serde_json::from_str::<Vec<Value>>(&text)
        .expect("json")
        .iter()
        .filter_map(|q| q["name"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(names, ["operations", "support"]);
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

/// The guard every tool call passes ([`App::call`]), exercised through a real dispatch
/// (in-memory transport, our client) with an extra tool that waits on the test.
mod guard {
    use std::sync::Arc;
    use std::time::Duration;

    use mcp_auth::Principal;
    use mcp_client::Client;
    use mcp_examples::tickets::access::{SCOPES, ToolError};
    use mcp_examples::tickets::limits::LimitsConfig;
    use mcp_examples::tickets::store::{Store, StoreConfig};
    use mcp_examples::tickets::{self, App};
    use mcp_protocol::rt::memory;
    use mcp_server::{Json, RequestContext, ToolDef};
    use serde_json::json;
    use tokio::sync::Semaphore;

    use super::error_text;

    #[derive(serde::Deserialize, serde::Serialize, schemars::JsonSchema)]
    struct WaitArgs {}

    #[derive(serde::Serialize, schemars::JsonSchema)]
    struct Done {
        done: bool,
    }

    /// A server whose `wait` tool (through the guard) holds until `gate` gives a permit, and
    /// counts entries in `entered`; connected to a client.
    async fn connect(
        limits: LimitsConfig,
    ) -> (Client, Arc<Semaphore>, Arc<Semaphore>, tempfile::TempDir) {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(&StoreConfig::new(dir.path().join("t.db"))).expect("store");
        let local = Principal::new("local", "alice")
            .with_tenant("acme")
            .with_scopes(SCOPES);
        let app = App::new(store, Some(local), limits);
        let server = tickets::server(&app);
        let gate = Arc::new(Semaphore::new(0));
        let entered = Arc::new(Semaphore::new(0));
        let (g, e) = (gate.clone(), entered.clone());
        server
            .add_tool(ToolDef::new(
                "wait",
                move |args: WaitArgs, ctx: RequestContext| {
                    let (app, g, e) = (app.clone(), g.clone(), e.clone());
                    async move {
                        app.call(&ctx, "wait", &args, |_| async move {
                            e.add_permits(1);
                            let _permit = g.acquire().await.expect("the gate stays open");
                            Ok::<_, ToolError>(Json(Done { done: true }))
                        })
                        .await
                    }
                },
            ))
            .expect("tool");
        let (client_end, server_end) = memory::pair(memory::Mode::Serialized);
        tokio::spawn(async move { server.serve(server_end).await });
        let client = Client::builder()
            .connect(client_end)
            .await
            .expect("connect");
        (client, gate, entered, dir)
    }

    fn limits(burst: u32, in_flight: usize, timeout: Duration) -> LimitsConfig {
        LimitsConfig {
            rate_per_sec: 0.001,
            burst,
            max_in_flight: in_flight,
            call_timeout: timeout,
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_call_past_the_timeout_is_stopped_with_a_clear_error() {
        let (client, _gate, _entered, _dir) =
            connect(limits(100, 4, Duration::from_millis(200))).await;
        let result = client.call_tool("wait", json!({})).await.expect("call");
        assert_eq!(
            error_text(&result),
            "the call took longer than 200ms and was stopped"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn calls_over_the_in_flight_cap_are_refused_until_one_ends() {
        let (client, gate, entered, _dir) = connect(limits(100, 2, Duration::from_secs(30))).await;
        let first = tokio::spawn({
            let client = client.clone();
            async move { client.call_tool("wait", json!({})).await }
        });
        let second = tokio::spawn({
            let client = client.clone();
            async move { client.call_tool("wait", json!({})).await }
        });
        // Both are inside the tool (bounded by the acquire's own timeout).
        let both = tokio::time::timeout(Duration::from_secs(10), entered.acquire_many(2))
            .await
            .expect("two calls entered")
            .expect("semaphore");
        both.forget();
        let third = client.call_tool("wait", json!({})).await.expect("call");
        assert_eq!(
            error_text(&third),
            "too many calls in flight for this caller (at most 2); retry when one finishes"
        );
        gate.add_permits(2);
        for call in [first, second] {
            let result = call.await.expect("join").expect("call");
            assert!(!result.is_error(), "{result:?}");
        }
        // A slot is free again.
        gate.add_permits(1);
        let fourth = client.call_tool("wait", json!({})).await.expect("call");
        assert!(!fourth.is_error(), "{fourth:?}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_local_caller_over_the_rate_limit_gets_a_tool_error() {
        let (client, gate, _entered, _dir) = connect(limits(2, 4, Duration::from_secs(30))).await;
        gate.add_permits(10);
        for _ in 0..2 {
            let ok = client.call_tool("wait", json!({})).await.expect("call");
            assert!(!ok.is_error(), "{ok:?}");
        }
        let limited = client.call_tool("wait", json!({})).await.expect("call");
        assert!(
            error_text(&limited).starts_with("rate limit exceeded: retry after "),
            "{limited:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_issuer_given_by_url_has_its_keys_found_through_its_metadata() {
    use mcp_auth::JwksSource;
    use mcp_auth::dev_server::DevAuthServer;
    use mcp_examples::tickets::oauth::IssuerJwks;

    let issuer = DevAuthServer::builder()
        .resource("http://127.0.0.1:1/mcp")
        .user("alice", "acme")
        .bind("127.0.0.1:0")
        .await
        .expect("bind");
    let fetched = IssuerJwks::new(issuer.issuer())
        .fetch()
        .await
        .expect("keys");
    assert_eq!(
        serde_json::to_value(fetched).expect("json"),
        serde_json::to_value(issuer.jwks()).expect("json")
    );
    // An issuer with no metadata is a clear failure, not a hang.
    let missing = IssuerJwks::new("http://127.0.0.1:9").fetch().await;
    assert!(missing.is_err());
    issuer.shutdown().await;
}
