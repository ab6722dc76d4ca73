//! Multi Round-Trip Requests (MRTR, 2026-07-28, basic/patterns/mrtr): instead of sending the
//! client a request of its own, a server answers `resultType: "input_required"` with
//! `inputRequests`; the client fulfils them and retries the original request with
//! `inputResponses` and the opaque `requestState`.
//!
//! The input requests have the shapes of the session era's server-to-client requests
//! (`sampling/createMessage`, `roots/list`, `elicitation/create`) and reuse their params and
//! result types. The 2026-07-28 tasks extension uses the same maps for `input_required`
//! tasks and `tasks/update`.

use std::collections::BTreeMap;

use serde::de::{Deserializer, Error as _};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::method::Request;
use crate::methods::{
    CreateMessage, CreateMessageParams, CreateMessageResult, Elicit, ElicitParams, ElicitResult,
    ListRoots, ListRootsResult,
};
use crate::shape::Shape;
use crate::types::{CreateTaskResult, Extra, Meta, RequestParams, ResultType};
use crate::version::ProtocolVersion;

/// What a server asks of the client in one input request, decided by `method`. Closed on
/// purpose: the method decides what the client must do, so an input request for a method this
/// crate does not know cannot be fulfilled; it fails to decode rather than being kept.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum InputRequestKind {
    /// `sampling/createMessage`.
    CreateMessage(CreateMessageParams),
    /// `roots/list`; its `params` may be absent.
    ListRoots(Option<RequestParams>),
    /// `elicitation/create`.
    Elicit(ElicitParams),
}

impl InputRequestKind {
    /// The method name.
    pub fn method(&self) -> &'static str {
        match self {
            Self::CreateMessage(_) => CreateMessage::METHOD,
            Self::ListRoots(_) => ListRoots::METHOD,
            Self::Elicit(_) => Elicit::METHOD,
        }
    }
}

/// One request a server asks the client to fulfil (`InputRequest`): `{ method, params }`.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct InputRequest {
    /// The method and its params.
    pub kind: InputRequestKind,
    /// Unknown fields of the request object, kept.
    pub extra: Extra,
}

impl InputRequest {
    /// A `sampling/createMessage` input request.
    pub fn create_message(params: CreateMessageParams) -> Self {
        InputRequestKind::CreateMessage(params).into()
    }

    /// A `roots/list` input request.
    pub fn list_roots() -> Self {
        InputRequestKind::ListRoots(None).into()
    }

    /// An `elicitation/create` input request.
    pub fn elicit(params: impl Into<ElicitParams>) -> Self {
        InputRequestKind::Elicit(params.into()).into()
    }

    /// The method name.
    pub fn method(&self) -> &'static str {
        self.kind.method()
    }
}

impl From<InputRequestKind> for InputRequest {
    fn from(kind: InputRequestKind) -> Self {
        Self {
            kind,
            extra: Extra::new(),
        }
    }
}

