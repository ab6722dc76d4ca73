//! The official `input-required-result-*` scenarios (2026-07-28 basic/patterns/mrtr,
//! SEP-2322): the fixture's MRTR tools and prompt by name, their `inputRequests` keys, the
//! retries with `inputResponses` and the `requestState`.

use futures::FutureExt;
use mcp_protocol::ProtocolVersion;
use serde_json::{Value, json};

use super::http::raw_rpc;
use super::{Name, STATELESS, call, ensure, within};
use crate::scenario::server::mrtr::answers;
use crate::scenario::server::{Halt, ServerScenario, scenario};
use crate::scenario::{Outcome, Severity};
use crate::target::{Conversation, Reply, Target};

pub(super) fn scenarios() -> Vec<ServerScenario> {
    let s = |name, section, check| scenario(name, section, Severity::Must, check);
    vec![
        s(
            "official/input-required-result-basic-elicitation",
            "2026-07-28 basic/patterns/mrtr §Basic Workflow: input_required with elicitation/create under \
           user_name, then complete (test_input_required_result_elicitation)",
            |t, v| {
                basic(
                    t,
                    v,
                    "test_input_required_result_elicitation",
                    "user_name",
                    "elicitation/create",
                )
                .boxed()
            },
        ),
        s(
            "official/input-required-result-basic-sampling",
            "2026-07-28 basic/patterns/mrtr §Basic Workflow: sampling/createMessage under capital_question \
           (test_input_required_result_sampling)",
            |t, v| {
                basic(
                    t,
                    v,
                    "test_input_required_result_sampling",
                    "capital_question",
                    "sampling/createMessage",
                )
                .boxed()
            },
        ),
        s(
            "official/input-required-result-basic-list-roots",
            "2026-07-28 basic/patterns/mrtr §Basic Workflow: roots/list under client_roots \
           (test_input_required_result_list_roots)",
            |t, v| {
                basic(
                    t,
                    v,
                    "test_input_required_result_list_roots",
                    "client_roots",
                    "roots/list",
                )
                .boxed()
            },
        ),
        s(
            "official/input-required-result-request-state",
            "2026-07-28 basic/patterns/mrtr §Server Requirements (requestState a string, echoed back) \
           (test_input_required_result_request_state)",
            |t, v| request_state(t, v).boxed(),
        ),
        s(
            "official/input-required-result-multiple-input-requests",
            "2026-07-28 basic/patterns/mrtr §InputRequests: several at once, all answered \
           (test_input_required_result_multiple_inputs)",
            |t, v| multiple(t, v).boxed(),
        ),
        s(
            "official/input-required-result-multi-round",
            "2026-07-28 basic/patterns/mrtr §Multiple Rounds: a new requestState each round \
           (test_input_required_result_multi_round)",
            |t, v| multi_round(t, v).boxed(),
        ),
        s(
            "official/input-required-result-missing-input-response",
            "2026-07-28 basic/patterns/mrtr §Server Requirements: missing responses are asked again \
           (SHOULD), not served",
            |t, v| missing_response(t, v).boxed(),
        ),
        s(
            "official/input-required-result-non-tool-request",
            "2026-07-28 basic/patterns/mrtr §Supported Methods: prompts/get asks too \
           (test_input_required_result_prompt)",
            |t, v| non_tool(t, v).boxed(),
        ),
        s(
            "official/input-required-result-result-type",
            "2026-07-28 basic/patterns/mrtr §InputRequiredResult: resultType \"input_required\" present",
            |t, v| result_type(t, v).boxed(),
        ),
        s(
            "official/input-required-result-unsupported-methods",
            "2026-07-28 basic/patterns/mrtr §Supported Methods: no input_required on tools/list or prompts/list",
            |t, v| unsupported_methods(t, v).boxed(),
        ),
        s(
            "official/input-required-result-tampered-state",
            "2026-07-28 basic/patterns/mrtr §Server Requirements 4, §Security Considerations: a tampered \
           requestState is rejected (test_input_required_result_tampered_state)",
            |t, v| tampered(t, v).boxed(),
        ),
        s(
            "official/input-required-result-capability-check",
            "2026-07-28 basic/patterns/mrtr §Server Requirements 7: input requests only for declared \
           capabilities (test_input_required_result_capabilities)",
            |t, v| capability_check(t, v).boxed(),
        ),
        s(
            "official/input-required-result-ignore-extra-params",
            "2026-07-28 basic/patterns/mrtr §Server Requirements: unrecognized inputResponses keys ignored (SHOULD)",
            |t, v| extra_params(t, v).boxed(),
        ),
        s(
            "official/input-required-result-validate-input",
            "2026-07-28 basic/patterns/mrtr §Server Requirements: malformed inputResponses not accepted (SHOULD)",
            |t, v| validate_input(t, v).boxed(),
        ),
    ]
}

