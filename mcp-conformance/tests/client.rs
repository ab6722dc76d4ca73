//! `mcp-conformance client --command` against the hidden fixture client, which is conformant
//! but for one deliberate fault: each fault fails the client scenarios that look at what it
//! breaks, and nothing else fails; the reference client (`mcp-client`) passes them all but
//! the authorization scenarios, which it skips (it does no OAuth), and `everything-client`
//! (`mcp-client` with `mcp-auth`'s authorizer) passes those too.

use std::collections::BTreeSet;
use std::process::Command;

use serde_json::Value;

/// `mcp-conformance client --command COMMAND --json REPORT`: whether it exited 0, the
/// table, and the records of the report.
fn client(command: &str, name: &str) -> (bool, String, Vec<Value>) {
    let report = std::env::temp_dir().join(format!(
        "mcp-conformance-client-{name}-{}.json",
        std::process::id()
    ));
    let out = Command::new(env!("CARGO_BIN_EXE_mcp-conformance"))
        .args(["client", "--command", command, "--json"])
        .arg(&report)
        .output()
        .expect("the binary runs");
    let records =
        serde_json::from_slice(&std::fs::read(&report).expect("the JSON report")).expect("JSON");
    let _ = std::fs::remove_file(&report);
    let table = String::from_utf8_lossy(&out.stdout).into_owned();
    (out.status.success(), table, records)
}

/// How many client scenarios there are.
const SCENARIOS: usize = 13;

/// The authorization scenarios.
const AUTH: [&str; 6] = [
    "client/auth-flow",
    "client/auth-no-s256",
    "client/auth-wrong-iss",
    "client/auth-wrong-state",
    "client/auth-step-up",
    "client/auth-step-up-limit",
];

