//! The scripted server of 2026-07-28 (basic/versioning, basic/transports/streamable-http):
//! no handshake and no session; it answers `server/discover` and every request that names
//! 2026-07-28 in `_meta`.

use mcp_protocol::ProtocolVersion;
use serde_json::{Value, json};

use super::wire::{Answer, Script, Seen};

/// The `_meta` key naming a request's protocol version.
pub(crate) const VERSION_KEY: &str = "io.modelcontextprotocol/protocolVersion";

/// The 2026-07-28 script.
#[derive(Debug, Default)]
pub(crate) struct StatelessScript;

fn cacheable(mut result: Value) -> Value {
    result["ttlMs"] = json!(0);
    result["cacheScope"] = json!("public");
    result["resultType"] = json!("complete");
    result
}

impl Script for StatelessScript {
    fn answer(&mut self, seen: &Seen) -> Answer {
        if seen.method != "POST" {
            // 2026-07-28 streamable-http: no standalone stream, no session to delete.
            return Answer::status(405);
        }
        let Some(first) = seen.messages().first().copied().cloned() else {
            return Answer::status(400);
        };
        let (Some(method), Some(id)) =
            (first.get("method").and_then(Value::as_str), first.get("id"))
        else {
            return Answer::status(202);
        };
        let asked = first["params"]["_meta"][VERSION_KEY].as_str();
        if method != "server/discover" && asked != Some("2026-07-28") {
            let e = json!({"code": -32022, "message": "unsupported protocol version",
                "data": {"requested": asked, "supported": ["2026-07-28"]}});
            return Answer::json(json!({"jsonrpc": "2.0", "id": id, "error": e}));
        }
        let tool = json!({"name": "ping_tool", "description": "Says pong.",
            "inputSchema": {"type": "object", "properties": {}}});
        let result = match method {
            "server/discover" => cacheable(json!({"supportedVersions": ["2026-07-28"],
                "capabilities": {"tools": {}}})),
            "tools/list" => cacheable(json!({"tools": [tool]})),
            "tools/call" => json!({"content": [{"type": "text", "text": "pong"}],
                "resultType": "complete"}),
            "ping" => json!({}),
            _ => {
                return Answer::json(json!({"jsonrpc": "2.0", "id": id,
                    "error": {"code": -32601, "message": format!("method not found: {method}")}}));
            }
        };
        Answer::json(json!({"jsonrpc": "2.0", "id": id, "result": result}))
    }

    fn speaking(&self) -> ProtocolVersion {
        ProtocolVersion::V2026_07_28
    }
}
