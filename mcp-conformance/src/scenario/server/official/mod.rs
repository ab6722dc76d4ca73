//! Counterparts of every server scenario of the official conformance suite
//! (`@modelcontextprotocol/conformance`, the 0.1.16 and 0.2.0-alpha.12 lines), named
//! `official/<its name>`. The official suite drives a fixture server by fixed names (the
//! tool `test_simple_text`, the resource `test://static-text`, the prompt
//! `test_simple_prompt`, the task tools `greet` and `slow_compute`, …); these scenarios
//! judge the same behaviours when the target offers those names, and skip, saying which
//! name is missing, when it does not. Their checks are written from the official
//! scenarios' assertions and the spec text, not copied; every message is validated
//! against the schema of the version spoken on top (the [`Conversation`] does that), and
//! each scenario runs in every version where its behaviour is defined (a superset of the
//! official versions: over stdio too, and in the older revisions).
//!
//! A version where a scenario's behaviour does not exist skips with a reason that starts
//! with [`NOT_DEFINED`]; `scripts/conformance-everything.sh` requires every other row to
//! pass against `everything-server`.
//!
//! - [`basics`]: `server-initialize`, `ping`, `logging-set-level`, `completion-complete`,
//!   `server-session-lifecycle`, `server-stateless`, `caching`.
//! - [`tools`]: `tools-list`, `tools-call-*` (content, logging, progress, errors),
//!   `json-schema-2020-12`.
//! - [`catalog`]: `resources-*`, `sep-2164-resource-not-found`, `prompts-*`.
//! - [`input`]: `tools-call-sampling`, `tools-call-elicitation`, `elicitation-sep1034-defaults`,
//!   `elicitation-sep1330-enums` (the conversation answers the server's requests).
//! - [`mrtr`]: `input-required-result-*` (2026-07-28 multi round-trip requests).
//! - [`tasks`]: six of the ten `tasks-*` (the tasks extension's fixtures `greet`,
//!   `slow_compute`, `failing_job`); [`tasks_input`]: `tasks-mrtr-input`,
//!   `tasks-mrtr-composition` (`confirm_delete`, `multi_input`, `test_tool_with_task`);
//!   [`tasks_dispatch`]: `tasks-dispatch-and-envelope`, `tasks-status-notifications`.
//! - [`skills`]: `sep-2640-skills-enumeration`, `sep-2640-skills-directory`,
//!   `sep-2640-skills-manifest` (the SEP-2640 skills extension, judged only when the target
//!   declares `io.modelcontextprotocol/skills`).
//! - [`http`]: `server-sse-polling`, `server-sse-multiple-streams`,
//!   `dns-rebinding-protection`, `http-header-validation`,
//!   `http-custom-header-server-validation`.

mod basics;
mod catalog;
mod http;
mod input;
mod mrtr;
mod skills;
mod tasks;
mod tasks_dispatch;
mod tasks_input;
mod tools;

use mcp_protocol::ProtocolVersion;
use serde_json::{Value, json};

use super::listing::walk;
use super::{Halt, ServerScenario};
use crate::scenario::Outcome;
use crate::target::{Conversation, OpenError, Responder, Target};

/// Every counterpart, in the order of the official list.
pub(super) fn scenarios() -> Vec<ServerScenario> {
    let mut all = basics::scenarios();
    all.extend(tools::scenarios());
    all.extend(input::scenarios());
    all.extend(catalog::scenarios());
    all.extend(http::scenarios());
    all.extend(tasks::scenarios());
    all.extend(tasks_input::scenarios());
    all.extend(tasks_dispatch::scenarios());
    all.extend(mrtr::scenarios());
    all.extend(skills::scenarios());
    all
}

/// How the skip reason of a version where a scenario's behaviour does not exist begins.
pub(super) const NOT_DEFINED: &str = "not defined in";

/// The tool whose presence says that a target offers the official fixture contract at all.
const CONTRACT: &str = "test_simple_text";

/// The first version a scenario applies to, and the last (`None`: the newest).
pub(super) type Span = (ProtocolVersion, Option<ProtocolVersion>);

/// The session era (with `initialize`).
pub(super) const SESSION_ERA: Span = (
    ProtocolVersion::V2024_11_05,
    Some(ProtocolVersion::V2025_11_25),
);
/// 2026-07-28 on.
pub(super) const STATELESS: Span = (ProtocolVersion::V2026_07_28, None);

/// `Err(skip)` when `version` is outside `span`, saying what is missing there.
pub(super) fn within(version: ProtocolVersion, span: Span, why: &str) -> Result<(), Outcome> {
    let (from, to) = span;
    if version < from || to.is_some_and(|to| version > to) {
        return Err(Outcome::skip(format!("{NOT_DEFINED} {version}: {why}")));
    }
    Ok(())
}

