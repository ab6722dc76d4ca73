//! Discovery (server/discover, 2026-07-28; see also basic/versioning): what a server
//! supports, asked without a handshake.
//!
//! Servers must implement it. A client may call it before anything else to pick a version up
//! front; on stdio a dual-era client uses it as the era probe: any answer other than a
//! `DiscoverResult` or a recognized modern error (or no answer) means a legacy server, and
//! the client falls back to `initialize`.

use serde::Serialize;

use crate::method::{ClientRequest, Request};
use crate::shape::Shape;
use crate::types::{
    CacheScope, RequestParams, ServerCapabilities, shape_cache_hints, shape_result_type,
};
use crate::version::ProtocolVersion;

/// `server/discover`: the server's supported versions, capabilities and instructions.
#[derive(Debug)]
pub enum Discover {}

impl Request for Discover {
    const METHOD: &'static str = "server/discover";
    const SINCE: ProtocolVersion = ProtocolVersion::V2026_07_28;
    type Params = RequestParams;
    type Result = DiscoverResult;
}
impl ClientRequest for Discover {}

crate::wire_struct! {
    /// Result of `server/discover` (`DiscoverResult`, a cacheable result). The server's identity
    /// travels in `_meta` (`io.modelcontextprotocol/serverInfo`), as on every result.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct DiscoverResult {
        /// Every protocol version the server speaks. Strings, not [`ProtocolVersion`]s: a newer
        /// server lists versions we do not know, and the client just skips those
        /// ([`crate::SupportedVersions::choose_from`]).
        pub supported_versions: Vec<String> = "supportedVersions",
        /// What the server can do.
        pub capabilities: ServerCapabilities,
        /// How to use the server; a client may add it to the model's system prompt.
        pub instructions: Option<String> [optional],
    }
    cacheable_result;
}

impl DiscoverResult {
    /// A result listing `versions`, oldest first, with the server's capabilities.
    pub fn new(
        versions: impl IntoIterator<Item = ProtocolVersion>,
        capabilities: ServerCapabilities,
    ) -> Self {
        Self {
            supported_versions: versions
                .into_iter()
                .map(|v| v.as_str().to_owned())
                .collect(),
            capabilities,
            ..Self::default()
        }
    }

    /// Sets the instructions.
    pub fn with_instructions(mut self, instructions: impl Into<String>) -> Self {
        self.instructions = Some(instructions.into());
        self
    }

    /// Sets the cache hints.
    pub fn with_cache(mut self, ttl_ms: u64, scope: CacheScope) -> Self {
        self.ttl_ms = Some(ttl_ms);
        self.cache_scope = Some(scope);
        self
    }

    /// The listed versions that we know, oldest first as listed; unknown ones are skipped.
    pub fn known_versions(&self) -> impl Iterator<Item = ProtocolVersion> + '_ {
        self.supported_versions
            .iter()
            .filter_map(|s| ProtocolVersion::parse(s))
    }
}

impl Shape for DiscoverResult {
    fn shape(&mut self, version: ProtocolVersion) {
        self.capabilities.shape(version);
        shape_cache_hints(&mut self.ttl_ms, &mut self.cache_scope, version);
        shape_result_type(&mut self.result_type, version);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn example() -> serde_json::Value {
        json!({
            "resultType": "complete",
            "supportedVersions": ["2026-07-28", "2099-01-01"],
            "capabilities": {"tools": {}, "resources": {}},
            "_meta": {
                "io.modelcontextprotocol/serverInfo": {"name": "ExampleServer", "version": "1.0.0"}
            },
            "instructions": "Prefer get_weather.",
            "ttlMs": 3600000,
            "cacheScope": "public",
            "somethingNew": 1
        })
    }

    #[test]
    fn decodes_and_round_trips() {
        let r: DiscoverResult = serde_json::from_value(example()).unwrap();
        assert_eq!(r.ttl_ms, Some(3_600_000));
        assert_eq!(r.cache_scope, Some(CacheScope::Public));
        assert_eq!(
            r.known_versions().collect::<Vec<_>>(),
            [ProtocolVersion::V2026_07_28]
        );
        let info = r.meta.as_ref().unwrap().server_info().unwrap().unwrap();
        assert_eq!(info.name, "ExampleServer");
        assert_eq!(serde_json::to_value(&r).unwrap(), example());
    }

    #[test]
    fn shaping_fills_required_fields() {
        let r = DiscoverResult::new(
            [ProtocolVersion::V2026_07_28],
            ServerCapabilities::default(),
        )
        .shaped(ProtocolVersion::V2026_07_28);
        assert_eq!(
            serde_json::to_value(&r).unwrap(),
            json!({
                "supportedVersions": ["2026-07-28"],
                "capabilities": {},
                "ttlMs": 0,
                "cacheScope": "private",
                "resultType": "complete"
            })
        );
    }

    #[test]
    fn builders_set_hints() {
        let r = DiscoverResult::new([], ServerCapabilities::default())
            .with_instructions("x")
            .with_cache(5, CacheScope::Public)
            .shaped(ProtocolVersion::V2026_07_28);
        assert_eq!(r.ttl_ms, Some(5));
        assert_eq!(r.cache_scope, Some(CacheScope::Public));
        assert_eq!(r.instructions.as_deref(), Some("x"));
    }
}
