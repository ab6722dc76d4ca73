//! Tools: [`ToolDef`] (a tool's description plus its handler), typed handlers with schemas
//! generated from the argument type, and what a handler may return ([`IntoToolResult`]).
//!
//! # Security (server/tools §Security Considerations)
//!
//! "Servers MUST: Validate all tool inputs; Implement proper access controls; Rate limit
//! tool invocations; Sanitize tool outputs." What the library does, and what it leaves to
//! the application (the decision for audit row 5.10):
//!
//! - **Inputs**: arguments are checked against the tool's `inputSchema` before the handler
//!   runs (feature `validate`), and a typed handler gets them decoded into its type; values
//!   the schema cannot express (paths, URLs, ids the caller may use) are the handler's to
//!   check.
//! - **Access control**: per-tool scopes on the HTTP transport (`HttpConfig::scope_policy`,
//!   feature `auth`) and the caller's [`Principal`](crate::Principal) in every handler.
//! - **Rate limiting**: the library caps the requests in flight per connection
//!   (`ServerBuilder::max_requests_in_flight`); a rate per caller over time depends on the
//!   deployment (who counts as a caller, what a burst may be), so it is left to the
//!   application: in a handler from [`RequestContext::principal`](crate::RequestContext),
//!   or in front of the HTTP service, which is a tower `Service` any rate-limit layer wraps.
//! - **Outputs**: structured output is checked against the `outputSchema`; what text a tool
//!   returns (and whether it can carry injected instructions) only the handler knows.
//! - **Names**: tool names follow §Tool Names and `x-mcp-header` annotations follow the
//!   Streamable HTTP rules, or the tool is refused at registration.

use std::fmt::Display;
use std::future::Future;
use std::sync::Arc;

use futures::FutureExt;
use futures::future::BoxFuture;
use mcp_protocol::methods::{
    CallToolResult, Tool, ToolAnnotations, ToolExecution, header_annotations,
};
use mcp_protocol::types::{ClientCapabilities, ContentBlock, Icon};
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::schema_check::CompiledSchema;
use super::state::{Binding, State, States};
use crate::context::RequestContext;
use crate::server::RegistryError;

/// The erased handler: arguments in, tool result out.
pub(crate) type ToolFn = Arc<
    dyn Fn(Map<String, Value>, RequestContext) -> BoxFuture<'static, CallToolResult> + Send + Sync,
>;

/// Whether a tool may run as a task (`execution.taskSupport`, 2025-11-25; and whether the
/// server may answer with a task under the 2026-07-28 tasks extension).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum TaskSupport {
    /// Never as a task (the default).
    #[default]
    Forbidden,
    /// As a task if the client asks (2025-11-25) or the client supports it (2026-07-28).
    Optional,
    /// Only as a task.
    Required,
}

impl TaskSupport {
    fn as_wire(self) -> Option<&'static str> {
        match self {
            Self::Forbidden => None,
            Self::Optional => Some("optional"),
            Self::Required => Some("required"),
        }
    }
}

/// Arguments of a tool that takes none: its input schema is an empty object, and a call
/// may omit `arguments` entirely.
#[derive(Clone, Copy, Debug, Default, Deserialize)]
pub struct NoArgs {}

/// Written by hand rather than derived: a derived schema would carry this type's Rust name
/// as `title` and its doc comment as `description`, which are about this crate, not about
/// the tool, and would go on the wire in every `tools/list`.
impl JsonSchema for NoArgs {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "NoArgs".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "object", "properties": {} })
    }
}

/// A tool: its description as `tools/list` shows it, and its handler.
///
/// ```
/// use mcp_server::{NoArgs, RequestContext, ToolDef};
/// let def = ToolDef::new("now", |_: NoArgs, _ctx: RequestContext| async { "12:00" })
///     .description("The time");
/// # let _ = def;
/// ```
pub struct ToolDef {
    pub(crate) tool: Tool,
    pub(crate) handler: Binding<ToolFn>,
    pub(crate) task_support: TaskSupport,
    pub(crate) requires: Option<ClientCapabilities>,
    pub(crate) input_before_task: bool,
    pub(crate) unsolicited_answers: bool,
    /// The input schema was generated from the argument type, which the handler decodes
    /// the arguments into (see [`CompiledSchema::needed_for_typed`]).
    pub(crate) typed_input: bool,
}

