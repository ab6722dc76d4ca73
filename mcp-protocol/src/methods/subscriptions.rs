//! Subscriptions (2026-07-28; changelog item 4 and basic/transports/streamable-http):
//! `subscriptions/listen` and `notifications/subscriptions/acknowledged`.
//!
//! A client opens one long-lived `subscriptions/listen` request naming the change
//! notifications it wants (every kind is opt-in). The server first acknowledges with the
//! subset it will honour, then sends those notifications tagged with
//! `_meta["io.modelcontextprotocol/subscriptionId"]` (the listen request's id), and answers
//! the request only when it ends the subscription. This replaces the session era's HTTP GET
//! stream and `resources/subscribe`. Request-scoped notifications (progress, log messages)
//! never travel on it.

use serde::Serialize;

use crate::jsonrpc::RequestId;
use crate::method::{ClientRequest, Notification, Request, ServerNotification};
use crate::shape::Shape;
use crate::types::{Extra, Meta, ResultType, shape_result_type};
use crate::version::ProtocolVersion;

/// `subscriptions/listen`: open a stream of the chosen change notifications.
#[derive(Debug)]
pub enum SubscriptionsListen {}

impl Request for SubscriptionsListen {
    const METHOD: &'static str = "subscriptions/listen";
    const SINCE: ProtocolVersion = ProtocolVersion::V2026_07_28;
    type Params = SubscriptionsListenParams;
    type Result = SubscriptionsListenResult;
}
impl ClientRequest for SubscriptionsListen {}

/// `notifications/subscriptions/acknowledged`: the first message on a listen stream, saying
/// which of the requested notifications the server will send.
#[derive(Debug)]
pub enum SubscriptionsAcknowledged {}

impl Notification for SubscriptionsAcknowledged {
    const METHOD: &'static str = "notifications/subscriptions/acknowledged";
    const SINCE: ProtocolVersion = ProtocolVersion::V2026_07_28;
    type Params = SubscriptionsAcknowledgedParams;
}
impl ServerNotification for SubscriptionsAcknowledged {}

crate::wire_struct! {
    /// The notification kinds a client opts in to, or a server agrees to send
    /// (`SubscriptionFilter`). Absent means not wanted.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct SubscriptionFilter {
        /// `notifications/tools/list_changed`.
        pub tools_list_changed: Option<bool> = "toolsListChanged" [optional],
        /// `notifications/prompts/list_changed`.
        pub prompts_list_changed: Option<bool> = "promptsListChanged" [optional],
        /// `notifications/resources/list_changed`.
        pub resources_list_changed: Option<bool> = "resourcesListChanged" [optional],
        /// `notifications/resources/updated` for these resource URIs.
        pub resource_subscriptions: Option<Vec<String>> = "resourceSubscriptions" [optional],
    }
}

impl SubscriptionFilter {
    /// Nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds tool list changes.
    pub fn with_tools_list_changed(mut self) -> Self {
        self.tools_list_changed = Some(true);
        self
    }

    /// Adds prompt list changes.
    pub fn with_prompts_list_changed(mut self) -> Self {
        self.prompts_list_changed = Some(true);
        self
    }

    /// Adds resource list changes.
    pub fn with_resources_list_changed(mut self) -> Self {
        self.resources_list_changed = Some(true);
        self
    }

    /// Adds updates of the resource `uri`.
    pub fn with_resource(mut self, uri: impl Into<String>) -> Self {
        self.resource_subscriptions
            .get_or_insert_with(Vec::new)
            .push(uri.into());
        self
    }

    /// Whether tool list changes are included.
    pub fn tools(&self) -> bool {
        self.tools_list_changed == Some(true)
    }

    /// Whether prompt list changes are included.
    pub fn prompts(&self) -> bool {
        self.prompts_list_changed == Some(true)
    }

    /// Whether resource list changes are included.
    pub fn resources(&self) -> bool {
        self.resources_list_changed == Some(true)
    }

    /// Whether updates of `uri` are included.
    pub fn watches(&self, uri: &str) -> bool {
        self.resource_subscriptions
            .as_deref()
            .is_some_and(|uris| uris.iter().any(|u| u == uri))
    }
}

crate::wire_struct! {
    /// Params of `subscriptions/listen` (`SubscriptionsListenRequestParams`).
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct SubscriptionsListenParams {
        /// What the client wants; the server must send nothing else.
        pub notifications: SubscriptionFilter,
        /// Request metadata (protocol version, client capabilities).
        pub meta: Option<Meta> = "_meta" [optional],
    }
}

impl SubscriptionsListenParams {
    /// Listens for `notifications`.
    pub fn new(notifications: SubscriptionFilter) -> Self {
        Self {
            notifications,
            ..Self::default()
        }
    }
}