impl Serialize for InputRequest {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("method", self.method())?;
        match &self.kind {
            InputRequestKind::CreateMessage(p) => map.serialize_entry("params", p)?,
            InputRequestKind::ListRoots(Some(p)) => map.serialize_entry("params", p)?,
            InputRequestKind::ListRoots(None) => {}
            InputRequestKind::Elicit(p) => map.serialize_entry("params", p)?,
        }
        for (k, v) in &self.extra {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for InputRequest {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut map = Map::<String, Value>::deserialize(d)?;
        let method = match map.remove("method") {
            Some(Value::String(m)) => m,
            Some(_) => return Err(D::Error::custom("input request `method` must be a string")),
            None => return Err(D::Error::missing_field("method")),
        };
        let params = map.remove("params");
        let need = |p: Option<Value>| p.ok_or_else(|| D::Error::missing_field("params"));
        let kind = match method.as_str() {
            CreateMessage::METHOD => {
                InputRequestKind::CreateMessage(decode(need(params)?, "params")?)
            }
            ListRoots::METHOD => {
                InputRequestKind::ListRoots(params.map(|p| decode(p, "params")).transpose()?)
            }
            Elicit::METHOD => InputRequestKind::Elicit(decode(need(params)?, "params")?),
            other => {
                return Err(D::Error::custom(format_args!(
                    "unknown input request method {other:?}: expected \"{}\", \"{}\" or \"{}\"",
                    CreateMessage::METHOD,
                    ListRoots::METHOD,
                    Elicit::METHOD
                )));
            }
        };
        Ok(Self { kind, extra: map })
    }
}

fn decode<T: serde::de::DeserializeOwned, E: serde::de::Error>(
    v: Value,
    what: &str,
) -> Result<T, E> {
    T::deserialize(v).map_err(|e| E::custom(format_args!("`{what}`: {e}")))
}

impl Shape for InputRequest {
    fn shape(&mut self, version: ProtocolVersion) {
        match &mut self.kind {
            InputRequestKind::CreateMessage(p) => p.shape(version),
            InputRequestKind::ListRoots(p) => p.shape(version),
            InputRequestKind::Elicit(p) => p.shape(version),
        }
    }
}

/// The server's input requests, keyed by server-chosen ids unique within the request
/// (`InputRequests`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct InputRequests(pub BTreeMap<String, InputRequest>);

impl InputRequests {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// Builder: adds `request` under `key`.
    pub fn with(mut self, key: impl Into<String>, request: InputRequest) -> Self {
        self.0.insert(key.into(), request);
        self
    }
}

impl Shape for InputRequests {
    fn shape(&mut self, version: ProtocolVersion) {
        for r in self.0.values_mut() {
            r.shape(version);
        }
    }
}

/// A client's answer to one input request (`InputResponse`). Its kind is not on the wire: it
/// is known from the request with the same key, hence [`InputResponses::response_for`].
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum InputResponse {
    /// Answer to `sampling/createMessage` (boxed: much larger than the others).
    CreateMessage(Box<CreateMessageResult>),
    /// Answer to `roots/list`.
    ListRoots(ListRootsResult),
    /// Answer to `elicitation/create`.
    Elicit(ElicitResult),
}

impl Shape for InputResponse {
    fn shape(&mut self, version: ProtocolVersion) {
        match self {
            Self::CreateMessage(r) => r.shape(version),
            Self::ListRoots(r) => r.shape(version),
            Self::Elicit(r) => r.shape(version),
        }
    }
}

/// The client's answers to a server's `inputRequests`, keyed like the requests
/// (`InputResponses`). Each value is the result of the request it answers
/// (`CreateMessageResult`, `ListRootsResult` or `ElicitResult`); which one is known from the
/// request with the same key, so values stay raw until the server decodes them with
/// [`InputResponses::get`] or [`InputResponses::response_for`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct InputResponses(pub Map<String, Value>);

impl InputResponses {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// The answer under `key`, decoded as the result of `R` (e.g. [`Elicit`]). `None` when
    /// absent; `Some(Err(_))` when present but not an `R::Result`.
    pub fn get<R: Request>(&self, key: &str) -> Option<Result<R::Result, serde_json::Error>> {
        self.0.get(key).map(R::Result::deserialize)
    }

    /// The answer under `key`, decoded as the answer to `request`.
    pub fn response_for(
        &self,
        key: &str,
        request: &InputRequest,
    ) -> Option<Result<InputResponse, serde_json::Error>> {
        let raw = self.0.get(key)?;
        Some(match request.kind {
            InputRequestKind::CreateMessage(_) => CreateMessageResult::deserialize(raw)
                .map(|r| InputResponse::CreateMessage(Box::new(r))),
            InputRequestKind::ListRoots(_) => {
                ListRootsResult::deserialize(raw).map(InputResponse::ListRoots)
            }
            InputRequestKind::Elicit(_) => {
                ElicitResult::deserialize(raw).map(InputResponse::Elicit)
            }
        })
    }

    /// Stores `response` under `key`.
    pub fn insert(&mut self, key: impl Into<String>, response: &InputResponse) {
        // Our typed values always encode; a failure would leave the key unset.
        if let Ok(v) = serde_json::to_value(response) {
            self.0.insert(key.into(), v);
        }
    }

    /// Builder form of [`InputResponses::insert`].
    pub fn with(mut self, key: impl Into<String>, response: &InputResponse) -> Self {
        self.insert(key, response);
        self
    }
}

crate::shape_unchanged!(InputResponses);

crate::wire_struct! {
    /// A result asking for more input before the request can complete (`InputRequiredResult`).
    /// At least one of `input_requests` and `request_state` must be present.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct InputRequiredResult {
        /// `"input_required"`.
        pub result_type: Option<ResultType> = "resultType" [optional],
        /// What the client must fulfil before retrying.
        pub input_requests: Option<InputRequests> = "inputRequests" [optional],
        /// Opaque server state the client must echo unchanged on the retry.
        pub request_state: Option<String> = "requestState" [optional],
        /// Result metadata.
        pub meta: Option<Meta> = "_meta" [optional],
    }
}

impl InputRequiredResult {
    /// A result asking for `input_requests`.
    pub fn new(input_requests: InputRequests) -> Self {
        Self {
            result_type: Some(ResultType::input_required()),
            input_requests: Some(input_requests),
            ..Self::default()
        }
    }

