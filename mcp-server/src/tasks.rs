//! Tasks: tool calls that outlive their request.
//!
//! - **2025-11-25** (basic/utilities/tasks): the client asks with `params.task`; the server
//!   answers `{ task }` at once and runs the call; the client polls `tasks/get`, fetches the
//!   answer with `tasks/result` (which waits), lists with `tasks/list`, stops with
//!   `tasks/cancel`; the server sends `notifications/tasks/status` on each change.
//! - **2026-07-28 extension** `io.modelcontextprotocol/tasks`: the server decides (for tools
//!   that allow it, when the request's capabilities list the extension) and answers
//!   `resultType: "task"`; `tasks/get` carries the result, error or `inputRequests`;
//!   `tasks/update` answers input requests; `tasks/cancel` is cooperative.
//!
//! Tasks are owned by whoever created them (the session, or in 2026-07-28 the principal) and
//! are invisible to anyone else.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use mcp_protocol::ErrorObject;
use mcp_protocol::methods::DetailedTask;
use mcp_protocol::types::{
    InputRequest, InputRequests, InputResponses, JsonObject, Meta, Task, TaskStatus,
};
use serde_json::Value;
use tokio::sync::{oneshot, watch};
use tokio_util::sync::CancellationToken;

use crate::error::InputError;
use mcp_auth::PrincipalKey;

use crate::session::Outbound;

/// Who may see a task.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Owner {
    /// The session (connection) that created it.
    Session(u64),
    /// The principal (2026-07-28, stateless), or anyone when unauthenticated.
    Principal(Option<PrincipalKey>),
}

/// All tasks of a server.
#[derive(Debug, Default)]
pub(crate) struct TaskStore {
    tasks: Mutex<BTreeMap<u64, Arc<TaskRecord>>>,
    next: AtomicU64,
}

/// One task.
#[derive(Debug)]
pub(crate) struct TaskRecord {
    pub(crate) id: String,
    owner: Owner,
    state: Mutex<TaskState>,
    changed: watch::Sender<TaskStatus>,
    pub(crate) cancel: CancellationToken,
    pub(crate) input: Arc<TaskInput>,
}

#[derive(Debug)]
struct TaskState {
    task: Task,
    result: Option<JsonObject>,
    error: Option<ErrorObject>,
    /// When the task reached a terminal status; it is dropped [`TASK_RETENTION`] later.
    ended_at: Option<Instant>,
}

/// How long a finished task (and its result) stays readable. Tasks are created by clients,
/// so without an end they would pile up for the life of the process.
pub(crate) const TASK_RETENTION: Duration = Duration::from_secs(60 * 60);

impl TaskStore {
    /// Creates a working task.
    pub(crate) fn create(&self, owner: Owner, poll_interval_ms: u64) -> Arc<TaskRecord> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let id = format!("task-{n}-{:08x}", rand_u32());
        let task = Task::new(id.clone(), TaskStatus::Working, iso_now())
            .with_poll_interval(poll_interval_ms);
        let (changed, _) = watch::channel(TaskStatus::Working);
        let record = Arc::new_cyclic(|me: &Weak<TaskRecord>| TaskRecord {
            id,
            owner,
            state: Mutex::new(TaskState {
                task,
                result: None,
                error: None,
                ended_at: None,
            }),
            changed,
            cancel: CancellationToken::new(),
            input: Arc::new(TaskInput {
                record: me.clone(),
                pending: Mutex::default(),
                preset: Mutex::default(),
                next: AtomicUsize::new(0),
            }),
        });
        let mut tasks = self.lock();
        // Amortized: sweeping on every creation would make creation O(tasks).
        if n.is_multiple_of(64) {
            purge(&mut tasks, Instant::now());
        }
        tasks.insert(n, record.clone());
        record
    }

    /// Drops the tasks that ended more than [`TASK_RETENTION`] before `now`.
    #[cfg(test)]
    fn purge(&self, now: Instant) {
        purge(&mut self.lock(), now);
    }

    fn lock(&self) -> MutexGuard<'_, BTreeMap<u64, Arc<TaskRecord>>> {
        self.tasks.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The task `id` if `owner` may see it.
    pub(crate) fn get(&self, id: &str, owner: &Owner) -> Option<Arc<TaskRecord>> {
        // Ids are `task-{n}-{random}`: the number is the key, the whole id must still match.
        let n: u64 = id.strip_prefix("task-")?.split('-').next()?.parse().ok()?;
        self.lock()
            .get(&n)
            .filter(|t| t.id == id && &t.owner == owner)
            .cloned()
    }

    /// `owner`'s tasks, oldest first.
    pub(crate) fn list(&self, owner: &Owner) -> Vec<Arc<TaskRecord>> {
        self.lock()
            .values()
            .filter(|t| &t.owner == owner)
            .cloned()
            .collect()
    }
}

fn purge(tasks: &mut BTreeMap<u64, Arc<TaskRecord>>, now: Instant) {
    tasks.retain(|_, t| {
        t.lock()
            .ended_at
            .is_none_or(|ended| now.saturating_duration_since(ended) < TASK_RETENTION)
    });
}

