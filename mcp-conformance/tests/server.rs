//! `mcp-conformance server --command` against the hidden fixture server, which is
//! conformant but for one deliberate fault: each fault fails the scenarios that look at what
//! it breaks, in every version, and nothing else fails.

use std::collections::BTreeSet;
use std::process::Command;

use serde_json::Value;

/// `mcp-conformance server ARGS --json REPORT`: its output and the records of the report.
fn server(args: &[&str], report: &std::path::Path) -> (std::process::Output, Vec<Value>) {
    let out = Command::new(env!("CARGO_BIN_EXE_mcp-conformance"))
        .arg("server")
        .args(args)
        .arg("--json")
        .arg(report)
        .output()
        .expect("the binary runs");
    let records =
        serde_json::from_slice(&std::fs::read(report).expect("the JSON report")).expect("JSON");
    let _ = std::fs::remove_file(report);
    (out, records)
}

/// `mcp-conformance server ARGS --version 2025-11-25`, which must run exactly one scenario
/// and fail it: its record. `name` tells the report file apart.
fn the_one_failure(name: &str, args: &[&str]) -> Value {
    let report = std::env::temp_dir().join(format!(
        "mcp-conformance-{name}-{}.json",
        std::process::id()
    ));
    let mut args = args.to_vec();
    args.extend(["--version", "2025-11-25"]);
    let (out, mut records) = server(&args, &report);
    assert!(!out.status.success());
    assert_eq!(records.len(), 1, "{records:?}");
    let record = records.remove(0);
    assert_eq!(record["outcome"]["status"], "fail", "{record}");
    record
}

/// Whether scenario `name` skips `version` against the fixture: the HTTP rules (the fixture
/// speaks stdio), the scenarios of a feature the version does not have, and the official
/// suite's counterparts (the fixture does not offer the official fixture's names).
fn skips(name: &str, version: &str) -> bool {
    name.starts_with("http/")
        || name.starts_with("official/")
        || (name.starts_with("mrtr/") && version < "2026-07-28")
        || (name == "capabilities/completions" && version == "2024-11-05")
        || (name == "tools/structured-output" && version < "2025-06-18")
        || (name == "tools/names" && version < "2025-11-25")
        || (name == "server/meta-required" && version < "2026-07-28")
        || (matches!(
            name,
            "lifecycle/request-before-initialize"
                | "resources/subscribe-honesty"
                | "capabilities/logging"
        ) && version == "2026-07-28")
}

/// The one failure of `scenario` in 2025-11-25 against the fixture with `fault`.
fn the_fixture_failure(fault: &str, scenario: &str) -> Value {
    let exe = env!("CARGO_BIN_EXE_mcp-conformance");
    let command = format!("'{exe}' fixture-server --fault {fault}");
    the_one_failure(fault, &["--command", &command, "--scenario", scenario])
}

/// The records of `mcp-conformance server ARGS` against the fixture with `fault`.
fn fixture_records(fault: &str, args: &[&str]) -> Vec<Value> {
    let exe = env!("CARGO_BIN_EXE_mcp-conformance");
    let command = format!("'{exe}' fixture-server --fault {fault}");
    let report = std::env::temp_dir().join(format!(
        "mcp-conformance-records-{fault}-{}.json",
        std::process::id()
    ));
    let mut all = vec!["--command", &command];
    all.extend(args);
    server(&all, &report).1
}

