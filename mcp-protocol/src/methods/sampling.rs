//! Sampling (client/sampling): the server asks the client's LLM for a completion with
//! `sampling/createMessage`.
//!
//! A JSON-RPC request from server to client in 2024-11-05 … 2025-11-25; in 2026-07-28 the
//! same params and result travel as an MRTR input request / input response
//! ([`crate::types::InputRequest`]). 2025-11-25 added tool use (`tools`, `toolChoice`,
//! `tool_use` / `tool_result` blocks, several blocks per message).

use serde::{Deserialize, Serialize};

use crate::method::{Request, ServerRequest};
use crate::methods::Tool;
use crate::methods::{SamplingContent, SamplingMessage, SamplingMessageContentBlock};
use crate::shape::Shape;
use crate::types::{Extra, JsonObject, Meta, Role, TaskMetadata};
use crate::version::ProtocolVersion;

/// `sampling/createMessage`: generate a message with the client's LLM. The client keeps
/// control: it may show, edit or refuse the request and pick any model.
#[derive(Debug)]
pub enum CreateMessage {}

impl Request for CreateMessage {
    const METHOD: &'static str = "sampling/createMessage";
    const SINCE: ProtocolVersion = ProtocolVersion::V2024_11_05;
    // 2026-07-28: only an MRTR input request.
    const UNTIL: Option<ProtocolVersion> = Some(ProtocolVersion::V2025_11_25);
    type Params = CreateMessageParams;
    type Result = CreateMessageResult;
}
impl ServerRequest for CreateMessage {}

crate::open_enum! {
    /// Which servers' context the client should add to the prompt (`includeContext`).
    /// `thisServer` and `allServers` are soft-deprecated since 2025-11-25. An open set.
    pub enum IncludeContext {
        /// No context.
        None = "none",
        /// Context from the requesting server.
        ThisServer = "thisServer",
        /// Context from every connected server.
        AllServers = "allServers",
    }
}

crate::wire_struct! {
    /// Params of `sampling/createMessage` (`CreateMessageRequestParams`).
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct CreateMessageParams {
        /// The conversation so far.
        pub messages: Vec<SamplingMessage>,
        /// What the server prefers in a model; the client decides.
        pub model_preferences: Option<ModelPreferences> = "modelPreferences" [optional],
        /// A system prompt the client may use or ignore.
        pub system_prompt: Option<String> = "systemPrompt" [optional],
        /// Context to include.
        pub include_context: Option<IncludeContext> = "includeContext" [optional],
        /// Sampling temperature.
        pub temperature: Option<f64> [optional],
        /// Upper bound on the tokens to generate.
        pub max_tokens: u64 = "maxTokens",
        /// Sequences that stop generation.
        pub stop_sequences: Option<Vec<String>> = "stopSequences" [optional],
        /// Provider-specific metadata, passed through.
        pub metadata: Option<JsonObject> [optional],
        /// Tools the model may call (2025-11-25 on).
        pub tools: Option<Vec<Tool>> [optional],
        /// How the model may use the tools (2025-11-25 on).
        pub tool_choice: Option<ToolChoice> = "toolChoice" [optional],
        /// Run as a task (2025-11-25 only).
        pub task: Option<TaskMetadata> [optional],
        /// Request metadata (session era only: 2026-07-28 input requests have no `_meta`).
        pub meta: Option<Meta> = "_meta" [optional],
    }
}

impl CreateMessageParams {
    /// A request to continue `messages` with at most `max_tokens` tokens.
    pub fn new(messages: Vec<SamplingMessage>, max_tokens: u64) -> Self {
        Self {
            messages,
            model_preferences: None,
            system_prompt: None,
            include_context: None,
            temperature: None,
            max_tokens,
            stop_sequences: None,
            metadata: None,
            tools: None,
            tool_choice: None,
            task: None,
            meta: None,
            extra: Extra::new(),
        }
    }

    /// Sets the system prompt.
    pub fn with_system_prompt(mut self, prompt: impl Into<String>) -> Self {
        self.system_prompt = Some(prompt.into());
        self
    }

    /// Sets the model preferences.
    pub fn with_model_preferences(mut self, preferences: ModelPreferences) -> Self {
        self.model_preferences = Some(preferences);
        self
    }

    /// Offers tools to the model (2025-11-25 on).
    pub fn with_tools(mut self, tools: Vec<Tool>, choice: Option<ToolChoice>) -> Self {
        self.tools = Some(tools);
        self.tool_choice = choice;
        self
    }
}

impl Shape for CreateMessageParams {
    fn shape(&mut self, version: ProtocolVersion) {
        if version < ProtocolVersion::V2025_11_25 {
            self.tools = None;
            self.tool_choice = None;
            // Older versions allow one block per message: a message of several blocks
            // becomes several consecutive messages of the same role, which loses nothing.
            let messages = std::mem::take(&mut self.messages);
            for SamplingMessage {
                role,
                content,
                meta,
                extra,
            } in messages
            {
                match content {
                    SamplingContent::Multiple(blocks) if blocks.len() > 1 => {
                        for block in blocks {
                            self.messages.push(SamplingMessage {
                                role: role.clone(),
                                content: SamplingContent::Single(block),
                                meta: meta.clone(),
                                extra: extra.clone(),
                            });
                        }
                    }
                    other => self.messages.push(SamplingMessage {
                        role,
                        content: other.into_single(),
                        meta,
                        extra,
                    }),
                }
            }
        }
        self.messages.shape(version);
        self.tools.shape(version);
        if version != ProtocolVersion::V2025_11_25 {
            self.task = None;
        }
        if version >= ProtocolVersion::V2026_07_28 {
            self.meta = None;
        }
    }
}

