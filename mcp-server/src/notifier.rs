//! [`Notifier`]: what a handler keeps to tell its client something after the request it
//! served is answered — today, that a URL-mode elicitation finished
//! (`notifications/elicitation/complete`, 2025-11-25 client/elicitation §URL Mode).

use std::fmt;
use std::sync::Arc;

use mcp_protocol::ProtocolVersion;
use mcp_protocol::method::Notification;
use mcp_protocol::methods::{ElicitationComplete, ElicitationCompleteParams};

use crate::session::Outbound;

/// A handle on the connection a request came on, for notifications sent later (from a web
/// callback, say, once the user finished an out-of-band flow). Cheap to clone; sends
/// nothing once the connection is gone.
#[derive(Clone)]
pub struct Notifier {
    pub(crate) outbound: Option<Arc<dyn Outbound>>,
    pub(crate) version: ProtocolVersion,
}

impl fmt::Debug for Notifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Notifier")
            .field("connected", &self.outbound.is_some())
            .field("version", &self.version)
            .finish()
    }
}

impl Notifier {
    /// Tells the client that the URL-mode elicitation `elicitation_id` finished, so it can
    /// retry what waited on it. Returns whether the notification left: `false` when the
    /// negotiated version has no such notification (it exists only in 2025-11-25; 2026-07-28
    /// clients retry on their own), when the request came without a connection to reach
    /// (a stateless HTTP request), or when the connection is gone.
    pub fn elicitation_complete(&self, elicitation_id: &str) -> bool {
        if !ElicitationComplete::exists_in(self.version) {
            return false;
        }
        let Some(outbound) = &self.outbound else {
            return false;
        };
        outbound.notify::<ElicitationComplete>(ElicitationCompleteParams::new(elicitation_id))
    }
}
