//! The messages of a sampling conversation and their content blocks (client/sampling):
//! `SamplingMessage`, and the blocks a message may hold — text, image, audio, and from
//! 2025-11-25 tool use and tool results, several per message.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use crate::shape::Shape;
use crate::types::{
    AudioContent, ContentBlock, Extra, ImageContent, Meta, Role, TextContent, UnknownObject,
};
use crate::version::ProtocolVersion;

crate::wire_struct! {
    /// One message of a sampling conversation (`SamplingMessage`).
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct SamplingMessage {
        /// Who said it.
        pub role: Role,
        /// What was said.
        pub content: SamplingContent,
        /// Metadata (2025-11-25 on).
        pub meta: Option<Meta> = "_meta" [optional],
    }
}

impl SamplingMessage {
    /// A message with one block.
    pub fn new(role: Role, block: SamplingMessageContentBlock) -> Self {
        Self {
            role,
            content: SamplingContent::Single(block),
            meta: None,
            extra: Extra::new(),
        }
    }

    /// A user message with one text block.
    pub fn user_text(text: impl Into<String>) -> Self {
        Self::new(Role::User, SamplingMessageContentBlock::text(text))
    }

    /// An assistant message with one text block.
    pub fn assistant_text(text: impl Into<String>) -> Self {
        Self::new(Role::Assistant, SamplingMessageContentBlock::text(text))
    }
}

impl Shape for SamplingMessage {
    fn shape(&mut self, version: ProtocolVersion) {
        self.content.shape(version);
        if version < ProtocolVersion::V2025_11_25 {
            self.meta = None;
        }
    }
}

/// The content of a sampling message or result: one block, or (2025-11-25 on) an array of
/// blocks. Decided by the JSON kind: an object is one block, an array is several.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum SamplingContent {
    /// One block (every version).
    Single(SamplingMessageContentBlock),
    /// Several blocks (2025-11-25 on), e.g. parallel tool uses.
    Multiple(Vec<SamplingMessageContentBlock>),
}

impl Default for SamplingContent {
    fn default() -> Self {
        Self::Multiple(Vec::new())
    }
}

impl<'de> Deserialize<'de> for SamplingContent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        match Value::deserialize(d)? {
            Value::Array(items) => Vec::deserialize(Value::Array(items))
                .map(Self::Multiple)
                .map_err(D::Error::custom),
            v @ Value::Object(_) => SamplingMessageContentBlock::deserialize(v)
                .map(Self::Single)
                .map_err(D::Error::custom),
            _ => Err(D::Error::custom(
                "sampling content must be a content block or an array of them",
            )),
        }
    }
}

impl SamplingContent {
    /// The blocks, one or several.
    pub fn blocks(&self) -> &[SamplingMessageContentBlock] {
        match self {
            Self::Single(b) => std::slice::from_ref(b),
            Self::Multiple(bs) => bs,
        }
    }

    /// One block, for versions before 2025-11-25: a one-element array is unwrapped; several
    /// blocks are merged into one text block (each block rendered as text) so that nothing
    /// disappears silently.
    pub fn into_single(self) -> Self {
        match self {
            Self::Single(_) => self,
            Self::Multiple(mut blocks) if blocks.len() == 1 => Self::Single(blocks.remove(0)),
            Self::Multiple(blocks) => {
                let text = blocks
                    .iter()
                    .map(SamplingMessageContentBlock::describe)
                    .collect::<Vec<_>>()
                    .join("\n\n");
                Self::Single(SamplingMessageContentBlock::text(text))
            }
        }
    }
}

impl Shape for SamplingContent {
    fn shape(&mut self, version: ProtocolVersion) {
        if version < ProtocolVersion::V2025_11_25 {
            *self = std::mem::take(self).into_single();
        }
        match self {
            Self::Single(b) => b.shape(version),
            Self::Multiple(bs) => bs.shape(version),
        }
    }
}

/// One block of sampling content (`SamplingMessageContentBlock`), tagged by `type`. An open
/// set: a block of a type from a later revision is kept whole as
/// [`SamplingMessageContentBlock::Unknown`].
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type")]
#[non_exhaustive]
pub enum SamplingMessageContentBlock {
    /// `"text"`.
    #[serde(rename = "text")]
    Text(TextContent),
    /// `"image"`.
    #[serde(rename = "image")]
    Image(ImageContent),
    /// `"audio"` (2025-03-26 on).
    #[serde(rename = "audio")]
    Audio(AudioContent),
    /// `"tool_use"`: the model calls a tool (2025-11-25 on).
    #[serde(rename = "tool_use")]
    ToolUse(ToolUseContent),
    /// `"tool_result"`: the outcome of a tool use (2025-11-25 on).
    #[serde(rename = "tool_result")]
    ToolResult(ToolResultContent),
    /// A block of a type this crate does not know, kept as it was sent.
    #[serde(untagged)]
    Unknown(UnknownObject),
}

