//! `mcp-conformance requirements`: for each MUST and SHOULD of 2025-11-25 and 2026-07-28
//! (the [`catalogue`]), which tests and conformance scenarios check it on the server side and
//! on the client side, or why none can.
//!
//! Nothing here is written by hand twice: tests declare what they check with a
//! `// requirement: ID` line above them ([`annotations`]; the tests of `scan` record them
//! in the generated `coverage.tsv`), scenarios in their `requirements` field, and rows no check can reach
//! carry their reason in the catalogue. The tests of this module fail when the recorded
//! annotations are out of date, when an annotation or a scenario names an unknown ID, and
//! when the number of rows with no entry at all differs from [`tests::WITHOUT_ENTRY`].

mod annotations;
mod catalogue;
mod render;
#[cfg(test)]
mod scan;

use std::collections::BTreeSet;

pub(crate) use render::{Format, print};

use annotations::Annotation;
use catalogue::{Party, Requirement};

use crate::scenario;

/// What checks one requirement.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Check {
    /// A test of this workspace: file (from the workspace root) and function.
    Test { file: String, test: String },
    /// A conformance scenario, by name.
    Scenario(&'static str),
}

impl Check {
    /// How the check is named in the table: `file::test`, or `scenario NAME`.
    pub(crate) fn label(&self) -> String {
        match self {
            Self::Test { file, test } => format!("{file}::{test}"),
            Self::Scenario(name) => format!("scenario {name}"),
        }
    }
}

/// One row of the table: a requirement and its checks on each side.
#[derive(Debug)]
pub(crate) struct Entry {
    pub(crate) requirement: Requirement,
    /// Checks of the server side.
    pub(crate) server: Vec<Check>,
    /// Checks of the client side.
    pub(crate) client: Vec<Check>,
}

impl Entry {
    /// Whether nothing checks the row and no reason says why.
    pub(crate) fn is_missing(&self) -> bool {
        self.server.is_empty() && self.client.is_empty() && self.requirement.why_untested.is_none()
    }
}

/// A scenario's declaration: its name, the side it checks, the IDs.
pub(crate) struct Declared {
    pub(crate) name: &'static str,
    pub(crate) side: Party,
    pub(crate) ids: &'static [&'static str],
}

/// Every scenario that declares requirements. `mcp-conformance server` scenarios check a
/// server, `client` scenarios a client; the scenarios of `run` (the reference pair and the
/// protocol layer) check this workspace's implementation of either side.
pub(crate) fn declared() -> Vec<Declared> {
    let mut out: Vec<Declared> = Vec::new();
    let mut seen = BTreeSet::new();
    for s in scenario::all() {
        // `run` scenarios repeat per transport; one entry each.
        if seen.insert(s.name) {
            out.push(Declared {
                name: s.name,
                side: Party::Both,
                ids: s.requirements,
            });
        }
    }
    out.extend(scenario::server::scenarios().into_iter().map(|s| Declared {
        name: s.name,
        side: Party::Server,
        ids: s.requirements,
    }));
    out.extend(scenario::client::scenarios().into_iter().map(|s| Declared {
        name: s.name,
        side: Party::Client,
        ids: s.requirements,
    }));
    out.retain(|d| !d.ids.is_empty());
    out
}

/// The side a test of crate directory `krate` checks (`file` tells the client and server
/// halves of mcp-auth apart).
fn test_side(krate: &str, file: &str) -> Party {
    match krate {
        "mcp-server" => Party::Server,
        "mcp-client" => Party::Client,
        "mcp-auth" if file.contains("/client") => Party::Client,
        "mcp-auth" => Party::Server,
        _ => Party::Both,
    }
}

/// Files a check under the sides it checks: the sides of its crate or kind that the
/// requirement binds; when none (say, a protocol-layer test of a client duty), the
/// requirement's own party.
fn file_under(entry: &mut Entry, side: Party, check: Check) {
    let party = entry.requirement.party;
    let side = if party.binds(side) {
        if side == Party::Both { party } else { side }
    } else {
        party
    };
    if side != Party::Client {
        entry.server.push(check.clone());
    }
    if side != Party::Server {
        entry.client.push(check);
    }
}

/// The table from the catalogue, the recorded annotations and the scenarios' declarations.
pub(crate) fn entries() -> Vec<Entry> {
    build(catalogue::all(), &annotations::recorded(), &declared())
}

