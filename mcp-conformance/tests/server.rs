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
fn serving_before_initialize_fails_that_scenario_alone() {
    assert_eq!(
        failing("serves-before-initialize"),
        set(&["lifecycle/request-before-initialize"])
    );
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

#[test]
fn serving_an_unadvertised_subscribe_fails_that_scenario_alone() {
    assert_eq!(
        failing("unadvertised-subscribe"),
        set(&["resources/subscribe-honesty"])
    );
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
fn an_http_error_status_without_a_json_rpc_body_is_a_clear_failure() {
    let url = raw_http_server(
        "HTTP/1.1 500 Internal Server Error\r\ncontent-type: text/plain\r\ncontent-length: 4\r\nconnection: close\r\n\r\nnope",
        8,
    );
    let record = the_one_failure("500", &["--url", &url, "--scenario", "server/handshake"]);
    let outcome = &record["outcome"];
    assert_eq!(record["transport"], "http");
    let reason = outcome["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains("HTTP 500") && reason.contains("nope") && reason.contains("initialize"),
        "{reason}"
    );
}

#[test]
fn a_server_that_answers_everything_with_200_fails_the_http_rules() {
    // No Origin check, no Accept check, a GET served like a POST.
    let url = raw_http_server(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 36\r\nconnection: close\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}",
        16,
    );
    let report =
        std::env::temp_dir().join(format!("mcp-conformance-200-{}.json", std::process::id()));
    let (_, records) = server(
        &[
            "--url",
            &url,
            "--scenario",
            "http/",
            "--version",
            "2026-07-28",
        ],
        &report,
    );
    let status = |name: &str| {
        records
            .iter()
            .find(|r| r["scenario"] == name)
            .map(|r| r["outcome"]["status"].clone())
    };
    for rule in ["http/foreign-origin", "http/not-acceptable", "http/get"] {
        assert_eq!(status(rule), Some("fail".into()), "{rule}: {records:?}");
    }
    // 2026-07-28 has no sessions.
    for rule in ["http/unknown-session", "http/delete-ends-session"] {
        assert_eq!(status(rule), Some("skip".into()), "{rule}: {records:?}");
    }
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

/// One HTTP/1.1 request read from `stream`: its request line and body.
fn read_request(stream: &mut std::net::TcpStream) -> Option<(String, String)> {
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
                return Some((line, body.into_owned()));
            }
        }
        let n = stream.read(&mut buf).ok().filter(|n| *n > 0)?;
        bytes.extend_from_slice(&buf[..n]);
    }
    None
}

/// A session-era server on 127.0.0.1 that numbers the events of its SSE answers but answers
/// a GET with `Last-Event-ID` with an empty event stream: the replayed events are lost. Its
/// URL; it serves its first `connections` connections.
fn server_that_loses_events(connections: usize) -> String {
    use std::io::Write;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let url = format!("http://{}/mcp", listener.local_addr().expect("its address"));
    std::thread::spawn(move || {
        for (n, stream) in listener.incoming().take(connections).enumerate() {
            let Ok(mut stream) = stream else { continue };
            let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(2)));
            let Some((line, body)) = read_request(&mut stream) else {
                continue;
            };
            let message: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
            let id = &message["id"];
            let (kind, body) = match message["method"].as_str() {
                _ if !line.starts_with("POST") => ("text/event-stream", String::new()),
                Some("initialize") => (
                    "application/json",
                    serde_json::json!({"jsonrpc": "2.0", "id": id,
                    "result": {"protocolVersion": "2025-11-25", "capabilities": {"tools": {}},
                        "serverInfo": {"name": "loses-events", "version": "1"}}})
                    .to_string(),
                ),
                Some("tools/list") => (
                    "application/json",
                    serde_json::json!({"jsonrpc": "2.0", "id": id,
                    "result": {"tools": [{"name": "tick", "inputSchema": {"type": "object"}}]}})
                    .to_string(),
                ),
                Some("tools/call") => {
                    let token = &message["params"]["_meta"]["progressToken"];
                    let progress = serde_json::json!({"jsonrpc": "2.0", "method": "notifications/progress",
                        "params": {"progressToken": token, "progress": 1}});
                    let done = serde_json::json!({"jsonrpc": "2.0", "id": id,
                        "result": {"content": [{"type": "text", "text": "tick"}]}});
                    (
                        "text/event-stream",
                        format!(
                            "id: {n}/0\ndata:\n\nid: {n}/1\ndata: {progress}\n\nid: {n}/2\ndata: {done}\n\n"
                        ),
                    )
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

#[test]
fn a_server_that_numbers_events_but_does_not_replay_them_fails_resumability() {
    let url = server_that_loses_events(32);
    let record = the_one_failure(
        "loses-events",
        &["--url", &url, "--scenario", "http/resumability"],
    );
    let reason = record["outcome"]["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains("did not replay") && reason.contains("they are lost"),
        "{reason}"
    );
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
