//! The JUnit XML report, one test case per scenario and version.

use std::fmt::Write;

use crate::report::Record;
use crate::scenario::Outcome;

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 cannot carry most control characters, even escaped.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push('?'),
            c => out.push(c),
        }
    }
    out
}

/// The records as a JUnit XML document.
pub(crate) fn junit(records: &[Record]) -> String {
    let failures = records
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Fail { .. }))
        .count();
    let skipped = records
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Skip { .. }))
        .count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuite name=\"mcp-conformance\" tests=\"{}\" failures=\"{failures}\" skipped=\"{skipped}\">",
        records.len()
    );
    for r in records {
        let _ = write!(
            out,
            "  <testcase classname=\"{}.{}\" name=\"{}\" time=\"{:.6}\"",
            escape(r.version),
            escape(r.transport),
            escape(r.scenario),
            r.millis / 1e3
        );
        match &r.outcome {
            Outcome::Pass { evidence } if evidence.is_empty() => out.push_str("/>\n"),
            // A pass's messages are output, not a verdict: JUnit's place for them.
            Outcome::Pass { evidence } => {
                let _ = writeln!(
                    out,
                    ">\n    <system-out>{}</system-out>\n  </testcase>",
                    escape(&evidence.join("\n"))
                );
            }
            Outcome::Skip { reason } => {
                let _ = writeln!(
                    out,
                    ">\n    <skipped message=\"{}\"/>\n  </testcase>",
                    escape(reason)
                );
            }
            Outcome::Fail {
                reason, evidence, ..
            } => {
                let _ = writeln!(
                    out,
                    ">\n    <failure message=\"{}\">{}\n{}</failure>\n  </testcase>",
                    escape(reason),
                    escape(r.spec),
                    escape(&evidence.join("\n"))
                );
            }
        }
    }
    out.push_str("</testsuite>\n");
    out
}