/// A name of the official fixture contract.
#[derive(Clone, Copy, Debug)]
pub(super) enum Name {
    /// A tool, by name.
    Tool(&'static str),
    /// A resource, by URI.
    Resource(&'static str),
    /// A resource template, by URI template.
    Template(&'static str),
    /// A prompt, by name.
    Prompt(&'static str),
}

impl Name {
    fn what(
        self,
    ) -> (
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
    ) {
        match self {
            Self::Tool(n) => ("tools", "tools/list", "tools", "name", n),
            Self::Resource(u) => ("resources", "resources/list", "resources", "uri", u),
            Self::Template(u) => (
                "resources",
                "resources/templates/list",
                "resourceTemplates",
                "uriTemplate",
                u,
            ),
            Self::Prompt(n) => ("prompts", "prompts/list", "prompts", "name", n),
        }
    }
}

/// Whether the target lists [`CONTRACT`] and every one of `names`: `Halt::Skip` naming the
/// first that is missing.
pub(super) async fn offers(c: &mut Conversation, names: &[Name]) -> Result<(), Halt> {
    let mut listed: Vec<(&str, Vec<Value>)> = Vec::new();
    for name in std::iter::once(Name::Tool(CONTRACT)).chain(names.iter().copied()) {
        let (capability, method, items, key, wanted) = name.what();
        if !listed.iter().any(|(m, _)| *m == method) {
            let all = if c.has_capability(capability) {
                walk(c, method, items, key).await?
            } else {
                Vec::new()
            };
            listed.push((method, all));
        }
        let found = listed
            .iter()
            .find(|(m, _)| *m == method)
            .is_some_and(|(_, all)| all.iter().any(|item| item[key] == wanted));
        if !found {
            return Err(Halt::Skip(format!(
                "the target does not offer {wanted}: the official fixture contract"
            )));
        }
    }
    Ok(())
}

/// A conversation for a scenario: declaring `capabilities` and answering the target's
/// requests with `responder` when given, opened, and checked for the fixture `names`.
pub(super) async fn open_fixture(
    target: &Target,
    version: ProtocolVersion,
    client: Option<(Value, Responder)>,
    names: &[Name],
) -> Result<Conversation, Outcome> {
    // Learned once per run and version: without the contract tool every counterpart skips.
    if let Some(why) = target.without_fixture.why(version) {
        return Err(Outcome::skip(why));
    }
    let mut c = open(target, version, client).await?;
    match offers(&mut c, names).await {
        Ok(()) => Ok(c),
        Err(Halt::Skip(why))
            if why.starts_with(&format!("the target does not offer {CONTRACT}:")) =>
        {
            target.without_fixture.learn(version, &why);
            Err(Outcome::skip(why))
        }
        // A target without the fixture's names is not judged here at all: what the look for
        // them read (the lists) is the subject of other scenarios (`pagination/walk`,
        // `tools/input-schemas`), which report its defects once, not once per counterpart.
        Err(Halt::Skip(why)) => Err(Outcome::skip(why)),
        Err(halt) => Err(super::judge(&mut c, Err(halt))),
    }
}

/// A conversation for a scenario: declaring `capabilities` and answering the target's
/// requests with `responder` when given, opened (a version the target does not serve is a
/// skip).
pub(super) async fn open(
    target: &Target,
    version: ProtocolVersion,
    client: Option<(Value, Responder)>,
) -> Result<Conversation, Outcome> {
    let mut c = Conversation::new(target, version).map_err(|e| Outcome::fail(e, vec![]))?;
    if let Some((capabilities, responder)) = client {
        c.declare(capabilities);
        c.respond_with(responder);
    }
    if let Err(e) = c.handshake().await {
        return Err(match e {
            OpenError::NotServed(why) => {
                Outcome::skip(format!("the server does not serve {version}: {why}"))
            }
            OpenError::Failed(why) => Outcome::fail(
                format!("the session could not be opened: {why}"),
                c.evidence(),
            ),
        });
    }
    Ok(c)
}

/// Runs `body` on a conversation opened by [`open_fixture`] and judges it.
macro_rules! with_fixture {
    ($target:expr, $version:expr, $client:expr, $names:expr, |$c:ident| $body:block) => {{
        let mut $c = match $crate::scenario::server::official::open_fixture(
            $target, $version, $client, $names,
        )
        .await
        {
            Ok(c) => c,
            Err(outcome) => return outcome,
        };
        // `&mut`: a shared borrow held across an await would need the conversation `Sync`.
        let verdict: Result<(), $crate::scenario::server::Halt> = {
            let $c = &mut $c;
            async move { $body }.await
        };
        $crate::scenario::server::judge(&mut $c, verdict)
    }};
}
pub(super) use with_fixture;

/// The result of calling tool `name` with `params` (`arguments` and the rest), or why not:
/// a JSON-RPC error is a failure here (the contract's tools answer with results).
pub(super) async fn call(c: &mut Conversation, params: Value) -> Result<Value, Halt> {
    let name = params["name"].as_str().unwrap_or_default().to_owned();
    Ok(c.request("tools/call", params)
        .await
        .map_err(|e| format!("tools/call {name}: {e}"))?
        .result(&format!("tools/call {name}"))?)
}

/// The content blocks of a result, or why there are none.
pub(super) fn content<'a>(what: &str, result: &'a Value) -> Result<&'a Vec<Value>, Halt> {
    match result["content"].as_array() {
        Some(items) if !items.is_empty() => Ok(items),
        Some(_) => Err(Halt::Fail(format!("{what}: the content array is empty"))),
        None => Err(Halt::Fail(format!("{what}: no content array: {result}"))),
    }
}

/// The first block of `kind` in `items`.
pub(super) fn block<'a>(what: &str, items: &'a [Value], kind: &str) -> Result<&'a Value, Halt> {
    items
        .iter()
        .find(|b| b["type"] == kind)
        .ok_or_else(|| Halt::Fail(format!("{what}: no {kind} content among {}", json!(items))))
}

/// `Err` saying `what` when `ok` is false.
pub(super) fn ensure(ok: bool, what: impl FnOnce() -> String) -> Result<(), Halt> {
    if ok { Ok(()) } else { Err(Halt::Fail(what())) }
}

/// A string field that is present and not empty.
pub(super) fn filled(value: &Value) -> bool {
    value.as_str().is_some_and(|s| !s.is_empty())
}
