//! `mcp-conformance fixture-server --fault NAME`: a small server written at the wire level
//! (newline-delimited JSON on stdio) that is conformant except for one deliberate fault, so
//! the tests can prove that each fault fails the scenarios that look at it, and only those.
//! Hidden from `--help`: it is a test fixture, not a product.

use std::io::{BufRead, Write};

use serde_json::{Value, json};

/// The deliberate faults.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Fault {
    /// None: a conformant server.
    None,
    /// An unknown method gets -32603 instead of -32601.
    WrongErrorCode,
    /// The tool has no `inputSchema`.
    NoInputSchema,
    /// `prompts` is advertised, but `prompts/list` is not served.
    UnservedCapability,
    /// A tool call without its required argument kills the process.
    CrashOnBadArgument,
    /// The `add` tool kills the process when a term is above 1000 (a fault only
    /// property-based probing finds: the hand-written scenarios send small numbers).
    CrashOnLargeNumber,
}

/// The largest term `add` survives under [`Fault::CrashOnLargeNumber`].
const LARGEST_TERM: i64 = 1000;

const VERSIONS: [&str; 5] = [
    "2024-11-05",
    "2025-03-26",
    "2025-06-18",
    "2025-11-25",
    "2026-07-28",
];

/// Serves stdin/stdout until stdin closes.
pub(crate) fn serve(fault: Fault) -> std::io::Result<()> {
    let stdin = std::io::stdin().lock();
    let mut stdout = std::io::stdout().lock();
    for line in stdin.lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        if let Some(reply) = answer(fault, &line) {
            writeln!(stdout, "{reply}")?;
            stdout.flush()?;
        }
    }
    Ok(())
}

fn error(id: Option<&Value>, code: i64, message: &str) -> Value {
    let mut reply = json!({"jsonrpc": "2.0", "error": {"code": code, "message": message}});
    if let Some(id) = id {
        reply["id"] = id.clone();
    }
    reply
}

fn answer(fault: Fault, line: &str) -> Option<Value> {
    let Ok(message) = serde_json::from_str::<Value>(line) else {
        return Some(error(None, -32700, "parse error"));
    };
    let id = message.get("id");
    let Some(method) = message.get("method").and_then(Value::as_str) else {
        // A response (to nothing: this server sends no requests) or an invalid request.
        return id.map(|id| error(Some(id), -32600, "invalid request: no method"));
    };
    let id = id?; // notifications get no answer
    let params = message.get("params").cloned().unwrap_or_else(|| json!({}));
    if let Some(v) = params["_meta"]["io.modelcontextprotocol/protocolVersion"].as_str()
        && !VERSIONS.contains(&v)
    {
        let mut e = error(Some(id), -32022, "unsupported protocol version");
        e["error"]["data"] = json!({"requested": v, "supported": VERSIONS});
        return Some(e);
    }
    let stateless = params["_meta"]["io.modelcontextprotocol/protocolVersion"] == "2026-07-28";
    let mut capabilities = json!({"tools": {}});
    if fault == Fault::UnservedCapability {
        capabilities["prompts"] = json!({});
    }
    let mut tool = json!({"name": "echo", "description": "Echoes its text.",
        "inputSchema": {"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]}});
    if fault == Fault::NoInputSchema {
        tool.as_object_mut().map(|t| t.remove("inputSchema"));
    }
    let result = match method {
        "initialize" => {
            let asked = params["protocolVersion"].as_str().unwrap_or_default();
            let agreed = if VERSIONS[..4].contains(&asked) {
                asked
            } else {
                VERSIONS[3]
            };
            json!({"protocolVersion": agreed, "capabilities": capabilities,
                "serverInfo": {"name": "fixture", "version": "1"}})
        }
        "ping" => json!({}),
        "server/discover" => json!({"supportedVersions": VERSIONS, "capabilities": capabilities,
            "ttlMs": 0, "cacheScope": "public", "resultType": "complete"}),
        "tools/list" if params.get("cursor").is_some() => {
            return Some(error(Some(id), -32602, "invalid cursor"));
        }
        "tools/list" => {
            let add = json!({"name": "add", "description": "Adds two integers.",
                "inputSchema": {"type": "object", "required": ["a", "b"], "properties": {
                    "a": {"type": "integer"}, "b": {"type": "integer"}}}});
            let mut r = json!({"tools": [tool, add]});
            if stateless {
                r["ttlMs"] = json!(0);
                r["cacheScope"] = json!("public");
                r["resultType"] = json!("complete");
            }
            r
        }
        "tools/call" if params["name"] == "add" => {
            let args = &params["arguments"];
            let terms = args["a"].as_i64().zip(args["b"].as_i64());
            if fault == Fault::CrashOnLargeNumber
                && terms.is_some_and(|(a, b)| a.max(b) > LARGEST_TERM)
            {
                std::process::exit(4);
            }
            let mut r = match terms.and_then(|(a, b)| a.checked_add(b)) {
                Some(sum) => json!({"content": [{"type": "text", "text": sum.to_string()}]}),
                None => {
                    json!({"content": [{"type": "text", "text": "`a` and `b` (integers) are required"}],
                    "isError": true})
                }
            };
            if stateless {
                r["resultType"] = json!("complete");
            }
            r
        }
        "tools/call" => {
            let text = params["arguments"]["text"].as_str();
            if text.is_none() && fault == Fault::CrashOnBadArgument {
                std::process::exit(3);
            }
            let mut r = match text {
                Some(text) => json!({"content": [{"type": "text", "text": text}]}),
                None => {
                    json!({"content": [{"type": "text", "text": "`text` (a string) is required"}],
                    "isError": true})
                }
            };
            if stateless {
                r["resultType"] = json!("complete");
            }
            r
        }
        _ if fault == Fault::WrongErrorCode => {
            return Some(error(Some(id), -32603, "internal error"));
        }
        _ => return Some(error(Some(id), -32601, "method not found")),
    };
    Some(json!({"jsonrpc": "2.0", "id": id, "result": result}))
}
