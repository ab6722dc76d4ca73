//! Task methods: starting a tool call as a task, `tasks/get|result|list|cancel|update`.

use std::sync::Arc;

use crate::context::Principal;
use mcp_protocol::jsonrpc::{ErrorCode, to_raw};
use mcp_protocol::methods::{
    CancelTask, CancelTaskResult, GetTask, GetTaskPayload, GetTaskPayloadResult, GetTaskResult,
    ListTasks, ListTasksResult, TaskStatus as TaskStatusNotification, TaskStatusParams, UpdateTask,
};
use mcp_protocol::methods::{SubscriptionFilter, TASKS_EXTENSION};
use mcp_protocol::types::{CreateTaskResult, EmptyResult, Extra, Meta, RelatedTaskMetadata};
use mcp_protocol::{ErrorObject, ProtocolVersion, RequestId, Shape};
use serde_json::{Map, Value, json};

use super::{Answer, Call, Scope, catch_panic, decode, reply};
use crate::context::InputMode;
use crate::pagination::page;
use crate::registry::ToolEntry;
use crate::server::Server;
use crate::session::Session;
use crate::tasks::{Owner, TaskRecord, granted_ttl};

/// The `params.task.ttl` a 2025-11-25 task-augmented request asks for, in milliseconds.
fn requested_ttl(call: &Call) -> Option<u64> {
    #[derive(serde::Deserialize)]
    struct Params {
        task: Option<mcp_protocol::types::TaskMetadata>,
    }
    let raw = call.message.params.as_deref()?;
    serde_json::from_str::<Params>(raw.get()).ok()?.task?.ttl
}

/// The key of `subscriptions/listen`'s `notifications` (and of its acknowledgement) that
/// lists the tasks to follow (tasks extension §Task Status Notifications).
pub(crate) const TASK_IDS: &str = "taskIds";

/// The notification of a task's state on a listen stream: `notifications/tasks`, as the
/// tasks extension's text names it and as the 0.2.x conformance suite (0.2.0-alpha.12,
/// `tasks-status-notifications`) and other implementations of the extension expect; the
/// filter key is `taskIds`. `notifications/tasks/status` is the 2025-11-25 core
/// notification on the session (still sent there) and only an older draft schema of the
/// extension used it, so it is not sent on listen streams.
pub(crate) const TASK_NOTIFICATION: &str = "notifications/tasks";

/// The task IDs a listen filter follows.
pub(crate) fn listened_task_ids(filter: &SubscriptionFilter) -> Vec<String> {
    filter
        .extra
        .get(TASK_IDS)
        .and_then(|v| serde_json::from_value(v.clone()).ok())
        .unwrap_or_default()
}

/// Sends `record`'s full state (`DetailedTask`, as `tasks/get` would answer now) on the
/// listen stream `subscription`.
pub(crate) fn send_task_status(session: &Session, subscription: &RequestId, record: &TaskRecord) {
    let mut params = TaskStatusParams::new(record.detailed()).shaped(ProtocolVersion::V2026_07_28);
    params.meta = Some(Meta::new().with(Meta::SUBSCRIPTION_ID, subscription));
    if let Ok(raw) = to_raw(&params) {
        session.outbound.notify_raw(TASK_NOTIFICATION, raw);
    }
}

/// Whether the request's `_meta` client capabilities declare the tasks extension (2026-07-28
/// gates every task surface on it, request by request).
pub(super) fn declared(scope: &Scope) -> bool {
    scope
        .client_capabilities
        .extensions
        .as_ref()
        .is_some_and(|e| e.contains_key(TASKS_EXTENSION))
}

/// `MissingRequiredClientCapabilityError` (-32021) for `what`, which needs the tasks
/// extension in the request's `_meta` (tasks extension §Capability Negotiation), with
/// `data.requiredCapabilities.extensions` naming it.
pub(super) fn missing_extension(what: &str) -> ErrorObject {
    ErrorObject::new(
        ErrorCode::MISSING_REQUIRED_CLIENT_CAPABILITY,
        format!(
            "missing required client capability: {what} needs the {TASKS_EXTENSION} extension \
             in `_meta[{:?}]`",
            Meta::CLIENT_CAPABILITIES
        ),
    )
    .with_data(json!({
        "requiredCapabilities": { "extensions": { TASKS_EXTENSION: {} } }
    }))
}

