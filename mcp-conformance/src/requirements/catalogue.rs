//! The catalogue: every MUST and SHOULD of 2025-11-25 and 2026-07-28 this project tracks,
//! one row per requirement (or a small group of closely related ones), compiled into the
//! binary from `catalogue.tsv`.
//!
//! The rows started from the spec audit (`notes/spec-audit.md`: IDs `1.1` … `7.26`, kept as
//! they are, since tests are annotated with them); rows found later continue the numbering
//! of their area. Columns: id, revision, level, party, section, paraphrase, and the reason
//! no test or scenario can check the row (`why_untested`, empty when one can).

use std::fmt;

/// The checked-in catalogue, tab-separated; `#` starts a comment line.
const TSV: &str = include_str!("catalogue.tsv");

/// How strongly the spec binds: MUST / MUST NOT, or SHOULD / SHOULD NOT only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Level {
    /// MUST or MUST NOT (rows that mix MUST and SHOULD count here).
    Must,
    /// SHOULD or SHOULD NOT only.
    Should,
}

impl Level {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Must => "MUST",
            Self::Should => "SHOULD",
        }
    }
}

/// Whom a requirement binds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Party {
    /// The server (for authorization: the resource server or the authorization server).
    Server,
    /// The client.
    Client,
    /// Either side (a rule of the wire both speak, or one with a duty on each side).
    Both,
}

impl Party {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Server => "server",
            Self::Client => "client",
            Self::Both => "both",
        }
    }

    /// Whether a check of `side` (server or client) can check a duty of this party.
    pub(crate) fn binds(self, side: Self) -> bool {
        self == Self::Both || side == Self::Both || self == side
    }
}

/// One requirement.
#[derive(Debug, Clone)]
pub(crate) struct Requirement {
    /// `area.number`, e.g. `1.13`.
    pub(crate) id: &'static str,
    /// `2025-11-25`, `2026-07-28` or `both`.
    pub(crate) revision: &'static str,
    pub(crate) level: Level,
    pub(crate) party: Party,
    /// The spec page (and section) that states it, without the revision.
    pub(crate) section: &'static str,
    /// A one-line paraphrase.
    pub(crate) text: &'static str,
    /// Why no test or scenario can check it, when none can.
    pub(crate) why_untested: Option<&'static str>,
}

/// A malformed catalogue line.
#[derive(Debug)]
pub(crate) struct BadRow {
    line: usize,
    why: String,
}

impl fmt::Display for BadRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "catalogue.tsv line {}: {}", self.line, self.why)
    }
}

/// Whether `s` has the shape of a requirement ID: `area.number`, both decimal.
pub(crate) fn is_id(s: &str) -> bool {
    let mut parts = s.split('.');
    let digits =
        |p: Option<&str>| p.is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    digits(parts.next()) && digits(parts.next()) && parts.next().is_none()
}

/// The order of IDs: by area, then by number (`1.9` before `1.10`).
#[cfg(test)]
pub(crate) fn id_key(id: &str) -> (u32, u32) {
    let (area, n) = id.split_once('.').unwrap_or((id, "0"));
    (
        area.parse().unwrap_or(u32::MAX),
        n.parse().unwrap_or(u32::MAX),
    )
}

/// Parses the catalogue text.
fn parse(tsv: &'static str) -> Result<Vec<Requirement>, BadRow> {
    let mut rows = Vec::new();
    for (i, line) in tsv.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let bad = |why: String| BadRow { line: i + 1, why };
        let cells: Vec<&'static str> = line.split('\t').collect();
        let [id, revision, level, party, section, text, why] = cells[..] else {
            return Err(bad(format!("{} columns, not 7", cells.len())));
        };
        if !is_id(id) {
            return Err(bad(format!("{id:?} is not an ID like 1.13")));
        }
        if !matches!(revision, "both" | "2025-11-25" | "2026-07-28") {
            return Err(bad(format!("unknown revision {revision:?}")));
        }
        let level = match level {
            "MUST" => Level::Must,
            "SHOULD" => Level::Should,
            _ => return Err(bad(format!("unknown level {level:?}"))),
        };
        let party = match party {
            "server" => Party::Server,
            "client" => Party::Client,
            "both" => Party::Both,
            _ => return Err(bad(format!("unknown party {party:?}"))),
        };
        if section.is_empty() || text.is_empty() {
            return Err(bad("empty section or paraphrase".into()));
        }
        rows.push(Requirement {
            id,
            revision,
            level,
            party,
            section,
            text,
            why_untested: (!why.is_empty()).then_some(why),
        });
    }
    Ok(rows)
}

/// Every requirement, in catalogue order.
///
/// # Panics
///
/// When the checked-in catalogue is malformed, which `catalogue_is_well_formed` rules out.
pub(crate) fn all() -> Vec<Requirement> {
    parse(TSV).unwrap_or_else(|e| panic!("{e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_is_well_formed_with_unique_ids_in_order() {
        let rows = parse(TSV).unwrap_or_else(|e| panic!("{e}"));
        assert!(rows.len() >= 194, "{} rows", rows.len());
        for pair in rows.windows(2) {
            assert!(
                id_key(pair[0].id) < id_key(pair[1].id),
                "{} then {}: IDs must be unique and ascending",
                pair[0].id,
                pair[1].id
            );
        }
    }

    #[test]
    fn a_malformed_row_is_refused_with_its_line() {
        let e = parse("# header\n1.1\tboth\tMAY\tserver\tbasic\ttext\t\n").unwrap_err();
        assert_eq!(e.to_string(), "catalogue.tsv line 2: unknown level \"MAY\"");
        assert!(parse("1.x\tboth\tMUST\tserver\tbasic\ttext\t\n").is_err());
        assert!(parse("1.1\tboth\tMUST\tserver\tbasic\n").is_err());
    }

    #[test]
    fn ids_order_by_area_then_number() {
        assert!(id_key("1.9") < id_key("1.10"));
        assert!(id_key("1.26") < id_key("2.1"));
        assert!(is_id("7.25") && !is_id("7") && !is_id("7.2.1") && !is_id("a.1"));
    }
}
