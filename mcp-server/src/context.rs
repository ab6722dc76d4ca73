//! The request context a handler gets: who asks, in which version, with which client
//! capabilities; progress, logging, cancellation; and asking the client for input.
//!
//! See [`RequestContext`] for how asking the client for input works in each era.

use std::sync::Arc;

use mcp_protocol::method::Request;
use mcp_protocol::methods::{
    CreateMessage, CreateMessageParams, CreateMessageResult, Elicit, ElicitAction, ElicitParams,
    ElicitResult, IncludeContext, ListRoots, ListRootsResult, LoggingMessage, LoggingMessageParams,
    Progress, ProgressParams,
};
use mcp_protocol::types::{
    ClientCapabilities, Implementation, InputRequest, InputRequestKind, LoggingLevel,
};
use mcp_protocol::{ProgressToken, ProtocolVersion, RequestId, Shape};
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio_util::sync::{CancellationToken, WaitForCancellationFuture};

pub use mcp_auth::Principal;

use serde_json::json;

use crate::error::InputError;
use crate::mrtr::Round;
use crate::notifier::Notifier;
use crate::registry::CompiledSchema;
use crate::session::{Outbound, Session};
use crate::tasks::TaskInput;

/// Where the log level of a request comes from.
#[derive(Debug, Clone)]
pub(crate) enum LogLevel {
    /// The server does not declare `logging` (`ServerBuilder::logging(false)`): no logs.
    Off,
    /// Session era: what `logging/setLevel` set on the session (everything until then).
    Session(Arc<Session>),
    /// 2026-07-28: `_meta["io.modelcontextprotocol/logLevel"]` of the request; absent means
    /// no logs at all.
    Fixed(Option<LoggingLevel>),
}

/// How this request may ask the client for input.
#[derive(Debug, Clone)]
pub(crate) enum InputMode {
    /// A server-to-client request on the connection.
    Request,
    /// An MRTR round: answers from the retry, questions end the call.
    Mrtr(Arc<Round>),
    /// A task of the 2026-07-28 extension: wait for `tasks/update`.
    Task(Arc<TaskInput>),
    /// A 2025-11-25 task: a server-to-client request naming the task, with the task in
    /// `input_required` until it is answered.
    SessionTask(Arc<TaskInput>),
    /// Not at all.
    None,
}

/// Everything a handler may need about the request it serves. Cheap to clone.
///
/// # Asking for input, in both eras
///
/// [`RequestContext::elicit`], [`RequestContext::create_message`] and
/// [`RequestContext::list_roots`] are one API over two mechanisms:
///
/// - **Session era** (2025-06-18 … 2025-11-25 for elicitation, all for sampling and roots):
///   a server-to-client JSON-RPC request on the same connection; the handler awaits the
///   client's answer. Refused with [`InputError::Unsupported`] if the client did not declare
///   the capability in `initialize`.
/// - **2026-07-28** (MRTR, basic/patterns/mrtr): the call *ends* with an `input_required`
///   result listing what the handler asked for; the client retries the same request with
///   `inputResponses` and the `requestState` we gave it, and the handler **runs again from
///   the start**. This time the same question finds its answer and the call goes on. See
///   [`crate::mrtr`] for the replay model and what it asks of handlers (be deterministic up
///   to your input requests).
/// - **Inside a task** (tasks extension): the task moves to `input_required` and the handler
///   waits, live, for `tasks/update`.
///
/// 2026-07-28 deprecates sampling and roots (deprecated.mdx, SEP-2577: "new
/// implementations SHOULD NOT adopt" them; migrate to calling a model provider directly and
/// to passing paths as tool parameters). They stay here because session-era clients rely on
/// them and 2026-07-28 still defines them; a new server should prefer elicitation or no
/// input at all (audit row 5.20).
#[derive(Clone, Debug)]
pub struct RequestContext {
    inner: Arc<Inner>,
}

