//! 2026-07-28 basic/transports/streamable-http §Request Metadata: the `MCP-Protocol-Version`,
//! `Mcp-Method` and `Mcp-Name` headers must be present and match the body, else 400 with
//! `HeaderMismatch` (-32020).

use base64::Engine;
use http::HeaderMap;
use mcp_protocol::ErrorObject;
use mcp_protocol::jsonrpc::{ErrorCode, RequestMessage};
use serde::Deserialize;
use std::borrow::Cow;

use serde_json::Value;
use serde_json::value::RawValue;

use crate::server::Server;

/// `MCP-Protocol-Version`.
pub(crate) const PROTOCOL_VERSION: &str = "mcp-protocol-version";
/// `Mcp-Session-Id`.
pub(crate) const SESSION_ID: &str = "mcp-session-id";
/// `Mcp-Method`.
const METHOD: &str = "mcp-method";
/// `Mcp-Name`.
const NAME: &str = "mcp-name";

/// What the headers are checked against, borrowed from the body without decoding the rest
/// (each value is decoded only when a check needs it).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Salient<'a> {
    #[serde(borrow, default)]
    name: Option<&'a RawValue>,
    #[serde(borrow, default)]
    uri: Option<&'a RawValue>,
    #[serde(rename = "taskId", borrow, default)]
    task_id: Option<&'a RawValue>,
    #[serde(rename = "_meta", borrow, default)]
    meta: Option<MetaVersion<'a>>,
}

#[derive(Debug, Default, Deserialize)]
struct MetaVersion<'a> {
    #[serde(rename = "io.modelcontextprotocol/protocolVersion", borrow, default)]
    version: Option<Cow<'a, str>>,
    #[serde(rename = "io.modelcontextprotocol/clientCapabilities", borrow, default)]
    client_capabilities: Option<&'a RawValue>,
}

impl<'a> Salient<'a> {
    /// Reads the request's params (a body that does not parse gives nothing; the dispatch
    /// reports it properly).
    pub(crate) fn of(request: &'a RequestMessage) -> Self {
        request
            .params
            .as_deref()
            .and_then(|raw| serde_json::from_str(raw.get()).ok())
            .unwrap_or_default()
    }

    /// `_meta["io.modelcontextprotocol/protocolVersion"]`.
    pub(crate) fn version(&self) -> Option<&str> {
        self.meta.as_ref()?.version.as_deref()
    }

    /// `params.name` when it is a string.
    fn name(&self) -> Option<Cow<'a, str>> {
        as_text(self.name)
    }
}

/// A raw JSON value as text, when it is a string.
fn as_text(raw: Option<&RawValue>) -> Option<Cow<'_, str>> {
    raw.and_then(|raw| serde_json::from_str(raw.get()).ok())
}

/// 2026-07-28 basic/versioning (SEP-2575): every request's `_meta` carries the protocol
/// version and the client capabilities; without them the request is invalid (-32602, 400
/// over HTTP). Checked before the headers, since there is nothing to compare them with.
pub(crate) fn check_meta(salient: &Salient<'_>) -> Result<(), ErrorObject> {
    let Some(meta) = &salient.meta else {
        return Err(ErrorObject::invalid_params(
            "invalid params: `_meta` is required (with `io.modelcontextprotocol/protocolVersion` \
             and `io.modelcontextprotocol/clientCapabilities`)",
        ));
    };
    if meta.version.is_none() {
        return Err(ErrorObject::invalid_params(
            "invalid params: `_meta[\"io.modelcontextprotocol/protocolVersion\"]` is required",
        ));
    }
    if meta.client_capabilities.is_none() {
        return Err(ErrorObject::invalid_params(
            "invalid params: `_meta[\"io.modelcontextprotocol/clientCapabilities\"]` is required",
        ));
    }
    Ok(())
}

fn mismatch(message: String) -> ErrorObject {
    ErrorObject::new(
        ErrorCode::HEADER_MISMATCH,
        format!("Header mismatch: {message}"),
    )
}

/// A header's value as text, if present; `Err` if it has characters a header may not.
fn text<'h>(headers: &'h HeaderMap, name: &str) -> Result<Option<&'h str>, ErrorObject> {
    match headers.get(name) {
        None => Ok(None),
        Some(v) => v
            .to_str()
            .map(Some)
            .map_err(|_| mismatch(format!("{name} has invalid characters"))),
    }
}

/// Decodes the `=?base64?…?=` sentinel (§Value Encoding); other values are taken as is.
fn decode_value(value: &str) -> Result<String, ErrorObject> {
    match value
        .strip_prefix("=?base64?")
        .and_then(|v| v.strip_suffix("?="))
    {
        Some(encoded) => base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .ok_or_else(|| mismatch(format!("{value:?} is not valid base64 UTF-8"))),
        None => Ok(value.to_owned()),
    }
}