    /// Sets the opaque state to echo.
    pub fn with_request_state(mut self, state: impl Into<String>) -> Self {
        self.request_state = Some(state.into());
        self
    }
}

impl Shape for InputRequiredResult {
    fn shape(&mut self, version: ProtocolVersion) {
        // Only 2026-07-28 has this result; its kind is fixed whatever the handler left.
        self.result_type = Some(ResultType::input_required());
        self.input_requests.shape(version);
    }
}

crate::wire_struct! {
    /// The MRTR fields a retried request carries (`InputResponseRequestParams`, 2026-07-28);
    /// requests that support MRTR (`tools/call`, `prompts/get`, `resources/read`) have them
    /// inline.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct InputResponseRequestParams {
        /// Answers to the server's `inputRequests`.
        pub input_responses: Option<InputResponses> = "inputResponses" [optional],
        /// The `requestState` of the `InputRequiredResult`, echoed unchanged.
        pub request_state: Option<String> = "requestState" [optional],
        /// Request metadata.
        pub meta: Option<Meta> = "_meta" [optional],
    }
}

impl Shape for InputResponseRequestParams {
    fn shape(&mut self, version: ProtocolVersion) {
        if version < ProtocolVersion::V2026_07_28 {
            self.input_responses = None;
            self.request_state = None;
        }
    }
}

/// The `resultType` of a raw result; absent counts as `"complete"` (a server of an earlier
/// version does not send it, and the 2026-07-28 schema says to treat it so).
pub fn result_type_of(raw: &Value) -> ResultType {
    match raw.get("resultType").and_then(Value::as_str) {
        Some(t) => ResultType(t.to_owned()),
        None => ResultType::complete(),
    }
}

/// Whether a raw result asks for more input.
pub fn is_input_required(raw: &Value) -> bool {
    result_type_of(raw).is_input_required()
}

/// Whether a raw result is final (`"complete"`, or no `resultType`).
pub fn is_complete(raw: &Value) -> bool {
    result_type_of(raw).is_complete()
}

/// A result of a request that may need more input or become a task: the final result, or the
/// follow-up the peer asks for (an input round, or a task to poll), decided by `resultType`
/// (absent = complete). Not to be confused with [`crate::jsonrpc::ResultOrError`], which is
/// the result-or-error of a JSON-RPC response before the result is decoded.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ResultOrFollowUp<T> {
    /// The final result.
    Complete(T),
    /// More input is needed (MRTR).
    InputRequired(InputRequiredResult),
    /// The request became a task (2026-07-28 tasks extension).
    Task(CreateTaskResult),
}

impl<T: serde::de::DeserializeOwned> ResultOrFollowUp<T> {
    /// Decodes a raw result by its `resultType`. An unknown kind is an error, so a result
    /// this crate cannot interpret is never mistaken for a final one.
    pub fn from_value(raw: Value) -> Result<Self, serde_json::Error> {
        let kind = result_type_of(&raw);
        match kind.0.as_str() {
            ResultType::COMPLETE => T::deserialize(raw).map(Self::Complete),
            ResultType::INPUT_REQUIRED => {
                InputRequiredResult::deserialize(raw).map(Self::InputRequired)
            }
            ResultType::TASK => CreateTaskResult::deserialize(raw).map(Self::Task),
            other => Err(serde_json::Error::custom(format_args!(
                "unknown resultType {other:?}: expected \"complete\", \"input_required\" or \"task\""
            ))),
        }
    }
}

impl<'de, T: serde::de::DeserializeOwned> Deserialize<'de> for ResultOrFollowUp<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Self::from_value(Value::deserialize(d)?).map_err(D::Error::custom)
    }
}

