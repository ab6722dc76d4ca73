//! The HTML report (`--html FILE`): one self-contained page for people. No script, no
//! external style sheet, font or image, so it opens from a CI artifact or an e-mail as it is;
//! evidence folds with the browser's own `<details>`.
//!
//! The page holds, in order: the totals; a summary by level (MUST / SHOULD) and by protocol
//! version; each finding once, with every version and transport it holds for, the requirement
//! it breaks, the reason and the messages exchanged (folded); then the skipped rows with their
//! reasons and the passed ones, both folded.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::time::Duration;

use super::findings::findings;
use crate::report::Record;
use crate::scenario::Outcome;

/// Text made safe for HTML element content and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Counts of one slice of the records.
#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
    skipped: usize,
}

impl Tally {
    fn add(&mut self, outcome: &Outcome) {
        match outcome {
            Outcome::Pass { .. } => self.passed += 1,
            Outcome::Fail { .. } => self.failed += 1,
            Outcome::Skip { .. } => self.skipped += 1,
        }
    }

    /// One table row: the label, then the three counts, the failures marked.
    fn row(&self, out: &mut String, label: &str) {
        let failed = if self.failed > 0 {
            format!("<td class=\"fail\">{}</td>", self.failed)
        } else {
            "<td>0</td>".to_owned()
        };
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\">{}</th><td>{}</td>{failed}<td>{}</td></tr>",
            escape(label),
            self.passed,
            self.skipped
        );
    }
}

/// A table of tallies under `heading`, one row per key.
fn tally_table(out: &mut String, heading: &str, rows: &BTreeMap<&str, Tally>) {
    let _ = writeln!(
        out,
        "<table><caption>{}</caption>\
         <tr><th></th><th scope=\"col\">passed</th><th scope=\"col\">failed</th>\
         <th scope=\"col\">skipped</th></tr>",
        escape(heading)
    );
    for (label, tally) in rows {
        tally.row(out, label);
    }
    out.push_str("</table>\n");
}

const STYLE: &str = "body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:70em;\
padding:0 1em;color:#1d1d1f}h1{font-size:1.5em}h2{margin-top:2em;border-bottom:1px solid #ddd}\
#summary{font-size:1.2em;font-weight:600}#summary.ok{color:#116329}#summary.failed{color:#b3261e}\
table{border-collapse:collapse;margin:1em 2em 1em 0;display:inline-table;vertical-align:top}\
caption{text-align:left;font-weight:600;padding-bottom:.3em}td,th{border:1px solid #ccc;\
padding:.2em .7em;text-align:right}th[scope=row]{text-align:left}td.fail{color:#b3261e;\
font-weight:700}.finding{border-left:4px solid #b3261e;padding:.2em 1em;margin:1em 0;\
background:#fdf3f2}.finding.should{border-color:#b06000;background:#fef7e0}.level{font-weight:700}\
pre{white-space:pre-wrap;word-break:break-all;background:#f6f8fa;padding:.6em;font-size:13px}\
details{margin:.4em 0}summary{cursor:pointer}li{margin:.15em 0}code{font-size:13px}";

