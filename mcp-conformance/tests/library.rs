//! `mcp-conformance` as a library: [`ServerCheck`] runs the server scenarios against a server
//! in memory or started by a command, and its [`Report`](mcp_conformance::Report) says what
//! `mcp-conformance server` says.

use mcp_conformance::{Error, ServerCheck, Status};
use mcp_protocol::ProtocolVersion;
use mcp_server::{RequestContext, Server, ToolDef};

const EXE: &str = env!("CARGO_BIN_EXE_mcp-conformance");

#[derive(serde::Deserialize, schemars::JsonSchema)]
struct Echo {
    /// What to send back.
    text: String,
}

fn echo_server() -> Server {
    let server = Server::builder("echo", "1.0.0").build();
    server
        .add_tool(
            ToolDef::new("echo", |a: Echo, _: RequestContext| async move { a.text })
                .description("Sends its text back"),
        )
        .expect("a new tool");
    server
}

#[test]
fn a_server_in_memory_passes_every_scenario_that_applies() {
    // Our own harmless tools: every one is called (the default calls read-only ones only).
    let report = ServerCheck::memory(echo_server())
        .call_all_tools()
        .run()
        .expect("it answers");
    assert!(report.failed().is_empty(), "{}", report.table());
    let records = report.records();
    assert!(records.iter().all(|r| r.transport() == "memory"));
    // Every scenario ran in every version, and the ones at the heart of it passed (in
    // memory as over stdio: the same bytes cross the pipe).
    assert_eq!(records.len() % ProtocolVersion::ALL.len(), 0);
    let status = |scenario: &str, version: &str| {
        records
            .iter()
            .find(|r| r.scenario() == scenario && r.version() == version)
            .map(|r| r.status())
    };
    for version in ProtocolVersion::ALL {
        let version = version.as_str();
        assert_eq!(status("server/handshake", version), Some(Status::Pass));
        assert_eq!(
            status("jsonrpc/unknown-method", version),
            Some(Status::Pass)
        );
    }
    assert_eq!(status("tools/probe", "2025-11-25"), Some(Status::Pass));
    // The HTTP rules do not apply to a pipe.
    let http = records.iter().find(|r| r.scenario().starts_with("http/"));
    assert_eq!(http.map(|r| r.status()), Some(Status::Skip));
}

#[test]
fn a_fault_is_a_failed_record_with_its_reason_and_evidence() {
    let report = ServerCheck::command(format!("'{EXE}' fixture-server --fault wrong-error-code"))
        .scenario("jsonrpc/unknown-method")
        .version(ProtocolVersion::V2025_11_25)
        .run()
        .expect("it answers");
    let failed = report.failed();
    assert_eq!(failed.len(), 1, "{}", report.table());
    let record = failed[0];
    assert_eq!(record.scenario(), "jsonrpc/unknown-method");
    assert_eq!(record.version(), "2025-11-25");
    assert_eq!(record.transport(), "stdio");
    assert!(
        record.reason().is_some_and(|r| r.contains("-32603")),
        "{record:?}"
    );
    assert!(!record.evidence().is_empty());
    assert!(report.json().contains("\"status\": \"fail\""));
}

#[test]
fn a_target_that_cannot_be_reached_or_an_empty_filter_is_an_error() {
    let unreachable = ServerCheck::command("true").run();
    assert!(
        matches!(unreachable, Err(Error::Unreachable(_))),
        "{unreachable:?}"
    );
    let nothing = ServerCheck::memory(echo_server())
        .scenario("no/such-scenario")
        .run();
    assert!(
        matches!(nothing, Err(Error::NothingSelected(_))),
        "{nothing:?}"
    );
    let header = ServerCheck::url("http://127.0.0.1:9/mcp").header("no colon");
    assert!(matches!(header, Err(Error::Usage(_))));
}
