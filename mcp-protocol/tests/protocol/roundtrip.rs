//! Round-trip laws over generated values: `decode(encode(x)) == x` for every wire type and for
//! every method's messages, and a decoder that is total over arbitrary bytes.

use std::fmt::Debug;

use mcp_protocol::jsonrpc::{NotificationMessage, RequestMessage, ResponseMessage};
use mcp_protocol::methods::*;
// The notification marker, not the status enum of `types`.
use mcp_protocol::methods::TaskStatus;
use mcp_protocol::types::*;
use mcp_protocol::{ErrorCode, Message, Notification, Request, RequestId};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde::Serialize;
use serde::de::DeserializeOwned;

fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: 48,
        failure_persistence: None,
        ..Config::default()
    })
}

/// `decode(encode(x)) == x`, through JSON text.
fn value_law<T>()
where
    T: Arbitrary + Serialize + DeserializeOwned + PartialEq + Debug,
{
    runner()
        .run(&any::<T>(), |x| {
            let text = serde_json::to_string(&x).expect("our types encode");
            let back: T = serde_json::from_str(&text)
                .map_err(|e| TestCaseError::fail(format!("{e} decoding {text}")))?;
            prop_assert_eq!(back, x);
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{}: {e}", std::any::type_name::<T>()));
}

/// A request and its response survive the whole envelope path: typed params → message bytes
/// → phase one → phase two, and the same for the result.
fn request_law<R: Request>()
where
    R::Params: Arbitrary,
    R::Result: Arbitrary,
{
    runner()
        .run(
            &(any::<RequestId>(), any::<R::Params>(), any::<R::Result>()),
            |(id, params, result)| {
                let bytes =
                    Message::from(RequestMessage::new::<R>(id.clone(), &params).unwrap()).to_vec();
                let Ok(Message::Request(req)) = Message::from_slice(&bytes) else {
                    return Err(TestCaseError::fail("a request decodes as a request"));
                };
                prop_assert_eq!(&req.method, R::METHOD);
                prop_assert_eq!(&req.id, &id);
                prop_assert_eq!(req.decode_params::<R>().unwrap(), params);

                let bytes = Message::from(ResponseMessage::result(id, &result).unwrap()).to_vec();
                let Ok(Message::Response(resp)) = Message::from_slice(&bytes) else {
                    return Err(TestCaseError::fail("a response decodes as a response"));
                };
                prop_assert_eq!(resp.decode_result::<R>().unwrap().unwrap(), result);
                Ok(())
            },
        )
        .unwrap_or_else(|e| panic!("{}: {e}", R::METHOD));
}

fn notification_law<N: Notification>()
where
    N::Params: Arbitrary,
{
    runner()
        .run(&any::<N::Params>(), |params| {
            let bytes = Message::from(NotificationMessage::new::<N>(&params).unwrap()).to_vec();
            let Ok(Message::Notification(n)) = Message::from_slice(&bytes) else {
                return Err(TestCaseError::fail(
                    "a notification decodes as a notification",
                ));
            };
            prop_assert_eq!(&n.method, N::METHOD);
            prop_assert_eq!(n.decode_params::<N>().unwrap(), params);
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{}: {e}", N::METHOD));
}

#[test]
fn every_shared_type_round_trips() {
    value_law::<Meta>();
    value_law::<Implementation>();
    value_law::<Icon>();
    value_law::<Annotations>();
    value_law::<ContentBlock>();
    value_law::<ResourceContents>();
    value_law::<ClientCapabilities>();
    value_law::<ServerCapabilities>();
    value_law::<Tool>();
    // lifecycle, discovery, resources, prompts, completion, logging, subscriptions
    value_law::<Resource>();
    value_law::<ResourceTemplate>();
    value_law::<Prompt>();
    value_law::<PromptArgument>();
    value_law::<PromptMessage>();
    value_law::<CompletionReference>();
    value_law::<Completion>();
    value_law::<SubscriptionFilter>();
    // sampling
    value_law::<SamplingMessage>();
    value_law::<SamplingContent>();
    value_law::<SamplingMessageContentBlock>();
    value_law::<ToolUseContent>();
    value_law::<ToolResultContent>();
    value_law::<ToolChoice>();
    value_law::<ModelPreferences>();
    value_law::<ModelHint>();
    value_law::<StopReason>();
    value_law::<IncludeContext>();
    value_law::<CreateMessageParams>();
    value_law::<CreateMessageResult>();
    // elicitation
    value_law::<ElicitParams>();
    value_law::<ElicitFormParams>();
    value_law::<ElicitUrlParams>();
    value_law::<ElicitResult>();
    value_law::<ElicitationCompleteParams>();
    value_law::<UrlElicitationRequiredData>();
    value_law::<RequestedSchema>();
    value_law::<PrimitiveSchemaDefinition>();
    value_law::<StringSchema>();
    value_law::<NumberSchema>();
    value_law::<BooleanSchema>();
    value_law::<UntitledSingleSelectEnumSchema>();
    value_law::<TitledSingleSelectEnumSchema>();
    value_law::<UntitledMultiSelectEnumSchema>();
    value_law::<TitledMultiSelectEnumSchema>();
    value_law::<LegacyTitledEnumSchema>();
    value_law::<TitledEnumOption>();
    value_law::<UntitledEnumItems>();
    value_law::<TitledEnumItems>();
    // roots
    value_law::<Root>();
    value_law::<ListRootsResult>();
    // tasks
    value_law::<Task>();
    value_law::<TaskMetadata>();
    value_law::<RelatedTaskMetadata>();
    value_law::<CreateTaskResult>();
    value_law::<TaskIdParams>();
    value_law::<DetailedTask>();
    value_law::<GetTaskResult>();
    value_law::<TaskStatusParams>();
    value_law::<CancelTaskResult>();
    value_law::<GetTaskPayloadResult>();
    value_law::<ListTasksResult>();
    value_law::<UpdateTaskParams>();
    // MRTR
    value_law::<InputRequest>();
    value_law::<InputRequests>();
    value_law::<InputResponses>();
    value_law::<InputRequiredResult>();
    value_law::<InputResponseRequestParams>();
    value_law::<ResultOrFollowUp<CallToolResult>>();
    value_law::<ResultOrFollowUp<GetPromptResult>>();
}

#[test]
fn every_request_round_trips() {
    request_law::<Ping>();
    request_law::<ListTools>();
    request_law::<CallTool>();
    // lifecycle, discovery, resources, prompts, completion, logging, subscriptions
    request_law::<Initialize>();
    request_law::<Discover>();
    request_law::<ListResources>();
    request_law::<ListResourceTemplates>();
    request_law::<ReadResource>();
    request_law::<Subscribe>();
    request_law::<Unsubscribe>();
    request_law::<ListPrompts>();
    request_law::<GetPrompt>();
    request_law::<Complete>();
    request_law::<SetLevel>();
    request_law::<SubscriptionsListen>();
    // sampling, elicitation, roots, tasks
    request_law::<CreateMessage>();
    request_law::<Elicit>();
    request_law::<ListRoots>();
    request_law::<GetTask>();
    request_law::<GetTaskPayload>();
    request_law::<ListTasks>();
    request_law::<CancelTask>();
    request_law::<UpdateTask>();
}

#[test]
fn every_notification_round_trips() {
    notification_law::<Cancelled>();
    notification_law::<Progress>();
    notification_law::<ToolListChanged>();
    // lifecycle, discovery, resources, prompts, completion, logging, subscriptions
    notification_law::<Initialized>();
    notification_law::<ResourceUpdated>();
    notification_law::<ResourceListChanged>();
    notification_law::<PromptListChanged>();
    notification_law::<LoggingMessage>();
    notification_law::<SubscriptionsAcknowledged>();
    // sampling, elicitation, roots, tasks
    notification_law::<RootsListChanged>();
    notification_law::<ElicitationComplete>();
    notification_law::<TaskStatus>();
}

/// A valid message to mutate.
fn valid_message() -> impl Strategy<Value = Vec<u8>> {
    (any::<RequestId>(), any::<CallToolParams>()).prop_map(|(id, p)| {
        Message::from(RequestMessage::new::<CallTool>(id, &p).unwrap()).to_vec()
    })
}

fn assert_total(bytes: &[u8]) -> Result<(), TestCaseError> {
    if let Err(e) = Message::from_slice(bytes) {
        let code = e.code();
        prop_assert!(
            code == ErrorCode::PARSE_ERROR || code == ErrorCode::INVALID_REQUEST,
            "undecodable bytes must map to -32700 or -32600, got {code} ({e})"
        );
        // The error object to send back always encodes.
        let _ = Message::from(ResponseMessage::error(
            e.request_id().cloned(),
            e.to_error_object(),
        ))
        .to_vec();
    }
    Ok(())
}

proptest! {
    #![proptest_config(Config { cases: 512, failure_persistence: None, ..Config::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        assert_total(&bytes)?;
    }

    #[test]
    fn mutated_messages_never_panic(
        msg in valid_message(),
        cut in any::<prop::sample::Index>(),
        flip in any::<prop::sample::Index>(),
        byte in any::<u8>(),
    ) {
        let mut truncated = msg.clone();
        truncated.truncate(cut.index(msg.len() + 1));
        assert_total(&truncated)?;
        let mut flipped = msg.clone();
        let i = flip.index(msg.len());
        flipped[i] = byte;
        assert_total(&flipped)?;
    }

    #[test]
    fn wrong_params_give_invalid_params_naming_the_method(value in mcp_protocol::arbitrary::json_value()) {
        let text = serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": value}}).to_string();
        let Ok(Message::Request(req)) = Message::from_slice(text.as_bytes()) else {
            return Err(TestCaseError::fail("the envelope is valid"));
        };
        match req.decode_params::<CallTool>() {
            Ok(p) => prop_assert!(value.is_string() && p.name == value.as_str().unwrap()),
            Err(e) => {
                prop_assert_eq!(e.code(), ErrorCode::INVALID_PARAMS);
                let msg = e.to_string();
                prop_assert!(msg.contains("tools/call") && msg.contains("name"), "{}", msg);
            }
        }
    }
}
