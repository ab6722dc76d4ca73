//! The scenario engine: each scenario is a named, documented check with a spec reference, a
//! severity, and evidence (the messages involved) in its result. A scenario runs once per
//! protocol version and may skip a version it does not apply to, saying why.
//!
//! Two families:
//! - [`protocol`]: the protocol layer of this workspace (codec, errors, version negotiation,
//!   per-version shaping), independent of any transport;
//! - [`reference`](mod@reference): the bundled reference server (built with `mcp-server`) driven by the
//!   bundled client (`mcp-client`), once per transport: in memory, and over stdio with this
//!   binary re-executed as the server (`mcp-conformance reference-server --stdio`).
//!
//! - [`server`](mod@server): checks of any server at the wire level (`mcp-conformance server`),
//!   also run by `mcp-conformance run` against the reference server over stdio and over
//!   Streamable HTTP (served in process on a loopback port).
//! - [`client`](mod@client): checks of any client (`mcp-conformance client`) against
//!   scripted servers, also run by `mcp-conformance run` against the reference client.

pub(crate) mod client;
mod protocol;
pub(crate) mod reference;
pub(crate) mod server;

pub(crate) use reference::Transport;

use mcp_protocol::ProtocolVersion;
use serde::Serialize;

/// How strongly the spec requires what a scenario checks (RFC 2119 as the spec uses it; a
/// MUST NOT is a [`Severity::Must`], a SHOULD NOT a [`Severity::Should`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Severity {
    /// A MUST of the spec.
    Must,
    /// A SHOULD of the spec.
    Should,
    /// A MAY of the spec: a server that does what it may must do it right, and a finding
    /// of this level says how it went wrong without claiming a duty was broken.
    May,
}

impl Severity {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Must => "MUST",
            Self::Should => "SHOULD",
            Self::May => "MAY",
        }
    }
}

/// A scenario's result.
#[derive(Debug, Serialize)]
#[serde(tag = "status", rename_all = "lowercase")]
pub(crate) enum Outcome {
    /// The behaviour matched the spec; `evidence` holds the messages exchanged (empty for
    /// checks that exchange none), so a pass can be audited as a failure can.
    Pass { evidence: Vec<String> },
    /// It did not; `reason` says how and `evidence` holds the messages involved. `level` is
    /// the level of the text this finding breaks when it differs from the scenario's
    /// headline level (one scenario may check a MUST and a SHOULD); the report's `severity`
    /// is the finding's level (see [`Outcome::severity`]).
    Fail {
        reason: String,
        evidence: Vec<String>,
        #[serde(skip)]
        level: Option<Severity>,
    },
    /// The scenario does not apply to this version.
    Skip { reason: String },
}

impl Outcome {
    /// A pass with no messages to show (the protocol layer's checks).
    pub(crate) fn pass() -> Self {
        Self::Pass {
            evidence: Vec::new(),
        }
    }

    /// A pass with the messages that show it.
    pub(crate) fn pass_with(evidence: Vec<String>) -> Self {
        Self::Pass { evidence }
    }

    pub(crate) fn fail(reason: impl Into<String>, evidence: Vec<String>) -> Self {
        Self::Fail {
            reason: reason.into(),
            evidence,
            level: None,
        }
    }

    /// A failure at `level`, whatever the scenario's headline level.
    pub(crate) fn fail_at(
        level: Severity,
        reason: impl Into<String>,
        evidence: Vec<String>,
    ) -> Self {
        Self::Fail {
            reason: reason.into(),
            evidence,
            level: Some(level),
        }
    }

    /// The level this result is reported at: a failure's own level, else `headline` (the
    /// scenario's).
    pub(crate) fn severity(&self, headline: Severity) -> Severity {
        match self {
            Self::Fail {
                level: Some(level), ..
            } => *level,
            _ => headline,
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
    /// The IDs of the requirements it checks (`mcp-conformance requirements`).
    pub(crate) requirements: &'static [&'static str],
    /// The transport it runs over; `None` for checks that use none.
    pub(crate) transport: Option<Transport>,
    /// Runs the check for one protocol version.
    pub(crate) run: Run,
}

/// How a scenario runs.
#[derive(Clone, Copy)]
pub(crate) enum Run {
    /// A check of the protocol layer.
    Protocol(fn(ProtocolVersion) -> Outcome),
    /// A check of the reference server and client, over [`Scenario::transport`].
    Reference(reference::Check),
    /// A golden transcript of the reference pair, over [`Scenario::transport`] (the
    /// scenario's name says which).
    Golden,
}

impl Scenario {
    /// Runs the check for `version`.
    pub(crate) fn run(&self, version: ProtocolVersion) -> Outcome {
        match self.run {
            Run::Protocol(f) => f(version),
            Run::Reference(check) => {
                reference::run(check, version, self.transport.unwrap_or(Transport::Memory))
            }
            Run::Golden => crate::golden::outcome(
                self.name,
                version,
                self.transport.unwrap_or(Transport::Memory),
            ),
        }
    }

    /// The transport's name, `-` when it uses none.
    pub(crate) fn transport_name(&self) -> &'static str {
        self.transport.map_or("-", Transport::as_str)
    }
}

/// Every scenario, in the order they run.
pub(crate) fn all() -> Vec<Scenario> {
    let mut all = protocol::scenarios();
    all.extend(reference::scenarios());
    all.extend(crate::golden::scenarios());
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scenario_names_are_unique_and_every_scenario_passes_on_our_implementation() {
        let all = all();
        let mut names: Vec<_> = all.iter().map(|s| (s.name, s.transport_name())).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), all.len());
        // Over stdio the scenarios re-execute the `mcp-conformance` binary, which a unit test
        // is not: `tests/run.rs` runs those through the binary itself.
        for s in all.iter().filter(|s| s.transport != Some(Transport::Stdio)) {
            for v in ProtocolVersion::ALL {
                let outcome = s.run(v);
                assert!(
                    !matches!(outcome, Outcome::Fail { .. }),
                    "{} {v}: {outcome:?}",
                    s.name
                );
            }
        }
    }
}
