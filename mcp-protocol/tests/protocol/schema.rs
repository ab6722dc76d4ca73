//! Every message we construct for version V validates against V's official `schema.json`.
//!
//! Values come from the `proptest` strategies, are shaped for V (as the peer layer does before
//! sending), wrapped in their JSON-RPC envelope and validated against the definition the
//! schema gives for that message, and against `JSONRPCMessage`. In 2026-07-28 the test stamps
//! the `_meta` keys every request must carry, as a client does.

use std::fmt::Debug;

use jsonschema::Validator;
use mcp_protocol::jsonrpc::{NotificationMessage, RequestMessage, ResponseMessage};
use mcp_protocol::methods::*;
// The notification marker, not the status enum of `types`.
use mcp_protocol::methods::TaskStatus;
use mcp_protocol::types::*;
use mcp_protocol::{
    DecodeError, ErrorObject, Message, Notification, ProtocolVersion, Request, RequestId, Shape,
    SupportedVersions,
};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde::Serialize;
use serde_json::{Value, json};

use crate::spec::{self, spec_dir_or_skip};

fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: 24,
        failure_persistence: None,
        ..Config::default()
    })
}

fn check(
    validator: &Validator,
    def: &str,
    version: ProtocolVersion,
    instance: &Value,
) -> Result<(), TestCaseError> {
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(TestCaseError::fail(format!(
            "{version} {def}: {errors:#?}\n{}",
            serde_json::to_string_pretty(instance).unwrap()
        )))
    }
}

/// The `_meta` keys every 2026-07-28 request carries, as a client stamps them.
fn stamp_meta(meta: &mut Meta) {
    meta.set(
        Meta::PROTOCOL_VERSION,
        &ProtocolVersion::V2026_07_28.as_str(),
    );
    meta.set(Meta::CLIENT_CAPABILITIES, &json!({}));
}

/// What a client adds to every request's `_meta` in 2026-07-28.
fn stamp_request(version: ProtocolVersion, message: &mut Value) {
    if version.has_handshake() {
        return;
    }
    let params = message
        .as_object_mut()
        .unwrap()
        .entry("params")
        .or_insert_with(|| json!({}));
    let meta = params
        .as_object_mut()
        .unwrap()
        .entry("_meta")
        .or_insert_with(|| json!({}));
    meta[Meta::PROTOCOL_VERSION] = json!(version.as_str());
    meta[Meta::CLIENT_CAPABILITIES] = json!({});
}

fn shaped<T: Shape + Serialize>(mut value: T, version: ProtocolVersion) -> T {
    value.shape(version);
    value
}

/// A request of `R` and its result, for every version that has `R`.
fn request<R: Request>(request_def: &str, result_def: &str)
where
    R::Params: Arbitrary + Debug,
    R::Result: Arbitrary + Debug,
{
    request_where::<R>(request_def, result_def, |_, _, _| true);
}

/// [`request`] for the params and results a peer of each version can be sent at all:
/// `sendable` says which (e.g. [`ElicitParams::is_supported_in`]); the others are refused
/// before sending, so shaping need not make them valid.
fn request_where<R: Request>(
    request_def: &str,
    result_def: &str,
    sendable: fn(ProtocolVersion, &R::Params, &R::Result) -> bool,
) where
    R::Params: Arbitrary + Debug,
    R::Result: Arbitrary + Debug,
{
    let versions: Vec<_> = ProtocolVersion::ALL
        .into_iter()
        .filter(|v| R::exists_in(*v))
        .collect();
    request_checked::<R>(&versions, request_def, result_def, sendable);
}

/// A request of `R` and its result for `versions` only: for a method whose name covers two
/// designs, one of which the schema does not define (the 2026-07-28 tasks extension is
/// validated against the generic `JSONRPCRequest` and `Result`).
fn request_in<R: Request>(versions: &[ProtocolVersion], request_def: &str, result_def: &str)
where
    R::Params: Arbitrary + Debug,
    R::Result: Arbitrary + Debug,
{
    for version in versions {
        assert!(R::exists_in(*version), "{} is not in {version}", R::METHOD);
    }
    request_checked::<R>(versions, request_def, result_def, |_, _, _| true);
}

