//! The official JSON Schema of every protocol version, embedded, and validators for its
//! definitions: every message a target sends is checked against the schema of the version it
//! speaks.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use jsonschema::Validator;
use mcp_protocol::ProtocolVersion;
use serde_json::{Map, Value, json};

/// The schema text of `version` (see `schemas/SOURCE.md`); `None` for a version newer than
/// this binary.
fn text(version: ProtocolVersion) -> Option<&'static str> {
    Some(match version.as_str() {
        "2024-11-05" => include_str!("../schemas/2024-11-05.json"),
        "2025-03-26" => include_str!("../schemas/2025-03-26.json"),
        "2025-06-18" => include_str!("../schemas/2025-06-18.json"),
        "2025-11-25" => include_str!("../schemas/2025-11-25.json"),
        "2026-07-28" => include_str!("../schemas/2026-07-28.json"),
        _ => return None,
    })
}

/// The parsed schema of `version`, and where it keeps its definitions.
struct Parsed {
    dialect: Value,
    key: &'static str,
    defs: Value,
}

fn parsed(version: ProtocolVersion) -> &'static Parsed {
    static ALL: OnceLock<Mutex<HashMap<ProtocolVersion, &'static Parsed>>> = OnceLock::new();
    let mut all = ALL
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    all.entry(version).or_insert_with(|| {
        // The embedded files are the official schemas; they parse (a test checks it).
        let mut root: Map<String, Value> = text(version)
            .map(|t| serde_json::from_str(t).expect("embedded schema parses"))
            .unwrap_or_default();
        let key = if root.contains_key("$defs") {
            "$defs"
        } else {
            "definitions"
        };
        Box::leak(Box::new(Parsed {
            dialect: root.remove("$schema").unwrap_or(Value::Null),
            key,
            defs: root.remove(key).unwrap_or_default(),
        }))
    })
}

/// Whether `version`'s schema defines `name`.
pub(crate) fn defines(version: ProtocolVersion, name: &str) -> bool {
    parsed(version).defs.get(name).is_some()
}

/// The schema definition of the request or notification `method` in `version`: the one
/// whose `method` property is that constant.
pub(crate) fn method_definition(version: ProtocolVersion, method: &str) -> Option<&'static str> {
    let defs = parsed(version).defs.as_object()?;
    defs.iter()
        .find(|(_, def)| def["properties"]["method"]["const"] == method)
        .map(|(name, _)| name.as_str())
}

/// The validator of definition `name` of `version`'s schema, compiled once.
fn validator(version: ProtocolVersion, name: &str) -> Option<Arc<Validator>> {
    type Cache = Mutex<HashMap<(ProtocolVersion, String), Arc<Validator>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let key = (version, name.to_owned());
    if let Some(v) = cache
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get(&key)
    {
        return Some(v.clone());
    }
    let p = parsed(version);
    p.defs.get(name)?;
    let mut root = json!({ "$ref": format!("#/{}/{name}", p.key) });
    root[p.key] = p.defs.clone();
    if !p.dialect.is_null() {
        root["$schema"] = p.dialect.clone();
    }
    let compiled = Arc::new(jsonschema::validator_for(&root).ok()?);
    cache
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(key, compiled.clone());
    Some(compiled)
}

/// Checks `instance` against definition `name` of `version`'s schema: `Ok` when valid,
/// else every violation with where it is. A definition the version lacks is an error too.
pub(crate) fn check(
    version: ProtocolVersion,
    name: &str,
    instance: &Value,
) -> Result<(), Vec<String>> {
    let Some(validator) = validator(version, name) else {
        return Err(vec![format!("{version} defines no {name}")]);
    };
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .take(5)
        .map(|e| {
            let at = e.instance_path().to_string();
            format!("{e} (at {})", if at.is_empty() { "/" } else { &at })
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// The schema definition of the result of request `method` in `version`, when there is one.
pub(crate) fn result_of(version: ProtocolVersion, method: &str) -> Option<&'static str> {
    let name = match method {
        "initialize" => "InitializeResult",
        "server/discover" => "DiscoverResult",
        "tools/list" => "ListToolsResult",
        "tools/call" => "CallToolResult",
        "prompts/list" => "ListPromptsResult",
        "prompts/get" => "GetPromptResult",
        "resources/list" => "ListResourcesResult",
        "resources/templates/list" => "ListResourceTemplatesResult",
        "resources/read" => "ReadResourceResult",
        "completion/complete" => "CompleteResult",
        "ping" | "logging/setLevel" | "resources/subscribe" | "resources/unsubscribe" => {
            "EmptyResult"
        }
        _ => return None,
    };
    defines(version, name).then_some(name)
}

/// The schema definition `result`, the answer to `method`, must match: from 2026-07-28 a
/// `tools/call`, `prompts/get` or `resources/read` may end `input_required` instead
/// (basic/patterns/mrtr §Supported Requests); every other method's result is judged as
/// its own type, so an `input_required` answer to it fails.
pub(crate) fn result_def(
    version: ProtocolVersion,
    method: &str,
    result: &Value,
) -> Option<&'static str> {
    let may_ask = matches!(method, "tools/call" | "prompts/get" | "resources/read");
    // A task (`resultType: "task"`, the 2026-07-28 tasks extension, SEP-2663, offered only
    // to a client that declared it) is not a type of the core schema: it is not judged
    // here (`official/tasks-lifecycle` judges its shape).
    if method == "tools/call" && result["resultType"] == "task" && !version.has_handshake() {
        return None;
    }
    if may_ask
        && result["resultType"] == "input_required"
        && defines(version, "InputRequiredResult")
    {
        return Some("InputRequiredResult");
    }
    result_of(version, method)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_schema_compiles_and_judges_a_message() {
        for v in ProtocolVersion::ALL {
            let ping = json!({"jsonrpc": "2.0", "id": 1, "method": "ping", "params": {}});
            assert_eq!(check(v, "JSONRPCMessage", &ping), Ok(()), "{v}");
            let bad = json!({"jsonrpc": "1.0", "id": 1, "method": "ping"});
            assert!(check(v, "JSONRPCMessage", &bad).is_err(), "{v}");
            assert!(result_of(v, "tools/call").is_some(), "{v}");
        }
        assert!(check(ProtocolVersion::V2024_11_05, "DiscoverResult", &json!({})).is_err());
    }

    #[test]
    fn the_embedded_schemas_are_the_spec_folders_when_it_is_present() {
        let Some(dir) = std::env::var_os("MCP_SPEC_DIR") else {
            println!("SKIPPED: MCP_SPEC_DIR is not set");
            return;
        };
        for v in ProtocolVersion::ALL {
            let path = std::path::Path::new(&dir)
                .join(v.as_str())
                .join("schema.json");
            let spec = std::fs::read_to_string(&path).expect("the spec folder's schema");
            assert!(
                Some(spec.as_str()) == text(v),
                "{} differs from schemas/{v}.json",
                path.display()
            );
        }
    }
}
