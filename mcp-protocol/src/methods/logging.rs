//! Logging (server/utilities/logging): `logging/setLevel` and `notifications/message`.
//!
//! In the session era the client sets the minimum level once with `logging/setLevel`. From
//! 2026-07-28 that request is gone: a client asks for logs per request with
//! `_meta["io.modelcontextprotocol/logLevel"]` ([`Meta::LOG_LEVEL`]), and a server must not
//! send `notifications/message` for requests that did not ask. Logging is deprecated in
//! 2026-07-28 but still fully specified.

use serde::Serialize;
use serde_json::Value;

use crate::method::{ClientRequest, Notification, Request, ServerNotification};
use crate::types::{EmptyResult, Extra, LoggingLevel, Meta};
use crate::version::ProtocolVersion;

/// `logging/setLevel`: send log messages of this level and above.
#[derive(Debug)]
pub enum SetLevel {}

impl Request for SetLevel {
    const METHOD: &'static str = "logging/setLevel";
    const SINCE: ProtocolVersion = ProtocolVersion::V2024_11_05;
    const UNTIL: Option<ProtocolVersion> = Some(ProtocolVersion::V2025_11_25);
    type Params = SetLevelParams;
    type Result = EmptyResult;
}
impl ClientRequest for SetLevel {}

/// `notifications/message`: a log message from the server.
#[derive(Debug)]
pub enum LoggingMessage {}

impl Notification for LoggingMessage {
    const METHOD: &'static str = "notifications/message";
    const SINCE: ProtocolVersion = ProtocolVersion::V2024_11_05;
    type Params = LoggingMessageParams;
}
impl ServerNotification for LoggingMessage {}

crate::wire_struct! {
    /// Params of `logging/setLevel` (`SetLevelRequestParams`).
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct SetLevelParams {
        /// The least severe level the client wants.
        pub level: LoggingLevel,
        /// Request metadata.
        pub meta: Option<Meta> = "_meta" [optional],
    }
}

impl SetLevelParams {
    /// Asks for `level` and above.
    pub fn new(level: LoggingLevel) -> Self {
        Self {
            level,
            meta: None,
            extra: Extra::new(),
        }
    }
}

crate::wire_struct! {
    /// Params of `notifications/message` (`LoggingMessageNotificationParams`).
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct LoggingMessageParams {
        /// Severity.
        pub level: LoggingLevel,
        /// Which logger issued it.
        pub logger: Option<String> [optional],
        /// The message: any JSON value (a string, or an object with details). Required, though
        /// `null` is a valid value.
        pub data: Value,
        /// Metadata.
        pub meta: Option<Meta> = "_meta" [optional],
    }
}

impl LoggingMessageParams {
    /// A message of `level` with `data`.
    pub fn new(level: LoggingLevel, data: impl Into<Value>) -> Self {
        Self {
            level,
            logger: None,
            data: data.into(),
            meta: None,
            extra: Extra::new(),
        }
    }

    /// Sets the logger name.
    pub fn with_logger(mut self, logger: impl Into<String>) -> Self {
        self.logger = Some(logger.into());
        self
    }
}

crate::shape_unchanged!(SetLevelParams, LoggingMessageParams);

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn set_level_round_trips_and_ends_in_2025_11_25() {
        let v = json!({"level": "warning", "_meta": {"progressToken": 3}});
        let p: SetLevelParams = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(p.level, LoggingLevel::Warning);
        assert_eq!(serde_json::to_value(&p).unwrap(), v);
        let loud: SetLevelParams = serde_json::from_value(json!({"level": "loud"})).unwrap();
        assert_eq!(loud.level, LoggingLevel::Unknown("loud".into()));
        assert!(serde_json::from_value::<SetLevelParams>(json!({"level": 3})).is_err());
        assert!(SetLevel::exists_in(ProtocolVersion::V2025_11_25));
        assert!(!SetLevel::exists_in(ProtocolVersion::V2026_07_28));
        assert!(LoggingMessage::exists_in(ProtocolVersion::V2026_07_28));
    }

    #[test]
    fn message_round_trips_with_unknown_fields() {
        let v = json!({
            "level": "error",
            "logger": "database",
            "data": {"error": "Connection failed", "details": {"host": "localhost", "port": 5432}},
            "seq": 7
        });
        let p: LoggingMessageParams = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(p.extra["seq"], 7);
        assert_eq!(serde_json::to_value(&p).unwrap(), v);
    }

    #[test]
    fn data_is_required_but_may_be_null() {
        assert!(serde_json::from_value::<LoggingMessageParams>(json!({"level": "info"})).is_err());
        let p: LoggingMessageParams =
            serde_json::from_value(json!({"level": "info", "data": null})).unwrap();
        assert_eq!(p.data, Value::Null);
        assert_eq!(
            serde_json::to_value(&p).unwrap(),
            json!({"level": "info", "data": null})
        );
        let p = LoggingMessageParams::new(LoggingLevel::Debug, "hello").with_logger("l");
        assert_eq!(
            serde_json::to_value(&p).unwrap(),
            json!({"level": "debug", "logger": "l", "data": "hello"})
        );
    }
}
