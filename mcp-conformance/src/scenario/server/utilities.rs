//! Cancellation and progress (2024-11-05..2025-11-25 basic/utilities/cancellation,
//! basic/utilities/progress; 2026-07-28 basic/patterns/cancellation, basic/patterns/progress).

use futures::FutureExt;
use mcp_protocol::ProtocolVersion;
use serde_json::{Value, json};

use super::callable::callable_tools;
use super::listing::callable_with_nothing;
use super::{Halt, ServerScenario, scenario, still_answers, with_session};
use crate::scenario::{Outcome, Severity};
use crate::target::{Conversation, Target};

pub(super) fn scenarios() -> Vec<ServerScenario> {
    vec![
        scenario(
            "utilities/cancellation",
            "basic/utilities/cancellation §Error Handling (invalid cancellation notifications SHOULD be ignored), \
             §Timing Considerations; 2026-07-28 basic/patterns/cancellation",
            Severity::Should,
            |t, v| cancellation(t, v).boxed(),
        )
        .checks(&["7.2"]),
        scenario(
            "utilities/progress",
            "basic/utilities/progress §Progress Flow (same token; progress MUST increase), §Behavior Requirements; \
             2026-07-28 basic/patterns/progress",
            Severity::Must,
            |t, v| progress(t, v).boxed(),
        )
        .checks(&["7.6", "7.7"]),
    ]
}

/// The most tools called with a progress token.
const MAX_TOOLS: usize = 8;

/// Cancelling a request that was never sent, and one already answered: both are ignored (no
/// answer to the notification, no harm) and the server keeps serving.
async fn cancellation(target: &Target, version: ProtocolVersion) -> Outcome {
    with_session!(target, version, |c| {
        c.notify(
            "notifications/cancelled",
            json!({"requestId": "never-sent", "reason": "mcp-conformance: an id not in flight"}),
        )
        .await?;
        still_answers(&mut c).await?;
        // A request answered, then cancelled: the race the spec says both sides handle.
        let method = c.liveness_method();
        let id = json!("answered-then-cancelled");
        let params = c.stamp(json!({}));
        let request = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        c.send_raw(request.to_string().as_bytes()).await?;
        c.answer_to(&id, Some(method)).await?.result(method)?;
        c.notify(
            "notifications/cancelled",
            json!({"requestId": id, "reason": "mcp-conformance: already answered"}),
        )
        .await?;
        // An answer to a notification would come before this one and fail it.
        Ok(still_answers(&mut c).await?)
    })
}

/// Tools whose input schema accepts `{}` are called with a progress token; every
/// `notifications/progress` carries the token of the call in flight, with progress that
/// increases. Skips when the server sends none.
async fn progress(target: &Target, version: ProtocolVersion) -> Outcome {
    with_session!(target, version, |c| {
        let callable = callable_with_nothing(&callable_tools(&mut c).await?, MAX_TOOLS);
        let mut reported = 0;
        // Tokens of calls given up on and cancelled: progress for them that crossed the
        // cancellation, or a server that goes on working anyway (cancellation asks it to
        // stop with a SHOULD), is not judged here.
        let mut cancelled = Vec::new();
        c.take_notifications();
        for name in &callable {
            let token = format!("progress-{name}");
            let params = json!({"name": name, "arguments": {}, "_meta": {"progressToken": token}});
            // Any answer will do, or none from a tool that works longer than the wait (it
            // is cancelled then): what is judged is the progress on the way.
            let answered = c
                .request_or_cancel(json!(token), "tools/call", params)
                .await
                .map_err(|e| format!("tool {name}: {e}"))?;
            reported += judge_progress(&mut c, Some(&token), &cancelled)?;
            if answered.is_none() {
                cancelled.push(token);
            }
        }
        // Progress after its request was answered shows up before this answer.
        still_answers(&mut c).await?;
        judge_progress(&mut c, None, &cancelled)?;
        if reported == 0 {
            return Err(Halt::Skip(format!(
                "no notifications/progress for a progressToken (tools called with {{}}: {})",
                if callable.is_empty() {
                    "none".to_owned()
                } else {
                    callable.join(", ")
                }
            )));
        }
        Ok(())
    })
}

/// Judges the progress notifications received since the last look, but those for the
/// `cancelled` tokens; how many there were.
fn judge_progress(
    c: &mut Conversation,
    token: Option<&str>,
    cancelled: &[String],
) -> Result<usize, String> {
    let mut notifications = c.take_notifications();
    notifications.retain(|n| {
        let of = n["params"]["progressToken"].as_str();
        !(n["method"] == "notifications/progress"
            && of.is_some_and(|t| cancelled.iter().any(|c| c == t)))
    });
    judge_notifications(notifications, token)
}

/// Each progress notification among `notifications` carries `token` (none is allowed when no
/// request with a token is in flight) with increasing progress; how many there were.
fn judge_notifications(notifications: Vec<Value>, token: Option<&str>) -> Result<usize, String> {
    let mut last: Option<f64> = None;
    let mut count = 0;
    for n in notifications {
        if n["method"] != "notifications/progress" {
            continue;
        }
        count += 1;
        let params = &n["params"];
        let Some(token) = token.filter(|t| params["progressToken"] == *t) else {
            return Err(format!(
                "notifications/progress for token {} while {}: {n}",
                params["progressToken"],
                token.map_or_else(
                    || "no request with a token was in flight".to_owned(),
                    |t| format!("only {t:?} was in flight"),
                )
            ));
        };
        let Some(now) = params["progress"].as_f64() else {
            return Err(format!("progress is not a number: {n}"));
        };
        if let Some(before) = last.filter(|b| now <= *b) {
            return Err(format!(
                "token {token:?}: progress {now} after {before}: it MUST increase with each notification"
            ));
        }
        last = Some(now);
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn progress(token: &str, value: f64) -> Value {
        json!({"jsonrpc": "2.0", "method": "notifications/progress",
            "params": {"progressToken": token, "progress": value}})
    }

    #[test]
    fn progress_must_increase_and_carry_the_token_in_flight() {
        let ok = [progress("t", 1.0), progress("t", 2.5)];
        assert_eq!(check(&ok, Some("t")), Ok(2));
        let flat = [progress("t", 1.0), progress("t", 1.0)];
        assert!(check(&flat, Some("t")).is_err_and(|e| e.contains("MUST increase")));
        let foreign = [progress("u", 1.0)];
        assert!(check(&foreign, Some("t")).is_err_and(|e| e.contains("\"u\"")));
        assert!(check(&[progress("t", 1.0)], None).is_err());
        assert_eq!(check(&[], None), Ok(0));
    }

    /// [`judge_progress`] over `notifications`, without a connection.
    fn check(notifications: &[Value], token: Option<&str>) -> Result<usize, String> {
        judge_notifications(notifications.to_vec(), token)
    }
}
