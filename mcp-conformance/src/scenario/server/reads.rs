//! Reading what is listed: every listed resource can be read and its contents carry the
//! listed `uri`, every listed prompt can be got, and what does not exist gets the error its
//! version names (server/resources §Reading Resources, §Error Handling; server/prompts
//! §Getting a Prompt, §Error Handling). The results themselves are judged by the schema
//! validation every message goes through.

use futures::FutureExt;
use mcp_protocol::ProtocolVersion;
use serde_json::{Map, Value, json};

use super::{Halt, ServerScenario, scenario, still_answers, with_session};
use crate::scenario::{Outcome, Severity};
use crate::target::{Conversation, Reply, Target, clip_at};

pub(super) fn scenarios() -> Vec<ServerScenario> {
    vec![
        scenario(
            "resources/read-listed",
            "server/resources §Listing Resources, §Reading Resources (a listed resource is read with \
             resources/read, and its contents name its uri)",
            Severity::Must,
            |t, v| read_listed(t, v).boxed(),
        ),
        scenario(
            "resources/read-unknown",
            "server/resources §Error Handling (up to 2025-11-25: \"Servers SHOULD return standard \
             JSON-RPC errors … Resource not found: -32002\"; 2026-07-28: \"servers MUST return a \
             JSON-RPC error with code -32602\", a MUST-level finding)",
            Severity::Should,
            |t, v| read_unknown(t, v).boxed(),
        )
        .checks(&["5.13"]),
        // §Error Handling is a SHOULD, and the values of required arguments are made up here:
        // a server may refuse them with a standard JSON-RPC error (-32602, or -32603 with a
        // note: the text pins no code for a refused value); another code is a SHOULD finding.
        scenario(
            "prompts/get-listed",
            "server/prompts §Getting a Prompt; §Error Handling (\"Servers SHOULD return standard \
             JSON-RPC errors for common failure cases: Invalid prompt name: -32602; Missing \
             required arguments: -32602\")",
            Severity::Should,
            |t, v| get_listed(t, v).boxed(),
        )
        .checks(&["5.16"]),
        scenario(
            "prompts/get-unknown",
            "server/prompts §Error Handling (\"Servers SHOULD return standard JSON-RPC errors for \
             common failure cases: Invalid prompt name: -32602 (Invalid params)\")",
            Severity::Should,
            |t, v| get_unknown(t, v).boxed(),
        )
        .checks(&["5.16"]),
    ]
}

/// The most listed items read or got (from the first page).
const MAX_ITEMS: usize = 20;

/// A resource no server has.
const UNKNOWN_URI: &str = "mcp-conformance://no-such-resource";
/// A prompt no server has.
const UNKNOWN_PROMPT: &str = "mcp-conformance-no-such-prompt";

/// The first page of list `method` (at most [`MAX_ITEMS`] of its `items`), or a skip when
/// `capability` is not advertised.
async fn first_page(
    c: &mut Conversation,
    capability: &str,
    method: &str,
    items: &str,
) -> Result<Vec<Value>, Halt> {
    if !c.has_capability(capability) {
        return Err(Halt::Skip(format!("the server advertises no {capability}")));
    }
    let page = c.request(method, json!({})).await?.result(method)?;
    let list = page[items].as_array().cloned().unwrap_or_default();
    Ok(list.into_iter().take(MAX_ITEMS).collect())
}

/// Whether `result` asks for input (2026-07-28 MRTR): not a result to judge here.
fn asks_for_input(result: &Value) -> bool {
    result["resultType"] == "input_required"
}

async fn read_listed(target: &Target, version: ProtocolVersion) -> Outcome {
    with_session!(target, version, |c| {
        let resources = first_page(&mut c, "resources", "resources/list", "resources").await?;
        if resources.is_empty() {
            return Err(Halt::Skip("the server lists no resources".into()));
        }
        for resource in &resources {
            let uri = &resource["uri"];
            let result = c
                .request("resources/read", json!({"uri": uri}))
                .await?
                .result("resources/read")
                .map_err(|e| format!("the listed resource {uri}: {e}"))?;
            if asks_for_input(&result) {
                continue;
            }
            let contents = result["contents"].as_array().cloned().unwrap_or_default();
            // A resource may hold several items (a directory, say): the listed uri is among
            // them. Empty contents are the resource's own business.
            if !contents.is_empty() && !contents.iter().any(|item| item["uri"] == *uri) {
                return Err(format!(
                    "the listed resource {uri} was read, but no item of its contents carries \
                     that uri: {}",
                    clip_at(&result.to_string(), 300)
                )
                .into());
            }
        }
        Ok(())
    })
}

/// The error code a resource that does not exist gets in `version`.
fn not_found_code(version: ProtocolVersion) -> i64 {
    if version.has_handshake() {
        -32002
    } else {
        -32602
    }
}

async fn read_unknown(target: &Target, version: ProtocolVersion) -> Outcome {
    with_session!(target, version, |c| {
        if !c.has_capability("resources") {
            return Err(Halt::Skip("the server advertises no resources".into()));
        }
        let params = json!({"uri": UNKNOWN_URI});
        let verdict = refused(&mut c, "resources/read", params, not_found_code(version)).await;
        match verdict {
            // 2026-07-28 made the code a MUST.
            Err(Halt::Fail(why)) if !version.has_handshake() => {
                Err(Halt::FailAt(Severity::Must, why))
            }
            other => other,
        }
    })
}

