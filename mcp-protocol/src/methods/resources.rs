//! Resources (server/resources): `resources/list`, `resources/templates/list`,
//! `resources/read` and `notifications/resources/list_changed`.
//!
//! Subscriptions to a single resource (`resources/subscribe`, `resources/unsubscribe`,
//! `notifications/resources/updated`) are in the sibling module of resource subscriptions ([`crate::methods::Subscribe`]).

use serde::Serialize;

use crate::method::{ClientRequest, Notification, Request, ServerNotification};
use crate::shape::Shape;
use crate::types::{
    Annotations, Extra, Icon, InputResponses, Meta, NotificationParams, PaginatedParams,
    ResourceContents, shape_cache_hints, shape_result_type,
};
use crate::version::ProtocolVersion;

/// `resources/list`: the resources the server offers, a page at a time.
#[derive(Debug)]
pub enum ListResources {}

impl Request for ListResources {
    const METHOD: &'static str = "resources/list";
    const SINCE: ProtocolVersion = ProtocolVersion::V2024_11_05;
    type Params = PaginatedParams;
    type Result = ListResourcesResult;
}
impl ClientRequest for ListResources {}

/// `resources/templates/list`: the URI templates of parameterized resources, a page at a
/// time.
#[derive(Debug)]
pub enum ListResourceTemplates {}

impl Request for ListResourceTemplates {
    const METHOD: &'static str = "resources/templates/list";
    const SINCE: ProtocolVersion = ProtocolVersion::V2024_11_05;
    type Params = PaginatedParams;
    type Result = ListResourceTemplatesResult;
}
impl ClientRequest for ListResourceTemplates {}

/// `resources/read`: the contents of a resource.
#[derive(Debug)]
pub enum ReadResource {}

impl Request for ReadResource {
    const METHOD: &'static str = "resources/read";
    const SINCE: ProtocolVersion = ProtocolVersion::V2024_11_05;
    type Params = ReadResourceParams;
    type Result = ReadResourceResult;
}
impl ClientRequest for ReadResource {}

/// `notifications/resources/list_changed`: the resource list changed. In 2026-07-28 only
/// sent on a `subscriptions/listen` stream that asked for `resourcesListChanged`.
#[derive(Debug)]
pub enum ResourceListChanged {}

impl Notification for ResourceListChanged {
    const METHOD: &'static str = "notifications/resources/list_changed";
    const SINCE: ProtocolVersion = ProtocolVersion::V2024_11_05;
    type Params = NotificationParams;
}
impl ServerNotification for ResourceListChanged {}

crate::wire_struct! {
    /// A resource the server can read (`Resource`).
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct Resource {
        /// The resource's URI.
        pub uri: String,
        /// Programmatic name.
        pub name: String,
        /// Display name (2025-06-18 on).
        pub title: Option<String> [optional],
        /// What the resource is; a hint for the model.
        pub description: Option<String> [optional],
        /// MIME type, if known.
        pub mime_type: Option<String> = "mimeType" [optional],
        /// Size of the raw contents in bytes (before base64), if known.
        pub size: Option<u64> [optional],
        /// Hints for the client.
        pub annotations: Option<Annotations> [optional],
        /// Icons (2025-11-25 on).
        pub icons: Option<Vec<Icon>> [optional],
        /// Metadata (2025-06-18 on).
        pub meta: Option<Meta> = "_meta" [optional],
    }
}

impl Resource {
    /// A resource with a URI and a name.
    pub fn new(uri: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            uri: uri.into(),
            name: name.into(),
            title: None,
            description: None,
            mime_type: None,
            size: None,
            annotations: None,
            icons: None,
            meta: None,
            extra: Extra::new(),
        }
    }

    /// Sets the description.
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Sets the MIME type.
    pub fn with_mime_type(mut self, mime_type: impl Into<String>) -> Self {
        self.mime_type = Some(mime_type.into());
        self
    }
}

impl Shape for Resource {
    fn shape(&mut self, version: ProtocolVersion) {
        self.annotations.shape(version);
        if version < ProtocolVersion::V2025_06_18 {
            self.title = None;
            self.meta = None;
        }
        if version < ProtocolVersion::V2025_11_25 {
            self.icons = None;
        }
    }
}

