//! Elicitation (client/elicitation): the server asks the user for input through the client,
//! `elicitation/create` (2025-06-18 on) and `notifications/elicitation/complete` (2025-11-25).
//!
//! Two modes: **form** (the client shows a form built from a restricted JSON Schema, see
//! [`RequestedSchema`](super::RequestedSchema)) and **URL** (2025-11-25 on: the user is sent to
//! a URL, so that secrets never pass through the client). A JSON-RPC request from server to
//! client in 2025-06-18 and 2025-11-25; in 2026-07-28 the same params and result travel as an
//! MRTR input request / input response ([`crate::types::InputRequest`]).

use serde::de::{Deserializer, Error as _};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::jsonrpc::{ErrorCode, ErrorObject};
use crate::method::{Notification, Request, ServerNotification, ServerRequest};
use crate::methods::RequestedSchema;
use crate::shape::Shape;
use crate::types::{Extra, JsonObject, Meta, TaskMetadata};
use crate::version::ProtocolVersion;

/// `elicitation/create`: ask the user for input.
#[derive(Debug)]
pub enum Elicit {}

impl Request for Elicit {
    const METHOD: &'static str = "elicitation/create";
    const SINCE: ProtocolVersion = ProtocolVersion::V2025_06_18;
    // 2026-07-28: only an MRTR input request.
    const UNTIL: Option<ProtocolVersion> = Some(ProtocolVersion::V2025_11_25);
    type Params = ElicitParams;
    type Result = ElicitResult;
}
impl ServerRequest for Elicit {}

/// `notifications/elicitation/complete`: the out-of-band interaction of a URL-mode
/// elicitation finished (2025-11-25 only; 2026-07-28 learns it from the retried request).
#[derive(Debug)]
pub enum ElicitationComplete {}

impl Notification for ElicitationComplete {
    const METHOD: &'static str = "notifications/elicitation/complete";
    const SINCE: ProtocolVersion = ProtocolVersion::V2025_11_25;
    const UNTIL: Option<ProtocolVersion> = Some(ProtocolVersion::V2025_11_25);
    type Params = ElicitationCompleteParams;
}
impl ServerNotification for ElicitationComplete {}

/// The mode of an elicitation (`mode`). Kept closed on purpose: the mode decides the shape of
/// the params ([`ElicitParams`]), so a request in a mode this crate does not know cannot be
/// answered; it is refused when decoded (invalid params) rather than kept as an unknown value.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ElicitMode {
    /// In-band form.
    #[default]
    Form,
    /// Out-of-band URL (2025-11-25 on).
    Url,
}

/// Params of `elicitation/create` (`ElicitRequestParams`): form or URL, decided by `mode`;
/// an absent `mode` means form (the only mode of 2025-06-18).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ElicitParams {
    /// Form mode.
    Form(ElicitFormParams),
    /// URL mode (2025-11-25 on).
    Url(ElicitUrlParams),
}

impl<'de> Deserialize<'de> for ElicitParams {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let map = serde_json::Map::<String, Value>::deserialize(d)?;
        let mode = match map.get("mode") {
            None => ElicitMode::Form,
            Some(m) => ElicitMode::deserialize(m).map_err(|_| {
                D::Error::custom(format_args!(
                    "unknown elicitation mode {m}: expected \"form\" or \"url\""
                ))
            })?,
        };
        let value = Value::Object(map);
        match mode {
            ElicitMode::Form => ElicitFormParams::deserialize(value).map(Self::Form),
            ElicitMode::Url => ElicitUrlParams::deserialize(value).map(Self::Url),
        }
        .map_err(D::Error::custom)
    }
}

impl ElicitParams {
    /// The mode.
    pub fn mode(&self) -> ElicitMode {
        match self {
            Self::Form(_) => ElicitMode::Form,
            Self::Url(_) => ElicitMode::Url,
        }
    }

    /// The message shown to the user.
    pub fn message(&self) -> &str {
        match self {
            Self::Form(f) => &f.message,
            Self::Url(u) => &u.message,
        }
    }

