//! The harness itself: a `--quick` run (tiny counts) of the whole comparison, through the
//! built binary, real child processes and sockets on 127.0.0.1. Checks that every row was
//! measured and the markdown file was written; asserts nothing about speed.

use std::process::Command;

#[test]
fn quick_run_measures_every_row_and_writes_the_markdown() {
    let dir = std::env::temp_dir().join(format!("compare-smoke-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let out = dir.join("BENCHMARKS.md");
    let run = Command::new(env!("CARGO_BIN_EXE_compare"))
        .args(["--quick", "--out"])
        .arg(&out)
        .output()
        .expect("compare runs");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "compare --quick failed: {stderr}");
    let table = String::from_utf8_lossy(&run.stdout);
    for transport in ["in-memory", "stdio", "HTTP"] {
        for pair in ["ours → ours", "rmcp → rmcp", "ours → rmcp", "rmcp → ours"] {
            for c in ["c1", "c16"] {
                for tool in ["echo", "add"] {
                    let row = format!("| {transport} | {c} | {tool} | {pair} |");
                    assert!(table.contains(&row), "no row {row:?} in:\n{table}");
                }
            }
        }
    }
    for line in [
        "| HTTP sessions/s |",
        "| RSS per idle session, KiB |",
        "| cold start, ms |",
        "| pipe ping-pong c1 |",
        "| hyper POST c1 |",
        "| hyper POST c16 |",
        "| stdio c16 add, calls/s |",
    ] {
        assert!(table.contains(line), "no {line:?} in:\n{table}");
    }
    let written = std::fs::read_to_string(&out).expect("the markdown file");
    assert!(written.contains("rmcp 3.11.0"), "{written}");
    assert!(written.contains("CPUs (nproc)"), "{written}");
    assert!(written.contains("## How to run"), "{written}");
    assert!(
        written.contains(table.trim().lines().next().unwrap_or_default()),
        "{written}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
