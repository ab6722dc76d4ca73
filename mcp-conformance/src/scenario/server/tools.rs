//! Calling tools with arguments their own `inputSchema` refuses (server/tools §Error
//! Handling; 2025-11-25 on: input validation errors are tool errors, `isError: true`, so the
//! model can correct itself; a `-32602` protocol error is accepted too). Never a crash, never a
//! hang, never a success.

use futures::FutureExt;
use mcp_protocol::ProtocolVersion;
use serde_json::{Map, Value, json};

use super::callable::callable_tools;
use super::local_values::{for_format, points_outside};
use super::{Halt, ServerScenario, scenario, still_answers, with_session};
use crate::scenario::{Outcome, Severity};
use crate::target::{Reply, Target};

pub(super) fn scenarios() -> Vec<ServerScenario> {
    vec![scenario(
        "tools/bad-arguments",
        "server/tools §Error Handling (invalid arguments: a tool error or -32602); basic: the connection carries on",
        Severity::Must,
        |t, v| bad_arguments(t, v).boxed(),
    )
        .checks(&["5.5"])]
}

/// The most tools a run calls.
const MAX_TOOLS: usize = 32;

/// Arguments `schema` refuses: a required property left out, else the first property with a
/// value of the wrong type. `None` when the schema accepts anything.
fn refused_arguments(schema: &Value) -> Option<(Value, String)> {
    let props = schema.get("properties").and_then(Value::as_object);
    if let Some(Value::Array(required)) = schema.get("required")
        && let Some(Value::String(missing)) = required.first()
    {
        // Every other required property gets a value of its type, so only one thing is wrong.
        let mut args = Map::new();
        for name in required.iter().skip(1).filter_map(Value::as_str) {
            let def = props.and_then(|p| p.get(name)).unwrap_or(&Value::Null);
            args.insert(name.to_owned(), a_value_of(def));
        }
        return Some((
            Value::Object(args),
            format!("required `{missing}` left out"),
        ));
    }
    let (name, def) = props?.iter().next()?;
    let wrong = match def.get("type").and_then(Value::as_str)? {
        "string" => json!(12345),
        "number" | "integer" => json!("not a number"),
        "boolean" => json!("not a boolean"),
        "object" | "array" => json!(7),
        _ => return None,
    };
    Some((
        json!({ name: wrong }),
        format!("`{name}` of the wrong type"),
    ))
}

/// A plain value of the type `def` names (its default or first enum value when it has one
/// that names no place off this machine: see `local_values`).
fn a_value_of(def: &Value) -> Value {
    if let Some(v) = def.get("default").filter(|v| !points_outside(v)) {
        return v.clone();
    }
    if let Some(Value::Array(options)) = def.get("enum")
        && let Some(first) = options.iter().find(|o| !points_outside(o))
    {
        return first.clone();
    }
    if let Some(place) = def
        .get("format")
        .and_then(Value::as_str)
        .and_then(|f| for_format(f, ""))
    {
        return json!(place);
    }
    match def.get("type").and_then(Value::as_str) {
        Some("number" | "integer") => json!(1),
        Some("boolean") => json!(false),
        Some("object") => json!({}),
        Some("array") => json!([]),
        _ => json!("x"),
    }
}

async fn bad_arguments(target: &Target, version: ProtocolVersion) -> Outcome {
    with_session!(target, version, |c| {
        let tools = callable_tools(&mut c).await?;
        let mut tried = 0;
        for tool in tools.iter().take(MAX_TOOLS) {
            let name = tool["name"].as_str().unwrap_or_default().to_owned();
            let Some((arguments, wrong)) = refused_arguments(&tool["inputSchema"]) else {
                continue;
            };
            tried += 1;
            let reply = c
                .request("tools/call", json!({"name": name, "arguments": arguments}))
                .await
                .map_err(|e| format!("tool {name} with {wrong}: {e}"))?;
            match reply {
                Reply::Error(-32602, _) => {}
                Reply::Result(r) if r["isError"] == true => {}
                Reply::Result(r) => {
                    return Err(format!(
                        "tool {name} with {wrong}: a success, where its inputSchema refuses the arguments: {r}"
                    )
                    .into());
                }
                Reply::Error(code, e) => {
                    return Err(format!(
                        "tool {name} with {wrong}: error {code} instead of a tool error or -32602: {e}"
                    )
                    .into());
                }
            }
        }
        if tried == 0 {
            return Err(Halt::Skip(
                "no tool has arguments its schema refuses".into(),
            ));
        }
        Ok(still_answers(&mut c).await?)
    })
}
