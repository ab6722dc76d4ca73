//! Protocol revisions, the two eras, and version negotiation.
//!
//! - **Session era** (2024-11-05 … 2025-11-25): the client proposes a version in
//!   `initialize`; the server answers with the same version if it supports it, otherwise with
//!   the latest version it supports; a client that does not support the answer disconnects
//!   (basic/lifecycle §Version Negotiation).
//! - **Stateless era** (2026-07-28): no handshake. Every request names its version in
//!   `_meta["io.modelcontextprotocol/protocolVersion"]`; a server that does not support it
//!   answers `UnsupportedProtocolVersionError` (-32022) listing what it supports, and the client
//!   picks again. `server/discover` lists the supported versions up front.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::jsonrpc::ErrorObject;

/// A released MCP revision. Ordered by date, so `v >= ProtocolVersion::V2025_06_18` reads as
/// "has what 2025-06-18 introduced".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ProtocolVersion {
    /// 2024-11-05: the first release; HTTP+SSE transport.
    V2024_11_05,
    /// 2025-03-26: Streamable HTTP, authorization, audio content, tool annotations, batching.
    V2025_03_26,
    /// 2025-06-18: structured tool output, elicitation, resource links, titles; no batching.
    V2025_06_18,
    /// 2025-11-25: tasks, URL elicitation, icons, sampling with tools.
    V2025_11_25,
    /// 2026-07-28: the stateless era: no `initialize`, `server/discover`, MRTR, subscriptions.
    V2026_07_28,
}

/// Which of the two protocol designs a revision belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Era {
    /// 2024-11-05 … 2025-11-25: `initialize` handshake, sessions, server-to-client requests.
    Session,
    /// 2026-07-28 on: every request self-describing, no sessions, MRTR instead of
    /// server-to-client requests.
    Stateless,
}

impl ProtocolVersion {
    /// Every revision, oldest first.
    pub const ALL: [Self; 5] = [
        Self::V2024_11_05,
        Self::V2025_03_26,
        Self::V2025_06_18,
        Self::V2025_11_25,
        Self::V2026_07_28,
    ];

    /// The newest revision.
    pub const LATEST: Self = Self::V2026_07_28;

    /// The newest revision of the session era.
    pub const LATEST_SESSION: Self = Self::V2025_11_25;

    /// The date string used on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::V2024_11_05 => "2024-11-05",
            Self::V2025_03_26 => "2025-03-26",
            Self::V2025_06_18 => "2025-06-18",
            Self::V2025_11_25 => "2025-11-25",
            Self::V2026_07_28 => "2026-07-28",
        }
    }

    /// The revision named by `s`, if it is one we know.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// The era this revision belongs to.
    pub const fn era(self) -> Era {
        match self {
            Self::V2026_07_28 => Era::Stateless,
            _ => Era::Session,
        }
    }

    /// True for the session era (there is an `initialize` handshake).
    pub const fn has_handshake(self) -> bool {
        matches!(self.era(), Era::Session)
    }
}

impl fmt::Display for ProtocolVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The string is not a revision we know.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown MCP protocol version {0:?}")]
pub struct UnknownVersion(pub String);

impl FromStr for ProtocolVersion {
    type Err = UnknownVersion;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s).ok_or_else(|| UnknownVersion(s.to_owned()))
    }
}

impl Serialize for ProtocolVersion {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ProtocolVersion {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Self::parse(&s).ok_or_else(|| serde::de::Error::custom(UnknownVersion(s.into_owned())))
    }
}

/// The versions one side is willing to speak, and the negotiation rules over them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SupportedVersions {
    versions: Vec<ProtocolVersion>,
}

impl Default for SupportedVersions {
    /// Every revision.
    fn default() -> Self {
        Self::new(ProtocolVersion::ALL)
    }
}

/// Why a negotiation failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NegotiationError {
    /// The server answered `initialize` with a version this client does not support; the
    /// client must disconnect (basic/lifecycle §Version Negotiation).
    #[error("the server chose protocol version {chosen:?}, which this client does not support")]
    ServerChoseUnsupported {
        /// What the server answered.
        chosen: String,
    },
    /// No version of the session era is supported, so `initialize` cannot be answered.
    #[error("no session-era protocol version is enabled")]
    NoSessionVersion,
    /// The two sides share no version at all.
    #[error("no protocol version in common (peer offers {offered:?})")]
    NoCommonVersion {
        /// What the peer offered.
        offered: Vec<String>,
    },
}

impl SupportedVersions {
    /// The given versions (order does not matter; duplicates are dropped).
    pub fn new(versions: impl IntoIterator<Item = ProtocolVersion>) -> Self {
        let mut versions: Vec<_> = versions.into_iter().collect();
        versions.sort();
        versions.dedup();
        Self { versions }
    }

    /// The versions, oldest first.
    pub fn as_slice(&self) -> &[ProtocolVersion] {
        &self.versions
    }

    /// Whether `v` is supported.
    pub fn contains(&self, v: ProtocolVersion) -> bool {
        self.versions.contains(&v)
    }

    /// The newest supported version.
    pub fn latest(&self) -> Option<ProtocolVersion> {
        self.versions.last().copied()
    }

    /// The newest supported version of the session era.
    pub fn latest_session(&self) -> Option<ProtocolVersion> {
        self.versions
            .iter()
            .rev()
            .copied()
            .find(|v| v.has_handshake())
    }

    /// Server side of `initialize`: the version to answer when the client asked for
    /// `requested`. The same version if supported (and of the session era), otherwise the
    /// latest supported session-era version.
    pub fn answer_initialize(&self, requested: &str) -> Result<ProtocolVersion, NegotiationError> {
        match ProtocolVersion::parse(requested) {
            Some(v) if v.has_handshake() && self.contains(v) => Ok(v),
            _ => self
                .latest_session()
                .ok_or(NegotiationError::NoSessionVersion),
        }
    }

