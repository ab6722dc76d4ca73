//! The JSON report: every record with its outcome and evidence.

use crate::report::Record;

/// The records as a pretty-printed JSON array.
pub(crate) fn json(records: &[Record]) -> String {
    serde_json::to_string_pretty(records).unwrap_or_else(|_| "[]".to_owned())
}
