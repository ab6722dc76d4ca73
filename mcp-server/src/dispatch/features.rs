//! Server features: tools, resources, prompts, completion.

use std::sync::Arc;

use mcp_protocol::jsonrpc::ErrorCode;
use mcp_protocol::methods::{
    CallTool, CallToolResult, Complete, CompleteResult, CompletionReference, GetPrompt,
    ListPromptsResult, ListResourceTemplatesResult, ListResourcesResult, ListToolsResult,
    ReadResource, ReadResourceResult,
};
use mcp_protocol::methods::{ListPrompts, ListResourceTemplates, ListResources, ListTools};
use mcp_protocol::types::{CacheScope, ClientCapabilities, Meta};
use mcp_protocol::{ErrorObject, ProtocolVersion, Request};
use serde_json::{Map, Value, json};

use super::{Answer, Call, Replay, Scope, decode, reply};
use crate::pagination::page;
use crate::registry::{CompletionQuery, ListKind, TaskSupport, ToolEntry, capability_names};
use crate::server::Server;
use crate::session::Session;

/// The fields of `tools/call` the server acts on. `_meta` was read once for the request's
/// scope, so it is skipped here without being built (as are unknown fields); the public
/// [`CallToolParams`](mcp_protocol::methods::CallToolParams) keeps everything.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct ToolCall {
    name: String,
    #[serde(default)]
    arguments: Option<Map<String, Value>>,
    #[serde(default)]
    task: Option<mcp_protocol::types::TaskMetadata>,
    #[serde(default)]
    input_responses: Option<mcp_protocol::types::InputResponses>,
    #[serde(default)]
    request_state: Option<String>,
}

impl Server {
    fn hint(&self, list: ListKind) -> (Option<u64>, Option<CacheScope>) {
        self.cache_hint(list)
            .map_or((None, None), |h| (Some(h.ttl_ms), Some(h.scope)))
    }

    pub(super) fn list_tools(&self, call: &Call, v: ProtocolVersion) -> Answer {
        let params = decode::<ListTools>(call)?;
        let all: Vec<_> = self
            .registry()
            .tools
            .enabled()
            .map(|t| t.tool.clone())
            .collect();
        let (tools, next_cursor) = page(all, params.cursor.as_deref(), self.page_size())?;
        let mut result = ListToolsResult::new(tools);
        result.next_cursor = next_cursor;
        (result.ttl_ms, result.cache_scope) = self.hint(ListKind::Tools);
        reply(result, v)
    }

