//! What a run learns about its target, version by version, as it goes, so that the other
//! scenarios skip without starting a process or sending a message, with the same reason:
//!
//! - the versions the target does not serve: it refused to open a session (it answered
//!   `initialize` with another version, or does not serve `server/discover`, or lists other
//!   versions there) ([`super::Conversation::handshake`]). Only a handshake that is the first
//!   exchange of its connection teaches or uses it: a scenario that sends something before
//!   the handshake (a request before `initialize`) opens the session itself, since what came
//!   first may change the answer;
//! - the versions in which it does not offer the official fixture's contract tool, which
//!   every `official/*` counterpart needs
//!   (`crate::scenario::server::official::open_fixture`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use mcp_protocol::ProtocolVersion;

/// Versions in which a fact holds, each with the reason first seen; shared by every clone of
/// one run's [`super::Target`].
#[derive(Clone, Debug, Default)]
pub(crate) struct Learned(Arc<Mutex<HashMap<ProtocolVersion, String>>>);

impl Learned {
    /// The reason the fact holds in `version`, if a scenario learned it.
    pub(crate) fn why(&self, version: ProtocolVersion) -> Option<String> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&version)
            .cloned()
    }

    /// Keeps that the fact holds in `version`, for `why` (the first reason stays).
    pub(crate) fn learn(&self, version: ProtocolVersion, why: &str) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(version)
            .or_insert_with(|| why.to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fact_learned_is_known_to_every_clone_and_the_first_reason_stays() {
        let run = Learned::default();
        let clone = run.clone();
        assert_eq!(run.why(ProtocolVersion::V2025_11_25), None);
        clone.learn(ProtocolVersion::V2025_11_25, "asked for 2025-11-25");
        run.learn(ProtocolVersion::V2025_11_25, "another reason");
        assert_eq!(
            run.why(ProtocolVersion::V2025_11_25).as_deref(),
            Some("asked for 2025-11-25")
        );
        assert_eq!(Learned::default().why(ProtocolVersion::V2025_11_25), None);
    }
}
