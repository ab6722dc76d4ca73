//! Resource subscriptions (server/resources §Subscriptions): `resources/subscribe`,
//! `resources/unsubscribe` and `notifications/resources/updated`.
//!
//! The two requests are session era only. From 2026-07-28 a client lists the URIs it wants
//! to watch in the `resourceSubscriptions` of a `subscriptions/listen` request
//! ([`crate::methods::SubscriptionsListen`]); `notifications/resources/updated` stays and is
//! delivered on that stream.

use serde::Serialize;

use crate::method::{ClientRequest, Notification, Request, ServerNotification};
use crate::types::{EmptyResult, Extra, Meta};
use crate::version::ProtocolVersion;

/// `resources/subscribe`: be told (`notifications/resources/updated`) when a resource changes.
#[derive(Debug)]
pub enum Subscribe {}

impl Request for Subscribe {
    const METHOD: &'static str = "resources/subscribe";
    const SINCE: ProtocolVersion = ProtocolVersion::V2024_11_05;
    const UNTIL: Option<ProtocolVersion> = Some(ProtocolVersion::V2025_11_25);
    type Params = SubscribeParams;
    type Result = EmptyResult;
}
impl ClientRequest for Subscribe {}

/// `resources/unsubscribe`: stop a `resources/subscribe`.
#[derive(Debug)]
pub enum Unsubscribe {}

impl Request for Unsubscribe {
    const METHOD: &'static str = "resources/unsubscribe";
    const SINCE: ProtocolVersion = ProtocolVersion::V2024_11_05;
    const UNTIL: Option<ProtocolVersion> = Some(ProtocolVersion::V2025_11_25);
    type Params = UnsubscribeParams;
    type Result = EmptyResult;
}
impl ClientRequest for Unsubscribe {}

/// `notifications/resources/updated`: a subscribed resource changed; the client may read it
/// again.
#[derive(Debug)]
pub enum ResourceUpdated {}

impl Notification for ResourceUpdated {
    const METHOD: &'static str = "notifications/resources/updated";
    const SINCE: ProtocolVersion = ProtocolVersion::V2024_11_05;
    type Params = ResourceUpdatedParams;
}
impl ServerNotification for ResourceUpdated {}

crate::wire_struct! {
    /// Params of `resources/subscribe` (`SubscribeRequestParams`); `resources/unsubscribe` has
    /// the same shape ([`UnsubscribeParams`]).
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct SubscribeParams {
        /// The resource's URI.
        pub uri: String,
        /// Request metadata.
        pub meta: Option<Meta> = "_meta" [optional],
    }
}

impl SubscribeParams {
    /// Params naming `uri`.
    pub fn new(uri: impl Into<String>) -> Self {
        Self {
            uri: uri.into(),
            meta: None,
            extra: Extra::new(),
        }
    }
}

/// Params of `resources/unsubscribe` (`UnsubscribeRequestParams`): the same as
/// [`SubscribeParams`] in every revision.
pub type UnsubscribeParams = SubscribeParams;

crate::wire_struct! {
    /// Params of `notifications/resources/updated` (`ResourceUpdatedNotificationParams`).
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct ResourceUpdatedParams {
        /// The URI that changed; may be a sub-resource of the one subscribed to.
        pub uri: String,
        /// Metadata (in 2026-07-28, `io.modelcontextprotocol/subscriptionId`).
        pub meta: Option<Meta> = "_meta" [optional],
    }
}

impl ResourceUpdatedParams {
    /// Params naming `uri`.
    pub fn new(uri: impl Into<String>) -> Self {
        Self {
            uri: uri.into(),
            meta: None,
            extra: Extra::new(),
        }
    }
}

crate::shape_unchanged!(SubscribeParams, ResourceUpdatedParams);

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::shape::Shape;

    #[test]
    fn subscribe_params_round_trip() {
        let v = json!({"uri": "file:///a", "_meta": {"progressToken": "t"}, "x": 1});
        let p: SubscribeParams = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(p.extra["x"], 1);
        assert_eq!(serde_json::to_value(&p).unwrap(), v);
        assert_eq!(
            serde_json::to_value(UnsubscribeParams::new("file:///a")).unwrap(),
            json!({"uri": "file:///a"})
        );
    }

    #[test]
    fn updated_params_carry_the_subscription_id() {
        let v = json!({
            "uri": "file:///project/src/main.rs",
            "_meta": {"io.modelcontextprotocol/subscriptionId": "listen-1"}
        });
        let p: ResourceUpdatedParams = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(
            p.meta.as_ref().unwrap().subscription_id(),
            Some(crate::RequestId::from("listen-1"))
        );
        let p = p.shaped(ProtocolVersion::V2024_11_05);
        assert_eq!(serde_json::to_value(&p).unwrap(), v);
    }

    #[test]
    fn the_requests_end_with_the_session_era() {
        assert!(Subscribe::exists_in(ProtocolVersion::V2025_11_25));
        assert!(!Subscribe::exists_in(ProtocolVersion::V2026_07_28));
        assert!(!Unsubscribe::exists_in(ProtocolVersion::V2026_07_28));
        assert!(ResourceUpdated::exists_in(ProtocolVersion::V2026_07_28));
    }
}
