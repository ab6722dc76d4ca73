//! Params of notifications that carry nothing but `_meta` (`NotificationParams`), and of
//! requests that carry nothing but `_meta` (`RequestParams`).

use serde::Serialize;

use crate::types::{Extra, Meta};

/// Params of a notification with no fields of its own (`list_changed` and the like).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct NotificationParams {
    /// Metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
    /// Unknown fields, kept.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::deserialize_with_extra!(NotificationParams { meta: "_meta" });

/// Params of a request with no fields of its own (`ping`, `server/discover`, …).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct RequestParams {
    /// Request metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
    /// Unknown fields, kept.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::deserialize_with_extra!(RequestParams { meta: "_meta" });

crate::shape_unchanged!(NotificationParams, RequestParams);

/// A result with no fields of its own (`EmptyResult`): the answer to `ping`,
/// `logging/setLevel`, `resources/subscribe`, ….
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EmptyResult {
    /// Result kind (2026-07-28).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_type: Option<crate::types::ResultType>,
    /// Result metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
    /// Unknown fields, kept.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::deserialize_with_extra!(EmptyResult {
    result_type: "resultType",
    meta: "_meta",
});

impl crate::shape::Shape for EmptyResult {
    fn shape(&mut self, version: crate::version::ProtocolVersion) {
        crate::types::shape_result_type(&mut self.result_type, version);
    }
}