/// The records as one self-contained HTML page; `title` names what was tested.
pub(crate) fn html(records: &[Record], elapsed: Duration, title: &str) -> String {
    let mut total = Tally::default();
    let mut by_level = BTreeMap::<&str, Tally>::new();
    let mut by_version = BTreeMap::<&str, Tally>::new();
    for r in records {
        total.add(&r.outcome);
        by_level.entry(r.severity).or_default().add(&r.outcome);
        by_version.entry(r.version).or_default().add(&r.outcome);
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\">\
         <title>mcp-conformance: {title}</title><style>{STYLE}</style></head><body>\n\
         <h1>mcp-conformance: {title}</h1>",
        title = escape(title)
    );
    let class = if total.failed > 0 { "failed" } else { "ok" };
    let _ = writeln!(
        out,
        "<p id=\"summary\" class=\"{class}\">{} passed, {} failed, {} skipped in {:.2} s</p>",
        total.passed,
        total.failed,
        total.skipped,
        elapsed.as_secs_f64()
    );
    tally_table(&mut out, "By level", &by_level);
    tally_table(&mut out, "By protocol version", &by_version);

    let found = findings(records);
    let _ = writeln!(out, "<h2 id=\"findings\">Findings ({})</h2>", found.len());
    if found.is_empty() {
        out.push_str("<p>None: every scenario that applies passed.</p>\n");
    }
    for f in &found {
        let first = &records[f.rows[0]];
        let Outcome::Fail {
            reason, evidence, ..
        } = &first.outcome
        else {
            continue;
        };
        let places: Vec<String> = f
            .rows
            .iter()
            .map(|&at| format!("{} over {}", records[at].version, records[at].transport))
            .collect();
        let level_class = if first.severity == "MUST" {
            ""
        } else {
            " should"
        };
        let _ = writeln!(
            out,
            "<div class=\"finding{level_class}\"><h3><code>{}</code> \
             <span class=\"level\">{}</span></h3>\
             <p><b>Requirement:</b> {}</p><p><b>Why it failed:</b></p><pre>{}</pre>\
             <p><b>Holds for:</b> {}</p>\
             <details><summary>Evidence ({} lines, from {})</summary><pre>{}</pre></details></div>",
            escape(first.scenario),
            escape(first.severity),
            escape(first.spec),
            escape(reason),
            escape(&places.join(", ")),
            evidence.len(),
            escape(&places[0]),
            escape(&evidence.join("\n"))
        );
    }

    let _ = writeln!(
        out,
        "<h2>Skipped ({})</h2><details><summary>Why each was skipped</summary><ul>",
        total.skipped
    );
    for r in records {
        if let Outcome::Skip { reason } = &r.outcome {
            let _ = writeln!(
                out,
                "<li><code>{}</code> {} over {}: {}</li>",
                escape(r.scenario),
                escape(r.version),
                escape(r.transport),
                escape(reason)
            );
        }
    }
    out.push_str("</ul></details>\n");

    let _ = writeln!(
        out,
        "<h2>Passed ({})</h2><details><summary>Each passed row, with its evidence</summary>",
        total.passed
    );
    for r in records {
        if let Outcome::Pass { evidence } = &r.outcome {
            let _ = writeln!(
                out,
                "<details><summary><code>{}</code> {} over {} ({})</summary><pre>{}</pre></details>",
                escape(r.scenario),
                escape(r.version),
                escape(r.transport),
                escape(r.severity),
                escape(&evidence.join("\n"))
            );
        }
    }
    out.push_str("</details>\n</body></html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(scenario: &'static str, version: &'static str, outcome: Outcome) -> Record {
        Record {
            scenario,
            spec: "2025-11-25 basic §Messages: \"MUST follow JSON-RPC 2.0\"",
            severity: "MUST",
            transport: "stdio",
            version,
            outcome,
            millis: 1.0,
        }
    }

    #[test]
    fn a_finding_shows_once_with_every_version_and_markup_in_evidence_is_escaped() {
        let fail = || Outcome::fail("no answer", vec!["← <script>alert(1)</script>".into()]);
        let records = [
            record("jsonrpc/parse-error", "2025-06-18", fail()),
            record("jsonrpc/parse-error", "2025-11-25", fail()),
            record("ping", "2025-11-25", Outcome::pass()),
            record(
                "mrtr/round-trip",
                "2025-11-25",
                Outcome::skip("a 2026 <feature>"),
            ),
        ];
        let page = html(
            &records,
            Duration::from_millis(1500),
            "server --command \"x\"",
        );
        assert!(
            page.contains(
                "<p id=\"summary\" class=\"failed\">1 passed, 2 failed, 1 skipped in 1.50 s</p>"
            ),
            "{page}"
        );
        assert_eq!(page.matches("<div class=\"finding").count(), 1, "{page}");
        assert!(page.contains("Holds for:</b> 2025-06-18 over stdio, 2025-11-25 over stdio"));
        assert!(
            !page.contains("<script>"),
            "evidence must not become markup"
        );
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(page.contains("a 2026 &lt;feature&gt;"));
        assert!(page.contains("server --command &quot;x&quot;"));
    }

    #[test]
    fn a_clean_run_says_so() {
        let page = html(
            &[record("ping", "2025-11-25", Outcome::pass())],
            Duration::ZERO,
            "run",
        );
        assert!(page.contains("class=\"ok\">1 passed, 0 failed, 0 skipped"));
        assert!(page.contains("None: every scenario that applies passed."));
    }
}
