//! Content blocks (`ContentBlock`): what tools return and prompts carry, and resource contents.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use crate::shape::Shape;
use crate::types::{Annotations, Extra, Icon, Meta};
use crate::version::ProtocolVersion;

/// One piece of content, tagged by `type`. An open set: a block of a type from a later
/// revision is kept whole as [`ContentBlock::Unknown`], so one block this crate does not know
/// does not fail the result that carries it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type")]
#[non_exhaustive]
pub enum ContentBlock {
    /// `"text"`.
    #[serde(rename = "text")]
    Text(TextContent),
    /// `"image"`: base64 image data.
    #[serde(rename = "image")]
    Image(ImageContent),
    /// `"audio"`: base64 audio data (2025-03-26 on).
    #[serde(rename = "audio")]
    Audio(AudioContent),
    /// `"resource_link"`: a link to a resource the client may read (2025-06-18 on).
    #[serde(rename = "resource_link")]
    ResourceLink(ResourceLink),
    /// `"resource"`: a resource's contents, embedded.
    #[serde(rename = "resource")]
    Resource(EmbeddedResource),
    /// A block of a type this crate does not know, kept as it was sent.
    #[serde(untagged)]
    Unknown(UnknownObject),
}

/// An object of a `type` this crate does not know (from a later revision), kept as it was
/// sent (its `type` included) and encoded back unchanged. The unknown variant of every
/// union tagged by `type`: [`ContentBlock`], sampling content blocks, completion references.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(transparent)]
pub struct UnknownObject {
    raw: Map<String, Value>,
}

impl UnknownObject {
    /// Wraps a raw object; its `type` member names its kind.
    pub fn new(raw: Map<String, Value>) -> Self {
        Self { raw }
    }

    /// The value of `type`.
    pub fn kind(&self) -> &str {
        self.raw
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// The object as it was sent.
    pub fn raw(&self) -> &Map<String, Value> {
        &self.raw
    }

    /// The object as it was sent, by value.
    pub fn into_raw(self) -> Map<String, Value> {
        self.raw
    }

    /// Decodes the rest of a tagged object (see [`crate::wire::decode_tagged`]) whose tag
    /// `kind` is unknown, putting the tag back.
    #[doc(hidden)]
    pub fn decode<'de, D: Deserializer<'de>>(kind: &str, rest: D) -> Result<Self, D::Error> {
        let mut raw = Map::new();
        raw.insert("type".to_owned(), Value::String(kind.to_owned()));
        raw.extend(Map::<String, Value>::deserialize(rest)?);
        Ok(Self { raw })
    }
}

crate::deserialize_tagged!(ContentBlock {
    "text" => Text(TextContent),
    "image" => Image(ImageContent),
    "audio" => Audio(AudioContent),
    "resource_link" => ResourceLink(ResourceLink),
    "resource" => Resource(EmbeddedResource),
});

impl ContentBlock {
    /// A text block.
    pub fn text(text: impl Into<String>) -> Self {
        Self::Text(TextContent::new(text))
    }

    /// An image block from base64 data.
    pub fn image(data: impl Into<String>, mime_type: impl Into<String>) -> Self {
        Self::Image(ImageContent {
            data: data.into(),
            mime_type: mime_type.into(),
            annotations: None,
            meta: None,
            extra: Extra::new(),
        })
    }

    /// An audio block from base64 data.
    pub fn audio(data: impl Into<String>, mime_type: impl Into<String>) -> Self {
        Self::Audio(AudioContent {
            data: data.into(),
            mime_type: mime_type.into(),
            annotations: None,
            meta: None,
            extra: Extra::new(),
        })
    }

    /// The text of a text block.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Self::Text(t) => Some(&t.text),
            _ => None,
        }
    }

    /// The wire name of the block's type.
    pub fn kind(&self) -> &str {
        match self {
            Self::Text(_) => "text",
            Self::Image(_) => "image",
            Self::Audio(_) => "audio",
            Self::ResourceLink(_) => "resource_link",
            Self::Resource(_) => "resource",
            Self::Unknown(u) => u.kind(),
        }
    }
}

