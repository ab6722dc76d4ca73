//! `mcp-conformance server --command` against the hidden fixture server, which is
//! conformant but for one deliberate fault: each fault fails the scenarios that look at what
//! it breaks, in every version, and nothing else fails.

use std::collections::BTreeSet;
use std::process::Command;

use serde_json::Value;

/// The scenarios that failed, for every version, against the fixture with `fault`.
fn failing(fault: &str) -> BTreeSet<String> {
    let exe = env!("CARGO_BIN_EXE_mcp-conformance");
    let report = std::env::temp_dir().join(format!(
        "mcp-conformance-{fault}-{}.json",
        std::process::id()
    ));
    let out = Command::new(exe)
        .args(["server", "--command"])
        .arg(format!("'{exe}' fixture-server --fault {fault}"))
        .arg("--json")
        .arg(&report)
        .output()
        .expect("the binary runs");
    let records: Vec<Value> =
        serde_json::from_slice(&std::fs::read(&report).expect("the JSON report")).expect("JSON");
    let _ = std::fs::remove_file(&report);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let mut failed = BTreeSet::new();
    let mut versions_failed = std::collections::BTreeMap::<String, usize>::new();
    for r in &records {
        assert_ne!(
            r["outcome"]["status"], "skip",
            "{fault}: nothing is skipped here: {r}"
        );
        if r["outcome"]["status"] == "fail" {
            let name = r["scenario"].as_str().unwrap().to_owned();
            *versions_failed.entry(name.clone()).or_default() += 1;
            failed.insert(name);
        }
    }
    for (name, n) in versions_failed {
        assert_eq!(
            n, 5,
            "{fault}: {name} failed in {n} versions, not all 5\n{stdout}"
        );
    }
    assert_eq!(
        out.status.success(),
        failed.is_empty(),
        "exit code\n{stdout}"
    );
    failed
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn a_conformant_server_passes_everything() {
    assert_eq!(failing("none"), set(&[]));
}

#[test]
fn a_wrong_error_code_fails_the_scenarios_that_check_codes() {
    // Unknown methods and unadvertised capabilities both must get -32601.
    assert_eq!(
        failing("wrong-error-code"),
        set(&["capabilities/honest", "jsonrpc/unknown-method"])
    );
}

#[test]
fn a_tool_without_input_schema_fails_every_scenario_that_lists_tools() {
    // The input-schema check itself, and the schema validation of tools/list wherever it
    // is read.
    assert_eq!(
        failing("no-input-schema"),
        set(&[
            "capabilities/honest",
            "pagination/walk",
            "tools/bad-arguments",
            "tools/input-schemas"
        ])
    );
}

#[test]
fn an_advertised_capability_that_is_not_served_fails_honesty_and_the_walk() {
    assert_eq!(
        failing("unserved-capability"),
        set(&["capabilities/honest", "pagination/walk"])
    );
}

#[test]
fn a_crash_on_a_bad_argument_fails_the_bad_arguments_scenario_only() {
    assert_eq!(
        failing("crash-on-bad-argument"),
        set(&["tools/bad-arguments"])
    );
}
