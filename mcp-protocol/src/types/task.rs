//! Tasks: durable handles for long-running requests. Shared by the task methods in
//! [`crate::methods`] and by every request that may answer with a task.
//!
//! Two designs exist under the same method names:
//! - **2025-11-25** (basic/utilities/tasks): the requestor asks for a task with `params.task`
//!   ([`TaskMetadata`]); the receiver answers `{ "task": Task }` ([`CreateTaskResult`]);
//!   `ttl` and `pollInterval` name the timings.
//! - **2026-07-28 extension `io.modelcontextprotocol/tasks`**: the server decides on its own
//!   and answers `resultType: "task"` with the task's fields inline; the timings are named
//!   `ttlMs` and `pollIntervalMs`.
//!
//! One model serves both: [`Task`] carries both spellings of the timings and
//! [`Shape`](crate::shape::Shape) moves the value to the spelling the target version knows;
//! [`CreateTaskResult`] nests or inlines the task depending on whether it carries a
//! `resultType` (which shaping sets for 2026-07-28 and removes before).

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::shape::Shape;
use crate::types::{Extra, Meta, ResultType};
use crate::version::ProtocolVersion;

crate::wire_struct! {
    /// Asks for a request to run as a task (`TaskMetadata`, 2025-11-25).
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct TaskMetadata {
        /// How long, in milliseconds, the receiver should keep the task's result after creation.
        pub ttl: Option<u64> [optional],
    }
}

crate::wire_struct! {
    /// Names the task a message belongs to (`RelatedTaskMetadata`, 2025-11-25), the value of
    /// `_meta["io.modelcontextprotocol/related-task"]`.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct RelatedTaskMetadata {
        /// The task's id.
        pub task_id: String = "taskId",
    }
}

impl RelatedTaskMetadata {
    /// Names the task `task_id`.
    pub fn new(task_id: impl Into<String>) -> Self {
        Self {
            task_id: task_id.into(),
            extra: Extra::new(),
        }
    }
}

crate::open_enum! {
    /// Where a task is in its life (`TaskStatus`). The same five values in 2025-11-25 and in
    /// the 2026-07-28 extension; `completed`, `failed` and `cancelled` are terminal. An open
    /// set: a status from a later revision is kept as [`TaskStatus::Unknown`] (not terminal:
    /// a poller keeps polling until it sees a status it knows to be final).
    pub enum TaskStatus {
        /// The request is being processed.
        Working = "working",
        /// The task waits for input from the requestor (elicitation, sampling, …).
        InputRequired = "input_required",
        /// Done; the result is available.
        Completed = "completed",
        /// The request failed with a JSON-RPC error.
        Failed = "failed",
        /// The request was cancelled.
        Cancelled = "cancelled",
    }
}

impl TaskStatus {
    /// Whether the status is final: the task will not change any more.
    pub fn is_terminal(&self) -> bool {
        matches!(self, Self::Completed | Self::Failed | Self::Cancelled)
    }
}

/// A task's lifetime as sent on the wire: `ttl` / `ttlMs` are *required* but *nullable*
/// (`null` = unlimited), which `Option<u64>` cannot tell apart from "absent". Absent only
/// happens for the spelling the peer's version does not use.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum TaskTtl {
    /// Not on the wire under this name.
    #[default]
    Unset,
    /// `null`: kept for as long as the receiver likes.
    Unlimited,
    /// Milliseconds from creation.
    Ms(u64),
}

impl TaskTtl {
    /// Whether the field is absent (used to skip it when encoding).
    pub fn is_unset(&self) -> bool {
        matches!(self, Self::Unset)
    }

    /// `None` when unset, `Some(None)` when unlimited, `Some(Some(ms))` otherwise.
    pub fn get(self) -> Option<Option<u64>> {
        match self {
            Self::Unset => None,
            Self::Unlimited => Some(None),
            Self::Ms(ms) => Some(Some(ms)),
        }
    }

