//! The official scenarios whose tool asks the client something: `tools-call-sampling`,
//! `tools-call-elicitation`, `elicitation-sep1034-defaults`, `elicitation-sep1330-enums`.
//! In the session era the conversation declares `sampling` and `elicitation` and answers
//! the server's requests (client/sampling, client/elicitation); in 2026-07-28 the same
//! tools ask by MRTR (`input_required`), and the questions are judged the same way.

use std::sync::{Arc, Mutex};

use futures::FutureExt;
use mcp_protocol::ProtocolVersion;
use serde_json::{Value, json};

use super::{Name, call, content, ensure, filled, with_fixture, within};
use crate::scenario::server::mrtr::answers;
use crate::scenario::server::{Halt, ServerScenario, scenario};
use crate::scenario::{Outcome, Severity};
use crate::target::{Conversation, Responder, Target};

pub(super) fn scenarios() -> Vec<ServerScenario> {
    vec![
        scenario(
            "official/tools-call-sampling",
            "client/sampling §Creating Messages: the tool asks sampling/createMessage with the \
             prompt, and answers with content (test_sampling)",
            Severity::Must,
            |t, v| sampling(t, v).boxed(),
        ),
        scenario(
            "official/tools-call-elicitation",
            "2025-06-18+ client/elicitation §Creating Elicitation Requests: a message and an object \
             requestedSchema; the tool answers with content (test_elicitation)",
            Severity::Must,
            |t, v| elicitation(t, v).boxed(),
        ),
        scenario(
            "official/elicitation-sep1034-defaults",
            "2025-11-25 client/elicitation §Supported Schema Types: defaults for string, integer, \
             number, enum and boolean (SEP-1034) (test_elicitation_sep1034_defaults)",
            Severity::Must,
            |t, v| sep1034(t, v).boxed(),
        ),
        scenario(
            "official/elicitation-sep1330-enums",
            "2025-11-25 client/elicitation §Enum Schema: untitled, titled (oneOf const/title), \
             legacy enumNames, and the multi-select forms (SEP-1330) (test_elicitation_sep1330_enums)",
            Severity::Must,
            |t, v| sep1330(t, v).boxed(),
        ),
    ]
}

/// One request the server asked: `(method, params)`.
type Question = (String, Value);

/// The requests the server asked during a call.
type Asked = Arc<Mutex<Vec<Question>>>;

/// How a scenario judges what was asked, and the tool's result.
type Judge = fn(&[Question], &Value) -> Result<(), Halt>;

/// A responder that answers as [`answers::answer`] does and records every request.
fn recording() -> (Asked, Responder) {
    let asked: Asked = Arc::default();
    let seen = asked.clone();
    let responder: Responder = Box::new(move |method, params| {
        if let Ok(mut seen) = seen.lock() {
            seen.push((method.to_owned(), params.clone()));
        }
        answers::answer(&json!({"method": method, "params": params})).ok()
    });
    (asked, responder)
}

/// Calls tool `name` with `arguments`, answering what it asks: the requests it asked and
/// its final result. Session era: the server's requests, answered by the responder; from
/// 2026-07-28: the `inputRequests` of `input_required` results, answered and retried with
/// the `requestState` (at most a few rounds).
async fn call_asking(
    c: &mut Conversation,
    asked: &Asked,
    name: &str,
    arguments: Value,
) -> Result<(Vec<(String, Value)>, Value), Halt> {
    if !c.stateless() {
        let result = call(c, json!({"name": name, "arguments": arguments})).await?;
        let seen = asked.lock().map(|a| a.clone()).unwrap_or_default();
        return Ok((seen, result));
    }
    let mut seen = Vec::new();
    let mut params = json!({"name": name, "arguments": arguments});
    for _ in 0..4 {
        let result = call(c, params.clone()).await?;
        if result["resultType"] != "input_required" {
            return Ok((seen, result));
        }
        let mut responses = serde_json::Map::new();
        for (key, request) in result["inputRequests"]
            .as_object()
            .cloned()
            .unwrap_or_default()
        {
            seen.push((
                request["method"].as_str().unwrap_or_default().to_owned(),
                request["params"].clone(),
            ));
            responses.insert(
                key,
                answers::answer(&request).map_err(|e| format!("{name}: {e}"))?,
            );
        }
        params["inputResponses"] = Value::Object(responses);
        match result.get("requestState") {
            Some(state) => params["requestState"] = state.clone(),
            None => drop(params.as_object_mut().map(|p| p.remove("requestState"))),
        }
    }
    Err(Halt::Fail(format!("{name} kept asking for input")))
}

/// Opens a fixture conversation that answers sampling and elicitation, calls `tool`, and
/// judges what it asked with `judge`.
async fn asking(
    target: &Target,
    version: ProtocolVersion,
    tool: &'static str,
    arguments: Value,
    judge: Judge,
) -> Outcome {
    let (asked, responder) = recording();
    let client = Some((answers::capabilities(), responder));
    with_fixture!(target, version, client, &[Name::Tool(tool)], |c| {
        let (seen, result) = call_asking(c, &asked, tool, arguments).await?;
        ensure(result["isError"] != true, || {
            format!("{tool} ended with isError: {result}")
        })?;
        content(tool, &result)?;
        judge(&seen, &result)
    })
}

