//! Client scenarios (`mcp-conformance client --command "CMD ARGS"`): for each, a scripted
//! Streamable HTTP server on a loopback port drives the client under test through the
//! official client contract (the server's URL as the last argument,
//! `MCP_CONFORMANCE_SCENARIO` and `MCP_CONFORMANCE_CONTEXT` in the environment), keeps every
//! message both ways, validates every message the client sent against the schema of the
//! version in use, and judges what the client did. The `client/auth-*` scenarios put the
//! endpoint behind a scripted authorization server on the same origin ([`auth`]).

pub(crate) mod auth;
mod auth_checks;
mod checks;
mod launch;
pub(crate) use launch::preflight;
pub(crate) mod session;
pub(crate) mod stateless;
pub(crate) mod wire;

use std::time::Duration;

use mcp_protocol::ProtocolVersion;
use serde_json::{Value, json};

use super::{Outcome, Severity};
use crate::schema_book;
use auth::{AuthPlan, AuthScript};
use session::{Plan, SessionScript};
use wire::{Entry, MCP_PATH, Script, ScriptedServer, Seen};

pub(crate) use launch::Exit;

/// How long the client under test may run in one scenario, unless told otherwise.
pub(crate) const CLIENT_WITHIN: Duration = Duration::from_secs(20);

/// The most lines of evidence in a report.
const EVIDENCE_LINES: usize = 300;

/// A named check of a client.
pub(crate) struct ClientScenario {
    /// Unique name, `client/what`.
    pub(crate) name: &'static str,
    /// Where the spec requires it: version and section.
    pub(crate) spec: &'static str,
    /// MUST or SHOULD.
    pub(crate) severity: Severity,
    /// The IDs of the requirements it checks (`mcp-conformance requirements`).
    pub(crate) requirements: &'static [&'static str],
    /// `MCP_CONFORMANCE_SCENARIO` for the client: the official scenario whose calls it makes.
    pub(crate) official: &'static str,
    /// `MCP_CONFORMANCE_CONTEXT` for the client, when the scenario gives one.
    pub(crate) context: Option<fn() -> Value>,
    /// The server side.
    pub(crate) script: fn() -> Box<dyn Script>,
    /// The verdict on what the client did.
    pub(crate) judge: fn(&Exchange) -> Verdict,
}

/// What happened in one scenario: the requests the client made, in order, and how it ended.
#[derive(Debug)]
pub(crate) struct Exchange {
    /// Every request the client made.
    pub(crate) seen: Vec<Seen>,
    /// How the client process ended.
    pub(crate) exit: Exit,
}

/// A judge's verdict: pass, fail with a reason, or not applicable with a reason.
pub(crate) type Verdict = Result<(), checks::Halt>;

