//! `--html FILE` opened in a real browser: headless Chromium (Debian's `chromium`, installed by
//! `.ci/run`) loads the page written for a run with one failure and must render its summary and
//! the finding. Without Chromium the test prints a loud `SKIPPED` line and passes, unless
//! `MCP_REQUIRE_CHROMIUM` is set (CI sets it): there it must run.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The browser on this machine, if any.
fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            let out = Command::new("sh")
                .args(["-c", &format!("command -v {name}")])
                .output()
                .ok()?;
            let path = String::from_utf8(out.stdout).ok()?;
            let path = path.trim();
            (out.status.success() && !path.is_empty()).then(|| PathBuf::from(path))
        })
}

/// The page's DOM after Chromium loaded and laid it out.
fn rendered(browser: &Path, page: &Path, profile: &Path) -> String {
    let out = Command::new(browser)
        .args([
            "--headless",
            // CI runs as root, where Chromium's sandbox cannot start.
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn the_html_report_renders_its_summary_and_finding_in_chromium() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("MCP_REQUIRE_CHROMIUM").is_none(),
            "MCP_REQUIRE_CHROMIUM is set but no chromium is installed"
        );
        eprintln!("SKIPPED: no chromium on PATH (apt-get install chromium)");
        return;
    };
    let dir = std::env::temp_dir().join(format!("mcp-conformance-html-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let page = dir.join("report.html");
    let exe = env!("CARGO_BIN_EXE_mcp-conformance");
    // One deliberate fault, one scenario, two versions: a single finding that holds for both.
    let out = Command::new(exe)
        .args(["server", "--command"])
        .arg(format!("'{exe}' fixture-server --fault progress-backwards"))
        .args(["--scenario", "utilities/progress"])
        .args(["--version", "2025-06-18", "--version", "2025-11-25"])
        .arg("--html")
        .arg(&page)
        .output()
        .expect("the binary runs");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    let dom = rendered(&browser, &page, &dir.join("profile"));
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        dom.contains("<p id=\"summary\" class=\"failed\">0 passed, 2 failed, 0 skipped in"),
        "the summary did not render:\n{dom}"
    );
    assert_eq!(
        dom.matches("class=\"finding").count(),
        1,
        "one finding for the two versions:\n{dom}"
    );
    assert!(dom.contains("utilities/progress"), "{dom}");
    assert!(
        dom.contains("2025-06-18 over stdio, 2025-11-25 over stdio"),
        "{dom}"
    );
}
