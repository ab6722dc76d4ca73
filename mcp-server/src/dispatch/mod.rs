//! From a request to its answer, in either era: which version and capabilities apply
//! ([`Scope`]), whether the method exists in that version and is backed by a declared
//! capability, then the method itself; every result is shaped for the request's version.
//!
//! The entry point, [`Server::dispatch`], takes a request message and a [`Session`] and
//! returns the outcome; the stdio/in-memory loop ([`crate::serve`]) and a later Streamable
//! HTTP layer both feed it.

mod features;
mod lifecycle;
mod tasks;

use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use futures::FutureExt;
use mcp_protocol::jsonrpc::{RequestMessage, ResultOrError, to_raw};
use mcp_protocol::method::{MethodInfo, Request};
use mcp_protocol::methods::TASKS_EXTENSION;
use mcp_protocol::types::{ClientCapabilities, Implementation, InputResponses, LoggingLevel, Meta};
use mcp_protocol::{ErrorObject, ProgressToken, ProtocolVersion, Shape, Side};
use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;
use tokio_util::sync::CancellationToken;

use crate::context::{Inner as CtxInner, InputMode, LogLevel, Principal, RequestContext};
use crate::mrtr::{self, Binding, Round, RoundEnd};
use crate::server::Server;
use crate::session::{Outbound, Session};

/// One request to answer.
#[derive(Debug)]
pub(crate) struct Call {
    pub(crate) message: RequestMessage,
    /// Cancelled when the client cancels the request.
    pub(crate) cancel: CancellationToken,
    /// The authenticated caller, if any.
    pub(crate) principal: Option<Principal>,
    /// Where the messages a handler sends while answering this request go (progress, logs,
    /// session-era input requests); `None`: the session's [`Outbound`]. Streamable HTTP puts
    /// them on the POST's own SSE stream (2025-11-25 basic/transports: they SHOULD relate
    /// to the originating request).
    pub(crate) outbound: Option<Arc<dyn Outbound>>,
}

/// The version and client facts that apply to one request.
#[derive(Debug, Clone)]
pub(crate) struct Scope {
    pub(crate) version: ProtocolVersion,
    pub(crate) client_capabilities: ClientCapabilities,
    pub(crate) client_info: Option<Implementation>,
    /// `None` in the session era (the session's level applies).
    pub(crate) log_level: Option<LoggingLevel>,
    /// `_meta.progressToken` of the request.
    pub(crate) progress_token: Option<ProgressToken>,
}

impl Scope {
    pub(crate) fn stateless(&self) -> bool {
        !self.version.has_handshake()
    }
}

type Answer = Result<Box<RawValue>, ErrorObject>;

/// Searches encoded results for a `_meta` key (built once: building a searcher per result
/// showed in profiles).
static META_KEY: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"\"_meta\""));

/// Only `_meta` of the params, without decoding the rest.
#[derive(Deserialize)]
struct MetaOnly<'a> {
    #[serde(rename = "_meta", borrow, default)]
    meta: Option<RequestMeta<'a>>,
}

/// The `_meta` keys the dispatcher reads, borrowed from the request as raw JSON: nothing
/// else in `_meta` is built, and each value is decoded only when it is needed (this runs
/// on every request, so it is kept cheap).
#[derive(Deserialize)]
struct RequestMeta<'a> {
    #[serde(rename = "io.modelcontextprotocol/protocolVersion", borrow, default)]
    protocol_version: Option<&'a RawValue>,
    #[serde(rename = "io.modelcontextprotocol/clientCapabilities", borrow, default)]
    client_capabilities: Option<&'a RawValue>,
    #[serde(rename = "io.modelcontextprotocol/clientInfo", borrow, default)]
    client_info: Option<&'a RawValue>,
    #[serde(rename = "io.modelcontextprotocol/logLevel", borrow, default)]
    log_level: Option<&'a RawValue>,
    #[serde(rename = "progressToken", borrow, default)]
    progress_token: Option<&'a RawValue>,
}

impl RequestMeta<'_> {
    /// The version the request names; a value that is not a string names none.
    fn protocol_version(&self) -> Option<std::borrow::Cow<'_, str>> {
        self.protocol_version
            .and_then(|raw| serde_json::from_str(raw.get()).ok())
    }

    /// The progress token; one of the wrong type is ignored, as if absent.
    fn progress_token(&self) -> Option<ProgressToken> {
        self.progress_token
            .and_then(|raw| serde_json::from_str(raw.get()).ok())
    }

    /// Decodes the value of the reserved key `key`, if present; a bad one is -32602.
    fn decode<T: serde::de::DeserializeOwned>(
        raw: Option<&RawValue>,
        key: &str,
    ) -> Result<Option<T>, ErrorObject> {
        raw.map(|raw| {
            serde_json::from_str(raw.get())
                .map_err(|e| ErrorObject::invalid_params(format!("invalid `_meta[{key:?}]`: {e}")))
        })
        .transpose()
    }
}

