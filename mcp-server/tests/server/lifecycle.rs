//! Lifecycle and base-protocol rules seen on the wire: `server/discover` without `_meta`,
//! `initialize` on a modern-only server, the in-flight cap's error code, and the order of a
//! `subscriptions/listen` stream's first and last messages. The client side is a raw
//! in-memory transport, so every message the server writes is seen as it is.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use mcp_protocol::jsonrpc::{ErrorCode, Message};
use mcp_protocol::rt::{Transport, memory};
use mcp_protocol::{ProtocolVersion, SupportedVersions};
use mcp_server::{NoArgs, RequestContext, Server, ToolDef};
use serde_json::{Value, json};
use tokio::task::JoinHandle;

use crate::support::*;

/// A server on one end of an in-memory pair; this test holds the other end raw.
struct Wire {
    end: memory::MemoryTransport,
    serving: JoinHandle<Result<(), mcp_server::ServeError>>,
}

impl Wire {
    fn connect(server: &Server) -> Self {
        let (end, theirs) = memory::pair(memory::Mode::Serialized);
        let server = server.clone();
        let serving = tokio::spawn(async move { server.serve(theirs).await });
        Self { end, serving }
    }

    async fn send(&mut self, message: Value) {
        let message = Message::from_slice(&serde_json::to_vec(&message).unwrap()).unwrap();
        self.end.send(message).await.expect("the server reads");
    }

    async fn request(&mut self, id: u64, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
            .await;
    }

    /// The next message the server wrote, as JSON; `None` once it closed its side.
    async fn next(&mut self) -> Option<Value> {
        let received = tokio::time::timeout(WAIT, self.end.recv())
            .await
            .expect("a message in time")?;
        let message = received.expect("transport").expect("a valid message");
        Some(serde_json::to_value(&message).unwrap())
    }

    /// Reads up to the response to `id`, returning it and what came before it.
    async fn answer(&mut self, id: u64) -> (Value, Vec<Value>) {
        let mut before = Vec::new();
        while let Some(m) = self.next().await {
            if m["id"] == id && m.get("method").is_none() {
                return (m, before);
            }
            before.push(m);
        }
        panic!("the connection ended before the answer to {id}; saw {before:?}");
    }
}

fn listen_params(notifications: Value) -> Value {
    params_2026(json!({ "notifications": notifications }), json!({}))
}

fn subscription_of(m: &Value) -> &Value {
    &m["params"]["_meta"]["io.modelcontextprotocol/subscriptionId"]
}

// requirement: 1.13
#[tokio::test]
async fn a_discover_without_meta_is_invalid_params() {
    let server = everything_server(Server::builder("t", "1"));
    let mut wire = Wire::connect(&server);
    for (id, params) in [
        (1, None),
        (2, Some(json!({}))),
        (3, Some(json!({"_meta": {}}))),
    ] {
        let mut request = json!({"jsonrpc": "2.0", "id": id, "method": "server/discover"});
        if let Some(params) = params {
            request["params"] = params;
        }
        wire.send(request).await;
        let (answer, _) = wire.answer(id).await;
        assert_eq!(answer["error"]["code"], -32602, "{answer}");
    }
    // With the required `_meta` it is answered.
    wire.request(4, "server/discover", params_2026(json!({}), json!({})))
        .await;
    let (answer, _) = wire.answer(4).await;
    assert!(answer["result"]["supportedVersions"].is_array(), "{answer}");
}

// requirement: 1.22
#[tokio::test]
async fn a_modern_only_server_names_its_versions_when_refusing_initialize() {
    let server = everything_server(
        Server::builder("t", "1").versions(SupportedVersions::new([ProtocolVersion::V2026_07_28])),
    );
    let mut wire = Wire::connect(&server);
    wire.request(
        1,
        "initialize",
        json!({"protocolVersion": "2025-11-25", "capabilities": {},
               "clientInfo": {"name": "legacy", "version": "0"}}),
    )
    .await;
    let (answer, _) = wire.answer(1).await;
    let error = &answer["error"];
    assert_eq!(error["code"], -32602, "{answer}");
    assert_eq!(
        error["data"]["supported"],
        json!(["2026-07-28"]),
        "{answer}"
    );
    assert_eq!(error["data"]["requested"], "2025-11-25", "{answer}");
    assert!(
        error["message"].as_str().unwrap().contains("2026-07-28"),
        "{answer}"
    );
}

