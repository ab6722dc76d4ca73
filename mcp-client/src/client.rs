//! [`Client`]: the handle the application calls the server through, and the one path every
//! call takes (check, shape, stamp, send, retry on -32022, loop on `input_required`).

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use mcp_protocol::engine::CloseReason;
use mcp_protocol::method::{ClientRequest, Request};
use mcp_protocol::methods::CallTool;
use mcp_protocol::rt::Transport;
use mcp_protocol::types::{
    CreateTaskResult, Implementation, InputRequiredResult, ResultOrFollowUp, ResultType,
    ServerCapabilities,
};
use mcp_protocol::{ErrorCode, ProtocolVersion};
use serde_json::value::RawValue;

use crate::builder::ClientBuilder;
use crate::call::{AnswerAs, CallOptions, Conn, RawAnswer};
use crate::connect::era::{self, Negotiated};
use crate::error::{Error, Result};
use crate::inbox::Inbox;
use crate::mrtr;
use crate::notification::Notifications;
use crate::session::{self, Sessions};

/// A connected MCP client. Cheap to clone (clones share the connection); the connection
/// closes when the last clone is dropped or [`Client::close`] is called.
///
/// Every call is checked against the negotiated version and the server's capabilities
/// before it is sent, times out (see [`ClientBuilder::request_timeout`]), and is cancelled
/// on the server (`notifications/cancelled`) when its future is dropped.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) conn: Conn,
    negotiated: Mutex<Negotiated>,
    pub(crate) inbox: Arc<Inbox>,
    /// Which session calls are sent in (HTTP sessions are renewed after a 404).
    pub(crate) sessions: Sessions,
    /// The output schemas of the listed tools, to check `structuredContent` against.
    pub(crate) output_schemas: crate::output_schemas::OutputSchemas,
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.conn.peer.close();
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("negotiated", &*self.negotiated_lock())
            .field("closed", &self.close_reason())
            .finish_non_exhaustive()
    }
}

impl Client {
    pub(crate) fn new(conn: Conn, negotiated: Negotiated, inbox: Arc<Inbox>) -> Self {
        Self {
            inner: Arc::new(Inner {
                conn,
                negotiated: Mutex::new(negotiated),
                inbox,
                sessions: Sessions::default(),
                output_schemas: Default::default(),
            }),
        }
    }

    /// A builder, to register handlers or change the defaults.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// Connects over `transport` with the defaults and no handlers.
    pub async fn connect<T: Transport>(transport: T) -> Result<Self> {
        ClientBuilder::new().connect(transport).await
    }

