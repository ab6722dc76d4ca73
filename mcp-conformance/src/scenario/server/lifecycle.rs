//! Opening a session and negotiating the version (basic/lifecycle; 2026-07-28
//! basic/versioning).

use std::time::Duration;

use futures::FutureExt;
use mcp_protocol::ProtocolVersion;
use serde_json::json;

use super::{Halt, ServerScenario, judge, scenario, still_answers, with_session};
use crate::scenario::{Outcome, Severity};
use crate::target::{Conversation, OpenError, Reply, Target, clip_at};

pub(super) fn scenarios() -> Vec<ServerScenario> {
    vec![
        scenario(
            "server/handshake",
            "2024-11-05..2025-11-25 basic/lifecycle §Initialization (\"The server MUST respond with its own \
             capabilities and information\"); 2026-07-28 basic/versioning §Discovery",
            Severity::Must,
            |t, v| handshake(t, v).boxed(),
        )
        .checks(&["1.20", "2.3"]),
        scenario(
            "server/unknown-version",
            "2024-11-05..2025-11-25 basic/lifecycle §Version Negotiation (\"Otherwise, the server MUST \
             respond with another protocol version it supports\"); 2026-07-28 basic/versioning \
             (UnsupportedProtocolVersionError, -32022)",
            Severity::Must,
            |t, v| unknown_version(t, v).boxed(),
        )
        .checks(&["1.19", "2.6"]),
        // Over stdio the order is the client's duty (basic/lifecycle §Initialization: "The
        // client SHOULD NOT send requests other than pings before the server has responded
        // to the initialize request"); no text tells a stdio server to refuse, so there a
        // served request is a note, not a finding. Over HTTP a server that requires a
        // session SHOULD refuse a request without one with 400.
        scenario(
            "lifecycle/request-before-initialize",
            "2025-03-26..2025-11-25 basic/transports §Session Management 2 (\"Servers that require a \
             session ID SHOULD respond to requests without an MCP-Session-Id header (other than \
             initialization) with HTTP 400\"); over stdio informational: basic/lifecycle \
             §Initialization binds the client",
            Severity::Should,
            |t, v| request_before_initialize(t, v).boxed(),
        )
        .checks(&["3.21"]),
        scenario(
            "server/meta-required",
            "2026-07-28 basic/index §Per-request protocol fields (\"A request missing any required \
             field is malformed; the server MUST reject it with JSON-RPC error code -32602 \
             (Invalid params). On HTTP, the response status MUST be 400 Bad Request\"; \
             protocolVersion and clientCapabilities are required, DiscoverRequest included)",
            Severity::Must,
            |t, v| meta_required(t, v).boxed(),
        )
        .checks(&["1.13"]),
    ]
}

/// The session opens at this version, and what the server said validates.
async fn handshake(target: &Target, version: ProtocolVersion) -> Outcome {
    with_session!(target, version, |c| {
        if !c.capabilities.is_object() {
            return Err(format!("capabilities is not an object: {}", c.capabilities).into());
        }
        Ok(())
    })
}

/// A version nobody serves: up to 2025-11-25 the server answers `initialize` with a version
/// it does support; from 2026-07-28 it refuses the request with -32022 naming what it
/// supports.
async fn unknown_version(target: &Target, version: ProtocolVersion) -> Outcome {
    const UNKNOWN: &str = "1999-01-01";
    // A server of the session era has nothing to say about 2026-07-28, and what it answers
    // to `server/discover` is not judged by that version's schema.
    if !version.has_handshake()
        && let Err(OpenError::NotServed(why)) = Conversation::open(target, version).await
    {
        return Outcome::skip(format!("the server does not serve {version}: {why}"));
    }
    let mut c = match Conversation::new(target, version) {
        Ok(c) => c,
        Err(e) => return Outcome::fail(e, vec![]),
    };
    let verdict: Result<(), Halt> = async {
        if version.has_handshake() {
            let mut params = c.initialize_params();
            params["protocolVersion"] = json!(UNKNOWN);
            let offered = c.request("initialize", params).await?.result("initialize")?;
            let offered = offered["protocolVersion"].as_str().unwrap_or_default().to_owned();
            if offered == UNKNOWN || ProtocolVersion::parse(&offered).is_none() {
                return Err(format!(
                    "asked for {UNKNOWN}, the server answered {offered:?}: it must offer a version it supports"
                ).into());
            }
            Ok(())
        } else {
            let id = json!("unknown-version");
            // A complete request (client info and capabilities too) but for the version.
            let mut params = c.stamp(json!({}));
            params["_meta"]["io.modelcontextprotocol/protocolVersion"] = json!(UNKNOWN);
            let request =
                json!({"jsonrpc": "2.0", "id": id, "method": "tools/list", "params": params});
            c.send_raw(request.to_string().as_bytes()).await?;
            match c.answer_to(&id, None).await? {
                Reply::Error(-32022, e) => {
                    let supported = &e["data"]["supported"];
                    if e["data"]["requested"] != UNKNOWN || !supported.is_array() {
                        return Err(format!(
                            "-32022 must carry data.requested ({UNKNOWN}) and data.supported: {e}"
                        ).into());
                    }
                    Ok(())
                }
                Reply::Error(code, e) => Err(format!("error {code} instead of -32022: {e}").into()),
                Reply::Result(r) => Err(format!("a request naming {UNKNOWN} was served: {r}").into()),
            }
        }
    }
    .await;
    judge(&mut c, verdict)
}