crate::wire_struct! {
    /// How the model may use the offered tools (`ToolChoice`, 2025-11-25 on).
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct ToolChoice {
        /// `auto` (the default), `required` or `none`.
        pub mode: Option<ToolChoiceMode> [optional],
    }
}

impl ToolChoice {
    /// A choice with `mode`.
    pub fn new(mode: ToolChoiceMode) -> Self {
        Self {
            mode: Some(mode),
            extra: Extra::new(),
        }
    }
}

crate::open_enum! {
    /// Whether the model must, may or must not call tools (`mode`). An open set.
    pub enum ToolChoiceMode {
        /// The model decides.
        Auto = "auto",
        /// The model must call at least one tool.
        Required = "required",
        /// The model must not call tools.
        None = "none",
    }
}

crate::wire_struct! {
    /// What the server prefers in a model (`ModelPreferences`). Priorities go from 0 to 1.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct ModelPreferences {
        /// Model name hints, in order of preference.
        pub hints: Option<Vec<ModelHint>> [optional],
        /// How much cost matters.
        pub cost_priority: Option<f64> = "costPriority" [optional],
        /// How much speed matters.
        pub speed_priority: Option<f64> = "speedPriority" [optional],
        /// How much capability matters.
        pub intelligence_priority: Option<f64> = "intelligencePriority" [optional],
    }
}

crate::wire_struct! {
    /// A hint for model choice (`ModelHint`): a substring of a model name, e.g. `"claude"`.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct ModelHint {
        /// Part of a model name.
        pub name: Option<String> [optional],
    }
}

impl ModelHint {
    /// A hint naming `name`.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: Some(name.into()),
            extra: Extra::new(),
        }
    }
}

crate::shape_unchanged!(ModelPreferences, ModelHint, ToolChoice);

/// Why generation stopped (`stopReason`). An open set: a newtype with constants.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct StopReason(pub String);

impl StopReason {
    /// The model finished its turn.
    pub const END_TURN: &'static str = "endTurn";
    /// A stop sequence was generated.
    pub const STOP_SEQUENCE: &'static str = "stopSequence";
    /// `maxTokens` was reached.
    pub const MAX_TOKENS: &'static str = "maxTokens";
    /// The model wants to use a tool (2025-11-25 on).
    pub const TOOL_USE: &'static str = "toolUse";
}

crate::wire_struct! {
    /// Result of `sampling/createMessage` (`CreateMessageResult`). In 2026-07-28 it is an MRTR
    /// input response, not a JSON-RPC result, so it has no `resultType`.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct CreateMessageResult {
        /// Who produced the message (normally the assistant).
        pub role: Role,
        /// The generated content.
        pub content: SamplingContent,
        /// The model that produced it.
        pub model: String,
        /// Why generation stopped.
        pub stop_reason: Option<StopReason> = "stopReason" [optional],
        /// Result metadata.
        pub meta: Option<Meta> = "_meta" [optional],
    }
}

impl CreateMessageResult {
    /// An assistant message of one block from `model`.
    pub fn new(model: impl Into<String>, block: SamplingMessageContentBlock) -> Self {
        Self {
            role: Role::Assistant,
            content: SamplingContent::Single(block),
            model: model.into(),
            stop_reason: None,
            meta: None,
            extra: Extra::new(),
        }
    }

    /// Sets the stop reason.
    pub fn with_stop_reason(mut self, reason: impl Into<String>) -> Self {
        self.stop_reason = Some(StopReason(reason.into()));
        self
    }
}