impl Shape for ContentBlock {
    /// Shapes the block for `version`. A block kind the version does not know (audio before
    /// 2025-03-26, resource links before 2025-06-18) cannot be sent as it is; it becomes a
    /// text block that says what it was, so the peer sees that something was there instead of
    /// silently losing it.
    fn shape(&mut self, version: ProtocolVersion) {
        let replacement = match self {
            Self::Audio(a) if version < ProtocolVersion::V2025_03_26 => Some(format!(
                "[audio content ({}) cannot be represented in protocol {version}]",
                a.mime_type
            )),
            Self::ResourceLink(l) if version < ProtocolVersion::V2025_06_18 => {
                Some(format!("[resource link: {}]", l.uri))
            }
            _ => None,
        };
        if let Some(text) = replacement {
            *self = Self::text(text);
        }
        let (annotations, meta) = match self {
            Self::Text(c) => (&mut c.annotations, &mut c.meta),
            Self::Image(c) => (&mut c.annotations, &mut c.meta),
            Self::Audio(c) => (&mut c.annotations, &mut c.meta),
            Self::ResourceLink(c) => {
                if version < ProtocolVersion::V2025_11_25 {
                    c.icons = None;
                }
                (&mut c.annotations, &mut c.meta)
            }
            Self::Resource(c) => {
                c.resource.shape(version);
                (&mut c.annotations, &mut c.meta)
            }
            // Sent as it came: it is the sender's business, like unknown fields.
            Self::Unknown(_) => return,
        };
        if let Some(a) = annotations {
            a.shape(version);
        }
        if version < ProtocolVersion::V2025_06_18 {
            *meta = None;
        }
    }
}

crate::wire_struct! {
    /// Text content.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct TextContent {
        /// The text.
        pub text: String,
        /// Hints for the client.
        pub annotations: Option<Annotations> [optional],
        /// Metadata.
        pub meta: Option<Meta> = "_meta" [optional],
    }
}

impl TextContent {
    /// Text content with no annotations.
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            annotations: None,
            meta: None,
            extra: Extra::new(),
        }
    }
}

crate::wire_struct! {
    /// Image content.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct ImageContent {
        /// Base64-encoded image data.
        pub data: String,
        /// MIME type, e.g. `image/png`.
        pub mime_type: String = "mimeType",
        /// Hints for the client.
        pub annotations: Option<Annotations> [optional],
        /// Metadata.
        pub meta: Option<Meta> = "_meta" [optional],
    }
}

crate::wire_struct! {
    /// Audio content (2025-03-26 on).
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct AudioContent {
        /// Base64-encoded audio data.
        pub data: String,
        /// MIME type, e.g. `audio/wav`.
        pub mime_type: String = "mimeType",
        /// Hints for the client.
        pub annotations: Option<Annotations> [optional],
        /// Metadata.
        pub meta: Option<Meta> = "_meta" [optional],
    }
}

crate::wire_struct! {
    /// A link to a resource (2025-06-18 on). Shares the fields of `Resource`.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct ResourceLink {
        /// The resource's URI.
        pub uri: String,
        /// Programmatic name.
        pub name: String,
        /// Display name.
        pub title: Option<String> [optional],
        /// What the resource is.
        pub description: Option<String> [optional],
        /// MIME type.
        pub mime_type: Option<String> = "mimeType" [optional],
        /// Size in bytes, if known.
        pub size: Option<u64> [optional],
        /// Icons (2025-11-25 on).
        pub icons: Option<Vec<Icon>> [optional],
        /// Hints for the client.
        pub annotations: Option<Annotations> [optional],
        /// Metadata.
        pub meta: Option<Meta> = "_meta" [optional],
    }
}

crate::wire_struct! {
    /// A resource's contents embedded in a message.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct EmbeddedResource {
        /// The contents.
        pub resource: ResourceContents,
        /// Hints for the client.
        pub annotations: Option<Annotations> [optional],
        /// Metadata.
        pub meta: Option<Meta> = "_meta" [optional],
    }
}

/// The contents of a resource: text or binary, told apart by which of `text` and `blob` is
/// present (`TextResourceContents`, `BlobResourceContents`).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ResourceContents {
    /// Text contents.
    Text(TextResourceContents),
    /// Binary contents, base64.
    Blob(BlobResourceContents),
}

