//! The scenario engine: each scenario is a named, documented check with a spec reference, a
//! severity, and evidence (the messages involved) in its result. A scenario runs once per
//! protocol version and may skip a version it does not apply to, saying why.
//!
//! Today the scenarios check the protocol layer of this workspace (codec, errors, version
//! negotiation, per-version shaping). Server and client scenarios over in-memory, stdio and
//! HTTP arrive with `mcp-server` and `mcp-client`.

mod protocol;

use mcp_protocol::ProtocolVersion;
use serde::Serialize;

/// How strongly the spec requires what a scenario checks.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Severity {
    /// A MUST of the spec.
    Must,
    /// A SHOULD of the spec.
    #[allow(
        dead_code,
        reason = "SHOULD-level scenarios arrive with the server scenarios"
    )]
    Should,
}

impl Severity {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Must => "MUST",
            Self::Should => "SHOULD",
        }
    }
}

/// A scenario's result.
#[derive(Debug, Serialize)]
#[serde(tag = "status", rename_all = "lowercase")]
pub(crate) enum Outcome {
    /// The behaviour matched the spec.
    Pass,
    /// It did not; `reason` says how and `evidence` holds the messages involved.
    Fail {
        reason: String,
        evidence: Vec<String>,
    },
    /// The scenario does not apply to this version.
    Skip { reason: String },
}

impl Outcome {
    pub(crate) fn fail(reason: impl Into<String>, evidence: Vec<String>) -> Self {
        Self::Fail {
            reason: reason.into(),
            evidence,
        }
    }

    pub(crate) fn skip(reason: impl Into<String>) -> Self {
        Self::Skip {
            reason: reason.into(),
        }
    }
}

/// A named check.
pub(crate) struct Scenario {
    /// Unique name, `area/what`.
    pub(crate) name: &'static str,
    /// Where the spec requires it: version and section.
    pub(crate) spec: &'static str,
    /// MUST or SHOULD.
    pub(crate) severity: Severity,
    /// Runs the check for one protocol version.
    pub(crate) run: fn(ProtocolVersion) -> Outcome,
}

/// Every scenario, in the order they run.
pub(crate) fn all() -> Vec<Scenario> {
    protocol::scenarios()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scenario_names_are_unique_and_every_scenario_passes_on_our_implementation() {
        let all = all();
        let mut names: Vec<_> = all.iter().map(|s| s.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), all.len());
        for s in &all {
            for v in ProtocolVersion::ALL {
                let outcome = (s.run)(v);
                assert!(
                    !matches!(outcome, Outcome::Fail { .. }),
                    "{} {v}: {outcome:?}",
                    s.name
                );
            }
        }
    }
}
