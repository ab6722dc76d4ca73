//! Forward compatibility: messages from "a future revision" that carry values this crate does
//! not know (a content type, a role, an elicitation action, a task status, a logging level, a
//! cache scope, a sampling block, a completion reference, a tool-choice mode) decode, keep
//! the unknown value as an `Unknown` variant, and encode back to the same JSON
//! (decode → encode == input, compared as `serde_json::Value`s).

use mcp_protocol::methods::*;
use mcp_protocol::types::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// Decodes `input` as `T`, checks it with `check`, and asserts that encoding gives `input`.
fn round_trip<T: Serialize + DeserializeOwned>(input: Value, check: impl FnOnce(&T)) {
    let decoded: T = serde_json::from_value(input.clone()).unwrap_or_else(|e| {
        panic!(
            "{} fails to decode {input}: {e}",
            std::any::type_name::<T>()
        )
    });
    check(&decoded);
    let encoded = serde_json::to_value(&decoded).unwrap();
    assert_eq!(
        encoded,
        input,
        "{} changed on re-encoding",
        std::any::type_name::<T>()
    );
}

#[test]
fn call_tool_result_with_an_unknown_content_type_and_role() {
    let input = json!({
        "content": [
            {"type": "text", "text": "known", "annotations": {"audience": ["user", "narrator"]}},
            {"type": "hologram", "data": "AAEC", "frames": [1, 2, 3], "_meta": {"x": 1}},
            {"type": "text", "text": "after"}
        ],
        "isError": false
    });
    round_trip::<CallToolResult>(input, |r| {
        assert_eq!(
            r.content.len(),
            3,
            "the unknown block must not hide the others"
        );
        let ContentBlock::Unknown(block) = &r.content[1] else {
            panic!("expected an unknown block, got {:?}", r.content[1]);
        };
        assert_eq!(block.kind(), "hologram");
        assert_eq!(r.content[1].kind(), "hologram");
        assert_eq!(block.raw()["frames"], json!([1, 2, 3]));
        let ContentBlock::Text(text) = &r.content[0] else {
            panic!("expected text");
        };
        let audience = text
            .annotations
            .as_ref()
            .unwrap()
            .audience
            .as_ref()
            .unwrap();
        assert_eq!(audience[0], Role::User);
        assert_eq!(audience[1], Role::Unknown("narrator".into()));
        assert_eq!(r.content[2].as_text(), Some("after"));
    });
}

#[test]
fn elicit_result_with_an_unknown_action() {
    round_trip::<ElicitResult>(json!({"action": "defer"}), |r| {
        assert_eq!(r.action, ElicitAction::Unknown("defer".into()));
        assert!(r.action.is_unknown());
    });
}

#[test]
fn task_with_an_unknown_status() {
    let input = json!({
        "taskId": "t1",
        "status": "paused",
        "createdAt": "2026-01-01T00:00:00Z",
        "lastUpdatedAt": "2026-01-01T00:00:01Z",
        "ttlMs": 60000
    });
    round_trip::<Task>(input, |t| {
        assert_eq!(
            t.status,
            mcp_protocol::types::TaskStatus::Unknown("paused".into())
        );
        assert!(!t.status.is_terminal(), "an unknown status is not final");
    });
}

#[test]
fn log_message_with_an_unknown_level() {
    round_trip::<LoggingMessageParams>(json!({"level": "trace", "data": "hi"}), |p| {
        assert_eq!(p.level, LoggingLevel::Unknown("trace".into()));
        assert!(
            p.level > LoggingLevel::Emergency,
            "unknown levels sort above known ones"
        );
    });
}

#[test]
fn list_result_with_an_unknown_cache_scope() {
    let input = json!({
        "tools": [],
        "ttlMs": 1000,
        "cacheScope": "tenant",
        "resultType": "complete"
    });
    round_trip::<ListToolsResult>(input, |r| {
        let scope = r.cache_scope.as_ref().unwrap();
        assert_eq!(*scope, CacheScope::Unknown("tenant".into()));
        assert!(!scope.is_public(), "an unknown scope is treated as private");
    });
}

#[test]
fn sampling_result_with_an_unknown_role_and_block() {
    let input = json!({
        "role": "critic",
        "content": [
            {"type": "text", "text": "ok"},
            {"type": "thought", "summary": "hmm"}
        ],
        "model": "m",
        "stopReason": "endTurn"
    });
    round_trip::<CreateMessageResult>(input, |r| {
        assert_eq!(r.role, Role::Unknown("critic".into()));
        let SamplingMessageContentBlock::Unknown(block) = &r.content.blocks()[1] else {
            panic!("expected an unknown sampling block");
        };
        assert_eq!(block.kind(), "thought");
    });
}

#[test]
fn sampling_params_with_an_unknown_tool_choice_and_context() {
    let input = json!({
        "messages": [{"role": "user", "content": {"type": "text", "text": "hi"}}],
        "maxTokens": 10,
        "includeContext": "workspace",
        "toolChoice": {"mode": "exactlyOne"}
    });
    round_trip::<CreateMessageParams>(input, |p| {
        assert_eq!(
            p.include_context,
            Some(IncludeContext::Unknown("workspace".into()))
        );
        let mode = p.tool_choice.as_ref().unwrap().mode.as_ref().unwrap();
        assert_eq!(*mode, ToolChoiceMode::Unknown("exactlyOne".into()));
    });
}

#[test]
fn completion_with_an_unknown_reference_type() {
    let input = json!({
        "ref": {"type": "ref/tool", "name": "search"},
        "argument": {"name": "q", "value": "ru"}
    });
    round_trip::<CompleteParams>(input, |p| {
        let CompletionReference::Unknown(r) = &p.reference else {
            panic!("expected an unknown reference");
        };
        assert_eq!(r.kind(), "ref/tool");
    });
}

#[test]
fn a_whole_response_message_from_a_future_revision() {
    let bytes = br#"{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"video","uri":"x:1"}],"resultType":"complete"}}"#;
    let mcp_protocol::Message::Response(response) =
        mcp_protocol::Message::from_slice(bytes).unwrap()
    else {
        panic!("a response");
    };
    let result = response.decode_result::<CallTool>().unwrap().unwrap();
    assert_eq!(result.content[0].kind(), "video");
    let again = serde_json::to_value(&result).unwrap();
    assert_eq!(
        again,
        json!({"content":[{"type":"video","uri":"x:1"}],"resultType":"complete"})
    );
}
