//! Streamable HTTP rules (2025-03-26 to 2025-11-25 basic/transports §Streamable HTTP;
//! 2026-07-28 basic/transports/streamable-http): statuses for a client that accepts
//! neither answer type, sessions that do not exist or were ended, and GET.
//! They apply to targets at a URL only; any other target skips them, saying so.
//!
//! Three rules keep these verdicts true, for every raw-HTTP scenario (use [`served`] or
//! [`in_session`] to start one):
//! - a version's rules are judged only against a server that serves that version, learned
//!   as a client learns it (`initialize`, or `server/discover` from 2026-07-28): a session-era
//!   server's 400 to a 2026-07-28 request is no verdict on 2026-07-28's rules;
//! - every request meets the client's own MUSTs (the session id once one is assigned,
//!   `MCP-Protocol-Version` from 2025-06-18, an `Accept` listing what the method needs) but
//!   for the one fault the scenario is about, so the server's answer is to that fault;
//! - each finding is at the level of its text (`Halt::FailAt` when it differs from the
//!   scenario's).

use futures::FutureExt;
use mcp_protocol::ProtocolVersion;
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use reqwest::{Method, RequestBuilder, StatusCode};
use serde_json::json;

use super::{Halt, ServerScenario, judge, open, scenario};
use crate::scenario::{Outcome, Severity};
use crate::target::raw::{ACCEPT_BOTH, PROTOCOL_VERSION, SESSION_ID, is_sse, read_bounded};
use crate::target::{Conversation, Target, clip_at};

pub(super) fn scenarios() -> Vec<ServerScenario> {
    vec![
        scenario(
            "http/not-acceptable",
            "basic/transports §Sending Messages 2 (the client \"MUST include an Accept header, listing \
             both application/json and text/event-stream\"); RFC 9110 §15.5.7 (406 for what the \
             client cannot accept)",
            Severity::Should,
            |t, v| not_acceptable(t, v).boxed(),
        ),
        // §Session Management 3 MUSTs a 404 for sessions the server *terminated*; for an id it
        // never issued no text says so, but §4 has clients start over only on a 404: a
        // SHOULD-level finding.
        scenario(
            "http/unknown-session",
            "2025-03-26..2025-11-25 basic/transports §Session Management 3, 4 (\"MUST respond to \
             requests containing that session ID with HTTP 404\" binds terminated sessions; a \
             client starts over only on a 404)",
            Severity::Should,
            |t, v| unknown_session(t, v).boxed(),
        )
        .checks(&["3.22"]),
        scenario(
            "http/delete-ends-session",
            "2025-03-26..2025-11-25 basic/transports §Session Management 3 (\"The server MAY terminate \
             the session at any time, after which it MUST respond to requests containing that \
             session ID with HTTP 404 Not Found\"), 5 (DELETE)",
            Severity::Must,
            |t, v| delete_ends_session(t, v).boxed(),
        )
        .checks(&["3.22"]),
        scenario(
            "http/get",
            "2025-03-26..2025-11-25 basic/transports §Listening for Messages from the Server 3 \
             (\"The server MUST either return Content-Type: text/event-stream in response to this \
             HTTP GET, or else return HTTP 405\"); 2026-07-28 streamable-http §Earlier Streamable \
             HTTP Revisions (a server that supports only this revision SHOULD answer GET with 405)",
            Severity::Must,
            |t, v| get(t, v).boxed(),
        )
        .checks(&["3.15"]),
    ]
}

/// A session id no server issued.
const UNKNOWN_SESSION: &str = "mcp-conformance-no-such-session";

/// [`UNKNOWN_SESSION`] for one version's run: runs of several versions go on at once
/// (`--jobs`), and each asks about a session of its own.
fn no_such_session(version: ProtocolVersion) -> String {
    format!("{UNKNOWN_SESSION}-{version}")
}

/// The target's URL and a conversation not yet opened, or why the scenario does not apply:
/// for a scenario whose fault is in the handshake itself, which must then learn whether the
/// version is served from the handshake's answer (and skip when it is not) as [`served`] does.
pub(super) fn unopened(
    target: &Target,
    version: ProtocolVersion,
) -> Result<(&str, Conversation), Outcome> {
    let url = http_url(target)?;
    let c = Conversation::new(target, version).map_err(|e| Outcome::fail(e, vec![]))?;
    Ok((url, c))
}

/// The target's URL and a conversation opened at `version`, or why the scenario does not
/// apply: the target is not at a URL, or it does not serve `version` (a skip naming what it
/// answered). Every raw-HTTP scenario starts here or at [`in_session`], so no rule of a
/// version is judged against a server that does not serve it.
pub(super) async fn served(
    target: &Target,
    version: ProtocolVersion,
) -> Result<(&str, Conversation), Outcome> {
    let url = http_url(target)?;
    let c = open(target, version).await?;
    Ok((url, c))
}

