//! Progress (basic/utilities/progress): `notifications/progress` about a request whose
//! `_meta.progressToken` asked for it.

use serde::Serialize;

use crate::jsonrpc::ProgressToken;
use crate::method::{ClientNotification, Notification, ServerNotification};
use crate::shape::Shape;
use crate::types::{Extra, Meta};
use crate::version::ProtocolVersion;

/// `notifications/progress`: how far along a long request is. `progress` must increase with
/// each notification for the same token.
#[derive(Debug)]
pub enum Progress {}

impl Notification for Progress {
    const METHOD: &'static str = "notifications/progress";
    const SINCE: ProtocolVersion = ProtocolVersion::V2024_11_05;
    type Params = ProgressParams;
}
impl ClientNotification for Progress {}
impl ServerNotification for Progress {}

crate::wire_struct! {
    /// Params of `notifications/progress` (`ProgressNotificationParams`).
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct ProgressParams {
        /// The token from the request's `_meta.progressToken`.
        pub progress_token: ProgressToken = "progressToken",
        /// Progress so far; increases with every notification.
        pub progress: f64,
        /// The total, if known.
        pub total: Option<f64> [optional],
        /// A human-readable message (2025-03-26 on).
        pub message: Option<String> [optional],
        /// Metadata.
        pub meta: Option<Meta> = "_meta" [optional],
    }
}

impl ProgressParams {
    /// Progress for `token`.
    pub fn new(progress_token: ProgressToken, progress: f64, total: Option<f64>) -> Self {
        Self {
            progress_token,
            progress,
            total,
            message: None,
            meta: None,
            extra: Extra::new(),
        }
    }
}

impl Shape for ProgressParams {
    fn shape(&mut self, version: ProtocolVersion) {
        if version < ProtocolVersion::V2025_03_26 {
            self.message = None;
        }
    }
}