// requirement: 1.10
#[tokio::test]
async fn the_in_flight_cap_answers_with_a_code_outside_the_reserved_range() {
    let release = Arc::new(tokio::sync::Notify::new());
    let server = Server::builder("cap", "0")
        .max_requests_in_flight(1)
        .build();
    server
        .add_tool(ToolDef::new("hold", {
            let release = release.clone();
            move |_: NoArgs, _: RequestContext| {
                let release = release.clone();
                async move {
                    release.notified().await;
                    "released"
                }
            }
        }))
        .unwrap();
    let mut wire = Wire::connect(&server);
    let call = params_2026(json!({"name": "hold"}), json!({}));
    wire.request(1, "tools/call", call.clone()).await;
    wire.request(2, "tools/call", call).await;
    let (refused, _) = wire.answer(2).await;
    let code = refused["error"]["code"].as_i64().expect("an error");
    assert_eq!(code, i64::from(ErrorCode::TOO_MANY_REQUESTS.0), "{refused}");
    // 2026-07-28 basic/index §Error Codes: not the legacy -32000…-32019, not the spec's own
    // -32020…-32099; new codes go outside -32768…-32000.
    assert!(!(-32768..=-32000).contains(&code), "{refused}");
    release.notify_one();
    let (held, _) = wire.answer(1).await;
    assert_eq!(held["result"]["content"][0]["text"], "released");
}

// requirement: 1.12
#[tokio::test]
async fn a_handlers_retired_32042_is_not_sent_in_2026() {
    use mcp_protocol::ErrorObject;
    use mcp_protocol::methods::{GetPromptResult, Prompt};
    let server = Server::builder("t", "1").build();
    server
        .add_prompt(mcp_server::PromptDef::new(
            Prompt::new("url"),
            |_args, _ctx| async move {
                Err::<GetPromptResult, _>(mcp_server::Error::from(ErrorObject::new(
                    ErrorCode::URL_ELICITATION_REQUIRED,
                    "open https://example.com",
                )))
            },
        ))
        .unwrap();
    let mut wire = Wire::connect(&server);
    wire.request(
        1,
        "prompts/get",
        params_2026(json!({"name": "url"}), json!({})),
    )
    .await;
    let (answer, _) = wire.answer(1).await;
    assert_eq!(answer["error"]["code"], -32603, "{answer}");
}

// requirement: 5.25
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_listen_acknowledgement_precedes_every_notification_of_its_subscription() {
    // 50 rounds of 8 listens opened at once, while two threads broadcast as fast as they
    // can: each listen is a chance for a broadcast to slip in ahead of its acknowledgement.
    const ROUNDS: u64 = 50;
    const AT_ONCE: u64 = 8;
    const BROADCASTS_PER_ROUND: u32 = 1_000;
    let server = everything_server(Server::builder("t", "1"));
    let mut wire = Wire::connect(&server);
    // Two threads that, at each round's start, broadcast a bounded burst as fast as they
    // can, until every listen of the round has its first message; between rounds they block
    // (no spinning: other tests share the cores).
    let settled = Arc::new(AtomicBool::new(false));
    let (gos, broadcasters): (Vec<_>, Vec<_>) = (0..2)
        .map(|_| {
            let (go, rounds) = std::sync::mpsc::channel::<()>();
            let (server, settled) = (server.clone(), settled.clone());
            let thread = std::thread::spawn(move || {
                while rounds.recv().is_ok() {
                    for _ in 0..BROADCASTS_PER_ROUND {
                        if settled.load(Ordering::Acquire) {
                            break;
                        }
                        server.notify_resource_updated("test://watched-resource");
                    }
                }
            });
            (go, thread)
        })
        .unzip();
    for round in 0..ROUNDS {
        let ids: Vec<u64> = (1..=AT_ONCE).map(|k| round * AT_ONCE + k).collect();
        settled.store(false, Ordering::Release);
        for go in &gos {
            go.send(()).unwrap();
        }
        for &id in &ids {
            wire.request(
                id,
                "subscriptions/listen",
                listen_params(json!({"resourceSubscriptions": ["test://watched-resource"]})),
            )
            .await;
        }
        // The first message of each subscription must be its acknowledgement.
        let mut seen = std::collections::BTreeSet::new();
        while seen.len() < ids.len() {
            let m = wire.next().await.expect("the connection stays open");
            let Some(id) = subscription_of(&m).as_u64().or_else(|| m["id"].as_u64()) else {
                continue;
            };
            if ids.contains(&id) && seen.insert(id) {
                assert_eq!(
                    m["method"], "notifications/subscriptions/acknowledged",
                    "subscription {id}: its first message was {m}"
                );
            }
        }
        settled.store(true, Ordering::Release);
        for id in ids {
            wire.send(
                json!({"jsonrpc": "2.0", "method": "notifications/cancelled",
                             "params": {"requestId": id}}),
            )
            .await;
        }
    }
    drop(gos);
    for b in broadcasters {
        b.join().unwrap();
    }
}

/// Opens subscription 1 and reads up to its acknowledgement.
async fn open_listen(wire: &mut Wire) {
    wire.request(
        1,
        "subscriptions/listen",
        listen_params(json!({"toolsListChanged": true})),
    )
    .await;
    let ack = wire.next().await.expect("the acknowledgement");
    assert_eq!(
        ack["method"], "notifications/subscriptions/acknowledged",
        "{ack}"
    );
}

