//! The stdio transport (basic/transports §stdio): a server on its own stdin/stdout, and a
//! client that spawns the server as a child process.
//!
//! Both are [`NdjsonTransport`]s. What matters for speed is that no message takes a thread
//! hop: tokio's `io::stdin()`/`io::stdout()` run every read and write on the blocking pool,
//! which on a 2-core machine caps a stdio server at a fraction of what the pipe can do. So when
//! stdin and stdout are pipes (as they are under an MCP client) [`stdio`] drives them on the
//! reactor with [`tokio::net::unix::pipe`]; only a terminal or a regular file falls back to the
//! blocking versions. The child's pipes ([`tokio::process`]) are reactor-driven already.
//!
//! The child gets its own process group, and dropping the [`ChildTransport`] kills the whole
//! group, so a server that forked helpers (or a shell wrapper) leaves nothing behind.

use std::ffi::OsStr;
use std::fs::File;
use std::io;
use std::os::fd::AsFd;
use std::pin::Pin;
use std::process::Stdio;
use std::task::{Context, Poll};

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, BufReader, ReadBuf};
use tokio::net::unix::pipe;
use tokio::process::{Child, ChildStderr, ChildStdin, ChildStdout, Command};

use super::ndjson::NdjsonTransport;
use super::transport::{Received, Transport, TransportError};
use crate::jsonrpc::Message;

/// The server side: this process's stdin and stdout.
pub type StdioTransport = NdjsonTransport<StdinReader, StdoutWriter>;

/// A server transport on this process's stdin and stdout. Must be called inside a tokio
/// runtime.
///
/// When they are pipes they are switched to non-blocking mode and driven by the reactor.
/// That mode belongs to the open pipe, not to this process's handle, so nothing else in the
/// process may write to stdout (which an MCP stdio server must not do anyway: stdout carries
/// only messages; logs go to stderr).
pub fn stdio() -> io::Result<StdioTransport> {
    Ok(NdjsonTransport::new(
        StdinReader::new()?,
        StdoutWriter::new()?,
    ))
}

/// This process's stdin, on the reactor when it is a pipe.
#[derive(Debug)]
pub struct StdinReader(StdinKind);

#[derive(Debug)]
enum StdinKind {
    Pipe(pipe::Receiver),
    Blocking(tokio::io::Stdin),
}

impl StdinReader {
    fn new() -> io::Result<Self> {
        let file = File::from(io::stdin().as_fd().try_clone_to_owned()?);
        // `from_file` refuses anything but a FIFO; then the blocking pool it is.
        Ok(Self(match pipe::Receiver::from_file(file) {
            Ok(rx) => StdinKind::Pipe(rx),
            Err(_) => StdinKind::Blocking(tokio::io::stdin()),
        }))
    }

    /// Whether stdin is driven by the reactor (it is a pipe).
    pub fn is_pipe(&self) -> bool {
        matches!(self.0, StdinKind::Pipe(_))
    }
}

impl AsyncRead for StdinReader {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match &mut self.get_mut().0 {
            StdinKind::Pipe(p) => Pin::new(p).poll_read(cx, buf),
            StdinKind::Blocking(s) => Pin::new(s).poll_read(cx, buf),
        }
    }
}

/// This process's stdout, on the reactor when it is a pipe.
#[derive(Debug)]
pub struct StdoutWriter(StdoutKind);

#[derive(Debug)]
enum StdoutKind {
    Pipe(pipe::Sender),
    Blocking(tokio::io::Stdout),
}

impl StdoutWriter {
    fn new() -> io::Result<Self> {
        let file = File::from(io::stdout().as_fd().try_clone_to_owned()?);
        Ok(Self(match pipe::Sender::from_file(file) {
            Ok(tx) => StdoutKind::Pipe(tx),
            Err(_) => StdoutKind::Blocking(tokio::io::stdout()),
        }))
    }

    /// Whether stdout is driven by the reactor (it is a pipe).
    pub fn is_pipe(&self) -> bool {
        matches!(self.0, StdoutKind::Pipe(_))
    }
}

