//! The tools of the conformance contract (suite 0.1.x, `everything-server.ts` of the
//! reference): names, descriptions, arguments and texts exactly as the reference has them.

use std::time::Duration;

use mcp_protocol::ProgressToken;
use mcp_protocol::methods::{
    CallToolResult, CreateMessageParams, ElicitFormParams, ElicitResult, SamplingMessage,
};
use mcp_protocol::types::{ContentBlock, LoggingLevel};
use mcp_server::{NoArgs, RequestContext, ToolDef};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::{PNG_BASE64, WAV_BASE64};

/// The text of `test_simple_text`.
pub const SIMPLE_TEXT: &str = "This is a simple text response for testing.";
/// The text of `test_error_handling` (a tool error, `isError: true`).
pub const ERROR_TEXT: &str = "This tool intentionally returns an error for testing";
/// The three log messages of `test_tool_with_logging`, in order, ~50 ms apart.
pub const LOG_MESSAGES: [&str; 3] = [
    "Tool execution started",
    "Tool processing data",
    "Tool execution completed",
];
/// The pause between two log messages or two progress notifications.
pub const STEP: Duration = Duration::from_millis(50);

/// A content block from its JSON form (for the embedded resources, whose exact shape is
/// the contract).
pub(crate) fn block(value: Value) -> ContentBlock {
    serde_json::from_value(value).expect("a valid content block")
}

/// A JSON object literal as a map.
pub(crate) fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// Form-mode elicitation params from their JSON form (`message`, `requestedSchema`).
pub(crate) fn form(value: Value) -> ElicitFormParams {
    serde_json::from_value(value).expect("a valid elicitation form")
}

/// `action=…, content=…` as the reference prints an elicitation result.
pub(crate) fn describe(result: &ElicitResult) -> String {
    let action = serde_json::to_value(&result.action).unwrap_or_default();
    let content = Value::Object(result.content.clone().unwrap_or_default());
    format!(
        "action={}, content={content}",
        action.as_str().unwrap_or("?")
    )
}

/// Arguments of `test_sampling`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct SamplingArgs {
    /// The prompt to send to the LLM
    pub prompt: String,
}

/// Arguments of `test_elicitation`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct ElicitationArgs {
    /// The message to show the user
    pub message: String,
}

/// The input schema of `json_schema_2020_12_tool`: the 0.2.x form (SEP-1613 `$schema`,
/// `$defs`, `additionalProperties`, plus SEP-2106 `$anchor`, `allOf`/`anyOf`,
/// `if`/`then`/`else`), a superset of what the 0.1.x suite checks.
pub fn json_schema_2020_12() -> Value {
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "$defs": {
            "address": {
                "$anchor": "addressDef",
                "type": "object",
                "properties": {
                    "street": {"type": "string"},
                    "city": {"type": "string"}
                }
            }
        },
        "properties": {
            "name": {"type": "string"},
            "address": {"$ref": "#/$defs/address"},
            "contactMethod": {"type": "string", "enum": ["phone", "email"]},
            "phone": {"type": "string"},
            "email": {"type": "string"}
        },
        "allOf": [{"anyOf": [{"required": ["phone"]}, {"required": ["email"]}]}],
        "if": {
            "properties": {"contactMethod": {"const": "phone"}},
            "required": ["contactMethod"]
        },
        "then": {"required": ["phone"]},
        "else": {"required": ["email"]},
        "additionalProperties": false
    })
}

/// The `requestedSchema` of `test_elicitation_sep1034_defaults` (SEP-1034: a default for
/// every primitive type).
pub fn sep1034_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "name": {"type": "string", "description": "User name", "default": "John Doe"},
            "age": {"type": "integer", "description": "User age", "default": 30},
            "score": {"type": "number", "description": "User score", "default": 95.5},
            "status": {
                "type": "string",
                "description": "User status",
                "enum": ["active", "inactive", "pending"],
                "default": "active"
            },
            "verified": {"type": "boolean", "description": "Verification status", "default": true}
        },
        "required": []
    })
}

