//! Streamable HTTP rules about what the client's headers and messages get back:
//!
//! - `http/notification-accepted` (MUST). 2025-11-25 basic/transports §Sending Messages to
//!   the Server 4 (the same from 2025-03-26): "If the input is a JSON-RPC *response* or
//!   *notification*: If the server accepts the input, the server **MUST** return HTTP status
//!   code 202 Accepted with no body. If the server cannot accept the input, it **MUST**
//!   return an HTTP error status code". 2026-07-28 streamable-http §Sending Messages 5 says
//!   the same of notifications (clients send no responses there). A notification and (in the
//!   session era) a response to a request never sent are POSTed; each must get 202 with no
//!   body, or an error status. Skipped for 2024-11-05, whose HTTP+SSE transport has no such
//!   rule.
//! - `http/bad-protocol-version` (MUST). 2025-06-18 and 2025-11-25 basic/transports
//!   §Protocol Version Header: "If the server receives a request with an invalid or
//!   unsupported `MCP-Protocol-Version`, it **MUST** respond with `400 Bad Request`";
//!   2026-07-28 streamable-http §Protocol Version Header: a version the server does not
//!   implement "**MUST**" get "`400 Bad Request` and an `UnsupportedProtocolVersionError`".
//!   A request with an unsupported and one with an invalid version, and a control with the
//!   right one (which must be served). Skipped before 2025-06-18 (no such header).
//! - `http/header-mismatch` (MUST, 2026-07-28 only). streamable-http §Server Validation:
//!   "When rejecting a request due to header validation failure, servers **MUST** return
//!   HTTP status `400 Bad Request` and **MUST** include a JSON-RPC error response" with code
//!   -32020 (`HeaderMismatch`); the failures include "A required standard header
//!   (`MCP-Protocol-Version`, `Mcp-Method`, `Mcp-Name`) is missing" and "A header value
//!   does not match the corresponding request body value". The `tools/call` cases name a
//!   tool no server has, so nothing runs even on a server that does not check.
//! - `http/session-id-characters` (MUST, 2025-03-26..2025-11-25). §Session Management 1:
//!   "The session ID **MUST** only contain visible ASCII characters (ranging from 0x21 to
//!   0x7E)." Read from the raw header of an `initialize` answer.

use futures::FutureExt;
use mcp_protocol::ProtocolVersion;
use reqwest::StatusCode;
use reqwest::header::ACCEPT;
use serde_json::{Value, json};

use super::http::{exchange, exchange_body, opening, served, session_era, unopened};
use super::http_post::{agreed_header, in_session_post, post};
use super::{Halt, ServerScenario, judge, scenario};
use crate::scenario::{Outcome, Severity};
use crate::target::raw::{ACCEPT_BOTH, PROTOCOL_VERSION, SESSION_ID};
use crate::target::{Conversation, Target};

pub(super) fn scenarios() -> Vec<ServerScenario> {
    vec![
        scenario(
            "http/notification-accepted",
            "2025-03-26..2025-11-25 basic/transports §Sending Messages to the Server 4 (202 Accepted with no body); 2026-07-28 streamable-http §Sending Messages 5",
            Severity::Must,
            |t, v| notification_accepted(t, v).boxed(),
        )
        .checks(&["3.9"]),
        scenario(
            "http/bad-protocol-version",
            "2025-06-18, 2025-11-25 basic/transports §Protocol Version Header (\"invalid or unsupported MCP-Protocol-Version ... MUST respond with 400\"); 2026-07-28 streamable-http §Protocol Version Header",
            Severity::Must,
            |t, v| bad_protocol_version(t, v).boxed(),
        )
        .checks(&["3.25"]),
        scenario(
            "http/header-mismatch",
            "2026-07-28 basic/transports/streamable-http §Server Validation (400 and -32020 HeaderMismatch for a missing or mismatched MCP-Protocol-Version, Mcp-Method, Mcp-Name)",
            Severity::Must,
            |t, v| header_mismatch(t, v).boxed(),
        )
        .checks(&["3.27"]),
        scenario(
            "http/session-id-characters",
            "2025-03-26..2025-11-25 basic/transports §Session Management 1 (\"MUST only contain visible ASCII characters (ranging from 0x21 to 0x7E)\")",
            Severity::Must,
            |t, v| session_id_characters(t, v).boxed(),
        )
        .checks(&["3.19"]),
    ]
}

/// `HeaderMismatch` (2026-07-28 streamable-http §Server Validation).
const HEADER_MISMATCH: i64 = -32020;

/// A request that must be refused: what it is, its body, its headers.
type Case<'a> = (&'a str, &'a Value, Vec<(&'a str, &'a str)>);

/// A tool no server has: the `tools/call` of the mismatch cases runs nothing.
const NO_SUCH_TOOL: &str = "mcp-conformance-no-such-tool";

/// 202 with no body, or an error status (the server cannot accept it).
fn accepted(status: StatusCode, body: &[u8], seen: String) -> Result<(), Halt> {
    if status == StatusCode::ACCEPTED && body.is_empty() {
        return Ok(());
    }
    if status.is_client_error() || status.is_server_error() {
        return Ok(()); // "If the server cannot accept the input": an error status is right
    }
    Err(Halt::Fail(format!(
        "expected 202 Accepted with no body (or an error status, if it cannot accept it): {seen}"
    )))
}