/// The target's URL; a target that is not at one skips the HTTP rules.
fn http_url(target: &Target) -> Result<&str, Outcome> {
    target
        .http_url()
        .ok_or_else(|| Outcome::skip("an HTTP rule: the target is not at a URL"))
}

/// The target's URL, an opened conversation and its session id (or why there is none), or
/// why the scenario does not apply.
pub(super) async fn in_session(
    target: &Target,
    version: ProtocolVersion,
) -> Result<(&str, Conversation, Result<String, Halt>), Outcome> {
    if target.http_url().is_some()
        && let Err(Halt::Skip(why)) = session_era(version)
    {
        return Err(Outcome::skip(why));
    }
    let (url, c) = served(target, version).await?;
    let session = c
        .session_id()
        .map(str::to_owned)
        .ok_or_else(|| Halt::Skip("the server assigned no session (it is stateless)".into()));
    Ok((url, c, session))
}

/// Passes when `status` is one of `wanted`, else fails with what was `seen`.
pub(super) fn expect(status: StatusCode, seen: String, wanted: &[StatusCode]) -> Result<(), Halt> {
    if wanted.contains(&status) {
        return Ok(());
    }
    let wanted: Vec<_> = wanted.iter().map(StatusCode::to_string).collect();
    Err(Halt::Fail(format!(
        "{seen}; expected {}",
        wanted.join(" or ")
    )))
}

/// The message that opens a conversation (`initialize`, or `server/discover` from
/// 2026-07-28), as a POST with the headers its version requires.
pub(super) fn opening(c: &Conversation, client: &reqwest::Client, url: &str) -> RequestBuilder {
    let (method, params) = if c.stateless() {
        ("server/discover", c.stamp(json!({})))
    } else {
        ("initialize", c.initialize_params())
    };
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
    let post = client
        .post(url)
        .header(CONTENT_TYPE, "application/json")
        .body(body.to_string());
    if c.stateless() {
        post.header(PROTOCOL_VERSION, c.version.as_str())
            .header("mcp-method", method)
    } else {
        post
    }
}

/// A `ping` in session `id`, as a POST of the session era.
pub(super) fn ping_in(
    version: ProtocolVersion,
    client: &reqwest::Client,
    url: &str,
    id: &str,
) -> RequestBuilder {
    let body = json!({"jsonrpc": "2.0", "id": "ping-in-session", "method": "ping"});
    let post = client
        .post(url)
        .header(ACCEPT, ACCEPT_BOTH)
        .header(CONTENT_TYPE, "application/json")
        .header(SESSION_ID, id)
        .body(body.to_string());
    if version >= ProtocolVersion::V2025_06_18 {
        post.header(PROTOCOL_VERSION, version.as_str())
    } else {
        post
    }
}

/// Sends `request`: its status, and a line describing the exchange for a failure. The
/// exchange goes into `c`'s evidence, for a pass as for a failure.
pub(super) async fn exchange(
    c: &mut Conversation,
    what: &str,
    request: RequestBuilder,
) -> Result<(StatusCode, String), String> {
    let (status, _, seen) = exchange_body(c, what, request).await?;
    Ok((status, seen))
}

/// [`exchange`], also giving the body (empty for an SSE stream, which is not read).
pub(super) async fn exchange_body(
    c: &mut Conversation,
    what: &str,
    request: RequestBuilder,
) -> Result<(StatusCode, Vec<u8>, String), String> {
    c.note(format!("→ {what}"));
    let response = request
        .send()
        .await
        .map_err(|e| format!("{what}: the request failed: {e}"))?;
    let status = response.status();
    let (bytes, body) = if is_sse(&response) {
        (Vec::new(), "(an SSE stream)".to_owned())
    } else {
        let bytes = read_bounded(response)
            .await
            .map_err(|e| format!("{what}: reading the answer: {e}"))?;
        let body = clip_at(&String::from_utf8_lossy(&bytes), 200);
        (bytes, body)
    };
    c.note(format!("← HTTP {status} {body}"));
    Ok((status, bytes, format!("{what} got HTTP {status} {body}")))
}

/// Sessions exist from 2025-03-26 to 2025-11-25 (2024-11-05 has HTTP+SSE instead).
pub(super) fn session_era(version: ProtocolVersion) -> Result<(), Halt> {
    if version == ProtocolVersion::V2024_11_05 {
        return Err(Halt::Skip(
            "2024-11-05 defines HTTP+SSE, whose sessions are not Mcp-Session-Id".into(),
        ));
    }
    if !version.has_handshake() {
        return Err(Halt::Skip("2026-07-28 has no sessions".into()));
    }
    Ok(())
}

async fn not_acceptable(target: &Target, version: ProtocolVersion) -> Outcome {
    let (url, mut c) = match served(target, version).await {
        Ok(p) => p,
        Err(outcome) => return outcome,
    };
    let request = target
        .http_client()
        .map(|client| opening(&c, &client, url).header(ACCEPT, "text/plain"));
    let verdict = async {
        let request = request.map_err(|e| e.to_string())?;
        let (status, seen) = exchange(&mut c, "a POST with Accept: text/plain", request).await?;
        expect(status, seen, &[StatusCode::NOT_ACCEPTABLE])
    }
    .await;
    judge(&mut c, verdict)
}