impl TaskRecord {
    fn lock(&self) -> MutexGuard<'_, TaskState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The task as it is now.
    pub(crate) fn task(&self) -> Task {
        self.lock().task.clone()
    }

    /// The task with its details (2026-07-28 `DetailedTask`).
    pub(crate) fn detailed(&self) -> DetailedTask {
        let st = self.lock();
        let mut d = DetailedTask::from(st.task.clone());
        d.result = st.result.clone();
        d.error = st.error.clone();
        if st.task.status == TaskStatus::InputRequired {
            d.input_requests = Some(self.input.outstanding());
        }
        d
    }

    /// Moves the task to `status` unless it is already terminal; whether it moved.
    fn set_status(&self, status: TaskStatus, message: Option<String>) -> bool {
        let mut st = self.lock();
        if st.task.status.is_terminal() || st.task.status == status && message.is_none() {
            return false;
        }
        let terminal = status.is_terminal();
        st.task.status = status.clone();
        st.task.status_message = message;
        if terminal {
            st.ended_at = Some(Instant::now());
        }
        st.task.last_updated_at = iso_now();
        drop(st);
        self.changed.send_replace(status);
        true
    }

    /// Records the final answer.
    pub(crate) fn finish(&self, outcome: Result<JsonObject, ErrorObject>) -> bool {
        {
            let mut st = self.lock();
            if st.task.status.is_terminal() {
                return false;
            }
            match &outcome {
                Ok(result) => st.result = Some(result.clone()),
                Err(e) => st.error = Some(e.clone()),
            }
        }
        let status = if outcome.is_ok() {
            TaskStatus::Completed
        } else {
            TaskStatus::Failed
        };
        self.set_status(status, None)
    }

    /// Cancels the task (cooperatively: the handler sees its context cancelled).
    pub(crate) fn cancel(&self) -> bool {
        self.cancel.cancel();
        self.set_status(
            TaskStatus::Cancelled,
            Some("cancelled by the client".to_owned()),
        )
    }

    /// Waits until the task is terminal.
    pub(crate) async fn wait_terminal(&self) {
        let mut rx = self.changed.subscribe();
        // `wait_for` checks the current value first.
        let _ = rx.wait_for(|s| s.is_terminal()).await;
    }

    /// A receiver of status changes.
    pub(crate) fn watch(&self) -> watch::Receiver<TaskStatus> {
        self.changed.subscribe()
    }

    /// The final result or error, once terminal.
    pub(crate) fn outcome(&self) -> Option<Result<JsonObject, ErrorObject>> {
        let st = self.lock();
        match st.task.status {
            TaskStatus::Completed => st.result.clone().map(Ok),
            TaskStatus::Failed => st.error.clone().map(Err),
            TaskStatus::Cancelled => Some(Err(ErrorObject::new(
                mcp_protocol::jsonrpc::ErrorCode::REQUEST_CANCELLED,
                "the task was cancelled",
            ))),
            _ => None,
        }
    }
}

/// Input asked for by a task's handler (2026-07-28 extension): outstanding questions wait
/// for `tasks/update`.
#[derive(Debug)]
pub(crate) struct TaskInput {
    record: Weak<TaskRecord>,
    pending: Mutex<HashMap<String, (InputRequest, oneshot::Sender<Value>)>>,
    /// Answers gathered by MRTR before the task began (`ToolDef::input_before_task`), by
    /// the keys the handler asks with; each is used once.
    preset: Mutex<JsonObject>,
    next: AtomicUsize,
}

impl TaskInput {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, (InputRequest, oneshot::Sender<Value>)>> {
        self.pending.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The questions still open.
    pub(crate) fn outstanding(&self) -> InputRequests {
        InputRequests(
            self.lock()
                .iter()
                .map(|(k, (r, _))| (k.clone(), r.clone()))
                .collect(),
        )
    }

    /// Lists `request` as an open question and puts the task in `input_required`. The guard
    /// withdraws the question however the wait ends: answered, cancelled, or the handler
    /// dropping the future (a `select!` against its own timeout); otherwise the task would
    /// go on listing a question nobody waits for.
    fn open(&self, request: InputRequest) -> (Asked<'_>, oneshot::Receiver<Value>) {
        let key = format!("input-{}", self.next.fetch_add(1, Ordering::Relaxed));
        let (tx, rx) = oneshot::channel();
        self.lock().insert(key.clone(), (request, tx));
        if let Some(record) = self.record.upgrade() {
            record.set_status(TaskStatus::InputRequired, None);
        }
        (Asked { input: self, key }, rx)
    }

    /// Answers gathered before the task began, for the handler's questions of those keys.
    pub(crate) fn preset(&self, answers: JsonObject) {
        *self.preset.lock().unwrap_or_else(PoisonError::into_inner) = answers;
    }

    /// Asks `request` and waits for its answer from `tasks/update`, unless an answer to
    /// `key` was gathered before the task began.
    pub(crate) async fn ask(
        &self,
        request: InputRequest,
        key: Option<&str>,
        cancel: &CancellationToken,
    ) -> Result<Value, InputError> {
        if let Some(key) = key {
            let preset = self
                .preset
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .remove(key);
            if let Some(answer) = preset {
                return Ok(answer);
            }
        }
        let (_asked, rx) = self.open(request);
        tokio::select! {
            answer = rx => answer.map_err(|_| InputError::NotAllowed),
            () = cancel.cancelled() => Err(InputError::NotAllowed),
        }
    }