fn request_checked<R: Request>(
    versions: &[ProtocolVersion],
    request_def: &str,
    result_def: &str,
    sendable: fn(ProtocolVersion, &R::Params, &R::Result) -> bool,
) where
    R::Params: Arbitrary + Debug,
    R::Result: Arbitrary + Debug,
{
    for &version in versions {
        let req = spec::validator(version, request_def);
        let res = spec::validator(version, result_def);
        let any_msg = spec::validator(version, "JSONRPCMessage");
        let strategy = (any::<R::Params>(), any::<R::Result>())
            .prop_filter("not sendable in this version", move |(p, r)| {
                sendable(version, p, r)
            });
        runner()
            .run(&strategy, |(params, result)| {
                let message =
                    RequestMessage::new::<R>(RequestId::Number(1), &shaped(params, version))
                        .unwrap();
                let mut message: Value =
                    serde_json::from_slice(&Message::from(message).to_vec()).unwrap();
                stamp_request(version, &mut message);
                check(&req, request_def, version, &message)?;
                check(&any_msg, "JSONRPCMessage", version, &message)?;

                let result = serde_json::to_value(shaped(result, version)).unwrap();
                check(&res, result_def, version, &result)?;
                let response = ResponseMessage::result(RequestId::Number(1), &result).unwrap();
                let response: Value =
                    serde_json::from_slice(&Message::from(response).to_vec()).unwrap();
                check(&any_msg, "JSONRPCMessage", version, &response)
            })
            .unwrap_or_else(|e| panic!("{} ({version}): {e}", R::METHOD));
    }
}

/// A notification of `N` for every version that has it.
fn notification<N: Notification>(def: &str)
where
    N::Params: Arbitrary + Debug,
{
    let versions: Vec<_> = ProtocolVersion::ALL
        .into_iter()
        .filter(|v| N::exists_in(*v))
        .collect();
    notification_in::<N>(&versions, def);
}

/// A notification of `N` for `versions` only (see [`request_in`]).
fn notification_in<N: Notification>(versions: &[ProtocolVersion], def: &str)
where
    N::Params: Arbitrary + Debug,
{
    for &version in versions {
        assert!(N::exists_in(version), "{} is not in {version}", N::METHOD);
        let validator = spec::validator(version, def);
        runner()
            .run(&any::<N::Params>(), |params| {
                let message = NotificationMessage::new::<N>(&shaped(params, version)).unwrap();
                let message: Value =
                    serde_json::from_slice(&Message::from(message).to_vec()).unwrap();
                check(&validator, def, version, &message)
            })
            .unwrap_or_else(|e| panic!("{} ({version}): {e}", N::METHOD));
    }
}

/// A shared type on its own, for every version whose schema defines it.
fn value<T: Arbitrary + Shape + Serialize + Debug>(def: &str) {
    value_with(def, any::<T>(), |_, _| true);
}

/// Values of `strategy` that a peer of each version can be sent (`sendable`), for every
/// version whose schema defines `def`. For types that encode as `def` only inside a wrapper
/// (a content block with its `type` tag) or that need what a sender adds (`_meta` keys).
fn value_with<T: Shape + Serialize + Debug>(
    def: &str,
    strategy: impl Strategy<Value = T>,
    sendable: fn(ProtocolVersion, &T) -> bool,
) {
    for version in ProtocolVersion::ALL
        .into_iter()
        .filter(|v| spec::defines(*v, def))
    {
        let validator = spec::validator(version, def);
        let strategy = (&strategy).prop_filter("not sendable in this version", move |v| {
            sendable(version, v)
        });
        runner()
            .run(&strategy, |v| {
                check(
                    &validator,
                    def,
                    version,
                    &serde_json::to_value(shaped(v, version)).unwrap(),
                )
            })
            .unwrap_or_else(|e| panic!("{def} ({version}): {e}"));
    }
}

/// A form field of type `T`, encoded and shaped as the `PrimitiveSchemaDefinition` it is.
fn field<T: Arbitrary + Debug + Into<PrimitiveSchemaDefinition> + 'static>(def: &str) {
    value_with(def, any::<T>().prop_map(Into::into), field_sendable);
}

fn elicit_sendable(version: ProtocolVersion, params: &ElicitParams, result: &ElicitResult) -> bool {
    params.is_supported_in(version) && result.is_supported_in(version)
}

