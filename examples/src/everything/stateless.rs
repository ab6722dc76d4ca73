//! What the 0.2.x line of the suite (the 2026-07-28 scenarios) adds to the contract.
//!
//! - MRTR (SEP-2322) tools and a prompt whose `inputRequests` carry the fixed keys the
//!   scenarios name (`user_name`, `capital_question`, `client_roots`, `confirm`, `step1`,
//!   `step2`, `greeting`, `elicit_input`, `sample_input`, `user_context`). They work in the
//!   session era too, as server-to-client requests.
//! - Diagnostics of the stateless scenarios (SEP-2575): `test_missing_capability` requires
//!   `sampling` (-32021 `MissingRequiredClientCapabilityError` in 2026-07-28 without it, a
//!   tool error in the session era) and answers `Success`; `test_logging_tool` logs only when
//!   the request named a log level; `test_streaming_elicitation` reports progress and
//!   finishes; `test_trigger_tool_change` / `test_trigger_prompt_change` make the server
//!   announce a list change.
//! - `test_tool_with_task` (SEP-2663): `taskSupport: required`, asks for `user_name`.
//! - `test_custom_header` (SEP-2243): `region` carries `x-mcp-header: Region`, so HTTP
//!   clients mirror it into `Mcp-Param-Region` and the server checks it.

use mcp_protocol::methods::{
    CallToolResult, CreateMessageParams, ElicitResult, GetPromptResult, Prompt, PromptMessage,
    SamplingMessage,
};
use mcp_protocol::types::{ClientCapabilities, ContentBlock, LoggingLevel, SamplingCapability};
use mcp_server::{InputError, NoArgs, PromptDef, RequestContext, Server, TaskSupport, ToolDef};
use serde_json::{Value, json};

use super::catalog;
use super::tools::{self, form};

/// The text field `field` of an accepted form, or `"unknown"` (as the reference does).
fn field(result: &ElicitResult, field: &str) -> String {
    result
        .content
        .as_ref()
        .and_then(|c| c.get(field))
        .and_then(Value::as_str)
        .unwrap_or("unknown")
        .to_owned()
}

/// A form asking for one required field `name` of type `kind`.
fn ask_one(message: &str, name: &str, kind: &str) -> mcp_protocol::methods::ElicitFormParams {
    form(json!({
        "message": message,
        "requestedSchema": {
            "type": "object",
            "properties": {name: {"type": kind}},
            "required": [name]
        }
    }))
}

/// A sampling request for `text`, at most `max_tokens`.
fn sample(text: &str, max_tokens: u64) -> CreateMessageParams {
    CreateMessageParams::new(vec![SamplingMessage::user_text(text)], max_tokens)
}

/// The first text block of a sampling answer.
fn sampled_text(result: &mcp_protocol::methods::CreateMessageResult) -> Option<String> {
    result
        .content
        .blocks()
        .iter()
        .find_map(|b| b.as_text())
        .map(str::to_owned)
}

fn text(t: impl Into<String>) -> CallToolResult {
    CallToolResult::success(vec![ContentBlock::text(t)])
}

fn failed(e: &InputError) -> CallToolResult {
    CallToolResult::error(format!("input request failed: {e}"))
}

/// Client capabilities with (any) sampling.
fn sampling() -> ClientCapabilities {
    {
        let mut client_capabilities = ClientCapabilities::default();
        client_capabilities.sampling = Some(SamplingCapability::default());
        client_capabilities
    }
}

