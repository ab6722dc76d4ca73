//! What each side can do (`ClientCapabilities`, `ServerCapabilities`), for every revision.
//!
//! Capability flags whose value is an open object (`logging: {}`) are [`JsonObject`]s: present
//! means supported. Unknown capabilities are kept in `extra`.

use serde::Serialize;

use crate::shape::Shape;
use crate::types::JsonObject;
use crate::version::ProtocolVersion;

crate::wire_struct! {
    /// Capabilities a client may declare. Unknown capabilities are kept in `extra`.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct ClientCapabilities {
        /// Non-standard capabilities.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub experimental: Option<serde_json::Map<String, serde_json::Value>>,
        /// The client can list roots.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub roots: Option<RootsCapability>,
        /// The client can sample from an LLM.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub sampling: Option<SamplingCapability>,
        /// The client can elicit input from the user (2025-06-18 on).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub elicitation: Option<ElicitationCapability>,
        /// Tasks the client supports (2025-11-25 only; an extension from 2026-07-28).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub tasks: Option<JsonObject>,
        /// MCP extensions the client supports, by identifier (2026-07-28).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub extensions: Option<serde_json::Map<String, serde_json::Value>>,
    }
}

crate::wire_struct! {
    /// `roots` client capability.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct RootsCapability {
        /// The client sends `notifications/roots/list_changed` (session era).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub list_changed: Option<bool> = "listChanged",
    }
}

crate::wire_struct! {
    /// `sampling` client capability.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct SamplingCapability {
        /// Context inclusion through `includeContext` is supported (2025-11-25 on).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub context: Option<JsonObject>,
        /// Tool use through `tools` / `toolChoice` is supported (2025-11-25 on).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub tools: Option<JsonObject>,
    }
}

crate::wire_struct! {
    /// `elicitation` client capability. An empty object means form mode only (2025-06-18).
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct ElicitationCapability {
        /// Form mode (2025-11-25 on; implied by an empty object).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub form: Option<JsonObject>,
        /// URL mode (2025-11-25 on).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub url: Option<JsonObject>,
    }
}

impl ElicitationCapability {
    /// Whether form mode is supported: declared, or implied by an empty capability.
    pub fn supports_form(&self) -> bool {
        self.form.is_some() || self.url.is_none()
    }

    /// Whether URL mode is supported.
    pub fn supports_url(&self) -> bool {
        self.url.is_some()
    }
}

crate::wire_struct! {
    /// Capabilities a server may declare. Unknown capabilities are kept in `extra`.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct ServerCapabilities {
        /// Non-standard capabilities.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub experimental: Option<serde_json::Map<String, serde_json::Value>>,
        /// The server sends log messages.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub logging: Option<JsonObject>,
        /// The server completes arguments (2025-03-26 on).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub completions: Option<JsonObject>,
        /// The server offers prompts.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub prompts: Option<ListChangedCapability>,
        /// The server offers resources.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub resources: Option<ResourcesCapability>,
        /// The server offers tools.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub tools: Option<ListChangedCapability>,
        /// Tasks the server supports (2025-11-25 only; an extension from 2026-07-28).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub tasks: Option<JsonObject>,
        /// MCP extensions the server supports, by identifier (2026-07-28).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub extensions: Option<serde_json::Map<String, serde_json::Value>>,
    }
}

crate::wire_struct! {
    /// A capability whose only option is `listChanged` (`prompts`, `tools`).
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct ListChangedCapability {
        /// The server announces changes to the list.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub list_changed: Option<bool> = "listChanged",
    }
}

crate::wire_struct! {
    /// `resources` server capability.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct ResourcesCapability {
        /// The server supports `resources/subscribe` (or, in 2026-07-28, resource subscriptions
        /// on `subscriptions/listen`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub subscribe: Option<bool>,
        /// The server announces changes to the list.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub list_changed: Option<bool> = "listChanged",
    }
}

impl Shape for ClientCapabilities {
    fn shape(&mut self, version: ProtocolVersion) {
        if version < ProtocolVersion::V2025_06_18 {
            self.elicitation = None;
        }
        if version < ProtocolVersion::V2025_11_25 {
            if let Some(e) = &mut self.elicitation {
                e.form = None;
                e.url = None;
            }
            if let Some(s) = &mut self.sampling {
                s.context = None;
                s.tools = None;
            }
        }
        // 2026-07-28 has no roots/list_changed notification.
        if version >= ProtocolVersion::V2026_07_28
            && let Some(r) = &mut self.roots
        {
            r.list_changed = None;
        }
        if version != ProtocolVersion::V2025_11_25 {
            self.tasks = None;
        }
        if version < ProtocolVersion::V2026_07_28 {
            self.extensions = None;
        }
    }
}

impl Shape for ServerCapabilities {
    fn shape(&mut self, version: ProtocolVersion) {
        if version < ProtocolVersion::V2025_03_26 {
            self.completions = None;
        }
        if version != ProtocolVersion::V2025_11_25 {
            self.tasks = None;
        }
        if version < ProtocolVersion::V2026_07_28 {
            self.extensions = None;
        }
    }
}
