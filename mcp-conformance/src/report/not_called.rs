//! The summary of the tools a run did not call, below the table: each tool the tool policy
//! withheld, why, and in which versions, gathered from the evidence lines the scenarios
//! wrote (`scenario::server::NOT_CALLED`). The JSON report keeps those lines in the rows of
//! the scenarios concerned.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use crate::report::Record;
use crate::scenario::Outcome;
use crate::scenario::server::NOT_CALLED;

/// The block, empty when every tool listed could be called (or none was listed).
pub(crate) fn not_called(records: &[Record]) -> String {
    // (tool, reason) → versions.
    let mut seen: BTreeMap<(&str, &str), BTreeSet<&str>> = BTreeMap::new();
    for r in records {
        let evidence = match &r.outcome {
            Outcome::Pass { evidence } | Outcome::Fail { evidence, .. } => evidence,
            Outcome::Skip { .. } => continue,
        };
        for line in evidence {
            let Some(rest) = line.strip_prefix(NOT_CALLED) else {
                continue;
            };
            let (name, why) = rest.split_once(": ").unwrap_or((rest, ""));
            seen.entry((name, why)).or_default().insert(r.version);
        }
    }
    if seen.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "\nTools not called (the tool policy: --call-tools readonly|all|none, --allow-tool NAME, \
         --deny-tool NAME):\n",
    );
    for ((name, why), versions) in seen {
        let versions: Vec<_> = versions.into_iter().collect();
        let _ = writeln!(out, "  {name}: {why} [{}]", versions.join(", "));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(version: &'static str, outcome: Outcome) -> Record {
        Record {
            scenario: "tools/probe",
            spec: "",
            severity: "MUST",
            transport: "stdio",
            version,
            outcome,
            millis: 0.0,
        }
    }

    #[test]
    fn each_tool_not_called_is_listed_once_with_its_reason_and_versions() {
        let line = |s: &str| format!("{NOT_CALLED}{s}");
        let records = [
            record(
                "2025-06-18",
                Outcome::pass_with(vec![
                    "→ {}".into(),
                    line("write_file: no readOnlyHint"),
                    line("rm: destructiveHint: true"),
                ]),
            ),
            record(
                "2025-11-25",
                Outcome::fail("x", vec![line("write_file: no readOnlyHint")]),
            ),
            record("2024-11-05", Outcome::skip("no tool may be called")),
        ];
        let block = not_called(&records);
        assert!(
            block.contains("  write_file: no readOnlyHint [2025-06-18, 2025-11-25]\n"),
            "{block}"
        );
        assert!(
            block.contains("  rm: destructiveHint: true [2025-06-18]\n"),
            "{block}"
        );
        assert_eq!(block.matches("write_file").count(), 1, "{block}");
        assert_eq!(not_called(&records[2..]), "");
    }
}
