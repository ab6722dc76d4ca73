//! The golden transcripts (`mcp-conformance/golden/<version>/<scenario>.jsonl`) through
//! the binary: a fresh run of every scenario matches them in memory and over stdio (the
//! reference server re-executed as a child process), every message in them validates
//! against its version's schema, and a changed, stray, missing or schema-invalid file
//! fails the check with a readable reason. Re-bless with
//! `cargo run -p mcp-conformance -- golden --bless`.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The scenarios run for every version, and the transcripts there are: those seven for
/// each of the five versions, and `tasks` for 2025-11-25.
const SCENARIOS: usize = 7;
const TRANSCRIPTS: usize = SCENARIOS * 5 + 1;

fn golden(args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_mcp-conformance"))
        .arg("golden")
        .args(args)
        .output()
        .expect("the binary runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn checked_in() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("golden")
}

/// A scratch copy of the checked-in transcripts, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("mcp-golden-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        copy(&checked_in(), &dir);
        Self(dir)
    }

    fn file(&self, version: &str, scenario: &str) -> PathBuf {
        self.0.join(version).join(format!("{scenario}.jsonl"))
    }

    fn arg(&self) -> &str {
        self.0.to_str().expect("a UTF-8 temp dir")
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("scratch dir");
    for entry in std::fs::read_dir(from).expect("golden dir").flatten() {
        let path = entry.path();
        let target = to.join(entry.file_name());
        if path.is_dir() {
            copy(&path, &target);
        } else {
            std::fs::copy(&path, &target).expect("copy");
        }
    }
}

/// How many messages the schema check judged (its summary line).
fn schema_checked(out: &str) -> usize {
    let line = out
        .lines()
        .find(|l| l.starts_with("golden: schema: "))
        .unwrap_or_else(|| panic!("no schema summary in\n{out}"));
    line["golden: schema: ".len()..]
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("unreadable: {line}"))
}

#[test]
fn every_transcript_matches_a_fresh_run_in_memory_and_is_schema_valid() {
    let (ok, out) = golden(&[]);
    assert!(ok, "{out}");
    let same = out.lines().filter(|l| l.ends_with(" memory same")).count();
    assert_eq!(same, TRANSCRIPTS, "{out}");
    assert!(out.contains("0 transcript(s) with problems"), "{out}");
    // Every line of every file was judged.
    let lines: usize = std::fs::read_dir(checked_in())
        .expect("golden dir")
        .flatten()
        .flat_map(|d| std::fs::read_dir(d.path()).expect("version dir").flatten())
        .map(|f| {
            std::fs::read_to_string(f.path())
                .expect("file")
                .lines()
                .count()
        })
        .sum();
    assert!(lines > TRANSCRIPTS * 3, "{lines} lines");
    assert_eq!(schema_checked(&out), lines, "{out}");
}

#[test]
fn the_same_transcripts_come_over_stdio() {
    let (ok, out) = golden(&["--transport", "stdio"]);
    assert!(ok, "{out}");
    let same = out.lines().filter(|l| l.ends_with(" stdio  same")).count();
    assert_eq!(same, TRANSCRIPTS, "{out}");
}

#[test]
fn a_changed_transcript_fails_with_a_line_diff() {
    let scratch = Scratch::new("changed");
    let path = scratch.file("2025-06-18", "tools");
    let text = std::fs::read_to_string(&path).expect("tools.jsonl");
    assert!(text.contains("this tool always fails"));
    std::fs::write(&path, text.replace("this tool always fails", "it failed")).expect("write");
    let (ok, out) = golden(&["--dir", scratch.arg(), "--version", "2025-06-18"]);
    assert!(!ok, "{out}");
    assert!(
        out.contains("golden/tools          2025-06-18 memory DIFFERS"),
        "{out}"
    );
    let minus = out
        .lines()
        .any(|l| l.starts_with("- ") && l.contains("it failed"));
    let plus = out
        .lines()
        .any(|l| l.starts_with("+ ") && l.contains("this tool always fails"));
    assert!(minus && plus, "{out}");
    // The other transcripts of that version (with `tasks`, none for 2025-06-18) still match.
    let same = out.lines().filter(|l| l.ends_with(" memory same")).count();
    assert_eq!(same, SCENARIOS - 1, "{out}");
}

