//! JSON-RPC 2.0 error handling (basic §Messages; JSON-RPC 2.0 §5.1): bad input gets the
//! right error code, and the connection carries on.

use std::time::Duration;

use futures::FutureExt;
use mcp_protocol::ProtocolVersion;
use serde_json::{Value, json};

use super::{ServerScenario, scenario, still_answers, with_session};
use crate::scenario::{Outcome, Severity};
use crate::target::{Reply, Target};

pub(super) fn scenarios() -> Vec<ServerScenario> {
    vec![
        scenario(
            "jsonrpc/unknown-method",
            "JSON-RPC 2.0 §5.1 (\"-32601 Method not found: The method does not exist / is not \
             available\"); basic §Messages (\"All messages … MUST follow the JSON-RPC 2.0 \
             specification\")",
            Severity::Must,
            |t, v| unknown_method(t, v).boxed(),
        )
        .checks(&["1.1"]),
        scenario(
            "jsonrpc/parse-error-survived",
            "JSON-RPC 2.0 §5 (the id \"MUST be Null\" when it could not be read; the 2025-11-25 schema \
             leaves it out: both accepted), §5.1 (\"-32700 Parse error: Invalid JSON was received \
             by the server\"); the connection carries on",
            Severity::Must,
            |t, v| parse_error(t, v).boxed(),
        )
        .checks(&["1.8"]),
        scenario(
            "jsonrpc/invalid-request",
            "JSON-RPC 2.0 §5.1 (\"-32600 Invalid Request: The JSON sent is not a valid Request \
             object\"); basic §Messages (\"All messages … MUST follow the JSON-RPC 2.0 \
             specification\")",
            Severity::Must,
            |t, v| invalid_request(t, v).boxed(),
        )
        .checks(&["1.1"]),
        scenario(
            "jsonrpc/huge-request",
            "JSON-RPC 2.0 §4 (every request gets a response; id null when it cannot be read); \
             basic/transports (over HTTP a 413 is an answer); the connection carries on",
            Severity::Must,
            |t, v| huge_request(t, v).boxed(),
        )
        .checks(&["1.8"]),
    ]
}

/// How long an error for bad input may take: it needs no work, and a server that drops the
/// input silently would otherwise cost the full answer time.
const BAD_INPUT_ANSWER: Duration = Duration::from_secs(3);

/// The size of the padding in a huge request: above the common 4 MiB limits, well below
/// what a line or body reader of this suite accepts.
const HUGE: usize = 5 * 1024 * 1024;

/// How long a huge request may take to be answered: reading and refusing 5 MB is quick.
const HUGE_ANSWER: Duration = Duration::from_secs(10);

/// Expects error `code` in `reply`.
fn expect_error(reply: Reply, code: i64, what: &str) -> Result<Value, String> {
    match reply {
        Reply::Error(got, e) if got == code => Ok(e),
        Reply::Error(got, e) => Err(format!("{what}: error {got} instead of {code}: {e}")),
        Reply::Result(r) => Err(format!("{what}: a result instead of error {code}: {r}")),
    }
}

async fn unknown_method(target: &Target, version: ProtocolVersion) -> Outcome {
    with_session!(target, version, |c| {
        let reply = c.request("no/such/method", json!({})).await?;
        expect_error(reply, -32601, "an unknown method")?;
        Ok(still_answers(&mut c).await?)
    })
}

async fn parse_error(target: &Target, version: ProtocolVersion) -> Outcome {
    with_session!(target, version, |c| {
        c.send_raw(br#"{"jsonrpc": "2.0", "id": 77, "method": "ping", "par"#)
            .await?;
        // The reply has id null: the server could not read the id.
        let reply = c
            .answer_to_bad_input(&Value::Null, BAD_INPUT_ANSWER)
            .await?;
        expect_error(reply, -32700, "malformed JSON")?;
        Ok(still_answers(&mut c).await?)
    })
}

async fn invalid_request(target: &Target, version: ProtocolVersion) -> Outcome {
    with_session!(target, version, |c| {
        let id = json!("no-method");
        c.send_raw(
            json!({"jsonrpc": "2.0", "id": id, "params": {}})
                .to_string()
                .as_bytes(),
        )
        .await?;
        // An invalid request's id may be unreadable to the server: null or no id is fine.
        let reply = c.answer_to_bad_input(&id, BAD_INPUT_ANSWER).await?;
        expect_error(reply, -32600, "a request without a method")?;
        Ok(still_answers(&mut c).await?)
    })
}

/// A ~5 MB request (a long string in `_meta`) gets an answer, any answer: a result, an error
/// (with its id, or with id null when the server would not read it), or over HTTP a 413
/// without a body. Then the connection (or over HTTP the session) still answers.
async fn huge_request(target: &Target, version: ProtocolVersion) -> Outcome {
    with_session!(target, version, |c| {
        let method = c.liveness_method();
        let id = json!("huge");
        let padding = "x".repeat(HUGE);
        let params = c.stamp(json!({"_meta": {"dev.mcp-conformance/padding": padding}}));
        let request = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        if let Err(e) = c.send_raw(request.to_string().as_bytes()).await {
            // Over HTTP a server may refuse an oversize body by answering (413) before it
            // has read it all and closing the connection (RFC 9112 §9.6); the client then
            // fails to write the rest and may never see the answer. That refusal is allowed:
            // what matters is that the server serves the next request. Over stdio a write
            // that fails means the server is gone.
            if target.http_url().is_none() {
                return Err(format!("a {HUGE}-byte {method}: {e}").into());
            }
            c.note(format!(
                "the server closed the connection while the {HUGE}-byte body was sent ({e}): \
                 a refusal of the body"
            ));
            c.drop_connections();
            return Ok(still_answers(&mut c).await?);
        }
        // A server that refuses to read a body this large cannot read its id either.
        match c.answer_to_bad_input(&id, HUGE_ANSWER).await {
            Ok(_) => {}
            // §Sending Messages: an HTTP error status is the transport's answer.
            Err(_) if c.last_status() == Some(413) => {}
            Err(e) => return Err(format!("a {HUGE}-byte {method}: {e}").into()),
        }
        // A server that refused the body unread may close the connection it came on.
        c.drop_connections();
        Ok(still_answers(&mut c).await?)
    })
}
