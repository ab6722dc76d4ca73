//! Lifecycle (basic/lifecycle): the `initialize` handshake and `notifications/initialized`.
//!
//! Session era only (2024-11-05 … 2025-11-25). From 2026-07-28 there is no handshake: every
//! request carries its version and capabilities in `_meta`, and `server/discover`
//! ([`crate::methods::Discover`]) tells a client up front what a server supports.

use serde::Serialize;

use crate::method::{ClientNotification, ClientRequest, Notification, Request};
use crate::shape::Shape;
use crate::types::{
    ClientCapabilities, Extra, Implementation, Meta, NotificationParams, ResultType,
    ServerCapabilities, shape_result_type,
};
use crate::version::ProtocolVersion;

/// `initialize`: the client's first request, proposing a version and declaring its
/// capabilities.
#[derive(Debug)]
pub enum Initialize {}

impl Request for Initialize {
    const METHOD: &'static str = "initialize";
    const SINCE: ProtocolVersion = ProtocolVersion::V2024_11_05;
    const UNTIL: Option<ProtocolVersion> = Some(ProtocolVersion::V2025_11_25);
    type Params = InitializeParams;
    type Result = InitializeResult;
}
impl ClientRequest for Initialize {}

/// `notifications/initialized`: the client accepted the server's answer to `initialize`;
/// normal operation begins.
#[derive(Debug)]
pub enum Initialized {}

impl Notification for Initialized {
    const METHOD: &'static str = "notifications/initialized";
    const SINCE: ProtocolVersion = ProtocolVersion::V2024_11_05;
    const UNTIL: Option<ProtocolVersion> = Some(ProtocolVersion::V2025_11_25);
    type Params = NotificationParams;
}
impl ClientNotification for Initialized {}

crate::wire_struct! {
    /// Params of `initialize` (`InitializeRequestParams`).
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct InitializeParams {
        /// The version the client proposes (its latest). A string, not a [`ProtocolVersion`]:
        /// a newer client may propose a version we do not know, and the server must still answer
        /// (with its own latest).
        pub protocol_version: String = "protocolVersion",
        /// What the client can do.
        pub capabilities: ClientCapabilities,
        /// Who the client is.
        pub client_info: Implementation = "clientInfo",
        /// Request metadata.
        pub meta: Option<Meta> = "_meta" [optional],
    }
}

impl InitializeParams {
    /// Proposes `version` with the given capabilities and identity.
    pub fn new(
        version: ProtocolVersion,
        capabilities: ClientCapabilities,
        client_info: Implementation,
    ) -> Self {
        Self {
            protocol_version: version.as_str().to_owned(),
            capabilities,
            client_info,
            meta: None,
            extra: Extra::new(),
        }
    }

    /// The proposed version, if it is one we know.
    pub fn protocol_version(&self) -> Option<ProtocolVersion> {
        ProtocolVersion::parse(&self.protocol_version)
    }
}

impl Shape for InitializeParams {
    fn shape(&mut self, version: ProtocolVersion) {
        self.capabilities.shape(version);
        self.client_info.shape(version);
    }
}

crate::wire_struct! {
    /// Result of `initialize` (`InitializeResult`).
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct InitializeResult {
        /// The version the server chose: the client's proposal if supported, otherwise the
        /// server's latest. A string, so a client can see (and reject) a version it does not know.
        pub protocol_version: String = "protocolVersion",
        /// What the server can do.
        pub capabilities: ServerCapabilities,
        /// Who the server is.
        pub server_info: Implementation = "serverInfo",
        /// How to use the server; a client may add it to the model's system prompt.
        pub instructions: Option<String> [optional],
        /// Result kind; never sent, since no version with `initialize` knows it.
        pub result_type: Option<ResultType> = "resultType" [optional],
        /// Result metadata.
        pub meta: Option<Meta> = "_meta" [optional],
    }
}

impl InitializeResult {
    /// Answers with `version`, the server's capabilities and identity.
    pub fn new(
        version: ProtocolVersion,
        capabilities: ServerCapabilities,
        server_info: Implementation,
    ) -> Self {
        Self {
            protocol_version: version.as_str().to_owned(),
            capabilities,
            server_info,
            ..Self::default()
        }
    }

    /// Sets the instructions.
    pub fn with_instructions(mut self, instructions: impl Into<String>) -> Self {
        self.instructions = Some(instructions.into());
        self
    }

    /// The chosen version, if it is one we know.
    pub fn protocol_version(&self) -> Option<ProtocolVersion> {
        ProtocolVersion::parse(&self.protocol_version)
    }
}