/// Multi-select fields have no form before 2025-11-25 (a form with one is refused, see
/// [`ElicitParams::is_supported_in`]).
fn field_sendable(version: ProtocolVersion, field: &PrimitiveSchemaDefinition) -> bool {
    version >= ProtocolVersion::V2025_11_25
        || !matches!(
            field,
            PrimitiveSchemaDefinition::UntitledMultiSelect(_)
                | PrimitiveSchemaDefinition::TitledMultiSelect(_)
        )
}

#[test]
fn requests_and_results_validate_for_every_version() {
    spec_dir_or_skip!();
    request::<Ping>("PingRequest", "EmptyResult");
    request::<ListTools>("ListToolsRequest", "ListToolsResult");
    request::<CallTool>("CallToolRequest", "CallToolResult");
    // lifecycle, discovery, resources, prompts, completion, logging, subscriptions
    request::<Initialize>("InitializeRequest", "InitializeResult");
    request::<Discover>("DiscoverRequest", "DiscoverResult");
    request::<ListResources>("ListResourcesRequest", "ListResourcesResult");
    request::<ListResourceTemplates>(
        "ListResourceTemplatesRequest",
        "ListResourceTemplatesResult",
    );
    request::<ReadResource>("ReadResourceRequest", "ReadResourceResult");
    request::<Subscribe>("SubscribeRequest", "EmptyResult");
    request::<Unsubscribe>("UnsubscribeRequest", "EmptyResult");
    request::<ListPrompts>("ListPromptsRequest", "ListPromptsResult");
    request::<GetPrompt>("GetPromptRequest", "GetPromptResult");
    request::<Complete>("CompleteRequest", "CompleteResult");
    request::<SetLevel>("SetLevelRequest", "EmptyResult");
    request::<SubscriptionsListen>("SubscriptionsListenRequest", "SubscriptionsListenResult");
    // sampling, elicitation, roots, tasks
    request::<CreateMessage>("CreateMessageRequest", "CreateMessageResult");
    request_where::<Elicit>("ElicitRequest", "ElicitResult", elicit_sendable);
    request::<ListRoots>("ListRootsRequest", "ListRootsResult");
    let v2025_11_25 = [ProtocolVersion::V2025_11_25];
    request_in::<GetTask>(&v2025_11_25, "GetTaskRequest", "GetTaskResult");
    request_in::<CancelTask>(&v2025_11_25, "CancelTaskRequest", "CancelTaskResult");
    request::<GetTaskPayload>("GetTaskPayloadRequest", "GetTaskPayloadResult");
    request::<ListTasks>("ListTasksRequest", "ListTasksResult");
    // The 2026-07-28 tasks extension has no schema definitions: its messages must still be
    // valid JSON-RPC requests and 2026-07-28 results (`resultType`, `_meta`).
    let v2026_07_28 = [ProtocolVersion::V2026_07_28];
    request_in::<GetTask>(&v2026_07_28, "JSONRPCRequest", "Result");
    request_in::<CancelTask>(&v2026_07_28, "JSONRPCRequest", "Result");
    request_in::<UpdateTask>(&v2026_07_28, "JSONRPCRequest", "Result");
}

#[test]
fn notifications_validate_for_every_version() {
    spec_dir_or_skip!();
    notification::<Cancelled>("CancelledNotification");
    notification::<Progress>("ProgressNotification");
    notification::<ToolListChanged>("ToolListChangedNotification");
    // lifecycle, discovery, resources, prompts, completion, logging, subscriptions
    notification::<Initialized>("InitializedNotification");
    notification::<ResourceUpdated>("ResourceUpdatedNotification");
    notification::<ResourceListChanged>("ResourceListChangedNotification");
    notification::<PromptListChanged>("PromptListChangedNotification");
    notification::<LoggingMessage>("LoggingMessageNotification");
    notification::<SubscriptionsAcknowledged>("SubscriptionsAcknowledgedNotification");
    // sampling, elicitation, roots, tasks
    notification::<RootsListChanged>("RootsListChangedNotification");
    notification::<ElicitationComplete>("ElicitationCompleteNotification");
    notification_in::<TaskStatus>(&[ProtocolVersion::V2025_11_25], "TaskStatusNotification");
    // The tasks extension's form (see `requests_and_results_validate_for_every_version`).
    notification_in::<TaskStatus>(&[ProtocolVersion::V2026_07_28], "JSONRPCNotification");
}