    /// Spawns `program` and connects to it over stdio with the defaults and no handlers.
    pub async fn spawn<I, S>(program: impl AsRef<std::ffi::OsStr>, args: I) -> Result<Self>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        ClientBuilder::new().spawn(program, args).await
    }

    pub(crate) fn negotiated_lock(&self) -> MutexGuard<'_, Negotiated> {
        self.inner
            .negotiated
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// What the two sides agreed on.
    pub fn negotiated(&self) -> Negotiated {
        self.negotiated_lock().clone()
    }

    /// The protocol version in use.
    pub fn protocol_version(&self) -> ProtocolVersion {
        self.negotiated_lock().version
    }

    /// The server's capabilities.
    pub fn server_capabilities(&self) -> ServerCapabilities {
        self.negotiated_lock().capabilities.clone()
    }

    /// Who the server is.
    pub fn server_info(&self) -> Implementation {
        self.negotiated_lock().server_info.clone()
    }

    /// The server's instructions, if it gave any.
    pub fn instructions(&self) -> Option<String> {
        self.negotiated_lock().instructions.clone()
    }

    /// Closes the connection: pending calls fail with [`Error::Closed`].
    pub fn close(&self) {
        self.inner.conn.peer.close();
    }

    /// Why the connection is closed, if it is.
    pub fn close_reason(&self) -> Option<CloseReason> {
        self.inner.conn.peer.close_reason()
    }

    /// Whether the connection is closed.
    pub fn is_closed(&self) -> bool {
        self.close_reason().is_some()
    }

    /// A stream of the server's notifications (log messages, list changes, resource
    /// updates, …) from now on.
    pub fn notifications(&self) -> Notifications {
        Notifications {
            rx: self.inner.inbox.stream(),
        }
    }

    /// Sends any client request and returns its typed result; MRTR rounds are answered
    /// with the handlers along the way.
    pub async fn request<R: ClientRequest>(&self, params: R::Params) -> Result<R::Result> {
        self.request_with::<R>(params, CallOptions::new()).await
    }

    /// [`Client::request`] with a timeout or progress callback of its own.
    pub async fn request_with<R: ClientRequest>(
        &self,
        params: R::Params,
        options: CallOptions,
    ) -> Result<R::Result> {
        match self.request_outcome::<R>(params, options).await? {
            ResultOrFollowUp::Complete(r) => Ok(r),
            ResultOrFollowUp::Task(task) => Err(Error::UnexpectedTask {
                method: R::METHOD.to_owned(),
                task_id: task.task.task_id,
            }),
            ResultOrFollowUp::InputRequired(_) => Err(Error::InputRoundsExceeded {
                method: R::METHOD.to_owned(),
                rounds: self.inner.conn.config.max_input_rounds,
            }),
        }
    }

    /// Sends any client request and returns its final result, or the task the server
    /// turned it into (never [`ResultOrFollowUp::InputRequired`]: input rounds are answered here).
    pub async fn request_outcome<R: ClientRequest>(
        &self,
        params: R::Params,
        options: CallOptions,
    ) -> Result<ResultOrFollowUp<R::Result>> {
        let (answer, version) = self.call::<R>(&params, &options).await?;
        if !version.has_handshake() && !answer.has_result_type(ResultType::COMPLETE) {
            match answer.result_type().as_deref() {
                // Absent: complete. `input_required` on a method with no input rounds is
                // left to the decoder of the method's result, which reports what is missing.
                None | Some(ResultType::INPUT_REQUIRED) => {}
                Some(ResultType::TASK) if self.accepts_task::<R>() => {
                    let task = answer.decode::<AnswerAs<R, CreateTaskResult>>()?;
                    return Ok(ResultOrFollowUp::Task(task));
                }
                Some(kind) => return Err(unrecognised_result_type::<R>(answer, kind)),
            }
        }
        answer.decode::<R>().map(ResultOrFollowUp::Complete)
    }

    /// Whether a `resultType: "task"` answer to `R` is valid: only when the client declared
    /// the tasks extension, and only for the methods the extension supports. Tasks
    /// extension §Capability Negotiation: "A client that receives `CreateTaskResult` in
    /// response to an unsupported request type **MUST** interpret this as an invalid
    /// response to the request"; §Supported Methods: `tools/call`.
    fn accepts_task<R: Request>(&self) -> bool {
        self.inner.conn.config.tasks_extension && R::METHOD == <CallTool as Request>::METHOD
    }

    /// Refuses locally what the negotiated version or the server's capabilities exclude.
    pub(crate) fn check<R: Request>(&self) -> Result<ProtocolVersion> {
        let n = self.negotiated_lock();
        if !R::exists_in(n.version) {
            return Err(Error::MethodNotInVersion {
                method: R::METHOD,
                version: n.version,
            });
        }
        if let Some(capability) = crate::capability::missing(R::METHOD, n.version, &n.capabilities)
        {
            return Err(Error::CapabilityNotDeclared {
                method: R::METHOD,
                capability,
            });
        }
        Ok(n.version)
    }

    /// The one path of every call: returns the final raw answer (complete, or a task) and
    /// the version it was obtained with.
    pub(crate) async fn call<R: Request>(
        &self,
        params: &R::Params,
        options: &CallOptions,
    ) -> Result<(RawAnswer, ProtocolVersion)> {
        let conn = &self.inner.conn;
        let mut version = self.check::<R>()?;
        let mut encoded = conn.encode::<R>(params, version)?;
        let mut retried_version = false;
        let mut relisted_tools = false;
        let mut renewed_session = false;
        let mut rounds = 0;
        // One deadline for the whole call, so MRTR rounds and retries cannot stretch it past
        // the hard cap (each wire request would otherwise get a fresh one).
        let cap = conn.call_cap(options);
        let deadline = tokio::time::Instant::now() + cap;
        let overdue = || Error::Timeout {
            method: R::METHOD.to_owned(),
            after: cap,
        };
        loop {
            let round = conn.remaining(options, deadline).ok_or_else(overdue)?;
            let sent_in = self.inner.sessions.current();
            let answer = match conn.send::<R>(encoded.clone(), &round).await {
                Ok(answer) => answer,
                Err(e)
                    if session::is_expired(&e)
                        && conn.config.reinitialize_on_expiry
                        && !renewed_session =>
                {
                    // basic/transports §Session Management 4: the server ended the session;
                    // start a new one and send the request again in it (once: a server that
                    // ends every new session gets its 404 back, not a loop).
                    renewed_session = true;
                    tracing::debug!(method = R::METHOD, error = %e, "request hit an expired session");
                    self.renew_session(sent_in).await?;
                    // The new session's version and capabilities decide, as at connect.
                    version = self.check::<R>()?;
                    encoded = conn.encode::<R>(params, version)?;
                    continue;
                }
                Err(e)
                    if e.code() == Some(ErrorCode::UNSUPPORTED_PROTOCOL_VERSION)
                        && !version.has_handshake()
                        && !retried_version =>
                {
                    // 2026-07-28 basic/versioning: pick a mutually supported version from
                    // `supported` and retry (once).
                    retried_version = true;
                    let supported = e.remote().map(era::supported_list).unwrap_or_default();
                    let chosen = conn
                        .config
                        .versions
                        .choose_from(&supported)
                        .map_err(Error::Negotiation)?;
                    if chosen.has_handshake() {
                        return Err(e);
                    }
                    self.negotiated_lock().version = chosen;
                    self.inner.inbox.set_version(chosen);
                    version = chosen;
                    let state = mrtr_fields(&encoded);
                    encoded = conn.encode::<R>(params, version)?;
                    restore_mrtr_fields(&mut encoded, state);
                    continue;
                }
                Err(e)
                    if e.code() == Some(ErrorCode::HEADER_MISMATCH)
                        && R::METHOD == <CallTool as Request>::METHOD
                        && !version.has_handshake()
                        && !relisted_tools =>
                {
                    // 2026-07-28 transports/streamable-http §Custom Headers: on a
                    // HeaderMismatch "the client SHOULD call `tools/list` to check for
                    // changes to the tool's `inputSchema`, then retry the original request
                    // with the appropriate headers". Once: listing records the tools'
                    // `x-mcp-header` annotations, which the retry's headers follow. If the
                    // listing fails, the call gets the server's -32020.
                    relisted_tools = true;
                    tracing::debug!(error = %e, "header mismatch; re-listing the tools");
                    if let Err(list) = Box::pin(self.list_all_tools()).await {
                        tracing::debug!(error = %list, "re-listing the tools failed");
                        return Err(e);
                    }
                    continue;
                }
                Err(e) => return Err(e),
            };
            let input_required = !version.has_handshake()
                && mrtr::supports_input_required::<R>()
                && answer.has_result_type(ResultType::INPUT_REQUIRED);
            if !input_required {
                return Ok((answer, version));
            }
            if rounds == conn.config.max_input_rounds {
                return Err(Error::InputRoundsExceeded {
                    method: R::METHOD.to_owned(),
                    rounds,
                });
            }
            rounds += 1;
            let required = answer.decode::<AnswerAs<R, InputRequiredResult>>()?;
            let responses = match &required.input_requests {
                Some(requests) => Some(
                    tokio::time::timeout_at(
                        deadline,
                        mrtr::fulfil(&conn.handlers, requests, version),
                    )
                    .await
                    .map_err(|_| overdue())??,
                ),
                None => None,
            };
            mrtr::prepare_retry(&mut encoded, &required, responses);
        }
    }
}