/// The scenarios that failed, for every version, against the fixture with `fault`.
fn failing(fault: &str) -> BTreeSet<String> {
    let exe = env!("CARGO_BIN_EXE_mcp-conformance");
    let report = std::env::temp_dir().join(format!(
        "mcp-conformance-{fault}-{}.json",
        std::process::id()
    ));
    let (out, records) = server(
        &[
            "--command",
            &format!("'{exe}' fixture-server --fault {fault}"),
        ],
        &report,
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let mut failed = BTreeSet::new();
    let mut versions_failed = std::collections::BTreeMap::<String, usize>::new();
    for r in &records {
        let name = r["scenario"].as_str().unwrap_or_default();
        let version = r["version"].as_str().unwrap_or_default();
        assert_eq!(
            r["outcome"]["status"] == "skip",
            skips(name, version),
            "{fault}: only the HTTP rules and the versions without a feature are skipped: {r}"
        );
        if r["outcome"]["status"] == "fail" {
            let name = r["scenario"].as_str().unwrap().to_owned();
            *versions_failed.entry(name.clone()).or_default() += 1;
            failed.insert(name);
        }
    }
    for (name, n) in versions_failed {
        let applies = mcp_protocol::ProtocolVersion::ALL
            .iter()
            .filter(|v| !skips(&name, v.as_str()))
            .count();
        assert_eq!(
            n, applies,
            "{fault}: {name} failed in {n} versions, not all {applies} it applies to\n{stdout}"
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
    // Unknown methods, unadvertised capabilities and an unadvertised resources/subscribe
    // all must get -32601 (the fixture advertises every list, so `capabilities/honest` sends
    // no unadvertised method: `unserved-capability` is its fault).
    assert_eq!(
        failing("wrong-error-code"),
        set(&[
            "capabilities/completions",
            "capabilities/logging",
            "jsonrpc/unknown-method",
            "resources/subscribe-honesty"
        ])
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
            "mrtr/round-trip",
            "mrtr/tampered-state",
            "pagination/walk",
            "tools/bad-arguments",
            "tools/input-schemas",
            "tools/names",
            "tools/probe",
            "tools/structured-output",
            "utilities/progress"
        ])
    );
}

#[test]
fn an_advertised_capability_that_is_not_served_fails_honesty_the_walk_and_the_gets() {
    assert_eq!(
        failing("unserved-capability"),
        set(&[
            "capabilities/honest",
            "pagination/walk",
            "prompts/get-listed"
        ])
    );
}

#[test]
fn contents_under_another_uri_fail_reading_the_listed_resources_alone() {
    assert_eq!(failing("read-wrong-uri"), set(&["resources/read-listed"]));
}

#[test]
fn a_server_that_ignores_its_request_state_fails_the_tampering_check_alone() {
    assert_eq!(failing("mrtr-ignores-state"), set(&["mrtr/tampered-state"]));
}

#[test]
fn a_server_that_keeps_asking_fails_the_round_trip_alone() {
    assert_eq!(failing("mrtr-asks-forever"), set(&["mrtr/round-trip"]));
    let exe = env!("CARGO_BIN_EXE_mcp-conformance");
    let command = format!("'{exe}' fixture-server --fault mrtr-asks-forever");
    let args = [
        "--command",
        &command,
        "--scenario",
        "mrtr/round-trip",
        "--version",
        "2026-07-28",
    ];
    let report = std::env::temp_dir().join(format!(
        "mcp-conformance-asks-forever-{}.json",
        std::process::id()
    ));
    let (_, records) = server(&args, &report);
    let reason = records[0]["outcome"]["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains("tool confirm") && reason.contains("still asked for input"),
        "{reason}"
    );
}

#[test]
fn an_error_with_a_null_id_answering_unreadable_input_fails_nothing() {
    // JSON-RPC 2.0 §5 spells "no id" as null; the 2025-11-25 schema leaves it out. Either
    // is accepted in every version, with a note in the evidence.
    assert_eq!(failing("null-id-for-unreadable"), set(&[]));
    let args = [
        "--scenario",
        "jsonrpc/parse-error-survived",
        "--version",
        "2025-11-25",
    ];
    let records = fixture_records("null-id-for-unreadable", &args);
    let evidence = records[0]["outcome"]["evidence"].to_string();
    assert!(
        evidence.contains("note: an error with \\\"id\\\": null"),
        "{evidence}"
    );
}

#[test]
fn an_error_that_loses_the_id_of_a_readable_request_fails_where_it_is_met() {
    // Every scenario that sends a method the fixture does not know.
    assert_eq!(
        failing("null-id-for-unknown-method"),
        set(&[
            "capabilities/completions",
            "capabilities/logging",
            "jsonrpc/unknown-method",
            "resources/subscribe-honesty"
        ])
    );
    let record = the_fixture_failure("null-id-for-unknown-method", "jsonrpc/unknown-method");
    let reason = record["outcome"]["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains("without the request's id") && reason.contains("readable request"),
        "{reason}"
    );
}

#[test]
fn a_finding_is_reported_at_the_level_of_its_version_s_text() {
    // -32002 for an unknown resource is what 2025-11-25 asks (a SHOULD); 2026-07-28 MUSTs
    // -32602: only that row fails, and at MUST, under a scenario whose headline is SHOULD.
    let records = fixture_records(
        "old-not-found-code",
        &["--scenario", "resources/read-unknown"],
    );
    for r in &records {
        let failed = r["outcome"]["status"] == "fail";
        assert_eq!(failed, r["version"] == "2026-07-28", "{r}");
        let level = if failed { "MUST" } else { "SHOULD" };
        assert_eq!(r["severity"], level, "{r}");
    }
}

#[test]
fn a_crash_on_a_bad_argument_fails_the_scenarios_that_send_bad_arguments() {
    assert_eq!(
        failing("crash-on-bad-argument"),
        set(&["tools/bad-arguments", "tools/probe"])
    );
}

#[test]
fn a_crash_on_a_large_number_is_found_by_generated_arguments_alone() {
    // The hand-written scenarios send small numbers; the probe, the structured-output check
    // and the MRTR scenarios (looking for a tool that asks for input) call `add` with
    // arguments drawn from its inputSchema.
    assert_eq!(
        failing("crash-on-large-number"),
        set(&[
            "mrtr/round-trip",
            "mrtr/tampered-state",
            "tools/probe",
            "tools/structured-output"
        ])
    );
}

#[test]
fn serving_before_initialize_over_stdio_is_a_note_not_a_failure() {
    // basic/lifecycle §Initialization binds the client; no text tells a stdio server to
    // refuse. The pass says what it saw.
    assert_eq!(failing("serves-before-initialize"), set(&[]));
    let args = [
        "--scenario",
        "lifecycle/request-before-initialize",
        "--version",
        "2025-11-25",
    ];
    let records = fixture_records("serves-before-initialize", &args);
    assert_eq!(records[0]["outcome"]["status"], "pass", "{records:?}");
    let evidence = records[0]["outcome"]["evidence"].to_string();
    assert!(
        evidence.contains("note: tools/list before initialize was served"),
        "{evidence}"
    );
}

#[test]
fn a_server_slow_to_start_is_not_taken_for_one_that_ignores_a_request_before_initialize() {
    // The request before `initialize` is the first message to a process just started: a
    // start-up longer than the 3 s a refusal gets (node or Python on a loaded machine) was
    // reported as "no answer" (server-everything, 2024-11-05, in the third-party matrix).
    let exe = env!("CARGO_BIN_EXE_mcp-conformance");
    let command = format!("sh -c \"sleep 4; exec '{exe}' fixture-server --fault none\"");
    let report = std::env::temp_dir().join(format!(
        "mcp-conformance-slow-start-{}.json",
        std::process::id()
    ));
    let args = [
        "--command",
        &command,
        "--scenario",
        "lifecycle/request-before-initialize",
        "--version",
        "2025-11-25",
    ];
    let (out, records) = server(&args, &report);
    assert!(out.status.success(), "{records:?}");
    assert_eq!(records[0]["outcome"]["status"], "pass", "{records:?}");
}

#[test]
fn structured_output_against_its_schema_fails_that_scenario_alone() {
    assert_eq!(
        failing("wrong-structured-output"),
        set(&["tools/structured-output"])
    );
    let record = the_fixture_failure("wrong-structured-output", "tools/structured-output");
    let reason = record["outcome"]["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains("tool add")
            && reason.contains("does not conform")
            && reason.contains("/sum"),
        "{reason}"
    );
}

#[test]
fn progress_out_of_order_fails_that_scenario_alone() {
    assert_eq!(failing("progress-backwards"), set(&["utilities/progress"]));
}

#[test]
fn a_crash_on_a_huge_line_fails_that_scenario_alone() {
    assert_eq!(
        failing("crash-on-huge-line"),
        set(&["jsonrpc/huge-request"])
    );
}

// requirement: 1.13
#[test]
fn serving_requests_missing_required_meta_fails_that_scenario_alone() {
    assert_eq!(failing("lax-meta"), set(&["server/meta-required"]));
}

#[test]
fn serving_an_unadvertised_subscribe_fails_that_scenario_alone() {
    assert_eq!(
        failing("unadvertised-subscribe"),
        set(&["resources/subscribe-honesty"])
    );
}

#[test]
fn tool_names_against_the_recommendations_fail_that_should_alone() {
    // Both are SHOULDs of 2025-11-25 server/tools §Tool Names: a name listed twice is no
    // failure of the pagination walk.
    assert_eq!(failing("spaced-tool-name"), set(&["tools/names"]));
    assert_eq!(failing("duplicate-tool-name"), set(&["tools/names"]));
    let record = the_fixture_failure("duplicate-tool-name", "tools/names");
    assert_eq!(record["severity"], "SHOULD");
    let reason = record["outcome"]["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("\"echo\" is listed twice"), "{reason}");
}