    /// Whether `version` can carry these params. URL mode has no form before 2025-11-25, and
    /// shaping cannot turn it into a form without asking for the secrets it exists to keep
    /// away from the client; neither have multi-select fields, whose answer is an array that
    /// 2025-06-18 cannot return. In 2025-11-25 URL mode needs its `elicitationId` (the
    /// completion notification names it), which shaping cannot invent. Such a request must be
    /// refused before sending.
    pub fn is_supported_in(&self, version: ProtocolVersion) -> bool {
        match self {
            Self::Form(f) => {
                version >= ProtocolVersion::V2025_11_25
                    || (version >= ProtocolVersion::V2025_06_18
                        && !f.requested_schema.has_multi_select())
            }
            Self::Url(u) => {
                version >= ProtocolVersion::V2026_07_28
                    || (version == ProtocolVersion::V2025_11_25 && u.elicitation_id.is_some())
            }
        }
    }
}

impl From<ElicitFormParams> for ElicitParams {
    fn from(p: ElicitFormParams) -> Self {
        Self::Form(p)
    }
}

impl From<ElicitUrlParams> for ElicitParams {
    fn from(p: ElicitUrlParams) -> Self {
        Self::Url(p)
    }
}

impl Shape for ElicitParams {
    fn shape(&mut self, version: ProtocolVersion) {
        match self {
            Self::Form(f) => f.shape(version),
            Self::Url(u) => u.shape(version),
        }
    }
}

crate::wire_struct! {
    /// Params of a form-mode elicitation (`ElicitRequestFormParams`).
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct ElicitFormParams {
        /// `"form"` or absent (2025-06-18 has no `mode`).
        pub mode: Option<ElicitMode> [optional],
        /// Why the input is needed.
        pub message: String,
        /// The form.
        pub requested_schema: RequestedSchema = "requestedSchema",
        /// Run as a task (2025-11-25 only).
        pub task: Option<TaskMetadata> [optional],
        /// Request metadata (session era).
        pub meta: Option<Meta> = "_meta" [optional],
    }
}

impl ElicitFormParams {
    /// A form asking for `requested_schema`, explained by `message`.
    pub fn new(message: impl Into<String>, requested_schema: RequestedSchema) -> Self {
        Self {
            mode: None,
            message: message.into(),
            requested_schema,
            task: None,
            meta: None,
            extra: Extra::new(),
        }
    }
}

impl Shape for ElicitFormParams {
    fn shape(&mut self, version: ProtocolVersion) {
        self.requested_schema.shape(version);
        if version < ProtocolVersion::V2025_11_25 {
            self.mode = None;
        } else if self.mode.is_some() {
            // Only "form" can stand here; fix a wrong value rather than send a lie.
            self.mode = Some(ElicitMode::Form);
        }
        if version != ProtocolVersion::V2025_11_25 {
            self.task = None;
        }
        if version >= ProtocolVersion::V2026_07_28 {
            self.meta = None;
        }
    }
}

crate::wire_struct! {
    /// Params of a URL-mode elicitation (`ElicitRequestURLParams`, 2025-11-25 on).
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct ElicitUrlParams {
        /// `"url"`.
        pub mode: ElicitMode,
        /// Why the user should go there.
        pub message: String,
        /// Where the user should go.
        pub url: String,
        /// Id of the elicitation, echoed by `notifications/elicitation/complete` (required in
        /// 2025-11-25; 2026-07-28 has no completion notification and no id).
        pub elicitation_id: Option<String> = "elicitationId" [optional],
        /// Run as a task (2025-11-25 only).
        pub task: Option<TaskMetadata> [optional],
        /// Request metadata (session era).
        pub meta: Option<Meta> = "_meta" [optional],
    }
}

impl ElicitUrlParams {
    /// Send the user to `url`, explained by `message`.
    pub fn new(message: impl Into<String>, url: impl Into<String>) -> Self {
        Self {
            mode: ElicitMode::Url,
            message: message.into(),
            url: url.into(),
            elicitation_id: None,
            task: None,
            meta: None,
            extra: Extra::new(),
        }
    }

    /// Sets the elicitation id (needed in 2025-11-25).
    pub fn with_elicitation_id(mut self, id: impl Into<String>) -> Self {
        self.elicitation_id = Some(id.into());
        self
    }
}

impl Shape for ElicitUrlParams {
    fn shape(&mut self, version: ProtocolVersion) {
        self.mode = ElicitMode::Url;
        if version != ProtocolVersion::V2025_11_25 {
            self.task = None;
        }
        if version >= ProtocolVersion::V2026_07_28 {
            self.elicitation_id = None;
            self.meta = None;
        }
    }
}

crate::open_enum! {
    /// What the user did (`action`). An open set: an action from a later revision is kept as
    /// [`ElicitAction::Unknown`]; a server should treat it like a decline.
    pub enum ElicitAction {
        /// Submitted (form: `content` holds the data; URL: consented to open it).
        Accept = "accept",
        /// Explicitly refused.
        Decline = "decline",
        /// Dismissed without choosing.
        Cancel = "cancel",
    }
}

