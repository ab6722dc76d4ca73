//! The exit codes, as documented: 0 nothing failed, 1 a scenario failed, 2 a usage error
//! (a target that cannot be started or reached, filters that select nothing), with one line
//! saying why on standard error and no scenario run.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::{Command, Output};

const EXE: &str = env!("CARGO_BIN_EXE_mcp-conformance");

fn conformance(args: &[&str]) -> Output {
    Command::new(EXE)
        .args(args)
        .arg("--quiet")
        .output()
        .expect("the binary runs")
}

fn fixture(fault: &str) -> String {
    format!("'{EXE}' fixture-server --fault {fault}")
}

/// Exit 2, no result table, and one line on stderr that contains `why`.
fn usage_error(out: &Output, why: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(2),
        "stderr: {stderr}\nstdout: {stdout}"
    );
    assert!(stdout.is_empty(), "no scenario should have run: {stdout}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains(why), "{why:?} not in {stderr}");
}

#[test]
fn nothing_failed_is_0() {
    let out = conformance(&[
        "server",
        "--command",
        &fixture("none"),
        "--scenario",
        "server/handshake",
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains(" passed, 0 failed"));
}

#[test]
fn a_failed_scenario_is_1() {
    let out = conformance(&[
        "server",
        "--command",
        &fixture("wrong-error-code"),
        "--scenario",
        "jsonrpc/unknown-method",
        "--version",
        "2025-11-25",
    ]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 passed, 1 failed"));
}

#[test]
fn a_command_that_is_not_found_is_2() {
    let out = conformance(&["server", "--command", "/nonexistent/mcp-server --stdio"]);
    usage_error(&out, "cannot be reached");
    assert!(String::from_utf8_lossy(&out.stderr).contains("not found"));
}

#[test]
fn a_command_that_exits_or_says_no_json_rpc_is_2() {
    usage_error(
        &conformance(&["server", "--command", "true"]),
        "cannot be reached",
    );
    usage_error(
        &conformance(&[
            "server",
            "--command",
            "echo '{\"not\": \"json-rpc\"}'; sleep 5",
            "--answer-within",
            "0.5",
        ]),
        "cannot be reached",
    );
    // Silence: bounded by --answer-within.
    usage_error(
        &conformance(&["server", "--command", "sleep 30", "--answer-within", "0.5"]),
        "no answer",
    );
}

#[test]
fn a_closed_port_or_a_malformed_url_is_2() {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let url = format!("http://127.0.0.1:{port}/mcp");
    usage_error(
        &conformance(&["server", "--url", &url]),
        "cannot be reached",
    );
    usage_error(
        &conformance(&["server", "--url", "not a url"]),
        "is not a URL",
    );
    usage_error(
        &conformance(&["server", "--url", "ftp://127.0.0.1/mcp"]),
        "is not an http(s) URL",
    );
}

#[test]
fn a_path_that_is_not_an_mcp_endpoint_is_2() {
    // A web server that answers 404 to everything.
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(16) {
            let Ok(mut stream) = stream else { continue };
            let mut buf = [0u8; 8192];
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(
                b"HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 9\r\n\
                  Connection: close\r\n\r\nnot found",
            );
        }
    });
    let url = format!("http://127.0.0.1:{port}/nowhere");
    let out = conformance(&["server", "--url", &url]);
    usage_error(&out, "cannot be reached");
    assert!(String::from_utf8_lossy(&out.stderr).contains("404"));
}

#[test]
fn a_filter_that_selects_nothing_is_2() {
    let nothing = ["--scenario", "no/such-scenario"];
    let command = fixture("none");
    let server = [&["server", "--command", &command][..], &nothing].concat();
    usage_error(&conformance(&server), "no scenario matches");
    let client = [&["client", "--command", "true"][..], &nothing].concat();
    usage_error(&conformance(&client), "no scenario matches");
    let run = [&["run"][..], &nothing].concat();
    usage_error(&conformance(&run), "no scenario matches");
}

#[test]
fn a_client_command_that_is_not_found_is_2() {
    let out = conformance(&["client", "--command", "/nonexistent/mcp-client"]);
    usage_error(&out, "cannot be started");
}

/// The processes whose command line is exactly `words` (read from /proc).
#[cfg(target_os = "linux")]
fn processes_running(words: &[&str]) -> usize {
    let wanted: Vec<u8> = words
        .iter()
        .flat_map(|w| [w.as_bytes(), b"\0"].concat())
        .collect();
    std::fs::read_dir("/proc")
        .expect("/proc")
        .filter_map(Result::ok)
        .filter_map(|entry| std::fs::read(entry.path().join("cmdline")).ok())
        .filter(|cmdline| *cmdline == wanted)
        .count()
}

#[cfg(target_os = "linux")]
#[test]
fn nothing_the_target_command_started_outlives_the_run() {
    // `sh -c` runs the sleep as its own child; stopping `sh` alone would leave it running.
    // A duration of our own (from our pid) so that no other process matches.
    let duration = format!(
        "{}.{}",
        40 + std::process::id() % 50,
        std::process::id() % 997
    );
    let command = format!("sleep {duration}; echo");
    usage_error(
        &conformance(&["server", "--command", &command, "--answer-within", "0.5"]),
        "no answer",
    );
    // The group gets SIGTERM at once (and SIGKILL after a grace): give it a moment to go.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while processes_running(&["sleep", &duration]) > 0 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(
        processes_running(&["sleep", &duration]),
        0,
        "the target's child is still running"
    );
}
