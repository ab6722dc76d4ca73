//! `mcp-conformance fixture-server --fault NAME`: a small server written at the wire level
//! (newline-delimited JSON on stdio) that is conformant except for one deliberate fault, so
//! the tests can prove that each fault fails the scenarios that look at it, and only those.
//! Hidden from `--help`: it is a test fixture, not a product.
//!
//! Its tools carry annotations (server/tools §Tool annotations) in every version, 2024-11-05
//! included (an extra property its schema allows), so the tool policy has something to
//! judge: `echo`, `add`, `count` and `confirm` say `readOnlyHint: true` and are called by
//! default; `delete_everything` (`destructiveHint: true`), `write_note` (no annotations) and
//! `fetch_url` (read-only, `openWorldHint: true`) must not be. With `--record FILE` every
//! `tools/call` received is appended to FILE, so a test sees from the server's side which
//! tools a run called, and with what.

use std::io::{BufRead, Write};
use std::path::Path;

use serde_json::{Value, json};

pub(crate) mod http;
mod mrtr;

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
    /// Requests before `initialize` are served as if the session were open.
    ServesBeforeInitialize,
    /// `add`'s `structuredContent` gives the sum as a string, against its `outputSchema`.
    WrongStructuredOutput,
    /// The `count` tool reports its progress out of order.
    ProgressBackwards,
    /// A line longer than [`HUGE_LINE`] bytes kills the process.
    CrashOnHugeLine,
    /// `resources/subscribe` is served though `resources.subscribe` is not advertised.
    UnadvertisedSubscribe,
    /// Reading the listed resource gives contents under another uri.
    ReadWrongUri,
    /// The `confirm` tool (2026-07-28 MRTR) completes whatever `requestState` comes back.
    MrtrIgnoresState,
    /// The `confirm` tool asks for input again however it is answered.
    MrtrAsksForever,
    /// The `confirm` tool asks for an elicitation whether the client declared it or not.
    MrtrAsksUndeclared,
    /// The `echo` tool is listed (and called) as [`SPACED_ECHO`], a name with a space
    /// (2025-11-25 server/tools §Tool Names: a SHOULD).
    SpacedToolName,
    /// The `echo` tool is listed twice (§Tool Names: names SHOULD be unique).
    DuplicateToolName,
    /// `add` with a term above [`LARGEST_TERM`] is never answered, but the server goes on
    /// serving: busy, not hung. NOT a fault: no scenario may fail for it.
    SlowOnLargeNumber,
    /// Input it cannot read (malformed JSON, a request without a method) is answered with
    /// `"id": null`, as JSON-RPC 2.0 §5 spells it (the 2025-11-25 schema prefers no id).
    /// NOT a fault: no scenario may fail for it.
    NullIdForUnreadable,
    /// A request for a method it does not know, readable as it is, is answered with
    /// `"id": null`: the answer has lost the request's id.
    NullIdForUnknownMethod,
    /// A resource that does not exist gets -32002 in 2026-07-28 too, where that revision
    /// requires -32602 (a MUST; -32002 was a SHOULD before).
    OldNotFoundCode,
    /// `add` with a term above [`LARGEST_TERM`] stops the server: it reads nothing more and
    /// answers nothing, without exiting (a hang, not a crash).
    HangOnLargeNumber,
    /// 2026-07-28 requests missing a required `_meta` field are served: a `server/discover`
    /// without `_meta`, a request without `clientCapabilities` (basic/index §Per-request
    /// protocol fields requires -32602).
    LaxMeta,
}

/// How a tool call ends the request when it gives no result.
enum Stop {
    /// The process exits with this code (a crash).
    Exit(i32),
    /// No answer to this request; the server goes on.
    Silent,
}

/// The largest term `add` survives under [`Fault::CrashOnLargeNumber`].
const LARGEST_TERM: i64 = 1000;

/// The longest line survived under [`Fault::CrashOnHugeLine`].
const HUGE_LINE: usize = 1024 * 1024;

const VERSIONS: [&str; 5] = [
    "2024-11-05",
    "2025-03-26",
    "2025-06-18",
    "2025-11-25",
    "2026-07-28",
];

/// The first version with `outputSchema` and `structuredContent`.
const STRUCTURED_SINCE: &str = "2025-06-18";

/// The tools listed: four read-only ones the scenarios rely on, then three the default tool
/// policy withholds.
const TOOLS: [&str; 7] = [
    "echo",
    "add",
    "count",
    "confirm",
    "delete_everything",
    "write_note",
    "fetch_url",
];

/// `echo`'s name under [`Fault::SpacedToolName`].
const SPACED_ECHO: &str = "echo text";

