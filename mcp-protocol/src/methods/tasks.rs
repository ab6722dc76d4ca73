//! Tasks (2025-11-25 basic/utilities/tasks, and the 2026-07-28 extension
//! `io.modelcontextprotocol/tasks`): `tasks/get`, `tasks/result`, `tasks/list`,
//! `tasks/cancel` and `notifications/tasks/status`; `tasks/update` is in
//! [`tasks_ext`](super::UpdateTask).
//!
//! The method table is keyed by name, so a name that exists in both designs has **one
//! marker whose types cover both**, and [`Shape`] turns a value into the form of the peer's
//! version:
//!
//! | method | 2025-11-25 | 2026-07-28 extension |
//! |---|---|---|
//! | `tasks/get` | `Result & Task` | `Result & DetailedTask` (`inputRequests` / `result` / `error` by status) |
//! | `tasks/cancel` | `Result & Task` | empty result |
//! | `notifications/tasks/status` | `Task` | `DetailedTask` |
//! | `tasks/result`, `tasks/list` | yes | — |
//! | `tasks/update` | — | yes |
//!
//! In 2025-11-25 either side may be the receiver of a task (a server runs `tools/call`, a
//! client runs `sampling/createMessage` or `elicitation/create`), so these methods go both
//! ways; in the extension only the client polls the server.

use serde::de::{Deserializer, Error as _};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::jsonrpc::ErrorObject;
use crate::method::{
    ClientNotification, ClientRequest, Notification, Request, ServerNotification, ServerRequest,
};
use crate::shape::Shape;
use crate::types::{
    Cursor, Extra, InputRequests, JsonObject, Meta, PaginatedParams, ResultType, Task,
    shape_result_type, take_field,
};
use crate::version::ProtocolVersion;

/// `tasks/get`: the current state of a task.
#[derive(Debug)]
pub enum GetTask {}

impl Request for GetTask {
    const METHOD: &'static str = "tasks/get";
    const SINCE: ProtocolVersion = ProtocolVersion::V2025_11_25;
    type Params = TaskIdParams;
    type Result = GetTaskResult;
}
impl ClientRequest for GetTask {}
impl ServerRequest for GetTask {}

/// `tasks/result`: wait for a task to finish and get what the original request would have
/// returned (2025-11-25 only; the extension returns it inline in `tasks/get`).
#[derive(Debug)]
pub enum GetTaskPayload {}

impl Request for GetTaskPayload {
    const METHOD: &'static str = "tasks/result";
    const SINCE: ProtocolVersion = ProtocolVersion::V2025_11_25;
    const UNTIL: Option<ProtocolVersion> = Some(ProtocolVersion::V2025_11_25);
    type Params = TaskIdParams;
    type Result = GetTaskPayloadResult;
}
impl ClientRequest for GetTaskPayload {}
impl ServerRequest for GetTaskPayload {}

/// `tasks/list`: the requestor's tasks, a page at a time (2025-11-25 only).
#[derive(Debug)]
pub enum ListTasks {}

impl Request for ListTasks {
    const METHOD: &'static str = "tasks/list";
    const SINCE: ProtocolVersion = ProtocolVersion::V2025_11_25;
    const UNTIL: Option<ProtocolVersion> = Some(ProtocolVersion::V2025_11_25);
    type Params = PaginatedParams;
    type Result = ListTasksResult;
}
impl ClientRequest for ListTasks {}
impl ServerRequest for ListTasks {}

/// `tasks/cancel`: ask the receiver to stop a task. Cooperative in the extension.
#[derive(Debug)]
pub enum CancelTask {}

impl Request for CancelTask {
    const METHOD: &'static str = "tasks/cancel";
    const SINCE: ProtocolVersion = ProtocolVersion::V2025_11_25;
    type Params = TaskIdParams;
    type Result = CancelTaskResult;
}
impl ClientRequest for CancelTask {}
impl ServerRequest for CancelTask {}

/// `notifications/tasks/status`: a task's status changed. Optional for the sender; in the
/// extension delivered on `subscriptions/listen`.
#[derive(Debug)]
pub enum TaskStatus {}

impl Notification for TaskStatus {
    const METHOD: &'static str = "notifications/tasks/status";
    const SINCE: ProtocolVersion = ProtocolVersion::V2025_11_25;
    type Params = TaskStatusParams;
}
impl ClientNotification for TaskStatus {}
impl ServerNotification for TaskStatus {}