crate::wire_struct! {
    /// A template for resources the server can read (`ResourceTemplate`): an RFC 6570 URI
    /// template such as `file:///{path}`.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct ResourceTemplate {
        /// The RFC 6570 URI template.
        pub uri_template: String = "uriTemplate",
        /// Programmatic name.
        pub name: String,
        /// Display name (2025-06-18 on).
        pub title: Option<String> [optional],
        /// What the matching resources are; a hint for the model.
        pub description: Option<String> [optional],
        /// MIME type of every matching resource, if they all share one.
        pub mime_type: Option<String> = "mimeType" [optional],
        /// Hints for the client.
        pub annotations: Option<Annotations> [optional],
        /// Icons (2025-11-25 on).
        pub icons: Option<Vec<Icon>> [optional],
        /// Metadata (2025-06-18 on).
        pub meta: Option<Meta> = "_meta" [optional],
    }
}

impl ResourceTemplate {
    /// A template with a URI template and a name.
    pub fn new(uri_template: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            uri_template: uri_template.into(),
            name: name.into(),
            title: None,
            description: None,
            mime_type: None,
            annotations: None,
            icons: None,
            meta: None,
            extra: Extra::new(),
        }
    }

    /// Sets the description.
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }
}

impl Shape for ResourceTemplate {
    fn shape(&mut self, version: ProtocolVersion) {
        self.annotations.shape(version);
        if version < ProtocolVersion::V2025_06_18 {
            self.title = None;
            self.meta = None;
        }
        if version < ProtocolVersion::V2025_11_25 {
            self.icons = None;
        }
    }
}

crate::list_result! {
    /// Result of `resources/list` (`ListResourcesResult`).
    ListResourcesResult {
        /// The resources on this page.
        resources: Resource
    }
}

crate::list_result! {
    /// Result of `resources/templates/list` (`ListResourceTemplatesResult`).
    ListResourceTemplatesResult {
        /// The templates on this page.
        resource_templates: ResourceTemplate = "resourceTemplates"
    }
}

crate::wire_struct! {
    /// Params of `resources/read` (`ReadResourceRequestParams`).
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct ReadResourceParams {
        /// The URI to read; any scheme, possibly one expanded from a template.
        pub uri: String,
        /// MRTR: the client's answers to the server's `inputRequests` (2026-07-28).
        pub input_responses: Option<InputResponses> = "inputResponses" [optional],
        /// MRTR: the opaque state the server returned with `input_required` (2026-07-28).
        pub request_state: Option<String> = "requestState" [optional],
        /// Request metadata.
        pub meta: Option<Meta> = "_meta" [optional],
    }
}

impl ReadResourceParams {
    /// A read of `uri`.
    pub fn new(uri: impl Into<String>) -> Self {
        Self {
            uri: uri.into(),
            input_responses: None,
            request_state: None,
            meta: None,
            extra: Extra::new(),
        }
    }
}

impl Shape for ReadResourceParams {
    fn shape(&mut self, version: ProtocolVersion) {
        if version < ProtocolVersion::V2026_07_28 {
            self.input_responses = None;
            self.request_state = None;
        }
    }
}

crate::wire_struct! {
    /// Result of `resources/read` (`ReadResourceResult`). A read may return several contents
    /// (a directory, say), each with its own URI.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct ReadResourceResult {
        /// The contents read.
        pub contents: Vec<ResourceContents>,
    }
    cacheable_result;
}

impl ReadResourceResult {
    /// A result with these contents.
    pub fn new(contents: Vec<ResourceContents>) -> Self {
        Self {
            contents,
            ..Self::default()
        }
    }
}