#[test]
fn probing_shrinks_a_crash_to_the_smallest_number_that_causes_it() {
    // The fixture's `add` survives terms up to 1000: the minimal failing case has one term
    // of 1001 and the other shrunk to 0.
    let record = the_fixture_failure("crash-on-large-number", "tools/probe");
    let outcome = &record["outcome"];
    let reason = outcome["reason"].as_str().unwrap_or_default();
    let minimal = [r#"{"a":1001,"b":0}"#, r#"{"a":0,"b":1001}"#];
    assert!(
        reason.contains("tool add") && minimal.iter().any(|m| reason.contains(m)),
        "{reason}"
    );
    assert!(reason.contains("closed the connection"), "{reason}");
    let evidence = outcome["evidence"].to_string();
    assert!(evidence.contains("seed"), "{evidence}");
}

/// A listener on 127.0.0.1:0 that answers each of its first `connections` connections with
/// `response` (raw HTTP/1.1) and closes it; its URL.
fn raw_http_server(response: &'static str, connections: usize) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let url = format!("http://{}/mcp", listener.local_addr().expect("its address"));
    std::thread::spawn(move || {
        for stream in listener.incoming().take(connections) {
            let Ok(mut stream) = stream else { continue };
            // The request's head and a small body arrive in the first read or two; what is
            // left unread does not matter, the connection closes after the answer.
            let mut buf = [0u8; 8192];
            let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(2)));
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(response.as_bytes());
        }
    });
    url
}

#[test]
fn an_http_error_status_without_a_json_rpc_body_is_a_clear_usage_error() {
    // Not one JSON-RPC message: the target cannot be spoken to, which stops the run before
    // any scenario (exit 2) with the status and the body as the reason.
    let url = raw_http_server(
        "HTTP/1.1 500 Internal Server Error\r\ncontent-type: text/plain\r\ncontent-length: 4\r\nconnection: close\r\n\r\nnope",
        8,
    );
    let out = Command::new(env!("CARGO_BIN_EXE_mcp-conformance"))
        .args([
            "server",
            "--url",
            &url,
            "--version",
            "2025-11-25",
            "--quiet",
        ])
        .output()
        .expect("the binary runs");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let reason = String::from_utf8_lossy(&out.stderr);
    assert!(
        reason.contains("HTTP 500") && reason.contains("nope") && reason.contains("initialize"),
        "{reason}"
    );
}