/// The checks of §Server Validation for a 2026-07-28 request.
pub(crate) fn check(
    headers: &HeaderMap,
    request: &RequestMessage,
    salient: &Salient<'_>,
) -> Result<(), ErrorObject> {
    let header_version = text(headers, PROTOCOL_VERSION)?;
    match (header_version, salient.version()) {
        (Some(h), Some(b)) if h == b => {}
        (Some(h), Some(b)) => {
            return Err(mismatch(format!(
                "MCP-Protocol-Version header value '{h}' does not match body value '{b}'"
            )));
        }
        (None, _) => {
            return Err(mismatch(
                "the MCP-Protocol-Version header is missing".into(),
            ));
        }
        (Some(h), None) => {
            return Err(mismatch(format!(
                "MCP-Protocol-Version header value '{h}' but the body names no protocol version"
            )));
        }
    }
    match text(headers, METHOD)? {
        Some(m) if m == request.method => {}
        Some(m) => {
            return Err(mismatch(format!(
                "Mcp-Method header value '{m}' does not match body value '{}'",
                request.method
            )));
        }
        None => return Err(mismatch("the Mcp-Method header is missing".into())),
    }
    let body_name = match &*request.method {
        "tools/call" | "prompts/get" => salient.name,
        "resources/read" => salient.uri,
        // Tasks extension §Streamable HTTP: Routing Headers (SEP-2663).
        "tasks/get" | "tasks/update" | "tasks/cancel" => salient.task_id,
        _ => return Ok(()),
    };
    let Some(header) = text(headers, NAME)? else {
        return Err(mismatch(format!(
            "the Mcp-Name header is missing (required for {})",
            request.method
        )));
    };
    let header = decode_value(header)?;
    match as_text(body_name) {
        Some(body) if *body == header => Ok(()),
        Some(body) => Err(mismatch(format!(
            "Mcp-Name header value '{header}' does not match body value '{body}'"
        ))),
        // A missing or mistyped name is the dispatch's to report (-32602).
        _ => Ok(()),
    }
}

/// §Server Behavior for Custom Headers: for `tools/call`, each `x-mcp-header` parameter
/// present in the arguments must come as `Mcp-Param-{Name}` with the same value (after
/// Base64 decoding; numbers compared as numbers), else -32020.
pub(crate) fn check_params(
    headers: &HeaderMap,
    server: &Server,
    request: &RequestMessage,
    salient: &Salient<'_>,
) -> Result<(), ErrorObject> {
    if request.method != "tools/call" {
        return Ok(());
    }
    let Some(name) = salient.name() else {
        return Ok(());
    };
    let Some(entry) = server.registry().tools.get(&name) else {
        return Ok(());
    };
    let wanted = &entry.header_params;
    if wanted.is_empty() {
        return Ok(());
    }
    #[derive(Deserialize)]
    struct Arguments {
        #[serde(default)]
        arguments: Option<Value>,
    }
    let arguments = request
        .params
        .as_deref()
        .and_then(|raw| serde_json::from_str::<Arguments>(raw.get()).ok())
        .and_then(|a| a.arguments)
        .unwrap_or(Value::Null);
    for (path, suffix) in wanted {
        let value = path.iter().try_fold(&arguments, |v, key| v.get(key));
        let header_name = format!("mcp-param-{}", suffix.to_ascii_lowercase());
        let header = text(headers, &header_name)?;
        let body = match value {
            None | Some(Value::Null) => continue,
            Some(Value::String(s)) => BodyValue::Text(s.clone()),
            Some(Value::Bool(b)) => BodyValue::Text(b.to_string()),
            Some(Value::Number(n)) => BodyValue::Number(n.as_f64()),
            // Objects and arrays have no header form.
            Some(_) => continue,
        };
        let Some(header) = header else {
            return Err(mismatch(format!(
                "the Mcp-Param-{suffix} header is missing but the body has a value at {}",
                path.join(".")
            )));
        };
        let header = decode_value(header)?;
        let same = match &body {
            BodyValue::Text(s) => *s == header,
            BodyValue::Number(n) => header.trim().parse::<f64>().ok() == *n,
        };
        if !same {
            return Err(mismatch(format!(
                "Mcp-Param-{suffix} header value '{header}' does not match the body value"
            )));
        }
    }
    Ok(())
}

enum BodyValue {
    Text(String),
    Number(Option<f64>),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_sentinel_is_decoded() {
        assert_eq!(
            decode_value("=?base64?SGVsbG8sIOS4lueVjA==?=").unwrap(),
            "Hello, 世界"
        );
        assert_eq!(decode_value("plain").unwrap(), "plain");
        assert!(decode_value("=?base64?!!?=").is_err());
    }
}