/// The 0.2.x tools. The list-change hooks re-register a tool or prompt of `server`.
pub fn tools(server: &Server) -> Vec<ToolDef> {
    let tool_server = server.clone();
    let prompt_server = server.clone();
    vec![
        ToolDef::new(
            "test_input_required_result_elicitation",
            |_: NoArgs, ctx: RequestContext| async move {
                match ctx
                    .elicit_as("user_name", ask_one("What is your name?", "name", "string"))
                    .await
                {
                    Ok(r) => text(format!("Hello, {}!", field(&r, "name"))),
                    Err(e) => failed(&e),
                }
            },
        )
        .description("MRTR: returns InputRequiredResult with elicitation request")
        // The official suite's `input-required-result-ignore-extra-params` sends the answer
        // with the first request (no requestState) and wants the call completed. A name is a
        // value the client owns, not a consent, so this fixture tool opts in; tickets-server's
        // confirmations do not (issue 16: an answer counts only for a question asked).
        .accept_unsolicited_answers(true),
        ToolDef::new(
            "test_input_required_result_sampling",
            |_: NoArgs, ctx: RequestContext| async move {
                match ctx
                    .create_message_as(
                        "capital_question",
                        sample("What is the capital of France?", 100),
                    )
                    .await
                {
                    Ok(r) => text(format!(
                        "Sampling result: {}",
                        sampled_text(&r).unwrap_or_else(|| "no response".to_owned())
                    )),
                    Err(e) => failed(&e),
                }
            },
        )
        .description("MRTR: returns InputRequiredResult with sampling request"),
        ToolDef::new(
            "test_input_required_result_list_roots",
            |_: NoArgs, ctx: RequestContext| async move {
                match ctx.list_roots_as("client_roots").await {
                    Ok(r) => text(format!("Found {} root(s)", r.roots.len())),
                    Err(e) => failed(&e),
                }
            },
        )
        .description("MRTR: returns InputRequiredResult with roots/list request"),
        ToolDef::new(
            "test_input_required_result_request_state",
            |_: NoArgs, ctx: RequestContext| async move {
                match ctx
                    .elicit_as("confirm", ask_one("Please confirm", "ok", "boolean"))
                    .await
                {
                    Ok(r) if r.content.as_ref().and_then(|c| c.get("ok")) == Some(&json!(true)) => {
                        text("state-ok: requestState validated")
                    }
                    Ok(r) => {
                        CallToolResult::error(format!("not confirmed: {}", tools::describe(&r)))
                    }
                    Err(e) => failed(&e),
                }
            },
        )
        .description("MRTR: returns InputRequiredResult with requestState"),
        ToolDef::new(
            "test_input_required_result_multiple_inputs",
            |_: NoArgs, ctx: RequestContext| async move {
                // Asked together, so one round carries all three.
                let (name, greeting, roots) = tokio::join!(
                    ctx.elicit_as("user_name", ask_one("What is your name?", "name", "string")),
                    ctx.create_message_as("greeting", sample("Generate a greeting", 50)),
                    ctx.list_roots_as("client_roots"),
                );
                match (name, greeting, roots) {
                    (Ok(name), Ok(greeting), Ok(roots)) => text(format!(
                        "Name: {}; Greeting: {}; Roots: {}",
                        field(&name, "name"),
                        sampled_text(&greeting).unwrap_or_else(|| "Hello there!".to_owned()),
                        roots.roots.len()
                    )),
                    (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => failed(&e),
                }
            },
        )
        .description("MRTR: returns InputRequiredResult with multiple input requests"),
        ToolDef::new(
            "test_input_required_result_multi_round",
            |_: NoArgs, ctx: RequestContext| async move {
                let name = match ctx
                    .elicit_as(
                        "step1",
                        ask_one("Step 1: What is your name?", "name", "string"),
                    )
                    .await
                {
                    Ok(r) => field(&r, "name"),
                    Err(e) => return failed(&e),
                };
                let color = match ctx
                    .elicit_as(
                        "step2",
                        ask_one("Step 2: What is your favorite color?", "color", "string"),
                    )
                    .await
                {
                    Ok(r) => field(&r, "color"),
                    Err(e) => return failed(&e),
                };
                text(format!("Multi-round complete for {name} who likes {color}"))
            },
        )
        .description("MRTR: multi-round InputRequiredResult workflow"),
        ToolDef::new(
            "test_input_required_result_tampered_state",
            |_: NoArgs, ctx: RequestContext| async move {
                // The requestState is HMAC-sealed by mcp-server: a tampered one is -32602
                // before this handler runs.
                match ctx
                    .elicit_as("confirm", ask_one("Please confirm", "ok", "boolean"))
                    .await
                {
                    Ok(_) => text("integrity-ok: state verified"),
                    Err(e) => failed(&e),
                }
            },
        )
        .description("MRTR: HMAC-signed requestState integrity test"),
        ToolDef::new(
            "test_input_required_result_capabilities",
            |_: NoArgs, ctx: RequestContext| async move {
                let caps = ctx.client_capabilities();
                let (elicit, sampling) = (caps.elicitation.is_some(), caps.sampling.is_some());
                if !elicit && !sampling {
                    return text("No supported capabilities declared");
                }
                let ask_elicit = async {
                    if elicit {
                        Some(
                            ctx.elicit_as(
                                "elicit_input",
                                ask_one("Elicitation input", "value", "string"),
                            )
                            .await,
                        )
                    } else {
                        None
                    }
                };
                let ask_sample = async {
                    if sampling {
                        Some(
                            ctx.create_message_as("sample_input", sample("Sample request", 50))
                                .await,
                        )
                    } else {
                        None
                    }
                };
                let (e, s) = tokio::join!(ask_elicit, ask_sample);
                let mut received = Vec::new();
                match e {
                    Some(Ok(_)) => received.push("elicit_input"),
                    Some(Err(err)) => return failed(&err),
                    None => {}
                }
                match s {
                    Some(Ok(_)) => received.push("sample_input"),
                    Some(Err(err)) => return failed(&err),
                    None => {}
                }
                text(format!("capabilities-ok: received {}", received.join(",")))
            },
        )
        .description("MRTR: respects client capabilities in inputRequests"),
        tools::tidy(
            ToolDef::new(
                "test_missing_capability",
                |_: NoArgs, _: RequestContext| async { "Success" },
            )
            .description("Test tool requiring sampling")
            .requires(sampling()),
        ),
        ToolDef::new(
            "test_streaming_elicitation",
            |_: NoArgs, ctx: RequestContext| async move {
                ctx.progress(50.0, Some(100.0), None);
                "Streaming complete"
            },
        )
        .description("Diagnostic tool validating response progress streams"),
        ToolDef::new(
            "test_logging_tool",
            |_: NoArgs, ctx: RequestContext| async move {
                // Sent only if the request's log level (2026-07-28 `_meta`) or the session's
                // level lets it through.
                ctx.log(LoggingLevel::Info, "Diagnostic trace logging activated");
                "Logging evaluated"
            },
        )
        .description("Diagnostic logging validator tool"),
        ToolDef::new(
            "test_trigger_tool_change",
            move |_: NoArgs, _: RequestContext| {
                let server = tool_server.clone();
                async move {
                    // Replacing a tool is a change: every listener hears `tools/list_changed`.
                    match server.add_tool(tools::simple_text()) {
                        Ok(()) => text("Mutation triggered"),
                        Err(e) => CallToolResult::error(e.to_string()),
                    }
                }
            },
        )
        .description(
            "Diagnostic hook: re-registers test_simple_text, announcing tools/list_changed",
        ),
        ToolDef::new(
            "test_trigger_prompt_change",
            move |_: NoArgs, _: RequestContext| {
                let server = prompt_server.clone();
                async move {
                    server
                        .add_prompt(catalog::simple_prompt())
                        .expect("a handler without state is always accepted");
                    text("Mutation triggered")
                }
            },
        )
        .description(
            "Diagnostic hook: re-registers test_simple_prompt, announcing prompts/list_changed",
        ),
        ToolDef::new(
            "test_tool_with_task",
            |_: NoArgs, ctx: RequestContext| async move {
                match ctx
                    .elicit_as("user_name", ask_one("What is your name?", "name", "string"))
                    .await
                {
                    Ok(r) => text(format!("Task completed for {}", field(&r, "name"))),
                    Err(e) => failed(&e),
                }
            },
        )
        .description("Runs only as a task; asks for user_name first")
        .task_support(TaskSupport::Required)
        // The MRTR → task composition: `user_name` is asked before the task exists.
        .input_before_task(true),
        // 2026-07-28 streamable-http §Custom Headers from Tool Parameters (SEP-2243): the
        // client mirrors `region` into `Mcp-Param-Region`, and the HTTP layer checks it.
        ToolDef::raw(
            "test_custom_header",
            tools::object(json!({
                "type": "object",
                "properties": {
                    "region": {
                        "type": "string",
                        "description": "Mirrored into the Mcp-Param-Region header",
                        "x-mcp-header": "Region"
                    },
                    "query": {"type": "string"}
                },
                "required": ["region"]
            })),
            |args: serde_json::Map<String, Value>, _: RequestContext| async move {
                format!("custom header tool called with: {}", Value::Object(args))
            },
        )
        .description("Tool whose `region` argument is mirrored into an HTTP header (SEP-2243)"),
    ]
}

/// `test_input_required_result_prompt`: asks for `user_context`, then renders it.
pub fn prompt() -> PromptDef {
    PromptDef::new(
        Prompt::new("test_input_required_result_prompt")
            .with_description("MRTR: prompt that requires elicitation input"),
        |_, ctx: RequestContext| async move {
            let answer = ctx
                .elicit_as(
                    "user_context",
                    ask_one("What context should the prompt use?", "context", "string"),
                )
                .await?;
            Ok(GetPromptResult::new(vec![PromptMessage::user_text(
                format!("Prompt with context: {}", field(&answer, "context")),
            )]))
        },
    )
}
