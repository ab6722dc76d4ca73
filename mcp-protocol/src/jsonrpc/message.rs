//! The JSON-RPC 2.0 envelope, decoded in two phases.
//!
//! Phase one ([`Message::from_slice`]) looks only at the envelope: `jsonrpc`, `id`, `method`,
//! `result`, `error`. `params` and `result` stay as raw JSON text ([`RawValue`]) until phase
//! two, when the caller knows which method they belong to and decodes them into that method's
//! types ([`RequestMessage::decode_params`], [`ResponseMessage::decode_result`]). No untagged
//! enum ever guesses what a message is.

use std::borrow::Cow;
use std::fmt;
use std::sync::OnceLock;

use serde::de::{self, Visitor};
use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::value::RawValue;

use super::error::ErrorObject;
use super::id::RequestId;
use crate::error::{DecodeError, EncodeError};
use crate::method::{Notification, Request};
use crate::wire::Key;

/// One JSON-RPC message of any kind.
#[derive(Clone, Debug, PartialEq)]
pub enum Message {
    /// A request: it has an `id` and a `method`, and expects a response.
    Request(RequestMessage),
    /// A notification: a `method` and no `id`; nothing answers it.
    Notification(NotificationMessage),
    /// A response: an `id` with a `result` or an `error`.
    Response(ResponseMessage),
}

/// A request whose `params` have not been decoded yet.
#[derive(Clone, Debug)]
pub struct RequestMessage {
    /// The id the response must carry.
    pub id: RequestId,
    /// The method name: borrowed for every method this crate knows, so that decoding and
    /// encoding them allocates nothing for the name.
    pub method: Cow<'static, str>,
    /// The raw `params` object, if present.
    pub params: Option<Box<RawValue>>,
}

/// A notification whose `params` have not been decoded yet.
#[derive(Clone, Debug)]
pub struct NotificationMessage {
    /// The method name (borrowed for every method this crate knows).
    pub method: Cow<'static, str>,
    /// The raw `params` object, if present.
    pub params: Option<Box<RawValue>>,
}

/// A response: the id of the request it answers and its outcome.
#[derive(Clone, Debug, PartialEq)]
pub struct ResponseMessage {
    /// The id of the request. `None` only for an error response to a message whose id could
    /// not be read (JSON-RPC 2.0 §5: `"id": null`).
    pub id: Option<RequestId>,
    /// The raw `result`, or the `error`.
    pub outcome: ResultOrError,
}

/// What a JSON-RPC response carries: its raw `result` or its `error` (JSON-RPC 2.0 §5: exactly
/// one of the two). Named for what it holds, unlike [`crate::types::ResultOrFollowUp`], which
/// sorts a decoded MCP *result* by its `resultType`.
#[derive(Clone, Debug)]
pub enum ResultOrError {
    /// A successful result, still raw.
    Result(Box<RawValue>),
    /// An error.
    Error(ErrorObject),
}

impl PartialEq for ResultOrError {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::Result(a), Self::Result(b)) => a.get() == b.get(),
            (Self::Error(a), Self::Error(b)) => a == b,
            _ => false,
        }
    }
}

fn raw_eq(a: &Option<Box<RawValue>>, b: &Option<Box<RawValue>>) -> bool {
    a.as_deref().map(RawValue::get) == b.as_deref().map(RawValue::get)
}

impl PartialEq for RequestMessage {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id && self.method == other.method && raw_eq(&self.params, &other.params)
    }
}

impl PartialEq for NotificationMessage {
    fn eq(&self, other: &Self) -> bool {
        self.method == other.method && raw_eq(&self.params, &other.params)
    }
}

/// Phase one: the envelope's members, borrowed from the input where possible.
#[derive(Default)]
struct Envelope<'a> {
    jsonrpc: Option<Key<'a>>,
    id: Option<IdSlot>,
    method: Option<Key<'a>>,
    params: Option<&'a RawValue>,
    result: Option<&'a RawValue>,
    error: Option<&'a RawValue>,
}

