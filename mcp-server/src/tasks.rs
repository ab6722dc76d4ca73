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

use std::collections::HashMap;
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
///
/// basic/utilities/tasks §Task Isolation and Access Control (2025-11-25): "When an
/// authorization context is provided, receivers **MUST** bind tasks to said context", and
/// "If context-binding is unavailable, receivers **MUST** generate cryptographically secure
/// task IDs with enough entropy to prevent guessing". Binding here:
/// - session era: the session that created the task (its connection or `Mcp-Session-Id`);
/// - 2026-07-28 with an authenticated caller: the principal (issuer and subject);
/// - 2026-07-28 without one: nothing to bind to ([`Owner::Unbound`]). A stateless HTTP
///   request has no session, and binding to a stdio or in-memory connection would break the
///   extension's durability ("Clients **SHOULD** persist task IDs to durable storage so
///   that polling can resume after a crash or restart"). The task ID, 128 bits from the
///   operating system's CSPRNG ([`new_task_id`]), is then the only credential: whoever holds
///   it may get, update or cancel the task, and nobody can guess or enumerate it (the
///   extension has no `tasks/list`). Servers that need more must authenticate their callers.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Owner {
    /// The session (connection) that created it.
    Session(u64),
    /// The authenticated principal that created it (2026-07-28).
    Principal(PrincipalKey),
    /// An unauthenticated 2026-07-28 caller: reachable by its unguessable ID alone.
    Unbound,
}

/// All tasks of a server, by ID.
#[derive(Debug, Default)]
pub(crate) struct TaskStore {
    tasks: Mutex<HashMap<String, Arc<TaskRecord>>>,
    /// Tasks created so far: the creation order (for listing) and the rhythm of sweeps. Never
    /// part of an ID.
    created: AtomicU64,
}

/// One task.
#[derive(Debug)]
pub(crate) struct TaskRecord {
    pub(crate) id: String,
    owner: Owner,
    /// Position in creation order.
    seq: u64,
    /// When the task was created; with `ttl`, when it may be dropped.
    born: Instant,
    /// The lifetime reported as `ttl` / `ttlMs`.
    ttl: Duration,
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
}

/// The longest task lifetime a server grants unless configured otherwise
/// ([`ServerBuilder::task_max_ttl`](crate::ServerBuilder::task_max_ttl)), and the lifetime of
/// a task whose requestor asked for none. Tasks are created by clients, so without an end
/// they would pile up for the life of the process.
pub(crate) const DEFAULT_MAX_TASK_TTL: Duration = Duration::from_secs(60 * 60);

/// The lifetime a task gets: the requested `ttl` (2025-11-25 `params.task.ttl`, in ms) within
/// `max`, or `max` when none was asked for. basic/utilities/tasks §TTL and Resource
/// Management: "Receivers **MAY** override the requested `ttl` duration", and
/// §Resource Management: receivers SHOULD "Enforce maximum `ttl` durations".
pub(crate) fn granted_ttl(requested_ms: Option<u64>, max: Duration) -> Duration {
    requested_ms.map_or(max, |ms| Duration::from_millis(ms).min(max))
}

/// A new task ID: 128 bits from the operating system's CSPRNG, as 32 lower-case hex digits.
/// Both revisions need IDs nobody can guess (2025-11-25 §Task Isolation and Access Control;
/// the extension's task IDs are server-generated handles that grant access), so there is no
/// counter in it and a failing random source is an error, never a weaker ID.
pub(crate) fn new_task_id() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)?;
    Ok(format!("{:032x}", u128::from_be_bytes(bytes)))
}

