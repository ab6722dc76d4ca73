//! Whole-server scripts for the stdio test binary, chosen by name.

use mcp_protocol::rt::Incoming;
use serde_json::json;

use super::scripted::{Scripted, params, reply};

/// Runs the script `name` until the client hangs up.
pub async fn run(name: &str, mut server: Scripted) {
    match name {
        // A 2025-06-18 server that does not know `server/discover`.
        "legacy" => {
            server.handshake("2025-06-18", json!({"tools": {}})).await;
        }
        // A 2026-07-28 server.
        "modern" => {
            server.discover(json!({"tools": {}})).await;
        }
        other => panic!("unknown script {other:?}"),
    }
    while let Some(item) = server.next().await {
        let Incoming::Request(request) = item else {
            continue;
        };
        let p = params(&request);
        match (request.method(), p["name"].as_str()) {
            ("tools/call", Some("exit")) => std::process::exit(3),
            ("tools/call", _) => {
                let version = p["_meta"]["io.modelcontextprotocol/protocolVersion"].clone();
                reply(
                    request,
                    json!({"content": [{"type": "text", "text": p["arguments"]["text"]}],
                           "structuredContent": {"version": version}}),
                );
            }
            ("ping", _) => reply(request, json!({})),
            _ => {
                request.respond_error(mcp_protocol::ErrorObject::method_not_found("?"));
            }
        }
    }
}