/// The MRTR scenarios exist only in 2026-07-28.
fn only_2026(version: ProtocolVersion) -> Result<(), Outcome> {
    within(
        version,
        STATELESS,
        "multi round-trip requests are new in 2026-07-28",
    )
}

/// A call of `tool` (the only argument-free MRTR form) with `extra` params merged in.
fn params(tool: &str, extra: Value) -> Value {
    let mut p = json!({"name": tool, "arguments": {}});
    if let (Some(p), Some(extra)) = (p.as_object_mut(), extra.as_object()) {
        p.extend(extra.clone());
    }
    p
}

/// `result` is `input_required` and asks `method` under `key`.
fn asks(tool: &str, result: &Value, key: &str, method: &str) -> Result<(), Halt> {
    ensure(result["resultType"] == "input_required", || {
        format!("{tool}: expected resultType input_required, got {result}")
    })?;
    let request = &result["inputRequests"][key];
    ensure(request["method"] == method, || {
        format!(
            "{tool}: inputRequests[{key:?}] is not {method}: {}",
            result["inputRequests"]
        )
    })
}

/// The answers to every input request of `result`, by key.
fn respond(tool: &str, result: &Value) -> Result<Value, Halt> {
    let mut out = serde_json::Map::new();
    for (key, request) in result["inputRequests"]
        .as_object()
        .cloned()
        .unwrap_or_default()
    {
        out.insert(
            key,
            answers::answer(&request).map_err(|e| format!("{tool}: {e}"))?,
        );
    }
    Ok(Value::Object(out))
}

/// The retry answering `result`, with its `requestState` echoed when it gave one.
fn retry(tool: &str, result: &Value) -> Result<Value, Halt> {
    let mut extra = json!({"inputResponses": respond(tool, result)?});
    if let Some(state) = result.get("requestState") {
        extra["requestState"] = state.clone();
    }
    Ok(params(tool, extra))
}

/// `result` is complete (no resultType, or `complete`) and not a tool error.
fn complete(what: &str, result: &Value) -> Result<(), Halt> {
    ensure(
        result["resultType"].is_null() || result["resultType"] == "complete",
        || format!("{what}: expected a complete result, got {result}"),
    )?;
    ensure(result["isError"] != true, || {
        format!("{what}: a tool error: {result}")
    })
}

/// The fixture conversation of an MRTR scenario, declaring every input capability.
async fn open(
    target: &Target,
    version: ProtocolVersion,
    names: &[Name],
) -> Result<Conversation, Outcome> {
    let mut c = super::open_fixture(target, version, None, names).await?;
    c.declare(answers::capabilities());
    Ok(c)
}

/// Runs `body` on [`open`]'s conversation and judges it.
macro_rules! mrtr {
    ($target:expr, $version:expr, $names:expr, |$c:ident| $body:block) => {{
        if let Err(skip) = only_2026($version) {
            return skip;
        }
        let mut $c = match open($target, $version, $names).await {
            Ok(c) => c,
            Err(outcome) => return outcome,
        };
        let verdict: Result<(), Halt> = {
            let $c = &mut $c;
            async move { $body }.await
        };
        crate::scenario::server::judge(&mut $c, verdict)
    }};
}

async fn basic(
    target: &Target,
    version: ProtocolVersion,
    tool: &'static str,
    key: &str,
    method: &str,
) -> Outcome {
    mrtr!(target, version, &[Name::Tool(tool)], |c| {
        let first = call(c, params(tool, json!({}))).await?;
        asks(tool, &first, key, method)?;
        let done = call(c, retry(tool, &first)?).await?;
        complete(tool, &done)
    })
}