#[test]
fn an_endpoint_that_refuses_everything_does_not_pass_the_origin_and_host_rules() {
    // A wrong path: 404 to a foreign Origin or Host, and to everything else. It never speaks
    // MCP, so the run stops before any rule with exit 2 (a target that cannot be reached);
    // the control requests that keep such a refusal from passing a rule against a server
    // that does speak MCP are proven by the faults of `tests/http_faults.rs`.
    let url = raw_http_server(
        "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
        32,
    );
    for rule in ["http/foreign-origin", "http/foreign-host"] {
        let out = Command::new(env!("CARGO_BIN_EXE_mcp-conformance"))
            .args(["server", "--url", &url, "--scenario", rule, "--quiet"])
            .output()
            .expect("the binary runs");
        assert_eq!(out.status.code(), Some(2), "{rule}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("cannot be reached"), "{rule}: {stderr}");
        assert!(
            !String::from_utf8_lossy(&out.stdout).contains(" pass"),
            "{rule}"
        );
    }
}

#[test]
fn a_server_that_answers_everything_with_200_fails_the_http_rules() {
    // No Origin check, no Accept check, a GET served like a POST: every answer is the
    // answer to `initialize` (so the version is served, and the rules apply).
    const ANSWER: &str = r#"{"jsonrpc":"2.0","id":1,"result":{"protocolVersion":"2025-11-25","capabilities":{},"serverInfo":{"name":"all-200","version":"1"}}}"#;
    let response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{ANSWER}",
        ANSWER.len()
    );
    let url = raw_http_server(response.leak(), 64);
    let report =
        std::env::temp_dir().join(format!("mcp-conformance-200-{}.json", std::process::id()));
    let (_, records) = server(
        &[
            "--url",
            &url,
            "--scenario",
            "http/",
            "--version",
            "2025-11-25",
        ],
        &report,
    );
    let status = |name: &str| {
        records
            .iter()
            .find(|r| r["scenario"] == name)
            .map(|r| r["outcome"]["status"].clone())
    };
    for rule in ["http/not-acceptable", "http/get"] {
        assert_eq!(status(rule), Some("fail".into()), "{rule}: {records:?}");
    }
    // It assigns no session.
    for rule in ["http/unknown-session", "http/delete-ends-session"] {
        assert_eq!(status(rule), Some("skip".into()), "{rule}: {records:?}");
    }
}

/// The head (request line and headers, lower-cased names) and body of one HTTP/1.1 request.
struct Request {
    line: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A conformant server of the session era (2024-11-05..2025-11-25) on 127.0.0.1, written at
/// the HTTP level as the TypeScript SDK answers: a request without a session gets 400 with a
/// JSON-RPC error whose id is null, `server/discover` included (it does not serve
/// 2026-07-28); a foreign Origin 403; an unknown or deleted session 404; a GET in a session
/// 405 (it offers no stream). Its URL; it serves its first `connections` connections.
fn session_era_http_server(connections: usize) -> String {
    use std::collections::HashSet;
    use std::io::Write;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let url = format!("http://{}/mcp", listener.local_addr().expect("its address"));
    std::thread::spawn(move || {
        let mut sessions = HashSet::new();
        for (n, stream) in listener.incoming().take(connections).enumerate() {
            let Ok(mut stream) = stream else { continue };
            let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(2)));
            let Some(request) = read_request(&mut stream) else {
                continue;
            };
            let (status, session, body) = session_era_answer(&request, &mut sessions, n);
            let mut head = format!("HTTP/1.1 {status}\r\nconnection: close\r\n");
            if let Some(id) = session {
                head.push_str(&format!("mcp-session-id: {id}\r\n"));
            }
            if !body.is_empty() {
                head.push_str("content-type: application/json\r\n");
            }
            let response = format!("{head}content-length: {}\r\n\r\n{body}", body.len());
            let _ = stream.write_all(response.as_bytes());
        }
    });
    url
}

/// How [`session_era_http_server`] answers `request`: the status, a new session id, the body.
fn session_era_answer(
    request: &Request,
    sessions: &mut std::collections::HashSet<String>,
    n: usize,
) -> (&'static str, Option<String>, String) {
    let refusal = |message: &str| {
        serde_json::json!({"jsonrpc": "2.0", "id": null,
            "error": {"code": -32000, "message": message}})
        .to_string()
    };
    if request
        .header("origin")
        .is_some_and(|o| !o.starts_with("http://127.0.0.1") && !o.starts_with("http://localhost"))
    {
        return ("403 Forbidden", None, refusal("Forbidden origin"));
    }
    let message: Value = serde_json::from_str(&request.body).unwrap_or(Value::Null);
    let session = request.header("mcp-session-id");
    if message["method"] == "initialize" && request.line.starts_with("POST") {
        let accept = request.header("accept").unwrap_or_default();
        if !(accept.contains("application/json") && accept.contains("text/event-stream")) {
            return ("406 Not Acceptable", None, refusal("Not Acceptable"));
        }
        let asked = message["params"]["protocolVersion"]
            .as_str()
            .unwrap_or_default();
        let agreed = if ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"].contains(&asked) {
            asked
        } else {
            "2025-11-25"
        };
        let id = format!("session-{n}");
        sessions.insert(id.clone());
        let body = serde_json::json!({"jsonrpc": "2.0", "id": message["id"],
            "result": {"protocolVersion": agreed, "capabilities": {},
                "serverInfo": {"name": "session-era", "version": "1"}}});
        return ("200 OK", Some(id), body.to_string());
    }
    // §Session Management 2 and 3.
    let Some(session) = session else {
        return (
            "400 Bad Request",
            None,
            refusal("Bad Request: No valid session ID provided"),
        );
    };
    if !sessions.contains(session) {
        return ("404 Not Found", None, refusal("Session not found"));
    }
    if request.line.starts_with("DELETE") {
        sessions.remove(session);
        return ("200 OK", None, String::new());
    }
    if request.line.starts_with("GET") {
        return ("405 Method Not Allowed", None, String::new());
    }
    match (message.get("id"), message["method"].as_str()) {
        (None, _) => ("202 Accepted", None, String::new()),
        (Some(id), Some("ping")) => (
            "200 OK",
            None,
            serde_json::json!({"jsonrpc": "2.0", "id": id, "result": {}}).to_string(),
        ),
        (Some(id), _) => (
            "200 OK",
            None,
            serde_json::json!({"jsonrpc": "2.0", "id": id,
                "error": {"code": -32601, "message": "Method not found"}})
            .to_string(),
        ),
    }
}

