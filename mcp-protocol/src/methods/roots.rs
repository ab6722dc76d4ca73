//! Roots (client/roots): the filesystem roots a client exposes, `roots/list` and
//! `notifications/roots/list_changed`.
//!
//! Session era: a server-to-client request and a client notification. In 2026-07-28
//! `roots/list` survives only as an MRTR input request ([`crate::types::InputRequest`]) with
//! the same result, and the notification is gone.

use serde::Serialize;

use crate::method::{ClientNotification, Notification, Request, ServerRequest};
use crate::shape::Shape;
use crate::types::{Extra, Meta, NotificationParams, RequestParams};
use crate::version::ProtocolVersion;

/// `roots/list`: the server asks which roots the client exposes.
#[derive(Debug)]
pub enum ListRoots {}

impl Request for ListRoots {
    const METHOD: &'static str = "roots/list";
    const SINCE: ProtocolVersion = ProtocolVersion::V2024_11_05;
    // 2026-07-28: only an MRTR input request.
    const UNTIL: Option<ProtocolVersion> = Some(ProtocolVersion::V2025_11_25);
    type Params = RequestParams;
    type Result = ListRootsResult;
}
impl ServerRequest for ListRoots {}

/// `notifications/roots/list_changed`: the client's roots changed (session era only).
#[derive(Debug)]
pub enum RootsListChanged {}

impl Notification for RootsListChanged {
    const METHOD: &'static str = "notifications/roots/list_changed";
    const SINCE: ProtocolVersion = ProtocolVersion::V2024_11_05;
    const UNTIL: Option<ProtocolVersion> = Some(ProtocolVersion::V2025_11_25);
    type Params = NotificationParams;
}
impl ClientNotification for RootsListChanged {}

crate::wire_struct! {
    /// A directory or file the server may work on (`Root`).
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct Root {
        /// The root's URI; `file://` for now.
        pub uri: String,
        /// A display name.
        pub name: Option<String> [optional],
        /// Metadata (2025-06-18 on).
        pub meta: Option<Meta> = "_meta" [optional],
    }
}

impl Root {
    /// A root at `uri`.
    pub fn new(uri: impl Into<String>) -> Self {
        Self {
            uri: uri.into(),
            name: None,
            meta: None,
            extra: Extra::new(),
        }
    }

    /// Sets the display name.
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }
}

impl Shape for Root {
    fn shape(&mut self, version: ProtocolVersion) {
        if version < ProtocolVersion::V2025_06_18 {
            self.meta = None;
        }
    }
}

crate::wire_struct! {
    /// Result of `roots/list` (`ListRootsResult`). In 2026-07-28 it is an MRTR input response,
    /// not a JSON-RPC result: no `resultType`, and the schema has no `_meta` either.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct ListRootsResult {
        /// The roots.
        pub roots: Vec<Root>,
        /// Result metadata (session era).
        pub meta: Option<Meta> = "_meta" [optional],
    }
}

impl ListRootsResult {
    /// A result listing `roots`.
    pub fn new(roots: Vec<Root>) -> Self {
        Self {
            roots,
            ..Self::default()
        }
    }
}

impl Shape for ListRootsResult {
    fn shape(&mut self, version: ProtocolVersion) {
        self.roots.shape(version);
        if version >= ProtocolVersion::V2026_07_28 {
            self.meta = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn result_round_trips_with_unknown_fields() {
        let v = json!({"roots": [{"uri": "file:///a", "name": "A", "_meta": {"k": 1}, "z": 2}],
            "_meta": {"m": 1}, "y": true});
        let r: ListRootsResult = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(r.roots[0].extra["z"], 2);
        assert_eq!(serde_json::to_value(&r).unwrap(), v);
    }

    #[test]
    fn shape_drops_what_versions_do_not_know() {
        let r = ListRootsResult {
            meta: Some(Meta::new().with("m", &1)),
            ..ListRootsResult::new(vec![Root::new("file:///a").with_name("A")])
        };
        let mut with_meta = r.clone();
        with_meta.roots[0].meta = Some(Meta::new());
        let old = with_meta.clone().shaped(ProtocolVersion::V2025_03_26);
        assert!(old.roots[0].meta.is_none() && old.meta.is_some());
        let new = with_meta.shaped(ProtocolVersion::V2026_07_28);
        assert!(new.roots[0].meta.is_some() && new.meta.is_none());
        assert_eq!(
            serde_json::to_value(r.shaped(ProtocolVersion::V2026_07_28)).unwrap(),
            json!({"roots": [{"uri": "file:///a", "name": "A"}]})
        );
    }

    #[test]
    fn markers_end_with_the_session_era() {
        assert!(ListRoots::exists_in(ProtocolVersion::V2025_11_25));
        assert!(!ListRoots::exists_in(ProtocolVersion::V2026_07_28));
        assert!(!RootsListChanged::exists_in(ProtocolVersion::V2026_07_28));
    }

    #[test]
    fn missing_uri_is_an_error() {
        let err = serde_json::from_value::<Root>(json!({"name": "A"})).unwrap_err();
        assert!(err.to_string().contains("uri"), "{err}");
    }
}