/// The `requestedSchema` of `test_elicitation_sep1330_enums` (SEP-1330: the five enum
/// forms).
pub fn sep1330_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "untitledSingle": {
                "type": "string",
                "description": "Select one option",
                "enum": ["option1", "option2", "option3"]
            },
            "titledSingle": {
                "type": "string",
                "description": "Select one option with titles",
                "oneOf": [
                    {"const": "value1", "title": "First Option"},
                    {"const": "value2", "title": "Second Option"},
                    {"const": "value3", "title": "Third Option"}
                ]
            },
            "legacyEnum": {
                "type": "string",
                "description": "Select one option (legacy)",
                "enum": ["opt1", "opt2", "opt3"],
                "enumNames": ["Option One", "Option Two", "Option Three"]
            },
            "untitledMulti": {
                "type": "array",
                "description": "Select multiple options",
                "minItems": 1,
                "maxItems": 3,
                "items": {"type": "string", "enum": ["option1", "option2", "option3"]}
            },
            "titledMulti": {
                "type": "array",
                "description": "Select multiple options with titles",
                "minItems": 1,
                "maxItems": 3,
                "items": {
                    "anyOf": [
                        {"const": "value1", "title": "First Choice"},
                        {"const": "value2", "title": "Second Choice"},
                        {"const": "value3", "title": "Third Choice"}
                    ]
                }
            }
        },
        "required": []
    })
}

/// The embedded resource of `test_embedded_resource`.
pub fn embedded_resource() -> ContentBlock {
    block(json!({
        "type": "resource",
        "resource": {
            "uri": "test://embedded-resource",
            "mimeType": "text/plain",
            "text": "This is an embedded resource content."
        }
    }))
}

/// A tool without arguments lists `{"type": "object", "properties": {}}` as its input
/// schema (as the reference does), without the `$schema` of the generated schema of
/// [`NoArgs`].
pub fn tidy(def: ToolDef) -> ToolDef {
    let takes_none = def.tool().input_schema.iter().all(|(key, value)| {
        key == "$schema"
            || (key == "type" && value == "object")
            || (key == "properties" && value == &json!({}))
    });
    if takes_none {
        def.input_schema(object(json!({"type": "object", "properties": {}})))
    } else {
        def
    }
}

/// `test_simple_text` (also re-registered by `test_trigger_tool_change`).
pub fn simple_text() -> ToolDef {
    tidy(
        ToolDef::new("test_simple_text", |_: NoArgs, _: RequestContext| async {
            SIMPLE_TEXT
        })
        .description("Tests simple text content response"),
    )
}

/// The text of `test_tool_with_progress`: the request's progress token as the reference
/// prints it (`String(progressToken ?? 0)`: a string bare, a number in decimal).
pub fn progress_text(token: Option<&ProgressToken>) -> String {
    match token {
        Some(ProgressToken::String(s)) => s.clone(),
        Some(ProgressToken::Number(n)) => n.to_string(),
        None => "0".to_owned(),
    }
}

/// Asks for a form and describes the answer with `prefix` (the three elicitation tools).
async fn elicit_and_describe(
    ctx: &RequestContext,
    params: ElicitFormParams,
    prefix: &str,
) -> CallToolResult {
    match ctx.elicit(params).await {
        Ok(result) => CallToolResult::success(vec![ContentBlock::text(format!(
            "{prefix}: {}",
            describe(&result)
        ))]),
        Err(e) => CallToolResult::error(format!("Elicitation not supported or error: {e}")),
    }
}

