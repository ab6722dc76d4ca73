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

/// A server child process. Killed when dropped.
pub(crate) struct StdioWire {
    child: Child,
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
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(command)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()?;
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
