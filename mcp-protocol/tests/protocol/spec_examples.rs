//! Golden: every example message of the spec (`<spec>/2026-07-28/examples/<Type>/*.json`)
//! decodes into the Rust type for `<Type>` and re-encodes to equal JSON (key order ignored).
//! A folder with no mapping here fails the test, so new examples are never skipped silently.

use std::fs;

use mcp_protocol::methods::*;
use mcp_protocol::types::*;
use mcp_protocol::{Message, Notification, Request};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::spec::{json_eq, spec_dir_or_skip};

type Check = fn(&Value) -> Result<Value, String>;

/// A bare value of type `T`.
fn value<T: Serialize + DeserializeOwned>(json: &Value) -> Result<Value, String> {
    let typed: T = serde_json::from_value(json.clone()).map_err(|e| e.to_string())?;
    serde_json::to_value(typed).map_err(|e| e.to_string())
}

/// A whole JSON-RPC message, decoded in two phases with the method's types.
fn message(
    json: &Value,
    decode: impl Fn(&Message) -> Result<Message, String>,
) -> Result<Value, String> {
    let bytes = serde_json::to_vec(json).unwrap();
    let msg = Message::from_slice(&bytes).map_err(|e| e.to_string())?;
    let typed = decode(&msg)?;
    serde_json::from_slice(&typed.to_vec()).map_err(|e| e.to_string())
}

fn request<R: Request>(json: &Value) -> Result<Value, String> {
    message(json, |msg| {
        let Message::Request(req) = msg else {
            return Err(format!("not a request: {msg}"));
        };
        if req.method != R::METHOD {
            return Err(format!("method {} is not {}", req.method, R::METHOD));
        }
        let params = req.decode_params::<R>().map_err(|e| e.to_string())?;
        let out = mcp_protocol::jsonrpc::RequestMessage::new::<R>(req.id.clone(), &params)
            .map_err(|e| e.to_string())?;
        Ok(out.into())
    })
}

fn response<R: Request>(json: &Value) -> Result<Value, String> {
    message(json, |msg| {
        let Message::Response(resp) = msg else {
            return Err(format!("not a response: {msg}"));
        };
        let result = resp
            .decode_result::<R>()
            .map_err(|e| e.to_string())?
            .map_err(|e| e.to_string())?;
        let id = resp.id.clone().ok_or("no id")?;
        Ok(mcp_protocol::jsonrpc::ResponseMessage::result(id, &result)
            .map_err(|e| e.to_string())?
            .into())
    })
}

fn notification<N: Notification>(json: &Value) -> Result<Value, String> {
    message(json, |msg| {
        let Message::Notification(n) = msg else {
            return Err(format!("not a notification: {msg}"));
        };
        if n.method != N::METHOD {
            return Err(format!("method {} is not {}", n.method, N::METHOD));
        }
        let params = n.decode_params::<N>().map_err(|e| e.to_string())?;
        Ok(
            mcp_protocol::jsonrpc::NotificationMessage::new::<N>(&params)
                .map_err(|e| e.to_string())?
                .into(),
        )
    })
}

/// An input request of 2026-07-28 (`{ method, params }`, no JSON-RPC envelope: the schema's
/// `CreateMessageRequest`, `ElicitRequest` and `ListRootsRequest` of that version), decoded as
/// an [`InputRequest`] whose method must be `R`'s.
fn input_request<R: Request>(json: &Value) -> Result<Value, String> {
    let typed: InputRequest = serde_json::from_value(json.clone()).map_err(|e| e.to_string())?;
    if typed.method() != R::METHOD {
        return Err(format!("method {} is not {}", typed.method(), R::METHOD));
    }
    serde_json::to_value(typed).map_err(|e| e.to_string())
}

/// A sampling content block whose `type` must be `tag`.
fn sampling_block(json: &Value, tag: &str) -> Result<Value, String> {
    let back = value::<SamplingMessageContentBlock>(json)?;
    match back.get("type").and_then(Value::as_str) {
        Some(t) if t == tag => Ok(back),
        other => Err(format!("decoded as a {other:?} block, not {tag:?}")),
    }
}