#[test]
fn shared_types_validate_for_every_version() {
    spec_dir_or_skip!();
    value::<Implementation>("Implementation");
    value::<ContentBlock>("ContentBlock");
    value::<Tool>("Tool");
    value::<ClientCapabilities>("ClientCapabilities");
    value::<ServerCapabilities>("ServerCapabilities");
    // lifecycle, discovery, resources, prompts, completion, logging, subscriptions
    value::<Resource>("Resource");
    value::<ResourceTemplate>("ResourceTemplate");
    value::<Prompt>("Prompt");
    value::<PromptArgument>("PromptArgument");
    value::<PromptMessage>("PromptMessage");
    value::<SubscriptionFilter>("SubscriptionFilter");
    // sampling
    value::<SamplingMessage>("SamplingMessage");
    value::<SamplingMessageContentBlock>("SamplingMessageContentBlock");
    value::<ModelPreferences>("ModelPreferences");
    value::<ToolChoice>("ToolChoice");
    value_with(
        "ToolUseContent",
        any::<ToolUseContent>().prop_map(SamplingMessageContentBlock::ToolUse),
        |_, _| true,
    );
    value_with(
        "ToolResultContent",
        any::<ToolResultContent>().prop_map(SamplingMessageContentBlock::ToolResult),
        |_, _| true,
    );
    // elicitation: the field schemas carry no `Shape` of their own; they are shaped as the
    // `PrimitiveSchemaDefinition` they encode as.
    value_with(
        "PrimitiveSchemaDefinition",
        any::<PrimitiveSchemaDefinition>(),
        field_sendable,
    );
    field::<StringSchema>("StringSchema");
    field::<NumberSchema>("NumberSchema");
    field::<BooleanSchema>("BooleanSchema");
    field::<UntitledSingleSelectEnumSchema>("UntitledSingleSelectEnumSchema");
    field::<TitledSingleSelectEnumSchema>("TitledSingleSelectEnumSchema");
    field::<UntitledMultiSelectEnumSchema>("UntitledMultiSelectEnumSchema");
    field::<TitledMultiSelectEnumSchema>("TitledMultiSelectEnumSchema");
    field::<LegacyTitledEnumSchema>("LegacyTitledEnumSchema");
    // 2025-06-18's `EnumSchema` is the legacy titled one; later it is any enum schema.
    field::<LegacyTitledEnumSchema>("EnumSchema");
    value_with(
        "SingleSelectEnumSchema",
        prop_oneof![
            any::<UntitledSingleSelectEnumSchema>().prop_map(Into::into),
            any::<TitledSingleSelectEnumSchema>().prop_map(Into::into),
        ],
        |_, _: &PrimitiveSchemaDefinition| true,
    );
    value_with(
        "MultiSelectEnumSchema",
        prop_oneof![
            any::<UntitledMultiSelectEnumSchema>().prop_map(Into::into),
            any::<TitledMultiSelectEnumSchema>().prop_map(Into::into),
        ],
        |_, _: &PrimitiveSchemaDefinition| true,
    );
    value_with("ElicitResult", any::<ElicitResult>(), |v, r| {
        r.is_supported_in(v)
    });
    // MRTR (2026-07-28): the params and results of the input requests, the maps and the
    // result asking for input.
    value::<CreateMessageParams>("CreateMessageRequestParams");
    value::<CreateMessageResult>("CreateMessageResult");
    value_with("ElicitRequestParams", any::<ElicitParams>(), |v, p| {
        p.is_supported_in(v)
    });
    value::<ElicitFormParams>("ElicitRequestFormParams");
    value_with(
        "ElicitRequestURLParams",
        any::<ElicitUrlParams>(),
        |v, p| ElicitParams::Url(p.clone()).is_supported_in(v),
    );
    value::<ListRootsResult>("ListRootsResult");
    value::<Root>("Root");
    value::<InputRequest>("InputRequest");
    value::<InputRequests>("InputRequests");
    value::<InputResponses>("InputResponses");
    value::<InputRequiredResult>("InputRequiredResult");
    value_with(
        "InputResponseRequestParams",
        any::<InputResponseRequestParams>().prop_map(|mut p| {
            stamp_meta(p.meta.get_or_insert_with(Meta::new));
            p
        }),
        |_, _| true,
    );
    // tasks: 2025-11-25 defines them; the extension's inline task is a 2026-07-28 `Result`.
    value::<Task>("Task");
    value::<CreateTaskResult>("CreateTaskResult");
    value::<CreateTaskResult>("Result");
    value::<TaskStatusParams>("TaskStatusNotificationParams");
    // `PromptReference` and `ResourceTemplateReference` carry their `type` tag only inside
    // `CompletionReference`; `CompleteRequest` checks them in place. Params are checked
    // inside their request or notification.
}