    /// Session era (2025-11-25 tasks): asks the client `method` directly, as a request that
    /// names the task in `_meta["io.modelcontextprotocol/related-task"]`, with the task in
    /// `input_required` while the answer is awaited (basic/utilities/tasks §Input Required
    /// Status), and `working` again after.
    pub(crate) async fn ask_client(
        &self,
        outbound: &Arc<dyn Outbound>,
        method: &'static str,
        request: InputRequest,
        mut params: Value,
        cancel: &CancellationToken,
    ) -> Result<Value, InputError> {
        let Some(record) = self.record.upgrade() else {
            return Err(InputError::NotAllowed);
        };
        if let Value::Object(object) = &mut params {
            let related = serde_json::json!({ "taskId": record.id });
            let meta = object
                .entry("_meta")
                .or_insert_with(|| Value::Object(serde_json::Map::new()));
            if let Value::Object(meta) = meta {
                meta.insert(Meta::RELATED_TASK.to_owned(), related);
            }
        }
        drop(record);
        // An open question for as long as the client has not answered (its answer comes
        // back on the request, not through the channel).
        let (_asked, _unused) = self.open(request);
        tokio::select! {
            answer = outbound.request(method, params) => answer.map_err(InputError::from),
            () = cancel.cancelled() => Err(InputError::NotAllowed),
        }
    }

    /// Delivers answers; unknown, withdrawn or already answered keys are ignored.
    pub(crate) fn answer(&self, responses: InputResponses) {
        let mut pending = self.lock();
        for (key, value) in responses.0 {
            if let Some((_, tx)) = pending.remove(&key) {
                let _ = tx.send(value);
            }
        }
    }
}

/// An open question of [`TaskInput::ask`]; dropping it withdraws the question and, when no
/// other is open, puts the task back to `working` (a terminal status is never changed).
struct Asked<'a> {
    input: &'a TaskInput,
    key: String,
}

impl Drop for Asked<'_> {
    fn drop(&mut self) {
        let mut pending = self.input.lock();
        pending.remove(&self.key);
        let none_open = pending.is_empty();
        drop(pending);
        if none_open && let Some(record) = self.input.record.upgrade() {
            record.set_status(TaskStatus::Working, None);
        }
    }
}

fn rand_u32() -> u32 {
    let mut b = [0u8; 4];
    let _ = getrandom::fill(&mut b);
    u32::from_le_bytes(b)
}

/// The current UTC time in ISO 8601 (`2025-01-02T03:04:05Z`).
pub(crate) fn iso_now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> TaskInput {
        TaskInput {
            record: Weak::new(),
            pending: Mutex::new(HashMap::new()),
            preset: Mutex::default(),
            next: AtomicUsize::new(0),
        }
    }

    #[tokio::test]
    async fn a_question_is_withdrawn_when_its_asker_stops_waiting() {
        let input = input();
        let cancel = CancellationToken::new();
        // The handler gives up on its own (a timeout around `ask`): the future is dropped.
        let gave_up = tokio::time::timeout(
            Duration::from_millis(20),
            input.ask(InputRequest::list_roots(), None, &cancel),
        )
        .await;
        assert!(gave_up.is_err());
        assert!(
            input.outstanding().0.is_empty(),
            "a dropped ask leaves no question"
        );

        // Cancelled while waiting.
        let asking = input.ask(InputRequest::list_roots(), None, &cancel);
        let (answer, ()) = tokio::join!(asking, async {
            assert_eq!(input.outstanding().0.len(), 1);
            cancel.cancel();
        });
        assert!(answer.is_err());
        assert!(
            input.outstanding().0.is_empty(),
            "a cancelled ask leaves no question"
        );
    }

    #[test]
    fn tasks_are_found_by_id_and_dropped_after_their_retention() {
        let store = TaskStore::default();
        let me = Owner::Session(1);
        let done = store.create(me.clone(), 500);
        let running = store.create(me.clone(), 500);
        assert!(done.finish(Ok(JsonObject::new())));
        assert_eq!(
            store.get(&done.id, &me).map(|t| t.id.clone()),
            Some(done.id.clone())
        );
        assert!(
            store.get(&done.id, &Owner::Session(2)).is_none(),
            "another owner"
        );
        assert!(
            store.get("task-0-wrong", &me).is_none(),
            "the whole id must match"
        );
        assert!(store.get("garbage", &me).is_none());

        store.purge(Instant::now());
        assert_eq!(store.list(&me).len(), 2, "kept within the retention");
        store.purge(Instant::now() + TASK_RETENTION + Duration::from_secs(1));
        let left: Vec<_> = store.list(&me).iter().map(|t| t.id.clone()).collect();
        assert_eq!(
            left.as_slice(),
            std::slice::from_ref(&running.id),
            "a finished task goes, a running one stays"
        );
    }
}