impl AsyncWrite for StdoutWriter {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match &mut self.get_mut().0 {
            StdoutKind::Pipe(p) => Pin::new(p).poll_write(cx, buf),
            StdoutKind::Blocking(s) => Pin::new(s).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match &mut self.get_mut().0 {
            StdoutKind::Pipe(p) => Pin::new(p).poll_flush(cx),
            StdoutKind::Blocking(s) => Pin::new(s).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match &mut self.get_mut().0 {
            StdoutKind::Pipe(p) => Pin::new(p).poll_shutdown(cx),
            StdoutKind::Blocking(s) => Pin::new(s).poll_shutdown(cx),
        }
    }
}

/// Where the child's stderr goes (basic/transports §stdio: the server may log there; the
/// client may capture, forward or ignore it).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Stderr {
    /// Straight to this process's stderr, untouched (no copy through us).
    #[default]
    Inherit,
    /// Line by line to `tracing` at INFO, target `mcp_protocol::rt::stdio::child`, with the
    /// child's pid.
    Tracing,
    /// Discarded.
    Null,
}

/// The client side: a spawned child process speaking MCP on its stdin/stdout.
///
/// Dropping it kills the child's whole process group with `SIGKILL`.
#[derive(Debug)]
pub struct ChildTransport {
    io: NdjsonTransport<ChildStdout, ChildStdin>,
    child: Child,
    group: Option<rustix::process::Pid>,
}

impl ChildTransport {
    /// Spawns `program` with `args`, stderr inherited. See [`ChildTransport::spawn`].
    pub fn command<I, S>(program: impl AsRef<OsStr>, args: I) -> io::Result<Self>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut cmd = std::process::Command::new(program);
        cmd.args(args);
        Self::spawn(cmd, Stderr::Inherit)
    }

    /// Spawns `command` (its stdin, stdout and stderr settings are replaced) in a process
    /// group of its own. Must be called inside a tokio runtime.
    pub fn spawn(command: std::process::Command, stderr: Stderr) -> io::Result<Self> {
        let mut command = Command::from(command);
        command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(match stderr {
                Stderr::Inherit => Stdio::inherit(),
                Stderr::Tracing => Stdio::piped(),
                Stderr::Null => Stdio::null(),
            })
            // Its own group, so that killing the group reaches everything it started and
            // nothing of ours; and a Ctrl-C at our terminal does not hit it behind our back.
            .process_group(0)
            .kill_on_drop(true);
        let mut child = command.spawn()?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            return Err(io::Error::other(
                "the child's stdin or stdout was not piped",
            ));
        };
        let pid = child.id();
        if let Some(err) = child.stderr.take() {
            tokio::spawn(forward_stderr(err, pid.unwrap_or(0)));
        }
        let group = pid
            .and_then(|pid| i32::try_from(pid).ok())
            .and_then(rustix::process::Pid::from_raw);
        Ok(Self {
            io: NdjsonTransport::new(stdout, stdin),
            child,
            group,
        })
    }

    /// Sets the largest message accepted from the child.
    pub fn with_max_message_len(mut self, max_len: usize) -> Self {
        self.io.set_max_message_len(max_len);
        self
    }

    /// The child's pid, which is also its process group id. `None` once it has been reaped.
    pub fn id(&self) -> Option<u32> {
        self.child.id()
    }
}

impl Drop for ChildTransport {
    fn drop(&mut self) {
        if let Some(group) = self.group {
            // The child is not reaped before this (nobody waits on it), so its pid, and with it
            // the group id, cannot have been reused. A group already gone gives ESRCH: fine.
            let _ = rustix::process::kill_process_group(group, rustix::process::Signal::KILL);
        }
        // `kill_on_drop` then reaps the leader in the background.
    }
}

async fn forward_stderr(stderr: ChildStderr, pid: u32) {
    let mut lines = BufReader::new(stderr).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        tracing::info!(target: "mcp_protocol::rt::stdio::child", pid, "{line}");
    }
}

impl Transport for ChildTransport {
    fn poll_recv(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Received, TransportError>>> {
        self.io.poll_recv(cx)
    }

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), TransportError>> {
        self.io.poll_ready(cx)
    }

    fn start_send(&mut self, msg: Message) -> Result<(), TransportError> {
        self.io.start_send(msg)
    }

    fn poll_flush(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), TransportError>> {
        self.io.poll_flush(cx)
    }

    /// Closes the child's stdin, which asks it to exit (basic/transports §stdio shutdown);
    /// the process group is killed when the transport is dropped.
    fn poll_close(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), TransportError>> {
        self.io.poll_close(cx)
    }
}