/// Every client scenario, in the order they run.
pub(crate) fn scenarios() -> Vec<ClientScenario> {
    vec![
        ClientScenario {
            name: "client/initialize",
            spec: "2025-11-25 basic/lifecycle §Initialization; basic/transports §Session Management, §Protocol Version Header",
            severity: Severity::Must,
            requirements: &["2.2", "2.4", "2.9", "3.20"],
            official: "initialize",
            context: None,
            script: || Box::new(SessionScript::new(Plan::Initialize)),
            judge: checks::initialize,
        },
        ClientScenario {
            name: "client/stateless",
            spec: "2026-07-28 basic/versioning §Discovery, §Request Metadata; basic/transports/streamable-http §Request Metadata",
            severity: Severity::Must,
            requirements: &["1.14", "3.26"],
            official: "initialize",
            context: None,
            script: || Box::new(stateless::StatelessScript),
            judge: checks::stateless,
        },
        ClientScenario {
            name: "client/tools-call",
            spec: "2025-11-25 server/tools §Calling Tools",
            severity: Severity::Must,
            requirements: &[],
            official: "tools_call",
            context: Some(tools_call_context),
            script: || Box::new(SessionScript::new(Plan::ToolsCall)),
            judge: checks::tools_call,
        },
        ClientScenario {
            name: "client/elicitation-defaults",
            spec: "2025-11-25 client/elicitation §Requested Schema (SEP-1034: defaults of an accepted form)",
            severity: Severity::Should,
            requirements: &[],
            official: "elicitation-sep1034-client-defaults",
            context: None,
            script: || Box::new(SessionScript::new(Plan::ElicitationDefaults)),
            judge: checks::elicitation_defaults,
        },
        ClientScenario {
            name: "client/sse-retry",
            spec: "2025-11-25 basic/transports §Resumability and Redelivery (retry, Last-Event-ID)",
            severity: Severity::Must,
            requirements: &["3.13"],
            official: "sse-retry",
            context: None,
            script: || Box::new(SessionScript::new(Plan::SseRetry)),
            judge: checks::sse_retry,
        },
        ClientScenario {
            name: "client/version-fallback",
            spec: "2025-11-25 basic/lifecycle §Version Negotiation; basic/transports §Protocol Version Header",
            severity: Severity::Must,
            requirements: &["2.7"],
            official: "initialize",
            context: None,
            script: || Box::new(SessionScript::new(Plan::VersionFallback)),
            judge: checks::version_fallback,
        },
        ClientScenario {
            name: "client/session-expired",
            spec: "2025-11-25 basic/transports §Session Management 4 (404: a new session, initialize without the id)",
            severity: Severity::Must,
            requirements: &["3.23"],
            official: "initialize",
            context: None,
            script: || Box::new(SessionScript::new(Plan::SessionExpired)),
            judge: checks::session_expired,
        },
        ClientScenario {
            name: "client/auth-flow",
            spec: "2025-11-25 basic/authorization §Authorization Server Discovery, §Dynamic Client Registration, §Authorization Code Protection, §Resource Parameter Implementation, §Token Requirements",
            severity: Severity::Must,
            requirements: &["4.10", "4.11", "4.12", "4.13", "4.15"],
            official: "auth/metadata-default",
            context: None,
            script: || Box::new(AuthScript::new(AuthPlan::Flow)),
            judge: auth_checks::flow,
        },
        ClientScenario {
            name: "client/auth-no-s256",
            spec: "2025-11-25 basic/authorization §Authorization Code Protection (no code_challenge_methods_supported: MUST refuse to proceed)",
            severity: Severity::Must,
            requirements: &["4.12"],
            official: "auth/metadata-default",
            context: None,
            script: || Box::new(AuthScript::new(AuthPlan::NoS256)),
            judge: auth_checks::no_s256,
        },
        ClientScenario {
            name: "client/auth-wrong-iss",
            spec: "2026-07-28 basic/authorization §Authorization Response Validation (RFC 9207 §2.4)",
            severity: Severity::Must,
            requirements: &["4.14"],
            official: "auth/metadata-default",
            context: None,
            script: || Box::new(AuthScript::new(AuthPlan::WrongIss)),
            judge: auth_checks::wrong_iss,
        },
        ClientScenario {
            name: "client/auth-wrong-state",
            spec: "2025-11-25 basic/authorization §Open Redirection (use and verify state)",
            severity: Severity::Should,
            requirements: &["4.24"],
            official: "auth/metadata-default",
            context: None,
            script: || Box::new(AuthScript::new(AuthPlan::WrongState)),
            judge: auth_checks::wrong_state,
        },
        ClientScenario {
            name: "client/auth-step-up",
            spec: "2025-11-25 basic/authorization §Scope Challenge Handling, §Step-Up Authorization Flow",
            severity: Severity::Should,
            requirements: &["4.19"],
            official: "auth/scope-step-up",
            context: None,
            script: || Box::new(AuthScript::new(AuthPlan::StepUp)),
            judge: auth_checks::step_up,
        },
        ClientScenario {
            name: "client/auth-step-up-limit",
            spec: "2025-11-25 basic/authorization §Step-Up Authorization Flow (retry limits)",
            severity: Severity::Should,
            requirements: &["4.19"],
            official: "auth/scope-retry-limit",
            context: None,
            script: || Box::new(AuthScript::new(AuthPlan::StepUpRefused)),
            judge: auth_checks::step_up_limit,
        },
    ]
}

/// The tool the tools-call scenario names, and its arguments.
pub(crate) const TOOL_CALL: (&str, i64, i64) = ("add_numbers", 5, 10);

fn tools_call_context() -> Value {
    let (name, a, b) = TOOL_CALL;
    json!({"toolCalls": [{"name": name, "arguments": {"a": a, "b": b}}]})
}