impl Shape for CreateMessageResult {
    fn shape(&mut self, version: ProtocolVersion) {
        self.content.shape(version);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    use crate::methods::ToolResultContent;
    use serde_json::json;

    fn round_trip<T: Serialize + for<'de> Deserialize<'de>>(v: Value) -> T {
        let t: T = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(serde_json::to_value(&t).unwrap(), v);
        t
    }

    fn tool_params() -> Value {
        json!({
            "messages": [
                {"role": "user", "content": {"type": "text", "text": "Weather?"}},
                {"role": "assistant", "content": [
                    {"type": "tool_use", "id": "a", "name": "get_weather", "input": {"city": "Paris"}},
                    {"type": "tool_use", "id": "b", "name": "get_weather", "input": {"city": "London"}}
                ]},
                {"role": "user", "content": [
                    {"type": "tool_result", "toolUseId": "a", "content": [{"type": "text", "text": "18C"}]}
                ], "_meta": {"m": 1}}
            ],
            "tools": [{"name": "get_weather", "inputSchema": {"type": "object"}}],
            "toolChoice": {"mode": "auto"},
            "task": {"ttl": 1000},
            "maxTokens": 100,
            "_meta": {"progressToken": 1},
            "x-unknown": [1, 2]
        })
    }

    #[test]
    fn params_round_trip_and_keep_unknown_fields() {
        let p: CreateMessageParams = round_trip(tool_params());
        assert_eq!(p.extra["x-unknown"], json!([1, 2]));
        assert!(matches!(p.messages[1].content, SamplingContent::Multiple(ref b) if b.len() == 2));
        assert!(matches!(
            p.messages[2].content.blocks()[0],
            SamplingMessageContentBlock::ToolResult(_)
        ));
        assert_eq!(p.tool_choice.unwrap().mode, Some(ToolChoiceMode::Auto));
    }

    #[test]
    fn shape_keeps_tools_only_from_2025_11_25() {
        let p: CreateMessageParams = serde_json::from_value(tool_params()).unwrap();
        let v = serde_json::to_value(p.clone().shaped(ProtocolVersion::V2025_11_25)).unwrap();
        assert!(
            v.get("tools").is_some() && v.get("toolChoice").is_some() && v.get("task").is_some()
        );

        let v = serde_json::to_value(p.clone().shaped(ProtocolVersion::V2026_07_28)).unwrap();
        assert!(v.get("tools").is_some() && v.get("task").is_none() && v.get("_meta").is_none());

        let old = p.shaped(ProtocolVersion::V2025_06_18);
        let v = serde_json::to_value(&old).unwrap();
        assert!(
            v.get("tools").is_none() && v.get("toolChoice").is_none() && v.get("task").is_none()
        );
        // The two-block assistant message became two one-block messages; tool blocks are text.
        assert_eq!(old.messages.len(), 4);
        for m in &old.messages {
            assert!(matches!(
                m.content,
                SamplingContent::Single(SamplingMessageContentBlock::Text(_))
            ));
            assert!(m.meta.is_none());
        }
        assert!(
            old.messages[1].content.blocks()[0]
                .as_text()
                .unwrap()
                .contains("Paris")
        );
    }

    #[test]
    fn audio_becomes_text_before_2025_03_26() {
        let mut m: SamplingMessage = serde_json::from_value(
            json!({"role": "user", "content": {"type": "audio", "data": "AAA=", "mimeType": "audio/wav"}}),
        )
        .unwrap();
        assert!(matches!(
            m.clone().shaped(ProtocolVersion::V2025_03_26).content,
            SamplingContent::Single(SamplingMessageContentBlock::Audio(_))
        ));
        m.shape(ProtocolVersion::V2024_11_05);
        assert!(
            m.content.blocks()[0]
                .as_text()
                .unwrap()
                .contains("audio/wav")
        );
    }

    #[test]
    fn result_round_trips_and_collapses_for_old_versions() {
        let v = json!({"role": "assistant", "model": "m", "stopReason": "toolUse",
            "content": [{"type": "tool_use", "id": "a", "name": "t", "input": {}},
                        {"type": "text", "text": "hi"}], "_meta": {"k": true}});
        let r: CreateMessageResult = round_trip(v);
        assert_eq!(r.stop_reason.as_ref().unwrap().0, StopReason::TOOL_USE);
        let old = r.shaped(ProtocolVersion::V2025_06_18);
        let text = old.content.blocks()[0].as_text().unwrap().to_owned();
        assert!(text.contains("tool use a") && text.contains("hi"), "{text}");
        assert!(matches!(old.content, SamplingContent::Single(_)));
    }

    #[test]
    fn unknown_block_types_are_kept_and_bad_content_is_a_clear_error() {
        let v = json!({"role": "user", "content": {"type": "video", "data": ""}});
        let m: SamplingMessage = serde_json::from_value(v.clone()).unwrap();
        assert!(matches!(
            &m.content.blocks()[0],
            SamplingMessageContentBlock::Unknown(u) if u.kind() == "video"
        ));
        assert_eq!(serde_json::to_value(&m).unwrap(), v);
        let err = serde_json::from_value::<SamplingMessage>(json!({"role": "user", "content": 3}))
            .unwrap_err();
        assert!(err.to_string().contains("content block"), "{err}");
    }

    #[test]
    fn tool_result_structured_content_is_an_object_before_2026() {
        let mut r = ToolResultContent::new("a", vec![]);
        r.structured_content = Some(json!(42));
        let old = r.clone().shaped(ProtocolVersion::V2025_11_25);
        assert_eq!(old.structured_content, Some(json!({"result": 42})));
        assert_eq!(
            r.shaped(ProtocolVersion::V2026_07_28).structured_content,
            Some(json!(42))
        );
    }

    #[test]
    fn model_preferences_round_trip() {
        let p: ModelPreferences = round_trip(json!({"hints": [{"name": "claude"}, {"x": 1}],
            "costPriority": 0.3, "speedPriority": 0.8, "intelligencePriority": 0.5}));
        assert_eq!(p.hints.unwrap()[0], ModelHint::new("claude"));
    }
}