fn build(catalogue: Vec<Requirement>, tests: &[Annotation], scenarios: &[Declared]) -> Vec<Entry> {
    let mut entries: Vec<Entry> = catalogue
        .into_iter()
        .map(|requirement| Entry {
            requirement,
            server: Vec::new(),
            client: Vec::new(),
        })
        .collect();
    let find =
        |entries: &mut Vec<Entry>, id: &str| entries.iter().position(|e| e.requirement.id == id);
    for a in tests {
        if let Some(i) = find(&mut entries, &a.id) {
            let check = Check::Test {
                file: a.file.clone(),
                test: a.test.clone(),
            };
            file_under(&mut entries[i], test_side(a.krate(), &a.file), check);
        }
    }
    for d in scenarios {
        for id in d.ids {
            if let Some(i) = find(&mut entries, id) {
                file_under(&mut entries[i], d.side, Check::Scenario(d.name));
            }
        }
    }
    for e in &mut entries {
        e.server.sort();
        e.server.dedup();
        e.client.sort();
        e.client.dedup();
    }
    entries
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// How many catalogue rows have neither a test, nor a scenario, nor a reason. A ratchet:
    /// it must equal the actual number, so annotating a test means lowering it here.
    pub(super) const WITHOUT_ENTRY: usize = 41;

    fn workspace_root() -> &'static Path {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("the crate sits in the workspace")
    }

    #[test]
    fn recorded_annotations_match_the_workspace_tests() {
        let (found, problems) = scan::scan(workspace_root());
        assert!(
            problems.is_empty(),
            "malformed or stray `// requirement:` annotations:\n{}",
            problems.join("\n")
        );
        let fresh = scan::render(&found);
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/requirements/coverage.tsv");
        if std::env::var_os("UPDATE_REQUIREMENTS").is_some() {
            std::fs::write(&path, &fresh).expect("write coverage.tsv");
            return;
        }
        let recorded = std::fs::read_to_string(&path).expect("read coverage.tsv");
        assert!(
            recorded == fresh,
            "{} is out of date with the `// requirement:` annotations of the tests; run with \
             UPDATE_REQUIREMENTS=1 to rewrite it:\n\
             UPDATE_REQUIREMENTS=1 cargo test -p mcp-conformance --lib requirements::",
            path.display()
        );
    }

    #[test]
    fn every_annotation_and_scenario_names_a_known_requirement() {
        let ids: BTreeSet<&str> = catalogue::all().iter().map(|r| r.id).collect();
        let mut unknown: Vec<String> = annotations::recorded()
            .iter()
            .filter(|a| !ids.contains(a.id.as_str()))
            .map(|a| format!("{} in {}::{}", a.id, a.file, a.test))
            .collect();
        for d in declared() {
            unknown.extend(
                d.ids
                    .iter()
                    .filter(|id| !ids.contains(*id))
                    .map(|id| format!("{id} in scenario {}", d.name)),
            );
        }
        assert!(
            unknown.is_empty(),
            "unknown requirement IDs:\n{}",
            unknown.join("\n")
        );
    }

    #[test]
    fn rows_without_a_check_or_a_reason_match_the_ratchet() {
        let missing: Vec<_> = entries()
            .into_iter()
            .filter(Entry::is_missing)
            .map(|e| e.requirement.id)
            .collect();
        assert_eq!(
            missing.len(),
            WITHOUT_ENTRY,
            "rows with neither a test, a scenario nor a reason (`mcp-conformance requirements \
             --missing`): {missing:?}; set WITHOUT_ENTRY to the new count (it may only go down)"
        );
    }

    #[test]
    fn checks_go_to_the_sides_the_requirement_binds() {
        let rows: Vec<Requirement> = catalogue::all()
            .into_iter()
            .filter(|r| ["1.6", "1.13", "1.1"].contains(&r.id))
            .collect();
        let test = |id: &str, file: &str| Annotation {
            id: id.into(),
            file: file.into(),
            test: "t".into(),
        };
        let tests = [
            test("1.6", "mcp-client/tests/calls.rs"),
            test("1.6", "mcp-protocol/tests/protocol.rs"),
            test("1.13", "mcp-server/tests/server.rs"),
            test("1.1", "mcp-protocol/tests/protocol.rs"),
        ];
        let scenarios = [Declared {
            name: "server/x",
            side: Party::Server,
            ids: &["1.13"],
        }];
        let e = build(rows, &tests, &scenarios);
        let sides = |e: &Entry| (e.server.len(), e.client.len());
        // 1.1 binds both: a protocol-layer test checks both sides.
        assert_eq!(sides(&e[0]), (1, 1));
        // 1.6 binds the client: both tests are client checks.
        assert_eq!(sides(&e[1]), (0, 2));
        // 1.13 binds the server: a server test and a server scenario.
        assert_eq!(sides(&e[2]), (2, 0));
        assert_eq!(e[2].server[1], Check::Scenario("server/x"));
    }
}