/// 2026-07-28: a `tools/list` whose `_meta` names the version but not the client's
/// capabilities, then (the server still answering a complete request between them) a
/// `server/discover` without `_meta`, each refused with -32602 (over HTTP with 400).
async fn meta_required(target: &Target, version: ProtocolVersion) -> Outcome {
    if version.has_handshake() {
        return Outcome::skip(format!(
            "{version} has no per-request _meta fields (the session carries them)"
        ));
    }
    if let Err(OpenError::NotServed(why)) = Conversation::open(target, version).await {
        return Outcome::skip(format!("the server does not serve {version}: {why}"));
    }
    let mut c = match Conversation::new(target, version) {
        Ok(c) => c,
        Err(e) => return Outcome::fail(e, vec![]),
    };
    let verdict: Result<(), Halt> = async {
        let without_meta = json!({});
        let mut without_capabilities = c.stamp(json!({}));
        if let Some(meta) = without_capabilities["_meta"].as_object_mut() {
            meta.remove("io.modelcontextprotocol/clientCapabilities");
        }
        // The request that names 2026-07-28 first: a server of both eras may settle a stdio
        // connection's era on the first message it reads, and a `server/discover` without
        // `_meta` names none (the Python SDK's server then refuses every 2026-07-28 request
        // on that connection with -32600). Liveness is checked between the two.
        for (id, method, params, what) in [
            (
                "without-client-capabilities",
                "tools/list",
                without_capabilities,
                "a tools/list whose _meta has no clientCapabilities",
            ),
            (
                "discover-without-meta",
                "server/discover",
                without_meta,
                "a server/discover without _meta",
            ),
        ] {
            let id = json!(id);
            let request = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
            c.send_raw(request.to_string().as_bytes()).await?;
            match c.answer_to(&id, None).await? {
                Reply::Error(-32602, _) => {}
                // Without `_meta` nothing names 2026-07-28: a server that also serves the
                // session era may read the request as one of that era, where
                // `server/discover` does not exist (versioning §Backward Compatibility).
                Reply::Error(-32601, _) if method == "server/discover" => {
                    c.note(format!(
                        "note: {what} got -32601: read as a request of the session era, where \
                         server/discover does not exist; accepted"
                    ));
                }
                Reply::Error(code, e) => {
                    return Err(format!("{what}: error {code} instead of -32602: {e}").into());
                }
                Reply::Result(r) => {
                    return Err(format!(
                        "{what} was served ({}): it MUST be refused with -32602",
                        clip_at(&r.to_string(), 120)
                    )
                    .into());
                }
            }
            if let Some(status) = c.last_status().filter(|s| *s != 400) {
                return Err(format!("{what}: -32602 with HTTP {status}, not 400").into());
            }
            if method == "tools/list" {
                still_answers(&mut c).await?;
            }
        }
        Ok(())
    }
    .await;
    judge(&mut c, verdict)
}

/// How long a refusal over HTTP may take: it needs no work.
const REFUSAL_WITHIN: Duration = Duration::from_secs(3);

/// A `tools/list` before `initialize` is not served as if the session were open: an error
/// response (any code; -32600 and -32002 are common), or over HTTP a 4xx status (400 for a
/// request without a session). The connection carries on: `initialize` then opens it.
async fn request_before_initialize(target: &Target, version: ProtocolVersion) -> Outcome {
    if !version.has_handshake() {
        return Outcome::skip(format!(
            "{version} has no initialization: every request stands alone"
        ));
    }
    let mut c = match Conversation::new(target, version) {
        Ok(c) => c,
        Err(e) => return Outcome::fail(e, vec![]),
    };
    let verdict: Result<(), Halt> = async {
        let id = json!("before-initialize");
        let request = json!({"jsonrpc": "2.0", "id": id, "method": "tools/list", "params": {}});
        c.send_raw(request.to_string().as_bytes()).await?;
        // Over stdio this is the first message to a process just started: its start-up (an
        // interpreter's, on a loaded machine: seconds) is part of the wait, so the wait is the
        // target's for any answer, not the short one for a refusal; an HTTP target was up
        // before the run.
        let within = if target.http_url().is_some() {
            REFUSAL_WITHIN
        } else {
            c.answer_wait()
        };
        let served = match c.answer_within(&id, Some("tools/list"), within).await {
            Ok(Reply::Error(..)) => None,
            Ok(Reply::Result(r)) => Some(r),
            Err(_) if c.last_status().is_some_and(|s| (400..500).contains(&s)) => None,
            Err(e) => return Err(format!("tools/list before initialize: {e}").into()),
        };
        match c.handshake().await {
            Ok(()) => {}
            Err(OpenError::NotServed(why)) => {
                return Err(Halt::Skip(format!("the server does not serve {version}: {why}")));
            }
            Err(OpenError::Failed(why)) => {
                return Err(format!("initialize after the refused request: {why}").into());
            }
        }
        if let Some(r) = served {
            // Over HTTP a server that keeps no session has no initialization state to
            // check: each POST stands alone.
            if target.http_url().is_some() && c.session_id().is_none() {
                return Err(Halt::Skip(
                    "the server keeps no session over HTTP: a request before initialize is one like any other".into(),
                ));
            }
            if target.http_url().is_none() {
                // The client's duty, not the server's: said, not judged.
                c.note(format!(
                    "note: tools/list before initialize was served ({}); over stdio keeping \
                     to the order is the client's duty (basic/lifecycle §Initialization), so \
                     this is no failure",
                    clip_at(&r.to_string(), 200)
                ));
            } else {
                return Err(format!("tools/list before initialize was served: {r}").into());
            }
        }
        Ok(still_answers(&mut c).await?)
    }
    .await;
    judge(&mut c, verdict)
}
