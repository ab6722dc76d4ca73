//! Failures grouped into findings: one defect that fails a scenario in several versions is one
//! finding with the versions it holds for, in every report meant for people.

use crate::report::Record;
use crate::scenario::Outcome;

/// One defect: the failed records (indexes into the records) of one scenario, transport and
/// level whose reasons are the same but for the version they name.
pub(super) struct Finding {
    /// The failed records, as indexes into the records, in the order they came.
    pub(super) rows: Vec<usize>,
}

/// The failures of `records`, grouped into findings in the order they first appear.
pub(super) fn findings(records: &[Record]) -> Vec<Finding> {
    let mut keys: Vec<(&str, &str, &str, String)> = Vec::new();
    let mut findings: Vec<Finding> = Vec::new();
    for (at, r) in records.iter().enumerate() {
        let Outcome::Fail { reason, .. } = &r.outcome else {
            continue;
        };
        // A reason naming its own version ("… of the 2025-06-18 schema") is the same finding
        // in another version.
        let key = (
            r.scenario,
            r.transport,
            r.severity,
            reason.replace(r.version, "{version}"),
        );
        match keys.iter().position(|k| *k == key) {
            Some(n) => findings[n].rows.push(at),
            None => {
                keys.push(key);
                findings.push(Finding { rows: vec![at] });
            }
        }
    }
    findings
}