    pub(super) async fn call_tool(
        &self,
        session: &Arc<Session>,
        call: &Call,
        scope: &Scope,
    ) -> Answer {
        let params = call
            .message
            .decode_params_as::<ToolCall>()
            .map_err(|e| e.to_error_object())?;
        let entry = self.registry().tools.get(&params.name).ok_or_else(|| {
            ErrorObject::invalid_params(format!("unknown tool: {:?}", params.name))
        })?;
        if let Some(missing) = entry.missing_capabilities(&scope.client_capabilities) {
            return missing_capability(&params.name, &missing, scope);
        }
        // A tool without arguments may be called without `arguments` at all.
        let args = Value::Object(params.arguments.unwrap_or_default());
        if let Some(validator) = &entry.input
            && let Some(problem) = validator.problems(&args)
        {
            // server/tools §Error Handling: input validation errors are tool execution
            // errors, so the model can correct itself.
            return reply(
                CallToolResult::error(format!(
                    "invalid arguments for tool {:?}: {problem}",
                    params.name
                )),
                scope.version,
            );
        }
        let Value::Object(args) = args else {
            unreachable!("built as an object above")
        };

        let wants_task = self.tasks_enabled()
            && entry.task_support != TaskSupport::Forbidden
            && if scope.stateless() {
                // The tasks extension: the server decides (a legacy `task` param is ignored).
                super::tasks::declared(scope)
            } else {
                params.task.is_some()
            };
        if scope.version == ProtocolVersion::V2025_11_25
            && self.tasks_enabled()
            && params.task.is_some()
            && entry.task_support == TaskSupport::Forbidden
        {
            // basic/utilities/tasks §Tool-Level Negotiation: for a tool whose `taskSupport`
            // is absent or "forbidden", "Servers **SHOULD** return a `-32601` (Method not
            // found) error if a client attempts to" invoke it as a task.
            return Err(ErrorObject::method_not_found(
                "tools/call (this tool does not run as a task)",
            ));
        }
        if !wants_task && entry.task_support == TaskSupport::Required {
            if scope.stateless() && self.tasks_enabled() {
                // Tasks extension §Capability Negotiation: a tool that only runs as a task,
                // called without the extension, is -32021.
                return Err(super::tasks::missing_extension(&format!(
                    "tool {:?} (it runs only as a task)",
                    params.name
                )));
            }
            if scope.version == ProtocolVersion::V2025_11_25 {
                // basic/utilities/tasks §Tool-Level Negotiation: "required" means task or
                // -32601.
                return Err(ErrorObject::method_not_found(
                    "tools/call (this tool must run as a task)",
                ));
            }
        }
        let replay = Replay {
            method: CallTool::METHOD,
            salient: &["name", "arguments"],
            responses: params.input_responses,
            state: params.request_state,
            unsolicited: entry.unsolicited_answers,
        };
        if wants_task {
            if !(scope.stateless() && entry.input_before_task) {
                return self.start_tool_task(session, call, scope, entry, args, Map::new());
            }
            if replay.state.is_some() {
                // MRTR → task composition (SEP-2663): the retry carrying the answers starts
                // the task, which finds them by key.
                let gathered = self
                    .mrtr_round(
                        replay.responses,
                        replay.state.as_deref(),
                        replay.unsolicited,
                        || {
                            super::binding_of(
                                call,
                                replay.method,
                                &super::salient_of(call, replay.salient),
                            )
                        },
                    )?
                    .answers();
                return self.start_tool_task(session, call, scope, entry, args, gathered);
            }
            // The first round runs as MRTR below: its questions end the call, no task yet.
        }

        let handler = entry.handler.clone();
        let version = scope.version;
        self.run_with_input(
            session,
            call,
            scope,
            replay,
            move |ctx| probed(ctx.clone(), handler(args, ctx)),
            move |(result, missing)| {
                missing_in_handler(missing, result.is_error(), version)?;
                reply(checked_output(&entry, result)?, version)
            },
        )
        .await
    }

    pub(super) fn list_resources(&self, call: &Call, v: ProtocolVersion) -> Answer {
        let params = decode::<ListResources>(call)?;
        let all: Vec<_> = self
            .registry()
            .resources
            .enabled()
            .map(|r| r.resource.clone())
            .collect();
        let (resources, next_cursor) = page(all, params.cursor.as_deref(), self.page_size())?;
        let mut result = ListResourcesResult::new(resources);
        result.next_cursor = next_cursor;
        (result.ttl_ms, result.cache_scope) = self.hint(ListKind::Resources);
        reply(result, v)
    }

    pub(super) fn list_templates(&self, call: &Call, v: ProtocolVersion) -> Answer {
        let params = decode::<ListResourceTemplates>(call)?;
        let all: Vec<_> = self
            .registry()
            .templates
            .enabled()
            .map(|t| t.template.clone())
            .collect();
        let (resource_templates, next_cursor) =
            page(all, params.cursor.as_deref(), self.page_size())?;
        let mut result = ListResourceTemplatesResult::new(resource_templates);
        result.next_cursor = next_cursor;
        (result.ttl_ms, result.cache_scope) = self.hint(ListKind::ResourceTemplates);
        reply(result, v)
    }