impl Shape for InitializeResult {
    fn shape(&mut self, version: ProtocolVersion) {
        self.capabilities.shape(version);
        self.server_info.shape(version);
        shape_result_type(&mut self.result_type, version);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn result_json() -> serde_json::Value {
        json!({
            "protocolVersion": "2025-11-25",
            "capabilities": {"logging": {}, "tools": {"listChanged": true}, "x-custom": {}},
            "serverInfo": {
                "name": "srv",
                "version": "1.0",
                "title": "Server",
                "icons": [{"src": "https://e.x/i.png"}],
                "websiteUrl": "https://e.x"
            },
            "instructions": "be nice",
            "_meta": {"k": 1},
            "futureField": true
        })
    }

    #[test]
    fn params_round_trip_and_keep_unknown_fields() {
        let v = json!({
            "protocolVersion": "2099-01-01",
            "capabilities": {"roots": {"listChanged": true}, "sampling": {}},
            "clientInfo": {"name": "cli", "version": "0.1"},
            "_meta": {"progressToken": 1},
            "other": [1, 2]
        });
        let p: InitializeParams = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(p.protocol_version(), None);
        assert_eq!(p.extra["other"], json!([1, 2]));
        assert_eq!(serde_json::to_value(&p).unwrap(), v);
    }

    #[test]
    fn params_require_the_version() {
        let v = json!({"capabilities": {}, "clientInfo": {"name": "c", "version": "1"}});
        assert!(serde_json::from_value::<InitializeParams>(v).is_err());
    }

    #[test]
    fn result_round_trips() {
        let r: InitializeResult = serde_json::from_value(result_json()).unwrap();
        assert_eq!(r.protocol_version(), Some(ProtocolVersion::V2025_11_25));
        assert_eq!(serde_json::to_value(&r).unwrap(), result_json());
    }

    #[test]
    fn result_shaped_for_2024_has_no_title_or_icons() {
        let r: InitializeResult = serde_json::from_value(result_json()).unwrap();
        let v = serde_json::to_value(r.shaped(ProtocolVersion::V2024_11_05)).unwrap();
        assert_eq!(v["serverInfo"], json!({"name": "srv", "version": "1.0"}));
        assert!(v.get("resultType").is_none());
        // Unknown fields are the sender's business and survive shaping.
        assert_eq!(v["futureField"], true);
        assert_eq!(v["capabilities"]["x-custom"], json!({}));
    }

    #[test]
    fn result_shaped_for_2025_06_keeps_title_but_not_icons() {
        let r: InitializeResult = serde_json::from_value(result_json()).unwrap();
        let v = serde_json::to_value(r.shaped(ProtocolVersion::V2025_06_18)).unwrap();
        assert_eq!(v["serverInfo"]["title"], "Server");
        assert!(v["serverInfo"].get("icons").is_none());
        assert!(v["serverInfo"].get("websiteUrl").is_none());
    }

    #[test]
    fn constructors_fill_the_version_string() {
        let p = InitializeParams::new(
            ProtocolVersion::V2025_03_26,
            ClientCapabilities::default(),
            Implementation::new("c", "1"),
        );
        assert_eq!(
            serde_json::to_value(&p).unwrap(),
            json!({
                "protocolVersion": "2025-03-26",
                "capabilities": {},
                "clientInfo": {"name": "c", "version": "1"}
            })
        );
        let r = InitializeResult::new(
            ProtocolVersion::V2025_06_18,
            ServerCapabilities::default(),
            Implementation::new("s", "2"),
        )
        .with_instructions("hi");
        assert_eq!(r.instructions.as_deref(), Some("hi"));
        assert_eq!(r.protocol_version, "2025-06-18");
    }

    #[test]
    fn this_chapter_and_its_siblings_are_in_the_method_table() {
        use crate::method::{Direction, MethodInfo};
        let client = [
            "initialize",
            "notifications/initialized",
            "server/discover",
            "resources/list",
            "resources/templates/list",
            "resources/read",
            "resources/subscribe",
            "resources/unsubscribe",
            "prompts/list",
            "prompts/get",
            "completion/complete",
            "logging/setLevel",
            "subscriptions/listen",
        ];
        let server = [
            "notifications/resources/updated",
            "notifications/resources/list_changed",
            "notifications/prompts/list_changed",
            "notifications/message",
            "notifications/subscriptions/acknowledged",
        ];
        for (names, direction) in [
            (&client[..], Direction::ClientToServer),
            (&server[..], Direction::ServerToClient),
        ] {
            for name in names {
                let row = MethodInfo::lookup(name).unwrap_or_else(|| panic!("{name} missing"));
                assert_eq!(row.direction, direction, "{name}");
            }
        }
        let init = MethodInfo::lookup("initialize").unwrap();
        assert!(!init.exists_in(ProtocolVersion::V2026_07_28));
        assert!(Initialized::exists_in(ProtocolVersion::V2025_11_25));
    }
}