crate::wire_struct! {
    /// Params naming one task: `tasks/get`, `tasks/result`, `tasks/cancel`.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct TaskIdParams {
        /// The task.
        pub task_id: String = "taskId",
        /// Request metadata.
        pub meta: Option<Meta> = "_meta" [optional],
    }
}

impl TaskIdParams {
    /// Params for `task_id`.
    pub fn new(task_id: impl Into<String>) -> Self {
        Self {
            task_id: task_id.into(),
            meta: None,
            extra: Extra::new(),
        }
    }
}

crate::shape_unchanged!(TaskIdParams);

/// Params of `tasks/get` (`GetTaskRequest.params`).
pub type GetTaskParams = TaskIdParams;
/// Params of `tasks/result` (`GetTaskPayloadRequest.params`).
pub type GetTaskPayloadParams = TaskIdParams;
/// Params of `tasks/cancel` (`CancelTaskRequest.params`).
pub type CancelTaskParams = TaskIdParams;

/// A task with what its status implies (`DetailedTask` of the extension): the input it
/// waits for, its result, or its error. In 2025-11-25 these three are never sent (the
/// result comes from `tasks/result`), and shaping removes them.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DetailedTask {
    /// The task (its unknown fields are the object's unknown fields).
    #[serde(flatten)]
    pub task: Task,
    /// `input_required`: what the client must answer with `tasks/update`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_requests: Option<InputRequests>,
    /// `completed`: what the original request would have returned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<JsonObject>,
    /// `failed`: the JSON-RPC error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorObject>,
}

impl DetailedTask {
    /// Decodes the detail fields from `map` and the task from what is left.
    fn from_map<E: serde::de::Error>(mut map: Map<String, Value>) -> Result<Self, E> {
        let input_requests = take_field(&mut map, "inputRequests")?;
        let result = take_field(&mut map, "result")?;
        let error = take_field(&mut map, "error")?;
        let task = Task::deserialize(Value::Object(map)).map_err(E::custom)?;
        Ok(Self {
            task,
            input_requests,
            result,
            error,
        })
    }
}

impl From<Task> for DetailedTask {
    fn from(task: Task) -> Self {
        Self {
            task,
            input_requests: None,
            result: None,
            error: None,
        }
    }
}

impl<'de> Deserialize<'de> for DetailedTask {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Self::from_map(Map::deserialize(d)?)
    }
}

impl Shape for DetailedTask {
    fn shape(&mut self, version: ProtocolVersion) {
        self.task.shape(version);
        self.input_requests.shape(version);
        if version < ProtocolVersion::V2026_07_28 {
            self.input_requests = None;
            self.result = None;
            self.error = None;
        }
    }
}

/// Result of `tasks/get` (`GetTaskResult`): the task, flat, with the result fields.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GetTaskResult {
    /// The task and its details.
    #[serde(flatten)]
    pub task: DetailedTask,
    /// Result kind (2026-07-28: `"complete"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_type: Option<ResultType>,
    /// Result metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
}

impl GetTaskResult {
    /// A result reporting `task`.
    pub fn new(task: impl Into<DetailedTask>) -> Self {
        Self {
            task: task.into(),
            result_type: None,
            meta: None,
        }
    }
}

impl<'de> Deserialize<'de> for GetTaskResult {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut map = Map::deserialize(d)?;
        let result_type = take_field(&mut map, "resultType")?;
        let meta = take_field(&mut map, "_meta")?;
        Ok(Self {
            task: DetailedTask::from_map(map)?,
            result_type,
            meta,
        })
    }
}

impl Shape for GetTaskResult {
    fn shape(&mut self, version: ProtocolVersion) {
        self.task.shape(version);
        shape_result_type(&mut self.result_type, version);
    }
}

/// Params of `notifications/tasks/status` (`TaskStatusNotificationParams`).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct TaskStatusParams {
    /// The task and (2026-07-28) its details.
    #[serde(flatten)]
    pub task: DetailedTask,
    /// Metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
}

impl TaskStatusParams {
    /// A notification about `task`.
    pub fn new(task: impl Into<DetailedTask>) -> Self {
        Self {
            task: task.into(),
            meta: None,
        }
    }
}

impl<'de> Deserialize<'de> for TaskStatusParams {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut map = Map::deserialize(d)?;
        let meta = take_field(&mut map, "_meta")?;
        Ok(Self {
            task: DetailedTask::from_map(map)?,
            meta,
        })
    }
}

