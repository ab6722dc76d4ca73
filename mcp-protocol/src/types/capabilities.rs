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
        pub experimental: Option<serde_json::Map<String, serde_json::Value>> [optional],
        /// The client can list roots.
        pub roots: Option<RootsCapability> [optional],
        /// The client can sample from an LLM.
        pub sampling: Option<SamplingCapability> [optional],
        /// The client can elicit input from the user (2025-06-18 on).
        pub elicitation: Option<ElicitationCapability> [optional],
        /// Tasks the client supports (2025-11-25 only; an extension from 2026-07-28).
        pub tasks: Option<JsonObject> [optional],
        /// MCP extensions the client supports, by identifier (2026-07-28).
        pub extensions: Option<serde_json::Map<String, serde_json::Value>> [optional],
    }
}

crate::wire_struct! {
    /// `roots` client capability.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct RootsCapability {
        /// The client sends `notifications/roots/list_changed` (session era).
        pub list_changed: Option<bool> = "listChanged" [optional],
    }
}

crate::wire_struct! {
    /// `sampling` client capability.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct SamplingCapability {
        /// Context inclusion through `includeContext` is supported (2025-11-25 on).
        pub context: Option<JsonObject> [optional],
        /// Tool use through `tools` / `toolChoice` is supported (2025-11-25 on).
        pub tools: Option<JsonObject> [optional],
    }
}

crate::wire_struct! {
    /// `elicitation` client capability. An empty object means form mode only (2025-06-18).
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct ElicitationCapability {
        /// Form mode (2025-11-25 on; implied by an empty object).
        pub form: Option<JsonObject> [optional],
        /// URL mode (2025-11-25 on).
        pub url: Option<JsonObject> [optional],
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
        pub experimental: Option<serde_json::Map<String, serde_json::Value>> [optional],
        /// The server sends log messages.
        pub logging: Option<JsonObject> [optional],
        /// The server completes arguments (2025-03-26 on).
        pub completions: Option<JsonObject> [optional],
        /// The server offers prompts.
        pub prompts: Option<ListChangedCapability> [optional],
        /// The server offers resources.
        pub resources: Option<ResourcesCapability> [optional],
        /// The server offers tools.
        pub tools: Option<ListChangedCapability> [optional],
        /// Tasks the server supports (2025-11-25 only; an extension from 2026-07-28).
        pub tasks: Option<JsonObject> [optional],
        /// MCP extensions the server supports, by identifier (2026-07-28).
        pub extensions: Option<serde_json::Map<String, serde_json::Value>> [optional],
    }
}

crate::wire_struct! {
    /// A capability whose only option is `listChanged` (`prompts`, `tools`).
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct ListChangedCapability {
        /// The server announces changes to the list.
        pub list_changed: Option<bool> = "listChanged" [optional],
    }
}

crate::wire_struct! {
    /// `resources` server capability.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct ResourcesCapability {
        /// The server supports `resources/subscribe` (or, in 2026-07-28, resource subscriptions
        /// on `subscriptions/listen`).
        pub subscribe: Option<bool> [optional],
        /// The server announces changes to the list.
        pub list_changed: Option<bool> = "listChanged" [optional],
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
        // `extensions` is 2026-07-28 only: the 2025-11-25 schema's ClientCapabilities has
        // `elicitation`, `experimental`, `roots`, `sampling` and `tasks`, no `extensions`
        // (nor has its ServerCapabilities), so dropping it there is what the schema requires.
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
        // 2026-07-28 only, as for the client (see `ClientCapabilities`'s shape).
        if version < ProtocolVersion::V2026_07_28 {
            self.extensions = None;
        }
    }
}