#[test]
fn error_responses_we_build_validate() {
    spec_dir_or_skip!();
    let bad_inputs: [&[u8]; 3] = [
        b"{not json",
        br#"{"jsonrpc":"1.0","id":3,"method":"x"}"#,
        br#"[1]"#,
    ];
    for version in [ProtocolVersion::V2025_11_25, ProtocolVersion::V2026_07_28] {
        let validator = spec::validator(version, "JSONRPCMessage");
        for bytes in bad_inputs {
            let err: DecodeError = Message::from_slice(bytes).unwrap_err();
            let resp = ResponseMessage::error(err.request_id().cloned(), err.to_error_object());
            let value: Value = serde_json::from_slice(&Message::from(resp).to_vec()).unwrap();
            check(&validator, "JSONRPCMessage", version, &value).unwrap();
        }
    }
    let err = SupportedVersions::default()
        .check_request("1999-01-01")
        .unwrap_err();
    let resp = ResponseMessage::error(Some(RequestId::Number(1)), err);
    let value: Value = serde_json::from_slice(&Message::from(resp).to_vec()).unwrap();
    let validator = spec::validator(
        ProtocolVersion::V2026_07_28,
        "UnsupportedProtocolVersionError",
    );
    check(
        &validator,
        "UnsupportedProtocolVersionError",
        ProtocolVersion::V2026_07_28,
        &value,
    )
    .unwrap();
    let not_found = ErrorObject::resource_not_found(ProtocolVersion::V2026_07_28, "file:///x");
    assert_eq!(not_found.code, mcp_protocol::ErrorCode::INVALID_PARAMS);
}

#[test]
fn url_elicitation_required_errors_validate() {
    spec_dir_or_skip!();
    let version = ProtocolVersion::V2025_11_25;
    let validator = spec::validator(version, "URLElicitationRequiredError");
    runner()
        .run(&any::<UrlElicitationRequiredData>(), |data| {
            let error = shaped(data, version).into_error("Authorization required");
            let response = ResponseMessage::error(Some(RequestId::Number(1)), error);
            let value: Value = serde_json::from_slice(&Message::from(response).to_vec()).unwrap();
            check(&validator, "URLElicitationRequiredError", version, &value)
        })
        .unwrap();
}

#[test]
fn the_schema_test_catches_a_tool_without_input_schema() {
    spec_dir_or_skip!();
    let tool = Tool::new("broken", serde_json::Map::new());
    let mut value = serde_json::to_value(&tool).unwrap();
    value.as_object_mut().unwrap().remove("inputSchema");
    let result = json!({ "tools": [value] });
    for version in ProtocolVersion::ALL {
        let errors = spec::errors(version, "ListToolsResult", &result);
        assert!(
            !errors.is_empty(),
            "{version}: a tool without inputSchema must be rejected"
        );
    }
    // And the same tool with its schema present passes, so the failure above is about the
    // missing field and nothing else.
    let ok = json!({ "tools": [serde_json::to_value(Tool::new("fine", serde_json::from_value(json!({"type": "object"})).unwrap())).unwrap()] });
    for version in ProtocolVersion::ALL {
        let ok = serde_json::to_value(shaped(
            serde_json::from_value::<ListToolsResult>(ok.clone()).unwrap(),
            version,
        ))
        .unwrap();
        assert!(
            spec::errors(version, "ListToolsResult", &ok).is_empty(),
            "{version}"
        );
    }
}