impl std::fmt::Debug for ToolDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ToolDef")
            .field("tool", &self.tool)
            .finish_non_exhaustive()
    }
}

/// `path` as a JSON Pointer (`/items/0/name`), the way JSON Schema errors name a place; empty
/// at the root.
fn pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    path.iter()
        .filter_map(|segment| match segment {
            Segment::Seq { index } => Some(index.to_string()),
            Segment::Map { key } => Some(key.replace('~', "~0").replace('/', "~1")),
            Segment::Enum { variant } => Some(variant.clone()),
            Segment::Unknown => None,
        })
        .fold(String::new(), |mut out, part| {
            out.push('/');
            out.push_str(&part);
            out
        })
}

/// JSON Schema of `T` as an object (JSON Schema 2020-12, as schemars 1 generates).
pub(crate) fn schema_of<T: JsonSchema>() -> Map<String, Value> {
    match serde_json::to_value(schemars::schema_for!(T)) {
        Ok(Value::Object(mut map)) => {
            // schemars titles a root schema with the Rust type's name: that names this
            // program's code, not anything the model can use. A title set on purpose
            // (`#[schemars(title = "...")]`) differs from the name and stays.
            if map.get("title").and_then(Value::as_str) == Some(T::schema_name().as_ref()) {
                map.remove("title");
            }
            map
        }
        _ => Map::new(),
    }
}

/// The tool `name` as a typed handler with arguments `A` and output `R` describes it.
fn typed_tool<A: JsonSchema, R: IntoToolResult>(name: String) -> Tool {
    let mut tool = Tool::new(name, schema_of::<A>());
    tool.output_schema = R::output_schema();
    tool
}

/// Erases a typed handler: the arguments are decoded into `A` (a failure is a tool error
/// naming the field), the output converted with [`IntoToolResult`].
fn typed_fn<A, F, Fut, R>(tool_name: String, handler: F) -> ToolFn
where
    A: DeserializeOwned + Send + 'static,
    F: Fn(A, RequestContext) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = R> + Send + 'static,
    R: IntoToolResult,
{
    Arc::new(move |args, ctx| {
        match serde_path_to_error::deserialize::<_, A>(Value::Object(args)) {
            Ok(args) => handler(args, ctx)
                .map(IntoToolResult::into_tool_result)
                .boxed(),
            // Worded as the JSON Schema check words it: the tool, where, what.
            Err(e) => {
                let at = pointer(e.path());
                let at = if at.is_empty() { at } else { format!("{at}: ") };
                futures::future::ready(CallToolResult::error(format!(
                    "invalid arguments for tool {tool_name:?}: {at}{}",
                    e.inner()
                )))
                .boxed()
            }
        }
    })
}