impl<'de> Deserialize<'de> for ResourceContents {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        // Decided by key, not by trial: `text` means text, `blob` means binary.
        let map = Map::<String, Value>::deserialize(d)?;
        let has_text = map.contains_key("text");
        let has_blob = map.contains_key("blob");
        let value = Value::Object(map);
        match (has_text, has_blob) {
            (true, false) => TextResourceContents::deserialize(value)
                .map(Self::Text)
                .map_err(D::Error::custom),
            (false, true) => BlobResourceContents::deserialize(value)
                .map(Self::Blob)
                .map_err(D::Error::custom),
            (true, true) => Err(D::Error::custom(
                "resource contents must not have both `text` and `blob`",
            )),
            (false, false) => Err(D::Error::custom("resource contents need `text` or `blob`")),
        }
    }
}

impl ResourceContents {
    /// Text contents for `uri`.
    pub fn text(uri: impl Into<String>, text: impl Into<String>) -> Self {
        Self::Text(TextResourceContents {
            uri: uri.into(),
            text: text.into(),
            mime_type: None,
            meta: None,
            extra: Extra::new(),
        })
    }

    /// Binary contents for `uri` from base64 data.
    pub fn blob(uri: impl Into<String>, blob: impl Into<String>) -> Self {
        Self::Blob(BlobResourceContents {
            uri: uri.into(),
            blob: blob.into(),
            mime_type: None,
            meta: None,
            extra: Extra::new(),
        })
    }

    /// The URI.
    pub fn uri(&self) -> &str {
        match self {
            Self::Text(t) => &t.uri,
            Self::Blob(b) => &b.uri,
        }
    }
}

impl Shape for ResourceContents {
    fn shape(&mut self, version: ProtocolVersion) {
        if version < ProtocolVersion::V2025_06_18 {
            match self {
                Self::Text(t) => t.meta = None,
                Self::Blob(b) => b.meta = None,
            }
        }
    }
}

crate::wire_struct! {
    /// Text contents of a resource.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct TextResourceContents {
        /// The resource's URI.
        pub uri: String,
        /// The text.
        pub text: String,
        /// MIME type.
        pub mime_type: Option<String> = "mimeType" [optional],
        /// Metadata.
        pub meta: Option<Meta> = "_meta" [optional],
    }
}

crate::wire_struct! {
    /// Binary contents of a resource.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct BlobResourceContents {
        /// The resource's URI.
        pub uri: String,
        /// Base64-encoded data.
        pub blob: String,
        /// MIME type.
        pub mime_type: Option<String> = "mimeType" [optional],
        /// Metadata.
        pub meta: Option<Meta> = "_meta" [optional],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tag_may_come_anywhere_and_unknown_fields_survive() {
        for text in [
            r#"{"type":"text","text":"hi","x-a":1}"#,
            r#"{"text":"hi","x-a":1,"type":"text"}"#,
            r#"{"x-a":1,"type":"text","text":"hi"}"#,
        ] {
            let block: ContentBlock = serde_json::from_str(text).unwrap();
            let ContentBlock::Text(t) = &block else {
                panic!("{text}: {block:?}")
            };
            assert_eq!(t.text, "hi");
            assert_eq!(t.extra["x-a"], 1);
            let back = serde_json::to_value(&block).unwrap();
            assert_eq!(back, serde_json::from_str::<Value>(text).unwrap());
        }
    }

    #[test]
    fn a_missing_tag_is_a_clear_error_and_an_unknown_one_is_kept() {
        let e = serde_json::from_str::<ContentBlock>(r#"{"text":"hi"}"#).unwrap_err();
        assert!(e.to_string().contains("missing field `type`"), "{e}");
        let b = serde_json::from_str::<ContentBlock>(r#"{"data":"","type":"video"}"#).unwrap();
        assert_eq!(b.kind(), "video");
        assert_eq!(
            serde_json::to_value(&b).unwrap(),
            serde_json::json!({"type": "video", "data": ""})
        );
        let e = serde_json::from_str::<ContentBlock>(r#"{"type":7}"#).unwrap_err();
        assert!(e.to_string().contains("invalid type"), "{e}");
        let e =
            serde_json::from_str::<ContentBlock>(r#"{"type":"image","data":"AA=="}"#).unwrap_err();
        assert!(e.to_string().contains("missing field `mimeType`"), "{e}");
    }
}
