//! `mcp-conformance requirements`: the table of the spec's MUSTs and SHOULDs with the tests
//! and scenarios that check each one, run as the binary.

use std::process::Command;

fn requirements(args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_mcp-conformance"))
        .arg("requirements")
        .args(args)
        .output()
        .expect("run mcp-conformance");
    (
        out.status.success(),
        String::from_utf8(out.stdout).expect("UTF-8 output"),
    )
}

#[test]
fn the_text_table_lists_a_row_with_its_test_and_scenario() {
    let (ok, text) = requirements(&[]);
    assert!(ok, "exit status");
    // 1.19: unsupported version -> -32022, checked by a unit test of mcp-protocol and by the
    // server scenario server/unknown-version.
    let row = text.split("\n1.19 ").nth(1).expect("row 1.19 in the table");
    let block: Vec<&str> = row.lines().take(3).collect();
    assert!(
        block[0].contains("2026-07-28") && block[0].contains("MUST"),
        "{block:?}"
    );
    assert!(
        block[1].contains("scenario server/unknown-version"),
        "{block:?}"
    );
    assert!(
        block[1]
            .contains("stateless_requests_with_unknown_versions_get_32022_with_the_supported_list"),
        "{block:?}"
    );
    // A row no check can reach shows its reason.
    assert!(
        text.contains("untested: n/a for a library"),
        "reasons shown"
    );
    assert!(
        text.trim_end()
            .lines()
            .last()
            .unwrap_or("")
            .contains("requirements:"),
        "summary line last"
    );
}

#[test]
fn json_and_markdown_carry_the_same_rows_and_missing_keeps_only_rows_without_entry() {
    let (ok, json) = requirements(&["--format", "json"]);
    assert!(ok);
    let doc: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let rows = doc["requirements"].as_array().expect("rows");
    assert_eq!(rows.len() as u64, doc["total"].as_u64().unwrap());
    let r = rows.iter().find(|r| r["id"] == "2.3").expect("row 2.3");
    assert_eq!(r["party"], "server");
    assert!(
        r["server"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "scenario server/handshake"),
        "{r}"
    );

    let (ok, md) = requirements(&["--format", "markdown"]);
    assert!(ok);
    assert!(md.starts_with("| ID | revision | level | party |"));
    assert_eq!(
        md.lines()
            .filter(|l| l.starts_with("| ") && !l.starts_with("| ID"))
            .count(),
        rows.len()
    );

    let (ok, missing) = requirements(&["--missing", "--format", "json"]);
    assert!(ok);
    let doc: serde_json::Value = serde_json::from_str(&missing).expect("JSON");
    let shown = doc["requirements"].as_array().unwrap();
    assert_eq!(shown.len() as u64, doc["without_entry"].as_u64().unwrap());
    assert!(
        shown
            .iter()
            .all(|r| r["server"].as_array().unwrap().is_empty()
                && r["client"].as_array().unwrap().is_empty()
                && r["why_untested"].is_null())
    );
}