    fn or(self, other: Self) -> Self {
        if self.is_unset() { other } else { self }
    }
}

impl From<Option<u64>> for TaskTtl {
    fn from(ms: Option<u64>) -> Self {
        ms.map_or(Self::Unlimited, Self::Ms)
    }
}

impl Serialize for TaskTtl {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Ms(ms) => s.serialize_u64(*ms),
            // Unset is skipped by the containing struct; encoding it alone gives null.
            Self::Unlimited | Self::Unset => s.serialize_none(),
        }
    }
}

impl<'de> Deserialize<'de> for TaskTtl {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Reached only when the key is present, so `null` means unlimited, not absent.
        Ok(Option::<u64>::deserialize(d)?.into())
    }
}

crate::wire_struct! {
    /// The state of a task (`Task`), in both spellings: `ttl`/`pollInterval` (2025-11-25) and
    /// `ttlMs`/`pollIntervalMs` (2026-07-28 extension). Build it with [`Task::new`] and the
    /// `with_*` setters, which fill both; [`Shape`] keeps the one the peer's version knows.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct Task {
        /// The task's id, chosen by the receiver.
        pub task_id: String = "taskId",
        /// Current status.
        pub status: TaskStatus,
        /// A human-readable description of the current status.
        pub status_message: Option<String> = "statusMessage" [optional],
        /// ISO 8601 time of creation.
        pub created_at: String = "createdAt",
        /// ISO 8601 time of the last change.
        pub last_updated_at: String = "lastUpdatedAt",
        /// Lifetime from creation in milliseconds (2025-11-25 spelling; required there).
        #[serde(default, skip_serializing_if = "TaskTtl::is_unset")]
        pub ttl: TaskTtl [default],
        /// Lifetime from creation in milliseconds (2026-07-28 spelling; required there).
        #[serde(default, skip_serializing_if = "TaskTtl::is_unset")]
        pub ttl_ms: TaskTtl = "ttlMs" [default],
        /// Suggested polling interval in milliseconds (2025-11-25 spelling).
        pub poll_interval: Option<u64> = "pollInterval" [optional],
        /// Suggested polling interval in milliseconds (2026-07-28 spelling).
        pub poll_interval_ms: Option<u64> = "pollIntervalMs" [optional],
    }
}

impl Task {
    /// A task created at `created_at` (ISO 8601), with an unlimited lifetime until
    /// [`Task::with_ttl`] says otherwise.
    pub fn new(
        task_id: impl Into<String>,
        status: TaskStatus,
        created_at: impl Into<String>,
    ) -> Self {
        let created_at = created_at.into();
        Self {
            task_id: task_id.into(),
            status,
            status_message: None,
            last_updated_at: created_at.clone(),
            created_at,
            ttl: TaskTtl::Unlimited,
            ttl_ms: TaskTtl::Unlimited,
            poll_interval: None,
            poll_interval_ms: None,
            extra: Extra::new(),
        }
    }

    /// Sets the lifetime in milliseconds (`None` = unlimited), in both spellings.
    pub fn with_ttl(mut self, ms: Option<u64>) -> Self {
        self.ttl = ms.into();
        self.ttl_ms = ms.into();
        self
    }

    /// Sets the suggested polling interval in milliseconds, in both spellings.
    pub fn with_poll_interval(mut self, ms: u64) -> Self {
        self.poll_interval = Some(ms);
        self.poll_interval_ms = Some(ms);
        self
    }

    /// Sets the status message.
    pub fn with_status_message(mut self, message: impl Into<String>) -> Self {
        self.status_message = Some(message.into());
        self
    }

    /// The lifetime, whichever spelling carried it: `None` if neither did, `Some(None)` if
    /// unlimited.
    pub fn lifetime_ms(&self) -> Option<Option<u64>> {
        self.ttl.or(self.ttl_ms).get()
    }

