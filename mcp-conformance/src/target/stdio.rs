//! A target server started as a child process, spoken to over stdio (newline-delimited
//! JSON, 2025-11-25 basic/transports §stdio).

use std::io;
use std::process::Stdio;
use std::sync::{Arc, Mutex, PoisonError};

use futures::FutureExt;
use futures::future::BoxFuture;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};

use super::Wire;

/// The most of the target's stderr kept for the report.
const STDERR_KEPT: usize = 16 * 1024;

/// The longest line read from the target (a bigger one is an error, not a hang).
const MAX_LINE: usize = 16 * 1024 * 1024;

/// A server child process. When dropped, its whole process group is asked to stop (SIGTERM)
/// and killed a moment later: the command runs under `sh -c`, and killing only `sh` would
/// leave the server itself running (dash does not `exec` the last command).
pub(crate) struct StdioWire {
    child: Child,
    /// The process group the command runs in (its own, led by `sh`); Unix only.
    #[cfg(unix)]
    group: Option<rustix::process::Pid>,
    lines: Lines<ChildStdout, ChildStdin>,
    stderr: Arc<Mutex<String>>,
    /// The task copying the target's stderr into `stderr`, until the pipe closes.
    stderr_task: Option<tokio::task::JoinHandle<()>>,
}

/// How long a target that went away is given to exit and finish its stderr, so the report
/// says why it went (a command not found, a crash's message) rather than racing it.
const SETTLE: std::time::Duration = std::time::Duration::from_secs(2);

/// Newline-delimited JSON messages over a byte stream each way: a child's stdio, or an
/// in-memory pipe.
pub(crate) struct Lines<R, W> {
    input: BufReader<R>,
    output: W,
}

impl<R: AsyncRead + Unpin, W: AsyncWrite + Unpin> Lines<R, W> {
    /// Messages read from `input` and written to `output`.
    pub(crate) fn new(input: R, output: W) -> Self {
        Self {
            input: BufReader::new(input),
            output,
        }
    }

    /// Writes one message (its bytes exactly) and the newline that ends it.
    pub(crate) async fn send(&mut self, message: &[u8]) -> io::Result<()> {
        self.output.write_all(message).await?;
        self.output.write_all(b"\n").await?;
        self.output.flush().await
    }

    /// The next line, without its line ending; `None` at the end of the stream.
    pub(crate) async fn recv(&mut self) -> io::Result<Option<Vec<u8>>> {
        let mut line = Vec::new();
        let n = (&mut self.input)
            .take(MAX_LINE as u64)
            .read_until(b'\n', &mut line)
            .await?;
        if n == 0 {
            return Ok(None);
        }
        if line.last() != Some(&b'\n') && n >= MAX_LINE {
            return Err(io::Error::other(format!(
                "a line longer than {MAX_LINE} bytes"
            )));
        }
        while line.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
            line.pop();
        }
        Ok(Some(line))
    }
}

impl StdioWire {
    /// Starts `command` (run by `sh -c`, so it may hold arguments and quotes).
    pub(crate) fn spawn(command: &str) -> io::Result<Self> {
        let mut command_line = Command::new("sh");
        command_line
            .arg("-c")
            .arg(command)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        // A group of its own, so that everything the command starts can be stopped together.
        #[cfg(unix)]
        command_line.process_group(0);
        let mut child = command_line.spawn()?;
        #[cfg(unix)]
        let group = child
            .id()
            .and_then(|pid| i32::try_from(pid).ok())
            .and_then(rustix::process::Pid::from_raw);
        let stdin = child
            .stdin
            .take()
            .ok_or_else(|| io::Error::other("no stdin"))?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| io::Error::other("no stdout"))?;
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut stderr_task = None;
        if let Some(mut pipe) = child.stderr.take() {
            let kept = stderr.clone();
            stderr_task = Some(tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                while let Ok(n @ 1..) = pipe.read(&mut buf).await {
                    let mut kept = kept.lock().unwrap_or_else(PoisonError::into_inner);
                    if kept.len() < STDERR_KEPT {
                        kept.push_str(&String::from_utf8_lossy(&buf[..n]));
                    }
                }
            }));
        }
        Ok(Self {
            child,
            #[cfg(unix)]
            group,
            lines: Lines::new(stdout, stdin),
            stderr,
            stderr_task,
        })
    }

    /// After the target closed its end: waits (at most [`SETTLE`]) for it to exit and for its
    /// stderr to be read to the end, for [`Wire::diagnostics`].
    async fn settle(&mut self) {
        let _ = tokio::time::timeout(SETTLE, self.child.wait()).await;
        if let Some(task) = self.stderr_task.take() {
            let _ = tokio::time::timeout(SETTLE, task).await;
        }
    }
}

/// How long a target's process group has, after SIGTERM, before it is killed.
#[cfg(unix)]
const STOP_GRACE: std::time::Duration = std::time::Duration::from_secs(2);

#[cfg(unix)]
impl Drop for StdioWire {
    fn drop(&mut self) {
        use rustix::process::{Signal, kill_process_group};
        let Some(group) = self.group else { return };
        // A group already gone gives ESRCH: fine. The group id cannot be taken by another
        // group within the grace: Linux hands out pids in order and would have to wrap around.
        let _ = kill_process_group(group, Signal::TERM);
        let _ = std::thread::Builder::new()
            .name("mcp-conformance-stop".into())
            .spawn(move || {
                std::thread::sleep(STOP_GRACE);
                let _ = kill_process_group(group, Signal::KILL);
            });
    }
}

impl Wire for StdioWire {
    fn send<'a>(&'a mut self, message: &'a [u8]) -> BoxFuture<'a, io::Result<()>> {
        async move {
            let sent = self.lines.send(message).await;
            if sent.is_err() {
                self.settle().await; // a broken pipe: the target is gone, say why
            }
            sent
        }
        .boxed()
    }

    fn recv(&mut self) -> BoxFuture<'_, io::Result<Option<Vec<u8>>>> {
        async move {
            let line = self.lines.recv().await?;
            if line.is_none() {
                self.settle().await;
            }
            Ok(line)
        }
        .boxed()
    }

    fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    fn diagnostics(&mut self) -> Option<String> {
        let exited = self.child.try_wait().ok().flatten();
        let stderr = self.stderr.lock().unwrap_or_else(PoisonError::into_inner);
        let mut out = String::new();
        if let Some(status) = exited {
            out.push_str(&format!("the server exited: {status}\n"));
        }
        if !stderr.trim().is_empty() {
            out.push_str("its stderr: ");
            out.push_str(stderr.trim());
        }
        (!out.is_empty()).then_some(out)
    }
}
