//! The main job through the binary itself: `mcp-conformance run` passes on this workspace's
//! own implementation over every transport (stdio re-executes the binary as the reference
//! server, which a unit test cannot do), and the `--transport` filter selects scenarios.

use std::process::Command;

fn run(args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_mcp-conformance"))
        .arg("run")
        .args(args)
        .output()
        .expect("the binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    (out.status.success(), stdout)
}

#[test]
fn every_scenario_passes_over_every_transport() {
    let (ok, table) = run(&[]);
    assert!(ok, "{table}");
    let summary = table.lines().last().unwrap_or_default();
    assert!(summary.contains(" 0 failed"), "{summary}");
    for via in [" memory ", " stdio ", " http "] {
        assert!(table.contains(via), "no {via} scenarios in\n{table}");
    }
    // The HTTP rules ran (not skipped) against the reference server over HTTP.
    for rule in [
        "http/unknown-session",
        "http/delete-ends-session",
        "http/foreign-origin",
        "http/resumability",
    ] {
        assert!(
            table.lines().any(|l| l.starts_with(rule)
                && l.contains(" 2025-11-25 ")
                && l.contains(" http ")
                && l.ends_with(" pass")),
            "{rule} did not pass over http in\n{table}"
        );
    }
    // The newer wire-level scenarios ran (not skipped) against the reference server, which
    // has each feature they look at, over both transports.
    for scenario in [
        "tools/structured-output",
        "jsonrpc/huge-request",
        "lifecycle/request-before-initialize",
        "utilities/cancellation",
        "utilities/progress",
        "resources/subscribe-honesty",
        "resources/read-listed",
        "resources/read-unknown",
        "prompts/get-listed",
        "prompts/get-unknown",
        "capabilities/completions",
        "capabilities/logging",
    ] {
        passes_over_both(&table, scenario, "2025-11-25");
    }
    // Multi round-trip requests exist from 2026-07-28 only.
    for scenario in ["mrtr/round-trip", "mrtr/tampered-state"] {
        passes_over_both(&table, scenario, "2026-07-28");
    }
    // The client scenarios ran against the reference client, each once, and passed.
    for scenario in [
        "client/initialize",
        "client/stateless",
        "client/tools-call",
        "client/elicitation-defaults",
        "client/sse-retry",
        "client/version-fallback",
        "client/session-expired",
    ] {
        let rows: Vec<_> = table
            .lines()
            .filter(|l| l.starts_with(&format!("{scenario} ")))
            .collect();
        assert!(
            rows.len() == 1 && rows[0].contains(" http ") && rows[0].ends_with(" pass"),
            "{scenario}: {rows:?} in\n{table}"
        );
    }
}

/// Asserts that `scenario` ran in `version` over stdio and over HTTP, and passed both times.
fn passes_over_both(table: &str, scenario: &str, version: &str) {
    for via in [" stdio ", " http "] {
        assert!(
            table.lines().any(|l| l.starts_with(&format!("{scenario} "))
                && l.contains(&format!(" {version} "))
                && l.contains(via)
                && l.ends_with(" pass")),
            "{scenario} did not pass over{via}in {version}:\n{table}"
        );
    }
}

#[test]
fn the_transport_filter_selects_scenarios() {
    let (ok, table) = run(&[
        "--transport",
        "stdio",
        "--scenario",
        "reference/",
        "--version",
        "2026-07-28",
    ]);
    assert!(ok, "{table}");
    let rows: Vec<_> = table
        .lines()
        .filter(|l| l.starts_with("reference/"))
        .collect();
    assert!(!rows.is_empty(), "{table}");
    assert!(
        rows.iter()
            .all(|l| l.contains(" stdio ") && l.contains("2026-07-28")),
        "{table}"
    );
    // Scenarios that use no transport run whatever the filter.
    // The client scenarios speak HTTP: another transport leaves them out, and a run of
    // nothing is a usage error (exit 2, no table), not a pass (`tests/exit.rs`).
    let (ok, table) = run(&["--transport", "stdio", "--scenario", "client/"]);
    assert!(!ok && table.is_empty(), "{table}");
    let (ok, table) = run(&["--transport", "http", "--scenario", "client/"]);
    assert!(ok, "{table}");
    assert_eq!(
        table.lines().filter(|l| l.starts_with("client/")).count(),
        13,
        "{table}"
    );
    // The reference client does no OAuth: the authorization scenarios skip, saying why.
    assert!(
        table
            .lines()
            .filter(|l| l.starts_with("client/auth-"))
            .all(|l| l.contains(" skip (the client does not implement authorization")),
        "{table}"
    );
    let (ok, table) = run(&["--transport", "memory", "--scenario", "jsonrpc/parse-error"]);
    assert!(ok, "{table}");
    assert_eq!(
        table
            .lines()
            .filter(|l| l.starts_with("jsonrpc/parse-error"))
            .count(),
        5,
        "{table}"
    );
}

/// Off a terminal, progress is one plain line per result on standard error (a CI log shows
/// what ran even if the run is killed before the table); `--quiet` shows none.
#[test]
fn progress_is_one_line_per_result_off_a_terminal_and_none_when_quiet() {
    let out = |extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_mcp-conformance"))
            .args(["run", "--scenario", "server/handshake"])
            .args(extra)
            .output()
            .expect("the binary runs")
    };
    let loud = out(&[]);
    let table = String::from_utf8_lossy(&loud.stdout);
    let stderr = String::from_utf8_lossy(&loud.stderr);
    let rows = table
        .lines()
        .filter(|l| l.starts_with("server/handshake "))
        .count();
    assert!(rows > 0, "{table}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), rows, "{stderr}");
    assert!(
        lines
            .iter()
            .all(|l| l.starts_with("pass server/handshake (") && l.ends_with(" ms")),
        "{stderr}"
    );
    let quiet = out(&["--quiet"]);
    assert_eq!(String::from_utf8_lossy(&quiet.stderr), "");
    assert_eq!(
        String::from_utf8_lossy(&quiet.stdout).lines().count(),
        table.lines().count()
    );
}