#[test]
fn a_session_era_server_is_judged_only_by_the_rules_of_what_it_serves() {
    // Its 400s with "id": null are right in every version (JSON-RPC 2.0 §5; basic/transports
    // §Sending Messages 4); its 2026-07-28 rows are skipped, not failed; a GET that sends the
    // session id and accepts an event stream gets its 405 (audit F2, F15, F18, F19).
    let url = session_era_http_server(1000);
    let report = std::env::temp_dir().join(format!(
        "mcp-conformance-session-era-{}.json",
        std::process::id()
    ));
    let (_, records) = server(&["--url", &url, "--scenario", "http/", "--quiet"], &report);
    // The fake implements the rules of the audit's classes above; the header rules added
    // beside them (a foreign Host, 202 for notifications, a bad MCP-Protocol-Version) have
    // faults of their own in `tests/http_faults.rs`, and this fake breaks them.
    let beside = [
        "http/foreign-host",
        "http/notification-accepted",
        "http/bad-protocol-version",
    ];
    let failed: Vec<&Value> = records
        .iter()
        .filter(|r| r["outcome"]["status"] == "fail")
        .filter(|r| !beside.contains(&r["scenario"].as_str().unwrap_or_default()))
        .collect();
    assert!(failed.is_empty(), "{failed:#?}");
    for r in records.iter().filter(|r| r["version"] == "2026-07-28") {
        assert_eq!(r["outcome"]["status"], "skip", "{r}");
        // The session rules say 2026-07-28 has none; the others that it is not served.
        let reason = r["outcome"]["reason"].as_str().unwrap_or_default();
        assert!(
            reason.contains("does not serve 2026-07-28") || reason.contains("has no sessions"),
            "{reason}"
        );
    }
    for rule in ["http/foreign-origin", "http/not-acceptable", "http/get"] {
        let row = records
            .iter()
            .find(|r| r["scenario"] == rule && r["version"] == "2026-07-28");
        let reason = row.map(|r| r["outcome"]["reason"].to_string());
        assert!(
            reason.is_some_and(|r| r.contains("does not serve 2026-07-28")),
            "{rule}: {records:#?}"
        );
    }
    let passed = |name: &str| {
        records
            .iter()
            .filter(|r| r["scenario"] == name && r["outcome"]["status"] == "pass")
            .count()
    };
    for rule in [
        "http/foreign-origin",
        "http/get",
        "http/delete-ends-session",
    ] {
        assert!(passed(rule) >= 3, "{rule}: {records:#?}");
    }
    let report = std::env::temp_dir().join(format!(
        "mcp-conformance-session-era-lifecycle-{}.json",
        std::process::id()
    ));
    let args = [
        "--url",
        &url,
        "--scenario",
        "lifecycle/request-before-initialize",
        "--version",
        "2025-11-25",
    ];
    let (_, records) = server(&args, &report);
    assert_eq!(records[0]["outcome"]["status"], "pass", "{records:#?}");
}

#[test]
fn a_pass_carries_the_messages_exchanged_in_json_and_junit_but_not_in_the_table() {
    let exe = env!("CARGO_BIN_EXE_mcp-conformance");
    let dir = std::env::temp_dir();
    let json = dir.join(format!("mcp-conformance-pass-{}.json", std::process::id()));
    let junit = dir.join(format!("mcp-conformance-pass-{}.xml", std::process::id()));
    let out = Command::new(exe)
        .args(["server", "--command"])
        .arg(format!("'{exe}' fixture-server --fault none"))
        .args([
            "--scenario",
            "jsonrpc/unknown-method",
            "--version",
            "2025-11-25",
        ])
        .arg("--json")
        .arg(&json)
        .arg("--junit")
        .arg(&junit)
        .output()
        .expect("the binary runs");
    let records: Vec<Value> =
        serde_json::from_slice(&std::fs::read(&json).expect("the JSON report")).expect("JSON");
    let xml = std::fs::read_to_string(&junit).expect("the JUnit report");
    let _ = std::fs::remove_file(&json);
    let _ = std::fs::remove_file(&junit);
    assert!(out.status.success());
    assert_eq!(records.len(), 1, "{records:?}");
    let outcome = &records[0]["outcome"];
    assert_eq!(outcome["status"], "pass", "{outcome}");
    // The request that was judged and the answer it got, in order.
    let evidence: Vec<&str> = outcome["evidence"]
        .as_array()
        .expect("evidence on a pass")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let asked = evidence
        .iter()
        .position(|l| l.starts_with("→") && l.contains("no/such/method"));
    let told = evidence
        .iter()
        .position(|l| l.starts_with("←") && l.contains("-32601"));
    assert!(asked.zip(told).is_some_and(|(a, t)| a < t), "{evidence:#?}");
    assert!(
        xml.contains("<system-out>") && xml.contains("no/such/method"),
        "{xml}"
    );
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(!table.contains("no/such/method"), "{table}");
}