crate::wire_struct! {
    /// Params of `notifications/subscriptions/acknowledged`
    /// (`SubscriptionsAcknowledgedNotificationParams`).
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct SubscriptionsAcknowledgedParams {
        /// The requested kinds the server will send: those it does not support are left out.
        pub notifications: SubscriptionFilter,
        /// Metadata (`io.modelcontextprotocol/subscriptionId`).
        pub meta: Option<Meta> = "_meta" [optional],
    }
}

impl SubscriptionsAcknowledgedParams {
    /// Acknowledges `notifications` on the stream opened by request `subscription_id`.
    pub fn new(subscription_id: &RequestId, notifications: SubscriptionFilter) -> Self {
        Self {
            notifications,
            meta: Some(Meta::new().with(Meta::SUBSCRIPTION_ID, subscription_id)),
            extra: Extra::new(),
        }
    }
}

crate::shape_unchanged!(
    SubscriptionFilter,
    SubscriptionsListenParams,
    SubscriptionsAcknowledgedParams
);

crate::wire_struct! {
    /// Result of `subscriptions/listen` (`SubscriptionsListenResult`): sent only when the
    /// server ends the subscription gracefully. Its `_meta` must carry
    /// `io.modelcontextprotocol/subscriptionId`; [`SubscriptionsListenResult::new`] sets it.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct SubscriptionsListenResult {
        /// Result kind.
        pub result_type: Option<ResultType> = "resultType" [optional],
        /// Result metadata (`io.modelcontextprotocol/subscriptionId`, required).
        pub meta: Option<Meta> = "_meta" [optional],
    }
}

impl SubscriptionsListenResult {
    /// The end of the subscription opened by request `subscription_id`.
    pub fn new(subscription_id: &RequestId) -> Self {
        Self {
            meta: Some(Meta::new().with(Meta::SUBSCRIPTION_ID, subscription_id)),
            ..Self::default()
        }
    }

    /// The id of the listen request this result closes.
    pub fn subscription_id(&self) -> Option<RequestId> {
        self.meta.as_ref()?.subscription_id()
    }
}

impl Shape for SubscriptionsListenResult {
    fn shape(&mut self, version: ProtocolVersion) {
        shape_result_type(&mut self.result_type, version);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn listen_params_round_trip() {
        let v = json!({
            "_meta": {
                "io.modelcontextprotocol/protocolVersion": "2026-07-28",
                "io.modelcontextprotocol/clientCapabilities": {}
            },
            "notifications": {
                "toolsListChanged": true,
                "resourceSubscriptions": ["file:///project/config.json"],
                "futureKind": true
            }
        });
        let p: SubscriptionsListenParams = serde_json::from_value(v.clone()).unwrap();
        assert!(p.notifications.tools());
        assert!(!p.notifications.prompts());
        assert!(p.notifications.watches("file:///project/config.json"));
        assert_eq!(p.notifications.extra["futureKind"], true);
        assert_eq!(serde_json::to_value(&p).unwrap(), v);
        assert!(serde_json::from_value::<SubscriptionsListenParams>(json!({})).is_err());
    }

    #[test]
    fn acknowledgement_carries_the_subscription_id() {
        let filter = SubscriptionFilter::new()
            .with_tools_list_changed()
            .with_resource("file:///project/config.json");
        let n = SubscriptionsAcknowledgedParams::new(&RequestId::from("listen-1"), filter);
        assert_eq!(
            serde_json::to_value(&n).unwrap(),
            json!({
                "_meta": {"io.modelcontextprotocol/subscriptionId": "listen-1"},
                "notifications": {
                    "toolsListChanged": true,
                    "resourceSubscriptions": ["file:///project/config.json"]
                }
            })
        );
    }

    #[test]
    fn result_round_trips_and_is_shaped() {
        let v = json!({
            "resultType": "complete",
            "_meta": {"io.modelcontextprotocol/subscriptionId": "listen-1"}
        });
        let r: SubscriptionsListenResult = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(r.subscription_id(), Some(RequestId::from("listen-1")));
        assert_eq!(serde_json::to_value(&r).unwrap(), v);
        let built = SubscriptionsListenResult::new(&RequestId::from(7))
            .shaped(ProtocolVersion::V2026_07_28);
        assert_eq!(
            serde_json::to_value(&built).unwrap(),
            json!({"resultType": "complete", "_meta": {"io.modelcontextprotocol/subscriptionId": 7}})
        );
    }

    #[test]
    fn exists_only_in_2026() {
        assert!(!SubscriptionsListen::exists_in(
            ProtocolVersion::V2025_11_25
        ));
        assert!(SubscriptionsListen::exists_in(ProtocolVersion::V2026_07_28));
        assert!(SubscriptionsAcknowledged::exists_in(
            ProtocolVersion::V2026_07_28
        ));
    }
}
