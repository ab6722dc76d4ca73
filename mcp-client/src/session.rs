//! A new session when the server ended ours.
//!
//! 2025-03-26, 2025-06-18, 2025-11-25 basic/transports §Session Management 4: "When a client
//! receives HTTP 404 in response to a request containing an `Mcp-Session-Id`, it MUST start
//! a new session by sending a new `InitializeRequest` without a session ID attached."
//!
//! The HTTP transport turns that 404 into the failed call's [`Error::SessionExpired`] and
//! sends the next `initialize` without the session id. Here the
//! call that saw the error runs the handshake again and is retried once in the new session:
//!
//! ```text
//!  call ─▶ 404 (session expired) ─▶ renew: initialize (no id) ─▶ initialized ─▶ retry once
//!                                     └─ another call renewed since we sent: just retry
//! ```
//!
//! Renewals are one at a time and counted: a call remembers which session it was sent in,
//! and renews only if that session is still the current one, so concurrent calls that hit
//! the same 404 share one new session.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::client::Client;
use crate::connect::era::AwaitingInitializeResult;
use crate::error::{Error, Result};

/// Which session a call was sent in, and the lock that makes renewals one at a time.
#[derive(Debug, Default)]
pub(crate) struct Sessions {
    /// How many times the session was renewed: the current session's number.
    current: AtomicU64,
    /// Held while a renewal runs.
    renewing: tokio::sync::Mutex<()>,
}

impl Sessions {
    /// The number of the current session (compare it with a later one to see whether a
    /// renewal happened in between).
    pub(crate) fn current(&self) -> u64 {
        self.current.load(Ordering::Acquire)
    }
}

/// Whether `error` says that the server ended the session the call was sent in.
pub(crate) fn is_expired(error: &Error) -> bool {
    matches!(error, Error::SessionExpired { .. })
}

impl Client {
    /// Starts a new session, unless one was started since session `sent_in` (the session
    /// the failed call was sent in): the handshake again, with the client's info,
    /// capabilities and versions; the negotiated version and the server's capabilities
    /// become the new session's.
    pub(crate) async fn renew_session(&self, sent_in: u64) -> Result<()> {
        let sessions = &self.inner.sessions;
        let _one_at_a_time = sessions.renewing.lock().await;
        if sessions.current() != sent_in {
            return Ok(()); // another call renewed it meanwhile
        }
        tracing::info!("the server ended the session (HTTP 404); starting a new session");
        let conn = &self.inner.conn;
        let negotiated = match AwaitingInitializeResult::new(conn)?.next(conn).await {
            Ok(n) => n,
            Err(e) => {
                tracing::warn!(error = %e, "starting a new session failed");
                return Err(e);
            }
        };
        tracing::info!(
            version = %negotiated.version,
            server = %negotiated.server_info.name,
            "a new session started"
        );
        self.inner.inbox.set_version(negotiated.version);
        *self.negotiated_lock() = negotiated;
        sessions.current.fetch_add(1, Ordering::AcqRel);
        Ok(())
    }
}