crate::wire_struct! {
    /// Result of `elicitation/create` (`ElicitResult`). In 2026-07-28 it is an MRTR input
    /// response, not a JSON-RPC result: no `resultType`, and the schema has no `_meta` either.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct ElicitResult {
        /// What the user did.
        pub action: ElicitAction,
        /// The submitted form data (form mode, `accept` only): strings, numbers, booleans and
        /// (2025-11-25 on) arrays of strings.
        pub content: Option<JsonObject> [optional],
        /// Result metadata (session era).
        pub meta: Option<Meta> = "_meta" [optional],
    }
}

impl ElicitResult {
    /// The user accepted, with form `content` (`None` for URL mode).
    pub fn accept(content: Option<JsonObject>) -> Self {
        Self {
            action: ElicitAction::Accept,
            content,
            meta: None,
            extra: Extra::new(),
        }
    }

    /// The user declined.
    pub fn decline() -> Self {
        Self {
            action: ElicitAction::Decline,
            ..Self::accept(None)
        }
    }

    /// The user dismissed the request.
    pub fn cancel() -> Self {
        Self {
            action: ElicitAction::Cancel,
            ..Self::accept(None)
        }
    }
}

impl ElicitResult {
    /// Whether `version` can carry this result: a multi-select answer (an array of strings
    /// in `content`) needs 2025-11-25. It only answers a form that
    /// [`ElicitParams::is_supported_in`] refuses for older versions.
    pub fn is_supported_in(&self, version: ProtocolVersion) -> bool {
        version >= ProtocolVersion::V2025_11_25
            || !self
                .content
                .as_ref()
                .is_some_and(|c| c.values().any(Value::is_array))
    }
}

impl Shape for ElicitResult {
    fn shape(&mut self, version: ProtocolVersion) {
        if version >= ProtocolVersion::V2026_07_28 {
            self.meta = None;
        }
    }
}

crate::wire_struct! {
    /// Params of `notifications/elicitation/complete`.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct ElicitationCompleteParams {
        /// The `elicitationId` of the URL-mode elicitation that finished.
        pub elicitation_id: String = "elicitationId",
        /// Metadata.
        pub meta: Option<Meta> = "_meta" [optional],
    }
}

impl ElicitationCompleteParams {
    /// Completion of `elicitation_id`.
    pub fn new(elicitation_id: impl Into<String>) -> Self {
        Self {
            elicitation_id: elicitation_id.into(),
            meta: None,
            extra: Extra::new(),
        }
    }
}

crate::shape_unchanged!(ElicitationCompleteParams);

crate::wire_struct! {
    /// `data` of the `URLElicitationRequiredError` (-32042, 2025-11-25): the request cannot
    /// proceed until the user completes these URL-mode elicitations.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct UrlElicitationRequiredData {
        /// The elicitations to complete.
        pub elicitations: Vec<ElicitUrlParams>,
    }
}

impl UrlElicitationRequiredData {
    /// Data listing `elicitations`.
    pub fn new(elicitations: Vec<ElicitUrlParams>) -> Self {
        Self {
            elicitations,
            extra: Extra::new(),
        }
    }

    /// The JSON-RPC error carrying this data.
    pub fn into_error(self, message: impl Into<String>) -> ErrorObject {
        // Our own struct always encodes.
        let data = serde_json::to_value(&self).unwrap_or(Value::Null);
        ErrorObject::new(ErrorCode::URL_ELICITATION_REQUIRED, message).with_data(data)
    }

    /// The data of `error`, if it is a `URLElicitationRequiredError`; `Some(Err(_))` when the
    /// code matches but the data is malformed.
    pub fn from_error(error: &ErrorObject) -> Option<Result<Self, serde_json::Error>> {
        if error.code != ErrorCode::URL_ELICITATION_REQUIRED {
            return None;
        }
        let data = error.data.clone().unwrap_or(Value::Null);
        Some(Self::deserialize(data))
    }
}

