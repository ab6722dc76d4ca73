//! The judges of the client scenarios: each reads the requests the client made, in order,
//! and names the first rule it broke.

use std::time::Duration;

use mcp_protocol::ProtocolVersion;

use crate::schema_book;

use super::session::{ELICIT_ID, PRIMING_ID, RETRY_MS, SECOND_SESSION, SESSION, defaults_form};
use super::stateless::VERSION_KEY;
use super::wire::Seen;
use super::{Exchange, TOOL_CALL, Verdict};

/// Why a judge stopped.
#[derive(Debug)]
pub(crate) enum Halt {
    /// The client broke a rule.
    Fail(String),
    /// The scenario does not apply to this client.
    Skip(String),
}

impl From<String> for Halt {
    fn from(reason: String) -> Self {
        Self::Fail(reason)
    }
}

pub(super) fn fail<T>(reason: impl Into<String>) -> Result<T, Halt> {
    Err(Halt::Fail(reason.into()))
}

/// The client exited with status 0.
pub(super) fn exited_cleanly(x: &Exchange) -> Verdict {
    match x.exit.problem() {
        Some(p) => fail(p),
        None => Ok(()),
    }
}

/// The index of the first POST whose (first) message is `method`.
fn find(x: &Exchange, method: &str) -> Option<usize> {
    x.seen
        .iter()
        .position(|s| s.method == "POST" && s.rpc_method() == Some(method))
}

/// The requests after `from` that speak JSON-RPC requests or notifications.
fn posts_after(x: &Exchange, from: usize) -> impl Iterator<Item = &Seen> {
    x.seen.iter().skip(from + 1).filter(|s| s.method == "POST")
}

/// The `initialize` request, after checking it asks for a known version: its index.
fn initialized_session(x: &Exchange) -> Result<(usize, usize), Halt> {
    let Some(init) = find(x, "initialize") else {
        return fail("the client never sent initialize");
    };
    // basic/lifecycle §Initialization: "The initialization phase MUST be the first
    // interaction" (the 2026-07-28 probe before it is the dual-era fallback).
    if let Some(early) = x.seen[..init]
        .iter()
        .find(|s| !matches!(s.rpc_method(), Some("server/discover") | None) && s.method == "POST")
    {
        return fail(format!(
            "{} was sent before initialize",
            early.rpc_method().unwrap_or("?")
        ));
    }
    let Some(done) = x.seen.iter().enumerate().skip(init + 1).find_map(|(i, s)| {
        (s.method == "POST" && s.rpc_method() == Some("notifications/initialized")).then_some(i)
    }) else {
        return fail(
            "the client never sent notifications/initialized after the initialize result (basic/lifecycle §Initialization: MUST)",
        );
    };
    Ok((init, done))
}

/// Every POST after `from` carries the session id (basic/transports §Session Management 2)
/// and, when `header` is given, `MCP-Protocol-Version: header` (§Protocol Version Header);
/// every POST accepts both answer types (§Sending Messages 2).
fn session_headers(x: &Exchange, from: usize, header: Option<&str>) -> Verdict {
    for s in x.seen.iter().skip(from + 1) {
        if s.method == "GET" || s.method == "DELETE" || s.method == "POST" {
            if s.header("mcp-session-id") != Some(SESSION) {
                return fail(format!(
                    "{} {} without Mcp-Session-Id: {SESSION} (the server issued it; basic/transports §Session Management: MUST)",
                    s.method,
                    s.rpc_method().unwrap_or_default()
                ));
            }
            if let Some(v) = header
                && s.header("mcp-protocol-version") != Some(v)
            {
                return fail(format!(
                    "{} {} carries MCP-Protocol-Version {:?}, not the negotiated {v} (basic/transports §Protocol Version Header: MUST)",
                    s.method,
                    s.rpc_method().unwrap_or_default(),
                    s.header("mcp-protocol-version")
                ));
            }
        }
    }
    accepts_both(x)
}

/// Every POST accepts both answer types, every GET an event stream.
fn accepts_both(x: &Exchange) -> Verdict {
    for s in x.seen.iter().filter(|s| s.method == "POST") {
        let accept = s.header("accept").unwrap_or_default();
        if !(accept.contains("application/json") && accept.contains("text/event-stream")) {
            return fail(format!(
                "a POST of {} accepts {accept:?}: it must list application/json and text/event-stream (basic/transports §Sending Messages 2: MUST)",
                s.rpc_method().unwrap_or("?")
            ));
        }
    }
    // §Listening for Messages from the Server 1 (and §Resumability): a GET names the stream.
    for s in x.seen.iter().filter(|s| s.method == "GET") {
        let accept = s.header("accept").unwrap_or_default();
        if !accept.contains("text/event-stream") {
            return fail(format!(
                "a GET accepts {accept:?}: it must list text/event-stream (basic/transports §Listening for Messages from the Server 1: MUST)"
            ));
        }
    }
    Ok(())
}