impl ToolDef {
    /// A tool whose arguments are `A`: the input schema is generated from `A`, arguments
    /// are validated against it before the handler runs (an invalid call gets a tool result
    /// with `isError: true` naming the field), and then decoded into `A`. Where the schema
    /// says nothing that decoding into `A` does not check already (types, required and
    /// unknown fields, enums: no ranges, lengths, patterns or uniqueness), decoding is the
    /// check and no JSON Schema validator is built. If the handler's
    /// output is [`Json<T>`](Json), the output schema is generated from `T` and the result is
    /// checked against it.
    pub fn new<A, F, Fut, R>(name: impl Into<String>, handler: F) -> Self
    where
        A: DeserializeOwned + JsonSchema + Send + 'static,
        F: Fn(A, RequestContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = R> + Send + 'static,
        R: IntoToolResult,
    {
        let tool = typed_tool::<A, R>(name.into());
        let handler = Binding::Ready(typed_fn(tool.name.clone(), handler));
        Self::from_parts(tool, handler, true)
    }

    /// A typed tool (as [`ToolDef::new`]) whose handler also gets the server's shared state
    /// of type `S` as its first argument, [`State<S>`](crate::State). The state is given once,
    /// to [`ServerBuilder::state`](crate::ServerBuilder::state), and a clone of it is bound to
    /// the handler when the tool is registered: [`Server::add_tool`](crate::Server::add_tool)
    /// refuses the tool with [`RegistryError::MissingState`](crate::RegistryError::MissingState)
    /// if the server has no state of type `S`, so a call never lacks it.
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    /// use mcp_server::prelude::*;
    ///
    /// #[derive(Clone, Default)]
    /// struct Notes(Arc<Mutex<Vec<String>>>);
    ///
    /// #[derive(serde::Deserialize, schemars::JsonSchema)]
    /// struct Note {
    ///     /// What to remember.
    ///     text: String,
    /// }
    ///
    /// let server = Server::builder("notes", "1.0.0").state(Notes::default()).build();
    /// let remember = ToolDef::with_state(
    ///     "remember",
    ///     |State(notes): State<Notes>, note: Note, _ctx: RequestContext| async move {
    ///         let mut notes = notes.0.lock().unwrap();
    ///         notes.push(note.text);
    ///         format!("{} notes", notes.len())
    ///     },
    /// )
    /// .description("Remembers a note");
    /// server.add_tool(remember).unwrap();
    ///
    /// // A server without a `Notes` state refuses the tool when it is added.
    /// let bare = Server::builder("bare", "1.0.0").build();
    /// let again = ToolDef::with_state(
    ///     "remember",
    ///     |State(_): State<Notes>, _: NoArgs, _ctx: RequestContext| async { "" },
    /// );
    /// assert!(matches!(bare.add_tool(again), Err(RegistryError::MissingState { .. })));
    /// ```
    pub fn with_state<S, A, F, Fut, R>(name: impl Into<String>, handler: F) -> Self
    where
        S: Clone + Send + Sync + 'static,
        A: DeserializeOwned + JsonSchema + Send + 'static,
        F: Fn(State<S>, A, RequestContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = R> + Send + 'static,
        R: IntoToolResult,
    {
        let tool = typed_tool::<A, R>(name.into());
        let tool_name = tool.name.clone();
        let handler = Binding::needing(move |state: S| {
            typed_fn(tool_name, move |args: A, ctx| {
                handler(State(state.clone()), args, ctx)
            })
        });
        Self::from_parts(tool, handler, true)
    }

    /// A tool with arguments as raw JSON and a schema given by hand (for tools built at run
    /// time). Arguments are still validated against `input_schema`.
    pub fn raw<F, Fut, R>(
        name: impl Into<String>,
        input_schema: Map<String, Value>,
        handler: F,
    ) -> Self
    where
        F: Fn(Map<String, Value>, RequestContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = R> + Send + 'static,
        R: IntoToolResult,
    {
        let handler: ToolFn = Arc::new(move |args, ctx| {
            handler(args, ctx)
                .map(IntoToolResult::into_tool_result)
                .boxed()
        });
        Self::from_parts(
            Tool::new(name, input_schema),
            Binding::Ready(handler),
            false,
        )
    }

    fn from_parts(tool: Tool, handler: Binding<ToolFn>, typed_input: bool) -> Self {
        Self {
            tool,
            handler,
            task_support: TaskSupport::Forbidden,
            requires: None,
            input_before_task: false,
            unsolicited_answers: false,
            typed_input,
        }
    }

    /// The name.
    pub fn name(&self) -> &str {
        &self.tool.name
    }

    /// Sets the description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.tool.description = Some(description.into());
        self
    }

    /// Sets the display title (2025-06-18 on).
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.tool.title = Some(title.into());
        self
    }

    /// Sets the annotations (hints about behaviour, 2025-03-26 on).
    pub fn annotations(mut self, annotations: ToolAnnotations) -> Self {
        self.tool.annotations = Some(annotations);
        self
    }

    /// Sets the icons (2025-11-25 on).
    pub fn icons(mut self, icons: Vec<Icon>) -> Self {
        self.tool.icons = Some(icons);
        self
    }

    /// Sets the output schema by hand (for [`ToolDef::raw`]); structured results are
    /// checked against it.
    pub fn output_schema(mut self, schema: Map<String, Value>) -> Self {
        self.tool.output_schema = Some(schema);
        self
    }

    /// Replaces the input schema (e.g. to add `$defs` or `additionalProperties`).
    pub fn input_schema(mut self, schema: Map<String, Value>) -> Self {
        self.tool.input_schema = schema;
        self.typed_input = false;
        self
    }

    /// Whether the tool may run as a task.
    pub fn task_support(mut self, support: TaskSupport) -> Self {
        self.task_support = support;
        self.tool.execution = support.as_wire().map(|s| {
            let mut tool_execution = ToolExecution::default();
            tool_execution.task_support = Some(s.to_owned());
            tool_execution
        });
        self
    }

    /// 2026-07-28 tasks extension (SEP-2663, MRTR → task composition): the tool gathers
    /// its input *before* it becomes a task. The first call runs the handler as an MRTR
    /// round (its questions end the call with `input_required` and no task exists yet; a
    /// handler that asks nothing answers at once); the retry carrying the answers starts the
    /// task, whose handler finds those answers by their keys (ask with the `*_as` methods of
    /// [`RequestContext`](crate::RequestContext)). Questions the handler asks beyond them wait
    /// for `tasks/update` as usual. Without this, a task-supporting tool becomes a task at
    /// once and every question goes through `tasks/update`. Ignored outside that extension.
    pub fn input_before_task(mut self, on: bool) -> Self {
        self.input_before_task = on;
        self
    }

    /// 2026-07-28 (basic/patterns/mrtr): take `inputResponses` the server did not ask for,
    /// matched by the keys the handler asks with, including on a first request without
    /// `requestState`. By default an answer counts only for a question the server asked
    /// in this request's exchange (sealed into the `requestState` it sent), so a client can
    /// never answer a question the user was not shown.
    ///
    /// **Risk**: with this on, whoever writes the request writes the answers. A model
    /// steered by injected text can pre-answer a confirmation (`{"action": "accept"}`) and
    /// the handler runs as if the user had agreed. Use it only for questions whose answers
    /// the client legitimately owns (a value the client knows, never a consent), and never
    /// for a confirmation before a destructive or costly action.
    pub fn accept_unsolicited_answers(mut self, accept: bool) -> Self {
        self.unsolicited_answers = accept;
        self
    }

    /// Client capabilities the tool needs (say, `sampling` for a tool that asks the client's
    /// model). A call from a client that did not declare them all (in `initialize` in the
    /// session era, in the request's `_meta` in 2026-07-28) is refused before the handler
    /// runs: in 2026-07-28 with the JSON-RPC error `MissingRequiredClientCapabilityError`
    /// (-32021, `data.requiredCapabilities` listing what is missing); in the session era,
    /// which has no such error, with a tool result `isError: true` naming it.
    ///
    /// What is required is compared by shape: every key given must be declared, and a
    /// non-empty object asks for its own keys in turn (`{"elicitation": {"url": {}}}`
    /// needs URL-mode elicitation; `{"sampling": {}}` any sampling). Repeated calls add up.
    ///
    /// ```
    /// use mcp_protocol::types::{ClientCapabilities, SamplingCapability};
    /// use mcp_server::{NoArgs, RequestContext, ToolDef};
    /// let mut needs = ClientCapabilities::default();
    /// needs.sampling = Some(SamplingCapability::default());
    /// let def = ToolDef::new("summarize", |_: NoArgs, _ctx: RequestContext| async { "…" })
    ///     .requires(needs);
    /// # let _ = def;
    /// ```
    pub fn requires(mut self, capabilities: ClientCapabilities) -> Self {
        self.requires = Some(match self.requires.take() {
            None => capabilities,
            Some(before) => union(&before, &capabilities),
        });
        self
    }

    /// The client capabilities the tool needs (see [`ToolDef::requires`]).
    pub fn required_capabilities(&self) -> Option<&ClientCapabilities> {
        self.requires.as_ref()
    }

    /// The tool as `tools/list` shows it.
    pub fn tool(&self) -> &Tool {
        &self.tool
    }
}

/// A registered tool: the definition and its compiled schemas.
pub(crate) struct ToolEntry {
    pub(crate) tool: Tool,
    pub(crate) handler: ToolFn,
    pub(crate) task_support: TaskSupport,
    pub(crate) requires: Option<ClientCapabilities>,
    pub(crate) input_before_task: bool,
    pub(crate) unsolicited_answers: bool,
    pub(crate) input: Option<CompiledSchema>,
    pub(crate) output: Option<CompiledSchema>,
    /// The `x-mcp-header` properties of the input schema, as (property path, header name
    /// suffix), found once here rather than on every call (2026-07-28 Streamable HTTP
    /// §Custom Headers from Tool Parameters). Only the HTTP transport reads them.
    #[cfg(feature = "http")]
    pub(crate) header_params: Vec<(Vec<String>, String)>,
}

/// Checks a tool's name against server/tools §Tool Names: "Tool names SHOULD be between 1
/// and 128 characters in length (inclusive)" and the allowed characters "SHOULD" be ASCII
/// letters, digits, `_`, `-` and `.` only. This crate holds the SHOULD as a rule: such a
/// tool is refused at registration ([`RegistryError::InvalidToolName`]). Uniqueness ("Tool
/// names SHOULD be unique within a server") holds by construction: a tool registered under
/// a name already taken replaces the old one.
fn check_name(name: &str) -> Result<(), RegistryError> {
    let invalid = |reason: &str| {
        Err(RegistryError::InvalidToolName {
            tool: name.to_owned(),
            reason: reason.to_owned(),
        })
    };
    if name.is_empty() || name.len() > 128 {
        return invalid("a tool name has 1 to 128 characters");
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
    if !name.chars().all(allowed) {
        return invalid("a tool name has only ASCII letters, digits, `_`, `-` and `.`");
    }
    Ok(())
}

/// The `x-mcp-header` annotations of a tool's input schema, as (property path, header name
/// suffix), or why they make the tool invalid: servers must not offer a tool that clients
/// "MUST reject" (2026-07-28 basic/transports/streamable-http §Schema Extension; the
/// rules are in [`header_annotations`]).
fn header_params(
    tool: &str,
    schema: &Map<String, Value>,
) -> Result<Vec<(Vec<String>, String)>, RegistryError> {
    let schema = Value::Object(schema.clone());
    let found =
        header_annotations(&schema).map_err(|e| RegistryError::InvalidHeaderAnnotation {
            tool: tool.to_owned(),
            reason: e.0,
        })?;
    Ok(found.into_iter().map(|a| (a.path, a.name)).collect())
}

impl ToolEntry {
    /// `def` with its schemas compiled and its handler bound to the server's `states`.
    pub(crate) fn new(def: ToolDef, states: &States) -> Result<Self, RegistryError> {
        check_name(&def.tool.name)?;
        let header_params = header_params(&def.tool.name, &def.tool.input_schema)?;
        #[cfg(not(feature = "http"))]
        drop(header_params);
        let invalid = |reason| RegistryError::InvalidSchema {
            tool: def.tool.name.clone(),
            reason,
        };
        let input = &def.tool.input_schema;
        let input = if def.typed_input && !CompiledSchema::needed_for_typed(input) {
            None
        } else {
            Some(CompiledSchema::compile(input).map_err(invalid)?)
        };
        let output = def
            .tool
            .output_schema
            .as_ref()
            .map(CompiledSchema::compile)
            .transpose()
            .map_err(invalid)?;
        let handler = def
            .handler
            .bind(states)
            .map_err(|state| RegistryError::missing_state(&def.tool.name, state))?;
        Ok(Self {
            input,
            output,
            #[cfg(feature = "http")]
            header_params,
            tool: def.tool,
            handler,
            task_support: def.task_support,
            requires: def.requires,
            input_before_task: def.input_before_task,
            unsolicited_answers: def.unsolicited_answers,
        })
    }

    /// What of the tool's required client capabilities `declared` lacks, if anything.
    pub(crate) fn missing_capabilities(
        &self,
        declared: &ClientCapabilities,
    ) -> Option<ClientCapabilities> {
        missing_capabilities(self.requires.as_ref()?, declared)
    }
}

/// Capabilities as a JSON object (they always encode as one).
fn as_object(caps: &ClientCapabilities) -> Map<String, Value> {
    match serde_json::to_value(caps) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

fn from_object(map: Map<String, Value>) -> ClientCapabilities {
    serde_json::from_value(Value::Object(map)).unwrap_or_default()
}

/// Both sets of requirements.
fn union(a: &ClientCapabilities, b: &ClientCapabilities) -> ClientCapabilities {
    fn merge(into: &mut Map<String, Value>, from: Map<String, Value>) {
        for (k, v) in from {
            match (into.get_mut(&k), v) {
                (Some(Value::Object(old)), Value::Object(new)) => merge(old, new),
                (_, v) => {
                    into.insert(k, v);
                }
            }
        }
    }
    let mut out = as_object(a);
    merge(&mut out, as_object(b));
    from_object(out)
}

/// The part of `required` that `declared` does not cover, or `None` if it covers all:
/// every key of `required` must be in `declared`; a non-empty object asks for its own keys
/// in turn; any other value must be equal. An empty `elicitation` declares form mode
/// (client/elicitation §Capabilities).
pub(crate) fn missing_capabilities(
    required: &ClientCapabilities,
    declared: &ClientCapabilities,
) -> Option<ClientCapabilities> {
    fn missing(required: &Map<String, Value>, declared: &Map<String, Value>) -> Map<String, Value> {
        let mut out = Map::new();
        for (key, want) in required {
            match (declared.get(key), want) {
                (None, _) => {
                    out.insert(key.clone(), want.clone());
                }
                (Some(Value::Object(have)), Value::Object(want)) if !want.is_empty() => {
                    let lacking = missing(want, have);
                    if !lacking.is_empty() {
                        out.insert(key.clone(), Value::Object(lacking));
                    }
                }
                (Some(_), Value::Object(want)) if want.is_empty() => {}
                (Some(have), want) if have == want => {}
                (Some(_), want) => {
                    out.insert(key.clone(), want.clone());
                }
            }
        }
        out
    }
    let mut declared_map = as_object(declared);
    if let Some(e) = &declared.elicitation
        && e.supports_form()
        && let Some(Value::Object(e)) = declared_map.get_mut("elicitation")
    {
        e.entry("form").or_insert_with(|| Value::Object(Map::new()));
    }
    let lacking = missing(&as_object(required), &declared_map);
    (!lacking.is_empty()).then(|| from_object(lacking))
}

/// The top-level names of `caps` (`sampling`, `elicitation`, …), for messages.
pub(crate) fn capability_names(caps: &ClientCapabilities) -> Vec<String> {
    as_object(caps).into_iter().map(|(k, _)| k).collect()
}

/// What a tool handler may return.
pub trait IntoToolResult: Send + 'static {
    /// The tool result.
    fn into_tool_result(self) -> CallToolResult;

    /// The output schema this output type promises, if any.
    fn output_schema() -> Option<Map<String, Value>> {
        None
    }
}

impl IntoToolResult for CallToolResult {
    fn into_tool_result(self) -> CallToolResult {
        self
    }
}

impl IntoToolResult for String {
    fn into_tool_result(self) -> CallToolResult {
        CallToolResult::success(vec![ContentBlock::text(self)])
    }
}

impl IntoToolResult for &'static str {
    fn into_tool_result(self) -> CallToolResult {
        CallToolResult::success(vec![ContentBlock::text(self)])
    }
}

impl IntoToolResult for ContentBlock {
    fn into_tool_result(self) -> CallToolResult {
        CallToolResult::success(vec![self])
    }
}

impl IntoToolResult for Vec<ContentBlock> {
    fn into_tool_result(self) -> CallToolResult {
        CallToolResult::success(self)
    }
}

/// `Err` becomes a tool result with `isError: true` and the error's text, so the model sees
/// what went wrong (server/tools §Error Handling).
impl<T: IntoToolResult, E: Display + Send + 'static> IntoToolResult for Result<T, E> {
    fn into_tool_result(self) -> CallToolResult {
        match self {
            Ok(v) => v.into_tool_result(),
            Err(e) => CallToolResult::error(e.to_string()),
        }
    }