    /// The suggested polling interval, whichever spelling carried it.
    pub fn poll_interval_millis(&self) -> Option<u64> {
        self.poll_interval.or(self.poll_interval_ms)
    }
}

impl Shape for Task {
    /// Moves the timings to the spelling `version` uses. A required lifetime that neither
    /// spelling carried becomes `null` (unlimited), the only value that claims nothing.
    fn shape(&mut self, version: ProtocolVersion) {
        if version >= ProtocolVersion::V2026_07_28 {
            self.ttl_ms = self.ttl_ms.or(self.ttl).or(TaskTtl::Unlimited);
            self.ttl = TaskTtl::Unset;
            let old = self.poll_interval.take();
            self.poll_interval_ms = self.poll_interval_ms.or(old);
        } else {
            self.ttl = self.ttl.or(self.ttl_ms).or(TaskTtl::Unlimited);
            self.ttl_ms = TaskTtl::Unset;
            let new = self.poll_interval_ms.take();
            self.poll_interval = self.poll_interval.or(new);
        }
    }
}

/// The answer to a request that became a task (`CreateTaskResult`).
///
/// 2025-11-25 nests the task (`{ "task": {…} }`); the 2026-07-28 extension inlines its
/// fields next to `resultType: "task"`. The layout follows `result_type`: present → inline,
/// absent → nested. [`Shape`] sets it for 2026-07-28 and removes it before, so a shaped value
/// always has the layout of its version; decoding accepts both (by the presence of `task`).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct CreateTaskResult {
    /// The task.
    pub task: Task,
    /// `"task"` in 2026-07-28; absent before.
    pub result_type: Option<ResultType>,
    /// Result metadata.
    pub meta: Option<Meta>,
    /// Unknown fields of the result (those of the task stay in `task.extra`).
    pub extra: Extra,
}

impl CreateTaskResult {
    /// A result announcing `task`.
    pub fn new(task: Task) -> Self {
        Self {
            task,
            result_type: None,
            meta: None,
            extra: Extra::new(),
        }
    }

    /// `"task"`.
    pub fn task_result_type() -> ResultType {
        ResultType(ResultType::TASK.to_owned())
    }
}

impl Shape for CreateTaskResult {
    fn shape(&mut self, version: ProtocolVersion) {
        self.task.shape(version);
        self.result_type = (version >= ProtocolVersion::V2026_07_28).then(Self::task_result_type);
    }
}

impl Serialize for CreateTaskResult {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Nested<'a> {
            task: &'a Task,
            #[serde(rename = "_meta", skip_serializing_if = "Option::is_none")]
            meta: &'a Option<Meta>,
            #[serde(flatten)]
            extra: &'a Extra,
        }
        #[derive(Serialize)]
        struct Inline<'a> {
            #[serde(rename = "resultType")]
            result_type: &'a ResultType,
            #[serde(flatten)]
            task: &'a Task,
            #[serde(rename = "_meta", skip_serializing_if = "Option::is_none")]
            meta: &'a Option<Meta>,
            #[serde(flatten)]
            extra: &'a Extra,
        }
        match &self.result_type {
            Some(result_type) => Inline {
                result_type,
                task: &self.task,
                meta: &self.meta,
                extra: &self.extra,
            }
            .serialize(s),
            None => Nested {
                task: &self.task,
                meta: &self.meta,
                extra: &self.extra,
            }
            .serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for CreateTaskResult {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut map = Map::<String, Value>::deserialize(d)?;
        let result_type = take_field(&mut map, "resultType")?;
        let meta = take_field(&mut map, "_meta")?;
        // Nested (2025-11-25) when there is a `task` object; inline (2026-07-28) otherwise.
        let (task, extra) = match map.remove("task") {
            Some(task) => (Task::deserialize(task).map_err(de::Error::custom)?, map),
            None => (
                Task::deserialize(Value::Object(map)).map_err(de::Error::custom)?,
                Extra::new(),
            ),
        };
        Ok(Self {
            task,
            result_type,
            meta,
            extra,
        })
    }
}

