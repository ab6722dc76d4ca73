//! Multi round-trip requests (2026-07-28 basic/patterns/mrtr): a tool call that ends
//! `input_required` is answered and retried with `inputResponses` and the `requestState`
//! echoed unchanged, and must complete; a retry whose `requestState` was altered must not
//! be served as if it were the original.
//!
//! The tool is found by calling each listed tool (at most [`MAX_TOOLS`]) once with
//! arguments its `inputSchema` accepts, declaring every client capability an input request
//! may need. Only `tools/call` is tried: `prompts/get` and `resources/read` may ask too,
//! but are not looked at here.

pub(super) mod answers;

use futures::FutureExt;
use mcp_protocol::ProtocolVersion;
use serde_json::{Map, Value, json};

use super::callable::callable_tools;
use super::probe::accepted_arguments;
use super::{Halt, ServerScenario, scenario, with_session};
use crate::scenario::{Outcome, Severity};
use crate::target::{Conversation, Reply, Target, clip_at};

pub(super) fn scenarios() -> Vec<ServerScenario> {
    vec![
        scenario(
            "mrtr/round-trip",
            "2026-07-28 basic/patterns/mrtr §Basic Workflow, §Server Requirements (at least one of \
             inputRequests or requestState; only elicitation, sampling and roots asked), \
             §Client Requirements (answers and requestState echoed unchanged)",
            Severity::Must,
            |t, v| round_trip(t, v).boxed(),
        )
        .checks(&["6.1", "6.2"]),
        scenario(
            "mrtr/tampered-state",
            "2026-07-28 basic/patterns/mrtr §Server Requirements 4 (requestState is attacker-controlled: \
             integrity-protected and rejected when it fails verification, a MUST where it matters), \
             §Security Considerations",
            Severity::Should,
            |t, v| tampered_state(t, v).boxed(),
        )
        .checks(&["6.3"]),
    ]
}

/// The most tools called while looking for one that asks for input.
const MAX_TOOLS: usize = 16;
/// The most answered retries before a tool that keeps asking fails.
const MAX_ROUNDS: usize = 5;

/// A tool call that ended `input_required`.
struct Asking {
    name: String,
    arguments: Value,
    /// The `input_required` result.
    result: Value,
}

fn stateless_only(version: ProtocolVersion) -> Option<Outcome> {
    version.has_handshake().then(|| {
        Outcome::skip(format!(
            "{version} has no multi round-trip requests (new in 2026-07-28)"
        ))
    })
}

/// The first listed tool whose call asks for input; skips when none does.
async fn find_asking(c: &mut Conversation) -> Result<Asking, Halt> {
    c.declare(answers::capabilities());
    let tools = callable_tools(c).await?;
    let mut called = Vec::new();
    for tool in tools.iter().take(MAX_TOOLS) {
        let name = tool["name"].as_str().unwrap_or_default().to_owned();
        let drawn = accepted_arguments(&tool["inputSchema"], 1).await;
        let Some(arguments) = drawn.into_iter().next() else {
            continue;
        };
        let params = json!({"name": name, "arguments": arguments});
        let id = json!(format!("find-asking-{name}"));
        // A tool still busy after the wait (and cancelled) asked for nothing in time.
        let reply = c
            .request_or_cancel(id, "tools/call", params)
            .await
            .map_err(|e| format!("tool {name}: {e}"))?;
        match reply {
            Some(Reply::Result(result)) if result["resultType"] == "input_required" => {
                return Ok(Asking {
                    name,
                    arguments,
                    result,
                });
            }
            _ => called.push(name),
        }
    }
    Err(Halt::Skip(format!(
        "no tool asked for input (called with arguments their inputSchema accepts, declaring \
         elicitation, sampling and roots: {})",
        if called.is_empty() {
            "none".to_owned()
        } else {
            called.join(", ")
        }
    )))
}

/// The retry of `a` answering `asked` (an `input_required` result), carrying `state` as the
/// `requestState` (none when `asked` gave none: §Client Requirements 2).
fn retry_params(a: &Asking, asked: &Value, state: Option<&str>) -> Result<Value, String> {
    let requests = asked.get("inputRequests").filter(|r| !r.is_null());
    if requests.is_none() && asked.get("requestState").is_none() {
        return Err(format!(
            "tool {}: an input_required result with neither inputRequests nor requestState \
             (§Server Requirements 6): {asked}",
            a.name
        ));
    }
    let mut params = json!({"name": a.name, "arguments": a.arguments});
    if let Some(requests) = requests {
        let Some(requests) = requests.as_object() else {
            return Err(format!("tool {}: inputRequests is not an object", a.name));
        };
        let mut responses = Map::new();
        for (key, request) in requests {
            let response = answers::answer(request).map_err(|e| format!("tool {}: {e}", a.name))?;
            responses.insert(key.clone(), response);
        }
        params["inputResponses"] = Value::Object(responses);
    }
    if let Some(state) = state {
        params["requestState"] = json!(state);
    }
    Ok(params)
}

