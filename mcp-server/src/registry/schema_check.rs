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

/// A compiled schema.
pub(crate) struct CompiledSchema {
    #[cfg(feature = "validate")]
    validator: jsonschema::Validator,
}

impl CompiledSchema {
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