/// `client/initialize`: a known version asked for, `notifications/initialized` before any
/// other request, then requests in the session with the negotiated version's header.
pub(crate) fn initialize(x: &Exchange) -> Verdict {
    let (init, done) = initialized_session(x)?;
    let asked = x.seen[init].body["params"]["protocolVersion"]
        .as_str()
        .unwrap_or_default();
    if ProtocolVersion::parse(asked).is_none() {
        return fail(format!(
            "initialize asks for {asked:?}, which is no protocol version"
        ));
    };
    if let Some(early) = x.seen[init + 1..done]
        .iter()
        .find(|s| s.is_request() && s.rpc_method() != Some("ping"))
    {
        return fail(format!(
            "{} was sent before notifications/initialized (basic/lifecycle §Initialization: only pings before it)",
            early.rpc_method().unwrap_or("?")
        ));
    }
    // A client that does nothing after the handshake proves nothing: the contract's
    // `initialize` lists the tools.
    if !posts_after(x, done).any(Seen::is_request) {
        return fail("the client sent no request in the session after the handshake");
    }
    // The version the server answered with (the one asked for, when it is of the session era).
    let agreed = x.seen[done].speaking;
    let header = (agreed >= ProtocolVersion::V2025_06_18).then_some(agreed.as_str());
    session_headers(x, init, header)?;
    unique_ids(x, init)?;
    nothing_after_delete(x)?;
    exited_cleanly(x)
}

/// basic (JSON-RPC) §Requests: "The request ID MUST NOT have been previously used by the
/// requestor within the same session."
fn unique_ids(x: &Exchange, from: usize) -> Verdict {
    let mut used = std::collections::HashSet::new();
    for m in x.seen[from..].iter().flat_map(Seen::messages) {
        if m.get("method").is_some()
            && let Some(id) = m.get("id")
            && !used.insert(id.to_string())
        {
            return fail(format!(
                "request id {id} was used twice in the session: {m}"
            ));
        }
    }
    Ok(())
}

/// basic/transports §Session Management 5: a client that ended its session with DELETE
/// sends nothing more in it.
fn nothing_after_delete(x: &Exchange) -> Verdict {
    if let Some(end) = x.seen.iter().position(|s| s.method == "DELETE")
        && let Some(late) = x.seen[end + 1..]
            .iter()
            .find(|s| s.header("mcp-session-id") == Some(SESSION))
    {
        return fail(format!(
            "{} {} in the session after the client ended it with DELETE",
            late.method,
            late.rpc_method().unwrap_or_default()
        ));
    }
    Ok(())
}

/// `client/version-fallback`: the server answered with an older version; the client goes on
/// in that version (its header and schema) or disconnects without sending anything else.
pub(crate) fn version_fallback(x: &Exchange) -> Verdict {
    let Some(init) = find(x, "initialize") else {
        return fail("the client never sent initialize");
    };
    let asked = x.seen[init].body["params"]["protocolVersion"]
        .as_str()
        .unwrap_or_default();
    if asked <= "2024-11-05" {
        return Err(Halt::Skip(format!(
            "the client asked for {asked}: there is no older version to offer"
        )));
    }
    let agreed = if asked > "2025-06-18" {
        "2025-06-18"
    } else {
        "2024-11-05"
    };
    let mut after = posts_after(x, init).filter(|s| s.rpc_method().is_some());
    let Some(next) = after.next() else {
        // basic/lifecycle §Version Negotiation: a client that does not support the version
        // SHOULD disconnect.
        return Ok(());
    };
    if next.rpc_method() != Some("notifications/initialized") {
        return fail(format!(
            "after the server answered {agreed}, the client sent {} instead of notifications/initialized",
            next.rpc_method().unwrap_or("?")
        ));
    }
    let header = (agreed >= "2025-06-18").then_some(agreed);
    session_headers(x, init, header)?;
    exited_cleanly(x)
}