    pub(super) async fn read_resource(
        &self,
        session: &Arc<Session>,
        call: &Call,
        scope: &Scope,
    ) -> Answer {
        let params = decode::<ReadResource>(call)?;
        let uri = params.uri.clone();
        let version = scope.version;
        let (fixed, templates) = {
            let reg = self.registry();
            (
                reg.resources.get(&uri),
                reg.templates.enabled().cloned().collect::<Vec<_>>(),
            )
        };
        let read_cache = self.read_cache();
        let not_found = || ErrorObject::resource_not_found(version, &uri);
        let run = |ctx: crate::RequestContext| {
            let uri = uri.clone();
            let probe = ctx.clone();
            probed(probe, async move {
                if let Some(def) = fixed {
                    return Some((Matched::Listed, (def.read)(uri, ctx).await));
                }
                for t in &templates {
                    if let Some(fut) = t.read(&uri, ctx.clone()) {
                        return Some((Matched::Template, fut.await));
                    }
                }
                None
            })
        };
        self.run_with_input(
            session,
            call,
            scope,
            Replay {
                method: ReadResource::METHOD,
                salient: &["uri"],
                responses: params.input_responses,
                state: params.request_state,
                unsolicited: false,
            },
            run,
            |(out, missing)| match out {
                None => Err(not_found()),
                Some((_, Err(e))) => {
                    missing_in_handler(missing, true, version)?;
                    match e.code() {
                        ErrorCode::RESOURCE_NOT_FOUND => Err(not_found()),
                        _ => Err(e.0),
                    }
                }
                // 2026-07-28 server/resources §Error Handling: "Servers MUST NOT return an
                // empty `contents` array for a non-existent resource." A template only
                // matched the URI's shape: no contents means no such resource. A listed
                // resource exists, and may be empty.
                Some((Matched::Template, Ok(contents)))
                    if contents.is_empty() && !version.has_handshake() =>
                {
                    Err(not_found())
                }
                Some((_, Ok(contents))) => {
                    let mut result = ReadResourceResult::new(contents);
                    if let Some(hint) = read_cache {
                        result.ttl_ms = Some(hint.ttl_ms);
                        result.cache_scope = Some(hint.scope);
                    }
                    reply(result, version)
                }
            },
        )
        .await
    }

    pub(super) fn list_prompts(&self, call: &Call, v: ProtocolVersion) -> Answer {
        let params = decode::<ListPrompts>(call)?;
        let all: Vec<_> = self
            .registry()
            .prompts
            .enabled()
            .map(|p| p.prompt.clone())
            .collect();
        let (prompts, next_cursor) = page(all, params.cursor.as_deref(), self.page_size())?;
        let mut result = ListPromptsResult::new(prompts);
        result.next_cursor = next_cursor;
        (result.ttl_ms, result.cache_scope) = self.hint(ListKind::Prompts);
        reply(result, v)
    }

    pub(super) async fn get_prompt(
        &self,
        session: &Arc<Session>,
        call: &Call,
        scope: &Scope,
    ) -> Answer {
        let params = decode::<GetPrompt>(call)?;
        let def = self.registry().prompts.get(&params.name).ok_or_else(|| {
            ErrorObject::invalid_params(format!("unknown prompt: {:?}", params.name))
        })?;
        let args = params.arguments.clone().unwrap_or_default();
        if let Some(missing) = def.missing_argument(&args) {
            return Err(ErrorObject::invalid_params(format!(
                "prompt {:?} needs the argument {missing:?}",
                params.name
            )));
        }
        let version = scope.version;
        let handler = def.handler.clone();
        self.run_with_input(
            session,
            call,
            scope,
            Replay {
                method: GetPrompt::METHOD,
                salient: &["name", "arguments"],
                responses: params.input_responses,
                state: params.request_state,
                unsolicited: false,
            },
            move |ctx| probed(ctx.clone(), handler(args, ctx)),
            |(out, missing)| {
                missing_in_handler(missing, out.is_err(), version)?;
                reply(out.map_err(|e| e.0)?, version)
            },
        )
        .await
    }

    pub(super) async fn complete(&self, call: &Call, v: ProtocolVersion) -> Answer {
        let params = decode::<Complete>(call)?;
        let completer = {
            let reg = self.registry();
            match &params.reference {
                CompletionReference::Prompt(p) => reg
                    .prompts
                    .get(&p.name)
                    .ok_or_else(|| {
                        ErrorObject::invalid_params(format!("unknown prompt: {:?}", p.name))
                    })?
                    .completions
                    .get(&params.argument.name)
                    .cloned(),
                CompletionReference::Resource(r) => reg
                    .templates
                    .get(&r.uri)
                    .ok_or_else(|| {
                        ErrorObject::invalid_params(format!(
                            "unknown resource template: {:?}",
                            r.uri
                        ))
                    })?
                    .completions
                    .get(&params.argument.name)
                    .cloned(),
                other => {
                    return Err(ErrorObject::invalid_params(format!(
                        "unknown completion reference type: {other:?}"
                    )));
                }
            }
        };
        let values = match completer {
            Some(f) => {
                let query = CompletionQuery {
                    argument: params.argument.name.clone(),
                    value: params.argument.value.clone(),
                    context: params.context.and_then(|c| c.arguments).unwrap_or_default(),
                };
                super::catch_panic(f(query)).await?
            }
            None => Vec::new(),
        };
        reply(CompleteResult::new(values), v)
    }
}