/// The error for an answer whose `resultType` the client does not recognise. 2026-07-28
/// basic §ResultType: "A `resultType` of any value unrecognized by the client **MUST** be
/// considered invalid", and the supported set is the core one (`complete`,
/// `input_required`) plus those of the extensions the client declared (`task`, see
/// [`Client::accepts_task`]); an absent `resultType` is `"complete"`.
fn unrecognised_result_type<R: Request>(answer: RawAnswer, kind: &str) -> Error {
    Error::Decode(mcp_protocol::DecodeError::InvalidResult {
        id: answer.id,
        method: R::METHOD.to_owned(),
        path: "resultType".to_owned(),
        message: format!("unrecognised resultType {kind:?} for this request"),
    })
}

type MrtrFields = (Option<serde_json::Value>, Option<serde_json::Value>);

fn mrtr_fields(encoded: &RawValue) -> MrtrFields {
    match serde_json::from_str::<serde_json::Value>(encoded.get()) {
        Ok(mut v) => (
            v.get_mut("inputResponses").map(serde_json::Value::take),
            v.get_mut("requestState").map(serde_json::Value::take),
        ),
        Err(_) => (None, None),
    }
}

fn restore_mrtr_fields(encoded: &mut Box<RawValue>, (responses, state): MrtrFields) {
    mrtr::edit_params(encoded, |o| {
        if let Some(r) = responses {
            o.insert("inputResponses".to_owned(), r);
        }
        if let Some(s) = state {
            o.insert("requestState".to_owned(), s);
        }
    });
}
