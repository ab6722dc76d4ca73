//! The scripted server of the session era (2024-11-05 to 2025-11-25): `initialize` opens a
//! session (`Mcp-Session-Id`), notifications get 202, and each plan adds its tools: a plain
//! one, `add_numbers`, an elicitation with defaults, or a stream that breaks after a priming
//! event with `retry:`.

use mcp_protocol::ProtocolVersion;
use serde_json::{Value, json};
use tokio::sync::mpsc::UnboundedSender;

use super::wire::{Answer, Script, Seen, event};

/// What the server does beyond the handshake.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Plan {
    /// Lists one tool.
    Initialize,
    /// Lists `add_numbers` and adds.
    ToolsCall,
    /// `test_client_elicitation_defaults` asks for a form whose fields all have defaults.
    ElicitationDefaults,
    /// `test_reconnection` answers on a stream that closes after a priming event.
    SseRetry,
    /// Answers `initialize` with an older version than the client asked for.
    VersionFallback,
    /// Ends the first session at the first request in it (404); a second session lives on.
    SessionExpired,
}

/// The session id this server issues (first).
pub(crate) const SESSION: &str = "conformance-session-1";
/// The id of the second session (after the first expired).
pub(crate) const SECOND_SESSION: &str = "conformance-session-2";
/// The id of the server's elicitation request.
pub(crate) const ELICIT_ID: &str = "elicit-1";
/// The `retry:` of the priming event, in milliseconds.
pub(crate) const RETRY_MS: u64 = 500;
/// The id of the priming event.
pub(crate) const PRIMING_ID: &str = "conformance-event-1";

/// The form of the elicitation scenario: every field optional, every one with a default.
/// `score` is a number with a whole default: `ElicitResult.content` admits only strings,
/// integers, booleans (and string arrays) in every schema from 2025-06-18, so the official
/// scenario's default of 95.5 cannot be answered with a valid message.
pub(crate) fn defaults_form() -> Value {
    json!({"type": "object", "properties": {
        "name": {"type": "string", "default": "John Doe"},
        "age": {"type": "integer", "default": 30},
        "score": {"type": "number", "default": 95},
        "status": {"type": "string", "enum": ["active", "inactive", "pending"], "default": "active"},
        "verified": {"type": "boolean", "default": true}
    }, "required": []})
}

/// The session-era script.
#[derive(Debug)]
pub(crate) struct SessionScript {
    plan: Plan,
    negotiated: Option<ProtocolVersion>,
    elicitation: Option<(Value, UnboundedSender<String>)>,
    reconnect: Option<Value>,
    sessions: u32,
}

impl SessionScript {
    pub(crate) fn new(plan: Plan) -> Self {
        Self {
            plan,
            negotiated: None,
            elicitation: None,
            reconnect: None,
            sessions: 0,
        }
    }

    fn tool(&self) -> Value {
        let empty = json!({"type": "object", "properties": {}});
        match self.plan {
            Plan::ToolsCall => json!({"name": "add_numbers", "description": "Adds a and b.",
                "inputSchema": {"type": "object", "properties": {
                    "a": {"type": "number"}, "b": {"type": "number"}}, "required": ["a", "b"]}}),
            Plan::ElicitationDefaults => json!({"name": "test_client_elicitation_defaults",
                "description": "Asks for a form whose fields all have defaults.", "inputSchema": empty}),
            Plan::SseRetry => json!({"name": "test_reconnection",
                "description": "Answers after the stream is resumed.", "inputSchema": empty}),
            Plan::Initialize | Plan::VersionFallback | Plan::SessionExpired => {
                json!({"name": "ping_tool", "description": "Says pong.", "inputSchema": empty})
            }
        }
    }

    fn initialize(&mut self, id: &Value, params: &Value) -> Answer {
        let asked = params["protocolVersion"].as_str().unwrap_or_default();
        let session_era = |v: &ProtocolVersion| v.has_handshake();
        let asked = ProtocolVersion::parse(asked).filter(session_era);
        let agreed = match (self.plan, asked) {
            (Plan::VersionFallback, Some(v)) if v > ProtocolVersion::V2025_06_18 => {
                ProtocolVersion::V2025_06_18
            }
            (Plan::VersionFallback, _) => ProtocolVersion::V2024_11_05,
            (_, Some(v)) => v,
            (_, None) => ProtocolVersion::V2025_11_25,
        };
        self.negotiated = Some(agreed);
        self.sessions += 1;
        let result = json!({"protocolVersion": agreed.as_str(),
            "capabilities": {"tools": {}},
            "serverInfo": {"name": "mcp-conformance-scripted", "version": env!("CARGO_PKG_VERSION")}});
        Answer::json(json!({"jsonrpc": "2.0", "id": id, "result": result})).with(
            "mcp-session-id",
            if self.sessions == 1 {
                SESSION
            } else {
                SECOND_SESSION
            },
        )
    }