/// The one prompt listed.
const PROMPT: &str = "hello";

/// The one resource listed.
const NOTE: &str = "fixture://note";

/// What one connection agreed: the version `initialize` settled on, once it has.
#[derive(Default)]
struct Session {
    version: Option<String>,
}

/// Serves stdin/stdout until stdin closes; each `tools/call` is appended to `record`.
pub(crate) fn serve(fault: Fault, record: Option<&Path>) -> std::io::Result<()> {
    let stdin = std::io::stdin().lock();
    let mut stdout = std::io::stdout().lock();
    let mut session = Session::default();
    for line in stdin.lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        if fault == Fault::CrashOnHugeLine && line.len() > HUGE_LINE {
            std::process::exit(5);
        }
        if let Some(path) = record {
            record_call(path, &line)?;
        }
        for reply in answer(fault, &mut session, &line) {
            writeln!(stdout, "{reply}")?;
        }
        stdout.flush()?;
    }
    Ok(())
}

/// Appends the name and arguments of the `tools/call` in `line`, if it is one, to `path`.
fn record_call(path: &Path, line: &str) -> std::io::Result<()> {
    let Ok(message) = serde_json::from_str::<Value>(line) else {
        return Ok(());
    };
    if message["method"] != "tools/call" {
        return Ok(());
    }
    let params = &message["params"];
    let entry = json!({"name": params["name"], "arguments": params["arguments"]});
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    // One write of the whole line: fixtures of scenarios run at once (`--jobs`) append to
    // the same file, and an O_APPEND write is not interleaved with another's.
    file.write_all(format!("{entry}\n").as_bytes())
}

fn error(id: Option<&Value>, code: i64, message: &str) -> Value {
    let mut reply = json!({"jsonrpc": "2.0", "error": {"code": code, "message": message}});
    if let Some(id) = id {
        reply["id"] = id.clone();
    }
    reply
}