/// A form field of type `T`, which the field decoder must also recognise as `T`.
fn field<T>(json: &Value) -> Result<Value, String>
where
    T: Serialize + DeserializeOwned + Clone + Into<PrimitiveSchemaDefinition>,
{
    let typed: T = serde_json::from_value(json.clone()).map_err(|e| e.to_string())?;
    let as_field: PrimitiveSchemaDefinition =
        serde_json::from_value(json.clone()).map_err(|e| e.to_string())?;
    if as_field != typed.clone().into() {
        return Err(format!("decodes as another kind of field: {as_field:?}"));
    }
    serde_json::to_value(typed).map_err(|e| e.to_string())
}

/// An error response: the error object is decoded and re-encoded.
fn error_response(json: &Value) -> Result<Value, String> {
    message(json, |msg| match msg {
        Message::Response(r)
            if matches!(r.outcome, mcp_protocol::jsonrpc::ResultOrError::Error(_)) =>
        {
            Ok(msg.clone())
        }
        other => Err(format!("not an error response: {other}")),
    })
}

fn check_for(folder: &str) -> Option<Check> {
    Some(match folder {
        "AudioContent" => value::<AudioContent>,
        "BlobResourceContents" => value::<BlobResourceContents>,
        "CallToolRequest" => request::<CallTool>,
        "CallToolRequestParams" => value::<CallToolParams>,
        "CallToolResult" => value::<CallToolResult>,
        "CallToolResultResponse" => response::<CallTool>,
        "CancelledNotification" => notification::<Cancelled>,
        "CancelledNotificationParams" => value::<CancelledParams>,
        "ClientCapabilities" => value::<ClientCapabilities>,
        "EmbeddedResource" => value::<EmbeddedResource>,
        // Whole error responses.
        "HeaderMismatchError"
        | "MissingRequiredClientCapabilityError"
        | "UnsupportedProtocolVersionError" => error_response,
        // Bare error objects.
        "InternalError" | "InvalidParamsError" | "MethodNotFoundError" | "ParseError" => {
            value::<mcp_protocol::ErrorObject>
        }
        "ImageContent" => value::<ImageContent>,
        "ListToolsRequest" => request::<ListTools>,
        "ListToolsResult" => value::<ListToolsResult>,
        "ListToolsResultResponse" => response::<ListTools>,
        "PaginatedRequestParams" => value::<PaginatedParams>,
        "ProgressNotification" => notification::<Progress>,
        "ProgressNotificationParams" => value::<ProgressParams>,
        "ResourceLink" => value::<ResourceLink>,
        "ServerCapabilities" => value::<ServerCapabilities>,
        "TextContent" => value::<TextContent>,
        "TextResourceContents" => value::<TextResourceContents>,
        "Tool" => value::<Tool>,
        "ToolListChangedNotification" => notification::<ToolListChanged>,
        // lifecycle, discovery, resources, prompts, completion, logging, subscriptions
        "CompleteRequest" => request::<Complete>,
        "CompleteRequestParams" => value::<CompleteParams>,
        "CompleteResult" => value::<CompleteResult>,
        "CompleteResultResponse" => response::<Complete>,
        "DiscoverRequest" => request::<Discover>,
        "DiscoverResult" => value::<DiscoverResult>,
        "DiscoverResultResponse" => response::<Discover>,
        "GetPromptRequest" => request::<GetPrompt>,
        "GetPromptRequestParams" => value::<GetPromptParams>,
        "GetPromptResult" => value::<GetPromptResult>,
        "GetPromptResultResponse" => response::<GetPrompt>,
        "ListPromptsRequest" => request::<ListPrompts>,
        "ListPromptsResult" => value::<ListPromptsResult>,
        "ListPromptsResultResponse" => response::<ListPrompts>,
        "ListResourceTemplatesRequest" => request::<ListResourceTemplates>,
        "ListResourceTemplatesResult" => value::<ListResourceTemplatesResult>,
        "ListResourceTemplatesResultResponse" => response::<ListResourceTemplates>,
        "ListResourcesRequest" => request::<ListResources>,
        "ListResourcesResult" => value::<ListResourcesResult>,
        "ListResourcesResultResponse" => response::<ListResources>,
        "LoggingMessageNotification" => notification::<LoggingMessage>,
        "LoggingMessageNotificationParams" => value::<LoggingMessageParams>,
        "PromptListChangedNotification" => notification::<PromptListChanged>,
        "ReadResourceRequest" => request::<ReadResource>,
        "ReadResourceResult" => value::<ReadResourceResult>,
        "ReadResourceResultResponse" => response::<ReadResource>,
        "Resource" => value::<Resource>,
        "ResourceListChangedNotification" => notification::<ResourceListChanged>,
        "ResourceUpdatedNotification" => notification::<ResourceUpdated>,
        "ResourceUpdatedNotificationParams" => value::<ResourceUpdatedParams>,
        "SubscriptionsAcknowledgedNotification" => notification::<SubscriptionsAcknowledged>,
        "SubscriptionsListenRequest" => request::<SubscriptionsListen>,
        "SubscriptionsListenResult" => value::<SubscriptionsListenResult>,
        "SubscriptionsListenResultResponse" => response::<SubscriptionsListen>,
        // sampling, elicitation, roots, MRTR
        "CreateMessageRequest" => input_request::<CreateMessage>,
        "CreateMessageRequestParams" => value::<CreateMessageParams>,
        "CreateMessageResult" => value::<CreateMessageResult>,
        "ElicitRequest" => input_request::<Elicit>,
        "ElicitRequestFormParams" => value::<ElicitFormParams>,
        "ElicitRequestURLParams" => value::<ElicitUrlParams>,
        "ElicitResult" => value::<ElicitResult>,
        "InputRequests" => value::<InputRequests>,
        "InputRequiredResult" => value::<InputRequiredResult>,
        "InputResponses" => value::<InputResponses>,
        "ListRootsRequest" => input_request::<ListRoots>,
        "ListRootsResult" => value::<ListRootsResult>,
        "ModelPreferences" => value::<ModelPreferences>,
        "Root" => value::<Root>,
        "SamplingMessage" => value::<SamplingMessage>,
        // Content blocks with their `type` tag.
        "ToolResultContent" => |json| sampling_block(json, "tool_result"),
        "ToolUseContent" => |json| sampling_block(json, "tool_use"),
        // Form fields (each carries its own `type`).
        "BooleanSchema" => field::<BooleanSchema>,
        "NumberSchema" => field::<NumberSchema>,
        "StringSchema" => field::<StringSchema>,
        "TitledMultiSelectEnumSchema" => field::<TitledMultiSelectEnumSchema>,
        "TitledSingleSelectEnumSchema" => field::<TitledSingleSelectEnumSchema>,
        "UntitledMultiSelectEnumSchema" => field::<UntitledMultiSelectEnumSchema>,
        "UntitledSingleSelectEnumSchema" => field::<UntitledSingleSelectEnumSchema>,
        _ => return None,
    })
}

#[test]
fn every_spec_example_decodes_and_re_encodes_losslessly() {
    let dir = spec_dir_or_skip!().join("2026-07-28/examples");
    let mut failures = Vec::new();
    let mut checked = 0;
    let mut folders: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    folders.sort();
    for folder in folders {
        let name = folder.file_name().unwrap().to_string_lossy().into_owned();
        let Some(check) = check_for(&name) else {
            failures.push(format!(
                "{name}: no Rust type mapped to this example folder"
            ));
            continue;
        };
        let mut files: Vec<_> = fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for file in files {
            let original: Value =
                serde_json::from_str(&fs::read_to_string(&file).unwrap()).unwrap();
            checked += 1;
            match check(&original) {
                Ok(back) if json_eq(&back, &original) => {}
                Ok(back) => failures.push(format!(
                    "{}: re-encoded differently:\n  original: {original}\n  back:     {back}",
                    file.display()
                )),
                Err(e) => failures.push(format!("{}: {e}", file.display())),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} problems ({checked} example files checked):\n{}",
        failures.len(),
        failures.join("\n")
    );
}
