//! The summary table printed on stdout.

use std::fmt::Write;
use std::time::Duration;

use crate::report::Record;
use crate::scenario::Outcome;

/// One line per scenario and version, failures explained below the line, then totals.
pub(crate) fn table(records: &[Record], elapsed: Duration) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<36} {:<11} {:<7} {:<6} result",
        "scenario", "version", "via", "level"
    );
    for r in records {
        let status = match &r.outcome {
            Outcome::Pass { .. } => "pass".to_owned(),
            Outcome::Fail { .. } => "FAIL".to_owned(),
            Outcome::Skip { reason } => format!("skip ({reason})"),
        };
        let _ = writeln!(
            out,
            "{:<36} {:<11} {:<7} {:<6} {status}",
            r.scenario, r.version, r.transport, r.severity
        );
        if let Outcome::Fail { reason, evidence } = &r.outcome {
            let _ = writeln!(out, "    spec: {}", r.spec);
            let _ = writeln!(out, "    why:  {reason}");
            for e in evidence {
                let _ = writeln!(out, "    msg:  {e}");
            }
        }
    }
    let count = |f: fn(&Outcome) -> bool| records.iter().filter(|r| f(&r.outcome)).count();
    let passed = count(|o| matches!(o, Outcome::Pass { .. }));
    let failed = count(|o| matches!(o, Outcome::Fail { .. }));
    let skipped = count(|o| matches!(o, Outcome::Skip { .. }));
    let _ = writeln!(
        out,
        "\n{passed} passed, {failed} failed, {skipped} skipped in {:.2} s",
        elapsed.as_secs_f64()
    );
    out
}
