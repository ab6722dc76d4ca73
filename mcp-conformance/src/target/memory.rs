//! A target server in this process: an [`mcp_server::Server`] value served over an in-memory
//! byte pipe with newline-delimited JSON, exactly the framing of stdio (2025-11-25
//! basic/transports §stdio), so every stdio scenario applies as it is, malformed bytes
//! included. The server serves each connection on a task of the running runtime.

use std::io;

use futures::FutureExt;
use futures::future::BoxFuture;
use mcp_protocol::rt::NdjsonTransport;
use tokio::io::{DuplexStream, ReadHalf, WriteHalf};

use super::Wire;
use super::stdio::Lines;

/// Bytes in flight each way before the writer waits (a pipe's buffer, roughly).
const PIPE_BYTES: usize = 1 << 20;

/// One connection to an in-memory server. Dropping it closes the pipe, which ends the
/// server's side of the connection.
pub(crate) struct MemoryWire {
    lines: Lines<ReadHalf<DuplexStream>, WriteHalf<DuplexStream>>,
}

impl MemoryWire {
    /// Connects to `server`, which starts serving the connection on a new task.
    ///
    /// # Errors
    /// Outside a tokio runtime.
    pub(crate) fn connect(server: &mcp_server::Server) -> io::Result<Self> {
        let runtime = tokio::runtime::Handle::try_current().map_err(io::Error::other)?;
        let (ours, theirs) = tokio::io::duplex(PIPE_BYTES);
        let (read, write) = tokio::io::split(theirs);
        let server = server.clone();
        runtime.spawn(async move {
            // How the connection ends (the pipe closed, most likely) is no verdict.
            let _ = server.serve(NdjsonTransport::new(read, write)).await;
        });
        let (read, write) = tokio::io::split(ours);
        Ok(Self {
            lines: Lines::new(read, write),
        })
    }
}

impl Wire for MemoryWire {
    fn send<'a>(&'a mut self, message: &'a [u8]) -> BoxFuture<'a, io::Result<()>> {
        self.lines.send(message).boxed()
    }

    fn recv(&mut self) -> BoxFuture<'_, io::Result<Option<Vec<u8>>>> {
        self.lines.recv().boxed()
    }
}
