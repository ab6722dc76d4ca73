//! Cancellation (basic/utilities/cancellation): `notifications/cancelled`, sent by either side
//! about a request it sent earlier.

use serde::Serialize;

use crate::jsonrpc::RequestId;
use crate::method::{ClientNotification, Notification, ServerNotification};
use crate::types::{Extra, Meta};
use crate::version::ProtocolVersion;

/// `notifications/cancelled`: the sender no longer wants the result of one of its requests.
/// The receiver should stop work and must not answer; a late answer is ignored.
#[derive(Debug)]
pub enum Cancelled {}

impl Notification for Cancelled {
    const METHOD: &'static str = "notifications/cancelled";
    const SINCE: ProtocolVersion = ProtocolVersion::V2024_11_05;
    type Params = CancelledParams;
}
impl ClientNotification for Cancelled {}
impl ServerNotification for Cancelled {}

crate::wire_struct! {
    /// Params of `notifications/cancelled` (`CancelledNotificationParams`).
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct CancelledParams {
        /// The id of the request to cancel. Required in every revision except 2025-11-25, where
        /// tasks are cancelled with `tasks/cancel` instead and the schema made it optional.
        pub request_id: Option<RequestId> = "requestId" [optional],
        /// Why, for logs.
        pub reason: Option<String> [optional],
        /// Metadata.
        pub meta: Option<Meta> = "_meta" [optional],
    }
}

impl CancelledParams {
    /// Cancels `request_id`, optionally saying why.
    pub fn new(request_id: RequestId, reason: Option<String>) -> Self {
        Self {
            request_id: Some(request_id),
            reason,
            meta: None,
            extra: Extra::new(),
        }
    }
}

crate::shape_unchanged!(CancelledParams);
