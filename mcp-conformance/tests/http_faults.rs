//! `mcp-conformance server --url` against the hidden HTTP fixture (the reference server over
//! Streamable HTTP behind a layer that breaks one transport rule): each fault fails exactly
//! the scenario that looks for it, in exactly the versions that rule exists in, and the
//! fixture without a fault passes everything.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use serde_json::Value;

/// The fixture, started with one fault; ended when dropped.
struct Fixture {
    child: Child,
    url: String,
}

impl Fixture {
    fn start(fault: &str) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_mcp-conformance"))
            .args(["fixture-http-server", "--fault", fault])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the fixture starts");
        let stdout = child.stdout.take().expect("its stdout");
        let mut url = String::new();
        BufReader::new(stdout)
            .read_line(&mut url)
            .expect("the fixture prints its URL");
        assert!(url.starts_with("http://127.0.0.1:"), "{url:?}");
        Self {
            child,
            url: url.trim().to_owned(),
        }
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        // Closing stdin ends it; the kill is for a fixture that does not listen.
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Every result of `mcp-conformance server --url URL ARGS` against the fixture with `fault`.
fn records(fault: &str, args: &[&str]) -> Vec<Value> {
    let fixture = Fixture::start(fault);
    let report = std::env::temp_dir().join(format!(
        "mcp-conformance-http-{fault}-{}.json",
        std::process::id()
    ));
    let out = Command::new(env!("CARGO_BIN_EXE_mcp-conformance"))
        .args(["server", "--url", &fixture.url, "--quiet", "--json"])
        .arg(&report)
        .args(args)
        .output()
        .expect("the binary runs");
    let records: Vec<Value> =
        serde_json::from_slice(&std::fs::read(&report).expect("the JSON report")).expect("JSON");
    let _ = std::fs::remove_file(&report);
    let failed = records.iter().any(|r| r["outcome"]["status"] == "fail");
    assert_eq!(
        out.status.success(),
        !failed,
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    records
}

/// The scenarios that failed in `records`, each with the versions it failed in.
fn failures(records: &[Value]) -> BTreeMap<String, BTreeSet<String>> {
    let mut failed = BTreeMap::<String, BTreeSet<String>>::new();
    for r in records.iter().filter(|r| r["outcome"]["status"] == "fail") {
        let name = r["scenario"].as_str().unwrap_or_default().to_owned();
        let version = r["version"].as_str().unwrap_or_default().to_owned();
        failed.entry(name).or_default().insert(version);
    }
    failed
}

/// The scenarios that failed against the fixture with `fault` (the whole suite, every
/// version), each with the versions it failed in.
fn failing(fault: &str) -> BTreeMap<String, BTreeSet<String>> {
    failures(&records(fault, &[]))
}

/// `scenario` failing in `versions`.
fn only(scenario: &str, versions: &[&str]) -> BTreeMap<String, BTreeSet<String>> {
    let versions = versions.iter().map(|v| (*v).to_owned()).collect();
    BTreeMap::from([(scenario.to_owned(), versions)])
}

const ALL: [&str; 5] = [
    "2024-11-05",
    "2025-03-26",
    "2025-06-18",
    "2025-11-25",
    "2026-07-28",
];

const SESSION_ERA: [&str; 3] = ["2025-03-26", "2025-06-18", "2025-11-25"];

#[test]
fn the_fixture_without_a_fault_passes_everything() {
    assert_eq!(failing("none"), BTreeMap::new());
}

#[test]
fn a_server_that_turns_every_browser_away_is_no_failure() {
    // Its own origin is refused with 403 too: the Origin rule's control accepts that.
    assert_eq!(failing("refuses-every-origin"), BTreeMap::new());
}

#[test]
fn origin_checked_on_initialize_only_fails_the_origin_rule_in_every_version() {
    // The later POST is served from a foreign origin, in every version; 2026-07-28 has no
    // initialize at all.
    assert_eq!(
        failing("origin-on-initialize-only"),
        only("http/foreign-origin", &ALL)
    );
}

#[test]
fn origin_checked_on_posts_only_fails_the_origin_rule_where_get_and_delete_exist() {
    let records = records("origin-on-post-only", &[]);
    for r in records.iter().filter(|r| r["outcome"]["status"] == "fail") {
        let reason = r["outcome"]["reason"].as_str().unwrap_or_default();
        assert!(reason.contains("a GET in the session"), "{reason}");
    }
    assert_eq!(
        failures(&records),
        only("http/foreign-origin", &SESSION_ERA)
    );
}

#[test]
fn an_unchecked_host_fails_the_host_rule_alone() {
    assert_eq!(failing("ignores-host"), only("http/foreign-host", &ALL));
}

#[test]
fn a_notification_answered_with_200_fails_the_202_rule_alone() {
    // 2024-11-05's HTTP+SSE has no such rule.
    let versions = ["2025-03-26", "2025-06-18", "2025-11-25", "2026-07-28"];
    assert_eq!(
        failing("notification-gets200"),
        only("http/notification-accepted", &versions)
    );
}

#[test]
fn an_unknown_protocol_version_header_served_fails_that_rule_alone() {
    // The fault is the session era's (the header exists from 2025-06-18).
    assert_eq!(
        failing("accepts-any-protocol-version"),
        only("http/bad-protocol-version", &["2025-06-18", "2025-11-25"])
    );
}

#[test]
fn headers_that_do_not_match_the_body_served_fail_the_mismatch_rule_alone() {
    let records = records("ignores-header-mismatch", &[]);
    assert_eq!(
        failures(&records),
        only("http/header-mismatch", &["2026-07-28"])
    );
    // Every case is named: a wrong method, none, a wrong version, a wrong name, none.
    let failed = records.iter().find(|r| r["outcome"]["status"] == "fail");
    let reason = failed.map_or("", |r| r["outcome"]["reason"].as_str().unwrap_or_default());
    for case in [
        "discover, Mcp-Method: tools/list",
        "discover, no Mcp-Method",
        "MCP-Protocol-Version: 2025-11-25",
        "Mcp-Name: another tool",
        "tools/call, no Mcp-Name",
    ] {
        assert!(reason.contains(case), "{case}: {reason}");
    }
}

#[test]
fn a_session_id_with_a_space_fails_the_character_rule_alone() {
    assert_eq!(
        failing("session-id-with-space"),
        only("http/session-id-characters", &SESSION_ERA)
    );
}

#[test]
fn a_server_that_refuses_a_second_open_stream_fails_the_concurrency_rule_alone() {
    // The fault keys its streams by session: 2026-07-28 has none.
    assert_eq!(
        failing("one-stream-at-a-time"),
        only("http/concurrent-streams", &SESSION_ERA)
    );
}

#[test]
fn a_server_that_swaps_the_answers_of_concurrent_requests_fails_the_concurrency_rule_alone() {
    let records = records("swaps-concurrent-answers", &[]);
    for r in records.iter().filter(|r| r["outcome"]["status"] == "fail") {
        let reason = r["outcome"]["reason"].as_str().unwrap_or_default();
        assert!(reason.contains("carried the response to"), "{reason}");
    }
    assert_eq!(
        failures(&records),
        only("http/concurrent-streams", &SESSION_ERA)
    );
}