impl Server {
    /// Whom a task of this request belongs to (see [`Owner`] for the binding rules).
    pub(super) fn owner(&self, session: &Session, call: &Call, scope: &Scope) -> Owner {
        if !scope.stateless() {
            Owner::Session(session.id)
        } else if let Some(principal) = &call.principal {
            Owner::Principal(Principal::key(principal))
        } else {
            Owner::Unbound
        }
    }

    fn task(
        &self,
        session: &Session,
        call: &Call,
        scope: &Scope,
        id: &str,
    ) -> Result<Arc<TaskRecord>, ErrorObject> {
        self.inner
            .tasks
            .get(id, &self.owner(session, call, scope))
            .ok_or_else(|| ErrorObject::invalid_params(format!("unknown task: {id:?}")))
    }

    /// The `taskIds` a `subscriptions/listen` request asks to follow (tasks extension
    /// §Task Status Notifications), as the filter's extra fields to acknowledge: the ones
    /// that name a task of the caller. Asking without declaring the extension is -32021.
    pub(super) fn listened_tasks(
        &self,
        session: &Session,
        call: &Call,
        scope: &Scope,
        asked: &SubscriptionFilter,
    ) -> Result<Extra, ErrorObject> {
        let mut extra = Extra::new();
        let Some(wanted) = asked.extra.get(TASK_IDS) else {
            return Ok(extra);
        };
        let wanted: Vec<String> = serde_json::from_value(wanted.clone()).map_err(|e| {
            ErrorObject::invalid_params(format!("invalid `notifications.{TASK_IDS}`: {e}"))
        })?;
        if !declared(scope) {
            return Err(missing_extension("task status notifications"));
        }
        let owner = self.owner(session, call, scope);
        let accepted: Vec<String> = wanted
            .into_iter()
            .filter(|id| self.tasks_enabled() && self.inner.tasks.get(id, &owner).is_some())
            .collect();
        if !accepted.is_empty() {
            extra.insert(TASK_IDS.to_owned(), json!(accepted));
        }
        Ok(extra)
    }

    /// Sends `record`'s state to every listen stream that follows it.
    fn broadcast_task_status(&self, record: &TaskRecord) {
        for session in self.sessions().values() {
            for id in session.listens_where(|f| listened_task_ids(f).contains(&record.id)) {
                send_task_status(session, &id, record);
            }
        }
    }

    /// Answers `tools/call` with a task at once and runs the call in the background.
    pub(super) fn start_tool_task(
        &self,
        session: &Arc<Session>,
        call: &Call,
        scope: &Scope,
        entry: Arc<ToolEntry>,
        args: Map<String, Value>,
        gathered: Map<String, Value>,
    ) -> Answer {
        // Session era only: the extension has no way to ask (a legacy `task` param is ignored).
        let requested = if scope.stateless() {
            None
        } else {
            requested_ttl(call)
        };
        let record = self.inner.tasks.create(
            self.owner(session, call, scope),
            self.config().task_poll_ms_value(),
            granted_ttl(requested, self.config().task_max_ttl_value()),
        )?;
        record.input.preset(gathered);
        let input = if scope.stateless() {
            InputMode::Task(record.input.clone())
        } else {
            InputMode::SessionTask(record.input.clone())
        };
        let ctx = self
            .context(session, call, scope, InputMode::None)
            .with_input(input, record.cancel.clone());
        let version = scope.version;
        let task = record.clone();
        tokio::spawn(async move {
            let outcome = catch_panic((entry.handler)(args, ctx))
                .await
                .and_then(|r| super::features::checked_output(&entry, r))
                .and_then(|r| match serde_json::to_value(r.shaped(version)) {
                    Ok(Value::Object(map)) => Ok(map),
                    _ => Err(ErrorObject::internal("could not encode the result")),
                });
            task.finish(outcome);
        });
        if scope.stateless() {
            // The tasks extension: tell the listen streams that asked for this task.
            let server = self.clone();
            let mut changes = record.watch();
            let watched = record.clone();
            tokio::spawn(async move {
                loop {
                    tokio::select! {
                        changed = changes.changed() => if changed.is_err() { break },
                        () = server.inner.shutdown.cancelled() => break,
                    }
                    server.broadcast_task_status(&watched);
                    if watched.task().status.is_terminal() {
                        break;
                    }
                }
            });
        } else {
            // basic/utilities/tasks §Task Status Notification: tell the requestor of changes.
            let out = session.outbound.clone();
            let mut changes = record.watch();
            let watched = record.clone();
            let closed = session.closed.clone();
            tokio::spawn(async move {
                loop {
                    tokio::select! {
                        changed = changes.changed() => if changed.is_err() { break },
                        () = closed.cancelled() => break,
                    }
                    let params = TaskStatusParams::new(watched.task()).shaped(version);
                    out.notify::<TaskStatusNotification>(params);
                    if watched.task().status.is_terminal() {
                        break;
                    }
                }
            });
        }
        reply(CreateTaskResult::new(record.task()), version)
    }

