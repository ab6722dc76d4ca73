//! A tool's compiled input or output schema, and the check of a value against it.
//!
//! With feature `validate` (default) this is a JSON Schema 2020-12 validator (`jsonschema`):
//! arguments are checked before the handler runs and structured output before it leaves.
//! Without it nothing is compiled and every value passes: a typed handler
//! ([`ToolDef::new`](crate::ToolDef::new)) still refuses arguments that do not deserialize
//! into its argument type with a tool error, and its structured output matches its
//! `outputSchema` by construction (both come from the same type), but constraints serde does
//! not see (`minimum`, `pattern`, `additionalProperties: false`, …) go unchecked, and so does
//! the output of a tool built from a hand-written schema. The feature exists for stdio-only
//! servers that count their dependencies: `jsonschema` brings about 45 crates.

use serde_json::{Map, Value};

/// Keywords whose every constraint serde enforces when it decodes into the type the schema
/// was generated from (schemars 1, JSON Schema 2020-12), or that constrain nothing
/// (annotations; `format` is an annotation in 2020-12 unless asked for).
const SERDE_CHECKS: &[&str] = &[
    "$schema",
    "$ref",
    "$defs",
    "definitions",
    "type",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "enum",
    "const",
    "oneOf",
    "anyOf",
    "allOf",
    "format",
    "title",
    "description",
    "default",
    "examples",
    "deprecated",
    "readOnly",
    "writeOnly",
    "nullable",
];

/// A compiled schema.
pub(crate) struct CompiledSchema {
    #[cfg(feature = "validate")]
    validator: jsonschema::Validator,
}

impl CompiledSchema {
    /// Whether a schema generated from a type says anything that decoding into that type
    /// does not check: numeric ranges, lengths, patterns, uniqueness, tuples, conditionals,
    /// anything outside [`SERDE_CHECKS`] at any depth. When it does not, the typed handler's
    /// decoding is the whole check and no validator is built, which spares a process the
    /// JSON Schema meta-validator (about a millisecond of start-up, most of a stdio server's
    /// cold start).
    pub(crate) fn needed_for_typed(schema: &Map<String, Value>) -> bool {
        fn needed(value: &Value) -> bool {
            match value {
                Value::Bool(_) => false,
                Value::Object(map) => object_needs(map),
                _ => true,
            }
        }
        fn object_needs(map: &Map<String, Value>) -> bool {
            map.iter().any(|(key, value)| match key.as_str() {
                "properties" | "$defs" | "definitions" => match value {
                    Value::Object(children) => children.values().any(needed),
                    _ => true,
                },
                "oneOf" | "anyOf" | "allOf" => match value {
                    Value::Array(children) => children.iter().any(needed),
                    _ => true,
                },
                "items" | "additionalProperties" => needed(value),
                "enum" | "const" | "default" | "examples" | "required" | "type" => false,
                other => !SERDE_CHECKS.contains(&other),
            })
        }
        object_needs(schema)
    }

    /// Compiles `schema`; an invalid schema is an error (with `validate`; without it, every
    /// schema is accepted as it is).
    pub(crate) fn compile(schema: &Map<String, Value>) -> Result<Self, String> {
        #[cfg(feature = "validate")]
        {
            jsonschema::validator_for(&Value::Object(schema.clone()))
                .map(|validator| Self { validator })
                .map_err(|e| e.to_string())
        }
        #[cfg(not(feature = "validate"))]
        {
            let _ = schema;
            Ok(Self {})
        }
    }

    /// `None` if `value` fits, else the first few problems, each with its path.
    pub(crate) fn problems(&self, value: &Value) -> Option<String> {
        #[cfg(feature = "validate")]
        {
            // Valid is the common case, and far cheaper to establish than collecting errors.
            if self.validator.is_valid(value) {
                return None;
            }
            let problems: Vec<String> = self
                .validator
                .iter_errors(value)
                .take(5)
                .map(|e| {
                    let path = e.instance_path().to_string();
                    if path.is_empty() {
                        e.to_string()
                    } else {
                        format!("{path}: {e}")
                    }
                })
                .collect();
            (!problems.is_empty()).then(|| problems.join("; "))
        }
        #[cfg(not(feature = "validate"))]
        {
            let _ = value;
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use schemars::JsonSchema;
    use serde::Deserialize;

    use super::CompiledSchema;
    use crate::registry::tools::schema_of;

    #[allow(dead_code)]
    #[derive(Deserialize, JsonSchema)]
    #[serde(deny_unknown_fields)]
    struct Plain {
        /// Text.
        text: String,
        count: i64,
        ratio: Option<f64>,
        tags: Vec<String>,
        mode: Mode,
        nested: Option<Inner>,
    }

    #[allow(dead_code)]
    #[derive(Deserialize, JsonSchema)]
    enum Mode {
        Fast,
        Slow { delay: i32 },
    }

    #[allow(dead_code)]
    #[derive(Deserialize, JsonSchema)]
    struct Inner {
        flag: bool,
    }

    #[allow(dead_code)]
    #[derive(Deserialize, JsonSchema)]
    struct Bounded {
        #[schemars(range(min = 1, max = 10))]
        n: i64,
    }

    #[allow(dead_code)]
    #[derive(Deserialize, JsonSchema)]
    struct Unsigned {
        n: u32,
    }

    #[allow(dead_code)]
    #[derive(Deserialize, JsonSchema)]
    struct Patterned {
        #[schemars(regex(pattern = "^[a-z]+$"))]
        name: String,
    }

    #[test]
    fn a_schema_serde_checks_in_full_needs_no_validator() {
        assert!(!CompiledSchema::needed_for_typed(&schema_of::<Plain>()));
        assert!(!CompiledSchema::needed_for_typed(
            &schema_of::<crate::NoArgs>()
        ));
    }

    #[test]
    fn ranges_patterns_and_unknown_keywords_need_one() {
        assert!(CompiledSchema::needed_for_typed(&schema_of::<Bounded>()));
        assert!(CompiledSchema::needed_for_typed(&schema_of::<Unsigned>()));
        assert!(CompiledSchema::needed_for_typed(&schema_of::<Patterned>()));
        let odd = serde_json::json!({"type": "object", "if": {"required": ["a"]}});
        let serde_json::Value::Object(odd) = odd else {
            unreachable!()
        };
        assert!(CompiledSchema::needed_for_typed(&odd));
    }
}
