//! The summary table printed on stdout.

use std::fmt::Write;
use std::time::Duration;

use super::findings::findings;
use crate::report::Record;
use crate::scenario::Outcome;

/// One line per scenario and version, then each distinct finding once (with the versions it
/// holds for and the messages of the first), then totals.
///
/// A server that breaks one rule usually breaks it in every version it serves: the same
/// scenario fails with the same reason four or five times. Shown once per version, the one
/// defect reads as five and buries the others; grouped, each defect is one entry. The JSON
/// and JUnit reports keep one record per scenario and version, for machines.
pub(crate) fn table(records: &[Record], elapsed: Duration) -> String {
    let findings = findings(records);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<36} {:<11} {:<7} {:<6} result",
        "scenario", "version", "via", "level"
    );
    for (at, r) in records.iter().enumerate() {
        let status = match &r.outcome {
            Outcome::Pass { .. } => "pass".to_owned(),
            Outcome::Fail { .. } => {
                let n = findings.iter().position(|f| f.rows.contains(&at));
                format!("FAIL [{}]", n.map_or(0, |n| n + 1))
            }
            Outcome::Skip { reason } => format!("skip ({reason})"),
        };
        let _ = writeln!(
            out,
            "{:<36} {:<11} {:<7} {:<6} {status}",
            r.scenario, r.version, r.transport, r.severity
        );
    }
    if !findings.is_empty() {
        let _ = writeln!(out, "\nfindings:");
    }
    for (n, f) in findings.iter().enumerate() {
        let first = &records[f.rows[0]];
        let versions: Vec<&str> = f.rows.iter().map(|&at| records[at].version).collect();
        let _ = writeln!(
            out,
            "[{}] {} ({}, {}) in {}",
            n + 1,
            first.scenario,
            first.severity,
            first.transport,
            versions.join(", ")
        );
        if let Outcome::Fail {
            reason, evidence, ..
        } = &first.outcome
        {
            let _ = writeln!(out, "    spec: {}", first.spec);
            let _ = writeln!(out, "    why:  {reason}");
            if f.rows.len() > 1 {
                let _ = writeln!(out, "    (the messages of {}:)", first.version);
            }
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
        "\n{passed} passed, {failed} failed ({} distinct findings), {skipped} skipped in {:.2} s",
        findings.len(),
        elapsed.as_secs_f64()
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(scenario: &'static str, version: &'static str, outcome: Outcome) -> Record {
        Record {
            scenario,
            spec: "somewhere §1",
            severity: "MUST",
            transport: "stdio",
            version,
            outcome,
            millis: 1.0,
        }
    }

    #[test]
    fn one_defect_in_several_versions_is_shown_once_with_its_versions() {
        let records = [
            record(
                "a/b",
                "2025-03-26",
                Outcome::fail(
                    "x does not match the 2025-03-26 schema",
                    vec!["← one".into()],
                ),
            ),
            record(
                "a/b",
                "2025-06-18",
                Outcome::fail(
                    "x does not match the 2025-06-18 schema",
                    vec!["← two".into()],
                ),
            ),
            record(
                "a/b",
                "2025-11-25",
                Outcome::fail("something else", vec!["← three".into()]),
            ),
            record("c/d", "2025-11-25", Outcome::pass()),
        ];
        let table = table(&records, Duration::from_secs(1));
        assert_eq!(table.matches("    why:  ").count(), 2, "{table}");
        assert!(
            table.contains("[1] a/b (MUST, stdio) in 2025-03-26, 2025-06-18"),
            "{table}"
        );
        assert!(
            table.contains("[2] a/b (MUST, stdio) in 2025-11-25"),
            "{table}"
        );
        // The messages of the first version stand for the group.
        assert!(
            table.contains("← one") && !table.contains("← two"),
            "{table}"
        );
        assert!(table.contains("3 failed (2 distinct findings)"), "{table}");
        let fail_lines = table.lines().filter(|l| l.contains(" FAIL [1]")).count();
        assert_eq!(fail_lines, 2, "{table}");
    }
}