    pub(super) fn get_task(&self, session: &Session, call: &Call, scope: &Scope) -> Answer {
        let params = decode::<GetTask>(call)?;
        let record = self.task(session, call, scope, &params.task_id)?;
        let result = if scope.stateless() {
            GetTaskResult::new(record.detailed())
        } else {
            GetTaskResult::new(record.task())
        };
        reply(result, scope.version)
    }

    /// `tasks/result` (2025-11-25): waits for the end, then answers what the call would have.
    pub(super) async fn task_result(
        &self,
        session: &Session,
        call: &Call,
        scope: &Scope,
    ) -> Answer {
        let params = decode::<GetTaskPayload>(call)?;
        let record = self.task(session, call, scope, &params.task_id)?;
        tokio::select! {
            () = record.wait_terminal() => {}
            () = call.cancel.cancelled() => return Err(ErrorObject::internal("cancelled")),
        }
        let related = RelatedTaskMetadata::new(record.id.clone());
        match record.outcome() {
            Some(Ok(result)) => {
                let mut payload = {
                    let mut get_task_payload_result = GetTaskPayloadResult::default();
                    get_task_payload_result.meta = None;
                    get_task_payload_result.extra = result;
                    get_task_payload_result
                };
                payload.meta = Some(Meta::new().with(Meta::RELATED_TASK, &related));
                reply(payload, scope.version)
            }
            Some(Err(e)) => Err(e),
            None => Err(ErrorObject::internal("the task has no outcome")),
        }
    }

    pub(super) fn list_tasks(&self, session: &Session, call: &Call, scope: &Scope) -> Answer {
        let params = decode::<ListTasks>(call)?;
        let all: Vec<_> = self
            .inner
            .tasks
            .list(&self.owner(session, call, scope))
            .iter()
            .map(|t| t.task())
            .collect();
        let (tasks, next_cursor) = page(all, params.cursor.as_deref(), self.page_size())?;
        reply(
            {
                let mut list_tasks_result = ListTasksResult::default();
                list_tasks_result.tasks = tasks;
                list_tasks_result.next_cursor = next_cursor;
                list_tasks_result
            },
            scope.version,
        )
    }

    pub(super) fn cancel_task(&self, session: &Session, call: &Call, scope: &Scope) -> Answer {
        let params = decode::<CancelTask>(call)?;
        let record = self.task(session, call, scope, &params.task_id)?;
        let moved = record.cancel();
        if scope.stateless() {
            // The tasks extension: an empty acknowledgement, also for a task that had
            // already ended (cancelling is idempotent); `tasks/get` tells the outcome.
            return reply(EmptyResult::default(), scope.version);
        }
        if !moved {
            // 2025-11-25: cancelling a terminal task is -32602.
            return Err(ErrorObject::invalid_params(format!(
                "task {:?} is already {:?}",
                params.task_id,
                record.task().status
            )));
        }
        reply(CancelTaskResult::new(record.task()), scope.version)
    }

    /// `tasks/update` (2026-07-28 extension): answers to a task's input requests.
    pub(super) fn update_task(&self, session: &Session, call: &Call, scope: &Scope) -> Answer {
        let params = decode::<UpdateTask>(call)?;
        let record = self.task(session, call, scope, &params.task_id)?;
        record.input.answer(params.input_responses);
        reply(EmptyResult::default(), scope.version)
    }
}
