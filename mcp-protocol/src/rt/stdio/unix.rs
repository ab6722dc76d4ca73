//! The Unix stdio path: stdin and stdout on the reactor when they are pipes, the child in a
//! process group of its own, killed as a group.

use std::fs::File;
use std::io;
use std::os::fd::AsFd;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::unix::pipe;
use tokio::process::{Child, Command};

/// This process's stdin, on the reactor when it is a pipe.
#[derive(Debug)]
pub struct StdinReader(StdinKind);

#[derive(Debug)]
enum StdinKind {
    Pipe(pipe::Receiver),
    Blocking(tokio::io::Stdin),
}

impl StdinReader {
    pub(super) fn new() -> io::Result<Self> {
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
    pub(super) fn new() -> io::Result<Self> {
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

/// Puts the child in a process group of its own, so that killing the group reaches
/// everything it started and nothing of ours; and a Ctrl-C at our terminal does not hit it
/// behind our back.
pub(super) fn isolate(command: &mut Command) {
    command.process_group(0);
}

/// The child's process group, killed as a whole.
#[derive(Debug)]
pub(super) struct Group(Option<rustix::process::Pid>);

impl Group {
    /// The group of `child`, which leads it (see [`isolate`]).
    pub(super) fn of(child: &Child) -> Self {
        Self(
            child
                .id()
                .and_then(|pid| i32::try_from(pid).ok())
                .and_then(rustix::process::Pid::from_raw),
        )
    }

    /// Sends `SIGKILL` to every process of the group.
    pub(super) fn kill(&self, _child: &mut Child) {
        if let Some(group) = self.0 {
            // The child is not reaped before this (nobody waits on it), so its pid, and with
            // it the group id, cannot have been reused. A group already gone gives ESRCH: fine.
            let _ = rustix::process::kill_process_group(group, rustix::process::Signal::KILL);
        }
    }
}