impl Shape for TaskStatusParams {
    fn shape(&mut self, version: ProtocolVersion) {
        self.task.shape(version);
    }
}

/// Result of `tasks/cancel` (`CancelTaskResult`): the task in 2025-11-25, an empty
/// acknowledgement in the extension. Decoded by the presence of `taskId`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CancelTaskResult {
    /// The task after cancellation (2025-11-25; required there).
    #[serde(flatten)]
    pub task: Option<Task>,
    /// Result kind (2026-07-28: `"complete"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_type: Option<ResultType>,
    /// Result metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
    /// Unknown fields, kept (in `task.extra` when there is a task).
    #[serde(flatten)]
    pub extra: Extra,
}

impl CancelTaskResult {
    /// A result reporting `task` (2025-11-25; shaping removes it for the extension).
    pub fn new(task: Task) -> Self {
        Self {
            task: Some(task),
            ..Self::default()
        }
    }
}

impl<'de> Deserialize<'de> for CancelTaskResult {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut map: Map<String, Value> = Map::deserialize(d)?;
        let result_type = take_field(&mut map, "resultType")?;
        let meta = take_field(&mut map, "_meta")?;
        let (task, extra) = if map.contains_key("taskId") {
            let task = Task::deserialize(Value::Object(map)).map_err(D::Error::custom)?;
            (Some(task), Extra::new())
        } else {
            (None, map)
        };
        Ok(Self {
            task,
            result_type,
            meta,
            extra,
        })
    }
}

impl Shape for CancelTaskResult {
    fn shape(&mut self, version: ProtocolVersion) {
        if version >= ProtocolVersion::V2026_07_28 {
            // The extension answers with an empty result; keep the task's unknown fields.
            if let Some(task) = self.task.take() {
                self.extra.extend(task.extra);
            }
        }
        self.task.shape(version);
        shape_result_type(&mut self.result_type, version);
    }
}

crate::wire_struct! {
    /// Result of `tasks/result` (`GetTaskPayloadResult`): exactly what the original request
    /// would have returned, so its fields are open (all but `_meta` are kept in `extra`); decode it with
    /// [`GetTaskPayloadResult::decode`] once the original method is known.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct GetTaskPayloadResult {
        /// Result metadata (carries `io.modelcontextprotocol/related-task`).
        pub meta: Option<Meta> = "_meta" [optional],
    }
}

impl GetTaskPayloadResult {
    /// Wraps the original request's result.
    pub fn from_result<T: Serialize>(result: &T) -> Result<Self, serde_json::Error> {
        Self::deserialize(serde_json::to_value(result)?)
    }

    /// Decodes the payload as the original request's result type.
    pub fn decode<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        T::deserialize(serde_json::to_value(self)?)
    }
}

// The payload is already shaped as the original result for the same version.
crate::shape_unchanged!(GetTaskPayloadResult);

crate::wire_struct! {
    /// Result of `tasks/list` (`ListTasksResult`, 2025-11-25).
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct ListTasksResult {
        /// The tasks on this page.
        pub tasks: Vec<Task>,
        /// Cursor of the next page, if any.
        pub next_cursor: Option<Cursor> = "nextCursor" [optional],
        /// Result kind (never sent: the method ends with 2025-11-25).
        pub result_type: Option<ResultType> = "resultType" [optional],
        /// Result metadata.
        pub meta: Option<Meta> = "_meta" [optional],
    }
}

