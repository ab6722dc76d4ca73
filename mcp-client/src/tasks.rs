//! Tasks: durable handles for long-running calls, in both designs. In 2025-11-25 the client
//! asks for a task (`params.task`) and polls `tasks/get` / `tasks/result`; in the 2026-07-28
//! extension (declared with [`ClientBuilder::tasks_extension`](crate::ClientBuilder::tasks_extension))
//! the server decides, answers `resultType: "task"`, and a task waiting for input is
//! answered with `tasks/update`.

use mcp_protocol::methods::{
    CallTool, CallToolResult, CancelTask, CancelTaskResult, GetTask, GetTaskPayload,
    GetTaskPayloadResult, GetTaskResult, ListTasks, ListTasksResult, TaskIdParams, UpdateTask,
    UpdateTaskParams,
};
use mcp_protocol::types::{
    CreateTaskResult, Cursor, InputRequests, InputResponses, PaginatedParams, ResultOrFollowUp,
    TaskMetadata,
};
use serde::Deserialize;
use serde::Serialize;
use serde::de::IgnoredAny;

use crate::call::{AnswerAs, CallOptions};
use crate::calls::tool_params;
use crate::client::Client;
use crate::error::{Error, Result};

impl Client {
    /// `tools/call`, run as a task where the server supports it: in 2025-11-25 the call
    /// asks for one (`params.task`, with `ttl_ms` as its lifetime) and the server must
    /// declare `tasks`; in 2026-07-28 the server may choose to (the client must have declared
    /// the extension). Returns the task, or the result when the server answered at once.
    pub async fn call_tool_as_task(
        &self,
        name: &str,
        arguments: impl Serialize,
        ttl_ms: Option<u64>,
    ) -> Result<ResultOrFollowUp<CallToolResult>> {
        let mut params = tool_params::<CallTool>(name, arguments)?;
        let version = self.protocol_version();
        if !version.has_handshake() {
            return self
                .request_outcome::<CallTool>(params, CallOptions::new())
                .await;
        }
        if self.server_capabilities().tasks.is_none() {
            return Err(Error::CapabilityNotDeclared {
                method: "tools/call",
                capability: "tasks",
            });
        }
        let mut task = TaskMetadata::default();
        task.ttl = ttl_ms;
        params.task = Some(task);
        let (answer, _) = self.call::<CallTool>(&params, &CallOptions::new()).await?;
        #[derive(Deserialize)]
        struct Peek {
            task: Option<IgnoredAny>,
        }
        let is_task =
            serde_json::from_str::<Peek>(answer.raw.get()).is_ok_and(|p| p.task.is_some());
        if is_task {
            answer
                .decode::<AnswerAs<CallTool, CreateTaskResult>>()
                .map(ResultOrFollowUp::Task)
        } else {
            answer.decode::<CallTool>().map(ResultOrFollowUp::Complete)
        }
    }

    /// `tasks/get`: the task's current state (in 2026-07-28 with its input requests,
    /// result or error).
    pub async fn get_task(&self, task_id: impl Into<String>) -> Result<GetTaskResult> {
        self.request::<GetTask>(TaskIdParams::new(task_id)).await
    }

    /// `tasks/result` (2025-11-25): waits for the task to finish and returns what the
    /// original request would have.
    pub async fn task_result(&self, task_id: impl Into<String>) -> Result<GetTaskPayloadResult> {
        self.request::<GetTaskPayload>(TaskIdParams::new(task_id))
            .await
    }

    /// `tasks/list` (2025-11-25): one page.
    pub async fn list_tasks(&self, cursor: Option<Cursor>) -> Result<ListTasksResult> {
        let params = cursor.map_or_else(PaginatedParams::first, PaginatedParams::after);
        self.request::<ListTasks>(params).await
    }

    /// `tasks/cancel`.
    pub async fn cancel_task(&self, task_id: impl Into<String>) -> Result<CancelTaskResult> {
        self.request::<CancelTask>(TaskIdParams::new(task_id)).await
    }

    /// `tasks/update` (2026-07-28 extension): answers a task's input requests.
    pub async fn update_task(
        &self,
        task_id: impl Into<String>,
        responses: InputResponses,
    ) -> Result<()> {
        self.request::<UpdateTask>(UpdateTaskParams::new(task_id, responses))
            .await
            .map(drop)
    }

    /// Answers a task's `inputRequests` (from [`Client::get_task`]) with the registered
    /// handlers, then sends them with `tasks/update`.
    pub async fn answer_task_input(
        &self,
        task_id: impl Into<String>,
        requests: &InputRequests,
    ) -> Result<()> {
        let responses =
            crate::mrtr::fulfil(&self.inner.conn.handlers, requests, self.protocol_version())
                .await?;
        self.update_task(task_id, responses).await
    }
}