/// What answered a `resources/read`: a listed resource, or a template matching the URI.
enum Matched {
    Listed,
    Template,
}

/// Runs a handler's future and reports, with its output, the client capabilities its
/// input requests found missing.
async fn probed<T>(
    ctx: crate::RequestContext,
    run: impl Future<Output = T>,
) -> (T, Option<ClientCapabilities>) {
    let out = run.await;
    (out, ctx.missing_capabilities())
}

/// A handler that `failed` after an input request found `missing` undeclared: in
/// 2026-07-28, `MissingRequiredClientCapabilityError` (-32021, `data.requiredCapabilities`)
/// instead of the handler's own error. basic/index: "If processing a request requires a
/// capability the client did not include in `io.modelcontextprotocol/clientCapabilities`,
/// the server MUST return a MissingRequiredClientCapabilityError". The session era has
/// no such error; the handler's answer stands (see
/// [`InputError::Unsupported`](crate::InputError::Unsupported)).
fn missing_in_handler(
    missing: Option<ClientCapabilities>,
    failed: bool,
    version: ProtocolVersion,
) -> Result<(), ErrorObject> {
    match missing {
        Some(missing) if failed && !version.has_handshake() => {
            Err(missing_capability_error("the request", &missing))
        }
        _ => Ok(()),
    }
}

/// `MissingRequiredClientCapabilityError` (-32021) for `who`, listing `missing` in
/// `data.requiredCapabilities` (2026-07-28 basic/index).
fn missing_capability_error(who: &str, missing: &ClientCapabilities) -> ErrorObject {
    ErrorObject::new(
        ErrorCode::MISSING_REQUIRED_CLIENT_CAPABILITY,
        format!(
            "missing required client capability: {who} needs {}, which the request's \
             `_meta[{:?}]` does not declare",
            capability_names(missing).join(", "),
            Meta::CLIENT_CAPABILITIES
        ),
    )
    .with_data(json!({ "requiredCapabilities": missing }))
}

/// A call of `tool` from a client that did not declare `missing`: in 2026-07-28 the
/// JSON-RPC error `MissingRequiredClientCapabilityError` (-32021, with
/// `data.requiredCapabilities`; basic/versioning); in the session era, which has no such
/// error, a tool result with `isError: true` naming what is missing.
fn missing_capability(tool: &str, missing: &ClientCapabilities, scope: &Scope) -> Answer {
    if scope.stateless() {
        return Err(missing_capability_error(&format!("tool {tool:?}"), missing));
    }
    let names = capability_names(missing).join(", ");
    reply(
        CallToolResult::error(format!(
            "tool {tool:?} needs the client capability {names}, which the client did not \
             declare in `initialize`: {}",
            json!(missing)
        )),
        scope.version,
    )
}

/// Checks a successful result against the tool's output schema (server/tools §Output
/// Schema: "Servers MUST provide structured results that conform to this schema").
pub(crate) fn checked_output(
    entry: &ToolEntry,
    result: CallToolResult,
) -> Result<CallToolResult, ErrorObject> {
    let Some(validator) = &entry.output else {
        return Ok(result);
    };
    if result.is_error() {
        return Ok(result);
    }
    let Some(structured) = &result.structured_content else {
        return Err(ErrorObject::internal(format!(
            "tool {:?} declares an output schema but returned no structured content",
            entry.tool.name
        )));
    };
    match validator.problems(structured) {
        None => Ok(result),
        Some(problem) => Err(ErrorObject::internal(format!(
            "tool {:?} returned structured content that does not match its output schema: {problem}",
            entry.tool.name
        ))),
    }
}
