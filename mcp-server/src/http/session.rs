//! Session-era state of Streamable HTTP (2025-03-26 … 2025-11-25) and of the 2024-11-05
//! HTTP+SSE transport: [`HttpSession`], one map entry per `Mcp-Session-Id` around the
//! dispatch's [`Session`], and [`SessionTable`] with its cap and idle expiry.
//!
//! A session is small on purpose: no task, no buffer, no engine. Its GET stream costs
//! only while it is open; a POST's stream only while its request runs.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use mcp_auth::PrincipalKey;
use mcp_protocol::RequestId;
use tokio_util::sync::CancellationToken;

use super::event_store::EventStore;
use super::outbound::{Link, SessionOutbound};
use super::queue;
use crate::server::Server;
use crate::session::Session;

/// One HTTP session.
#[derive(Debug)]
pub(crate) struct HttpSession {
    /// The `Mcp-Session-Id` (or the legacy `sessionId`).
    pub(crate) id: String,
    pub(crate) session: Arc<Session>,
    pub(crate) link: Arc<Link>,
    /// The identity (issuer + subject) of the principal that opened the session: only it
    /// may use the session
    /// (2025-11-25 basic/security_best_practices §Session Hijacking).
    owner: Option<PrincipalKey>,
    server: Server,
    store: Option<Arc<dyn EventStore>>,
    /// Milliseconds since the table's epoch of the last request.
    last_active: AtomicU64,
    next_stream: AtomicU64,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// Requests being answered, for `notifications/cancelled`.
    inflight: HashMap<RequestId, CancellationToken>,
    /// Response streams whose connection dropped before the response: what is still to
    /// come, waiting for a `GET` with `Last-Event-ID`.
    detached: HashMap<String, queue::Rx>,
    ended: bool,
}

impl HttpSession {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A new stream id of this session (`{session}.{n}`; `.0` is the GET stream).
    pub(crate) fn new_stream(&self) -> String {
        let n = self.next_stream.fetch_add(1, Ordering::Relaxed);
        format!("{}.{n}", self.id)
    }

    /// The id of the session's GET stream.
    pub(crate) fn get_stream_id(&self) -> String {
        format!("{}.0", self.id)
    }

    pub(crate) fn store(&self) -> Option<&Arc<dyn EventStore>> {
        self.store.as_ref()
    }

    /// Records request `id` as running; its token is cancelled by `notifications/cancelled`.
    pub(crate) fn start(&self, id: RequestId, cancel: CancellationToken) {
        self.lock().inflight.insert(id, cancel);
    }

    pub(crate) fn finish(&self, id: &RequestId) {
        self.lock().inflight.remove(id);
    }

    /// `notifications/cancelled` for request `id`.
    pub(crate) fn cancel(&self, id: &RequestId) {
        if let Some(token) = self.lock().inflight.remove(id) {
            token.cancel();
        }
    }

    pub(crate) fn detach(&self, stream: String, rx: queue::Rx) {
        let mut st = self.lock();
        if !st.ended {
            st.detached.insert(stream, rx);
        }
    }

    /// The rest of a detached stream, if it is detached.
    pub(crate) fn reattach(&self, stream: &str) -> Option<queue::Rx> {
        self.lock().detached.remove(stream)
    }

    /// Ends the session: its requests are cancelled, its streams close, its events are
    /// forgotten, and the dispatch no longer sees it.
    pub(crate) fn end(&self) {
        let inflight = {
            let mut st = self.lock();
            if st.ended {
                return;
            }
            st.ended = true;
            st.detached.clear();
            std::mem::take(&mut st.inflight)
        };
        for token in inflight.into_values() {
            token.cancel();
        }
        self.session.closed.cancel();
        self.link.close();
        self.server.sessions().remove(&self.session.id);
        if let Some(store) = &self.store {
            store.forget(&self.id);
        }
    }

    fn is_ended(&self) -> bool {
        self.lock().ended
    }

    fn idle(&self, now: u64, idle: u64) -> bool {
        let st = self.lock();
        if st.ended {
            return true;
        }
        now.saturating_sub(self.last_active.load(Ordering::Relaxed)) >= idle
            && st.inflight.is_empty()
            && !self.link.has_open_stream()
    }
}

