//! The stdio transport (basic/transports §stdio): a server on its own stdin/stdout, and a
//! client that spawns the server as a child process.
//!
//! Both are [`NdjsonTransport`]s. What matters for speed is that no message takes a thread
//! hop: tokio's `io::stdin()`/`io::stdout()` run every read and write on the blocking pool,
//! which on a 2-core machine caps a stdio server at a fraction of what the pipe can do. So on
//! Unix, when stdin and stdout are pipes (as they are under an MCP client), [`stdio`] drives
//! them on the reactor with tokio's Unix pipes; only a terminal or a regular file falls back
//! to the blocking versions. The child's pipes ([`tokio::process`]) are reactor-driven already.
//!
//! # Per platform
//!
//! | | Unix | elsewhere (Windows), or Unix with `--cfg mcp_portable_stdio` |
//! |---|---|---|
//! | [`stdio`] | pipes on the reactor, a terminal or file on the blocking pool | tokio's `stdin()`/`stdout()`, on the blocking pool |
//! | [`ChildTransport`] | the child leads a process group of its own | the child stays in ours |
//! | dropping a [`ChildTransport`] | `SIGKILL` to the whole group: helpers it forked (or a shell wrapper's children) die too | the child alone is killed ([`tokio::process::Child::start_kill`], `TerminateProcess` on Windows); what it started itself is not reached |
//!
//! The portable path is the same code on every target; CI builds it on Linux with
//! `MCP_PORTABLE_STDIO=1` in the environment (`build.rs` then sets the cfg for this crate
//! alone) and runs the stdio tests on it.

use std::ffi::OsStr;
use std::io;
use std::process::Stdio;
use std::task::{Context, Poll};

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, ChildStderr, ChildStdin, ChildStdout, Command};

use super::ndjson::NdjsonTransport;
use super::transport::{Received, Transport, TransportError};
use crate::jsonrpc::Message;

#[cfg(any(not(unix), mcp_portable_stdio))]
#[path = "stdio/portable.rs"]
mod platform;
#[cfg(all(unix, not(mcp_portable_stdio)))]
#[path = "stdio/unix.rs"]
mod platform;

pub use platform::{StdinReader, StdoutWriter};

/// The server side: this process's stdin and stdout.
pub type StdioTransport = NdjsonTransport<StdinReader, StdoutWriter>;

/// A server transport on this process's stdin and stdout. Must be called inside a tokio
/// runtime.
///
/// On Unix, when they are pipes they are switched to non-blocking mode and driven by the
/// reactor. That mode belongs to the open pipe, not to this process's handle, so nothing else
/// in the process may write to stdout (which an MCP stdio server must not do anyway: stdout
/// carries only messages; logs go to stderr).
pub fn stdio() -> io::Result<StdioTransport> {
    Ok(NdjsonTransport::new(
        StdinReader::new()?,
        StdoutWriter::new()?,
    ))
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
/// Dropping it kills the child: on Unix its whole process group with `SIGKILL`, elsewhere
/// the child alone (see the [module docs](self#per-platform)).
#[derive(Debug)]
pub struct ChildTransport {
    io: NdjsonTransport<ChildStdout, ChildStdin>,
    child: Child,
    group: platform::Group,
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

    /// Spawns `command` (its stdin, stdout and stderr settings are replaced); on Unix in a
    /// process group of its own. Must be called inside a tokio runtime.
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
            .kill_on_drop(true);
        platform::isolate(&mut command);
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
        let group = platform::Group::of(&child);
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

    /// The child's pid, which on Unix is also its process group id. `None` once it has been
    /// reaped.
    pub fn id(&self) -> Option<u32> {
        self.child.id()
    }
}

impl Drop for ChildTransport {
    fn drop(&mut self) {
        self.group.kill(&mut self.child);
        // `kill_on_drop` then reaps the child in the background.
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
    /// the child (on Unix its process group) is killed when the transport is dropped.
    fn poll_close(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), TransportError>> {
        self.io.poll_close(cx)
    }
}