/// The params of the one request of `method` among `seen`.
fn one<'a>(seen: &'a [(String, Value)], method: &str) -> Result<&'a Value, Halt> {
    seen.iter()
        .find(|(m, _)| m == method)
        .map(|(_, p)| p)
        .ok_or_else(|| {
            Halt::Fail(format!(
                "the server did not ask {method} (asked: {:?})",
                seen.iter().map(|(m, _)| m.as_str()).collect::<Vec<_>>()
            ))
        })
}

async fn sampling(target: &Target, version: ProtocolVersion) -> Outcome {
    let args = json!({"prompt": "Test prompt for sampling"});
    asking(target, version, "test_sampling", args, |seen, _| {
        let p = one(seen, "sampling/createMessage")?;
        ensure(p["maxTokens"].as_u64().is_some(), || {
            format!("sampling/createMessage without maxTokens: {p}")
        })?;
        let text = p["messages"].to_string();
        ensure(text.contains("Test prompt for sampling"), || {
            format!("the sampling request does not carry the tool's prompt: {p}")
        })
    })
    .await
}

/// Form elicitation is 2025-06-18 on.
fn elicitation_span(version: ProtocolVersion, first: ProtocolVersion) -> Result<(), Outcome> {
    within(
        version,
        (first, None),
        &format!("elicitation is not in {version} (new in {first})"),
    )
}

async fn elicitation(target: &Target, version: ProtocolVersion) -> Outcome {
    if let Err(skip) = elicitation_span(version, ProtocolVersion::V2025_06_18) {
        return skip;
    }
    let args = json!({"message": "Please provide your information"});
    asking(target, version, "test_elicitation", args, |seen, _| {
        let p = one(seen, "elicitation/create")?;
        ensure(filled(&p["message"]), || {
            format!("elicitation/create without a message: {p}")
        })?;
        ensure(
            p["requestedSchema"]["type"] == "object"
                && p["requestedSchema"]["properties"].is_object(),
            || format!("elicitation/create without an object requestedSchema: {p}"),
        )
    })
    .await
}

/// `schema.properties[name]` has `type` and, when given, `default`.
fn field(schema: &Value, name: &str, kind: &str, default: Option<Value>) -> Result<(), Halt> {
    let f = &schema["properties"][name];
    ensure(f["type"] == kind, || {
        format!("{name}: type {} instead of {kind}", f["type"])
    })?;
    if let Some(d) = default {
        ensure(f["default"] == d, || {
            format!("{name}: default {} instead of {d}", f["default"])
        })?;
    }
    Ok(())
}

async fn sep1034(target: &Target, version: ProtocolVersion) -> Outcome {
    if let Err(skip) = elicitation_span(version, ProtocolVersion::V2025_11_25) {
        return skip;
    }
    asking(
        target,
        version,
        "test_elicitation_sep1034_defaults",
        json!({}),
        |seen, _| {
            let s = &one(seen, "elicitation/create")?["requestedSchema"];
            field(s, "name", "string", Some(json!("John Doe")))?;
            field(s, "age", "integer", Some(json!(30)))?;
            field(s, "score", "number", Some(json!(95.5)))?;
            field(s, "status", "string", Some(json!("active")))?;
            ensure(s["properties"]["status"]["enum"].is_array(), || {
                "status is not an enum".into()
            })?;
            field(s, "verified", "boolean", Some(json!(true)))
        },
    )
    .await
}

/// `options` are `{const, title}` objects, at least one.
fn titled(options: &Value) -> bool {
    options.as_array().is_some_and(|o| {
        !o.is_empty()
            && o.iter()
                .all(|x| x["const"].is_string() && x["title"].is_string())
    })
}

async fn sep1330(target: &Target, version: ProtocolVersion) -> Outcome {
    if let Err(skip) = elicitation_span(version, ProtocolVersion::V2025_11_25) {
        return skip;
    }
    asking(
        target,
        version,
        "test_elicitation_sep1330_enums",
        json!({}),
        |seen, _| {
            let p = &one(seen, "elicitation/create")?["requestedSchema"]["properties"];
            let u = &p["untitledSingle"];
            ensure(
                u["type"] == "string"
                    && u["enum"].is_array()
                    && u.get("oneOf").is_none()
                    && u.get("enumNames").is_none(),
                || format!("untitledSingle is not a plain string enum: {u}"),
            )?;
            let t = &p["titledSingle"];
            ensure(t["type"] == "string" && titled(&t["oneOf"]), || {
                format!("titledSingle is not a oneOf of const/title: {t}")
            })?;
            let l = &p["legacyEnum"];
            ensure(
                l["enum"].is_array()
                    && l["enumNames"].as_array().map(Vec::len)
                        == l["enum"].as_array().map(Vec::len),
                || format!("legacyEnum has no enumNames matching its enum: {l}"),
            )?;
            let um = &p["untitledMulti"];
            ensure(
                um["type"] == "array" && um["items"]["enum"].is_array(),
                || format!("untitledMulti is not an array of an enum: {um}"),
            )?;
            let tm = &p["titledMulti"];
            ensure(
                tm["type"] == "array" && titled(&tm["items"]["anyOf"]),
                || format!("titledMulti is not an array of anyOf const/title: {tm}"),
            )
        },
    )
    .await
}