/// The sessions of one HTTP endpoint.
#[derive(Debug)]
pub(crate) struct SessionTable {
    map: Mutex<HashMap<String, Arc<HttpSession>>>,
    max: usize,
    idle: Duration,
    epoch: Instant,
    last_sweep: AtomicU64,
}

/// The table is full.
#[derive(Debug)]
pub(crate) struct Full;

impl SessionTable {
    pub(crate) fn new(max: usize, idle: Duration) -> Self {
        Self {
            map: Mutex::default(),
            max,
            idle,
            epoch: Instant::now(),
            last_sweep: AtomicU64::new(0),
        }
    }

    fn map(&self) -> MutexGuard<'_, HashMap<String, Arc<HttpSession>>> {
        self.map.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn now(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// A new session, registered with `server` so broadcasts reach it.
    pub(crate) fn create(
        &self,
        server: &Server,
        store: Option<Arc<dyn EventStore>>,
        owner: Option<PrincipalKey>,
    ) -> Result<Arc<HttpSession>, Full> {
        self.sweep_now_and_then();
        if self.map().len() >= self.max {
            // Full: expire what is idle now before refusing (a full sweep is O(sessions),
            // so it is not done on every creation).
            self.sweep();
        }
        let link = Arc::new(Link::default());
        let number = server.inner.next_session.fetch_add(1, Ordering::Relaxed);
        let session = Arc::new(Session::new(
            number,
            Arc::new(SessionOutbound(link.clone())),
        ));
        let http = Arc::new(HttpSession {
            id: new_session_id(),
            session: session.clone(),
            link,
            owner,
            server: server.clone(),
            store,
            last_active: AtomicU64::new(self.now()),
            next_stream: AtomicU64::new(1),
            state: Mutex::default(),
        });
        {
            let mut map = self.map();
            if map.len() >= self.max {
                return Err(Full);
            }
            map.insert(http.id.clone(), http.clone());
        }
        server.sessions().insert(number, session);
        Ok(http)
    }

    /// The live session named `id`, if `caller` owns it, marked active. Another caller's
    /// session is not found, as if it did not exist.
    pub(crate) fn get(&self, id: &str, caller: Option<&PrincipalKey>) -> Option<Arc<HttpSession>> {
        self.sweep_now_and_then();
        let session = self.map().get(id).cloned()?;
        if session.owner.as_ref() != caller {
            return None;
        }
        if session.is_ended() {
            self.remove(id);
            return None;
        }
        session.last_active.store(self.now(), Ordering::Relaxed);
        Some(session)
    }

    /// Ends and forgets session `id`; false if there is none.
    pub(crate) fn remove(&self, id: &str) -> bool {
        let removed = self.map().remove(id);
        match removed {
            Some(session) => {
                session.end();
                true
            }
            None => false,
        }
    }

    /// Ends every session (the server shuts down).
    pub(crate) fn clear(&self) {
        let all: Vec<_> = self.map().drain().map(|(_, s)| s).collect();
        for session in all {
            session.end();
        }
    }

    /// Expires idle sessions at most every quarter of the idle timeout.
    fn sweep_now_and_then(&self) {
        let now = self.now();
        let every = u64::try_from(self.idle.as_millis() / 4)
            .unwrap_or(u64::MAX)
            .max(1);
        let last = self.last_sweep.load(Ordering::Relaxed);
        if now.saturating_sub(last) >= every
            && self
                .last_sweep
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            self.sweep();
        }
    }

    /// Expires every idle session.
    pub(crate) fn sweep(&self) {
        let now = self.now();
        let idle = u64::try_from(self.idle.as_millis()).unwrap_or(u64::MAX);
        let expired: Vec<_> = {
            let mut map = self.map();
            let ids: Vec<_> = map
                .iter()
                .filter(|(_, s)| s.idle(now, idle))
                .map(|(id, _)| id.clone())
                .collect();
            ids.iter().filter_map(|id| map.remove(id)).collect()
        };
        for session in expired {
            tracing::debug!(session = %session.id, "session expired");
            session.end();
        }
    }
}

/// 128 random bits, hex: unguessable, visible ASCII (2025-11-25 basic/transports §Session
/// Management 1).
fn new_session_id() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the OS random source failed");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