/// Answer, retry with the state unchanged, until the call completes.
async fn round_trip(target: &Target, version: ProtocolVersion) -> Outcome {
    if let Some(skip) = stateless_only(version) {
        return skip;
    }
    with_session!(target, version, |c| {
        let asking = find_asking(&mut c).await?;
        let name = &asking.name;
        let mut asked = asking.result.clone();
        for round in 1..=MAX_ROUNDS {
            let state = asked["requestState"].as_str().map(str::to_owned);
            let params = retry_params(&asking, &asked, state.as_deref())?;
            let reply = c
                .request("tools/call", params)
                .await
                .map_err(|e| format!("tool {name}, retry {round}: {e}"))?;
            let result = match reply {
                Reply::Error(code, e) => {
                    return Err(format!(
                        "tool {name}: retry {round}, answering every input request with the \
                         requestState echoed unchanged, got error {code}: {e}"
                    )
                    .into());
                }
                Reply::Result(result) => result,
            };
            match result["resultType"].as_str() {
                Some("input_required") => asked = result,
                Some("complete") => return Ok(()),
                other => {
                    return Err(format!(
                        "tool {name}: retry {round} ended with resultType {other:?}, neither \
                         complete nor input_required: {}",
                        clip_at(&result.to_string(), 300)
                    )
                    .into());
                }
            }
        }
        Err(format!(
            "tool {name} still asked for input after {MAX_ROUNDS} answered retries with its \
             requestState echoed unchanged"
        )
        .into())
    })
}

/// `state` with one character changed, in the middle: a change at either end could fall in
/// the padding bits of a Base64 text and decode to the same bytes.
fn tamper(state: &str) -> String {
    let mut chars: Vec<char> = state.chars().collect();
    if chars.is_empty() {
        return "x".into();
    }
    let at = chars.len() / 2;
    chars[at] = match chars[at] {
        'z' => 'a',
        'Z' => 'A',
        '9' => '0',
        c if c.is_ascii_alphanumeric() => char::from(c as u8 + 1),
        _ => 'A',
    };
    chars.into_iter().collect()
}

/// The same retry with the `requestState` altered: an error, a tool error or a fresh input
/// request is a rejection; a completed call is the altered state accepted.
async fn tampered_state(target: &Target, version: ProtocolVersion) -> Outcome {
    if let Some(skip) = stateless_only(version) {
        return skip;
    }
    with_session!(target, version, |c| {
        let asking = find_asking(&mut c).await?;
        let name = &asking.name;
        let Some(state) = asking.result["requestState"].as_str() else {
            return Err(Halt::Skip(format!(
                "tool {name} asked for input without a requestState: nothing to tamper with"
            )));
        };
        let altered = tamper(state);
        c.note(format!(
            "the retry carries requestState {} altered in one character",
            clip_at(state, 200)
        ));
        let params = retry_params(&asking, &asking.result, Some(&altered))?;
        let reply = c
            .request("tools/call", params)
            .await
            .map_err(|e| format!("tool {name}, the retry with an altered requestState: {e}"))?;
        match reply {
            Reply::Error(..) => Ok(()),
            Reply::Result(r) if r["resultType"] == "input_required" || r["isError"] == true => {
                Ok(())
            }
            Reply::Result(r) => Err(format!(
                "tool {name}: the retry with its requestState altered in one character was \
                 served as if the state were the original: {}",
                clip_at(&r.to_string(), 300)
            )
            .into()),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tampering_changes_one_character_in_the_middle() {
        for state in ["eyJhIjoxfQ.c2ln", "a", "zzz", "..."] {
            let altered = tamper(state);
            assert_ne!(altered, state);
            assert_eq!(altered.chars().count(), state.chars().count());
            let differ = state
                .chars()
                .zip(altered.chars())
                .filter(|(a, b)| a != b)
                .count();
            assert_eq!(differ, 1, "{state} → {altered}");
        }
    }
}
