//! Small shared payloads: implementation info, icons, roles, annotations, log levels, and the
//! fields every result carries.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::shape::Shape;
use crate::types::Extra;
use crate::version::ProtocolVersion;

/// A JSON object whose contents a capability or setting leaves open (`JSONObject`).
pub type JsonObject = Map<String, Value>;

/// Name and version of an MCP implementation (`Implementation`).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Implementation {
    /// Programmatic name.
    pub name: String,
    /// Version string.
    pub version: String,
    /// Display name (2025-06-18 on).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Icons (2025-11-25 on).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icons: Option<Vec<Icon>>,
    /// Home page (2025-11-25 on).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website_url: Option<String>,
    /// Unknown fields, kept.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::deserialize_with_extra!(Implementation {
    name: "name",
    version: "version",
    title: "title",
    icons: "icons",
    website_url: "websiteUrl",
});

impl Implementation {
    /// An implementation with a name and a version.
    pub fn new(name: impl Into<String>, version: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            version: version.into(),
            ..Self::default()
        }
    }
}

impl Shape for Implementation {
    fn shape(&mut self, version: ProtocolVersion) {
        if version < ProtocolVersion::V2025_06_18 {
            self.title = None;
        }
        if version < ProtocolVersion::V2025_11_25 {
            self.icons = None;
            self.website_url = None;
        }
    }
}

/// An icon for display (`Icon`, 2025-11-25 on).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Icon {
    /// A URI (https or data:) of the image.
    pub src: String,
    /// MIME type of the image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mime_type: Option<String>,
    /// Sizes, e.g. `"48x48"` or `"any"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sizes: Option<Vec<String>>,
    /// `"light"` or `"dark"`: the background the icon is designed for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub theme: Option<String>,
    /// Unknown fields, kept.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::deserialize_with_extra!(Icon {
    src: "src",
    mime_type: "mimeType",
    sizes: "sizes",
    theme: "theme",
});

/// The sender or recipient of a message (`Role`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The user.
    User,
    /// The assistant (the model).
    Assistant,
}

/// Hints about how a piece of content or a resource is meant to be used (`Annotations`).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Annotations {
    /// Who the content is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<Vec<Role>>,
    /// Importance from 0 (least) to 1 (most).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<f64>,
    /// ISO 8601 time of the last change (2025-06-18 on).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
    /// Unknown fields, kept.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::deserialize_with_extra!(Annotations {
    audience: "audience",
    priority: "priority",
    last_modified: "lastModified",
});

impl Shape for Annotations {
    fn shape(&mut self, version: ProtocolVersion) {
        if version < ProtocolVersion::V2025_06_18 {
            self.last_modified = None;
        }
    }
}

/// Severity of a log message, as in syslog (RFC 5424) (`LoggingLevel`). Ordered: `Debug` is
/// the least severe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LoggingLevel {
    /// Detailed debugging information.
    Debug,
    /// Informational messages.
    Info,
    /// Normal but significant events.
    Notice,
    /// Warning conditions.
    Warning,
    /// Error conditions.
    Error,
    /// Critical conditions.
    Critical,
    /// Action must be taken immediately.
    Alert,
    /// The system is unusable.
    Emergency,
}

/// The kind of a result (`resultType`, 2026-07-28). An open set: a newtype with constants.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ResultType(pub String);

impl ResultType {
    /// The final result.
    pub const COMPLETE: &'static str = "complete";
    /// More input is needed: an `InputRequiredResult` (MRTR).
    pub const INPUT_REQUIRED: &'static str = "input_required";
    /// A task was created (tasks extension).
    pub const TASK: &'static str = "task";

    /// `"complete"`.
    pub fn complete() -> Self {
        Self(Self::COMPLETE.to_owned())
    }

    /// `"input_required"`.
    pub fn input_required() -> Self {
        Self(Self::INPUT_REQUIRED.to_owned())
    }

    /// Whether this is `"complete"`.
    pub fn is_complete(&self) -> bool {
        self.0 == Self::COMPLETE
    }

    /// Whether this is `"input_required"`.
    pub fn is_input_required(&self) -> bool {
        self.0 == Self::INPUT_REQUIRED
    }
}

/// Who may cache a result (`cacheScope`, 2026-07-28), like HTTP `Cache-Control`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CacheScope {
    /// Only within the same authorization context. The safe default.
    #[default]
    Private,
    /// Anyone, across authorization contexts: the result holds nothing user-specific.
    Public,
}

/// Shapes the fields every result has (`_meta`, `resultType`) for `version`: 2026-07-28
/// requires `resultType` (we fill `"complete"` when the handler left it out); earlier
/// versions do not know it.
pub fn shape_result_type(result_type: &mut Option<ResultType>, version: ProtocolVersion) {
    if version >= ProtocolVersion::V2026_07_28 {
        result_type.get_or_insert_with(ResultType::complete);
    } else {
        *result_type = None;
    }
}

/// Shapes the cache hints of a cacheable result (`ttlMs`, `cacheScope`): required in
/// 2026-07-28 (we fill "stale at once, private" when the handler left them out, the choice
/// that can never leak or serve stale data), unknown before.
pub fn shape_cache_hints(
    ttl_ms: &mut Option<u64>,
    cache_scope: &mut Option<CacheScope>,
    version: ProtocolVersion,
) {
    if version >= ProtocolVersion::V2026_07_28 {
        ttl_ms.get_or_insert(0);
        cache_scope.get_or_insert(CacheScope::Private);
    } else {
        *ttl_ms = None;
        *cache_scope = None;
    }
}