crate::shape_unchanged!(UrlElicitationRequiredData);

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // requirement: 6.10
    #[test]
    fn mode_decides_the_variant_and_absent_means_form() {
        let form = json!({"message": "Name?", "requestedSchema": {"type": "object",
            "properties": {"name": {"type": "string"}}, "required": ["name"]}, "z": 1});
        let p: ElicitParams = serde_json::from_value(form.clone()).unwrap();
        assert_eq!(p.mode(), ElicitMode::Form);
        assert_eq!(serde_json::to_value(&p).unwrap(), form);

        let url = json!({"mode": "url", "message": "Key", "url": "https://x.example/k",
            "elicitationId": "e1", "_meta": {"k": 1}});
        let p: ElicitParams = serde_json::from_value(url.clone()).unwrap();
        assert!(matches!(&p, ElicitParams::Url(u) if u.elicitation_id.as_deref() == Some("e1")));
        assert_eq!(serde_json::to_value(&p).unwrap(), url);
    }

    #[test]
    fn bad_mode_is_a_clear_error() {
        let err = serde_json::from_value::<ElicitParams>(json!({"mode": "voice", "message": "m"}))
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("unknown elicitation mode \"voice\""),
            "{err}"
        );
        let err = serde_json::from_value::<ElicitParams>(json!({"mode": "url", "message": "m"}))
            .unwrap_err();
        assert!(err.to_string().contains("url"), "{err}");
    }

    #[test]
    fn shape_per_version() {
        let url = ElicitUrlParams::new("m", "https://x.example").with_elicitation_id("e");
        let p = ElicitParams::Url(url);
        assert!(!p.is_supported_in(ProtocolVersion::V2025_06_18));
        assert!(p.is_supported_in(ProtocolVersion::V2025_11_25));
        let no_id = ElicitParams::Url(ElicitUrlParams::new("m", "https://x.example"));
        assert!(!no_id.is_supported_in(ProtocolVersion::V2025_11_25));
        assert!(no_id.is_supported_in(ProtocolVersion::V2026_07_28));
        assert_eq!(
            serde_json::to_value(p.shaped(ProtocolVersion::V2026_07_28)).unwrap(),
            json!({"mode": "url", "message": "m", "url": "https://x.example"})
        );

        let mut form = ElicitFormParams::new("m", RequestedSchema::new());
        form.mode = Some(ElicitMode::Form);
        form.task = Some(TaskMetadata::default());
        let old = serde_json::to_value(form.clone().shaped(ProtocolVersion::V2025_06_18)).unwrap();
        assert!(old.get("mode").is_none() && old.get("task").is_none());
        let cur = serde_json::to_value(form.shaped(ProtocolVersion::V2025_11_25)).unwrap();
        assert_eq!(cur["mode"], "form");
        assert!(cur.get("task").is_some());
    }

    #[test]
    fn result_round_trips_and_keeps_unknown_actions() {
        let v = json!({"action": "accept", "content": {"name": "octocat", "tags": ["a"], "n": 3},
            "_meta": {"m": 1}, "x": 0});
        let r: ElicitResult = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(r.action, ElicitAction::Accept);
        assert_eq!(serde_json::to_value(&r).unwrap(), v);
        assert!(r.shaped(ProtocolVersion::V2026_07_28).meta.is_none());
        let r: ElicitResult = serde_json::from_value(json!({"action": "maybe"})).unwrap();
        assert_eq!(r.action, ElicitAction::Unknown("maybe".into()));
        let err = serde_json::from_value::<ElicitResult>(json!({"action": 1})).unwrap_err();
        assert!(err.to_string().contains("invalid type"), "{err}");
    }

    #[test]
    fn url_elicitation_required_error_round_trips() {
        let data = UrlElicitationRequiredData::new(vec![
            ElicitUrlParams::new("Authorize", "https://x.example/auth").with_elicitation_id("e"),
        ]);
        let err = data.clone().into_error("Authorization required");
        assert_eq!(err.code, ErrorCode::URL_ELICITATION_REQUIRED);
        assert_eq!(
            UrlElicitationRequiredData::from_error(&err)
                .unwrap()
                .unwrap(),
            data
        );
        let other = ErrorObject::internal("x");
        assert!(UrlElicitationRequiredData::from_error(&other).is_none());
    }

    // requirement: 6.11
    #[test]
    fn completion_notification_exists_only_in_2025_11_25() {
        assert!(ElicitationComplete::exists_in(ProtocolVersion::V2025_11_25));
        assert!(!ElicitationComplete::exists_in(
            ProtocolVersion::V2025_06_18
        ));
        assert!(!ElicitationComplete::exists_in(
            ProtocolVersion::V2026_07_28
        ));
        assert!(!Elicit::exists_in(ProtocolVersion::V2025_03_26));
    }
}