/// What the `id` member held: `null` is kept apart from absent, and a wrong type is kept
/// apart from both, so the error can say which it was.
enum IdSlot {
    Id(RequestId),
    Null,
    Invalid,
}

impl<'de> Deserialize<'de> for IdSlot {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = IdSlot;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an id")
            }
            fn visit_unit<E: de::Error>(self) -> Result<IdSlot, E> {
                Ok(IdSlot::Null)
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<IdSlot, E> {
                Ok(IdSlot::Id(RequestId::Number(n)))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<IdSlot, E> {
                Ok(i64::try_from(n).map_or(IdSlot::Invalid, |n| IdSlot::Id(RequestId::Number(n))))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<IdSlot, E> {
                Ok(IdSlot::Invalid)
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<IdSlot, E> {
                Ok(IdSlot::Invalid)
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<IdSlot, E> {
                Ok(IdSlot::Id(RequestId::String(s.to_owned())))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<IdSlot, A::Error> {
                while seq.next_element::<de::IgnoredAny>()?.is_some() {}
                Ok(IdSlot::Invalid)
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<IdSlot, A::Error> {
                while map
                    .next_entry::<de::IgnoredAny, de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(IdSlot::Invalid)
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Envelope<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Envelope<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON-RPC message object")
            }
            fn visit_map<A: de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Envelope<'de>, A::Error> {
                fn set<T, E: de::Error>(
                    slot: &mut Option<T>,
                    v: T,
                    name: &'static str,
                ) -> Result<(), E> {
                    if slot.replace(v).is_some() {
                        return Err(E::duplicate_field(name));
                    }
                    Ok(())
                }
                let mut env = Envelope::default();
                while let Some(key) = map.next_key::<Key<'de>>()? {
                    match key.as_str() {
                        "jsonrpc" => set(&mut env.jsonrpc, map.next_value()?, "jsonrpc")?,
                        "id" => set(&mut env.id, map.next_value()?, "id")?,
                        "method" => set(&mut env.method, map.next_value()?, "method")?,
                        "params" => set(&mut env.params, map.next_value()?, "params")?,
                        "result" => set(&mut env.result, map.next_value()?, "result")?,
                        "error" => set(&mut env.error, map.next_value()?, "error")?,
                        // Unknown members are allowed and ignored (JSON-RPC says nothing of
                        // them; MCP never defines any).
                        _ => {
                            map.next_value::<de::IgnoredAny>()?;
                        }
                    }
                }
                Ok(env)
            }
        }
        d.deserialize_map(V)
    }
}

impl Message {
    /// Decodes one message from bytes (phase one only).
    ///
    /// Bytes that are not JSON give [`DecodeError::Parse`]; JSON that is not a JSON-RPC 2.0
    /// message gives [`DecodeError::InvalidRequest`] (carrying the `id` when one could be
    /// read, so the error response can name it). Never panics, whatever the input.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, DecodeError> {
        let env: Envelope<'_> =
            serde_json::from_slice(bytes).map_err(DecodeError::from_envelope)?;
        Self::from_envelope(env)
    }

    /// Decodes one message from a string (phase one only); see [`Message::from_slice`].
    #[allow(
        clippy::should_implement_trait,
        reason = "FromStr cannot return our error with borrowed input as cheaply"
    )]
    pub fn from_str(text: &str) -> Result<Self, DecodeError> {
        Self::from_slice(text.as_bytes())
    }

    fn from_envelope(env: Envelope<'_>) -> Result<Self, DecodeError> {
        // The id is read first so that every later error can carry it.
        let (id, id_was_null) = match env.id {
            None => (None, false),
            Some(IdSlot::Null) => (None, true),
            Some(IdSlot::Id(id)) => (Some(id), false),
            Some(IdSlot::Invalid) => {
                return Err(DecodeError::invalid_request(
                    None,
                    "`id` must be an integer or a string",
                ));
            }
        };
        // The id is cloned only when an error must carry it, never on the success path.
        let invalid =
            |id: &Option<RequestId>, reason: &str| DecodeError::invalid_request(id.clone(), reason);

        match env.jsonrpc.as_ref().map(Key::as_str) {
            Some("2.0") => {}
            Some(_) => return Err(invalid(&id, "`jsonrpc` must be \"2.0\"")),
            None => return Err(invalid(&id, "missing `jsonrpc: \"2.0\"`")),
        }
        if let Some(params) = env.params {
            // JSON-RPC 2.0 §4.2: params is a structured value; MCP always uses an object.
            if !params.get().starts_with(['{', '[']) {
                return Err(invalid(&id, "`params` must be an object"));
            }
        }

        match (env.method, env.result, env.error) {
            (Some(method), None, None) => {
                let params = env.params.map(ToOwned::to_owned);
                let method = intern(method);
                match id {
                    Some(id) => Ok(Self::Request(RequestMessage { id, method, params })),
                    // MCP (basic §Requests): the id MUST NOT be null.
                    None if id_was_null => Err(invalid(&None, "a request id must not be null")),
                    None => Ok(Self::Notification(NotificationMessage { method, params })),
                }
            }
            (None, Some(result), None) => {
                let Some(id) = id else {
                    return Err(invalid(
                        &None,
                        "a result response must carry the request's id",
                    ));
                };
                if env.params.is_some() {
                    return Err(invalid(&Some(id), "a response must not carry `params`"));
                }
                Ok(Self::Response(ResponseMessage {
                    id: Some(id),
                    outcome: ResultOrError::Result(result.to_owned()),
                }))
            }
            (None, None, Some(error)) => {
                let error: ErrorObject = serde_json::from_str(error.get())
                    .map_err(|e| invalid(&id, &format!("malformed `error` object: {e}")))?;
                Ok(Self::Response(ResponseMessage {
                    id,
                    outcome: ResultOrError::Error(error),
                }))
            }
            (None, Some(_), Some(_)) => Err(invalid(
                &id,
                "a response must not carry both `result` and `error`",
            )),
            (Some(_), _, _) => Err(invalid(
                &id,
                "a message must not carry both `method` and `result`/`error`",
            )),
            (None, None, None) => Err(invalid(
                &id,
                "not a request, notification or response: no `method`, `result` or `error`",
            )),
        }
    }

    /// Encodes the message as compact JSON.
    pub fn to_vec(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.encoded_len_hint());
        self.write_to(&mut out);
        out
    }

    /// Appends the compact JSON encoding to `out` (no newline).
    pub fn write_to(&self, out: &mut Vec<u8>) {
        // Serializing our own envelope cannot fail: raw values are already valid JSON and ids
        // and strings always serialize; writing to a Vec cannot fail either.
        let _ = serde_json::to_writer(out, self);
    }

    /// A guess at the encoded size, to size buffers once.
    fn encoded_len_hint(&self) -> usize {
        let raw = |p: &Option<Box<RawValue>>| p.as_deref().map_or(0, |p| p.get().len());
        64 + match self {
            Self::Request(r) => r.method.len() + raw(&r.params),
            Self::Notification(n) => n.method.len() + raw(&n.params),
            Self::Response(r) => match &r.outcome {
                ResultOrError::Result(v) => v.get().len(),
                ResultOrError::Error(e) => 32 + e.message.len(),
            },
        }
    }

    /// Encodes the message as a compact JSON string.
    pub fn to_json(&self) -> String {
        // The encoding is JSON, hence UTF-8.
        String::from_utf8(self.to_vec()).unwrap_or_default()
    }

    /// The method of a request or notification.
    pub fn method(&self) -> Option<&str> {
        match self {
            Self::Request(r) => Some(&r.method),
            Self::Notification(n) => Some(&n.method),
            Self::Response(_) => None,
        }
    }

    /// The id of a request or response.
    pub fn id(&self) -> Option<&RequestId> {
        match self {
            Self::Request(r) => Some(&r.id),
            Self::Notification(_) => None,
            Self::Response(r) => r.id.as_ref(),
        }
    }
}

