//! The request metadata headers of 2026-07-28 basic/transports/streamable-http §Request
//! Metadata: `Mcp-Method`, `Mcp-Name`, and the `Mcp-Param-{Name}` headers that tools ask for
//! with `x-mcp-header` in their `inputSchema`.

use std::collections::HashMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use http::{HeaderName, HeaderValue};
use mcp_protocol::methods::{InvalidAnnotation, ParamHeader, header_annotations};
use serde_json::Value;

/// `Mcp-Method`.
pub(crate) const MCP_METHOD: HeaderName = HeaderName::from_static("mcp-method");
/// `Mcp-Name`.
pub(crate) const MCP_NAME: HeaderName = HeaderName::from_static("mcp-name");

/// A header value as §Value Encoding asks: plain when it is visible ASCII and spaces without
/// leading or trailing whitespace, else `=?base64?…?=` (also for a plain value that looks
/// like the sentinel, so it cannot be mistaken for one).
pub(crate) fn encode_value(value: &str) -> HeaderValue {
    let safe_bytes = value
        .bytes()
        .all(|b| b == b' ' || b == b'\t' || (0x21..=0x7e).contains(&b));
    let padded = value.starts_with([' ', '\t']) || value.ends_with([' ', '\t']);
    let looks_encoded = value.starts_with("=?base64?") && value.ends_with("?=");
    let text = if value.is_empty() || (safe_bytes && !padded && !looks_encoded) {
        value.to_owned()
    } else {
        format!("=?base64?{}?=", STANDARD.encode(value))
    };
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The `Mcp-Param-*` headers of every tool the client has listed, by tool name.
pub(crate) type ToolHeaders = HashMap<String, Vec<ParamHeader>>;

/// The headers a `tools/call` with `arguments` carries for `annotations`. A value missing
/// (or null) at its path omits its header; numbers print as integers, booleans in lower case.
pub(crate) fn param_headers(
    annotations: &[ParamHeader],
    arguments: Option<&Value>,
) -> Vec<(HeaderName, HeaderValue)> {
    let mut out = Vec::new();
    for a in annotations {
        let mut value = arguments;
        for key in &a.path {
            value = value.and_then(|v| v.get(key));
        }
        let text = match value {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Bool(b)) => b.to_string(),
            Some(Value::Number(n)) => n.to_string(),
            _ => continue,
        };
        if let Ok(name) = HeaderName::try_from(format!("mcp-param-{}", a.name)) {
            out.push((name, encode_value(&text)));
        }
    }
    out
}

/// Reads the annotations of every tool in a `tools/list` result; drops the tools whose
/// annotations are invalid from `result` (§Schema Extension: the client MUST exclude them)
/// and records the rest in `into`. Returns whether `result` changed.
pub(crate) fn take_tools(result: &mut Value, into: &mut ToolHeaders) -> bool {
    let Some(tools) = result.get_mut("tools").and_then(Value::as_array_mut) else {
        return false;
    };
    let before = tools.len();
    tools.retain(|tool| {
        let name = tool.get("name").and_then(Value::as_str).unwrap_or_default();
        let schema = tool.get("inputSchema").unwrap_or(&Value::Null);
        match header_annotations(schema) {
            Ok(found) => {
                if found.is_empty() {
                    into.remove(name);
                } else {
                    into.insert(name.to_owned(), found);
                }
                true
            }
            Err(InvalidAnnotation(why)) => {
                tracing::warn!(tool = name, reason = %why, "tool excluded: invalid x-mcp-header");
                false
            }
        }
    });
    tools.len() != before
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_are_base64_encoded_exactly_when_the_spec_says() {
        let cases = [
            ("us-west1", "us-west1"),
            ("Hello, 世界", "=?base64?SGVsbG8sIOS4lueVjA==?="),
            (" padded ", "=?base64?IHBhZGRlZCA=?="),
            ("line1\nline2", "=?base64?bGluZTEKbGluZTI=?="),
            ("=?base64?literal?=", "=?base64?PT9iYXNlNjQ/bGl0ZXJhbD89?="),
        ];
        for (value, encoded) in cases {
            assert_eq!(encode_value(value), encoded, "{value:?}");
        }
    }

    #[test]
    fn nested_properties_are_mirrored_and_missing_values_omitted() {
        let schema = json!({"type": "object", "properties": {
            "region": {"type": "string", "x-mcp-header": "Region"},
            "opts": {"type": "object", "properties": {
                "dry": {"type": "boolean", "x-mcp-header": "Dry"},
                "n": {"type": "integer", "x-mcp-header": "N"}}}}});
        let found = header_annotations(&schema).unwrap();
        let headers = param_headers(
            &found,
            Some(&json!({"region": "eu", "opts": {"dry": false}})),
        );
        let mut text: Vec<_> = headers
            .iter()
            .map(|(n, v)| format!("{n}={}", v.to_str().unwrap()))
            .collect();
        text.sort();
        assert_eq!(text, ["mcp-param-dry=false", "mcp-param-region=eu"]);
    }

    #[test]
    fn invalid_tools_are_dropped_from_the_list() {
        let mut result = json!({"tools": [
            {"name": "good", "inputSchema": {"type": "object", "properties": {
                "r": {"type": "string", "x-mcp-header": "R"}}}},
            {"name": "bad", "inputSchema": {"type": "object", "properties": {
                "r": {"type": "number", "x-mcp-header": "R"}}}}]});
        let mut headers = ToolHeaders::new();
        assert!(take_tools(&mut result, &mut headers));
        assert_eq!(result["tools"].as_array().unwrap().len(), 1);
        assert!(headers.contains_key("good"));
        assert!(!headers.contains_key("bad"));
    }
}
