//! The requirements table as text, Markdown or JSON.

use std::fmt::Write as _;

use clap::ValueEnum;
use serde_json::{Value, json};

use super::{Check, Entry};

/// The output format of `mcp-conformance requirements`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// One block per requirement: its columns, then a line per side.
    Text,
    /// A Markdown table.
    Markdown,
    /// A JSON object: the counts and one object per requirement.
    Json,
}

/// The counts over a table.
struct Counts {
    total: usize,
    checked: usize,
    reasoned: usize,
    missing: usize,
}

fn counts(entries: &[Entry]) -> Counts {
    let checked = entries
        .iter()
        .filter(|e| !e.server.is_empty() || !e.client.is_empty())
        .count();
    let missing = entries.iter().filter(|e| e.is_missing()).count();
    Counts {
        total: entries.len(),
        checked,
        reasoned: entries.len() - checked - missing,
        missing,
    }
}

/// The table of `entries` in `format`; with `missing_only`, only the rows with neither a
/// check nor a reason (the counts still cover every row).
pub(crate) fn print(entries: &[Entry], format: Format, missing_only: bool) -> String {
    let counts = counts(entries);
    let shown: Vec<&Entry> = entries
        .iter()
        .filter(|e| !missing_only || e.is_missing())
        .collect();
    match format {
        Format::Text => text(&shown, &counts),
        Format::Markdown => markdown(&shown, &counts),
        Format::Json => json(&shown, &counts),
    }
}

fn labels(checks: &[Check]) -> Vec<String> {
    checks.iter().map(Check::label).collect()
}

/// What a side's cell says: its checks, else the reason, else that nothing checks it.
fn cell(entry: &Entry, checks: &[Check]) -> String {
    if !checks.is_empty() {
        return labels(checks).join(", ");
    }
    match entry.requirement.why_untested {
        Some(why) if entry.server.is_empty() && entry.client.is_empty() => {
            format!("untested: {why}")
        }
        _ => "-".into(),
    }
}

fn summary(c: &Counts) -> String {
    format!(
        "{} requirements: {} checked by a test or scenario, {} with a reason (none can check \
         them, or a deliberate deviation), {} without entry",
        c.total, c.checked, c.reasoned, c.missing
    )
}

fn text(entries: &[&Entry], counts: &Counts) -> String {
    let mut out = format!(
        "{:<6} {:<10} {:<6} {:<6} {:<44} REQUIREMENT\n",
        "ID", "REVISION", "LEVEL", "PARTY", "SECTION"
    );
    for e in entries {
        let r = &e.requirement;
        let _ = writeln!(
            out,
            "{:<6} {:<10} {:<6} {:<6} {:<44} {}",
            r.id,
            r.revision,
            r.level.as_str(),
            r.party.as_str(),
            r.section,
            r.text
        );
        let _ = writeln!(out, "       server: {}", cell(e, &e.server));
        let _ = writeln!(out, "       client: {}", cell(e, &e.client));
    }
    out.push_str(&summary(counts));
    out.push('\n');
    out
}

fn markdown(entries: &[&Entry], counts: &Counts) -> String {
    let escape = |s: &str| s.replace('|', "\\|");
    let mut out = String::from(
        "| ID | revision | level | party | section | requirement | server checks | client checks / reason |\n\
         |---|---|---|---|---|---|---|---|\n",
    );
    for e in entries {
        let r = &e.requirement;
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            r.id,
            r.revision,
            r.level.as_str(),
            r.party.as_str(),
            escape(r.section),
            escape(r.text),
            escape(&cell(e, &e.server)),
            escape(&cell(e, &e.client)),
        );
    }
    let _ = writeln!(out, "\n{}", summary(counts));
    out
}

fn json(entries: &[&Entry], counts: &Counts) -> String {
    let rows: Vec<Value> = entries
        .iter()
        .map(|e| {
            let r = &e.requirement;
            json!({
                "id": r.id,
                "revision": r.revision,
                "level": r.level.as_str(),
                "party": r.party.as_str(),
                "section": r.section,
                "requirement": r.text,
                "server": labels(&e.server),
                "client": labels(&e.client),
                "why_untested": r.why_untested,
            })
        })
        .collect();
    let doc = json!({
        "total": counts.total,
        "checked": counts.checked,
        "with_reason": counts.reasoned,
        "without_entry": counts.missing,
        "requirements": rows,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}