async fn notification_accepted(target: &Target, version: ProtocolVersion) -> Outcome {
    if version == ProtocolVersion::V2024_11_05 {
        return Outcome::skip("2024-11-05 defines HTTP+SSE, which has no such rule");
    }
    if !version.has_handshake() {
        return notification_without_session(target, version).await;
    }
    let (url, mut c) = match unopened(target, version) {
        Ok(unopened) => unopened,
        Err(outcome) => return outcome,
    };
    let verdict = async {
        let client = target.http_client().map_err(|e| e.to_string())?;
        // The handshake by hand: its notification is the one sent raw.
        let init = c.request("initialize", c.initialize_params()).await?;
        let init = init.result("initialize")?;
        let agreed = init["protocolVersion"].as_str().unwrap_or_default();
        if agreed != version.as_str() {
            return Err(Halt::Skip(format!(
                "the server does not serve {version}: it answered {agreed:?}"
            )));
        }
        let header = agreed_header(version);
        let body = json!({"jsonrpc": "2.0", "method": "notifications/initialized"});
        let request = in_session_post(&c, &client, url, &body, header);
        let (status, bytes, seen) =
            exchange_body(&mut c, "a POST of notifications/initialized", request).await?;
        accepted(status, &bytes, seen)?;
        let body = json!({"jsonrpc": "2.0", "id": "mcp-conformance-never-asked", "result": {}});
        let request = in_session_post(&c, &client, url, &body, header);
        let what = "a POST of a response (to a request the server never sent)";
        let (status, bytes, seen) = exchange_body(&mut c, what, request).await?;
        accepted(status, &bytes, seen)
    }
    .await;
    judge(&mut c, verdict)
}

