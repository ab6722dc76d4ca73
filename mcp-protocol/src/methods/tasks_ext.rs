//! The 2026-07-28 tasks extension `io.modelcontextprotocol/tasks` (docs/extensions/tasks):
//! `tasks/update`, the one method it adds. The methods it shares with 2025-11-25
//! (`tasks/get`, `tasks/cancel`, `notifications/tasks/status`) are in
//! [`tasks`](super::GetTask), with types that cover both designs.
//!
//! An extension, not core: a server may only answer with a task (`resultType: "task"`) when
//! the request's client capabilities list the extension under `extensions`.

use serde::Serialize;

use crate::method::{ClientRequest, Request};
use crate::shape::Shape;
use crate::types::{EmptyResult, Extra, InputResponses, Meta};
use crate::version::ProtocolVersion;

/// The extension's identifier in `capabilities.extensions`.
pub const TASKS_EXTENSION: &str = "io.modelcontextprotocol/tasks";

/// `tasks/update`: answer the `inputRequests` of a task in `input_required`.
#[derive(Debug)]
pub enum UpdateTask {}

impl Request for UpdateTask {
    const METHOD: &'static str = "tasks/update";
    const SINCE: ProtocolVersion = ProtocolVersion::V2026_07_28;
    type Params = UpdateTaskParams;
    type Result = UpdateTaskResult;
}
impl ClientRequest for UpdateTask {}

crate::wire_struct! {
    /// Params of `tasks/update` (`UpdateTaskRequest.params`).
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct UpdateTaskParams {
        /// The task.
        pub task_id: String = "taskId",
        /// Answers to outstanding `inputRequests`, by their keys. The server ignores keys that
        /// are unknown or already answered.
        pub input_responses: InputResponses = "inputResponses",
        /// Request metadata.
        pub meta: Option<Meta> = "_meta" [optional],
    }
}

impl UpdateTaskParams {
    /// Answers `input_responses` for `task_id`.
    pub fn new(task_id: impl Into<String>, input_responses: InputResponses) -> Self {
        Self {
            task_id: task_id.into(),
            input_responses,
            meta: None,
            extra: Extra::new(),
        }
    }
}

impl Shape for UpdateTaskParams {
    fn shape(&mut self, _version: ProtocolVersion) {}
}

/// Result of `tasks/update`: an empty acknowledgement (`UpdateTaskResult`).
pub type UpdateTaskResult = EmptyResult;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn params_round_trip_and_need_input_responses() {
        let v = json!({"taskId": "t", "inputResponses": {"k": {"action": "cancel"}},
            "_meta": {"io.modelcontextprotocol/protocolVersion": "2026-07-28"}, "z": 1});
        let p: UpdateTaskParams = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(p.extra["z"], 1);
        assert_eq!(serde_json::to_value(&p).unwrap(), v);
        let err = serde_json::from_value::<UpdateTaskParams>(json!({"taskId": "t"})).unwrap_err();
        assert!(err.to_string().contains("inputResponses"), "{err}");
        assert!(!UpdateTask::exists_in(ProtocolVersion::V2025_11_25));
    }
}