/// After a teardown by the server: `notifications/cancelled` for the listen request (with
/// the subscription's id), then the `complete` result naming the subscription.
async fn expect_teardown(wire: &mut Wire) {
    let (result, before) = wire.answer(1).await;
    let cancelled: Vec<_> = before
        .iter()
        .filter(|m| m["method"] == "notifications/cancelled")
        .collect();
    assert_eq!(
        cancelled.len(),
        1,
        "one cancellation before the result: {before:?}"
    );
    assert_eq!(cancelled[0]["params"]["requestId"], 1);
    assert_eq!(*subscription_of(cancelled[0]), 1);
    assert_eq!(result["result"]["resultType"], "complete", "{result}");
    assert_eq!(
        result["result"]["_meta"]["io.modelcontextprotocol/subscriptionId"], 1,
        "{result}"
    );
}

// requirement: 5.26
// requirement: 7.4
#[tokio::test]
async fn shutdown_cancels_each_subscription_then_answers_it() {
    let server = everything_server(Server::builder("t", "1"));
    let mut wire = Wire::connect(&server);
    open_listen(&mut wire).await;
    server.shutdown();
    expect_teardown(&mut wire).await;
    tokio::time::timeout(WAIT, wire.serving)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
}

// requirement: 5.26
// requirement: 7.4
#[tokio::test]
async fn the_end_of_the_input_cancels_each_subscription_then_answers_it() {
    let server = everything_server(Server::builder("t", "1"));
    let mut wire = Wire::connect(&server);
    open_listen(&mut wire).await;
    // The client stops writing (stdin closes); the server can still write.
    wire.end.close().await.unwrap();
    expect_teardown(&mut wire).await;
}

// requirement: 7.4
#[tokio::test]
async fn a_subscription_the_client_cancels_gets_no_cancellation_from_the_server() {
    let server = everything_server(Server::builder("t", "1"));
    let mut wire = Wire::connect(&server);
    open_listen(&mut wire).await;
    wire.send(
        json!({"jsonrpc": "2.0", "method": "notifications/cancelled",
                     "params": {"requestId": 1}}),
    )
    .await;
    wire.request(2, "ping", params_2026(json!({}), json!({})))
        .await;
    let (_, before) = wire.answer(2).await;
    // basic/patterns/cancellation: "Servers MUST NOT send notifications/cancelled for any
    // other purpose" than tearing a subscription down themselves; nor is the cancelled
    // request answered.
    assert!(
        before
            .iter()
            .all(|m| m["method"] != "notifications/cancelled" && m["id"] != 1),
        "{before:?}"
    );
}

/// Over Streamable HTTP, with a real socket.
#[cfg(feature = "http")]
mod http {
    use mcp_server::http::HttpConfig;
    use serde_json::{Value, json};

    use crate::support::http::{Events, HttpHarness};
    use crate::support::meta_2026;

    // requirement: 5.26
    // requirement: 7.4
    #[tokio::test]
    async fn shutdown_ends_a_listen_stream_with_cancelled_then_its_result() {
        let h = HttpHarness::start(HttpConfig::new()).await;
        let r = h
            .post_2026(
                1,
                "subscriptions/listen",
                None,
                json!({"notifications": {"toolsListChanged": true}, "_meta": meta_2026(json!({}))}),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let mut events = Events::new(r);
        let (_, ack) = events.message().await.unwrap();
        assert_eq!(ack["method"], "notifications/subscriptions/acknowledged");
        h.server.shutdown();
        let (_, cancelled) = events.message().await.expect("notifications/cancelled");
        assert_eq!(
            cancelled["method"], "notifications/cancelled",
            "{cancelled}"
        );
        assert_eq!(cancelled["params"]["requestId"], 1, "{cancelled}");
        let (_, result) = events.message().await.expect("the listen result");
        assert_eq!(result["id"], 1, "{result}");
        assert_eq!(result["result"]["resultType"], "complete", "{result}");
        assert_eq!(
            result["result"]["_meta"]["io.modelcontextprotocol/subscriptionId"], 1,
            "{result}"
        );
    }

    // requirement: 1.13
    #[tokio::test]
    async fn a_discover_with_neither_meta_nor_the_version_header_is_400_invalid_params() {
        let h = HttpHarness::start(HttpConfig::new()).await;
        for params in [None, Some(json!({}))] {
            let mut body = json!({"jsonrpc": "2.0", "id": 7, "method": "server/discover"});
            if let Some(params) = params {
                body["params"] = params;
            }
            let r = h.post().body(body.to_string()).send().await.unwrap();
            assert_eq!(r.status(), 400);
            let answer: Value = r.json().await.unwrap();
            assert_eq!(answer["error"]["code"], -32602, "{answer}");
            assert_eq!(answer["id"], 7, "{answer}");
        }
    }

    // requirement: 3.40
    #[tokio::test]
    async fn a_posted_response_without_a_session_is_400() {
        let h = HttpHarness::start(HttpConfig::new()).await;
        let r = h
            .post()
            .header("mcp-protocol-version", "2026-07-28")
            .body(json!({"jsonrpc": "2.0", "id": 1, "result": {}}).to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400);
        let answer: Value = r.json().await.unwrap();
        assert_eq!(answer["error"]["code"], -32600, "{answer}");
    }
}