/// Every tool of the 0.1.x contract, in the reference server's order.
pub fn all() -> Vec<ToolDef> {
    vec![
        simple_text(),
        ToolDef::new("test_image_content", |_: NoArgs, _: RequestContext| async {
            ContentBlock::image(PNG_BASE64, "image/png")
        })
        .description("Tests image content response"),
        ToolDef::new("test_audio_content", |_: NoArgs, _: RequestContext| async {
            ContentBlock::audio(WAV_BASE64, "audio/wav")
        })
        .description("Tests audio content response"),
        ToolDef::new(
            "test_embedded_resource",
            |_: NoArgs, _: RequestContext| async { embedded_resource() },
        )
        .description("Tests embedded resource content response"),
        ToolDef::new(
            "test_multiple_content_types",
            |_: NoArgs, _: RequestContext| async {
                vec![
                    ContentBlock::text("Multiple content types test:"),
                    ContentBlock::image(PNG_BASE64, "image/png"),
                    block(json!({
                        "type": "resource",
                        "resource": {
                            "uri": "test://mixed-content-resource",
                            "mimeType": "application/json",
                            "text": r#"{"test":"data","value":123}"#
                        }
                    })),
                ]
            },
        )
        .description("Tests response with multiple content types (text, image, resource)"),
        ToolDef::new(
            "test_tool_with_logging",
            |_: NoArgs, ctx: RequestContext| async move {
                for (i, message) in LOG_MESSAGES.into_iter().enumerate() {
                    if i > 0 {
                        tokio::time::sleep(STEP).await;
                    }
                    ctx.log(LoggingLevel::Info, message);
                }
                "Tool with logging executed successfully"
            },
        )
        .description("Tests tool that emits log messages during execution"),
        ToolDef::new(
            "test_tool_with_progress",
            |_: NoArgs, ctx: RequestContext| async move {
                for (i, step) in [0.0, 50.0, 100.0].into_iter().enumerate() {
                    if i > 0 {
                        tokio::time::sleep(STEP).await;
                    }
                    let message = format!("Completed step {step} of 100");
                    ctx.progress(step, Some(100.0), Some(&message));
                }
                // The reference answers with the request's progress token (`0` without one).
                progress_text(ctx.progress_token())
            },
        )
        .description("Tests tool that reports progress notifications"),
        ToolDef::new(
            "test_error_handling",
            |_: NoArgs, _: RequestContext| async { CallToolResult::error(ERROR_TEXT) },
        )
        .description("Tests error response handling"),
        ToolDef::new(
            "test_reconnection",
            |_: NoArgs, ctx: RequestContext| async move {
                // Over Streamable HTTP (session era) the stream's connection is closed mid-call
                // and the result waits for the client's GET with Last-Event-ID (SEP-1699); over
                // stdio there is no stream to close.
                if ctx.close_stream() {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                "Reconnection test completed successfully. If you received this, the client \
             properly reconnected after stream closure."
            },
        )
        .description(
            "Tests SSE stream disconnection and client reconnection (SEP-1699). Server will \
             close the stream mid-call and send the result after client reconnects.",
        ),
        ToolDef::new(
            "test_sampling",
            |args: SamplingArgs, ctx: RequestContext| async move {
                let params =
                    CreateMessageParams::new(vec![SamplingMessage::user_text(args.prompt)], 100);
                match ctx.create_message(params).await {
                    Ok(result) => {
                        let text = result
                            .content
                            .blocks()
                            .iter()
                            .find_map(|b| b.as_text())
                            .unwrap_or("No response")
                            .to_owned();
                        CallToolResult::success(vec![ContentBlock::text(format!(
                            "LLM response: {text}"
                        ))])
                    }
                    Err(e) => {
                        CallToolResult::error(format!("Sampling not supported or error: {e}"))
                    }
                }
            },
        )
        .description("Tests server-initiated sampling (LLM completion request)"),
        ToolDef::new(
            "test_elicitation",
            |args: ElicitationArgs, ctx: RequestContext| async move {
                let params = form(json!({
                    "message": args.message,
                    "requestedSchema": {
                        "type": "object",
                        "properties": {
                            "response": {"type": "string", "description": "User's response"}
                        },
                        "required": ["response"]
                    }
                }));
                elicit_and_describe(&ctx, params, "User response").await
            },
        )
        .description("Tests server-initiated elicitation (user input request)"),
        ToolDef::new(
            "test_elicitation_sep1034_defaults",
            |_: NoArgs, ctx: RequestContext| async move {
                let params = form(json!({
                    "message": "Please review and update the form fields with defaults",
                    "requestedSchema": sep1034_schema()
                }));
                elicit_and_describe(&ctx, params, "Elicitation completed").await
            },
        )
        .description("Tests elicitation with default values per SEP-1034"),
        ToolDef::new(
            "test_elicitation_sep1330_enums",
            |_: NoArgs, ctx: RequestContext| async move {
                let params = form(json!({
                    "message": "Please select options from the enum fields",
                    "requestedSchema": sep1330_schema()
                }));
                elicit_and_describe(&ctx, params, "Elicitation completed").await
            },
        )
        .description("Tests elicitation with enum schema improvements per SEP-1330"),
        ToolDef::raw(
            "json_schema_2020_12_tool",
            object(json_schema_2020_12()),
            |args: Map<String, Value>, _: RequestContext| async move {
                format!(
                    "JSON Schema 2020-12 tool called with: {}",
                    Value::Object(args)
                )
            },
        )
        .description("Tool with JSON Schema 2020-12 features for conformance testing (SEP-1613)"),
    ]
}