    fn output_schema() -> Option<Map<String, Value>> {
        T::output_schema()
    }
}

/// Structured output: `structuredContent` is `T` as JSON (and, for older clients, the same
/// JSON as a text block); the tool's `outputSchema` is generated from `T`, which should be
/// a struct (the schema's root must be an object before 2026-07-28).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Json<T>(pub T);

impl<T: Serialize + JsonSchema + Send + 'static> IntoToolResult for Json<T> {
    fn into_tool_result(self) -> CallToolResult {
        match serde_json::to_value(&self.0) {
            Ok(value) => {
                let mut call_tool_result = CallToolResult::default();
                call_tool_result.content = vec![ContentBlock::text(value.to_string())];
                call_tool_result.structured_content = Some(value);
                call_tool_result
            }
            Err(e) => CallToolResult::error(format!("could not encode the result: {e}")),
        }
    }

    fn output_schema() -> Option<Map<String, Value>> {
        Some(schema_of::<T>())
    }
}

#[cfg(test)]
mod no_args_tests {
    use super::{NoArgs, schema_of};

    #[test]
    fn the_schema_of_no_arguments_says_nothing_about_this_crate() {
        let schema = schema_of::<NoArgs>();
        assert_eq!(schema.get("type"), Some(&serde_json::json!("object")));
        assert_eq!(schema.get("properties"), Some(&serde_json::json!({})));
        for key in ["title", "description", "required"] {
            assert!(!schema.contains_key(key), "{key} in {schema:?}");
        }
    }
}