const ELICIT: &str = "test_input_required_result_elicitation";

async fn request_state(target: &Target, version: ProtocolVersion) -> Outcome {
    let tool = "test_input_required_result_request_state";
    mrtr!(target, version, &[Name::Tool(tool)], |c| {
        let first = call(c, params(tool, json!({}))).await?;
        ensure(
            first["resultType"] == "input_required" && first["inputRequests"].is_object(),
            || format!("{tool}: expected input_required with inputRequests: {first}"),
        )?;
        ensure(
            first["requestState"]
                .as_str()
                .is_some_and(|s| !s.is_empty()),
            || format!("{tool}: no requestState string: {first}"),
        )?;
        let done = call(c, retry(tool, &first)?).await?;
        complete(tool, &done)?;
        ensure(
            done["content"].to_string().to_lowercase().contains("state"),
            || format!("{tool}: the result does not say the state was verified: {done}"),
        )
    })
}

async fn multiple(target: &Target, version: ProtocolVersion) -> Outcome {
    let tool = "test_input_required_result_multiple_inputs";
    mrtr!(target, version, &[Name::Tool(tool)], |c| {
        let first = call(c, params(tool, json!({}))).await?;
        let methods: Vec<String> = first["inputRequests"]
            .as_object()
            .map(|r| {
                r.values()
                    .filter_map(|q| q["method"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        ensure(
            first["resultType"] == "input_required" && methods.len() >= 2,
            || format!("{tool}: expected several input requests at once: {first}"),
        )?;
        ensure(first["requestState"].is_string(), || {
            format!("{tool}: no requestState: {first}")
        })?;
        let done = call(c, retry(tool, &first)?).await?;
        complete(tool, &done)
    })
}

async fn multi_round(target: &Target, version: ProtocolVersion) -> Outcome {
    let tool = "test_input_required_result_multi_round";
    mrtr!(target, version, &[Name::Tool(tool)], |c| {
        let r1 = call(c, params(tool, json!({}))).await?;
        ensure(
            r1["resultType"] == "input_required" && r1["requestState"].is_string(),
            || format!("round 1: expected input_required with a requestState: {r1}"),
        )?;
        let r2 = call(c, retry(tool, &r1)?).await?;
        ensure(
            r2["resultType"] == "input_required" && r2["requestState"].is_string(),
            || format!("round 2: expected another input_required with a requestState: {r2}"),
        )?;
        ensure(r2["requestState"] != r1["requestState"], || {
            "round 2 repeated round 1's requestState".into()
        })?;
        let r3 = call(c, retry(tool, &r2)?).await?;
        complete("round 3", &r3)
    })
}

async fn missing_response(target: &Target, version: ProtocolVersion) -> Outcome {
    mrtr!(target, version, &[Name::Tool(ELICIT)], |c| {
        let wrong = json!({"inputResponses": {"wrong_key": {"action": "accept", "content": {"data": "wrong"}}}});
        match c.request("tools/call", params(ELICIT, wrong)).await? {
            Reply::Result(r) => ensure(r["resultType"] == "input_required", || {
                format!(
                    "answered under a wrong key, the call completed instead of asking again: {r}"
                )
            }),
            Reply::Error(code, e) => Err(Halt::Fail(format!(
                "answered under a wrong key: error {code} instead of asking again (SHOULD): {e}"
            ))),
        }
    })
}

async fn non_tool(target: &Target, version: ProtocolVersion) -> Outcome {
    let prompt = "test_input_required_result_prompt";
    mrtr!(target, version, &[Name::Prompt(prompt)], |c| {
        let first = c
            .request("prompts/get", json!({"name": prompt}))
            .await?
            .result("prompts/get")?;
        asks(prompt, &first, "user_context", "elicitation/create")?;
        let mut again = json!({"name": prompt, "inputResponses": respond(prompt, &first)?});
        if let Some(state) = first.get("requestState") {
            again["requestState"] = state.clone();
        }
        let done = c
            .request("prompts/get", again)
            .await?
            .result("prompts/get")?;
        complete(prompt, &done)?;
        ensure(
            done["messages"].as_array().is_some_and(|m| !m.is_empty()),
            || format!("{prompt}: the complete result has no messages: {done}"),
        )
    })
}

async fn result_type(target: &Target, version: ProtocolVersion) -> Outcome {
    mrtr!(target, version, &[Name::Tool(ELICIT)], |c| {
        let first = call(c, params(ELICIT, json!({}))).await?;
        ensure(first["resultType"] == "input_required", || {
            format!(
                "resultType is {} (MUST be present: input_required)",
                first["resultType"]
            )
        })
    })
}

async fn unsupported_methods(target: &Target, version: ProtocolVersion) -> Outcome {
    mrtr!(target, version, &[], |c| {
        for method in ["tools/list", "prompts/list"] {
            let r = c.request(method, json!({})).await?.result(method)?;
            ensure(r["resultType"] != "input_required", || {
                format!("{method} answered input_required (MUST NOT)")
            })?;
        }
        Ok(())
    })
}

async fn tampered(target: &Target, version: ProtocolVersion) -> Outcome {
    let tool = "test_input_required_result_tampered_state";
    mrtr!(target, version, &[Name::Tool(tool)], |c| {
        let first = call(c, params(tool, json!({}))).await?;
        let state = first["requestState"]
            .as_str()
            .ok_or_else(|| Halt::Fail(format!("{tool}: no requestState to protect: {first}")))?;
        let mut again = retry(tool, &first)?;
        again["requestState"] = json!(format!("{state}-TAMPERED"));
        match c.request("tools/call", again).await? {
            Reply::Error(..) => Ok(()),
            Reply::Result(r) => Err(Halt::Fail(format!(
                "{tool}: the tampered requestState got a result instead of an error: {r}"
            ))),
        }
    })
}

async fn capability_check(target: &Target, version: ProtocolVersion) -> Outcome {
    let tool = "test_input_required_result_capabilities";
    mrtr!(target, version, &[Name::Tool(tool)], |c| {
        // Sampling only: the server may not ask for elicitation (the conversation also
        // judges every input_required result against what was declared).
        c.declare(json!({"sampling": {}}));
        let first = call(c, params(tool, json!({}))).await?;
        ensure(first["resultType"] == "input_required", || {
            format!(
                "{tool}: with sampling declared, expected input_required asking sampling only: {first}"
            )
        })?;
        let elicits = first["inputRequests"]
            .as_object()
            .is_some_and(|r| r.values().any(|q| q["method"] == "elicitation/create"));
        ensure(!elicits, || {
            format!("{tool}: asked elicitation/create, which was not declared")
        })
    })
}

async fn extra_params(target: &Target, version: ProtocolVersion) -> Outcome {
    mrtr!(target, version, &[Name::Tool(ELICIT)], |c| {
        let responses = json!({
            "user_name": {"action": "accept", "content": {"name": "Alice"}},
            "unknown_extra_key": {"action": "accept", "content": {"foo": "bar"}},
            "another_unexpected": {"action": "accept", "content": {"baz": 123}},
        });
        let done = call(c, params(ELICIT, json!({"inputResponses": responses}))).await?;
        complete("answers with extra unknown keys (SHOULD be ignored)", &done)
    })
}

async fn validate_input(target: &Target, version: ProtocolVersion) -> Outcome {
    mrtr!(target, version, &[Name::Tool(ELICIT)], |c| {
        // Not schema-valid on purpose: sent raw.
        for (id, responses) in [(1, json!({"user_name": 12345})), (2, Value::Null)] {
            let p = c.stamp(params(ELICIT, json!({"inputResponses": responses})));
            let (_, answer) = raw_rpc(c, target, id, "tools/call", p, &[]).await?;
            let accepted = answer["result"].is_object()
                && answer["result"]["resultType"] != "input_required"
                && answer["result"]["isError"] != true;
            ensure(!accepted, || {
                format!("inputResponses {responses} was accepted as valid: {answer}")
            })?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_retry_echoes_the_state_and_answers_every_key() {
        let asked = json!({"resultType": "input_required", "requestState": "s1",
            "inputRequests": {"k": {"method": "roots/list", "params": {}}}});
        let p = retry("t", &asked).unwrap();
        assert_eq!(p["requestState"], "s1");
        assert_eq!(p["inputResponses"]["k"], json!({"roots": []}));
        assert_eq!(p["name"], "t");
    }
}
