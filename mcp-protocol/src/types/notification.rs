//! Params of notifications that carry nothing but `_meta` (`NotificationParams`), and of
//! requests that carry nothing but `_meta` (`RequestParams`).

use serde::Serialize;

use crate::types::Meta;

crate::wire_struct! {
    /// Params of a notification with no fields of its own (`list_changed` and the like).
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct NotificationParams {
        /// Metadata.
        pub meta: Option<Meta> = "_meta" [optional],
    }
}

crate::wire_struct! {
    /// Params of a request with no fields of its own (`ping`, `server/discover`, …).
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct RequestParams {
        /// Request metadata.
        pub meta: Option<Meta> = "_meta" [optional],
    }
}

crate::shape_unchanged!(NotificationParams, RequestParams);

crate::wire_struct! {
    /// A result with no fields of its own (`EmptyResult`): the answer to `ping`,
    /// `logging/setLevel`, `resources/subscribe`, ….
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct EmptyResult {
        /// Result kind (2026-07-28).
        pub result_type: Option<crate::types::ResultType> = "resultType" [optional],
        /// Result metadata.
        pub meta: Option<Meta> = "_meta" [optional],
    }
}

impl crate::shape::Shape for EmptyResult {
    fn shape(&mut self, version: crate::version::ProtocolVersion) {
        crate::types::shape_result_type(&mut self.result_type, version);
    }
}