/// One HTTP/1.1 request read from `stream`.
fn read_request(stream: &mut std::net::TcpStream) -> Option<Request> {
    use std::io::Read;
    let mut bytes = Vec::new();
    let mut buf = [0u8; 4096];
    // Bounded: a request of this test is small; the read times out otherwise.
    while bytes.len() < 1 << 20 {
        let head_end = bytes.windows(4).position(|w| w == b"\r\n\r\n");
        if let Some(end) = head_end {
            let head = String::from_utf8_lossy(&bytes[..end]).into_owned();
            let length = head
                .lines()
                .find_map(|l| {
                    let (name, value) = l.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse::<usize>().ok())?
                })
                .unwrap_or(0);
            if bytes.len() >= end + 4 + length {
                let body = String::from_utf8_lossy(&bytes[end + 4..end + 4 + length]);
                let line = head.lines().next().unwrap_or_default().to_owned();
                let headers = head
                    .lines()
                    .skip(1)
                    .filter_map(|l| l.split_once(':'))
                    .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
                    .collect();
                return Some(Request {
                    line,
                    headers,
                    body: body.into_owned(),
                });
            }
        }
        let n = stream.read(&mut buf).ok().filter(|n| *n > 0)?;
        bytes.extend_from_slice(&buf[..n]);
    }
    None
}

/// What [`server_that_numbers_events`] does with a GET carrying `Last-Event-ID`.
#[derive(Clone, Copy, PartialEq)]
enum Replay {
    /// An empty event stream: the later events are lost.
    Nothing,
    /// The later events of that stream, with an event of the other stream in between (as
    /// server-everything's in-memory event store does).
    Mixed,
    /// The later events of that stream, and nothing else.
    Faithful,
}

/// A session-era server on 127.0.0.1 that numbers the events of its SSE answers (`n/0` a
/// priming event, `n/1` progress, `n/2` the response, for its `n`th connection) and answers
/// a GET with `Last-Event-ID` as `replay` says. Its URL; it serves its first `connections`
/// connections.
fn server_that_numbers_events(connections: usize, replay: Replay) -> String {
    use std::io::Write;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let url = format!("http://{}/mcp", listener.local_addr().expect("its address"));
    std::thread::spawn(move || {
        // The events of each stream, by connection.
        let mut streams: Vec<(usize, [String; 3])> = Vec::new();
        for (n, stream) in listener.incoming().take(connections).enumerate() {
            let Ok(mut stream) = stream else { continue };
            let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(2)));
            let Some(request) = read_request(&mut stream) else {
                continue;
            };
            let message: Value = serde_json::from_str(&request.body).unwrap_or(Value::Null);
            let id = &message["id"];
            let (kind, body) = match message["method"].as_str() {
                _ if !request.line.starts_with("POST") => {
                    let from = request
                        .header("last-event-id")
                        .and_then(|l| l.split_once('/'));
                    let k: Option<usize> = from.and_then(|(k, _)| k.parse().ok());
                    let this = streams.iter().find(|(n, _)| Some(*n) == k);
                    let other = streams.iter().rev().find(|(n, _)| Some(*n) != k);
                    let body = match (replay, this, other) {
                        (Replay::Faithful, Some((_, e)), _) => format!("{}{}", e[1], e[2]),
                        (Replay::Mixed, Some((_, e)), Some((_, o))) => {
                            format!("{}{}{}", e[1], o[1], e[2])
                        }
                        _ => String::new(),
                    };
                    ("text/event-stream", body)
                }
                Some("initialize") => (
                    "application/json",
                    serde_json::json!({"jsonrpc": "2.0", "id": id,
                    "result": {"protocolVersion": "2025-11-25", "capabilities": {"tools": {}},
                        "serverInfo": {"name": "numbers-events", "version": "1"}}})
                    .to_string(),
                ),
                Some("tools/list") => (
                    "application/json",
                    serde_json::json!({"jsonrpc": "2.0", "id": id,
                    "result": {"tools": [{"name": "tick", "inputSchema": {"type": "object"},
                        "annotations": {"readOnlyHint": true}}]}})
                    .to_string(),
                ),
                Some("tools/call") => {
                    let token = &message["params"]["_meta"]["progressToken"];
                    let progress = serde_json::json!({"jsonrpc": "2.0", "method": "notifications/progress",
                        "params": {"progressToken": token, "progress": 1}});
                    let done = serde_json::json!({"jsonrpc": "2.0", "id": id,
                        "result": {"content": [{"type": "text", "text": "tick"}]}});
                    let events = [
                        format!("id: {n}/0\ndata:\n\n"),
                        format!("id: {n}/1\ndata: {progress}\n\n"),
                        format!("id: {n}/2\ndata: {done}\n\n"),
                    ];
                    let body = events.concat();
                    streams.push((n, events));
                    ("text/event-stream", body)
                }
                _ => ("", String::new()),
            };
            let head = if kind.is_empty() {
                "HTTP/1.1 202 Accepted\r\ncontent-length: 0\r\n".to_owned()
            } else {
                format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: {kind}\r\ncontent-length: {}\r\n",
                    body.len()
                )
            };
            let response = format!("{head}mcp-session-id: s1\r\nconnection: close\r\n\r\n{body}");
            let _ = stream.write_all(response.as_bytes());
        }
    });
    url
}

