//! Starting the client under test as the official contract does: `sh -c "CMD URL"` with
//! `MCP_CONFORMANCE_SCENARIO` (and `MCP_CONFORMANCE_CONTEXT`) in its environment, bounded in
//! time; a client still running then is killed with its whole process group (on Unix;
//! elsewhere the shell alone is killed, and `sh` must be on the `PATH`).

use std::process::Stdio;

use serde_json::Value;
use tokio::io::AsyncReadExt;
use tokio::process::Command;

use std::time::Duration;

/// How the client process ended.
#[derive(Debug)]
pub(crate) enum Exit {
    /// It exited with this code (`None`: killed by a signal).
    Code(Option<i32>, String),
    /// It was still running after the time it was given and was killed.
    TimedOut(Duration),
    /// It could not be started.
    NotStarted(String),
}

/// The most bytes of the client's stderr kept.
const STDERR_KEPT: usize = 4000;

impl Exit {
    /// Why it did not succeed, for a failure reason.
    pub(crate) fn problem(&self) -> Option<String> {
        match self {
            Self::Code(Some(0), _) => None,
            Self::Code(Some(code), _) => Some(format!("the client exited with status {code}")),
            Self::Code(None, _) => Some("the client was killed by a signal".into()),
            Self::TimedOut(within) => Some(format!(
                "the client was still running after {} s",
                within.as_secs_f64()
            )),
            Self::NotStarted(e) => Some(format!("the client could not be started: {e}")),
        }
    }

    /// Evidence lines: how it ended and what it wrote on stderr.
    pub(crate) fn describe(&self) -> Vec<String> {
        let (end, stderr) = match self {
            Self::Code(code, err) => (format!("client exit status {code:?}"), err),
            Self::TimedOut(_) => return vec!["client timed out and was killed".to_owned()],
            Self::NotStarted(e) => return vec![format!("client not started: {e}")],
        };
        let mut out = vec![end];
        let stderr = stderr.trim();
        if !stderr.is_empty() {
            out.push(format!("client stderr: {}", crate::target::clip(stderr)));
        }
        out
    }
}

/// `text` quoted for `sh`.
fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// Runs `command` with `url` as its last argument until it exits or `within` passes.
pub(crate) async fn run_client(
    command: &str,
    url: &str,
    scenario: &str,
    context: Option<&Value>,
    within: Duration,
) -> Exit {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!("{command} {}", quoted(url)))
        .env("MCP_CONFORMANCE_SCENARIO", scenario)
        .env_remove("MCP_CONFORMANCE_CONTEXT")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    #[cfg(unix)]
    cmd.process_group(0);
    if let Some(c) = context {
        cmd.env("MCP_CONFORMANCE_CONTEXT", c.to_string());
    }
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => return Exit::NotStarted(e.to_string()),
    };
    let mut stderr = child.stderr.take();
    let read_stderr = async move {
        let mut buf = Vec::new();
        if let Some(err) = stderr.as_mut() {
            // Bounded: the rest is drained and dropped so the client never blocks on it.
            let _ = err.take(STDERR_KEPT as u64).read_to_end(&mut buf).await;
            let _ = tokio::io::copy(err, &mut tokio::io::sink()).await;
        }
        String::from_utf8_lossy(&buf).into_owned()
    };
    let waited = tokio::time::timeout(within, async {
        let (status, err) = tokio::join!(child.wait(), read_stderr);
        (status, err)
    })
    .await;
    match waited {
        Ok((Ok(status), err)) => Exit::Code(status.code(), err),
        Ok((Err(e), _)) => Exit::NotStarted(e.to_string()),
        Err(_) => {
            // The whole group: `sh` and whatever it started.
            #[cfg(unix)]
            if let Some(pid) = child.id().filter(|&p| p > 1) {
                let _ = std::process::Command::new("kill")
                    .args(["-s", "KILL", "--", &format!("-{pid}")])
                    .stdin(Stdio::null())
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status();
            }
            let _ = child.kill().await;
            Exit::TimedOut(within)
        }
    }
}

/// How long [`preflight`] lets the client run: enough for `sh` to find (or not find) it.
const PREFLIGHT_WITHIN: Duration = Duration::from_secs(2);

/// Whether `command` can be started at all, before any scenario runs: it is run once against
/// a closed loopback port (so it talks to nothing) for at most [`PREFLIGHT_WITHIN`]. `Err`
/// with the reason when `sh` could not find or execute it (exit status 127 or 126, POSIX
/// `sh` §Command Search and Execution) or could not start it; how else it ends is the
/// scenarios' business.
pub(crate) async fn preflight(command: &str) -> Result<(), String> {
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| format!("no loopback port: {e}"))?
        .port();
    let url = format!("http://127.0.0.1:{port}/mcp");
    match run_client(command, &url, "initialize", None, PREFLIGHT_WITHIN).await {
        Exit::Code(Some(code @ (126 | 127)), stderr) => {
            let stderr = stderr.trim().replace('\n', "; ");
            Err(format!(
                "the command cannot be started (sh exit status {code}): {}",
                crate::target::clip_at(&stderr, 300)
            ))
        }
        Exit::NotStarted(e) => Err(format!("the command cannot be started: {e}")),
        Exit::Code(..) | Exit::TimedOut(_) => Ok(()),
    }
}
