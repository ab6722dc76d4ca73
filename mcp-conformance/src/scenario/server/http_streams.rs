//! `http/concurrent-streams` (MUST, 2025-03-26 on): several requests POSTed at once, each
//! answered on its own response. 2025-11-25 basic/transports §Multiple Connections 1: "The
//! client **MAY** remain connected to multiple SSE streams simultaneously"; §Sending Messages
//! to the Server 5: "If the input is a JSON-RPC *request*, the server **MUST** either return
//! `Content-Type: text/event-stream` ... or `Content-Type: application/json`"; §Multiple
//! Connections 2: "The server **MUST** send each of its JSON-RPC messages on only one of the
//! connected streams". 2026-07-28 streamable-http: "The server answers each request with
//! either a single JSON object or a Server-Sent Events (SSE) stream scoped to that request".
//! A server that refuses a request because another is open (409), or that answers one
//! request on another's stream, fails. The counterpart of the official
//! `server-sse-multiple-streams`. Skipped for 2024-11-05 (HTTP+SSE, one stream).

use futures::FutureExt;
use futures::future::join_all;
use mcp_protocol::ProtocolVersion;
use reqwest::Response;
use serde_json::{Value, json};

use super::http::served;
use super::http_post::{agreed_header, in_session_post, post};
use super::{Halt, ServerScenario, judge, scenario};
use crate::scenario::{Outcome, Severity};
use crate::target::raw::{EventReader, PROTOCOL_VERSION, is_sse, read_bounded};
use crate::target::{Target, clip};

pub(super) fn scenarios() -> Vec<ServerScenario> {
    vec![scenario(
        "http/concurrent-streams",
        "2025-03-26..2025-11-25 basic/transports §Multiple Connections 1, 2, §Sending Messages to the Server 5; 2026-07-28 streamable-http (a response per request, scoped to it)",
        Severity::Must,
        |t, v| concurrent_streams(t, v).boxed(),
    )
        .checks(&["3.17"])]
}

/// How many requests are POSTed at once (as the official scenario does).
const AT_ONCE: usize = 3;

/// The most bytes of one SSE event read.
const MAX_EVENT: usize = 1 << 20;

/// What came back on one response: the messages, or why it could not be read.
async fn messages(response: Response) -> Result<Vec<Value>, String> {
    if !is_sse(&response) {
        let body = read_bounded(response).await.map_err(|e| e.to_string())?;
        let message = serde_json::from_slice(&body).map_err(|e| {
            format!(
                "a body that is not JSON ({e}): {}",
                clip(&String::from_utf8_lossy(&body))
            )
        })?;
        return Ok(vec![message]);
    }
    let mut response = response;
    let mut reader = EventReader::new(MAX_EVENT);
    let mut out = Vec::new();
    // Bounded: the caller gives up after the answer wait; the stream is read until it
    // ends or delivers a response (which SHOULD end it).
    while let Some(chunk) = response.chunk().await.map_err(|e| e.to_string())? {
        let mut events = Vec::new();
        reader
            .feed(&chunk, &mut events)
            .map_err(|e| format!("an SSE event longer than {} bytes", e.0))?;
        for data in events {
            let message: Value = serde_json::from_slice(&data).map_err(|e| {
                format!(
                    "an event that is not JSON ({e}): {}",
                    clip(&String::from_utf8_lossy(&data))
                )
            })?;
            let response = message.get("method").is_none();
            out.push(message);
            if response {
                return Ok(out);
            }
        }
    }
    Ok(out)
}

async fn concurrent_streams(target: &Target, version: ProtocolVersion) -> Outcome {
    if version == ProtocolVersion::V2024_11_05 {
        return Outcome::skip("2024-11-05 defines HTTP+SSE, whose answers share one stream");
    }
    let (url, mut c) = match served(target, version).await {
        Ok(opened) => opened,
        Err(outcome) => return outcome,
    };
    let verdict = async {
        let client = target.http_client().map_err(|e| e.to_string())?;
        let ids: Vec<String> = (1..=AT_ONCE).map(|i| format!("concurrent-{i}")).collect();
        let mut requests = Vec::new();
        for id in &ids {
            let request = if c.stateless() {
                // `server/discover` is the one request every 2026-07-28 server answers.
                let params = c.stamp(json!({}));
                let message =
                    json!({"jsonrpc": "2.0", "id": id, "method": "server/discover", "params": params});
                let headers = [
                    (PROTOCOL_VERSION, version.as_str()),
                    ("mcp-method", "server/discover"),
                ];
                post(&client, url, &message, &headers)
            } else {
                let message = json!({"jsonrpc": "2.0", "id": id, "method": "ping"});
                in_session_post(&c, &client, url, &message, agreed_header(version))
            };
            c.note(format!("→ a POST of request {id}, sent with the others at once"));
            requests.push(async move {
                let response = request.send().await.map_err(|e| e.to_string())?;
                let status = response.status();
                if !status.is_success() {
                    let body = read_bounded(response).await.unwrap_or_default();
                    return Err(format!("HTTP {status} {}", clip(&String::from_utf8_lossy(&body))));
                }
                messages(response).await
            });
        }
        let answers = tokio::time::timeout(c.answer_wait(), join_all(requests))
            .await
            .map_err(|_| {
                format!(
                    "{AT_ONCE} requests POSTed at once were not all answered within {:.1} s",
                    c.answer_wait().as_secs_f64()
                )
            })?;
        for (id, answer) in ids.iter().zip(answers) {
            let messages = answer.map_err(|e| {
                format!("the POST of request {id}, sent while the others were open, got {e}")
            })?;
            for m in &messages {
                c.note(format!("← on the answer to {id}: {}", clip(&m.to_string())));
            }
            let responses: Vec<&Value> =
                messages.iter().filter(|m| m.get("method").is_none()).collect();
            if let Some(other) = responses.iter().find(|m| m["id"] != json!(id)) {
                return Err(Halt::Fail(format!(
                    "the answer to request {id} carried the response to {}: each message goes \
                     on one stream, the one of its request",
                    other["id"]
                )));
            }
            if responses.is_empty() {
                return Err(Halt::Fail(format!(
                    "the answer to request {id} ended without its response"
                )));
            }
        }
        Ok(())
    }
    .await;
    judge(&mut c, verdict)
}