impl<T: Shape> Shape for ResultOrFollowUp<T> {
    fn shape(&mut self, version: ProtocolVersion) {
        match self {
            Self::Complete(r) => r.shape(version),
            Self::InputRequired(r) => r.shape(version),
            Self::Task(r) => r.shape(version),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::methods::{CallToolResult, ElicitAction};
    use serde_json::json;

    fn example() -> Value {
        json!({
            "resultType": "input_required",
            "inputRequests": {
                "github_login": {"method": "elicitation/create", "params": {"message": "Name?",
                    "requestedSchema": {"type": "object", "properties": {"name": {"type": "string"}}}}},
                "capital": {"method": "sampling/createMessage", "params": {"messages": [
                    {"role": "user", "content": {"type": "text", "text": "Capital?"}}], "maxTokens": 100}},
                "roots": {"method": "roots/list", "id": "kept"}
            },
            "requestState": "opaque",
            "_meta": {"k": 1},
            "other": 2
        })
    }

    #[test]
    fn input_required_result_round_trips_and_decides_by_method() {
        let r: InputRequiredResult = serde_json::from_value(example()).unwrap();
        let reqs = &r.input_requests.as_ref().unwrap().0;
        assert!(matches!(
            reqs["github_login"].kind,
            InputRequestKind::Elicit(ElicitParams::Form(_))
        ));
        assert!(matches!(
            reqs["capital"].kind,
            InputRequestKind::CreateMessage(_)
        ));
        assert!(matches!(
            reqs["roots"].kind,
            InputRequestKind::ListRoots(None)
        ));
        assert_eq!(reqs["roots"].extra["id"], "kept");
        assert_eq!(serde_json::to_value(&r).unwrap(), example());
    }

    #[test]
    fn unknown_method_is_a_clear_error() {
        let err =
            serde_json::from_value::<InputRequest>(json!({"method": "tools/call", "params": {}}))
                .unwrap_err();
        assert!(
            err.to_string()
                .contains("unknown input request method \"tools/call\""),
            "{err}"
        );
        let err = serde_json::from_value::<InputRequest>(json!({"method": "elicitation/create"}))
            .unwrap_err();
        assert!(err.to_string().contains("params"), "{err}");
    }

    #[test]
    fn responses_decode_by_request_kind() {
        let r: InputRequiredResult = serde_json::from_value(example()).unwrap();
        let reqs = r.input_requests.unwrap().0;
        let responses: InputResponses = serde_json::from_value(json!({
            "github_login": {"action": "accept", "content": {"name": "octocat"}},
            "capital": {"role": "assistant", "content": {"type": "text", "text": "Paris"}, "model": "m"}
        }))
        .unwrap();
        let e = responses.get::<Elicit>("github_login").unwrap().unwrap();
        assert_eq!(e.action, ElicitAction::Accept);
        assert!(matches!(
            responses.response_for("capital", &reqs["capital"]),
            Some(Ok(InputResponse::CreateMessage(_)))
        ));
        assert!(responses.response_for("roots", &reqs["roots"]).is_none());
        assert!(
            responses
                .response_for("github_login", &reqs["capital"])
                .unwrap()
                .is_err()
        );

        let built =
            InputResponses::new().with("x", &InputResponse::Elicit(ElicitResult::decline()));
        assert_eq!(
            serde_json::to_value(&built).unwrap(),
            json!({"x": {"action": "decline"}})
        );
    }

    // requirement: 1.7
    #[test]
    fn result_kind_helpers_treat_absent_as_complete() {
        assert!(is_complete(&json!({"content": []})));
        assert!(is_input_required(&example()));
        assert!(!is_complete(&example()));
        let o: ResultOrFollowUp<CallToolResult> =
            serde_json::from_value(json!({"content": []})).unwrap();
        assert!(matches!(o, ResultOrFollowUp::Complete(_)));
        let o: ResultOrFollowUp<CallToolResult> = serde_json::from_value(example()).unwrap();
        assert!(matches!(o, ResultOrFollowUp::InputRequired(_)));
        let o: ResultOrFollowUp<CallToolResult> = serde_json::from_value(json!({"resultType": "task",
            "taskId": "t", "status": "working", "createdAt": "a", "lastUpdatedAt": "a", "ttlMs": null}))
        .unwrap();
        assert!(matches!(o, ResultOrFollowUp::Task(_)));
        let err = serde_json::from_value::<ResultOrFollowUp<CallToolResult>>(
            json!({"resultType": "later"}),
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("unknown resultType \"later\""),
            "{err}"
        );
    }

    #[test]
    fn shape_fills_the_kind_and_shapes_the_requests() {
        let mut p = CreateMessageParams::new(vec![], 10);
        p.meta = Some(Meta::new());
        let r = InputRequiredResult {
            result_type: None,
            ..InputRequiredResult::new(
                InputRequests::new().with("s", InputRequest::create_message(p)),
            )
        };
        let v = serde_json::to_value(r.shaped(ProtocolVersion::V2026_07_28)).unwrap();
        assert_eq!(v["resultType"], "input_required");
        assert!(v["inputRequests"]["s"]["params"].get("_meta").is_none());

        let params = InputResponseRequestParams {
            request_state: Some("s".into()),
            ..Default::default()
        };
        assert!(
            params
                .clone()
                .shaped(ProtocolVersion::V2025_11_25)
                .request_state
                .is_none()
        );
        assert!(
            params
                .shaped(ProtocolVersion::V2026_07_28)
                .request_state
                .is_some()
        );
    }
}