#[derive(Debug)]
pub(crate) struct Inner {
    pub(crate) request_id: Option<RequestId>,
    pub(crate) version: ProtocolVersion,
    pub(crate) client_capabilities: ClientCapabilities,
    pub(crate) client_info: Option<Implementation>,
    pub(crate) principal: Option<Principal>,
    pub(crate) progress_token: Option<ProgressToken>,
    pub(crate) log_level: LogLevel,
    pub(crate) outbound: Option<Arc<dyn Outbound>>,
    pub(crate) cancel: CancellationToken,
    pub(crate) input: InputMode,
    /// The capabilities an input request found missing (the last one), for the dispatcher
    /// to answer -32021 if the handler then fails (see [`InputError::Unsupported`]).
    pub(crate) missing: std::sync::Mutex<Option<ClientCapabilities>>,
}

impl RequestContext {
    pub(crate) fn new(inner: Inner) -> Self {
        Self {
            inner: Arc::new(inner),
        }
    }

    /// The client capabilities an input request of this handler found missing, if any.
    pub(crate) fn missing_capabilities(&self) -> Option<ClientCapabilities> {
        self.inner
            .missing
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// The same context with another way to ask for input (a task keeps the caller's
    /// identity but waits for `tasks/update`).
    pub(crate) fn with_input(&self, input: InputMode, cancel: CancellationToken) -> Self {
        let i = &self.inner;
        Self::new(Inner {
            request_id: i.request_id.clone(),
            version: i.version,
            client_capabilities: i.client_capabilities.clone(),
            client_info: i.client_info.clone(),
            principal: i.principal.clone(),
            // The original request is answered; progress on it would name a finished request.
            progress_token: None,
            // Tasks extension §Task Status Notifications: `notifications/message` is "not
            // supported on tasks in general"; a 2026-07-28 task logs nothing.
            log_level: match &input {
                InputMode::Task(_) => LogLevel::Fixed(None),
                _ => i.log_level.clone(),
            },
            outbound: i.outbound.clone(),
            cancel,
            input,
            missing: std::sync::Mutex::default(),
        })
    }

    /// A handle for notifications sent after this request is answered (see [`Notifier`]).
    pub fn notifier(&self) -> Notifier {
        Notifier {
            outbound: self.inner.outbound.clone(),
            version: self.inner.version,
        }
    }

    /// The id of the request being served.
    pub fn request_id(&self) -> Option<&RequestId> {
        self.inner.request_id.as_ref()
    }

    /// The protocol version of this request (negotiated in `initialize`, or named in the
    /// request's `_meta` in 2026-07-28).
    pub fn protocol_version(&self) -> ProtocolVersion {
        self.inner.version
    }

    /// What the client said it can do.
    pub fn client_capabilities(&self) -> &ClientCapabilities {
        &self.inner.client_capabilities
    }

    /// Who the client says it is, if it said.
    pub fn client_info(&self) -> Option<&Implementation> {
        self.inner.client_info.as_ref()
    }

    /// The authenticated caller, if the transport authenticates.
    pub fn principal(&self) -> Option<&Principal> {
        self.inner.principal.as_ref()
    }

    /// Whether the caller asked for progress (sent a `progressToken`).
    pub fn wants_progress(&self) -> bool {
        self.inner.progress_token.is_some()
    }

    /// The `progressToken` the caller sent in the request's `_meta`, if any (`None` inside
    /// a task, whose original request is already answered).
    pub fn progress_token(&self) -> Option<&ProgressToken> {
        self.inner.progress_token.as_ref()
    }

    /// Reports progress, if the caller asked for it (otherwise does nothing). `progress`
    /// must grow from one call to the next. Returns whether a notification was sent.
    ///
    /// Nothing is sent once the request is cancelled (2026-07-28 basic/transports/stdio
    /// §Cancellation: servers "MUST NOT send any further messages for it"; the handler may
    /// run on for a while to wind down).
    pub fn progress(&self, progress: f64, total: Option<f64>, message: Option<&str>) -> bool {
        let (Some(token), Some(out)) = (&self.inner.progress_token, &self.inner.outbound) else {
            return false;
        };
        if self.is_cancelled() {
            return false;
        }
        let mut params = ProgressParams::new(token.clone(), progress, total);
        params.message = message.map(str::to_owned);
        out.notify::<Progress>(params.shaped(self.inner.version))
    }

    /// Whether a log message at `level` would be sent: never once the request is
    /// cancelled (see [`RequestContext::progress`]), nor when the server does not declare
    /// `logging` (server/utilities/logging §Capabilities: "Servers that emit log message
    /// notifications MUST declare the `logging` capability").
    pub fn log_enabled(&self, level: LoggingLevel) -> bool {
        if self.is_cancelled() {
            return false;
        }
        match &self.inner.log_level {
            LogLevel::Off => false,
            LogLevel::Session(session) => session.log_level().is_none_or(|min| level >= min),
            LogLevel::Fixed(min) => min.as_ref().is_some_and(|min| level >= *min),
        }
    }

    /// Sends `notifications/message` if the client's log level lets `level` through
    /// (`logging/setLevel` in the session era; the request's `_meta` log level in
    /// 2026-07-28, where no level means no logs), the server declares `logging` and the
    /// request is not cancelled ([`RequestContext::log_enabled`]). Returns whether it was
    /// sent.
    pub fn log(&self, level: LoggingLevel, data: impl Into<Value>) -> bool {
        self.log_message(LoggingMessageParams::new(level, data))
    }

    /// Like [`RequestContext::log`], with a full message (logger name, `_meta`).
    pub fn log_message(&self, message: LoggingMessageParams) -> bool {
        if !self.log_enabled(message.level.clone()) {
            return false;
        }
        match &self.inner.outbound {
            Some(out) => out.notify::<LoggingMessage>(message),
            None => false,
        }
    }

    /// Closes the connection carrying this request's SSE stream, without ending the
    /// request: the client reconnects after the `retry` delay and resumes with
    /// `Last-Event-ID`, and what the handler sends meanwhile (its result included) waits
    /// for it (2025-11-25 basic/transports §Sending Messages 6, polling). Only a
    /// session-era Streamable HTTP request with resumable streams has one to close;
    /// elsewhere this does nothing and returns false.
    pub fn close_stream(&self) -> bool {
        self.inner
            .outbound
            .as_ref()
            .is_some_and(|out| out.close_stream())
    }

    /// Resolves when the client cancels the request (or the connection closes).
    pub fn cancelled(&self) -> WaitForCancellationFuture<'_> {
        self.inner.cancel.cancelled()
    }