/// Shapes `result` for `version` and encodes it.
pub(crate) fn reply<T: Shape + serde::Serialize>(
    mut result: T,
    version: ProtocolVersion,
) -> Answer {
    result.shape(version);
    to_raw(&result).map_err(|e| ErrorObject::internal(format!("could not encode the result: {e}")))
}

pub(crate) fn decode<R: Request>(call: &Call) -> Result<R::Params, ErrorObject> {
    call.message
        .decode_params::<R>()
        .map_err(|e| e.to_error_object())
}

/// A handler's error, with -32042 (URL elicitation required, 2025-11-25 only) turned into
/// -32603 for 2026-07-28 and later. basic/index §Error Codes (2026-07-28): "Implementations
/// of this protocol version MUST NOT emit these codes: [...] -32042 — URL elicitation
/// required (2025-11-25 only)"; there, a URL elicitation is an MRTR input request
/// (`RequestContext::elicit` asks that way). The message and data are kept. (-32002 is
/// remapped where resources are read, `ErrorCode::resource_not_found`.)
fn without_retired_code(mut error: ErrorObject, version: ProtocolVersion) -> ErrorObject {
    if version >= ProtocolVersion::V2026_07_28
        && error.code == mcp_protocol::jsonrpc::ErrorCode::URL_ELICITATION_REQUIRED
    {
        error.code = mcp_protocol::jsonrpc::ErrorCode::INTERNAL_ERROR;
        error.message = format!(
            "{} (a handler answered -32042, which 2026-07-28 retired: ask for the URL \
             elicitation with RequestContext::elicit instead)",
            error.message
        );
    }
    error
}

/// Why a `server/discover` without `_meta` is refused (-32602; on HTTP with 400).
pub(crate) const DISCOVER_WITHOUT_META: &str = "invalid params: `server/discover` requires \
     `_meta` with `io.modelcontextprotocol/protocolVersion` and \
     `io.modelcontextprotocol/clientCapabilities` (2026-07-28 RequestParams)";

fn discover_without_meta() -> ErrorObject {
    ErrorObject::invalid_params(DISCOVER_WITHOUT_META)
}

fn not_initialized() -> ErrorObject {
    ErrorObject::invalid_request(
        "the session is not initialized: send `initialize` first, or name a protocol version \
         in `_meta[\"io.modelcontextprotocol/protocolVersion\"]`",
    )
}

impl Server {
    /// Answers one request.
    pub(crate) async fn dispatch(&self, session: &Arc<Session>, call: Call) -> ResultOrError {
        match self.answer(session, &call).await {
            Ok(raw) => ResultOrError::Result(raw),
            Err(e) => ResultOrError::Error(e),
        }
    }