    fn call(&mut self, id: &Value, params: &Value) -> Answer {
        let text = |t: &str| json!({"content": [{"type": "text", "text": t}]});
        match self.plan {
            Plan::ToolsCall => {
                let sum = params["arguments"]["a"].as_f64().unwrap_or(f64::NAN)
                    + params["arguments"]["b"].as_f64().unwrap_or(f64::NAN);
                ok(id, text(&format!("{sum}")))
            }
            Plan::ElicitationDefaults => {
                let (answer, tx) = Answer::sse();
                let ask = json!({"jsonrpc": "2.0", "id": ELICIT_ID, "method": "elicitation/create",
                    "params": {"message": "Accept with the defaults", "requestedSchema": defaults_form()}});
                let _ = tx.send(event(None, None, &ask.to_string()));
                self.elicitation = Some((id.clone(), tx));
                answer
            }
            Plan::SseRetry => {
                // 2025-11-25 basic/transports §Resumability: the server may close the stream
                // after a priming event; the client reconnects after `retry`.
                let (answer, tx) = Answer::sse();
                let _ = tx.send(event(Some(PRIMING_ID), Some(RETRY_MS), ""));
                self.reconnect = Some(id.clone());
                answer
            }
            Plan::Initialize | Plan::VersionFallback | Plan::SessionExpired => ok(id, text("pong")),
        }
    }

    fn post(&mut self, seen: &Seen) -> Answer {
        let Some(first) = seen.messages().first().copied().cloned() else {
            return Answer {
                status: 400,
                ..Answer::json(json!({"jsonrpc": "2.0", "id": null,
                    "error": {"code": -32700, "message": "the body is not JSON-RPC"}}))
            };
        };
        let Some(method) = first.get("method").and_then(Value::as_str) else {
            // A response: the answer to the elicitation finishes the tool call.
            if first["id"] == ELICIT_ID
                && let Some((call, tx)) = self.elicitation.take()
            {
                let content = first["result"]["content"].clone();
                let done = json!({"jsonrpc": "2.0", "id": call, "result": {"content": [
                    {"type": "text", "text": format!("received {content}")}]}});
                let _ = tx.send(event(None, None, &done.to_string()));
            }
            return Answer::status(202);
        };
        let Some(id) = first.get("id") else {
            return Answer::status(202);
        };
        // 2025-11-25 basic/transports §Session Management 3: a session the server ended is
        // answered 404.
        if self.plan == Plan::SessionExpired
            && method != "initialize"
            && seen.header("mcp-session-id") == Some(SESSION)
        {
            return Answer::status(404);
        }
        let params = first.get("params").cloned().unwrap_or(Value::Null);
        match method {
            "initialize" => self.initialize(id, &params),
            "ping" => ok(id, json!({})),
            "tools/list" => ok(id, json!({"tools": [self.tool()]})),
            "tools/call" => self.call(id, &params),
            // A session-era server does not know the 2026-07-28 probe (basic/versioning
            // §Backward Compatibility: the client falls back to `initialize`).
            _ => Answer::json(json!({"jsonrpc": "2.0", "id": id,
                "error": {"code": -32601, "message": format!("method not found: {method}")}})),
        }
    }
}

fn ok(id: &Value, result: Value) -> Answer {
    Answer::json(json!({"jsonrpc": "2.0", "id": id, "result": result}))
}

impl Script for SessionScript {
    fn answer(&mut self, seen: &Seen) -> Answer {
        match seen.method.as_str() {
            "POST" => self.post(seen),
            "DELETE" => Answer::status(200),
            "GET" if seen.header("last-event-id") == Some(PRIMING_ID) => {
                match self.reconnect.take() {
                    Some(call) => {
                        let (answer, tx) = Answer::sse();
                        let done = json!({"jsonrpc": "2.0", "id": call, "result": {"content": [
                            {"type": "text", "text": "resumed"}]}});
                        let _ =
                            tx.send(event(Some("conformance-event-2"), None, &done.to_string()));
                        answer
                    }
                    None => Answer::status(405),
                }
            }
            // No standalone stream (basic/transports §Listening for Messages from the Server).
            _ => Answer::status(405),
        }
    }

    fn speaking(&self) -> ProtocolVersion {
        self.negotiated.unwrap_or(ProtocolVersion::V2025_11_25)
    }
}