    /// Whether the client cancelled the request.
    pub fn is_cancelled(&self) -> bool {
        self.inner.cancel.is_cancelled()
    }

    /// Asks the user for input through the client (form or URL mode). See the
    /// [`RequestContext`] docs for how this works in each era.
    ///
    /// An accepted form answer is checked against the form's `requestedSchema` (with the
    /// default feature `validate`; client/elicitation: "Servers SHOULD validate received
    /// data matches the requested schema"); content that does not fit is
    /// [`InputError::Malformed`].
    pub async fn elicit(
        &self,
        params: impl Into<ElicitParams>,
    ) -> Result<ElicitResult, InputError> {
        let params = params.into();
        let schema = form_schema(&params);
        let answer = self
            .ask::<Elicit>(InputRequest::elicit(params), None)
            .await?;
        checked_answer(schema, answer)
    }

    /// Like [`RequestContext::elicit`], with the key the question gets in a 2026-07-28
    /// `inputRequests` (instead of the generated `elicit-N`), for servers whose
    /// clients expect fixed keys. The key is ignored where there are no keys (the session
    /// era) and must be unique among the questions of one request.
    pub async fn elicit_as(
        &self,
        key: impl Into<String>,
        params: impl Into<ElicitParams>,
    ) -> Result<ElicitResult, InputError> {
        let params = params.into();
        let schema = form_schema(&params);
        let answer = self
            .ask::<Elicit>(InputRequest::elicit(params), Some(key.into()))
            .await?;
        checked_answer(schema, answer)
    }

