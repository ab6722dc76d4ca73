//! `x-mcp-header` annotations in a tool's `inputSchema` (2026-07-28
//! basic/transports/streamable-http §Custom Headers from Tool Parameters): which parameters
//! a client mirrors into `Mcp-Param-{name}` headers, and the rules that make an annotation
//! (and so its tool) invalid. Clients drop invalid tools; servers refuse to register them.

use std::collections::HashSet;

use serde_json::{Map, Value};

/// One `x-mcp-header` annotation: where the value sits in the arguments, and the header's
/// name suffix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamHeader {
    /// The chain of `properties` keys from the schema root to the annotated parameter.
    pub path: Vec<String>,
    /// The `x-mcp-header` value: the header is `Mcp-Param-{name}`.
    pub name: String,
}

/// Why a tool's `x-mcp-header` annotations make it invalid (§Schema Extension).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidAnnotation(pub String);

/// Reads the `x-mcp-header` annotations of one tool's `inputSchema`, checking every rule of
/// §Schema Extension: each value "MUST NOT be empty", "MUST match HTTP field-name token
/// syntax" (so no control characters), "MUST be case-insensitively unique", "MUST only be
/// applied to parameters with primitive types (integer, string, boolean)", and "MUST only
/// be applied to properties that are statically reachable from the schema root" (a chain of
/// `properties` keys only: no `items`, composition, conditionals or `$ref`).
pub fn header_annotations(schema: &Value) -> Result<Vec<ParamHeader>, InvalidAnnotation> {
    let mut found = Vec::new();
    scan(schema, Some(Vec::new()), &mut found)?;
    let mut seen = HashSet::new();
    for a in &found {
        if !seen.insert(a.name.to_ascii_lowercase()) {
            return Err(InvalidAnnotation(format!(
                "x-mcp-header `{}` is used twice",
                a.name
            )));
        }
    }
    Ok(found)
}

/// Walks a schema; `path` is `Some` while every step so far was a `properties` key.
fn scan(
    node: &Value,
    path: Option<Vec<String>>,
    found: &mut Vec<ParamHeader>,
) -> Result<(), InvalidAnnotation> {
    match node {
        Value::Array(items) => {
            for item in items {
                scan(item, None, found)?;
            }
        }
        Value::Object(map) => {
            if let Some(name) = map.get("x-mcp-header") {
                found.push(check_annotation(map, name, path.as_deref())?);
            }
            for (key, value) in map {
                match (key.as_str(), value, &path) {
                    ("x-mcp-header", ..) => {}
                    ("properties", Value::Object(props), Some(p)) => {
                        for (prop, sub) in props {
                            let mut next = p.clone();
                            next.push(prop.clone());
                            scan(sub, Some(next), found)?;
                        }
                    }
                    _ => scan(value, None, found)?,
                }
            }
        }
        _ => {}
    }
    Ok(())
}

fn check_annotation(
    schema: &Map<String, Value>,
    name: &Value,
    path: Option<&[String]>,
) -> Result<ParamHeader, InvalidAnnotation> {
    let bad = |why: &str| Err(InvalidAnnotation(format!("x-mcp-header {name}: {why}")));
    let Some(name) = name.as_str() else {
        return bad("not a string");
    };
    let token = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
    if name.is_empty() || !name.bytes().all(token) {
        return bad("not an HTTP field-name token");
    }
    let path = match path {
        Some(p) if !p.is_empty() => p,
        _ => return bad("not reachable from the schema root through `properties` alone"),
    };
    match schema.get("type").and_then(Value::as_str) {
        Some("string" | "integer" | "boolean") => {}
        _ => return bad("only string, integer and boolean parameters may be mirrored"),
    }
    Ok(ParamHeader {
        path: path.to_vec(),
        name: name.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_plain_properties_are_found_with_their_paths() {
        let schema = json!({"type": "object", "properties": {
            "region": {"type": "string", "x-mcp-header": "Region"},
            "opts": {"type": "object", "properties": {
                "dry": {"type": "boolean", "x-mcp-header": "Dry"}}}}});
        let found = header_annotations(&schema).unwrap();
        let mut paths: Vec<_> = found.iter().map(|a| (a.path.join("."), &*a.name)).collect();
        paths.sort();
        assert_eq!(
            paths,
            [("opts.dry".into(), "Dry"), ("region".into(), "Region")]
        );
    }

    #[test]
    fn annotations_outside_plain_properties_make_the_tool_invalid() {
        let invalid = [
            json!({"type": "object", "properties": {"x": {"type": "number", "x-mcp-header": "X"}}}),
            json!({"type": "object", "properties": {"x": {"type": "string", "x-mcp-header": "Bad Name"}}}),
            json!({"type": "object", "properties": {"x": {"type": "string", "x-mcp-header": ""}}}),
            json!({"type": "object", "properties": {"x": {"type": "string", "x-mcp-header": "A\r\nB"}}}),
            json!({"type": "object", "properties": {
                "a": {"type": "string", "x-mcp-header": "Dup"},
                "b": {"type": "string", "x-mcp-header": "dup"}}}),
            json!({"type": "object", "properties": {"list": {"type": "array",
                "items": {"type": "string", "x-mcp-header": "Item"}}}}),
            json!({"type": "object", "anyOf": [{"properties": {"x": {"type": "string", "x-mcp-header": "X"}}}]}),
        ];
        for schema in invalid {
            assert!(header_annotations(&schema).is_err(), "{schema}");
        }
    }
}
