//! Sessions shared among scenarios over stdio. A server started by a command pays its
//! start-up for every process (about 1.4 s of CPU for a Python SDK server, 0.5 s for a Node
//! one), and most scenarios only need an open session. A session whose conversation did
//! nothing but open it and list or ping (`tools/list`, `prompts/list`, `resources/list`,
//! `resources/templates/list`, `ping`), got every answer in time, and met no schema violation,
//! goes back here when its scenario ends; the next scenario that opens a session in the same
//! version, declaring the same client capabilities, takes it instead of starting a process.
//! Listing changes nothing on a server, so the taker finds it as a fresh one would be, and its
//! evidence starts with the opening's lines, marked as reused.
//!
//! A scenario that does anything else on its session (calls a tool, subscribes, sends raw
//! bytes, is asked something by the server, waits in vain) uses it last: it is not given
//! back, and its process ends with it, as before.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use mcp_protocol::ProtocolVersion;
use serde_json::Value;

use super::Wire;

/// The requests that leave a session as it was: a conversation that sent only these (after
/// its handshake) may give its session back. Listing, reading a resource, getting a prompt
/// and asking for completions read the server's state and change nothing the protocol knows
/// of (subscriptions, the log level, tasks and tool calls do).
pub(crate) const LEAVE_AS_IT_WAS: [&str; 8] = [
    "ping",
    "tools/list",
    "prompts/list",
    "resources/list",
    "resources/templates/list",
    "resources/read",
    "prompts/get",
    "completion/complete",
];

/// The most idle sessions kept for one version and set of client capabilities: there are
/// never more than `--jobs` in use at once, so more would only be processes left waiting.
const MAX_IDLE: usize = 8;

/// An open session no scenario uses now.
pub(crate) struct Idle {
    /// Its connection (the process, over stdio).
    pub(crate) wire: Box<dyn Wire>,
    /// What the handshake said: the server's capabilities.
    pub(crate) capabilities: Value,
    /// And the versions it lists (2026-07-28 on).
    pub(crate) supported_versions: Value,
    /// The id the next request takes: ids are not used twice in a session.
    pub(crate) next_id: i64,
    /// The handshake's lines of evidence, shown by every scenario that takes it.
    pub(crate) opening: Vec<String>,
}

/// What a session is kept under: its version, and the client capabilities it declared.
type Key = (ProtocolVersion, String);

/// The idle sessions of one run's target, shared by every clone of its
/// [`super::Target`]; off (nothing is kept) unless the target is a command.
#[derive(Clone, Default)]
pub(crate) struct Sessions {
    on: bool,
    idle: Arc<Mutex<HashMap<Key, Vec<Idle>>>>,
}

impl fmt::Debug for Sessions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        f.debug_struct("Sessions")
            .field("on", &self.on)
            .field("idle", &idle.values().map(Vec::len).sum::<usize>())
            .finish()
    }
}

impl Sessions {
    /// Sessions that are shared (`on`) or not, none idle yet.
    pub(crate) fn new(on: bool) -> Self {
        Self {
            on,
            idle: Arc::default(),
        }
    }

    /// Whether sessions are shared.
    pub(crate) fn on(&self) -> bool {
        self.on
    }

    /// An idle session of `version` that declared `capabilities`, whose connection is still
    /// up; `None` when there is none (or sharing is off).
    pub(crate) fn take(&self, version: ProtocolVersion, capabilities: &str) -> Option<Idle> {
        if !self.on {
            return None;
        }
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        let kept = idle.get_mut(&(version, capabilities.to_owned()))?;
        // Bounded: each pass removes one.
        while let Some(mut session) = kept.pop() {
            if session.wire.alive() {
                return Some(session);
            }
        }
        None
    }

    /// Keeps `session` of `version`, which declared `capabilities`, for a later scenario.
    pub(crate) fn give(&self, version: ProtocolVersion, capabilities: String, session: Idle) {
        if !self.on {
            return;
        }
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        let kept = idle.entry((version, capabilities)).or_default();
        if kept.len() < MAX_IDLE {
            kept.push(session);
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::target::{Conversation, Target};

    /// The in-memory echo server, with sessions shared as over stdio.
    fn shared() -> Target {
        let mut target = Target::memory(mcp_server::Server::builder("echo", "1.0.0").build());
        target.sessions = Sessions::new(true);
        target
    }

    const REUSED: &str = "its process is reused";

    fn reused(c: &mut Conversation) -> bool {
        c.evidence().iter().any(|l| l.contains(REUSED))
    }

    #[tokio::test]
    async fn a_session_that_only_listed_is_taken_again_and_one_that_did_more_is_not() {
        let target = shared();
        let v = ProtocolVersion::V2025_11_25;
        let mut first = Conversation::open(&target, v).await.expect("opens");
        assert!(!reused(&mut first));
        first.request("tools/list", json!({})).await.expect("lists");
        let ids = first.next_id;
        let capabilities = first.capabilities.clone();
        drop(first);

        let mut second = Conversation::open(&target, v).await.expect("opens");
        assert!(reused(&mut second), "{:?}", second.evidence());
        assert_eq!(
            second.next_id, ids,
            "ids go on, not used twice in the session"
        );
        assert_eq!(
            second.capabilities, capabilities,
            "the handshake's answer comes along"
        );
        // Still a working session; then a request that is not a listing.
        second.request("ping", json!({})).await.expect("answers");
        second
            .request("no/such/method", json!({}))
            .await
            .expect("an error answer");
        drop(second);

        let mut third = Conversation::open(&target, v).await.expect("opens");
        assert!(
            !reused(&mut third),
            "a session that did more is not given back"
        );
        // Another version, or other declared capabilities, do not take it either.
        drop(third);
        let mut other = Conversation::open(&target, ProtocolVersion::V2025_06_18)
            .await
            .expect("opens");
        assert!(!reused(&mut other));
    }

    #[tokio::test]
    async fn raw_bytes_keep_a_session_and_sharing_off_shares_nothing() {
        let target = shared();
        let v = ProtocolVersion::V2025_11_25;
        let mut raw = Conversation::open(&target, v).await.expect("opens");
        raw.send_raw(br#"{"jsonrpc":"2.0","id":"r","method":"ping"}"#)
            .await
            .expect("sent");
        drop(raw);
        let mut next = Conversation::open(&target, v).await.expect("opens");
        assert!(!reused(&mut next));

        let mut off = target.clone();
        off.sessions = Sessions::new(false);
        let listed = Conversation::open(&off, v).await.expect("opens");
        drop(listed);
        let mut again = Conversation::open(&off, v).await.expect("opens");
        assert!(!reused(&mut again));
    }
}
