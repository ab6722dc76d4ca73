//! Tools (server/tools): `tools/list`, `tools/call`, `notifications/tools/list_changed`.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::method::{ClientRequest, Notification, Request, ServerNotification};
use crate::shape::Shape;
use crate::types::{
    ContentBlock, Extra, Icon, InputResponses, Meta, PaginatedParams, ResultType, TaskMetadata,
    shape_result_type,
};
use crate::version::ProtocolVersion;

/// `tools/list`: the tools the server offers, a page at a time.
#[derive(Debug)]
pub enum ListTools {}

impl Request for ListTools {
    const METHOD: &'static str = "tools/list";
    const SINCE: ProtocolVersion = ProtocolVersion::V2024_11_05;
    type Params = PaginatedParams;
    type Result = ListToolsResult;
}
impl ClientRequest for ListTools {}

/// `tools/call`: invoke a tool.
#[derive(Debug)]
pub enum CallTool {}

impl Request for CallTool {
    const METHOD: &'static str = "tools/call";
    const SINCE: ProtocolVersion = ProtocolVersion::V2024_11_05;
    type Params = CallToolParams;
    type Result = CallToolResult;
}
impl ClientRequest for CallTool {}

/// `notifications/tools/list_changed`: the tool list changed.
#[derive(Debug)]
pub enum ToolListChanged {}

impl Notification for ToolListChanged {
    const METHOD: &'static str = "notifications/tools/list_changed";
    const SINCE: ProtocolVersion = ProtocolVersion::V2024_11_05;
    type Params = crate::types::NotificationParams;
}
impl ServerNotification for ToolListChanged {}

crate::wire_struct! {
    /// A tool the server offers (`Tool`).
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct Tool {
        /// Programmatic name, unique within the server.
        pub name: String,
        /// Display name (2025-06-18 on).
        pub title: Option<String> [optional],
        /// What the tool does; a hint for the model.
        pub description: Option<String> [optional],
        /// JSON Schema of the arguments; its `type` is `"object"`.
        pub input_schema: Map<String, Value> = "inputSchema",
        /// JSON Schema of `structuredContent` (2025-06-18 on).
        pub output_schema: Option<Map<String, Value>> = "outputSchema" [optional],
        /// Behaviour hints (2025-03-26 on). Untrusted unless the server is.
        pub annotations: Option<ToolAnnotations> [optional],
        /// Execution properties: task support (2025-11-25 only; the tasks extension from
        /// 2026-07-28 carries this elsewhere).
        pub execution: Option<ToolExecution> [optional],
        /// Icons (2025-11-25 on).
        pub icons: Option<Vec<Icon>> [optional],
        /// Metadata (2025-06-18 on).
        pub meta: Option<Meta> = "_meta" [optional],
    }
}