async fn unknown_session(target: &Target, version: ProtocolVersion) -> Outcome {
    let (url, mut c, session) = match in_session(target, version).await {
        Ok(p) => p,
        Err(outcome) => return outcome,
    };
    let verdict = async {
        session?;
        let client = target.http_client().map_err(|e| e.to_string())?;
        let unknown = no_such_session(version);
        let request = ping_in(version, &client, url, &unknown);
        let what = format!("a ping in session {unknown}");
        let (status, seen) = exchange(&mut c, &what, request).await?;
        expect(status, seen, &[StatusCode::NOT_FOUND])
    }
    .await;
    judge(&mut c, verdict)
}

async fn delete_ends_session(target: &Target, version: ProtocolVersion) -> Outcome {
    let (url, mut c, session) = match in_session(target, version).await {
        Ok(p) => p,
        Err(outcome) => return outcome,
    };
    let verdict = async {
        let id = session?;
        let client = target.http_client().map_err(|e| e.to_string())?;
        let mut delete = client.request(Method::DELETE, url).header(SESSION_ID, &id);
        if version >= ProtocolVersion::V2025_06_18 {
            delete = delete.header(PROTOCOL_VERSION, version.as_str());
        }
        let (status, seen) = exchange(&mut c, "DELETE of the session", delete).await?;
        if status == StatusCode::METHOD_NOT_ALLOWED {
            return Err(Halt::Skip(
                "the server does not let clients end sessions (405, which it MAY)".into(),
            ));
        }
        if !status.is_success() {
            return Err(Halt::Fail(seen));
        }
        let (status, seen) = exchange(
            &mut c,
            "a ping in the deleted session",
            ping_in(version, &client, url, &id),
        )
        .await?;
        expect(status, seen, &[StatusCode::NOT_FOUND])
    }
    .await;
    judge(&mut c, verdict)
}

/// A GET that meets every client MUST (`Accept: text/event-stream`, the session id, the
/// version header) gets an event stream or 405 in the session era; from 2026-07-28 a
/// server that serves only that revision SHOULD answer it with 405.
async fn get(target: &Target, version: ProtocolVersion) -> Outcome {
    if version == ProtocolVersion::V2024_11_05 && target.http_url().is_some() {
        return Outcome::skip("2024-11-05 defines HTTP+SSE, whose GET opens its own event stream");
    }
    let (url, mut c) = match served(target, version).await {
        Ok(p) => p,
        Err(outcome) => return outcome,
    };
    let verdict = async {
        let client = target.http_client().map_err(|e| e.to_string())?;
        let mut request = client.get(url).header(ACCEPT, "text/event-stream");
        // §Protocol Version Header: from 2025-06-18 on every request after initialization.
        if version >= ProtocolVersion::V2025_06_18 {
            request = request.header(PROTOCOL_VERSION, version.as_str());
        }
        if !version.has_handshake() {
            let older: Vec<&str> = c
                .supported_versions
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str())
                .filter(|v| ProtocolVersion::parse(v).is_some_and(|v| v.has_handshake()))
                .collect();
            if !older.is_empty() {
                return Err(Halt::Skip(format!(
                    "the server also serves {}: a GET may be their standalone stream (the 405 \
                     SHOULD binds a server that supports only 2026-07-28)",
                    older.join(", ")
                )));
            }
            let (status, seen) =
                exchange(&mut c, "a GET (Accept: text/event-stream)", request).await?;
            return expect(status, seen, &[StatusCode::METHOD_NOT_ALLOWED]).map_err(|e| match e {
                Halt::Fail(why) => Halt::FailAt(Severity::Should, why),
                other => other,
            });
        }
        let what = match c.session_id() {
            Some(id) => {
                request = request.header(SESSION_ID, id);
                "a GET in the session (Accept: text/event-stream)"
            }
            None => "a GET (Accept: text/event-stream; the server assigned no session)",
        };
        c.note(format!("→ {what}"));
        let response = request
            .send()
            .await
            .map_err(|e| format!("{what}: the request failed: {e}"))?;
        let status = response.status();
        if status.is_success() && is_sse(&response) {
            // Dropping the response closes the stream: only its head is judged.
            c.note(format!("← HTTP {status} (an event stream)"));
            return Ok(());
        }
        let body = read_bounded(response)
            .await
            .map_err(|e| format!("{what}: reading the answer: {e}"))?;
        let body = clip_at(&String::from_utf8_lossy(&body), 200);
        c.note(format!("← HTTP {status} {body}"));
        if status == StatusCode::METHOD_NOT_ALLOWED {
            return Ok(());
        }
        Err(Halt::Fail(format!(
            "{what} got HTTP {status} {body}: neither an event stream nor 405"
        )))
    }
    .await;
    judge(&mut c, verdict)
}