/// Decodes a JSON-RPC batch (an array of messages), as 2025-03-26 allows (basic §Batching;
/// removed again in 2025-06-18). A single message decodes as a batch of one. Each element is
/// decoded on its own, so one bad element does not hide the others.
pub fn decode_batch(bytes: &[u8]) -> Result<Vec<Result<Message, DecodeError>>, DecodeError> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if first != Some(&b'[') {
        return Ok(vec![Message::from_slice(bytes)]);
    }
    let items: Vec<&RawValue> =
        serde_json::from_slice(bytes).map_err(DecodeError::from_envelope)?;
    if items.is_empty() {
        return Err(DecodeError::invalid_request(None, "an empty batch"));
    }
    Ok(items
        .into_iter()
        .map(|raw| Message::from_slice(raw.get().as_bytes()))
        .collect())
}

/// The static name of a method this crate knows, or an owned copy of any other.
fn intern(method: Key<'_>) -> Cow<'static, str> {
    // Sorted once; a binary search costs less than the allocation it saves.
    static NAMES: OnceLock<Vec<&'static str>> = OnceLock::new();
    let names = NAMES.get_or_init(|| {
        let mut names: Vec<_> = crate::methods::ALL.iter().map(|m| m.name).collect();
        names.sort_unstable();
        names.dedup();
        names
    });
    match names.binary_search(&method.as_str()) {
        Ok(i) => Cow::Borrowed(names[i]),
        Err(_) => Cow::Owned(method.into_string()),
    }
}

fn raw_params(params: Option<&RawValue>) -> &str {
    // An absent `params` decodes like an empty object: most MCP methods make it optional.
    params.map_or("{}", RawValue::get)
}

impl RequestMessage {
    /// A request for method `R` with typed params.
    pub fn new<R: Request>(id: RequestId, params: &R::Params) -> Result<Self, EncodeError> {
        Ok(Self {
            id,
            method: Cow::Borrowed(R::METHOD),
            params: Some(to_raw(params)?),
        })
    }

    /// Phase two: decodes `params` as the params of `R`. The error names the method, the id
    /// and the path of the faulty field, and maps to -32602.
    pub fn decode_params<R: Request>(&self) -> Result<R::Params, DecodeError> {
        decode_part(
            raw_params(self.params.as_deref()),
            Some(&self.id),
            &self.method,
            Part::Params,
        )
    }

    /// Phase two for a receiver that needs only some of the params: decodes `params` as
    /// `T` (for example a struct of the fields a server acts on, which skips `_meta` and
    /// unknown fields without building them). Errors are those of
    /// [`RequestMessage::decode_params`].
    pub fn decode_params_as<T: de::DeserializeOwned>(&self) -> Result<T, DecodeError> {
        decode_part(
            raw_params(self.params.as_deref()),
            Some(&self.id),
            &self.method,
            Part::Params,
        )
    }
}

impl NotificationMessage {
    /// A notification of kind `N` with typed params.
    pub fn new<N: Notification>(params: &N::Params) -> Result<Self, EncodeError> {
        Ok(Self {
            method: Cow::Borrowed(N::METHOD),
            params: Some(to_raw(params)?),
        })
    }

    /// Phase two: decodes `params` as the params of `N`.
    pub fn decode_params<N: Notification>(&self) -> Result<N::Params, DecodeError> {
        decode_part(
            raw_params(self.params.as_deref()),
            None,
            &self.method,
            Part::Params,
        )
    }
}

impl ResponseMessage {
    /// A success response with a typed result.
    pub fn result<T: Serialize>(id: RequestId, result: &T) -> Result<Self, EncodeError> {
        Ok(Self {
            id: Some(id),
            outcome: ResultOrError::Result(to_raw(result)?),
        })
    }

    /// An error response.
    pub fn error(id: Option<RequestId>, error: ErrorObject) -> Self {
        Self {
            id,
            outcome: ResultOrError::Error(error),
        }
    }

    /// Phase two: decodes the result as the result of `R`. The outer `Result` says whether the
    /// response could be decoded; the inner one is the peer's answer: its result, or the error
    /// object it sent.
    pub fn decode_result<R: Request>(&self) -> Result<Result<R::Result, ErrorObject>, DecodeError> {
        match &self.outcome {
            ResultOrError::Result(raw) => {
                decode_part(raw.get(), self.id.as_ref(), R::METHOD, Part::Result).map(Ok)
            }
            ResultOrError::Error(e) => Ok(Err(e.clone())),
        }
    }
}

/// Serializes a typed value into an owned raw JSON value.
pub fn to_raw<T: Serialize + ?Sized>(value: &T) -> Result<Box<RawValue>, EncodeError> {
    // `to_raw_value` trusts serde_json's own output; `RawValue::from_string` would parse it
    // again to validate it.
    serde_json::value::to_raw_value(value).map_err(EncodeError::from)
}

#[derive(Clone, Copy)]
pub(crate) enum Part {
    Params,
    Result,
}

fn decode_part<T: de::DeserializeOwned>(
    text: &str,
    id: Option<&RequestId>,
    method: &str,
    part: Part,
) -> Result<T, DecodeError> {
    match serde_json::from_str(text) {
        Ok(v) => Ok(v),
        // The fast path failed; decode again, slowly, only to learn the faulty field's path.
        Err(_) => {
            let de = &mut serde_json::Deserializer::from_str(text);
            let Err(err) = serde_path_to_error::deserialize::<_, T>(de) else {
                unreachable_second_decode()
            };
            let path = err.path().to_string();
            Err(DecodeError::invalid_part(
                id.cloned(),
                method,
                part,
                path,
                err.into_inner().to_string(),
            ))
        }
    }
}

#[cold]
fn unreachable_second_decode() -> ! {
    // serde_json is deterministic: text that failed once fails again.
    panic!("a value that failed to decode decoded on the second try")
}

impl Serialize for Message {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Request(r) => r.serialize(s),
            Self::Notification(n) => n.serialize(s),
            Self::Response(r) => r.serialize(s),
        }
    }
}

