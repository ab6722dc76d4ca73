//! The driver and the typed handle over the in-memory transport, in both modes.

use std::time::Duration;

use futures::future::join_all;
use mcp_protocol::Side;
use mcp_protocol::engine::{EngineConfig, RequestOptions};
use mcp_protocol::jsonrpc::ErrorCode;
use mcp_protocol::methods::Ping;
use mcp_protocol::rt::{self, Incoming, IncomingStream, RequestError, memory};
use mcp_protocol::types::{EmptyResult, RequestParams};
use serde_json::{Value, json};

use crate::support::{memory_client, raw, within};

const MODES: [memory::Mode; 2] = [memory::Mode::Direct, memory::Mode::Serialized];

fn value(raw: &serde_json::value::RawValue) -> Value {
    serde_json::from_str(raw.get()).unwrap()
}

/// The next `test/cancelled` notification's request id.
async fn next_cancelled(incoming: &mut IncomingStream) -> Value {
    loop {
        match within(incoming.next()).await.expect("connection open") {
            Incoming::Notification(n) if n.method == "test/cancelled" => {
                return value(n.params.as_deref().unwrap())["requestId"].clone();
            }
            _ => {}
        }
    }
}

#[tokio::test]
async fn typed_request_and_response() {
    for mode in MODES {
        let (client, _incoming) = memory_client(mode);
        let pong =
            within(client.request::<Ping>(&RequestParams::default(), RequestOptions::new())).await;
        assert_eq!(pong.unwrap(), EmptyResult::default());
        let echoed = within(client.request_raw(
            "test/echo",
            raw(json!({"a": [1, "x"]})),
            RequestOptions::new(),
        ))
        .await;
        assert_eq!(value(&echoed.unwrap()), json!({"a": [1, "x"]}));
        let missing = within(client.request_raw("nope", None, RequestOptions::new())).await;
        assert!(
            matches!(missing, Err(RequestError::Remote(e)) if e.code == ErrorCode::METHOD_NOT_FOUND)
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_answered_out_of_order() {
    for mode in MODES {
        let (client, _incoming) = memory_client(mode);
        // Later requests sleep less, so answers come back in reverse.
        let calls = (0..20u64).map(|i| {
            client.request_raw(
                "test/sleep",
                raw(json!({"ms": (20 - i) * 5})),
                RequestOptions::new(),
            )
        });
        let results = within(join_all(calls)).await;
        for (i, r) in results.into_iter().enumerate() {
            assert_eq!(value(&r.unwrap())["slept"], (20 - i as u64) * 5);
        }
    }
}

// requirement: 7.2
#[tokio::test]
async fn dropping_the_request_future_cancels_on_the_other_side() {
    for mode in MODES {
        let (client, mut incoming) = memory_client(mode);
        let call = client.request_raw(
            "test/sleep",
            raw(json!({"ms": 60_000})),
            RequestOptions::new(),
        );
        let id = call.id().unwrap();
        // Let the request reach the server, then lose interest.
        let _ = tokio::time::timeout(Duration::from_millis(50), call).await;
        assert_eq!(next_cancelled(&mut incoming).await, json!(id));
        // The connection carries on.
        let pong =
            within(client.request::<Ping>(&RequestParams::default(), RequestOptions::new())).await;
        assert!(pong.is_ok());
    }
}

// requirement: 2.10
#[tokio::test]
async fn a_timeout_fails_the_request_and_cancels_it_on_the_other_side() {
    for mode in MODES {
        let (client, mut incoming) = memory_client(mode);
        let opts = RequestOptions::new().timeout(Duration::from_millis(50));
        let call = client.request_raw("test/sleep", raw(json!({"ms": 60_000})), opts);
        let id = call.id().unwrap();
        assert!(matches!(within(call).await, Err(RequestError::TimedOut)));
        assert_eq!(next_cancelled(&mut incoming).await, json!(id));
    }
}

#[tokio::test]
async fn typed_progress_stream() {
    for mode in MODES {
        let (a, b) = memory::pair(mode);
        let (client, _ci) = rt::connect(a, Side::Client, EngineConfig::new());
        let (_server, mut server_incoming) = rt::connect(b, Side::Server, EngineConfig::new());
        tokio::spawn(async move {
            while let Some(Incoming::Request(req)) = server_incoming.next().await {
                for i in 1..=3 {
                    assert!(req.progress(f64::from(i), Some(3.0), Some(format!("step {i}"))));
                }
                req.respond::<Ping>(&EmptyResult::default());
            }
        });
        let (call, mut progress) =
            client.request_with_progress::<Ping>(&RequestParams::default(), RequestOptions::new());
        within(call).await.unwrap();
        let mut seen = Vec::new();
        while let Some(p) = within(progress.recv()).await {
            seen.push((p.progress, p.message));
        }
        assert_eq!(
            seen,
            (1..=3)
                .map(|i| (f64::from(i), Some(format!("step {i}"))))
                .collect::<Vec<_>>()
        );
    }
}

#[tokio::test]
async fn closing_fails_pending_requests_and_ends_the_streams() {
    for mode in MODES {
        let (client, mut incoming) = memory_client(mode);
        let call = client.request_raw(
            "test/sleep",
            raw(json!({"ms": 60_000})),
            RequestOptions::new(),
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
        client.close();
        assert!(matches!(within(call).await, Err(RequestError::Closed(_))));
        assert!(within(incoming.next()).await.is_none());
        let late =
            within(client.request::<Ping>(&RequestParams::default(), RequestOptions::new())).await;
        assert!(matches!(late, Err(RequestError::Closed(_))));
    }
}

#[tokio::test]
async fn the_peer_hanging_up_closes_the_connection() {
    let (a, b) = memory::pair(memory::Mode::Direct);
    let (client, _ci) = rt::connect(a, Side::Client, EngineConfig::new());
    let (server, server_incoming) = rt::connect(b, Side::Server, EngineConfig::new());
    let call = client.request::<Ping>(&RequestParams::default(), RequestOptions::new());
    // The server never answers and goes away.
    drop((server, server_incoming));
    assert!(matches!(within(call).await, Err(RequestError::Closed(_))));
}