    /// Asks the client's model for a completion (`sampling/createMessage`).
    ///
    /// Refused ([`InputError::Unsupported`]) when `params` carries `tools`/`toolChoice` and
    /// the client did not declare `sampling.tools`, or `includeContext` other than `none`
    /// without `sampling.context` (client/sampling). The rules on the messages themselves
    /// (tool results alone in a user message, every tool use answered: client/sampling
    /// §Tool Use, audit row 6.9) are not checked here: the handler builds the conversation,
    /// and the client's model refuses a malformed one.
    pub async fn create_message(
        &self,
        params: CreateMessageParams,
    ) -> Result<CreateMessageResult, InputError> {
        self.ask::<CreateMessage>(InputRequest::create_message(params), None)
            .await
    }

    /// Like [`RequestContext::create_message`], with a fixed MRTR key (see
    /// [`RequestContext::elicit_as`]).
    pub async fn create_message_as(
        &self,
        key: impl Into<String>,
        params: CreateMessageParams,
    ) -> Result<CreateMessageResult, InputError> {
        self.ask::<CreateMessage>(InputRequest::create_message(params), Some(key.into()))
            .await
    }

    /// Asks the client for its roots (`roots/list`).
    pub async fn list_roots(&self) -> Result<ListRootsResult, InputError> {
        self.ask::<ListRoots>(InputRequest::list_roots(), None)
            .await
    }

    /// Like [`RequestContext::list_roots`], with a fixed MRTR key (see
    /// [`RequestContext::elicit_as`]).
    pub async fn list_roots_as(
        &self,
        key: impl Into<String>,
    ) -> Result<ListRootsResult, InputError> {
        self.ask::<ListRoots>(InputRequest::list_roots(), Some(key.into()))
            .await
    }

    async fn ask<R: Request>(
        &self,
        request: InputRequest,
        key: Option<String>,
    ) -> Result<R::Result, InputError>
    where
        R::Result: DeserializeOwned,
    {
        let i = &self.inner;
        if let Err(e) = check_capability(i.version, &i.client_capabilities, &request.kind) {
            if let InputError::Unsupported {
                required: Some(required),
                ..
            } = &e
            {
                *i.missing
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) =
                    Some((**required).clone());
            }
            return Err(e);
        }
        let request = request.shaped(i.version);
        let raw = match &i.input {
            InputMode::None => return Err(InputError::NotAllowed),
            InputMode::Request => {
                let out = i.outbound.as_ref().ok_or(InputError::NotAllowed)?;
                let params = input_params(&request)?;
                out.request(R::METHOD, params).await?
            }
            InputMode::Mrtr(round) => match round.answer_or_ask(request, key) {
                Some((key, answer)) => match serde_json::from_value(answer) {
                    Ok(answer) => return Ok(answer),
                    Err(e) => {
                        // The call fails with -32602; the handler never sees the answer.
                        round.reject(&key, &e.to_string());
                        std::future::pending().await
                    }
                },
                // The call ends with `input_required`; the retry runs the handler again.
                None => std::future::pending().await,
            },
            InputMode::Task(task) => task.ask(request, key.as_deref(), &i.cancel).await?,
            InputMode::SessionTask(task) => {
                let out = i.outbound.as_ref().ok_or(InputError::NotAllowed)?;
                let params = input_params(&request)?;
                task.ask_client(out, R::METHOD, request, params, &i.cancel)
                    .await?
            }
        };
        serde_json::from_value(raw).map_err(|e| InputError::Malformed(e.to_string()))
    }
}

/// The params of an input request as a JSON value (`roots/list` may have none).
fn input_params(request: &InputRequest) -> Result<Value, InputError> {
    let encoded = match &request.kind {
        InputRequestKind::CreateMessage(p) => serde_json::to_value(p),
        InputRequestKind::ListRoots(p) => serde_json::to_value(p.clone().unwrap_or_default()),
        InputRequestKind::Elicit(p) => serde_json::to_value(p),
        other => {
            return Err(InputError::Malformed(format!(
                "unsupported input request: {other:?}"
            )));
        }
    };
    encoded.map_err(|e| InputError::Malformed(e.to_string()))
}