#[test]
fn a_stray_file_and_a_missing_file_fail() {
    let scratch = Scratch::new("stray");
    std::fs::write(scratch.file("2025-03-26", "no-such-scenario"), "{}\n").expect("write");
    std::fs::remove_file(scratch.file("2024-11-05", "prompts")).expect("remove");
    let (ok, out) = golden(&["--dir", scratch.arg()]);
    assert!(!ok, "{out}");
    assert!(
        out.contains("no-such-scenario.jsonl has no scenario"),
        "{out}"
    );
    assert!(
        out.contains("golden/prompts        2024-11-05 memory DIFFERS: no golden file"),
        "{out}"
    );
    assert!(out.contains("golden: 2 problem(s)"), "{out}");
}

#[test]
fn a_message_its_schema_rejects_fails() {
    let scratch = Scratch::new("schema");
    let path = scratch.file("2025-11-25", "tools");
    let text = std::fs::read_to_string(&path).expect("tools.jsonl");
    std::fs::write(&path, text.replace("\"inputSchema\"", "\"inputSchemata\"")).expect("write");
    let (ok, out) = golden(&["--dir", scratch.arg(), "--version", "2025-11-25"]);
    assert!(!ok, "{out}");
    assert!(out.contains("against the 2025-11-25 schema"), "{out}");
    assert!(out.contains("not a ListToolsResult"), "{out}");
    assert!(out.contains("1 transcript(s) with problems"), "{out}");
}

#[test]
fn bless_writes_every_transcript_and_removes_strays() {
    let scratch = Scratch::new("bless");
    std::fs::remove_dir_all(scratch.0.join("2026-07-28")).expect("remove");
    std::fs::write(scratch.file("2024-11-05", "old-scenario"), "{}\n").expect("write");
    let (ok, out) = golden(&["--bless", "--dir", scratch.arg()]);
    assert!(ok, "{out}");
    assert!(
        !scratch.file("2024-11-05", "old-scenario").exists(),
        "{out}"
    );
    let blessed = out.lines().filter(|l| l.contains(" blessed ")).count();
    assert_eq!(blessed, TRANSCRIPTS, "{out}");
    // What was blessed is what is checked in (the run is deterministic).
    for (version, scenario) in [
        ("2024-11-05", "handshake"),
        ("2026-07-28", "client-input"),
        ("2025-11-25", "tasks"),
    ] {
        let want =
            std::fs::read_to_string(checked_in().join(version).join(format!("{scenario}.jsonl")));
        let got = std::fs::read_to_string(scratch.file(version, scenario));
        assert!(want.is_ok(), "{version}/{scenario} is not checked in");
        assert_eq!(got.ok(), want.ok(), "{version}/{scenario}");
    }
    let (ok, out) = golden(&["--dir", scratch.arg()]);
    assert!(ok, "{out}");
}

#[test]
fn run_includes_the_golden_scenarios_over_memory_and_stdio() {
    let out = Command::new(env!("CARGO_BIN_EXE_mcp-conformance"))
        .args(["run", "--scenario", "golden/"])
        .output()
        .expect("the binary runs");
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{table}");
    for via in [" memory ", " stdio "] {
        let passed = table
            .lines()
            .filter(|l| l.starts_with("golden/") && l.contains(via) && l.ends_with(" pass"))
            .count();
        assert_eq!(passed, TRANSCRIPTS, "{via}in\n{table}");
    }
    // `tasks` has a transcript for 2025-11-25 only and says so for the other versions.
    let skipped = table
        .lines()
        .filter(|l| l.contains("skip (golden/tasks has no transcript for"))
        .count();
    assert_eq!(skipped, 2 * 4, "{table}");
}