/// Removes `key` from `map` and decodes it; `None` when absent. For the hand-written decoders
/// of types that flatten a [`Task`].
pub(crate) fn take_field<T: de::DeserializeOwned, E: de::Error>(
    map: &mut Map<String, Value>,
    key: &str,
) -> Result<Option<T>, E> {
    map.remove(key)
        .map(|v| T::deserialize(v).map_err(|e| E::custom(format_args!("`{key}`: {e}"))))
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn task_round_trips_with_null_ttl_and_unknown_fields() {
        let v = json!({"taskId": "t1", "status": "working", "createdAt": "2025-01-01T00:00:00Z",
            "lastUpdatedAt": "2025-01-01T00:00:00Z", "ttl": null, "pollInterval": 500, "x": 1});
        let t: Task = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(t.ttl, TaskTtl::Unlimited);
        assert_eq!(t.lifetime_ms(), Some(None));
        assert_eq!(serde_json::to_value(&t).unwrap(), v);
    }

    #[test]
    fn task_shape_moves_timings_between_spellings() {
        let t = Task::new("t", TaskStatus::Working, "2025-01-01T00:00:00Z")
            .with_ttl(Some(60_000))
            .with_poll_interval(1000);
        let old = serde_json::to_value(t.clone().shaped(ProtocolVersion::V2025_11_25)).unwrap();
        assert_eq!(old["ttl"], 60_000);
        assert_eq!(old["pollInterval"], 1000);
        assert!(old.get("ttlMs").is_none() && old.get("pollIntervalMs").is_none());
        let new = serde_json::to_value(t.shaped(ProtocolVersion::V2026_07_28)).unwrap();
        assert_eq!(new["ttlMs"], 60_000);
        assert_eq!(new["pollIntervalMs"], 1000);
        assert!(new.get("ttl").is_none() && new.get("pollInterval").is_none());

        let v: Task = serde_json::from_value(json!({"taskId": "t", "status": "failed",
            "createdAt": "a", "lastUpdatedAt": "b", "ttlMs": 5}))
        .unwrap();
        let old = serde_json::to_value(v.shaped(ProtocolVersion::V2025_11_25)).unwrap();
        assert_eq!(old["ttl"], 5);
    }

    #[test]
    fn create_task_result_nests_or_inlines_by_version() {
        let nested = json!({"task": {"taskId": "t", "status": "working", "createdAt": "a",
            "lastUpdatedAt": "a", "ttl": 10}, "_meta": {"k": 1}, "other": true});
        let r: CreateTaskResult = serde_json::from_value(nested.clone()).unwrap();
        assert_eq!(r.task.task_id, "t");
        assert_eq!(serde_json::to_value(&r).unwrap(), nested);

        let inline = serde_json::to_value(r.shaped(ProtocolVersion::V2026_07_28)).unwrap();
        assert_eq!(
            inline,
            json!({"resultType": "task", "taskId": "t", "status": "working", "createdAt": "a",
                "lastUpdatedAt": "a", "ttlMs": 10, "_meta": {"k": 1}, "other": true})
        );
        let back: CreateTaskResult = serde_json::from_value(inline.clone()).unwrap();
        assert_eq!(serde_json::to_value(&back).unwrap(), inline);
    }

    #[test]
    fn unknown_status_is_kept_and_a_bad_one_is_a_clear_error() {
        let t = serde_json::from_value::<Task>(json!({"taskId": "t", "status": "paused",
            "createdAt": "a", "lastUpdatedAt": "a", "ttl": 1}))
        .unwrap();
        assert_eq!(t.status, TaskStatus::Unknown("paused".into()));
        let err = serde_json::from_value::<Task>(json!({"taskId": "t", "status": false,
            "createdAt": "a", "lastUpdatedAt": "a", "ttl": 1}))
        .unwrap_err();
        assert!(err.to_string().contains("invalid type"), "{err}");
    }
}