/// The scenarios that failed against the fixture client with `fault`; none is skipped.
fn failing(fault: &str) -> BTreeSet<String> {
    let exe = env!("CARGO_BIN_EXE_mcp-conformance");
    let (ok, table, records) = client(&format!("'{exe}' fixture-client --fault {fault}"), fault);
    assert_eq!(records.len(), SCENARIOS, "{table}");
    let mut failed = BTreeSet::new();
    for r in &records {
        assert_ne!(r["outcome"]["status"], "skip", "{fault}: {r}");
        if r["outcome"]["status"] == "fail" {
            // A failure explains itself: a reason, and the messages exchanged.
            assert!(
                r["outcome"]["evidence"]
                    .as_array()
                    .is_some_and(|e| !e.is_empty()),
                "{r}"
            );
            failed.insert(r["scenario"].as_str().unwrap_or_default().to_owned());
        }
    }
    assert_eq!(ok, failed.is_empty(), "exit code\n{table}");
    failed
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn a_conformant_client_passes_everything() {
    assert_eq!(failing("none"), set(&[]));
}

#[test]
fn a_request_before_initialized_fails_the_lifecycle_scenarios() {
    assert_eq!(
        failing("request-before-initialized"),
        set(&[
            "client/initialize",
            "client/session-expired",
            "client/version-fallback"
        ])
    );
}

#[test]
fn a_missing_protocol_version_header_fails_the_header_scenarios() {
    assert_eq!(
        failing("no-protocol-version-header"),
        set(&[
            "client/initialize",
            "client/stateless",
            "client/version-fallback"
        ])
    );
}

#[test]
fn ignoring_retry_fails_sse_retry() {
    assert_eq!(failing("ignores-retry"), set(&["client/sse-retry"]));
}

#[test]
fn an_accepted_form_without_its_defaults_fails_elicitation_defaults() {
    assert_eq!(
        failing("no-defaults"),
        set(&["client/elicitation-defaults"])
    );
}

#[test]
fn a_reused_request_id_fails_initialize() {
    assert_eq!(failing("reuses-ids"), set(&["client/initialize"]));
}

#[test]
fn giving_up_on_an_ended_session_fails_session_expired() {
    assert_eq!(
        failing("keeps-ended-session"),
        set(&["client/session-expired"])
    );
}

#[test]
fn no_resource_parameter_fails_auth_flow() {
    assert_eq!(failing("no-resource"), set(&["client/auth-flow"]));
}

/// The authorization server checks S256 (the only method it offers), so a plain challenge
/// gets no token, and the step-up scenarios, which need one, fail too.
#[test]
fn plain_pkce_fails_the_scenarios_that_need_a_token() {
    assert_eq!(
        failing("plain-pkce"),
        set(&[
            "client/auth-flow",
            "client/auth-step-up",
            "client/auth-step-up-limit"
        ])
    );
}

#[test]
fn authorizing_without_s256_fails_auth_no_s256() {
    assert_eq!(failing("ignores-s256"), set(&["client/auth-no-s256"]));
}

#[test]
fn a_foreign_issuer_accepted_fails_auth_wrong_iss() {
    assert_eq!(failing("ignores-iss"), set(&["client/auth-wrong-iss"]));
}

#[test]
fn a_forged_state_accepted_fails_auth_wrong_state() {
    assert_eq!(failing("ignores-state"), set(&["client/auth-wrong-state"]));
}

#[test]
fn giving_up_on_insufficient_scope_fails_auth_step_up() {
    assert_eq!(failing("no-step-up"), set(&["client/auth-step-up"]));
}

#[test]
fn stepping_up_without_limit_fails_auth_step_up_limit() {
    assert_eq!(
        failing("unbounded-step-up"),
        set(&["client/auth-step-up-limit"])
    );
}

#[test]
fn a_notification_without_the_token_fails_auth_flow() {
    assert_eq!(
        failing("no-bearer-on-notifications"),
        set(&["client/auth-flow"])
    );
}

/// Every scenario in which the client gets a token looks at its URLs.
#[test]
fn a_token_in_the_url_fails_the_scenarios_with_a_token() {
    assert_eq!(
        failing("token-in-query"),
        set(&[
            "client/auth-flow",
            "client/auth-step-up",
            "client/auth-step-up-limit"
        ])
    );
}

#[test]
fn the_reference_client_passes_every_client_scenario_and_skips_authorization() {
    let exe = env!("CARGO_BIN_EXE_mcp-conformance");
    let (ok, table, records) = client(&format!("'{exe}' reference-client"), "reference");
    assert!(ok, "{table}");
    assert_eq!(records.len(), SCENARIOS, "{table}");
    for r in &records {
        let name = r["scenario"].as_str().unwrap_or_default();
        if AUTH.contains(&name) {
            // The reference client does no OAuth: the 401 ends it, and the scenario says why.
            assert_eq!(r["outcome"]["status"], "skip", "{table}");
            assert!(
                r["outcome"]["reason"]
                    .as_str()
                    .is_some_and(|why| why.contains("does not implement authorization")),
                "{r}"
            );
        } else {
            assert_eq!(r["outcome"]["status"], "pass", "{table}");
        }
    }
    // Each ran at the version its scenario is about.
    let version = |name: &str| {
        records
            .iter()
            .find(|r| r["scenario"] == name)
            .map(|r| r["version"].clone())
    };
    assert_eq!(version("client/stateless"), Some("2026-07-28".into()));
    assert_eq!(
        version("client/version-fallback"),
        Some("2025-06-18".into())
    );
    assert_eq!(version("client/initialize"), Some("2025-11-25".into()));
}

#[test]
fn a_client_that_does_nothing_fails_every_scenario_and_one_that_hangs_is_stopped() {
    let (ok, table, records) = client("true", "nothing");
    assert!(!ok, "{table}");
    assert!(
        records.iter().all(|r| r["outcome"]["status"] == "fail"),
        "{table}"
    );
    // A client that never exits is killed when its time is up (`#` drops the URL).
    let exe = env!("CARGO_BIN_EXE_mcp-conformance");
    let out = Command::new(exe)
        .args([
            "client",
            "--scenario",
            "client/tools-call",
            "--timeout",
            "1",
        ])
        .args(["--command", "sleep 600 #"])
        .output()
        .expect("the binary runs");
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{table}");
    assert!(table.contains("still running after"), "{table}");
}

/// `everything-client` (package mcp-examples, the client we run under the official suite),
/// when it is built next to this binary (`cargo build -p mcp-examples --bin
/// everything-client`): it passes every scenario, `client/session-expired` included
/// (`mcp-client` starts a new session after a 404 and sends the call again in it), and the
/// authorization scenarios.
#[test]
fn everything_client_when_built() {
    let exe = std::path::Path::new(env!("CARGO_BIN_EXE_mcp-conformance"));
    let everything = exe.with_file_name("everything-client");
    if !everything.exists() {
        println!("SKIPPED: {} is not built", everything.display());
        return;
    }
    let command = format!("'{}'", everything.display());
    let (_, table, records) = client(&command, "everything");
    let failed: BTreeSet<String> = records
        .iter()
        .filter(|r| r["outcome"]["status"] != "pass")
        .filter_map(|r| r["scenario"].as_str().map(str::to_owned))
        .collect();
    assert!(failed.is_empty(), "failed: {failed:?}\n{table}");
}
