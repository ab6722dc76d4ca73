//! `_meta` objects, with typed accessors for the keys MCP reserves, and the bag that keeps
//! unknown fields alive through a decode/encode round trip.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::jsonrpc::{ProgressToken, RequestId};
use crate::types::{ClientCapabilities, Implementation, LoggingLevel};

/// Fields of an object that this crate does not model, kept verbatim so that proxies and
/// extensions lose nothing (every wire struct has one, flattened).
pub type Extra = Map<String, Value>;

/// The contents of a `_meta` field (`MetaObject`, `RequestMetaObject`, `ResultMetaObject`,
/// `NotificationMetaObject`): an open map, with typed accessors for the reserved keys.
///
/// The map is the source of truth: accessors decode on demand, setters encode, and every key
/// we do not name survives untouched.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Meta(pub Map<String, Value>);

impl Meta {
    /// `progressToken`: the requester asks for `notifications/progress` with this token.
    pub const PROGRESS_TOKEN: &'static str = "progressToken";
    /// 2026-07-28: the protocol version of this request (required on every request).
    pub const PROTOCOL_VERSION: &'static str = "io.modelcontextprotocol/protocolVersion";
    /// 2026-07-28: the client's capabilities for this request (required on every request).
    pub const CLIENT_CAPABILITIES: &'static str = "io.modelcontextprotocol/clientCapabilities";
    /// 2026-07-28: who the client is (should be on every request).
    pub const CLIENT_INFO: &'static str = "io.modelcontextprotocol/clientInfo";
    /// 2026-07-28: the log level the client wants for this request; absent means no logs.
    pub const LOG_LEVEL: &'static str = "io.modelcontextprotocol/logLevel";
    /// 2026-07-28: who the server is (should be on every result).
    pub const SERVER_INFO: &'static str = "io.modelcontextprotocol/serverInfo";
    /// 2026-07-28: the `subscriptions/listen` request a notification was delivered on.
    pub const SUBSCRIPTION_ID: &'static str = "io.modelcontextprotocol/subscriptionId";
    /// 2025-11-25 tasks: the task a message relates to (`RelatedTaskMetadata`).
    pub const RELATED_TASK: &'static str = "io.modelcontextprotocol/related-task";

    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether the map is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The raw value at `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.get(key)
    }

    /// Decodes the value at `key`. `None` when absent; `Some(Err(_))` when present but of the
    /// wrong shape, so a malformed reserved key is never mistaken for a missing one.
    pub fn get_as<T: DeserializeOwned>(&self, key: &str) -> Option<Result<T, serde_json::Error>> {
        self.0.get(key).map(|v| T::deserialize(v))
    }

    /// Sets `key` to the encoding of `value`.
    pub fn set<T: Serialize>(&mut self, key: &str, value: &T) {
        // Our typed values always encode; a failure would leave the key unset.
        if let Ok(v) = serde_json::to_value(value) {
            self.0.insert(key.to_owned(), v);
        }
    }

    /// Builder form of [`Meta::set`].
    pub fn with<T: Serialize>(mut self, key: &str, value: &T) -> Self {
        self.set(key, value);
        self
    }

    /// Removes `key`.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        self.0.remove(key)
    }

    /// `progressToken`, if present and well formed.
    pub fn progress_token(&self) -> Option<ProgressToken> {
        self.get_as(Self::PROGRESS_TOKEN).and_then(Result::ok)
    }

    /// `io.modelcontextprotocol/protocolVersion`, if present and a string.
    pub fn protocol_version(&self) -> Option<&str> {
        self.0.get(Self::PROTOCOL_VERSION).and_then(Value::as_str)
    }

    /// `io.modelcontextprotocol/clientCapabilities`.
    pub fn client_capabilities(&self) -> Option<Result<ClientCapabilities, serde_json::Error>> {
        self.get_as(Self::CLIENT_CAPABILITIES)
    }

    /// `io.modelcontextprotocol/clientInfo`.
    pub fn client_info(&self) -> Option<Result<Implementation, serde_json::Error>> {
        self.get_as(Self::CLIENT_INFO)
    }

    /// `io.modelcontextprotocol/logLevel`.
    pub fn log_level(&self) -> Option<Result<LoggingLevel, serde_json::Error>> {
        self.get_as(Self::LOG_LEVEL)
    }

    /// `io.modelcontextprotocol/serverInfo`.
    pub fn server_info(&self) -> Option<Result<Implementation, serde_json::Error>> {
        self.get_as(Self::SERVER_INFO)
    }

    /// `io.modelcontextprotocol/subscriptionId`.
    pub fn subscription_id(&self) -> Option<RequestId> {
        self.get_as(Self::SUBSCRIPTION_ID).and_then(Result::ok)
    }

    /// The `taskId` of `io.modelcontextprotocol/related-task`.
    pub fn related_task_id(&self) -> Option<&str> {
        self.0.get(Self::RELATED_TASK)?.get("taskId")?.as_str()
    }
}

/// Whether a `_meta` key is in a prefix MCP reserves: the second label of the prefix is
/// `modelcontextprotocol` or `mcp` (basic §`_meta`). `com.example.mcp/x` is not reserved.
pub fn is_reserved_key(key: &str) -> bool {
    let Some((prefix, _)) = key.split_once('/') else {
        return false;
    };
    matches!(
        prefix.split('.').nth(1),
        Some("modelcontextprotocol" | "mcp")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    // requirement: 1.25
    #[test]
    fn reserved_prefixes_follow_the_second_label_rule() {
        assert!(is_reserved_key("io.modelcontextprotocol/protocolVersion"));
        assert!(is_reserved_key("dev.mcp/x"));
        assert!(is_reserved_key("org.modelcontextprotocol.api/x"));
        assert!(!is_reserved_key("com.example.mcp/x"));
        assert!(!is_reserved_key("progressToken"));
    }

    #[test]
    fn accessors_decode_and_keep_unknown_keys() {
        let meta: Meta = serde_json::from_value(serde_json::json!({
            "progressToken": 5,
            "io.modelcontextprotocol/protocolVersion": "2026-07-28",
            "com.example/x": {"y": 1}
        }))
        .unwrap();
        assert_eq!(meta.progress_token(), Some(ProgressToken::Number(5)));
        assert_eq!(meta.protocol_version(), Some("2026-07-28"));
        let back = serde_json::to_value(&meta).unwrap();
        assert_eq!(back["com.example/x"]["y"], 1);
    }
}
