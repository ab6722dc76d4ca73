//! The fixtures of the 0.2.x suite's `tasks-*` scenarios (the 2026-07-28 tasks extension,
//! SEP-2663), with the names, arguments and behaviours the scenarios call:
//!
//! - `greet`: sync-only, `Hello, {name}!`.
//! - `slow_compute`: may run as a task; sleeps `seconds`, then answers (`seconds: 0` at
//!   once); a cancelled task stays `cancelled`.
//! - `failing_job`: only as a task; a tool execution error after about a second (the task
//!   completes, with `isError: true`).
//! - `protocol_error_job`: may run as a task; its handler panics, which is a protocol error
//!   (the task fails, with the error inlined).
//! - `confirm_delete`: may run as a task; asks one confirmation (`elicitation/create`).
//! - `multi_input`: may run as a task; asks two questions at once, so two input requests
//!   are pending together.

use std::time::Duration;

use mcp_protocol::methods::{CallToolResult, ElicitResult};
use mcp_protocol::types::ContentBlock;
use mcp_server::{NoArgs, RequestContext, TaskSupport, ToolDef};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::json;

use super::tools::form;

/// `greet`'s arguments.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct GreetArgs {
    /// Who to greet.
    pub name: String,
}

/// `slow_compute`'s arguments.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct SlowComputeArgs {
    /// How long to work, in seconds (0 answers at once).
    #[serde(default)]
    pub seconds: f64,
}

/// `confirm_delete`'s arguments.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct ConfirmDeleteArgs {
    /// The file to delete (nothing is deleted: the fixture only asks).
    #[serde(default)]
    pub filename: Option<String>,
}

/// The longest `slow_compute` works (a bound on what a client can make it hold).
const MAX_SECONDS: f64 = 600.0;

fn text(t: impl Into<String>) -> CallToolResult {
    CallToolResult::success(vec![ContentBlock::text(t)])
}

/// A form asking one boolean `confirm`.
fn confirmation(message: String) -> mcp_protocol::methods::ElicitFormParams {
    form(json!({
        "message": message,
        "requestedSchema": {
            "type": "object",
            "properties": {"confirm": {"type": "boolean"}},
            "required": ["confirm"]
        }
    }))
}

/// A form asking one string `name`.
fn name_form(message: &str) -> mcp_protocol::methods::ElicitFormParams {
    form(json!({
        "message": message,
        "requestedSchema": {
            "type": "object",
            "properties": {"name": {"type": "string"}},
            "required": ["name"]
        }
    }))
}

/// Whether an elicitation was accepted.
fn accepted(result: &ElicitResult) -> bool {
    result.action == mcp_protocol::methods::ElicitAction::Accept
}

/// The tasks scenarios' fixtures.
pub fn tools() -> Vec<ToolDef> {
    vec![
        ToolDef::new("greet", |args: GreetArgs, _: RequestContext| async move {
            text(format!("Hello, {}!", args.name))
        })
        .description("Greets by name; always answers at once (never a task)"),
        ToolDef::new(
            "slow_compute",
            |args: SlowComputeArgs, ctx: RequestContext| async move {
                let seconds = args.seconds.clamp(0.0, MAX_SECONDS);
                tokio::select! {
                    () = tokio::time::sleep(Duration::from_secs_f64(seconds)) => {
                        text(format!("Computed after {seconds} seconds"))
                    }
                    // A cancelled task keeps its `cancelled` status; this result is dropped.
                    () = ctx.cancelled() => CallToolResult::error("cancelled"),
                }
            },
        )
        .description("Works for `seconds` seconds, then answers; may run as a task")
        .task_support(TaskSupport::Optional),
        ToolDef::new("failing_job", |_: NoArgs, ctx: RequestContext| async move {
            tokio::select! {
                () = tokio::time::sleep(Duration::from_secs(1)) => {}
                () = ctx.cancelled() => {}
            }
            CallToolResult::error("the job failed (a tool execution error)")
        })
        .description("Runs only as a task; ends with a tool execution error after a second")
        .task_support(TaskSupport::Required),
        ToolDef::new(
            "protocol_error_job",
            |_: NoArgs, _: RequestContext| async move {
                // A panicking handler is a protocol error (-32603): the task fails.
                #[allow(clippy::panic, reason = "the fixture's purpose is a protocol error")]
                {
                    panic!("protocol_error_job always fails")
                }
                #[allow(unreachable_code, reason = "the type of the handler's output")]
                text("")
            },
        )
        .description("May run as a task; fails with a protocol error")
        .task_support(TaskSupport::Optional),
        ToolDef::new(
            "confirm_delete",
            |args: ConfirmDeleteArgs, ctx: RequestContext| async move {
                let file = args.filename.unwrap_or_else(|| "the file".to_owned());
                match ctx
                    .elicit_as("confirm", confirmation(format!("Delete {file}?")))
                    .await
                {
                    Ok(r) if accepted(&r) => text(format!("Deleted {file}")),
                    Ok(_) => text(format!("Kept {file}")),
                    Err(e) => CallToolResult::error(format!("input request failed: {e}")),
                }
            },
        )
        .description("Asks for a confirmation, then answers; may run as a task")
        .task_support(TaskSupport::Optional),
        ToolDef::new("multi_input", |_: NoArgs, ctx: RequestContext| async move {
            let (first, second) = tokio::join!(
                ctx.elicit_as("first", name_form("First name?")),
                ctx.elicit_as("second", name_form("Second name?")),
            );
            match (first, second) {
                (Ok(a), Ok(b)) => text(format!(
                    "Got both answers ({}, {})",
                    accepted(&a),
                    accepted(&b)
                )),
                (Err(e), _) | (_, Err(e)) => {
                    CallToolResult::error(format!("input request failed: {e}"))
                }
            }
        })
        .description("Asks two questions at once, then answers; may run as a task")
        .task_support(TaskSupport::Optional),
    ]
}