    async fn answer(&self, session: &Arc<Session>, call: &Call) -> Answer {
        let method = &*call.message.method;
        let meta = match call.message.params.as_deref() {
            Some(raw) => {
                serde_json::from_str::<MetaOnly<'_>>(raw.get())
                    .map_err(|e| ErrorObject::invalid_params(format!("invalid params: {e}")))?
                    .meta
            }
            None => None,
        };
        let progress_token = meta.as_ref().and_then(RequestMeta::progress_token);
        let scope = match meta.as_ref().and_then(RequestMeta::protocol_version) {
            // 2026-07-28: every request names its version (basic/versioning).
            Some(v) => {
                let version = self.versions().check_request(&v)?;
                let meta = meta.as_ref().expect("has a version");
                Scope {
                    version,
                    // basic/versioning §Request Metadata: a request missing a required
                    // field is malformed, -32602 (the HTTP layer checks it first; over stdio
                    // it is checked here).
                    client_capabilities: RequestMeta::decode(
                        meta.client_capabilities,
                        Meta::CLIENT_CAPABILITIES,
                    )?
                    .ok_or_else(|| {
                        ErrorObject::invalid_params(
                            "invalid params: `_meta[\"io.modelcontextprotocol/clientCapabilities\"]` \
                             is required",
                        )
                    })?,
                    client_info: RequestMeta::decode(meta.client_info, Meta::CLIENT_INFO)?,
                    log_level: RequestMeta::decode(meta.log_level, Meta::LOG_LEVEL)?,
                    progress_token,
                }
            }
            None if method == "initialize" => return self.initialize(session, call),
            // `DiscoverRequest.params` is `RequestParams`, whose `_meta` is required and names
            // the version and the client's capabilities: basic/index §Per-request protocol
            // fields, "A request missing any required field is malformed; the server MUST
            // reject it with JSON-RPC error code -32602 (Invalid params)."
            None if method == "server/discover" => return Err(discover_without_meta()),
            None => match session.negotiated() {
                Some(n) => Scope {
                    version: n.version,
                    client_capabilities: n.client_capabilities.clone(),
                    client_info: Some(n.client_info.clone()),
                    log_level: None,
                    progress_token,
                },
                // basic/lifecycle: pings are allowed before initialization.
                None if method == "ping" => {
                    return reply(
                        mcp_protocol::types::EmptyResult::default(),
                        ProtocolVersion::V2024_11_05,
                    );
                }
                None => return Err(not_initialized()),
            },
        };

        let known = MethodInfo::lookup(method)
            .filter(|m| m.exists_in(scope.version) && m.may_be_sent_by(Side::Client));
        if known.is_none()
            && let Some(handler) = self.config().extensions.handler(method)
        {
            let params = call.message.params.as_deref();
            let result = catch_panic(handler.call(method, params, scope.version)).await??;
            let answer = to_raw(&result)
                .map_err(|e| ErrorObject::internal(format!("could not encode the result: {e}")))?;
            if scope.stateless() && self.config().server_info_meta {
                return self.with_server_info(answer);
            }
            return Ok(answer);
        }
        if known.is_none() {
            return Err(ErrorObject::method_not_found(method));
        }
        if !self.declares(session, &scope, method) {
            return Err(ErrorObject::new(
                mcp_protocol::jsonrpc::ErrorCode::METHOD_NOT_FOUND,
                format!(
                    "method {method:?} is not available: the server does not declare its capability"
                ),
            ));
        }
        let stateless = scope.stateless();
        let version = scope.version;
        let answer = self
            .route(session, call, scope)
            .await
            .map_err(|e| without_retired_code(e, version))?;
        if stateless && self.config().server_info_meta {
            return self.with_server_info(answer);
        }
        Ok(answer)
    }

    /// `answer` with `_meta["io.modelcontextprotocol/serverInfo"]` (2026-07-28
    /// `ResultMetaObject`: servers SHOULD include it on every response), unless the handler
    /// already put one there.
    fn with_server_info(&self, answer: Box<RawValue>) -> Answer {
        // Fast path: a result with no `_meta` key anywhere gets one spliced in after its `{`,
        // without decoding and re-encoding the whole result.
        if let Some(rest) = answer.get().strip_prefix('{')
            && META_KEY.find(rest.as_bytes()).is_none()
        {
            let rest = rest.trim_start();
            let comma = if rest.starts_with('}') { "" } else { "," };
            let meta = &self.inner.server_info_meta;
            let mut spliced = String::with_capacity(2 + meta.len() + rest.len());
            spliced.push('{');
            spliced.push_str(meta);
            spliced.push_str(comma);
            spliced.push_str(rest);
            return RawValue::from_string(spliced)
                .map_err(|e| ErrorObject::internal(format!("could not encode the result: {e}")));
        }
        let mut value: Value = serde_json::from_str(answer.get())
            .map_err(|e| ErrorObject::internal(format!("could not re-read the result: {e}")))?;
        let Some(result) = value.as_object_mut() else {
            return Ok(answer);
        };
        let meta = result
            .entry("_meta")
            .or_insert_with(|| Value::Object(serde_json::Map::new()));
        let Some(meta) = meta.as_object_mut() else {
            return Ok(answer);
        };
        if meta.contains_key(Meta::SERVER_INFO) {
            return Ok(answer);
        }
        let info = serde_json::to_value(self.info())
            .map_err(|e| ErrorObject::internal(format!("could not encode serverInfo: {e}")))?;
        meta.insert(Meta::SERVER_INFO.to_owned(), info);
        to_raw(&value)
            .map_err(|e| ErrorObject::internal(format!("could not encode the result: {e}")))
    }