/// Runs `scenario` against the client started by `command`, for at most `within`: the
/// version it ran at, and the outcome.
pub(crate) async fn run(
    scenario: &ClientScenario,
    command: &str,
    within: Duration,
) -> (&'static str, Outcome) {
    let server = match ScriptedServer::start((scenario.script)()).await {
        Ok(s) => s,
        Err(e) => {
            return (
                "-",
                Outcome::fail(format!("no scripted server: {e}"), vec![]),
            );
        }
    };
    let context = scenario.context.map(|c| c());
    let exit = launch::run_client(
        command,
        &server.url,
        scenario.official,
        context.as_ref(),
        within,
    )
    .await;
    let log = server.finish();
    // The evidence is the first lines; the judges read everything kept.
    let mut evidence: Vec<String> = log.iter().take(EVIDENCE_LINES).map(describe).collect();
    if log.len() > EVIDENCE_LINES {
        evidence.push(format!("… and {} more lines", log.len() - EVIDENCE_LINES));
    }
    evidence.extend(exit.describe());
    let seen: Vec<Seen> = log
        .into_iter()
        .filter_map(|e| match e {
            Entry::Got(s) => Some(s),
            Entry::Sent(_) => None,
        })
        .collect();
    let version = seen.last().map_or("-", |s| s.speaking.as_str());
    let violations = violations(&seen);
    let exchange = Exchange { seen, exit };
    let outcome = match (scenario.judge)(&exchange) {
        Err(checks::Halt::Skip(why)) if violations.is_empty() => Outcome::skip(why),
        // How the client ended explains much (a crash, a hang).
        Err(checks::Halt::Fail(why)) => match exchange.exit.problem() {
            Some(p) if !why.contains(&p) => Outcome::fail(format!("{why} ({p})"), evidence),
            _ => Outcome::fail(why, evidence),
        },
        _ if !violations.is_empty() => Outcome::fail(violations.join("\n"), evidence),
        Ok(()) | Err(checks::Halt::Skip(_)) => Outcome::pass_with(evidence),
    };
    (version, outcome)
}

/// One line of evidence.
fn describe(entry: &Entry) -> String {
    match entry {
        Entry::Sent(line) => line.clone(),
        Entry::Got(s) => {
            let mut headers: Vec<String> = [
                "mcp-session-id",
                "mcp-protocol-version",
                "mcp-method",
                "mcp-name",
                "last-event-id",
                "authorization",
            ]
            .iter()
            .filter_map(|h| s.header(h).map(|v| format!("{h}: {v}")))
            .collect();
            if s.method == "POST" {
                headers.push(format!("accept: {}", s.header("accept").unwrap_or("-")));
            }
            format!(
                "← {} {} at {} ms [{}] {}",
                s.method,
                s.target,
                s.at.as_millis(),
                headers.join(", "),
                crate::target::clip(&s.text)
            )
        }
    }
}

/// Every schema violation in what the client sent, each judged by the schema of the version
/// in use when it arrived (the `initialize` request by the version it asks for; the
/// 2026-07-28 probe by 2026-07-28).
fn violations(seen: &[Seen]) -> Vec<String> {
    let mut out = Vec::new();
    // Only what went to the MCP endpoint is JSON-RPC (the authorization server's endpoints
    // take JSON and forms of their own).
    for s in seen.iter().filter(|s| s.path() == MCP_PATH) {
        for m in s.messages() {
            let method = m.get("method").and_then(Value::as_str);
            let version = match method {
                Some("server/discover") => ProtocolVersion::V2026_07_28,
                Some("initialize") => m["params"]["protocolVersion"]
                    .as_str()
                    .and_then(ProtocolVersion::parse)
                    .unwrap_or(s.speaking),
                _ => s.speaking,
            };
            let mut defs = vec!["JSONRPCMessage"];
            match (method, m.get("id")) {
                (Some(_), Some(_)) => defs.push("ClientRequest"),
                (Some(_), None) => defs.push("ClientNotification"),
                _ => {}
            }
            for def in defs {
                if let Err(errors) = schema_book::check(version, def, m) {
                    out.push(format!(
                        "the client sent a message that does not match {def} of the {version} schema: {} in {}",
                        errors.join("; "),
                        crate::target::clip_at(&m.to_string(), 300)
                    ));
                }
            }
        }
        if out.len() >= 10 {
            break;
        }
    }
    out
}
