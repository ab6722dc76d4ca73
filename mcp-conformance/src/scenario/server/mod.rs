//! Server scenarios for any target: a third-party server started by a command (stdio) or at
//! a URL (Streamable HTTP), or our own reference server either way. Each opens its own connection, so one failure
//! cannot leak into the next, and judges what came back, including every schema violation
//! in what the server sent.

mod callable;
mod honesty;
mod http;
mod http_headers;
mod http_origin;
mod http_post;
mod http_streams;
mod jsonrpc;
mod lifecycle;
mod listing;
pub(crate) mod local_values;
mod mrtr;
mod official;
mod probe;
mod reads;
mod resources;
mod resume;
mod structured;
mod tool_names;
mod tools;
mod utilities;

use futures::future::BoxFuture;
use mcp_protocol::ProtocolVersion;

use super::{Outcome, Severity};
use crate::target::{Conversation, OpenError, Target, clip_at};
pub(crate) use callable::NOT_CALLED;

/// The most characters of a failure's reason.
const REASON_CHARS: usize = 300;

/// A server check: runs against `target` for one version.
pub(crate) type Check = for<'a> fn(&'a Target, ProtocolVersion) -> BoxFuture<'a, Outcome>;

/// A named check of a target server.
pub(crate) struct ServerScenario {
    /// Unique name, `area/what`.
    pub(crate) name: &'static str,
    /// Where the spec requires it: version and section.
    pub(crate) spec: &'static str,
    /// MUST or SHOULD.
    pub(crate) severity: Severity,
    /// The IDs of the requirements it checks (`mcp-conformance requirements`).
    pub(crate) requirements: &'static [&'static str],
    /// The check.
    pub(crate) check: Check,
}

impl ServerScenario {
    /// The scenario, declaring the requirements (catalogue IDs) it checks.
    pub(crate) fn checks(self, requirements: &'static [&'static str]) -> Self {
        Self {
            requirements,
            ..self
        }
    }
}

/// A scenario from its parts.
fn scenario(
    name: &'static str,
    spec: &'static str,
    severity: Severity,
    check: Check,
) -> ServerScenario {
    ServerScenario {
        name,
        spec,
        severity,
        requirements: &[],
        check,
    }
}

/// Every server scenario, in the order they run.
pub(crate) fn scenarios() -> Vec<ServerScenario> {
    let mut all = lifecycle::scenarios();
    all.extend(jsonrpc::scenarios());
    all.extend(listing::scenarios());
    all.extend(tools::scenarios());
    all.extend(tool_names::scenarios());
    all.extend(structured::scenarios());
    all.extend(probe::scenarios());
    all.extend(resources::scenarios());
    all.extend(reads::scenarios());
    all.extend(honesty::scenarios());
    all.extend(mrtr::scenarios());
    all.extend(utilities::scenarios());
    all.extend(http::scenarios());
    all.extend(http_origin::scenarios());
    all.extend(http_headers::scenarios());
    all.extend(http_streams::scenarios());
    all.extend(resume::scenarios());
    all.extend(official::scenarios());
    all
}

/// Opens a conversation for a scenario: a version the server does not serve skips it.
pub(super) async fn open(
    target: &Target,
    version: ProtocolVersion,
) -> Result<Conversation, Outcome> {
    Conversation::open(target, version)
        .await
        .map_err(|e| match e {
            OpenError::NotServed(why) => {
                Outcome::skip(format!("the server does not serve {version}: {why}"))
            }
            OpenError::Failed(why) => {
                Outcome::fail(format!("the session could not be opened: {why}"), vec![])
            }
        })
}

/// Why a check stopped before the end.
#[derive(Debug)]
pub(super) enum Halt {
    /// The target did something wrong, breaking a text of the scenario's headline level.
    Fail(String),
    /// The target did something wrong, breaking a text of this level (a scenario that
    /// checks texts of several levels: a MUST NOT and a MAY of one section, say).
    FailAt(Severity, String),
    /// The check does not apply to this target (it lacks the feature).
    Skip(String),
}

impl From<String> for Halt {
    fn from(reason: String) -> Self {
        Self::Fail(reason)
    }
}

/// The outcome of a check that ran on `c`: its own verdict, then any schema violation in
/// what the server sent (a pass with a malformed message is a failure).
pub(super) fn judge(c: &mut Conversation, verdict: Result<(), Halt>) -> Outcome {
    match verdict {
        // What the server sent on the way is judged even when the check does not apply.
        Err(Halt::Skip(reason)) if c.violations().is_empty() => Outcome::skip(reason),
        // Schema violations break a MUST (basic §Messages; the schema is normative), whatever
        // the level of the scenario that met them.
        Err(Halt::Skip(_)) => {
            let reason = c.violations().join("\n");
            Outcome::fail_at(Severity::Must, clip_at(&reason, REASON_CHARS), c.evidence())
        }
        // The evidence has the messages in full: the reason only points at them.
        Err(Halt::Fail(reason)) => Outcome::fail(clip_at(&reason, REASON_CHARS), c.evidence()),
        // A schema violation on the way breaks a MUST whatever the finding's own level.
        Err(Halt::FailAt(level, reason))
            if level != Severity::Must && !c.violations().is_empty() =>
        {
            let reason = format!("{reason}\n{}", c.violations().join("\n"));
            Outcome::fail_at(Severity::Must, clip_at(&reason, REASON_CHARS), c.evidence())
        }
        Err(Halt::FailAt(level, reason)) => {
            Outcome::fail_at(level, clip_at(&reason, REASON_CHARS), c.evidence())
        }
        Ok(()) if !c.violations().is_empty() => {
            let reason = c.violations().join("\n");
            Outcome::fail_at(Severity::Must, reason, c.evidence())
        }
        Ok(()) => Outcome::pass_with(c.evidence()),
    }
}

/// A request every server must still answer after bad input: `ping` in the session era,
/// `server/discover` from 2026-07-28.
pub(super) async fn still_answers(c: &mut Conversation) -> Result<(), String> {
    let method = c.liveness_method();
    c.request(method, serde_json::json!({}))
        .await
        .map_err(|e| format!("after the bad input: {e}"))?
        .result(method)
        .map(drop)
        .map_err(|e| format!("after the bad input: {e}"))
}

/// Runs `body` on a freshly opened conversation and judges it.
macro_rules! with_session {
    ($target:expr, $version:expr, |$c:ident| $body:block) => {{
        let mut $c = match $crate::scenario::server::open($target, $version).await {
            Ok(c) => c,
            Err(outcome) => return outcome,
        };
        let verdict: Result<(), $crate::scenario::server::Halt> = async { $body }.await;
        $crate::scenario::server::judge(&mut $c, verdict)
    }};
}
pub(super) use with_session;