    async fn route(&self, session: &Arc<Session>, call: &Call, scope: Scope) -> Answer {
        use mcp_protocol::methods as m;
        let v = scope.version;
        match &*call.message.method {
            m::Ping::METHOD => reply(mcp_protocol::types::EmptyResult::default(), v),
            m::Discover::METHOD => self.discover(v),
            m::SetLevel::METHOD => self.set_level(session, call, v),
            m::SubscriptionsListen::METHOD => self.listen(session, call, &scope).await,
            m::ListTools::METHOD => self.list_tools(call, v),
            m::CallTool::METHOD => self.call_tool(session, call, &scope).await,
            m::ListResources::METHOD => self.list_resources(call, v),
            m::ListResourceTemplates::METHOD => self.list_templates(call, v),
            m::ReadResource::METHOD => self.read_resource(session, call, &scope).await,
            m::Subscribe::METHOD => self.subscribe(session, call, v, true),
            m::Unsubscribe::METHOD => self.subscribe(session, call, v, false),
            m::ListPrompts::METHOD => self.list_prompts(call, v),
            m::GetPrompt::METHOD => self.get_prompt(session, call, &scope).await,
            m::Complete::METHOD => self.complete(call, v).await,
            // Tasks extension (SEP-2663): `tasks/result` and `tasks/list` are gone in
            // 2026-07-28 (they stay for 2025-11-25 session tasks).
            m::GetTaskPayload::METHOD | m::ListTasks::METHOD if scope.stateless() => {
                Err(ErrorObject::method_not_found(&call.message.method))
            }
            m::GetTask::METHOD | m::CancelTask::METHOD | m::UpdateTask::METHOD
                if scope.stateless() && !tasks::declared(&scope) =>
            {
                Err(tasks::missing_extension(&call.message.method))
            }
            m::GetTask::METHOD => self.get_task(session, call, &scope),
            m::GetTaskPayload::METHOD => self.task_result(session, call, &scope).await,
            m::ListTasks::METHOD => self.list_tasks(session, call, &scope),
            m::CancelTask::METHOD => self.cancel_task(session, call, &scope),
            m::UpdateTask::METHOD => self.update_task(session, call, &scope),
            other => Err(ErrorObject::method_not_found(other)),
        }
    }

    /// Capability honesty: a method whose capability the server did not declare (for this
    /// session, or now for a stateless request) does not exist.
    fn declares(&self, session: &Session, scope: &Scope, method: &str) -> bool {
        let negotiated = session.negotiated().filter(|_| !scope.stateless());
        let current;
        let caps = match &negotiated {
            Some(n) => &n.server_capabilities,
            None => {
                current = self.capabilities();
                &current
            }
        };
        let area = method.split('/').next().unwrap_or_default();
        match (area, method) {
            ("tools", _) => caps.tools.is_some(),
            (_, "resources/subscribe" | "resources/unsubscribe") => {
                caps.resources.as_ref().and_then(|r| r.subscribe) == Some(true)
            }
            ("resources", _) => caps.resources.is_some(),
            ("prompts", _) => caps.prompts.is_some(),
            ("completion", _) => caps.completions.is_some(),
            ("logging", _) => caps.logging.is_some(),
            ("tasks", _) if scope.stateless() => caps
                .extensions
                .as_ref()
                .is_some_and(|e| e.contains_key(TASKS_EXTENSION)),
            ("tasks", _) => caps.tasks.is_some(),
            _ => true,
        }
    }

    /// The context of a handler serving `call` in `scope`, asking for input by `input`.
    pub(crate) fn context(
        &self,
        session: &Arc<Session>,
        call: &Call,
        scope: &Scope,
        input: InputMode,
    ) -> RequestContext {
        RequestContext::new(CtxInner {
            request_id: Some(call.message.id.clone()),
            version: scope.version,
            client_capabilities: scope.client_capabilities.clone(),
            client_info: scope.client_info.clone(),
            principal: call.principal.clone(),
            progress_token: scope.progress_token.clone(),
            log_level: if !self.config().logging {
                LogLevel::Off
            } else if scope.stateless() {
                LogLevel::Fixed(scope.log_level.clone())
            } else {
                LogLevel::Session(session.clone())
            },
            outbound: Some(
                call.outbound
                    .clone()
                    .unwrap_or_else(|| session.outbound.clone()),
            ),
            cancel: call.cancel.clone(),
            input,
            missing: std::sync::Mutex::default(),
        })
    }