/// `http/notification-accepted` in 2026-07-28, which defines no client notification over
/// HTTP: the rule is the transport's, for whatever notification comes.
async fn notification_without_session(target: &Target, version: ProtocolVersion) -> Outcome {
    let (url, mut c) = match served(target, version).await {
        Ok(opened) => opened,
        Err(outcome) => return outcome,
    };
    let verdict = async {
        let client = target.http_client().map_err(|e| e.to_string())?;
        let params = c.stamp(json!({"requestId": "mcp-conformance-none"}));
        let body = json!({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": params});
        let headers = [
            (PROTOCOL_VERSION, version.as_str()),
            ("mcp-method", "notifications/cancelled"),
        ];
        let request = post(&client, url, &body, &headers);
        let (status, body, seen) =
            exchange_body(&mut c, "a POST of a notification", request).await?;
        accepted(status, &body, seen)
    }
    .await;
    judge(&mut c, verdict)
}

/// A `server/discover` of 2026-07-28 claiming `version` in its body (`_meta`), as `c`
/// stamps it otherwise.
fn discover_body(c: &Conversation, id: &str, version: &str) -> Value {
    let mut params = c.stamp(json!({}));
    params["_meta"]["io.modelcontextprotocol/protocolVersion"] = json!(version);
    json!({"jsonrpc": "2.0", "id": id, "method": "server/discover", "params": params})
}

async fn bad_protocol_version(target: &Target, version: ProtocolVersion) -> Outcome {
    if version < ProtocolVersion::V2025_06_18 {
        return Outcome::skip("the MCP-Protocol-Version header exists from 2025-06-18");
    }
    let (url, mut c) = match served(target, version).await {
        Ok(opened) => opened,
        Err(outcome) => return outcome,
    };
    let verdict = async {
        let client = target.http_client().map_err(|e| e.to_string())?;
        // A version no server implements, and a value that is no version at all; then the
        // control with the right one.
        for claimed in ["1999-01-01", "not-a-version", version.as_str()] {
            let request = if c.stateless() {
                // The body claims the same, so it is the version that is refused, not a
                // mismatch.
                let body = discover_body(&c, "bad-version", claimed);
                let headers = [
                    (PROTOCOL_VERSION, claimed),
                    ("mcp-method", "server/discover"),
                ];
                post(&client, url, &body, &headers)
            } else {
                let body = json!({"jsonrpc": "2.0", "id": "bad-version", "method": "ping"});
                in_session_post(&c, &client, url, &body, Some(claimed))
            };
            let what = format!("a request with MCP-Protocol-Version: {claimed}");
            let (status, seen) = exchange(&mut c, &what, request).await?;
            if claimed == version.as_str() {
                if !status.is_success() {
                    return Err(Halt::Fail(format!(
                        "{seen}: the version agreed is refused too (the control)"
                    )));
                }
            } else if status != StatusCode::BAD_REQUEST {
                return Err(Halt::Fail(format!("expected 400 Bad Request: {seen}")));
            }
        }
        Ok(())
    }
    .await;
    judge(&mut c, verdict)
}

/// The JSON-RPC error code in an HTTP body, if it holds one.
fn error_code(body: &[u8]) -> Option<i64> {
    serde_json::from_slice::<Value>(body).ok()?["error"]["code"].as_i64()
}

async fn header_mismatch(target: &Target, version: ProtocolVersion) -> Outcome {
    if version.has_handshake() {
        return Outcome::skip("Mcp-Method and Mcp-Name exist from 2026-07-28");
    }
    let (url, mut c) = match served(target, version).await {
        Ok(opened) => opened,
        Err(outcome) => return outcome,
    };
    let verdict = async {
        let client = target.http_client().map_err(|e| e.to_string())?;
        let v = version.as_str();
        let discover = discover_body(&c, "mismatch", v);
        let call = {
            let params = c.stamp(json!({"name": NO_SUCH_TOOL, "arguments": {}}));
            json!({"jsonrpc": "2.0", "id": "mismatch", "method": "tools/call", "params": params})
        };
        let control = [(PROTOCOL_VERSION, v), ("mcp-method", "server/discover")];
        let (status, seen) = exchange(
            &mut c,
            "server/discover with matching headers (the control)",
            post(&client, url, &discover, &control),
        )
        .await?;
        if !status.is_success() {
            return Err(Halt::Fail(format!("{seen}: the control was refused")));
        }
        let mut cases: Vec<Case<'_>> = vec![
            (
                "discover, Mcp-Method: tools/list",
                &discover,
                vec![(PROTOCOL_VERSION, v), ("mcp-method", "tools/list")],
            ),
            (
                "discover, no Mcp-Method",
                &discover,
                vec![(PROTOCOL_VERSION, v)],
            ),
            (
                "discover, MCP-Protocol-Version: 2025-11-25 (body: 2026-07-28)",
                &discover,
                vec![
                    (PROTOCOL_VERSION, "2025-11-25"),
                    ("mcp-method", "server/discover"),
                ],
            ),
        ];
        // Mcp-Name is checked on the methods that carry it; a server without tools may turn
        // `tools/call` away for that reason first.
        if c.has_capability("tools") {
            cases.push((
                "tools/call, Mcp-Name: another tool",
                &call,
                vec![
                    (PROTOCOL_VERSION, v),
                    ("mcp-method", "tools/call"),
                    ("mcp-name", "mcp-conformance-another-tool"),
                ],
            ));
            cases.push((
                "tools/call, no Mcp-Name",
                &call,
                vec![(PROTOCOL_VERSION, v), ("mcp-method", "tools/call")],
            ));
        }
        // Every case is tried, so the reason names each one that is not refused right.
        let mut wrong = Vec::new();
        for (what, body, headers) in cases {
            let request = post(&client, url, body, &headers);
            let (status, bytes, seen) = exchange_body(&mut c, what, request).await?;
            let code = error_code(&bytes);
            if status != StatusCode::BAD_REQUEST || code != Some(HEADER_MISMATCH) {
                let code = code.map_or_else(|| "no error".to_owned(), |c| c.to_string());
                wrong.push(format!("{what} → {} {code}", status.as_u16()));
                c.note(format!("(wanted 400 with -32020: {seen})"));
            }
        }
        if wrong.is_empty() {
            Ok(())
        } else {
            Err(Halt::Fail(format!(
                "not refused with 400 and -32020: {}",
                wrong.join("; ")
            )))
        }
    }
    .await;
    judge(&mut c, verdict)
}

async fn session_id_characters(target: &Target, version: ProtocolVersion) -> Outcome {
    if let Err(Halt::Skip(why)) = session_era(version) {
        return Outcome::skip(why);
    }
    let (url, mut c) = match served(target, version).await {
        Ok(opened) => opened,
        Err(outcome) => return outcome,
    };
    let verdict = async {
        let client = target.http_client().map_err(|e| e.to_string())?;
        let request = opening(&c, &client, url).header(ACCEPT, ACCEPT_BOTH);
        c.note("→ a POST of initialize, to read the session id as sent".into());
        let response = request
            .send()
            .await
            .map_err(|e| format!("a POST of initialize: the request failed: {e}"))?;
        let Some(id) = response.headers().get(SESSION_ID).cloned() else {
            return Err(Halt::Skip(
                "the server assigned no session (it is stateless)".into(),
            ));
        };
        drop(response);
        c.note(format!(
            "← Mcp-Session-Id: {:?}",
            String::from_utf8_lossy(id.as_bytes())
        ));
        // The session was only opened to be looked at.
        let end = client.delete(url).header(SESSION_ID, id.clone()).send();
        let _ = tokio::time::timeout(c.answer_wait(), end).await;
        let bad = id
            .as_bytes()
            .iter()
            .enumerate()
            .find(|(_, b)| !(0x21..=0x7e).contains(*b));
        match bad {
            None => Ok(()),
            Some((at, byte)) => Err(Halt::Fail(format!(
                "the session id {:?} has the byte 0x{byte:02x} at {at}: only visible ASCII \
                 (0x21 to 0x7E) is allowed",
                String::from_utf8_lossy(id.as_bytes())
            ))),
        }
    }
    .await;
    judge(&mut c, verdict)
}