impl Serialize for RequestMessage {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Request", 4)?;
        st.serialize_field("jsonrpc", "2.0")?;
        st.serialize_field("id", &self.id)?;
        st.serialize_field("method", &self.method)?;
        if let Some(p) = &self.params {
            st.serialize_field("params", p)?;
        }
        st.end()
    }
}

impl Serialize for NotificationMessage {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Notification", 3)?;
        st.serialize_field("jsonrpc", "2.0")?;
        st.serialize_field("method", &self.method)?;
        if let Some(p) = &self.params {
            st.serialize_field("params", p)?;
        }
        st.end()
    }
}

impl Serialize for ResponseMessage {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Response", 3)?;
        st.serialize_field("jsonrpc", "2.0")?;
        // An error about a message whose id could not be read: JSON-RPC 2.0 says `"id": null`,
        // but the 2025-11-25 and 2026-07-28 schemas make `id` optional and non-null, so we leave
        // it out (the older schemas require a non-null id, which no answer can satisfy).
        // Decoding accepts both forms.
        match &self.id {
            Some(id) => st.serialize_field("id", id)?,
            None => st.skip_field("id")?,
        }
        match &self.outcome {
            ResultOrError::Result(r) => st.serialize_field("result", r)?,
            ResultOrError::Error(e) => st.serialize_field("error", e)?,
        }
        st.end()
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_json())
    }
}

