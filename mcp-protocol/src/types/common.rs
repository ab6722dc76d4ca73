//! Small shared payloads: implementation info, icons, roles, annotations, log levels, and the
//! fields every result carries.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::shape::Shape;
use crate::version::ProtocolVersion;

/// A JSON object whose contents a capability or setting leaves open (`JSONObject`).
pub type JsonObject = Map<String, Value>;

crate::wire_struct! {
    /// Name and version of an MCP implementation (`Implementation`).
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct Implementation {
        /// Programmatic name.
        pub name: String,
        /// Version string.
        pub version: String,
        /// Display name (2025-06-18 on).
        pub title: Option<String> [optional],
        /// Icons (2025-11-25 on).
        pub icons: Option<Vec<Icon>> [optional],
        /// Home page (2025-11-25 on).
        pub website_url: Option<String> = "websiteUrl" [optional],
    }
}

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

crate::wire_struct! {
    /// An icon for display (`Icon`, 2025-11-25 on).
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct Icon {
        /// A URI (https or data:) of the image.
        pub src: String,
        /// MIME type of the image.
        pub mime_type: Option<String> = "mimeType" [optional],
        /// Sizes, e.g. `"48x48"` or `"any"`.
        pub sizes: Option<Vec<String>> [optional],
        /// `"light"` or `"dark"`: the background the icon is designed for.
        pub theme: Option<String> [optional],
    }
}

crate::open_enum! {
    /// The sender or recipient of a message (`Role`). An open set: a later revision may add
    /// roles, kept as [`Role::Unknown`].
    pub enum Role {
        /// The user.
        User = "user",
        /// The assistant (the model).
        Assistant = "assistant",
    }
}

crate::wire_struct! {
    /// Hints about how a piece of content or a resource is meant to be used (`Annotations`).
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct Annotations {
        /// Who the content is for.
        pub audience: Option<Vec<Role>> [optional],
        /// Importance from 0 (least) to 1 (most).
        pub priority: Option<f64> [optional],
        /// ISO 8601 time of the last change (2025-06-18 on).
        pub last_modified: Option<String> = "lastModified" [optional],
    }
}

impl Shape for Annotations {
    fn shape(&mut self, version: ProtocolVersion) {
        if version < ProtocolVersion::V2025_06_18 {
            self.last_modified = None;
        }
    }
}

crate::open_enum! {
    /// Severity of a log message, as in syslog (RFC 5424) (`LoggingLevel`). Ordered: `Debug` is
    /// the least severe. An open set: a level from a later revision is kept as
    /// [`LoggingLevel::Unknown`] and sorts above every known level, so a filter passes it on
    /// rather than dropping what it cannot rank.
    #[derive(PartialOrd, Ord)]
    pub enum LoggingLevel {
        /// Detailed debugging information.
        Debug = "debug",
        /// Informational messages.
        Info = "info",
        /// Normal but significant events.
        Notice = "notice",
        /// Warning conditions.
        Warning = "warning",
        /// Error conditions.
        Error = "error",
        /// Critical conditions.
        Critical = "critical",
        /// Action must be taken immediately.
        Alert = "alert",
        /// The system is unusable.
        Emergency = "emergency",
    }
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

crate::open_enum! {
    /// Who may cache a result (`cacheScope`, 2026-07-28), like HTTP `Cache-Control`. An open
    /// set: a scope from a later revision is kept as [`CacheScope::Unknown`]; a cache must
    /// treat it as [`CacheScope::Private`] (see [`CacheScope::is_public`]).
    #[derive(Default)]
    pub enum CacheScope {
        /// Only within the same authorization context. The safe default.
        #[default]
        Private = "private",
        /// Anyone, across authorization contexts: the result holds nothing user-specific.
        Public = "public",
    }
}

impl CacheScope {
    /// Whether the result may be shared across authorization contexts: only for
    /// [`CacheScope::Public`]; an unknown scope is as private as the default.
    pub fn is_public(&self) -> bool {
        matches!(self, Self::Public)
    }
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