/// `client/session-expired`: the first request in the session got 404; the client starts a
/// new session with `initialize` without a session id, and uses the new session only.
pub(crate) fn session_expired(x: &Exchange) -> Verdict {
    let (_, done) = initialized_session(x)?;
    let Some(ended) = x.seen[done + 1..]
        .iter()
        .position(|s| s.is_request() && s.header("mcp-session-id") == Some(SESSION))
        .map(|i| done + 1 + i)
    else {
        return fail("the client sent no request in the session after the handshake");
    };
    let Some(again) = find_from(x, ended + 1, "initialize") else {
        return fail(
            "after a 404 to a request in its session, the client did not start a new session with initialize",
        );
    };
    if let Some(id) = x.seen[again].header("mcp-session-id") {
        return fail(format!(
            "the new initialize carries Mcp-Session-Id {id:?}: it must carry none"
        ));
    }
    if let Some(stale) = x.seen[ended + 1..]
        .iter()
        .find(|s| s.method == "POST" && s.header("mcp-session-id") == Some(SESSION))
    {
        return fail(format!(
            "{} was sent in the ended session after its 404",
            stale.rpc_method().unwrap_or("a message")
        ));
    }
    let Some(done) = find_from(x, again + 1, "notifications/initialized") else {
        return fail("the new session was never completed with notifications/initialized");
    };
    if x.seen[done].header("mcp-session-id") != Some(SECOND_SESSION) {
        return fail(format!(
            "notifications/initialized of the new session carries Mcp-Session-Id {:?}, not {SECOND_SESSION}",
            x.seen[done].header("mcp-session-id")
        ));
    }
    Ok(())
}

/// The index of the first POST at or after `from` whose message is `method`.
fn find_from(x: &Exchange, from: usize, method: &str) -> Option<usize> {
    x.seen
        .iter()
        .enumerate()
        .skip(from)
        .find_map(|(i, s)| (s.method == "POST" && s.rpc_method() == Some(method)).then_some(i))
}

/// `client/tools-call`: the tool the scenario names, with its arguments.
pub(crate) fn tools_call(x: &Exchange) -> Verdict {
    let (name, a, b) = TOOL_CALL;
    let Some(call) = find(x, "tools/call") else {
        return fail(format!("the client never called {name}"));
    };
    let params = &x.seen[call].body["params"];
    if params["name"] != name {
        return fail(format!(
            "the client called {} instead of {name}",
            params["name"]
        ));
    }
    let args = &params["arguments"];
    if args["a"].as_f64() != Some(a as f64) || args["b"].as_f64() != Some(b as f64) {
        return fail(format!(
            "{name} was called with {args}, not {{\"a\": {a}, \"b\": {b}}}"
        ));
    }
    exited_cleanly(x)
}

/// `client/elicitation-defaults`: the accepted form carries every default the client was
/// not told otherwise.
pub(crate) fn elicitation_defaults(x: &Exchange) -> Verdict {
    let Some(init) = find(x, "initialize") else {
        return fail("the client never sent initialize");
    };
    if x.seen[init].body["params"]["capabilities"]
        .get("elicitation")
        .is_none()
    {
        return Err(Halt::Skip("the client does not declare elicitation".into()));
    }
    let answer = x
        .seen
        .iter()
        .flat_map(Seen::messages)
        .find(|m| m.get("method").is_none() && m["id"] == ELICIT_ID);
    let Some(answer) = answer else {
        return fail("the client never answered elicitation/create");
    };
    let result = &answer["result"];
    if let Err(errors) = schema_book::check(x.seen[init].speaking, "ElicitResult", result) {
        return fail(format!(
            "the answer to elicitation/create is no ElicitResult: {}",
            errors.join("; ")
        ));
    }
    if result["action"] != "accept" {
        return fail(format!("the client did not accept the form: {answer}"));
    }
    let form = defaults_form();
    let mut missing = Vec::new();
    if let Some(props) = form["properties"].as_object() {
        for (field, schema) in props {
            if result["content"][field] != schema["default"] {
                missing.push(format!(
                    "{field} = {} (default {})",
                    result["content"][field], schema["default"]
                ));
            }
        }
    }
    if !missing.is_empty() {
        return fail(format!(
            "the accepted content lacks defaults: {}",
            missing.join(", ")
        ));
    }
    exited_cleanly(x)
}