    /// Runs a handler that may ask for input (`tools/call`, `prompts/get`,
    /// `resources/read`): directly in the session era, as an MRTR round in 2026-07-28.
    /// `finish` turns the handler's
    /// output into the answer.
    pub(crate) async fn run_with_input<T, Fut>(
        &self,
        session: &Arc<Session>,
        call: &Call,
        scope: &Scope,
        replay: Replay,
        handler: impl FnOnce(RequestContext) -> Fut,
        finish: impl FnOnce(T) -> Answer,
    ) -> Answer
    where
        Fut: Future<Output = T>,
    {
        if !scope.stateless() {
            let ctx = self.context(session, call, scope, InputMode::Request);
            return finish(catch_panic(handler(ctx)).await?);
        }
        let Replay {
            method,
            salient,
            responses,
            state,
            unsolicited,
        } = replay;
        // Hashing the salient params costs more than many handlers: bind only when a state
        // must be opened or sealed, not on every call.
        let salient_params = std::sync::OnceLock::new();
        let binding = || {
            binding_of(
                call,
                method,
                salient_params.get_or_init(|| salient_of(call, salient)),
            )
        };
        let round = Arc::new(self.mrtr_round(responses, state.as_deref(), unsolicited, binding)?);
        let ctx = self.context(session, call, scope, InputMode::Mrtr(round.clone()));
        let end = mrtr::run(&round, catch_panic(handler(ctx))).await;
        match end {
            RoundEnd::Done(out) => finish(out?),
            RoundEnd::Invalid(error) => Err(error),
            RoundEnd::InputRequired(requests) => {
                let asked = requests.0.keys().cloned().collect();
                let state = self.inner.sealer.seal(&binding(), round.answers(), asked);
                reply(
                    mcp_protocol::types::InputRequiredResult::new(requests)
                        .with_request_state(state),
                    scope.version,
                )
            }
        }
    }
}

impl Server {
    /// The round of an MRTR request: the answers sealed in its `requestState` (checked
    /// against what it is bound to, and spent) and those of its new `inputResponses` that
    /// answer a question the state says we asked. Answers that come without a state, or
    /// under a key we did not ask, are ignored (basic/patterns/mrtr: servers use the
    /// responses they recognise and ignore the rest): a confirmation must be one the user
    /// was shown, never one the client wrote in advance. Only a tool that opted in
    /// (`unsolicited`) takes them. What a state seals, earlier rounds' answers, is never
    /// taken from anything but a state we sealed. `binding` is asked for only when there
    /// is a state to open.
    pub(crate) fn mrtr_round(
        &self,
        responses: Option<InputResponses>,
        state: Option<&str>,
        unsolicited: bool,
        binding: impl FnOnce() -> Binding,
    ) -> Result<Round, ErrorObject> {
        let sealed = match state {
            None => mrtr::Opened::default(),
            Some(state) => self.inner.sealer.open(state, &binding())?,
        };
        Ok(Round::new(sealed, responses, unsolicited))
    }
}

/// What an MRTR round of one request is bound to and carries.
pub(crate) struct Replay {
    /// The method.
    pub(crate) method: &'static str,
    /// The names of the request's salient params, which the `requestState` is bound to;
    /// read from the request only when a state is opened or sealed.
    pub(crate) salient: &'static [&'static str],
    /// `inputResponses` of the retry.
    pub(crate) responses: Option<InputResponses>,
    /// `requestState` of the retry.
    pub(crate) state: Option<String>,
    /// Whether answers to questions not asked are taken (a tool's opt-in).
    pub(crate) unsolicited: bool,
}

/// What a `requestState` of `call` is bound to: the method, its salient params, the caller.
pub(crate) fn binding_of(call: &Call, method: &'static str, salient: &Value) -> Binding {
    Binding::new(method, salient, call.principal.as_ref().map(Principal::key))
}

/// The params named in `names`, read from the request (a missing one is `null`).
pub(crate) fn salient_of(call: &Call, names: &[&str]) -> Value {
    let mut params: serde_json::Map<String, Value> = call
        .message
        .params
        .as_deref()
        .and_then(|raw| serde_json::from_str(raw.get()).ok())
        .unwrap_or_default();
    let picked = names
        .iter()
        .map(|name| {
            let value = params.remove(*name).unwrap_or(Value::Null);
            ((*name).to_owned(), value)
        })
        .collect();
    Value::Object(picked)
}

/// A handler that panics fails its own call with -32603; the server carries on.
pub(crate) async fn catch_panic<T>(fut: impl Future<Output = T>) -> Result<T, ErrorObject> {
    AssertUnwindSafe(fut).catch_unwind().await.map_err(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_owned());
        tracing::error!(panic = %what, "a handler panicked");
        ErrorObject::internal(format!("the handler failed: {what}"))
    })
}