impl Shape for ListTasksResult {
    fn shape(&mut self, version: ProtocolVersion) {
        self.tasks.shape(version);
        shape_result_type(&mut self.result_type, version);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::methods::CallToolResult;
    use crate::types::TaskStatus as Status;
    use serde_json::json;

    fn task_2025() -> Value {
        json!({"taskId": "t", "status": "completed", "createdAt": "a", "lastUpdatedAt": "b",
            "ttl": 60000, "pollInterval": 1000, "statusMessage": "done", "x": 1})
    }

    #[test]
    fn get_task_result_round_trips_in_both_forms() {
        let mut v = task_2025();
        v["_meta"] = json!({"k": 1});
        let r: GetTaskResult = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(r.task.task.status, Status::Completed);
        assert_eq!(r.task.task.extra["x"], 1);
        assert_eq!(serde_json::to_value(&r).unwrap(), v);

        let ext = json!({"resultType": "complete", "taskId": "t", "status": "completed",
            "createdAt": "a", "lastUpdatedAt": "b", "ttlMs": null,
            "result": {"content": [{"type": "text", "text": "hi"}]}});
        let r: GetTaskResult = serde_json::from_value(ext.clone()).unwrap();
        let out: CallToolResult =
            serde_json::from_value(Value::Object(r.task.result.clone().unwrap())).unwrap();
        assert_eq!(out.content[0].as_text(), Some("hi"));
        assert_eq!(serde_json::to_value(&r).unwrap(), ext);
    }

    #[test]
    fn get_task_result_shapes_between_revisions() {
        let mut detailed: GetTaskResult = serde_json::from_value(task_2025()).unwrap();
        detailed.task.result = Some(JsonObject::new());
        let new =
            serde_json::to_value(detailed.clone().shaped(ProtocolVersion::V2026_07_28)).unwrap();
        assert_eq!(new["resultType"], "complete");
        assert_eq!(new["ttlMs"], 60000);
        assert_eq!(new["pollIntervalMs"], 1000);
        assert!(new.get("ttl").is_none() && new.get("result").is_some());
        let old = serde_json::to_value(detailed.shaped(ProtocolVersion::V2025_11_25)).unwrap();
        assert_eq!(old, task_2025());
    }

    #[test]
    fn input_required_task_carries_input_requests_in_the_extension() {
        let v = json!({"taskId": "t", "status": "input_required", "createdAt": "a",
            "lastUpdatedAt": "a", "ttlMs": 5, "inputRequests": {"k": {"method": "roots/list"}},
            "_meta": {}});
        let p: TaskStatusParams = serde_json::from_value(v.clone()).unwrap();
        assert!(p.task.input_requests.as_ref().unwrap().0.contains_key("k"));
        assert_eq!(serde_json::to_value(&p).unwrap(), v);
        let old = p.shaped(ProtocolVersion::V2025_11_25);
        assert!(old.task.input_requests.is_none());
        assert_eq!(old.task.task.lifetime_ms(), Some(Some(5)));
    }

    #[test]
    fn cancel_result_is_the_task_then_empty() {
        let r: CancelTaskResult = serde_json::from_value(task_2025()).unwrap();
        assert!(r.task.is_some());
        assert_eq!(serde_json::to_value(&r).unwrap(), task_2025());
        let new = serde_json::to_value(r.shaped(ProtocolVersion::V2026_07_28)).unwrap();
        assert_eq!(new, json!({"resultType": "complete", "x": 1}));
        let empty: CancelTaskResult =
            serde_json::from_value(json!({"resultType": "complete", "y": 2})).unwrap();
        assert!(empty.task.is_none());
        assert_eq!(empty.extra["y"], 2);
    }

    #[test]
    fn payload_and_list_round_trip() {
        let v = json!({"content": [], "isError": false,
            "_meta": {"io.modelcontextprotocol/related-task": {"taskId": "t"}}});
        let p: GetTaskPayloadResult = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(p.meta.as_ref().unwrap().related_task_id(), Some("t"));
        assert_eq!(serde_json::to_value(&p).unwrap(), v);
        let r: CallToolResult = p.decode().unwrap();
        assert!(!r.is_error());

        let l = json!({"tasks": [task_2025()], "nextCursor": "c"});
        let list: ListTasksResult = serde_json::from_value(l.clone()).unwrap();
        assert_eq!(serde_json::to_value(&list).unwrap(), l);
    }

    #[test]
    fn markers_span_the_right_revisions() {
        assert!(GetTask::exists_in(ProtocolVersion::V2026_07_28));
        assert!(CancelTask::exists_in(ProtocolVersion::V2026_07_28));
        assert!(!GetTask::exists_in(ProtocolVersion::V2025_06_18));
        assert!(!ListTasks::exists_in(ProtocolVersion::V2026_07_28));
        assert!(!GetTaskPayload::exists_in(ProtocolVersion::V2026_07_28));
        assert!(TaskStatus::exists_in(ProtocolVersion::V2026_07_28));
    }

    #[test]
    fn missing_task_id_is_an_error() {
        let err =
            serde_json::from_value::<GetTaskResult>(json!({"status": "working"})).unwrap_err();
        assert!(err.to_string().contains("taskId"), "{err}");
    }
}
