//! What a run learns about its target's versions as it goes: a version in which the target
//! refused to open a session (it answered `initialize` with another version, or does not
//! serve `server/discover`, or lists other versions there). Every scenario of such a version
//! skips for that reason; once one has learned it, the others skip without starting a
//! process or sending a message ([`super::Conversation::handshake`]), with the same reason.
//!
//! Only a handshake that is the first exchange of its connection teaches or uses it: a
//! scenario that sends something before the handshake (a request before `initialize`) opens
//! the session itself, since what came first may change the answer.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use mcp_protocol::ProtocolVersion;

/// The versions a target does not serve, with the reason its handshake gave; shared by
/// every clone of one run's [`super::Target`].
#[derive(Clone, Debug, Default)]
pub(crate) struct Unserved(Arc<Mutex<HashMap<ProtocolVersion, String>>>);

impl Unserved {
    /// Why the target does not serve `version`, if a handshake showed it.
    pub(crate) fn why(&self, version: ProtocolVersion) -> Option<String> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&version)
            .cloned()
    }

    /// Keeps what a handshake in `version` showed: the target does not serve it, for `why`.
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
    fn a_version_learned_is_known_to_every_clone_and_the_first_reason_stays() {
        let run = Unserved::default();
        let clone = run.clone();
        assert_eq!(run.why(ProtocolVersion::V2025_11_25), None);
        clone.learn(ProtocolVersion::V2025_11_25, "asked for 2025-11-25");
        run.learn(ProtocolVersion::V2025_11_25, "another reason");
        assert_eq!(
            run.why(ProtocolVersion::V2025_11_25).as_deref(),
            Some("asked for 2025-11-25")
        );
        assert_eq!(Unserved::default().why(ProtocolVersion::V2025_11_25), None);
    }
}
