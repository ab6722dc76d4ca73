//! Prompts (server/prompts): `prompts/list`, `prompts/get`,
//! `notifications/prompts/list_changed`.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::method::{ClientRequest, Notification, Request, ServerNotification};
use crate::shape::Shape;
use crate::types::{
    ContentBlock, Extra, Icon, InputResponses, Meta, NotificationParams, PaginatedParams,
    ResultType, Role, shape_result_type,
};
use crate::version::ProtocolVersion;

/// `prompts/list`: the prompts the server offers, a page at a time.
#[derive(Debug)]
pub enum ListPrompts {}

impl Request for ListPrompts {
    const METHOD: &'static str = "prompts/list";
    const SINCE: ProtocolVersion = ProtocolVersion::V2024_11_05;
    type Params = PaginatedParams;
    type Result = ListPromptsResult;
}
impl ClientRequest for ListPrompts {}

/// `prompts/get`: a prompt filled in with arguments.
#[derive(Debug)]
pub enum GetPrompt {}

impl Request for GetPrompt {
    const METHOD: &'static str = "prompts/get";
    const SINCE: ProtocolVersion = ProtocolVersion::V2024_11_05;
    type Params = GetPromptParams;
    type Result = GetPromptResult;
}
impl ClientRequest for GetPrompt {}

/// `notifications/prompts/list_changed`: the prompt list changed. In 2026-07-28 only sent on
/// a `subscriptions/listen` stream that asked for `promptsListChanged`.
#[derive(Debug)]
pub enum PromptListChanged {}

impl Notification for PromptListChanged {
    const METHOD: &'static str = "notifications/prompts/list_changed";
    const SINCE: ProtocolVersion = ProtocolVersion::V2024_11_05;
    type Params = NotificationParams;
}
impl ServerNotification for PromptListChanged {}

crate::wire_struct! {
    /// A prompt or prompt template the server offers (`Prompt`).
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct Prompt {
        /// Programmatic name, unique within the server.
        pub name: String,
        /// Display name (2025-06-18 on).
        pub title: Option<String> [optional],
        /// What the prompt does.
        pub description: Option<String> [optional],
        /// The arguments it takes.
        pub arguments: Option<Vec<PromptArgument>> [optional],
        /// Icons (2025-11-25 on).
        pub icons: Option<Vec<Icon>> [optional],
        /// Metadata (2025-06-18 on).
        pub meta: Option<Meta> = "_meta" [optional],
    }
}

impl Prompt {
    /// A prompt with a name and no arguments.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            title: None,
            description: None,
            arguments: None,
            icons: None,
            meta: None,
            extra: Extra::new(),
        }
    }

    /// Sets the description.
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Adds an argument.
    pub fn with_argument(mut self, argument: PromptArgument) -> Self {
        self.arguments.get_or_insert_with(Vec::new).push(argument);
        self
    }
}

impl Shape for Prompt {
    fn shape(&mut self, version: ProtocolVersion) {
        self.arguments.shape(version);
        if version < ProtocolVersion::V2025_06_18 {
            self.title = None;
            self.meta = None;
        }
        if version < ProtocolVersion::V2025_11_25 {
            self.icons = None;
        }
    }
}

crate::wire_struct! {
    /// An argument a prompt takes (`PromptArgument`).
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct PromptArgument {
        /// Programmatic name.
        pub name: String,
        /// Display name (2025-06-18 on).
        pub title: Option<String> [optional],
        /// What the argument is.
        pub description: Option<String> [optional],
        /// Whether it must be given (default false).
        pub required: Option<bool> [optional],
    }
}

impl PromptArgument {
    /// An optional argument.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            title: None,
            description: None,
            required: None,
            extra: Extra::new(),
        }
    }

    /// A required argument.
    pub fn required(name: impl Into<String>) -> Self {
        Self {
            required: Some(true),
            ..Self::new(name)
        }
    }

    /// Sets the description.
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }
}

impl Shape for PromptArgument {
    fn shape(&mut self, version: ProtocolVersion) {
        if version < ProtocolVersion::V2025_06_18 {
            self.title = None;
        }
    }
}

crate::list_result! {
    /// Result of `prompts/list` (`ListPromptsResult`).
    ListPromptsResult {
        /// The prompts on this page.
        prompts: Prompt
    }
}

crate::wire_struct! {
    /// Params of `prompts/get` (`GetPromptRequestParams`).
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct GetPromptParams {
        /// The prompt's name.
        pub name: String,
        /// Values of the prompt's arguments; always strings on the wire.
        pub arguments: Option<BTreeMap<String, String>> [optional],
        /// MRTR: the client's answers to the server's `inputRequests` (2026-07-28).
        pub input_responses: Option<InputResponses> = "inputResponses" [optional],
        /// MRTR: the opaque state the server returned with `input_required` (2026-07-28).
        pub request_state: Option<String> = "requestState" [optional],
        /// Request metadata.
        pub meta: Option<Meta> = "_meta" [optional],
    }
}

impl GetPromptParams {
    /// A get of `name` with no arguments.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            arguments: None,
            input_responses: None,
            request_state: None,
            meta: None,
            extra: Extra::new(),
        }
    }

    /// Sets one argument.
    pub fn with_argument(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.arguments
            .get_or_insert_with(BTreeMap::new)
            .insert(name.into(), value.into());
        self
    }
}

impl Shape for GetPromptParams {
    fn shape(&mut self, version: ProtocolVersion) {
        if version < ProtocolVersion::V2026_07_28 {
            self.input_responses = None;
            self.request_state = None;
        }
    }
}