impl From<RequestMessage> for Message {
    fn from(m: RequestMessage) -> Self {
        Self::Request(m)
    }
}

impl From<NotificationMessage> for Message {
    fn from(m: NotificationMessage) -> Self {
        Self::Notification(m)
    }
}

impl From<ResponseMessage> for Message {
    fn from(m: ResponseMessage) -> Self {
        Self::Response(m)
    }
}

impl<'de> Deserialize<'de> for Message {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw: Box<RawValue> = Deserialize::deserialize(d)?;
        Self::from_str(raw.get()).map_err(de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jsonrpc::ErrorCode;

    fn decode(s: &str) -> Result<Message, DecodeError> {
        Message::from_str(s)
    }

    #[test]
    fn classifies_by_envelope_members() {
        assert!(matches!(
            decode(r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#),
            Ok(Message::Request(_))
        ));
        assert!(matches!(
            decode(r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#),
            Ok(Message::Notification(_))
        ));
        assert!(matches!(
            decode(r#"{"jsonrpc":"2.0","id":"a","result":{}}"#),
            Ok(Message::Response(_))
        ));
        let Ok(Message::Response(r)) =
            decode(r#"{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"x"}}"#)
        else {
            panic!("an error response with a null id is valid")
        };
        assert_eq!(r.id, None);
    }

    // requirement: 1.1, 1.8
    #[test]
    fn garbage_is_a_parse_error_and_wrong_shapes_are_invalid_requests() {
        assert_eq!(decode("{nope").unwrap_err().code(), ErrorCode::PARSE_ERROR);
        assert_eq!(decode("").unwrap_err().code(), ErrorCode::PARSE_ERROR);
        for bad in [
            r#"[]"#,
            r#"42"#,
            r#"{"id":1,"method":"ping"}"#,
            r#"{"jsonrpc":"1.0","id":1,"method":"ping"}"#,
            r#"{"jsonrpc":"2.0","id":null,"method":"ping"}"#,
            r#"{"jsonrpc":"2.0","id":1.5,"method":"ping"}"#,
            r#"{"jsonrpc":"2.0","id":1,"method":"ping","params":3}"#,
            r#"{"jsonrpc":"2.0","id":1,"result":{},"error":{"code":1,"message":""}}"#,
            r#"{"jsonrpc":"2.0","result":{}}"#,
            r#"{"jsonrpc":"2.0","id":1,"method":7}"#,
            r#"{"jsonrpc":"2.0","id":1,"method":"a","method":"b"}"#,
        ] {
            let err = decode(bad).unwrap_err();
            assert_eq!(err.code(), ErrorCode::INVALID_REQUEST, "{bad}: {err}");
        }
    }

    // requirement: 1.8
    #[test]
    fn invalid_request_keeps_the_id_it_could_read() {
        let err = decode(r#"{"jsonrpc":"1.0","id":9,"method":"ping"}"#).unwrap_err();
        assert_eq!(err.request_id(), Some(&RequestId::Number(9)));
    }

    #[test]
    fn encodes_compactly_and_round_trips() {
        let text = r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo"}}"#;
        let msg = decode(text).unwrap();
        assert_eq!(msg.to_json(), text);
        let text = r#"{"jsonrpc":"2.0","id":"x","error":{"code":-32601,"message":"m"}}"#;
        assert_eq!(decode(text).unwrap().to_json(), text);
    }

    #[test]
    fn batches_decode_element_by_element() {
        let items = decode_batch(br#"[{"jsonrpc":"2.0","method":"a"},{"bad":1}]"#).unwrap();
        assert!(items[0].is_ok());
        assert_eq!(
            items[1].as_ref().unwrap_err().code(),
            ErrorCode::INVALID_REQUEST
        );
        assert!(decode_batch(b"[]").is_err());
    }
}
