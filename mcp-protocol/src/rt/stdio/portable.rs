//! The portable stdio path, for every target that is not Unix (Windows among them), and on
//! Unix too when built with `--cfg mcp_portable_stdio` (which is how CI tests it on Linux).
//!
//! stdin and stdout are tokio's [`tokio::io::stdin`] and [`tokio::io::stdout`], which read
//! and write on the blocking pool: every message takes a thread hop, so this path is slower
//! than the Unix one, but it works wherever tokio does. The child stays in our process group
//! (Windows has none to give it) and dropping the transport kills the child alone, with
//! [`Child::start_kill`] (`TerminateProcess` on Windows): processes that the child started
//! itself are not reached.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::process::{Child, Command};

/// This process's stdin, read on tokio's blocking pool.
#[derive(Debug)]
pub struct StdinReader(tokio::io::Stdin);

impl StdinReader {
    pub(super) fn new() -> io::Result<Self> {
        Ok(Self(tokio::io::stdin()))
    }

    /// Whether stdin is driven by the reactor: never on this path (see the module docs).
    pub fn is_pipe(&self) -> bool {
        false
    }
}

impl AsyncRead for StdinReader {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_read(cx, buf)
    }
}

/// This process's stdout, written on tokio's blocking pool.
#[derive(Debug)]
pub struct StdoutWriter(tokio::io::Stdout);

impl StdoutWriter {
    pub(super) fn new() -> io::Result<Self> {
        Ok(Self(tokio::io::stdout()))
    }

    /// Whether stdout is driven by the reactor: never on this path (see the module docs).
    pub fn is_pipe(&self) -> bool {
        false
    }
}

impl AsyncWrite for StdoutWriter {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().0).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_shutdown(cx)
    }
}

/// Nothing to set up: the child stays in our process group.
pub(super) fn isolate(_command: &mut Command) {}

/// Stands for the child alone: there is no group to kill on this path.
#[derive(Debug)]
pub(super) struct Group;

impl Group {
    pub(super) fn of(_child: &Child) -> Self {
        Self
    }

    /// Kills the child (not what it started: see the module docs).
    pub(super) fn kill(&self, child: &mut Child) {
        // An error means it has exited already.
        let _ = child.start_kill();
    }
}
