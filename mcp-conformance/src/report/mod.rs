//! Reports: a summary table and an HTML page for people, JSON and JUnit XML for machines.

mod findings;
mod html;
mod json;
mod junit;
mod not_called;
mod table;

pub(crate) use html::html;
pub(crate) use json::json;
pub(crate) use junit::junit;
pub(crate) use not_called::not_called;
pub(crate) use table::table;

use std::time::Duration;

use crate::scenario::Outcome;

/// One scenario's result in one protocol version: what ran, how it ended, and the evidence.
#[derive(Debug, serde::Serialize)]
pub struct Record {
    pub(crate) scenario: &'static str,
    pub(crate) spec: &'static str,
    pub(crate) severity: &'static str,
    pub(crate) transport: &'static str,
    pub(crate) version: &'static str,
    pub(crate) outcome: Outcome,
    pub(crate) millis: f64,
}

/// How a scenario ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// The target did what the spec requires.
    Pass,
    /// It did not: see [`Record::reason`] and [`Record::evidence`].
    Fail,
    /// The scenario does not apply (a version or feature the target does not have), with
    /// the reason.
    Skip,
}

impl Record {
    /// The scenario's name, `area/what` (as `mcp-conformance list` shows it).
    pub fn scenario(&self) -> &str {
        self.scenario
    }

    /// Where the spec requires what it checks: version and section.
    pub fn spec(&self) -> &str {
        self.spec
    }

    /// `MUST` or `SHOULD`.
    pub fn severity(&self) -> &str {
        self.severity
    }

    /// How the target was spoken to: `stdio`, `http` or `memory`.
    pub fn transport(&self) -> &str {
        self.transport
    }

    /// The protocol version it ran in (`-` when the target chose it).
    pub fn version(&self) -> &str {
        self.version
    }

    /// How it ended.
    pub fn status(&self) -> Status {
        match self.outcome {
            Outcome::Pass { .. } => Status::Pass,
            Outcome::Fail { .. } => Status::Fail,
            Outcome::Skip { .. } => Status::Skip,
        }
    }

    /// Why it failed or was skipped; `None` for a pass.
    pub fn reason(&self) -> Option<&str> {
        match &self.outcome {
            Outcome::Pass { .. } => None,
            Outcome::Fail { reason, .. } | Outcome::Skip { reason } => Some(reason),
        }
    }

    /// The messages exchanged (and what the target said about itself), one line each.
    pub fn evidence(&self) -> &[String] {
        match &self.outcome {
            Outcome::Pass { evidence } | Outcome::Fail { evidence, .. } => evidence,
            Outcome::Skip { .. } => &[],
        }
    }

    /// How long it took.
    pub fn duration(&self) -> Duration {
        Duration::from_secs_f64(self.millis.max(0.0) / 1e3)
    }
}

/// The results of a run: one [`Record`] per scenario and version, in the order of
/// `mcp-conformance list` (whatever order they finished in).
#[derive(Debug)]
pub struct Report {
    pub(crate) records: Vec<Record>,
    pub(crate) elapsed: Duration,
}

impl Report {
    /// Every record.
    pub fn records(&self) -> &[Record] {
        &self.records
    }

    /// The records that failed; empty when the target passed.
    pub fn failed(&self) -> Vec<&Record> {
        self.records
            .iter()
            .filter(|r| r.status() == Status::Fail)
            .collect()
    }

    /// The summary table `mcp-conformance` prints: a line per record, failures explained.
    pub fn table(&self) -> String {
        table(&self.records, self.elapsed)
    }

    /// Every record with its outcome and evidence, as a JSON array (`--json`).
    pub fn json(&self) -> String {
        json(&self.records)
    }

    /// The records as a JUnit XML document (`--junit`).
    pub fn junit(&self) -> String {
        junit(&self.records)
    }

    /// The records as one self-contained HTML page (`--html`); `title` names what was
    /// tested.
    pub fn html(&self, title: &str) -> String {
        html(&self.records, self.elapsed, title)
    }
}