/// Whether the client declared the sampling `params` need (client/sampling, both
/// revisions): any sampling needs `sampling`; "Servers MUST NOT send tool-enabled sampling
/// requests to Clients that have not declared support for tool use via the
/// `sampling.tools` capability" (`tools` or `toolChoice` present); and `includeContext`
/// other than `none` "SHOULD NOT" be used "unless the client declares `sampling.context`",
/// which this crate holds as a refusal too.
fn check_sampling(
    caps: &ClientCapabilities,
    params: &CreateMessageParams,
) -> Result<(), InputError> {
    let Some(sampling) = &caps.sampling else {
        return Err(unsupported("sampling", json!({"sampling": {}})));
    };
    if (params.tools.is_some() || params.tool_choice.is_some()) && sampling.tools.is_none() {
        return Err(unsupported(
            "sampling.tools",
            json!({"sampling": {"tools": {}}}),
        ));
    }
    let with_context = params
        .include_context
        .as_ref()
        .is_some_and(|c| *c != IncludeContext::None);
    if with_context && sampling.context.is_none() {
        return Err(unsupported(
            "sampling.context",
            json!({"sampling": {"context": {}}}),
        ));
    }
    Ok(())
}

/// Whether the client declared what `kind` needs, in `version` (client/elicitation
/// §Capabilities, client/sampling, client/roots; MRTR: "Servers MUST NOT send an
/// inputRequests that the client has not declared support for").
pub(crate) fn check_capability(
    version: ProtocolVersion,
    caps: &ClientCapabilities,
    kind: &InputRequestKind,
) -> Result<(), InputError> {
    match kind {
        InputRequestKind::Elicit(p) => {
            if !p.is_supported_in(version) {
                // No capability would make it askable: nothing for -32021 to name.
                return Err(InputError::Unsupported {
                    what: "this elicitation mode in the request's protocol version",
                    required: None,
                });
            }
            let Some(e) = &caps.elicitation else {
                return Err(unsupported("elicitation", json!({"elicitation": {}})));
            };
            match p {
                ElicitParams::Url(_) if !e.supports_url() => Err(unsupported(
                    "elicitation (url mode)",
                    json!({"elicitation": {"url": {}}}),
                )),
                ElicitParams::Form(_) if !e.supports_form() => Err(unsupported(
                    "elicitation (form mode)",
                    json!({"elicitation": {"form": {}}}),
                )),
                _ => Ok(()),
            }
        }
        InputRequestKind::CreateMessage(p) => check_sampling(caps, p),
        InputRequestKind::ListRoots(_) if caps.roots.is_none() => {
            Err(unsupported("roots", json!({"roots": {}})))
        }
        _ => Ok(()),
    }
}

/// [`InputError::Unsupported`] for `what`, which the capabilities `required` (as
/// `data.requiredCapabilities` lists them) would allow.
fn unsupported(what: &'static str, required: Value) -> InputError {
    InputError::Unsupported {
        what,
        required: serde_json::from_value(required).ok().map(Box::new),
    }
}

/// The `requestedSchema` of a form elicitation, as a JSON object.
fn form_schema(params: &ElicitParams) -> Option<serde_json::Map<String, Value>> {
    match params {
        ElicitParams::Form(form) => match serde_json::to_value(&form.requested_schema) {
            Ok(Value::Object(schema)) => Some(schema),
            _ => None,
        },
        _ => None,
    }
}

/// `answer` if its accepted content fits `schema` (client/elicitation: "Servers SHOULD
/// validate received data matches the requested schema"). Without the `validate` feature
/// every answer passes.
fn checked_answer(
    schema: Option<serde_json::Map<String, Value>>,
    answer: ElicitResult,
) -> Result<ElicitResult, InputError> {
    let (Some(schema), ElicitAction::Accept) = (schema, &answer.action) else {
        return Ok(answer);
    };
    let content = Value::Object(answer.content.clone().unwrap_or_default());
    let problem = CompiledSchema::compile(&schema)
        .map_err(|e| InputError::Malformed(format!("the requested schema is invalid: {e}")))?
        .problems(&content);
    match problem {
        None => Ok(answer),
        Some(problem) => Err(InputError::Malformed(format!(
            "the accepted content does not fit the requested schema: {problem}"
        ))),
    }
}