crate::wire_struct! {
    /// Result of `prompts/get` (`GetPromptResult`). Not cacheable: it depends on the arguments.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct GetPromptResult {
        /// What the prompt does.
        pub description: Option<String> [optional],
        /// The messages of the prompt.
        pub messages: Vec<PromptMessage>,
        /// Result kind (2026-07-28).
        pub result_type: Option<ResultType> = "resultType" [optional],
        /// Result metadata.
        pub meta: Option<Meta> = "_meta" [optional],
    }
}

impl GetPromptResult {
    /// A result with these messages.
    pub fn new(messages: Vec<PromptMessage>) -> Self {
        Self {
            messages,
            ..Self::default()
        }
    }

    /// Sets the description.
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }
}

impl Shape for GetPromptResult {
    fn shape(&mut self, version: ProtocolVersion) {
        self.messages.shape(version);
        shape_result_type(&mut self.result_type, version);
    }
}

crate::wire_struct! {
    /// One message of a prompt (`PromptMessage`). Unlike a sampling message it holds a single
    /// content block, which may embed resources.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct PromptMessage {
        /// Who says it.
        pub role: Role,
        /// What is said.
        pub content: ContentBlock,
    }
}

impl PromptMessage {
    /// A message from `role` with `content`.
    pub fn new(role: Role, content: ContentBlock) -> Self {
        Self {
            role,
            content,
            extra: Extra::new(),
        }
    }

    /// A text message from the user.
    pub fn user_text(text: impl Into<String>) -> Self {
        Self::new(Role::User, ContentBlock::text(text))
    }

    /// A text message from the assistant.
    pub fn assistant_text(text: impl Into<String>) -> Self {
        Self::new(Role::Assistant, ContentBlock::text(text))
    }
}

impl Shape for PromptMessage {
    fn shape(&mut self, version: ProtocolVersion) {
        self.content.shape(version);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn list_json() -> Value {
        json!({
            "resultType": "complete",
            "prompts": [{
                "name": "code_review",
                "title": "Request Code Review",
                "description": "Review code",
                "arguments": [{"name": "code", "title": "Code", "description": "The code", "required": true}],
                "icons": [{"src": "https://e.x/r.svg", "mimeType": "image/svg+xml", "sizes": ["any"]}],
                "_meta": {"x": 1},
                "vendor": true
            }],
            "nextCursor": "next",
            "ttlMs": 600000,
            "cacheScope": "public"
        })
    }

    #[test]
    fn list_result_round_trips() {
        let r: ListPromptsResult = serde_json::from_value(list_json()).unwrap();
        assert_eq!(r.prompts[0].extra["vendor"], true);
        assert_eq!(serde_json::to_value(&r).unwrap(), list_json());
    }

    #[test]
    fn list_result_shaped_for_old_versions() {
        let r: ListPromptsResult = serde_json::from_value(list_json()).unwrap();
        let v = serde_json::to_value(r.shaped(ProtocolVersion::V2025_03_26)).unwrap();
        assert_eq!(
            v,
            json!({
                "prompts": [{
                    "name": "code_review",
                    "description": "Review code",
                    "arguments": [{"name": "code", "description": "The code", "required": true}],
                    "vendor": true
                }],
                "nextCursor": "next"
            })
        );
        let r = ListPromptsResult::new(vec![]).shaped(ProtocolVersion::V2026_07_28);
        assert_eq!(
            serde_json::to_value(&r).unwrap(),
            json!({"prompts": [], "ttlMs": 0, "cacheScope": "private", "resultType": "complete"})
        );
    }

    #[test]
    fn get_params_round_trip_and_drop_mrtr_fields() {
        let v = json!({
            "name": "code_review",
            "arguments": {"code": "def f(): pass"},
            "requestState": "abc",
            "_meta": {"io.modelcontextprotocol/protocolVersion": "2026-07-28"}
        });
        let p: GetPromptParams = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(serde_json::to_value(&p).unwrap(), v);
        let p = p.shaped(ProtocolVersion::V2025_06_18);
        assert!(p.request_state.is_none());
        assert_eq!(
            GetPromptParams::new("p").with_argument("a", "b"),
            serde_json::from_value(json!({"name": "p", "arguments": {"a": "b"}})).unwrap()
        );
    }

    #[test]
    fn get_result_round_trips_and_degrades_unknown_content() {
        let v = json!({
            "resultType": "complete",
            "description": "Code review prompt",
            "messages": [
                {"role": "user", "content": {"type": "text", "text": "Review this"}},
                {"role": "assistant", "content": {"type": "audio", "data": "AA==", "mimeType": "audio/wav"}}
            ]
        });
        let r: GetPromptResult = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(serde_json::to_value(&r).unwrap(), v);
        let old = r.shaped(ProtocolVersion::V2024_11_05);
        assert!(old.result_type.is_none());
        // 2024-11-05 has no audio content: the block becomes text saying what it was.
        assert_eq!(old.messages[1].content.kind(), "text");
    }

    #[test]
    fn get_result_needs_messages() {
        assert!(serde_json::from_value::<GetPromptResult>(json!({"description": "d"})).is_err());
        let r = GetPromptResult::new(vec![PromptMessage::user_text("hi")])
            .with_description("d")
            .shaped(ProtocolVersion::V2026_07_28);
        assert_eq!(
            serde_json::to_value(&r).unwrap(),
            json!({
                "description": "d",
                "messages": [{"role": "user", "content": {"type": "text", "text": "hi"}}],
                "resultType": "complete"
            })
        );
    }
}