impl Tool {
    /// A tool with a name and an input schema.
    pub fn new(name: impl Into<String>, input_schema: Map<String, Value>) -> Self {
        Self {
            name: name.into(),
            title: None,
            description: None,
            input_schema,
            output_schema: None,
            annotations: None,
            execution: None,
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

impl Shape for Tool {
    fn shape(&mut self, version: ProtocolVersion) {
        if version < ProtocolVersion::V2025_03_26 {
            self.annotations = None;
        }
        if version < ProtocolVersion::V2025_06_18 {
            self.title = None;
            self.output_schema = None;
            self.meta = None;
        }
        if version != ProtocolVersion::V2025_11_25 {
            self.execution = None;
        }
        if version < ProtocolVersion::V2025_11_25 {
            self.icons = None;
        }
    }
}

crate::wire_struct! {
    /// Hints about a tool's behaviour (`ToolAnnotations`, 2025-03-26 on). Clients must treat them
    /// as untrusted unless they trust the server.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct ToolAnnotations {
        /// Display name.
        pub title: Option<String> [optional],
        /// The tool changes nothing (default false).
        pub read_only_hint: Option<bool> = "readOnlyHint" [optional],
        /// The tool may destroy or overwrite data (default true when not read-only).
        pub destructive_hint: Option<bool> = "destructiveHint" [optional],
        /// Calling twice with the same arguments has no further effect (default false).
        pub idempotent_hint: Option<bool> = "idempotentHint" [optional],
        /// The tool reaches an open world of external entities (default true).
        pub open_world_hint: Option<bool> = "openWorldHint" [optional],
    }
}

crate::wire_struct! {
    /// Execution properties of a tool (`ToolExecution`, 2025-11-25).
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct ToolExecution {
        /// `"forbidden"` (default), `"optional"` or `"required"`: whether the tool may run as a task.
        pub task_support: Option<String> = "taskSupport" [optional],
    }
}

crate::wire_struct! {
    /// Params of `tools/call` (`CallToolRequestParams`).
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct CallToolParams {
        /// The tool's name.
        pub name: String,
        /// The arguments, an object.
        pub arguments: Option<Map<String, Value>> [optional],
        /// Run as a task (2025-11-25).
        pub task: Option<TaskMetadata> [optional],
        /// MRTR: the client's answers to the server's `inputRequests` (2026-07-28).
        pub input_responses: Option<InputResponses> = "inputResponses" [optional],
        /// MRTR: the opaque state the server returned with `input_required` (2026-07-28).
        pub request_state: Option<String> = "requestState" [optional],
        /// Request metadata.
        pub meta: Option<Meta> = "_meta" [optional],
    }
}

impl CallToolParams {
    /// A call of `name` with no arguments.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            arguments: None,
            task: None,
            input_responses: None,
            request_state: None,
            meta: None,
            extra: Extra::new(),
        }
    }

    /// Sets the arguments.
    pub fn with_arguments(mut self, arguments: Map<String, Value>) -> Self {
        self.arguments = Some(arguments);
        self
    }
}

impl Shape for CallToolParams {
    fn shape(&mut self, version: ProtocolVersion) {
        if version != ProtocolVersion::V2025_11_25 {
            self.task = None;
        }
        if version < ProtocolVersion::V2026_07_28 {
            self.input_responses = None;
            self.request_state = None;
        }
    }
}

crate::list_result! {
    /// Result of `tools/list` (`ListToolsResult`).
    ListToolsResult {
        /// The tools on this page.
        tools: Tool
    }
}

crate::wire_struct! {
    /// Result of `tools/call` (`CallToolResult`).
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct CallToolResult {
        /// Unstructured content.
        pub content: Vec<ContentBlock>,
        /// Structured content matching the tool's `outputSchema` (2025-06-18 on; an object
        /// before 2026-07-28, any JSON value since).
        pub structured_content: Option<Value> = "structuredContent" [optional],
        /// The tool failed; the content says why. Tool errors are results, not protocol errors,
        /// so the model can see them and correct itself.
        pub is_error: Option<bool> = "isError" [optional],
        /// Result kind (2026-07-28).
        pub result_type: Option<ResultType> = "resultType" [optional],
        /// Result metadata.
        pub meta: Option<Meta> = "_meta" [optional],
    }
}

impl CallToolResult {
    /// A successful result with content.
    pub fn success(content: Vec<ContentBlock>) -> Self {
        Self {
            content,
            ..Self::default()
        }
    }

    /// A tool error with a message the model can read.
    pub fn error(message: impl Into<String>) -> Self {
        Self {
            content: vec![ContentBlock::text(message)],
            is_error: Some(true),
            ..Self::default()
        }
    }

    /// Whether the tool reported an error.
    pub fn is_error(&self) -> bool {
        self.is_error == Some(true)
    }
}

impl Shape for CallToolResult {
    fn shape(&mut self, version: ProtocolVersion) {
        self.content.shape(version);
        if version < ProtocolVersion::V2025_06_18 {
            self.structured_content = None;
        } else if version < ProtocolVersion::V2026_07_28 {
            // Before 2026-07-28 structuredContent must be an object; a non-object value is
            // wrapped so that nothing is lost.
            if let Some(v) = self.structured_content.take() {
                self.structured_content = Some(match v {
                    Value::Object(_) => v,
                    other => serde_json::json!({ "result": other }),
                });
            }
        }
        shape_result_type(&mut self.result_type, version);
    }
}
