//! The guard every tool call passes ([`App::call`]), exercised through a real dispatch
//! (in-memory transport, our client) with an extra tool that waits on the test.

use std::sync::Arc;
use std::time::Duration;

use mcp_auth::Principal;
use mcp_client::Client;
use mcp_examples::tickets::access::{SCOPES, ToolError};
use mcp_examples::tickets::limits::LimitsConfig;
use mcp_examples::tickets::store::{Store, StoreConfig};
use mcp_examples::tickets::{self, App};
use mcp_protocol::rt::memory;
use mcp_server::{Json, RequestContext, State, ToolDef};
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
    // The server was built with the App as its state: a tool added later gets it too.
    server
        .add_tool(ToolDef::with_state(
            "wait",
            move |State(app): State<App>, args: WaitArgs, ctx: RequestContext| {
                let (g, e) = (g.clone(), e.clone());
                async move {
                    app.call(&ctx, "wait", args, |_, _| async move {
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
    let (client, _gate, _entered, _dir) = connect(limits(100, 4, Duration::from_millis(200))).await;
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
