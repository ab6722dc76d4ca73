//! The client's check of a tool's `structuredContent` against its `outputSchema` (server/tools
//! §Output Schema: "Clients SHOULD validate structured results against this schema").
//!
//! The schemas come from the tools the client has listed (`Client::list_tools`,
//! `Client::list_all_tools`); a call of a tool not listed in this connection is not checked.
//! With feature `validate` the schemas are compiled (jsonschema) and every successful result
//! of a listed tool with an `outputSchema` is checked: missing or nonconforming structured
//! content is [`Error::ToolOutputInvalid`](crate::Error::ToolOutputInvalid). Without the
//! feature nothing is recorded or checked.

#[cfg(feature = "validate")]
use std::collections::HashMap;
#[cfg(feature = "validate")]
use std::sync::{Arc, Mutex};

use mcp_protocol::methods::{CallToolResult, Tool};

#[cfg(feature = "validate")]
use crate::error::Error;
use crate::error::Result;

/// The compiled output schemas of the listed tools, by tool name (nothing without the
/// feature).
#[derive(Default)]
pub(crate) struct OutputSchemas {
    #[cfg(feature = "validate")]
    by_tool: Mutex<HashMap<String, Arc<jsonschema::Validator>>>,
}

impl std::fmt::Debug for OutputSchemas {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OutputSchemas(..)")
    }
}

impl OutputSchemas {
    /// Records the output schemas of `tools` (a tool listed again replaces its schema; one
    /// without a schema, or with one that does not compile, is not checked).
    pub(crate) fn record(&self, tools: &[Tool]) {
        #[cfg(feature = "validate")]
        {
            let mut by_tool = self
                .by_tool
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            for tool in tools {
                let compiled = tool.output_schema.as_ref().and_then(|schema| {
                    jsonschema::validator_for(&serde_json::Value::Object(schema.clone())).ok()
                });
                match compiled {
                    Some(v) => by_tool.insert(tool.name.clone(), Arc::new(v)),
                    None => by_tool.remove(&tool.name),
                };
            }
        }
        #[cfg(not(feature = "validate"))]
        let _ = tools;
    }

    /// `result` if it fits the output schema recorded for `name` (results with `isError`
    /// are not checked: their content says why the tool failed).
    pub(crate) fn check(&self, name: &str, result: CallToolResult) -> Result<CallToolResult> {
        #[cfg(feature = "validate")]
        {
            let validator = self
                .by_tool
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .get(name)
                .cloned();
            if let Some(validator) = validator
                && !result.is_error()
            {
                let invalid = |reason: String| Error::ToolOutputInvalid {
                    name: name.to_owned(),
                    reason,
                };
                let Some(structured) = &result.structured_content else {
                    return Err(invalid(
                        "the tool has an output schema and returned no structured content".into(),
                    ));
                };
                if let Some(e) = validator.iter_errors(structured).next() {
                    return Err(invalid(format!("{} (at {})", e, e.instance_path())));
                }
            }
        }
        #[cfg(not(feature = "validate"))]
        let _ = name;
        Ok(result)
    }
}
