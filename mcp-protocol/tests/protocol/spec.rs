//! Access to the official spec folder (`MCP_SPEC_DIR`): schemas and example messages.

use std::path::PathBuf;
use std::sync::OnceLock;

use jsonschema::Validator;
use mcp_protocol::ProtocolVersion;
use serde_json::Value;

/// The spec folder: `MCP_SPEC_DIR`, or `../shared/spec` beside the repository. `None` (after a
/// loud message) when it is missing, so a fresh clone without it still passes; CI sets it.
pub(crate) fn dir() -> Option<PathBuf> {
    static DIR: OnceLock<Option<PathBuf>> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::var_os("MCP_SPEC_DIR").map_or_else(
            || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/spec"),
            PathBuf::from,
        );
        if dir.join("2026-07-28/schema.json").is_file() {
            Some(dir)
        } else {
            eprintln!(
                "\n*** SKIPPED: spec-based tests need the official schemas; none at {} \
                 (set MCP_SPEC_DIR) ***\n",
                dir.display()
            );
            None
        }
    })
    .clone()
}

/// Returns early from a test when the spec folder is missing.
macro_rules! spec_dir_or_skip {
    () => {
        match $crate::spec::dir() {
            Some(dir) => dir,
            None => return,
        }
    };
}
pub(crate) use spec_dir_or_skip;

/// The parsed `schema.json` of `version`.
pub(crate) fn schema(version: ProtocolVersion) -> &'static Value {
    static SCHEMAS: OnceLock<Vec<Value>> = OnceLock::new();
    let all = SCHEMAS.get_or_init(|| {
        let dir = dir().expect("spec dir checked by the caller");
        ProtocolVersion::ALL
            .iter()
            .map(|v| {
                let path = dir.join(v.as_str()).join("schema.json");
                let text = std::fs::read_to_string(&path)
                    .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
                serde_json::from_str(&text).expect("schema.json is JSON")
            })
            .collect()
    });
    let index = ProtocolVersion::ALL
        .iter()
        .position(|v| *v == version)
        .unwrap();
    &all[index]
}

/// Whether `version`'s schema defines `name`.
pub(crate) fn defines(version: ProtocolVersion, name: &str) -> bool {
    let schema = schema(version);
    schema
        .get("$defs")
        .or_else(|| schema.get("definitions"))
        .is_some_and(|d| d.get(name).is_some())
}

/// A validator for the definition `name` of `version`'s schema (the whole schema with a root
/// `$ref` to that definition, so every internal reference resolves).
pub(crate) fn validator(version: ProtocolVersion, name: &str) -> Validator {
    let mut schema = schema(version).clone();
    let defs = if schema.get("$defs").is_some() {
        "$defs"
    } else {
        "definitions"
    };
    assert!(
        schema[defs].get(name).is_some(),
        "{version} schema has no definition {name}"
    );
    schema["$ref"] = Value::String(format!("#/{defs}/{name}"));
    jsonschema::validator_for(&schema).expect("the official schema compiles")
}

/// The validation errors of `instance` against `name` of `version`, as readable lines.
pub(crate) fn errors(version: ProtocolVersion, name: &str, instance: &Value) -> Vec<String> {
    validator(version, name)
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// JSON equality that treats `1` and `1.0` as the same number (a typed `f64` field re-encodes
/// an integer literal with a fraction).
pub(crate) fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_eq(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}