/// `method` with `params`, naming something that does not exist, gets error `wanted`, and
/// the server carries on.
async fn refused(
    c: &mut Conversation,
    method: &str,
    params: Value,
    wanted: i64,
) -> Result<(), Halt> {
    let what = format!("{method} of {params}, which does not exist");
    let why = match c.request(method, params).await? {
        Reply::Error(code, _) if code == wanted => return Ok(still_answers(c).await?),
        Reply::Error(code, e) => format!("{what}: error {code} instead of {wanted}: {e}"),
        Reply::Result(r) => format!(
            "{what}: a result instead of error {wanted}: {}",
            clip_at(&r.to_string(), 300)
        ),
    };
    Err(Halt::Fail(why))
}

/// `arguments` for `prompt`: every required argument gets a made-up value.
fn made_up_arguments(prompt: &Value) -> (Value, bool) {
    let mut args = Map::new();
    for arg in prompt["arguments"].as_array().into_iter().flatten() {
        if arg["required"] == true
            && let Some(name) = arg["name"].as_str()
        {
            args.insert(name.to_owned(), json!("mcp-conformance"));
        }
    }
    let made_up = !args.is_empty();
    (Value::Object(args), made_up)
}

/// A prompt with no required argument must be got; one with required arguments is got with
/// made-up values, which it may refuse.
async fn get_listed(target: &Target, version: ProtocolVersion) -> Outcome {
    with_session!(target, version, |c| {
        let prompts = first_page(&mut c, "prompts", "prompts/list", "prompts").await?;
        if prompts.is_empty() {
            return Err(Halt::Skip("the server lists no prompts".into()));
        }
        for prompt in &prompts {
            let name = &prompt["name"];
            let (arguments, made_up) = made_up_arguments(prompt);
            let reply = c
                .request("prompts/get", json!({"name": name, "arguments": arguments}))
                .await?;
            if let Some(note) = judge_got(name, &arguments, made_up, reply)? {
                c.note(note);
            }
        }
        Ok(())
    })
}

/// Judges the answer to `prompts/get` of the listed prompt `name` with `arguments`
/// (`made_up`: values for its required arguments, which no listing tells): a note to keep
/// when the answer passes with something to say.
///
/// A refusal of made-up values is the server's right. §Error Handling pins codes for two
/// cases only ("Invalid prompt name: -32602", "Missing required arguments: -32602") and asks
/// for "standard JSON-RPC errors" otherwise: `-32602` says it best, `-32603` (a standard
/// error, "Internal errors") is accepted with a note, any other code is a SHOULD finding.
fn judge_got(
    name: &Value,
    arguments: &Value,
    made_up: bool,
    reply: Reply,
) -> Result<Option<String>, Halt> {
    let with = if made_up {
        format!("with its required arguments given as {arguments}")
    } else {
        "which needs no argument".to_owned()
    };
    match reply {
        Reply::Result(r) if asks_for_input(&r) => Ok(None),
        Reply::Result(r) if !r["messages"].is_array() => {
            Err(format!("prompt {name}: a result without messages: {r}").into())
        }
        Reply::Result(_) => Ok(None),
        Reply::Error(-32602, _) if made_up => Ok(None),
        Reply::Error(-32603, e) if made_up => Ok(Some(format!(
            "note: the listed prompt {name}, {with}, was refused with -32603 ({}): a standard \
             JSON-RPC error, as §Error Handling asks; -32602 (Invalid params) would say the \
             values were refused",
            e["message"].as_str().unwrap_or_default()
        ))),
        Reply::Error(code, e) => Err(format!(
            "the listed prompt {name}, {with}, could not be got: error {code}: {e}"
        )
        .into()),
    }
}

async fn get_unknown(target: &Target, version: ProtocolVersion) -> Outcome {
    with_session!(target, version, |c| {
        if !c.has_capability("prompts") {
            return Err(Halt::Skip("the server advertises no prompts".into()));
        }
        let params = json!({"name": UNKNOWN_PROMPT});
        refused(&mut c, "prompts/get", params, -32602).await
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn made_up_values_may_be_refused_with_a_standard_error_only() {
        let name = json!("p");
        let args = json!({"kind": "mcp-conformance"});
        let error = |code: i64| Reply::Error(code, json!({"code": code, "message": "no"}));
        assert!(matches!(
            judge_got(&name, &args, true, error(-32602)),
            Ok(None)
        ));
        // A standard JSON-RPC error the text does not pin for this case: a note, no finding.
        assert!(matches!(
            judge_got(&name, &args, true, error(-32603)),
            Ok(Some(_))
        ));
        // Not a standard JSON-RPC error (the Python SDK's 0), or one that says something
        // else (no such method): a finding.
        assert!(judge_got(&name, &args, true, error(0)).is_err());
        assert!(judge_got(&name, &args, true, error(-32601)).is_err());
        // A prompt that needs no argument must be got.
        assert!(judge_got(&name, &json!({}), false, error(-32602)).is_err());
        assert!(judge_got(&name, &json!({}), false, error(-32603)).is_err());
        let got = Reply::Result(json!({"messages": []}));
        assert!(matches!(judge_got(&name, &json!({}), false, got), Ok(None)));
        let bare = Reply::Result(json!({}));
        assert!(judge_got(&name, &json!({}), false, bare).is_err());
    }
}