/// What a message is answered with: notifications on the way, then the response (nothing
/// for a notification).
fn answer(fault: Fault, session: &mut Session, line: &str) -> Vec<Value> {
    let null = Value::Null;
    let Ok(message) = serde_json::from_str::<Value>(line) else {
        let id = (fault == Fault::NullIdForUnreadable).then_some(&null);
        return vec![error(id, -32700, "parse error")];
    };
    let id = message.get("id");
    let Some(method) = message.get("method").and_then(Value::as_str) else {
        // A response (to nothing: this server sends no requests) or an invalid request.
        let id = id.map(|id| {
            if fault == Fault::NullIdForUnreadable {
                &null
            } else {
                id
            }
        });
        return id
            .map(|id| error(Some(id), -32600, "invalid request: no method"))
            .into_iter()
            .collect();
    };
    let Some(id) = id else {
        return Vec::new(); // notifications get no answer
    };
    let params = message.get("params").cloned().unwrap_or_else(|| json!({}));
    let stamped = params["_meta"]["io.modelcontextprotocol/protocolVersion"].as_str();
    if let Some(v) = stamped
        && !VERSIONS.contains(&v)
    {
        let mut e = error(Some(id), -32022, "unsupported protocol version");
        e["error"]["data"] = json!({"requested": v, "supported": VERSIONS});
        return vec![e];
    }
    let stateless = stamped == Some("2026-07-28");
    // 2026-07-28 basic/index §Per-request protocol fields: "A request missing any required
    // field is malformed; the server MUST reject it with JSON-RPC error code -32602".
    let meta = &params["_meta"];
    let missing = if stateless {
        meta.get("io.modelcontextprotocol/clientCapabilities")
            .is_none()
            .then_some("io.modelcontextprotocol/clientCapabilities")
    } else {
        (method == "server/discover").then_some("io.modelcontextprotocol/protocolVersion")
    };
    if let Some(field) = missing
        && fault != Fault::LaxMeta
    {
        return vec![error(
            Some(id),
            -32602,
            &format!("invalid params: _meta[\"{field}\"] is required"),
        )];
    }
    // basic/lifecycle §Initialization: nothing but pings before `initialize`.
    let open = stateless || session.version.is_some() || method == "server/discover";
    if !open && !matches!(method, "initialize" | "ping") && fault != Fault::ServesBeforeInitialize {
        return vec![error(
            Some(id),
            -32600,
            "not initialized: send initialize first",
        )];
    }
    let version = stamped.or(session.version.as_deref()).unwrap_or_default();
    let call = Call {
        fault,
        params: &params,
        stateless,
        structured: version >= STRUCTURED_SINCE,
    };
    let mut out = Vec::new();
    let result = match method {
        "initialize" => {
            let asked = params["protocolVersion"].as_str().unwrap_or_default();
            let agreed = if VERSIONS[..4].contains(&asked) {
                asked
            } else {
                VERSIONS[3]
            };
            session.version = Some(agreed.to_owned());
            json!({"protocolVersion": agreed, "capabilities": call.capabilities(),
                "serverInfo": {"name": "fixture", "version": "1"}})
        }
        "ping" => json!({}),
        "server/discover" => json!({"supportedVersions": VERSIONS,
            "capabilities": call.capabilities(), "ttlMs": 0, "cacheScope": "public",
            "resultType": "complete"}),
        "tools/list" | "resources/list" if params.get("cursor").is_some() => {
            return vec![error(Some(id), -32602, "invalid cursor")];
        }
        "tools/list" => call.listed(json!({"tools": call.tools()})),
        "prompts/list" if fault != Fault::UnservedCapability => {
            call.listed(json!({"prompts": [{"name": PROMPT, "description": "Says hello."}]}))
        }
        "prompts/get" if params["name"] == PROMPT => call.complete(json!({"messages": [
            {"role": "user", "content": {"type": "text", "text": "Hello."}}]})),
        // server/prompts §Error Handling.
        "prompts/get" => return vec![error(Some(id), -32602, "unknown prompt")],
        "resources/list" => call.listed(
            json!({"resources": [{"uri": NOTE, "name": "note", "mimeType": "text/plain"}]}),
        ),
        "resources/templates/list" => call.listed(json!({"resourceTemplates": []})),
        "resources/read" if params["uri"] == NOTE => {
            let uri = if fault == Fault::ReadWrongUri {
                "fixture://other"
            } else {
                NOTE
            };
            call.listed(
                json!({"contents": [{"uri": uri, "mimeType": "text/plain", "text": "A note."}]}),
            )
        }
        // server/resources §Error Handling: -32002 until 2026-07-28 made it -32602.
        "resources/read" => {
            let code = if stateless && fault != Fault::OldNotFoundCode {
                -32602
            } else {
                -32002
            };
            return vec![error(Some(id), code, "resource not found")];
        }
        "resources/subscribe" | "resources/unsubscribe"
            if fault == Fault::UnadvertisedSubscribe =>
        {
            json!({})
        }
        // server/tools §Error Handling: an unknown tool is a protocol error.
        "tools/call" if !call.has_tool(params["name"].as_str().unwrap_or_default()) => {
            return vec![error(Some(id), -32602, "unknown tool")];
        }
        "tools/call" if params["name"] == "confirm" => match mrtr::confirm(&call) {
            Ok(result) => result,
            Err(message) => return vec![error(Some(id), -32602, &message)],
        },
        "tools/call" => match call.tool(&mut out) {
            Ok(result) => result,
            Err(Stop::Exit(code)) => std::process::exit(code),
            Err(Stop::Silent) => return out,
        },
        _ if fault == Fault::WrongErrorCode => {
            return vec![error(Some(id), -32603, "internal error")];
        }
        _ if fault == Fault::NullIdForUnknownMethod => {
            return vec![error(Some(&null), -32601, "method not found")];
        }
        _ => return vec![error(Some(id), -32601, "method not found")],
    };
    out.push(json!({"jsonrpc": "2.0", "id": id, "result": result}));
    out
}

/// One request's context.
struct Call<'a> {
    fault: Fault,
    params: &'a Value,
    /// 2026-07-28: results name their type, lists their caching.
    stateless: bool,
    /// The version has `outputSchema` and `structuredContent`.
    structured: bool,
}

