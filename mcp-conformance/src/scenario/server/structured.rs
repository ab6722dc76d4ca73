//! `tools/structured-output`: a tool that declares an `outputSchema` gives structured results
//! that conform to it (2025-06-18 on, server/tools §Output Schema: "Servers MUST provide
//! structured results that conform to this schema").
//!
//! Each such tool is called with a few arguments its `inputSchema` accepts (drawn as
//! `tools/probe` draws them). A successful result must carry `structuredContent` that
//! validates against the `outputSchema`. A tool error (`isError: true`), a JSON-RPC error or
//! a result that is not complete yet (2026-07-28 `input_required`) is not judged here:
//! `tools/probe` judges errors.

use futures::FutureExt;
use mcp_protocol::ProtocolVersion;
use serde_json::json;

use super::callable::callable_tools;
use super::probe::accepted_arguments;
use super::{Halt, ServerScenario, scenario, with_session};
use crate::scenario::{Outcome, Severity};
use crate::target::{Reply, Target, clip_at};

pub(super) fn scenarios() -> Vec<ServerScenario> {
    vec![scenario(
        "tools/structured-output",
        "2025-06-18 on server/tools §Output Schema (MUST provide structured results that conform), §Structured Content",
        Severity::Must,
        |t, v| structured_output(t, v).boxed(),
    )
        .checks(&["5.6"])]
}

/// The most tools with an `outputSchema` called.
const MAX_TOOLS: usize = 8;
/// Calls per tool.
const CALLS_PER_TOOL: usize = 3;
/// The most schema errors quoted in a failure.
const ERRORS_QUOTED: usize = 3;

async fn structured_output(target: &Target, version: ProtocolVersion) -> Outcome {
    if version < ProtocolVersion::V2025_06_18 {
        return Outcome::skip(format!("{version} has no outputSchema (new in 2025-06-18)"));
    }
    with_session!(target, version, |c| {
        let tools = callable_tools(&mut c).await?;
        let declared: Vec<_> = tools
            .iter()
            .filter(|t| t.get("outputSchema").is_some_and(|s| !s.is_null()))
            .take(MAX_TOOLS)
            .collect();
        if declared.is_empty() {
            return Err(Halt::Skip("no tool declares an outputSchema".into()));
        }
        let (mut judged, mut calls) = (0, 0);
        for tool in declared {
            let name = tool["name"].as_str().unwrap_or_default();
            let output = jsonschema::validator_for(&tool["outputSchema"]).map_err(|e| {
                format!("tool {name}: its outputSchema is not a valid JSON Schema: {e}")
            })?;
            for args in accepted_arguments(&tool["inputSchema"], CALLS_PER_TOOL).await {
                calls += 1;
                let id = json!(format!("structured-{calls}"));
                let params = json!({"name": name, "arguments": args});
                // No answer yet from a busy server (a long-running tool): nothing to judge.
                let Some(Reply::Result(result)) =
                    c.request_or_cancel(id, "tools/call", params).await?
                else {
                    continue;
                };
                let incomplete = result.get("resultType").is_some_and(|t| t != "complete");
                if result["isError"] == true || incomplete {
                    continue;
                }
                judged += 1;
                let Some(structured) = result.get("structuredContent") else {
                    return Err(format!(
                        "tool {name} with {args}: a successful result without structuredContent, \
                         though the tool declares an outputSchema: {}",
                        clip_at(&result.to_string(), 300)
                    )
                    .into());
                };
                let errors: Vec<String> = output
                    .iter_errors(structured)
                    .take(ERRORS_QUOTED)
                    .map(|e| format!("{e} (at {})", e.instance_path()))
                    .collect();
                if !errors.is_empty() {
                    return Err(format!(
                        "tool {name} with {args}: structuredContent {} does not conform to its outputSchema: {}",
                        clip_at(&structured.to_string(), 200),
                        errors.join("; ")
                    )
                    .into());
                }
            }
        }
        if judged == 0 {
            return Err(Halt::Skip(
                "no call of a tool with an outputSchema succeeded (tools/probe judges the errors)"
                    .into(),
            ));
        }
        Ok(())
    })
}