/// `client/sse-retry`: after the stream closed behind a priming event with `retry: 500`,
/// the client resumes it with GET and `Last-Event-ID`, no sooner than the delay.
pub(crate) fn sse_retry(x: &Exchange) -> Verdict {
    let Some(call) = find(x, "tools/call") else {
        return fail("the client never called test_reconnection");
    };
    // A standalone GET (no Last-Event-ID) is no resumption; the first GET naming an event is.
    let resumed = x.seen[call + 1..]
        .iter()
        .find(|s| s.method == "GET" && s.header("last-event-id").is_some());
    let Some(get) = resumed else {
        return fail(
            "the client did not resume the stream that closed after the priming event (no GET with Last-Event-ID)",
        );
    };
    if get.header("last-event-id") != Some(PRIMING_ID) {
        return fail(format!(
            "the GET that resumes the stream carries Last-Event-ID {:?}, not {PRIMING_ID:?}",
            get.header("last-event-id")
        ));
    }
    // Resuming is not retrying: the request itself is sent once (§Resumability: the
    // server replays on the resumed stream).
    let calls = x
        .seen
        .iter()
        .filter(|s| s.rpc_method() == Some("tools/call"))
        .count();
    if calls != 1 {
        return fail(format!(
            "tools/call was sent {calls} times; the stream was to be resumed, not the request repeated"
        ));
    }
    // The stream closed right after the tools/call arrived; a little slack for when the
    // client saw it.
    let waited = get.at.saturating_sub(x.seen[call].at);
    if waited + Duration::from_millis(50) < Duration::from_millis(RETRY_MS) {
        return fail(format!(
            "the client reconnected after {} ms; the server asked for retry: {RETRY_MS}",
            waited.as_millis()
        ));
    }
    accepts_both(x)?;
    exited_cleanly(x)
}

/// `client/stateless`: 2026-07-28 requests name their version in `_meta` and in
/// `MCP-Protocol-Version`, and their method and name in `Mcp-Method` and `Mcp-Name`; no
/// handshake and no session once the server is known to speak 2026-07-28.
pub(crate) fn stateless(x: &Exchange) -> Verdict {
    let mut requests = 0;
    for s in x.seen.iter().filter(|s| s.method == "POST") {
        let Some(method) = s.rpc_method() else {
            continue;
        };
        let m = s.messages()[0];
        if method == "initialize" {
            return fail(
                "the client sent initialize to a server whose server/discover lists 2026-07-28 (basic/versioning §Backward Compatibility)",
            );
        }
        if m["params"]["_meta"][VERSION_KEY] != "2026-07-28" {
            return fail(format!(
                "{method} does not name 2026-07-28 in _meta.{VERSION_KEY} (basic/versioning: MUST)"
            ));
        }
        if s.header("mcp-protocol-version") != Some("2026-07-28") {
            return fail(format!(
                "{method} carries MCP-Protocol-Version {:?}, not 2026-07-28",
                s.header("mcp-protocol-version")
            ));
        }
        if s.header("mcp-method") != Some(method) {
            return fail(format!(
                "{method} carries Mcp-Method {:?} (streamable-http §Request Metadata: MUST)",
                s.header("mcp-method")
            ));
        }
        let name = match method {
            "tools/call" | "prompts/get" => m["params"]["name"].as_str(),
            "resources/read" => m["params"]["uri"].as_str(),
            _ => None,
        };
        if let Some(name) = name
            && s.header("mcp-name").map(decode) != Some(name.to_owned())
        {
            return fail(format!(
                "{method} of {name:?} carries Mcp-Name {:?} (streamable-http §Request Metadata: MUST)",
                s.header("mcp-name")
            ));
        }
        if s.header("mcp-session-id").is_some() {
            return fail(format!(
                "{method} carries Mcp-Session-Id: 2026-07-28 has no sessions"
            ));
        }
        if method != "server/discover" && m.get("id").is_some() {
            requests += 1;
        }
    }
    if requests == 0 {
        return fail("the client made no request beyond server/discover");
    }
    exited_cleanly(x)
}

/// A header value as sent: `=?base64?…?=` decoded, anything else as is.
fn decode(value: &str) -> String {
    use base64::Engine as _;
    value
        .strip_prefix("=?base64?")
        .and_then(|v| v.strip_suffix("?="))
        .and_then(|v| base64::engine::general_purpose::STANDARD.decode(v).ok())
        .map_or_else(
            || value.to_owned(),
            |b| String::from_utf8_lossy(&b).into_owned(),
        )
}

#[cfg(test)]
mod tests {
    #[test]
    fn header_values_decode() {
        assert_eq!(super::decode("plain"), "plain");
        assert_eq!(super::decode("=?base64?aMOpbGxv?="), "héllo");
    }
}