impl Shape for ReadResourceResult {
    fn shape(&mut self, version: ProtocolVersion) {
        self.contents.shape(version);
        shape_cache_hints(&mut self.ttl_ms, &mut self.cache_scope, version);
        shape_result_type(&mut self.result_type, version);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn list_json() -> Value {
        json!({
            "resultType": "complete",
            "resources": [{
                "uri": "file:///project/src/main.rs",
                "name": "main.rs",
                "title": "Main",
                "description": "Entry point",
                "mimeType": "text/x-rust",
                "size": 42,
                "annotations": {"audience": ["user"], "priority": 0.5, "lastModified": "2025-01-12T15:00:58Z"},
                "icons": [{"src": "https://e.x/r.png", "sizes": ["48x48"]}],
                "_meta": {"a": 1},
                "vendorField": "kept"
            }],
            "nextCursor": "abc",
            "ttlMs": 600000,
            "cacheScope": "private"
        })
    }

    #[test]
    fn list_result_round_trips_with_unknown_fields() {
        let r: ListResourcesResult = serde_json::from_value(list_json()).unwrap();
        assert_eq!(r.resources[0].extra["vendorField"], "kept");
        assert_eq!(r.resources[0].size, Some(42));
        assert_eq!(serde_json::to_value(&r).unwrap(), list_json());
    }

    #[test]
    fn list_result_loses_newer_fields_for_older_versions() {
        let r: ListResourcesResult = serde_json::from_value(list_json()).unwrap();
        let v = serde_json::to_value(r.shaped(ProtocolVersion::V2024_11_05)).unwrap();
        assert_eq!(
            v,
            json!({
                "resources": [{
                    "uri": "file:///project/src/main.rs",
                    "name": "main.rs",
                    "description": "Entry point",
                    "mimeType": "text/x-rust",
                    "size": 42,
                    "annotations": {"audience": ["user"], "priority": 0.5},
                    "vendorField": "kept"
                }],
                "nextCursor": "abc"
            })
        );
        let r: ListResourcesResult = serde_json::from_value(list_json()).unwrap();
        let v = serde_json::to_value(r.shaped(ProtocolVersion::V2025_06_18)).unwrap();
        assert_eq!(v["resources"][0]["title"], "Main");
        assert!(v["resources"][0].get("icons").is_none());
        assert!(v.get("ttlMs").is_none());
    }

    // requirement: 1.5, 5.21
    #[test]
    fn list_result_gets_cache_hints_and_result_type_in_2026() {
        let r = ListResourcesResult::new(vec![Resource::new("a://b", "b")])
            .shaped(ProtocolVersion::V2026_07_28);
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v["ttlMs"], 0);
        assert_eq!(v["cacheScope"], "private");
        assert_eq!(v["resultType"], "complete");
    }

    #[test]
    fn templates_round_trip_and_shape() {
        let v = json!({
            "resourceTemplates": [{
                "uriTemplate": "file:///{path}",
                "name": "files",
                "title": "Files",
                "mimeType": "application/octet-stream",
                "icons": [{"src": "https://e.x/f.png"}]
            }],
            "ttlMs": 3600000,
            "cacheScope": "public",
            "resultType": "complete"
        });
        let r: ListResourceTemplatesResult = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(serde_json::to_value(&r).unwrap(), v);
        let old = serde_json::to_value(r.shaped(ProtocolVersion::V2025_03_26)).unwrap();
        assert_eq!(
            old,
            json!({"resourceTemplates": [{
                "uriTemplate": "file:///{path}",
                "name": "files",
                "mimeType": "application/octet-stream"
            }]})
        );
    }

    #[test]
    fn read_params_drop_mrtr_fields_before_2026() {
        let v = json!({
            "uri": "file:///x",
            "inputResponses": {"k": {"action": "accept"}},
            "requestState": "s",
            "_meta": {"io.modelcontextprotocol/protocolVersion": "2026-07-28"}
        });
        let p: ReadResourceParams = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(serde_json::to_value(&p).unwrap(), v);
        let old = p.shaped(ProtocolVersion::V2025_11_25);
        assert_eq!(old.input_responses, None);
        assert_eq!(old.request_state, None);
        assert_eq!(old.uri, "file:///x");
    }

    #[test]
    fn read_result_round_trips_and_shapes() {
        let v = json!({
            "contents": [
                {"uri": "file:///a", "mimeType": "text/plain", "text": "hi", "_meta": {"m": 1}},
                {"uri": "file:///b", "blob": "AAEC"}
            ],
            "ttlMs": 60000,
            "cacheScope": "private",
            "resultType": "complete"
        });
        let r: ReadResourceResult = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(serde_json::to_value(&r).unwrap(), v);
        let old = serde_json::to_value(r.shaped(ProtocolVersion::V2024_11_05)).unwrap();
        assert_eq!(
            old,
            json!({"contents": [
                {"uri": "file:///a", "mimeType": "text/plain", "text": "hi"},
                {"uri": "file:///b", "blob": "AAEC"}
            ]})
        );
    }

    #[test]
    fn missing_required_fields_fail() {
        assert!(serde_json::from_value::<Resource>(json!({"uri": "a://b"})).is_err());
        assert!(serde_json::from_value::<ReadResourceParams>(json!({})).is_err());
    }
}