/// The `http/resumability` record in 2025-11-25 against a server that replays as `replay`.
fn resumability_against(replay: Replay) -> Value {
    let url = server_that_numbers_events(32, replay);
    let report = std::env::temp_dir().join(format!(
        "mcp-conformance-replay-{}-{}.json",
        replay as u8,
        std::process::id()
    ));
    let args = [
        "--url",
        &url,
        "--scenario",
        "http/resumability",
        "--version",
        "2025-11-25",
    ];
    let (_, mut records) = server(&args, &report);
    assert_eq!(records.len(), 1, "{records:?}");
    records.remove(0)
}

#[test]
fn a_server_that_numbers_events_but_does_not_replay_them_is_a_may_finding() {
    // Replaying is a MAY (§Resumability and Redelivery 2): the finding says how many came,
    // at its own level, and does not contradict itself.
    let record = resumability_against(Replay::Nothing);
    assert_eq!(record["outcome"]["status"], "fail", "{record}");
    assert_eq!(record["severity"], "MAY", "{record}");
    let reason = record["outcome"]["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains("of the 2 message(s)") && reason.contains(" 0 came back"),
        "{reason}"
    );
}

#[test]
fn a_replay_that_carries_an_event_of_another_stream_breaks_the_must_not() {
    let record = resumability_against(Replay::Mixed);
    assert_eq!(record["outcome"]["status"], "fail", "{record}");
    assert_eq!(record["severity"], "MUST", "{record}");
    let reason = record["outcome"]["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains("of another stream (MUST NOT)") && reason.contains("other POST stream"),
        "{reason}"
    );
}

#[test]
fn a_faithful_replay_passes_resumability() {
    let record = resumability_against(Replay::Faithful);
    assert_eq!(record["outcome"]["status"], "pass", "{record}");
}