impl Call<'_> {
    fn capabilities(&self) -> Value {
        json!({"tools": {}, "resources": {}, "prompts": {}})
    }

    /// Whether `name` is a tool of the list.
    fn has_tool(&self, name: &str) -> bool {
        match self.fault {
            Fault::SpacedToolName => {
                name == SPACED_ECHO || (name != "echo" && TOOLS.contains(&name))
            }
            _ => TOOLS.contains(&name),
        }
    }

    fn tools(&self) -> Value {
        let read_only = json!({"readOnlyHint": true, "openWorldHint": false});
        let name = if self.fault == Fault::SpacedToolName {
            SPACED_ECHO
        } else {
            "echo"
        };
        let mut echo = json!({"name": name, "description": "Echoes its text.",
            "inputSchema": {"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]},
            "annotations": read_only});
        if self.fault == Fault::NoInputSchema {
            echo.as_object_mut().map(|t| t.remove("inputSchema"));
        }
        let mut add = json!({"name": "add", "description": "Adds two integers.",
            "inputSchema": {"type": "object", "required": ["a", "b"], "properties": {
                "a": {"type": "integer"}, "b": {"type": "integer"}}},
            "annotations": read_only});
        if self.structured {
            add["outputSchema"] = json!({"type": "object", "required": ["sum"],
                "properties": {"sum": {"type": "integer"}}});
        }
        let count = json!({"name": "count", "description": "Counts to three, reporting progress.",
            "inputSchema": {"type": "object", "properties": {}}, "annotations": read_only});
        let confirm = json!({"name": "confirm", "description": "Asks who is asking (2026-07-28 MRTR).",
            "inputSchema": {"type": "object", "properties": {}}, "annotations": read_only});
        // What the tool policy must keep a run from calling by default.
        let delete = json!({"name": "delete_everything", "description": "Deletes every note.",
            "inputSchema": {"type": "object", "properties": {}},
            "annotations": {"destructiveHint": true}});
        let write = json!({"name": "write_note", "description": "Writes a note.",
            "inputSchema": {"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]}});
        let fetch = json!({"name": "fetch_url", "description": "Fetches a URL (not really).",
            "inputSchema": {"type": "object", "required": ["url"],
                "properties": {"url": {"type": "string", "format": "uri"}}},
            "annotations": {"readOnlyHint": true, "openWorldHint": true}});
        if self.fault == Fault::DuplicateToolName {
            return json!([echo, add, count, confirm, delete, write, fetch, echo]);
        }
        json!([echo, add, count, confirm, delete, write, fetch])
    }

    /// A complete result.
    fn complete(&self, mut r: Value) -> Value {
        if self.stateless {
            r["resultType"] = json!("complete");
        }
        r
    }

    /// A complete list result.
    fn listed(&self, mut r: Value) -> Value {
        if self.stateless {
            r["ttlMs"] = json!(0);
            r["cacheScope"] = json!("public");
        }
        self.complete(r)
    }

    /// A text result, or a tool error.
    fn text(&self, text: &str, is_error: bool) -> Value {
        let mut r = json!({"content": [{"type": "text", "text": text}]});
        if is_error {
            r["isError"] = json!(true);
        }
        self.complete(r)
    }

    /// The result of `tools/call` (with progress notifications pushed to `out` first), or
    /// the exit code of a deliberate crash.
    fn tool(&self, out: &mut Vec<Value>) -> Result<Value, Stop> {
        let args = &self.params["arguments"];
        match self.params["name"].as_str() {
            Some("add") => {
                let terms = args["a"].as_i64().zip(args["b"].as_i64());
                if terms.is_some_and(|(a, b)| a.max(b) > LARGEST_TERM) {
                    match self.fault {
                        Fault::CrashOnLargeNumber => return Err(Stop::Exit(4)),
                        Fault::SlowOnLargeNumber => return Err(Stop::Silent),
                        Fault::HangOnLargeNumber => loop {
                            // Bounded by the caller, which kills the process when done.
                            std::thread::sleep(std::time::Duration::from_secs(3600));
                        },
                        _ => {}
                    }
                }
                let Some(sum) = terms.and_then(|(a, b)| a.checked_add(b)) else {
                    return Ok(self.text("`a` and `b` (integers) are required", true));
                };
                if !self.structured {
                    return Ok(self.text(&sum.to_string(), false));
                }
                let structured = if self.fault == Fault::WrongStructuredOutput {
                    json!({"sum": sum.to_string()})
                } else {
                    json!({"sum": sum})
                };
                // §Structured Content: the serialized JSON in a text block too.
                let mut r = self.text(&structured.to_string(), false);
                r["structuredContent"] = structured;
                Ok(r)
            }
            Some("count") => {
                if let Some(token) = self.params["_meta"].get("progressToken") {
                    let steps = if self.fault == Fault::ProgressBackwards {
                        [1, 3, 2]
                    } else {
                        [1, 2, 3]
                    };
                    out.extend(steps.map(|step| {
                        json!({"jsonrpc": "2.0", "method": "notifications/progress",
                            "params": {"progressToken": token, "progress": step, "total": 3}})
                    }));
                }
                Ok(self.text("3", false))
            }
            // A fixture changes and fetches nothing; the record shows these were called.
            Some("delete_everything") => Ok(self.text("deleted every note", false)),
            Some("fetch_url") => Ok(match args["url"].as_str() {
                Some(url) => self.text(&format!("fetched nothing from {url}"), false),
                None => self.text("`url` (a string) is required", true),
            }),
            _ => {
                let text = args["text"].as_str();
                if text.is_none() && self.fault == Fault::CrashOnBadArgument {
                    return Err(Stop::Exit(3));
                }
                Ok(match text {
                    Some(text) => self.text(text, false),
                    None => self.text("`text` (a string) is required", true),
                })
            }
        }
    }
}
