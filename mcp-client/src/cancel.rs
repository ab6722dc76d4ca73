//! [`CancelHandle`]: cancelling a call from outside it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::Notify;

/// Cancels the calls it is given to ([`CallOptions::cancel_with`](crate::CallOptions::cancel_with)),
/// from any task: each fails at once with [`Error::Cancelled`](crate::Error::Cancelled), and
/// the server is told (`notifications/cancelled`; in 2026-07-28 over HTTP, the response stream
/// is closed). Dropping a call's future cancels it the same way; the handle is for when the
/// future is out of reach. A handle cancelled before the call starts cancels it at once.
///
/// ```
/// use mcp_client::{CallOptions, CancelHandle};
/// let cancel = CancelHandle::new();
/// let options = CallOptions::new().cancel_with(cancel.clone());
/// // ... hand `options` to a call on another task, then:
/// cancel.cancel();
/// assert!(cancel.is_cancelled());
/// # let _ = options;
/// ```
#[derive(Clone, Debug, Default)]
pub struct CancelHandle {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    cancelled: AtomicBool,
    notify: Notify,
}

impl CancelHandle {
    /// A handle that has not cancelled anything yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Cancels every call given this handle (and every later one).
    pub fn cancel(&self) {
        self.inner.cancelled.store(true, Ordering::Release);
        self.inner.notify.notify_waiters();
    }

    /// Whether [`CancelHandle::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.inner.cancelled.load(Ordering::Acquire)
    }

    /// Completes once the handle is cancelled.
    pub(crate) async fn cancelled(&self) {
        loop {
            let notified = self.inner.notify.notified();
            let mut notified = std::pin::pin!(notified);
            // Registered before the check, so a `cancel` in between is not missed.
            notified.as_mut().enable();
            if self.is_cancelled() {
                return;
            }
            notified.await;
        }
    }
}
