//! `mcp-conformance client --command` against the hidden fixture client, which is conformant
//! but for one deliberate fault: each fault fails the client scenarios that look at what it
//! breaks, and nothing else fails; the reference client (`mcp-client`) passes them all.

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

/// The scenarios that failed against the fixture client with `fault`; none is skipped.
fn failing(fault: &str) -> BTreeSet<String> {
    let exe = env!("CARGO_BIN_EXE_mcp-conformance");
    let (ok, table, records) = client(&format!("'{exe}' fixture-client --fault {fault}"), fault);
    assert_eq!(records.len(), 7, "{table}");
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
fn the_reference_client_passes_every_client_scenario() {
    let exe = env!("CARGO_BIN_EXE_mcp-conformance");
    let (ok, table, records) = client(&format!("'{exe}' reference-client"), "reference");
    assert!(ok, "{table}");
    assert_eq!(records.len(), 7, "{table}");
    assert!(
        records.iter().all(|r| r["outcome"]["status"] == "pass"),
        "{table}"
    );
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
/// (`mcp-client` starts a new session after a 404 and sends the call again in it).
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