crate::deserialize_tagged!(SamplingMessageContentBlock {
    "text" => Text(TextContent),
    "image" => Image(ImageContent),
    "audio" => Audio(AudioContent),
    "tool_use" => ToolUse(ToolUseContent),
    "tool_result" => ToolResult(ToolResultContent),
});

impl SamplingMessageContentBlock {
    /// A text block.
    pub fn text(text: impl Into<String>) -> Self {
        Self::Text(TextContent::new(text))
    }

    /// The text of a text block.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Self::Text(t) => Some(&t.text),
            _ => None,
        }
    }

    /// A textual rendering, for versions that cannot carry the block itself.
    fn describe(&self) -> String {
        match self {
            Self::Text(t) => t.text.clone(),
            Self::Image(i) => format!("[image content ({})]", i.mime_type),
            Self::Audio(a) => format!("[audio content ({})]", a.mime_type),
            Self::ToolUse(u) => format!(
                "[tool use {}: {}({})]",
                u.id,
                u.name,
                Value::Object(u.input.clone())
            ),
            Self::ToolResult(r) => {
                let texts: Vec<&str> = r.content.iter().filter_map(ContentBlock::as_text).collect();
                format!("[tool result {}: {}]", r.tool_use_id, texts.join("\n"))
            }
            Self::Unknown(u) => format!("[{} content]", u.kind()),
        }
    }
}

impl Shape for SamplingMessageContentBlock {
    /// Blocks the version does not know (audio before 2025-03-26, tool blocks before
    /// 2025-11-25) become text blocks that say what they were, as [`ContentBlock`] does.
    fn shape(&mut self, version: ProtocolVersion) {
        let unknown = match self {
            Self::Audio(_) => version < ProtocolVersion::V2025_03_26,
            Self::ToolUse(_) | Self::ToolResult(_) => version < ProtocolVersion::V2025_11_25,
            _ => false,
        };
        if unknown {
            *self = Self::text(format!(
                "{} (cannot be represented in protocol {version})",
                self.describe()
            ));
        }
        match self {
            Self::Text(c) => shape_simple(&mut c.annotations, &mut c.meta, version),
            Self::Image(c) => shape_simple(&mut c.annotations, &mut c.meta, version),
            Self::Audio(c) => shape_simple(&mut c.annotations, &mut c.meta, version),
            Self::ToolUse(_) | Self::Unknown(_) => {}
            Self::ToolResult(r) => r.shape(version),
        }
    }
}

fn shape_simple(
    annotations: &mut Option<crate::types::Annotations>,
    meta: &mut Option<Meta>,
    version: ProtocolVersion,
) {
    annotations.shape(version);
    if version < ProtocolVersion::V2025_06_18 {
        *meta = None;
    }
}

crate::wire_struct! {
    /// The model asks to call a tool (`ToolUseContent`, 2025-11-25 on).
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct ToolUseContent {
        /// Id of this tool use, echoed by the matching `tool_result`.
        pub id: String,
        /// The tool's name.
        pub name: String,
        /// The arguments, matching the tool's input schema.
        pub input: Map<String, Value>,
        /// Metadata.
        pub meta: Option<Meta> = "_meta" [optional],
    }
}

impl ToolUseContent {
    /// A call of `name` with `input`, identified by `id`.
    pub fn new(id: impl Into<String>, name: impl Into<String>, input: Map<String, Value>) -> Self {
        Self {
            id: id.into(),
            name: name.into(),
            input,
            meta: None,
            extra: Extra::new(),
        }
    }
}

crate::wire_struct! {
    /// The outcome of a tool use, sent back to the model (`ToolResultContent`, 2025-11-25 on).
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct ToolResultContent {
        /// The `id` of the tool use this answers.
        pub tool_use_id: String = "toolUseId",
        /// Unstructured result, as in `CallToolResult`.
        pub content: Vec<ContentBlock>,
        /// Structured result (an object in 2025-11-25, any JSON value in 2026-07-28).
        pub structured_content: Option<Value> = "structuredContent" [optional],
        /// The tool failed.
        pub is_error: Option<bool> = "isError" [optional],
        /// Metadata.
        pub meta: Option<Meta> = "_meta" [optional],
    }
}

impl ToolResultContent {
    /// The result of tool use `tool_use_id`.
    pub fn new(tool_use_id: impl Into<String>, content: Vec<ContentBlock>) -> Self {
        Self {
            tool_use_id: tool_use_id.into(),
            content,
            structured_content: None,
            is_error: None,
            meta: None,
            extra: Extra::new(),
        }
    }
}

impl Shape for ToolResultContent {
    fn shape(&mut self, version: ProtocolVersion) {
        self.content.shape(version);
        // 2025-11-25 requires an object; wrap anything else so nothing is lost (as
        // CallToolResult does).
        if version < ProtocolVersion::V2026_07_28
            && let Some(v) = self.structured_content.take()
        {
            self.structured_content = Some(match v {
                Value::Object(_) => v,
                other => serde_json::json!({ "result": other }),
            });
        }
    }
}
