//! The test peer: answers a handful of test methods. Used in process over the memory
//! transport and, through `examples/echo_peer.rs`, as a real child process over stdio.
//!
//! - `ping`: `{}`.
//! - `test/echo`: its params, as the result.
//! - `test/sleep {"ms": N}`: answers `{"slept": N}` after N ms; if cancelled first, sends the
//!   notification `test/cancelled {"requestId": id}` instead of an answer.
//! - `test/progress {"steps": N}`: N progress notifications, then `{}`.
//! - anything else: -32601.

use std::time::Duration;

use mcp_protocol::jsonrpc::{ErrorObject, ResultOrError, to_raw};
use mcp_protocol::rt::{Incoming, IncomingRequest, IncomingStream, Peer};
use serde_json::{Value, json};

/// Serves until the connection closes.
pub(crate) async fn serve(peer: Peer, mut incoming: IncomingStream) {
    while let Some(msg) = incoming.next().await {
        if let Incoming::Request(req) = msg {
            tokio::spawn(handle(req, peer.clone()));
        }
    }
}

fn params(req: &IncomingRequest) -> Value {
    req.params()
        .and_then(|p| serde_json::from_str(p.get()).ok())
        .unwrap_or(Value::Null)
}

async fn handle(req: IncomingRequest, peer: Peer) {
    match req.method() {
        "ping" => {
            req.respond_raw(ResultOrError::Result(to_raw(&json!({})).unwrap()));
        }
        "test/echo" => {
            let p = params(&req);
            req.respond_raw(ResultOrError::Result(to_raw(&p).unwrap()));
        }
        "test/sleep" => {
            let ms = params(&req)["ms"].as_u64().unwrap_or(0);
            let wait = tokio::time::timeout(Duration::from_millis(ms), req.cancelled()).await;
            if wait.is_ok() {
                let note = to_raw(&json!({ "requestId": req.id() })).unwrap();
                let _ = peer.notify_raw("test/cancelled", Some(note));
                // The engine swallows this answer: the peer cancelled.
                assert!(!req.respond_raw(ResultOrError::Result(to_raw(&json!({})).unwrap())));
            } else {
                req.respond_raw(ResultOrError::Result(
                    to_raw(&json!({ "slept": ms })).unwrap(),
                ));
            }
        }
        "test/progress" => {
            let steps = params(&req)["steps"].as_u64().unwrap_or(1);
            for i in 1..=steps {
                req.progress(i as f64, Some(steps as f64), None);
            }
            req.respond_raw(ResultOrError::Result(to_raw(&json!({})).unwrap()));
        }
        other => {
            let e = ErrorObject::method_not_found(other);
            req.respond_error(e);
        }
    }
}