#[test]
fn asking_for_an_undeclared_capability_fails_every_scenario_that_calls_the_tool() {
    // Only 2026-07-28 has input requests; the scenarios that call `confirm` without declaring
    // elicitation see the request, wherever they are.
    let exe = env!("CARGO_BIN_EXE_mcp-conformance");
    let command = format!("'{exe}' fixture-server --fault mrtr-asks-undeclared");
    let report = std::env::temp_dir().join(format!(
        "mcp-conformance-undeclared-{}.json",
        std::process::id()
    ));
    let (_, records) = server(&["--command", &command, "--version", "2026-07-28"], &report);
    let failed: Vec<&Value> = records
        .iter()
        .filter(|r| r["outcome"]["status"] == "fail")
        .collect();
    let names: BTreeSet<String> = failed
        .iter()
        .filter_map(|r| r["scenario"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(names, set(&["tools/probe", "utilities/progress"]));
    for r in failed {
        let reason = r["outcome"]["reason"].as_str().unwrap_or_default();
        assert!(reason.contains("did not declare `elicitation`"), "{reason}");
    }
}

/// The `tools/*` scenarios in 2025-11-25 against the fixture with `fault`, waiting 0.3 s for
/// an answer: the records.
fn tools_scenarios_with(fault: &str) -> Vec<Value> {
    let exe = env!("CARGO_BIN_EXE_mcp-conformance");
    let command = format!("'{exe}' fixture-server --fault {fault}");
    let report = std::env::temp_dir().join(format!(
        "mcp-conformance-{fault}-{}.json",
        std::process::id()
    ));
    let args = [
        "--command",
        &command,
        "--version",
        "2025-11-25",
        "--scenario",
        "tools/",
        "--answer-within",
        "0.3",
        "--quiet",
    ];
    server(&args, &report).1
}

/// A tool that is still working when the wait is over, on a server that still answers a
/// ping, is cancelled and not judged: busy is not hung.
#[test]
fn a_busy_server_is_not_a_hung_one() {
    let records = tools_scenarios_with("slow-on-large-number");
    assert!(records.iter().any(|r| r["scenario"] == "tools/probe"));
    let failed: Vec<&Value> = records
        .iter()
        .filter(|r| r["outcome"]["status"] == "fail")
        .collect();
    assert!(failed.is_empty(), "{failed:?}");
}

/// A server that stops answering altogether, ping included, has hung: the scenarios that
/// call the tool with large numbers fail, saying so.
#[test]
fn a_hung_server_fails_the_scenarios_that_meet_it() {
    let records = tools_scenarios_with("hang-on-large-number");
    let failed: BTreeSet<String> = records
        .iter()
        .filter(|r| r["outcome"]["status"] == "fail")
        .filter_map(|r| r["scenario"].as_str().map(str::to_owned))
        .collect();
    let expected: BTreeSet<String> = ["tools/probe", "tools/structured-output"]
        .map(str::to_owned)
        .into();
    assert_eq!(failed, expected, "{records:?}");
    for r in records.iter().filter(|r| r["outcome"]["status"] == "fail") {
        let reason = r["outcome"]["reason"].as_str().unwrap_or_default();
        assert!(reason.contains("the server hung"), "{reason}");
    }
}

/// `mcp-conformance server` against the conformant fixture with `args`, the fixture
/// recording every `tools/call` it gets, which must pass: the run's output, its report's
/// records, and the calls the fixture saw (name and arguments), oldest first.
fn recorded_run(name: &str, args: &[&str]) -> (std::process::Output, Vec<Value>, Vec<Value>) {
    let exe = env!("CARGO_BIN_EXE_mcp-conformance");
    let dir = std::env::temp_dir();
    let calls = dir.join(format!(
        "mcp-conformance-calls-{name}-{}",
        std::process::id()
    ));
    let report = dir.join(format!(
        "mcp-conformance-{name}-{}.json",
        std::process::id()
    ));
    let _ = std::fs::remove_file(&calls);
    let command = format!(
        "'{exe}' fixture-server --fault none --record '{}'",
        calls.display()
    );
    let mut all = vec!["--command", &command];
    all.extend(args);
    let (out, records) = server(&all, &report);
    // The fixture is conformant: whichever tools are called, nothing fails.
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let seen = std::fs::read_to_string(&calls).unwrap_or_default();
    let _ = std::fs::remove_file(&calls);
    let seen = seen
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    (out, records, seen)
}

/// The names of the tools `calls` called.
fn names(calls: &[Value]) -> BTreeSet<String> {
    calls
        .iter()
        .filter_map(|c| c["name"].as_str().map(str::to_owned))
        .collect()
}

#[test]
fn by_default_only_tools_annotated_read_only_are_called_and_the_others_are_named() {
    let (out, records, calls) = recorded_run("default-policy", &[]);
    // Every version, every scenario: the fixture never saw a call of a tool that does not
    // say it is harmless, and it did see calls of those that do.
    assert_eq!(
        names(&calls),
        set(&["add", "confirm", "count", "echo"]),
        "{calls:?}"
    );
    let table = String::from_utf8_lossy(&out.stdout);
    for line in [
        "  delete_everything: no readOnlyHint [",
        "  write_note: no readOnlyHint [",
        "  fetch_url: openWorldHint: true",
    ] {
        assert!(table.contains(line), "{line:?} not in\n{table}");
    }
    // The JSON rows of the scenarios that call tools name them too.
    let probe = records
        .iter()
        .find(|r| r["scenario"] == "tools/probe")
        .expect("a tools/probe row");
    let evidence = probe["outcome"]["evidence"].to_string();
    assert!(
        evidence.contains("tool not called: delete_everything: no readOnlyHint"),
        "{evidence}"
    );
}

#[test]
fn call_tools_all_warns_then_calls_every_tool_with_arguments_that_stay_local() {
    let (out, _, calls) = recorded_run(
        "all",
        &[
            "--call-tools",
            "all",
            "--scenario",
            "tools/probe",
            "--version",
            "2025-11-25",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("WARNING: --call-tools all"), "{stderr}");
    assert_eq!(
        names(&calls),
        set(&[
            "add",
            "confirm",
            "count",
            "delete_everything",
            "echo",
            "fetch_url",
            "write_note"
        ])
    );
    // fetch_url's `url` has format uri: every one drawn is on .invalid.
    let urls: Vec<&str> = calls
        .iter()
        .filter(|c| c["name"] == "fetch_url")
        .filter_map(|c| c["arguments"]["url"].as_str())
        .collect();
    assert!(!urls.is_empty(), "{calls:?}");
    for url in urls {
        assert!(url.starts_with("http://mcp-conformance.invalid/"), "{url}");
    }
    // Free strings hold nothing that could make a URL or an address.
    for c in calls
        .iter()
        .filter(|c| c["name"] == "echo" || c["name"] == "write_note")
    {
        if let Some(text) = c["arguments"]["text"].as_str() {
            assert!(!text.contains([':', '/', '@', '.', '\\']), "{text:?}");
        }
    }
    assert!(!String::from_utf8_lossy(&out.stdout).contains("Tools not called"));
}

#[test]
fn allowed_tools_widen_the_policy_denied_ones_narrow_it_and_deny_wins() {
    let (out, _, calls) = recorded_run(
        "allow-deny",
        &[
            "--allow-tool",
            "write_note",
            "--allow-tool",
            "delete_everything",
            "--deny-tool",
            "delete_everything",
            "--deny-tool",
            "add",
            "--scenario",
            "tools/probe",
            "--version",
            "2025-11-25",
        ],
    );
    assert_eq!(
        names(&calls),
        set(&["confirm", "count", "echo", "write_note"])
    );
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("  add: --deny-tool ["), "{table}");
    assert!(
        table.contains("  delete_everything: --deny-tool ["),
        "{table}"
    );
}

#[test]
fn call_tools_none_calls_nothing_and_the_scenarios_that_need_a_call_skip_saying_why() {
    let (_, records, calls) = recorded_run(
        "none",
        &[
            "--call-tools",
            "none",
            "--version",
            "2025-11-25",
            "--version",
            "2026-07-28",
        ],
    );
    assert_eq!(calls, Vec::<Value>::new());
    for name in [
        "tools/probe",
        "tools/bad-arguments",
        "tools/structured-output",
        "utilities/progress",
        "mrtr/round-trip",
        "mrtr/tampered-state",
    ] {
        let rows: Vec<_> = records.iter().filter(|r| r["scenario"] == name).collect();
        assert!(!rows.is_empty(), "{name}");
        for r in rows {
            let outcome = &r["outcome"];
            assert_eq!(outcome["status"], "skip", "{r}");
            let reason = outcome["reason"].as_str().unwrap_or_default();
            // MRTR does not exist in 2025-11-25: that row skips for that.
            assert!(
                reason.contains("--call-tools none") || reason.contains("new in 2026-07-28"),
                "{r}"
            );
        }
    }
}
