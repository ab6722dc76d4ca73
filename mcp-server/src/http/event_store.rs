//! Where SSE events of the session era are kept so that a client can resume a broken
//! stream with `Last-Event-ID` (2025-11-25 basic/transports §Resumability and Redelivery).
//!
//! Event ids name their stream: `{stream}/{seq}`, and a stream id is
//! `{session id}.{n}`, so a `Last-Event-ID` leads to its stream and its session, and
//! never to another session's events.

use std::collections::{HashMap, VecDeque};
use std::fmt::Debug;
use std::sync::{Mutex, PoisonError};

use bytes::Bytes;

/// Storage for the events of resumable SSE streams. Implement it to keep events somewhere
/// shared (several server processes behind one balancer); [`MemoryEventStore`] is the
/// default.
pub trait EventStore: Send + Sync + Debug + 'static {
    /// Stores `data`, the next event of `stream`, and returns the event's id. The id must be
    /// unique across the session's streams and lead back to `stream` in
    /// [`EventStore::after`].
    fn append(&self, stream: &str, data: Bytes) -> String;

    /// The stream that `last_event_id` belongs to and the events stored after it, oldest
    /// first, as `(id, data)`. `None` if the id is unknown (never issued, or forgotten).
    fn after(&self, last_event_id: &str) -> Option<(String, Vec<(String, Bytes)>)>;

    /// Forgets every stream of `session` (it ended).
    fn forget(&self, session: &str);
}

/// Splits a stream id `{session}.{n}` into its session.
pub(crate) fn session_of(stream: &str) -> &str {
    stream.rsplit_once('.').map_or(stream, |(s, _)| s)
}

/// Keeps events in memory: per stream the last [`MemoryEventStore::PER_STREAM`] events,
/// per session the last [`MemoryEventStore::PER_SESSION`] streams.
#[derive(Debug, Default)]
pub struct MemoryEventStore {
    sessions: Mutex<HashMap<String, SessionLog>>,
}

#[derive(Debug, Default)]
struct SessionLog {
    /// Streams, oldest first.
    streams: VecDeque<(String, StreamLog)>,
}

#[derive(Debug, Default)]
struct StreamLog {
    next: u64,
    events: VecDeque<(u64, Bytes)>,
}

impl MemoryEventStore {
    /// Events kept per stream; older ones are dropped (a client that fell this far behind
    /// gets the newest ones only).
    pub const PER_STREAM: usize = 256;
    /// Streams kept per session; the oldest one is forgotten first.
    pub const PER_SESSION: usize = 32;

    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }
}

impl EventStore for MemoryEventStore {
    fn append(&self, stream: &str, data: Bytes) -> String {
        let mut sessions = self.sessions.lock().unwrap_or_else(PoisonError::into_inner);
        let log = sessions.entry(session_of(stream).to_owned()).or_default();
        let pos = match log.streams.iter().position(|(s, _)| s == stream) {
            Some(pos) => pos,
            None => {
                if log.streams.len() >= Self::PER_SESSION {
                    log.streams.pop_front();
                }
                log.streams
                    .push_back((stream.to_owned(), StreamLog::default()));
                log.streams.len() - 1
            }
        };
        let entry = &mut log.streams[pos].1;
        let seq = entry.next;
        entry.next += 1;
        if entry.events.len() >= Self::PER_STREAM {
            entry.events.pop_front();
        }
        entry.events.push_back((seq, data));
        format!("{stream}/{seq}")
    }

    fn after(&self, last_event_id: &str) -> Option<(String, Vec<(String, Bytes)>)> {
        let (stream, seq) = last_event_id.rsplit_once('/')?;
        let seq: u64 = seq.parse().ok()?;
        let sessions = self.sessions.lock().unwrap_or_else(PoisonError::into_inner);
        let log = sessions.get(session_of(stream))?;
        let (_, entry) = log.streams.iter().find(|(s, _)| s == stream)?;
        if seq >= entry.next {
            return None;
        }
        let events = entry
            .events
            .iter()
            .filter(|(n, _)| *n > seq)
            .map(|(n, data)| (format!("{stream}/{n}"), data.clone()))
            .collect();
        Some((stream.to_owned(), events))
    }

    fn forget(&self, session: &str) {
        self.sessions
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(session);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replays_what_follows_an_id_on_its_own_stream_only() {
        let store = MemoryEventStore::new();
        let a0 = store.append("s1.1", Bytes::from_static(b"a0"));
        store.append("s1.2", Bytes::from_static(b"b0"));
        let a1 = store.append("s1.1", Bytes::from_static(b"a1"));
        let (stream, events) = store.after(&a0).unwrap();
        assert_eq!(stream, "s1.1");
        assert_eq!(events, vec![(a1, Bytes::from_static(b"a1"))]);
        assert!(store.after("s1.1/99").is_none());
        assert!(store.after("nonsense").is_none());
        store.forget("s1");
        assert!(store.after(&a0).is_none());
    }
}