    /// Client side of `initialize`: checks the version the server chose.
    pub fn accept_initialize(&self, chosen: &str) -> Result<ProtocolVersion, NegotiationError> {
        match ProtocolVersion::parse(chosen) {
            Some(v) if v.has_handshake() && self.contains(v) => Ok(v),
            _ => Err(NegotiationError::ServerChoseUnsupported {
                chosen: chosen.to_owned(),
            }),
        }
    }

    /// Server side of the stateless era: checks the version a request names in its `_meta`.
    /// The error is the `UnsupportedProtocolVersionError` to send back. Its `supported` list
    /// names every version this side speaks, session-era ones included (the 2026-07-28
    /// schema: "Protocol versions the server supports"), so a client learns that it can fall
    /// back to `initialize`.
    pub fn check_request(&self, requested: &str) -> Result<ProtocolVersion, ErrorObject> {
        match ProtocolVersion::parse(requested) {
            Some(v) if !v.has_handshake() && self.contains(v) => Ok(v),
            _ => Err(ErrorObject::unsupported_protocol_version(
                requested,
                &self.versions,
            )),
        }
    }

    /// Client side of the stateless era: the best version to use given what the server
    /// offers (from `server/discover`'s `supportedVersions` or from the `supported` list of an
    /// `UnsupportedProtocolVersionError`): the newest one both sides support.
    pub fn choose_from(&self, offered: &[String]) -> Result<ProtocolVersion, NegotiationError> {
        offered
            .iter()
            .filter_map(|s| ProtocolVersion::parse(s))
            .filter(|v| self.contains(*v))
            .max()
            .ok_or_else(|| NegotiationError::NoCommonVersion {
                offered: offered.to_vec(),
            })
    }

    /// The supported versions of the stateless era.
    pub fn stateless(&self) -> Vec<ProtocolVersion> {
        self.versions
            .iter()
            .copied()
            .filter(|v| !v.has_handshake())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jsonrpc::ErrorCode;
    use ProtocolVersion as V;

    #[test]
    fn versions_are_ordered_by_date_and_round_trip_as_strings() {
        for pair in V::ALL.windows(2) {
            assert!(pair[0] < pair[1]);
            assert!(pair[0].as_str() < pair[1].as_str());
        }
        for v in V::ALL {
            assert_eq!(V::parse(v.as_str()), Some(v));
            let json = serde_json::to_string(&v).unwrap();
            assert_eq!(serde_json::from_str::<V>(&json).unwrap(), v);
        }
        assert_eq!(V::parse("2099-01-01"), None);
        assert_eq!(V::V2026_07_28.era(), Era::Stateless);
        assert_eq!(V::V2025_11_25.era(), Era::Session);
    }

    // requirement: 2.6
    #[test]
    fn initialize_echoes_a_supported_version_and_otherwise_offers_the_latest() {
        let all = SupportedVersions::default();
        assert_eq!(all.answer_initialize("2025-03-26"), Ok(V::V2025_03_26));
        assert_eq!(all.answer_initialize("1999-01-01"), Ok(V::V2025_11_25));
        // 2026-07-28 has no handshake: an initialize asking for it gets the latest session version.
        assert_eq!(all.answer_initialize("2026-07-28"), Ok(V::V2025_11_25));
        let old = SupportedVersions::new([V::V2024_11_05]);
        assert_eq!(old.answer_initialize("2025-11-25"), Ok(V::V2024_11_05));
        let stateless = SupportedVersions::new([V::V2026_07_28]);
        assert_eq!(
            stateless.answer_initialize("2025-11-25"),
            Err(NegotiationError::NoSessionVersion)
        );
    }

    // requirement: 2.7
    #[test]
    fn client_rejects_an_unsupported_choice() {
        let client = SupportedVersions::new([V::V2025_06_18, V::V2025_11_25]);
        assert_eq!(client.accept_initialize("2025-06-18"), Ok(V::V2025_06_18));
        assert!(client.accept_initialize("2024-11-05").is_err());
        assert!(client.accept_initialize("garbage").is_err());
    }

    // requirement: 1.19
    #[test]
    fn stateless_requests_with_unknown_versions_get_32022_with_the_supported_list() {
        let all = SupportedVersions::default();
        assert_eq!(all.check_request("2026-07-28"), Ok(V::V2026_07_28));
        let err = all.check_request("2030-01-01").unwrap_err();
        assert_eq!(err.code, ErrorCode::UNSUPPORTED_PROTOCOL_VERSION);
        let data = err.data.unwrap();
        assert_eq!(data["requested"], "2030-01-01");
        assert_eq!(
            data["supported"],
            serde_json::json!([
                "2024-11-05",
                "2025-03-26",
                "2025-06-18",
                "2025-11-25",
                "2026-07-28"
            ])
        );
        let session_only = SupportedVersions::new([V::V2025_06_18, V::V2025_11_25]);
        let data = session_only
            .check_request("2026-07-28")
            .unwrap_err()
            .data
            .unwrap();
        assert_eq!(
            data["supported"],
            serde_json::json!(["2025-06-18", "2025-11-25"])
        );
        assert!(
            all.check_request("2025-11-25").is_err(),
            "a session-era version has no per-request form"
        );
    }

    #[test]
    fn client_chooses_the_newest_common_version() {
        let client = SupportedVersions::default();
        let offered = vec!["2026-07-28".to_owned(), "2099-01-01".to_owned()];
        assert_eq!(client.choose_from(&offered), Ok(V::V2026_07_28));
        assert!(client.choose_from(&["1999-01-01".to_owned()]).is_err());
    }
}
