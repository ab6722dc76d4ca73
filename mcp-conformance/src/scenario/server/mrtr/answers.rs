//! What the conformance client answers to a server's input requests (2026-07-28
//! basic/patterns/mrtr §InputResponses): an accepted elicitation whose content the
//! `requestedSchema` accepts, a plain text sampling message, an empty list of roots.

use serde_json::{Map, Value, json};

use crate::scenario::server::local_values::{for_format, points_outside};

/// The client capabilities the MRTR scenarios declare: every kind of input request, so a
/// server may ask for any of them (§Server Requirements 7).
pub(in crate::scenario::server) fn capabilities() -> Value {
    json!({"elicitation": {"form": {}, "url": {}}, "sampling": {}, "roots": {}})
}

/// The answer to one input request, or why the request itself is wrong.
pub(in crate::scenario::server) fn answer(request: &Value) -> Result<Value, String> {
    match request["method"].as_str() {
        Some("elicitation/create") => elicit(&request["params"]),
        Some("sampling/createMessage") => Ok(json!({
            "role": "assistant",
            "content": {"type": "text", "text": "Paris."},
            "model": "mcp-conformance",
            "stopReason": "endTurn",
        })),
        Some("roots/list") => Ok(json!({"roots": []})),
        other => Err(format!(
            "an input request for {}: only elicitation/create, sampling/createMessage and \
             roots/list may be asked (§Server Requirements 2)",
            other.map_or_else(|| "no method".to_owned(), |m| format!("{m:?}"))
        )),
    }
}

/// An accepted form with content for the requested schema; a URL elicitation is accepted
/// with no content; a form this client cannot fill is declined (a client may decline).
fn elicit(params: &Value) -> Result<Value, String> {
    if params["mode"] == "url" {
        return Ok(json!({"action": "accept"}));
    }
    let schema = &params["requestedSchema"];
    let validator = jsonschema::validator_for(schema)
        .map_err(|e| format!("an elicitation whose requestedSchema does not compile: {e}"))?;
    let content = fill(schema);
    if validator.is_valid(&content) {
        Ok(json!({"action": "accept", "content": content}))
    } else {
        Ok(json!({"action": "decline"}))
    }
}

/// An object with a value for every property of `schema` (elicitation schemas are flat
/// objects of primitives and enum arrays: client/elicitation §Supported Schema Types).
fn fill(schema: &Value) -> Value {
    let mut content = Map::new();
    if let Some(props) = schema["properties"].as_object() {
        for (name, def) in props {
            content.insert(name.clone(), value_for(def));
        }
    }
    Value::Object(content)
}

/// A value `def` accepts: its default, its first option, else a plain one of its type (a
/// default or option that names a place off this machine is not sent back: see
/// `local_values`).
fn value_for(def: &Value) -> Value {
    if let Some(v) = def.get("default").filter(|v| !points_outside(v)) {
        return v.clone();
    }
    if let Some(first) = first_option(def).filter(|v| !points_outside(v)) {
        return first;
    }
    match def["type"].as_str() {
        Some("boolean") => json!(true),
        Some("number" | "integer") => {
            let low = def["minimum"].as_f64().unwrap_or(0.0);
            let n = def["maximum"].as_f64().map_or(low, |high| low.min(high));
            if def["type"] == "integer" {
                json!(n.ceil() as i64)
            } else {
                json!(n)
            }
        }
        Some("array") => first_option(&def["items"]).map_or_else(|| json!([]), |v| json!([v])),
        _ => json!(text_for(def)),
    }
}

/// The first value an `enum`, or a `oneOf`/`anyOf` of `const`s, offers.
fn first_option(def: &Value) -> Option<Value> {
    if let Some(first) = def["enum"].as_array().and_then(|e| e.first()) {
        return Some(first.clone());
    }
    ["oneOf", "anyOf"]
        .iter()
        .find_map(|k| def[*k].as_array()?.first()?.get("const").cloned())
}

/// A string of the format and length `def` asks for.
fn text_for(def: &Value) -> String {
    let format = def["format"].as_str().unwrap_or_default();
    if let Some(place) = for_format(format, "") {
        return place;
    }
    let by_format = match format {
        "date" => Some("2026-01-01"),
        "date-time" => Some("2026-01-01T00:00:00Z"),
        _ => None,
    };
    if let Some(text) = by_format {
        return text.to_owned();
    }
    let min = def["minLength"].as_u64().unwrap_or(1).max(1);
    let max = def["maxLength"].as_u64().unwrap_or(u64::MAX);
    // Bounded: a schema asking for a huge minimum gets at most 1024 characters.
    "x".repeat(usize::try_from(min.min(max).min(1024)).unwrap_or(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use mcp_protocol::ProtocolVersion;

    #[test]
    fn every_answer_is_a_valid_input_response_and_a_form_is_filled_validly() {
        let schema = json!({"type": "object", "required": ["name", "age", "when", "pick", "many"],
            "properties": {
                "name": {"type": "string", "minLength": 3, "maxLength": 5},
                "age": {"type": "integer", "minimum": 18, "maximum": 99},
                "when": {"type": "string", "format": "date"},
                "pick": {"type": "string", "oneOf": [{"const": "a", "title": "A"}]},
                "many": {"type": "array", "items": {"type": "string", "enum": ["x", "y"]}},
                "ok": {"type": "boolean", "default": false}}});
        let requests = json!({
            "form": {"method": "elicitation/create",
                "params": {"message": "?", "requestedSchema": schema}},
            "sample": {"method": "sampling/createMessage",
                "params": {"messages": [], "maxTokens": 10}},
            "roots": {"method": "roots/list"},
        });
        let mut responses = Map::new();
        for (key, request) in requests.as_object().expect("an object") {
            responses.insert(key.clone(), answer(request).expect("answerable"));
        }
        let form = &responses["form"];
        assert_eq!(form["action"], "accept", "{form}");
        let validator = jsonschema::validator_for(&schema).expect("compiles");
        assert!(validator.is_valid(&form["content"]), "{form}");
        let responses = Value::Object(responses);
        assert_eq!(
            crate::schema_book::check(ProtocolVersion::V2026_07_28, "InputResponses", &responses),
            Ok(())
        );
        assert!(answer(&json!({"method": "tools/list"})).is_err());
    }
}