impl TaskStore {
    /// Creates a working task that lives `ttl` from now; an internal error when the random
    /// source fails.
    pub(crate) fn create(
        &self,
        owner: Owner,
        poll_interval_ms: u64,
        ttl: Duration,
    ) -> Result<Arc<TaskRecord>, ErrorObject> {
        let id = new_task_id().map_err(|e| {
            tracing::error!(error = %e, "no task ID: the random source failed");
            ErrorObject::internal("could not create the task: the random source failed")
        })?;
        let seq = self.created.fetch_add(1, Ordering::Relaxed);
        let ttl_ms = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX);
        let task = Task::new(id.clone(), TaskStatus::Working, iso_now())
            .with_poll_interval(poll_interval_ms)
            .with_ttl(Some(ttl_ms));
        let (changed, _) = watch::channel(TaskStatus::Working);
        let record = Arc::new_cyclic(|me: &Weak<TaskRecord>| TaskRecord {
            id: id.clone(),
            owner,
            seq,
            born: Instant::now(),
            ttl,
            state: Mutex::new(TaskState {
                task,
                result: None,
                error: None,
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
        if seq.is_multiple_of(64) {
            purge(&mut tasks, Instant::now());
        }
        tasks.insert(id, record.clone());
        Ok(record)
    }

    /// Drops the tasks whose lifetime is over at `now`.
    #[cfg(test)]
    fn purge(&self, now: Instant) {
        purge(&mut self.lock(), now);
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, Arc<TaskRecord>>> {
        self.tasks.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The task `id` if `owner` may see it and its lifetime is not over.
    pub(crate) fn get(&self, id: &str, owner: &Owner) -> Option<Arc<TaskRecord>> {
        let now = Instant::now();
        self.lock()
            .get(id)
            .filter(|t| &t.owner == owner && !t.expired(now))
            .cloned()
    }

    /// `owner`'s live tasks, oldest first.
    pub(crate) fn list(&self, owner: &Owner) -> Vec<Arc<TaskRecord>> {
        let now = Instant::now();
        let mut tasks: Vec<_> = self
            .lock()
            .values()
            .filter(|t| &t.owner == owner && !t.expired(now))
            .cloned()
            .collect();
        tasks.sort_by_key(|t| t.seq);
        tasks
    }
}

fn purge(tasks: &mut HashMap<String, Arc<TaskRecord>>, now: Instant) {
    tasks.retain(|_, t| !t.expired(now));
}

impl TaskRecord {
    fn lock(&self) -> MutexGuard<'_, TaskState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether the task may be dropped at `now`: its `ttl` from creation is over and it has
    /// ended. basic/utilities/tasks §TTL and Resource Management: "After a task's `ttl`
    /// lifetime has elapsed, receivers **MAY** delete the task and its results, regardless of
    /// the task status"; a task still running is kept until it ends (its work would otherwise
    /// go on with nobody able to see it), then dropped at once.
    fn expired(&self, now: Instant) -> bool {
        now.saturating_duration_since(self.born) >= self.ttl
            && self.lock().task.status.is_terminal()
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
        st.task.status = status.clone();
        st.task.status_message = message;
        st.task.last_updated_at = iso_now();
        drop(st);
        self.changed.send_replace(status);
        true
    }

    /// Records the final answer: a result ends `completed`, a JSON-RPC error `failed`.
    ///
    /// A tool result with `isError: true` is a result, so it ends `completed` in both
    /// revisions. The tasks extension requires it ("The `failed` status **MUST NOT** be used
    /// to represent non-JSON-RPC errors, such as a tool result that completed with
    /// `isError: true`"); 2025-11-25 basic/utilities/tasks only says, in lower case, that such
    /// a task "should" be `failed`. One rule for both keeps `tasks/result` returning exactly
    /// what the call returned, and the client reads `isError` from the result either way.
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

    /// The final result or error, once terminal. A cancelled task answers -32800 (request
    /// cancelled): 2025-11-25 asks `tasks/result` for "exactly what the underlying request
    /// would have returned", and a cancelled request returns nothing, so the code that
    /// names the cancellation is the closest truthful answer (`tasks/get` says `cancelled`).
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

    const HOUR: Duration = Duration::from_secs(3600);

    // requirement: 7.14
    #[test]
    fn tasks_are_found_by_id_and_dropped_once_their_ttl_is_over_and_they_ended() {
        let store = TaskStore::default();
        let me = Owner::Session(1);
        let ttl = Duration::from_millis(1500);
        let done = store.create(me.clone(), 500, ttl).unwrap();
        let running = store.create(me.clone(), 500, ttl).unwrap();
        assert_eq!(
            done.task().lifetime_ms(),
            Some(Some(1500)),
            "the actual ttl"
        );
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
            store.get(&done.id[1..], &me).is_none(),
            "the whole id must match"
        );
        assert!(store.get("garbage", &me).is_none());

        store.purge(Instant::now());
        assert_eq!(store.list(&me).len(), 2, "kept within the ttl");
        store.purge(Instant::now() + ttl);
        let left: Vec<_> = store.list(&me).iter().map(|t| t.id.clone()).collect();
        assert_eq!(
            left.as_slice(),
            std::slice::from_ref(&running.id),
            "an ended task goes with its ttl, a running one stays until it ends"
        );
    }

    // requirement: 7.14
    #[test]
    fn the_requested_ttl_is_granted_within_the_maximum() {
        assert_eq!(granted_ttl(Some(2_000), HOUR), Duration::from_secs(2));
        assert_eq!(granted_ttl(Some(10 * 3_600_000), HOUR), HOUR);
        assert_eq!(granted_ttl(None, HOUR), HOUR);
    }

    // requirement: 7.11
    #[test]
    fn task_ids_are_128_random_bits_with_no_counter() {
        let store = TaskStore::default();
        let ids: std::collections::HashSet<String> = (0..1000)
            .map(|_| store.create(Owner::Unbound, 500, HOUR).unwrap().id.clone())
            .collect();
        assert_eq!(ids.len(), 1000, "distinct");
        for id in &ids {
            assert_eq!(id.len(), 32, "{id}");
            assert!(
                id.bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()),
                "{id}"
            );
        }
        // No byte position is constant across 1000 ids (a counter or a fixed prefix would be).
        for position in 0..32 {
            let seen: std::collections::HashSet<u8> =
                ids.iter().map(|id| id.as_bytes()[position]).collect();
            assert!(seen.len() > 1, "position {position} never changes");
        }
    }

    // requirement: 7.11
    #[test]
    fn a_bound_task_is_invisible_to_other_owners() {
        let store = TaskStore::default();
        let alice = Owner::Principal(mcp_auth::Principal::new("iss", "alice").key());
        let bob = Owner::Principal(mcp_auth::Principal::new("iss", "bob").key());
        let task = store.create(alice.clone(), 500, HOUR).unwrap();
        assert!(store.get(&task.id, &alice).is_some());
        for other in [bob, Owner::Unbound, Owner::Session(1)] {
            assert!(store.get(&task.id, &other).is_none(), "{other:?}");
            assert!(store.list(&other).is_empty(), "{other:?}");
        }
    }
}
