//! Task metadata shared by requests (2025-11-25 tasks). The task methods live in
//! [`crate::methods`].

use serde::Serialize;

use crate::types::Extra;

/// Asks for a request to run as a task (`TaskMetadata`, 2025-11-25).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct TaskMetadata {
    /// How long, in milliseconds, the receiver should keep the task's result after creation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl: Option<u64>,
    /// Unknown fields, kept.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::deserialize_with_extra!(TaskMetadata { ttl: "ttl" });
