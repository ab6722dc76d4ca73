//! A server run as a child process, spoken to over its stdin and stdout (basic/transports
//! §stdio). Its stderr goes to `tracing`; dropping the last handle kills its process group.

use std::ffi::OsStr;

use mcp_protocol::rt::stdio::{ChildTransport, Stderr};

use crate::builder::ClientBuilder;
use crate::client::Client;
use crate::error::{Error, Result};

impl ClientBuilder {
    /// Spawns `program` with `args` and connects to it over stdio. The child's stderr is
    /// logged through `tracing`; when the connection ends the child's process group is
    /// killed, so it leaves nothing behind.
    pub async fn spawn<I, S>(self, program: impl AsRef<OsStr>, args: I) -> Result<Client>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut command = std::process::Command::new(program);
        command.args(args);
        self.spawn_command(command).await
    }

    /// Like [`ClientBuilder::spawn`], for a prepared command (environment, working
    /// directory); its stdin, stdout and stderr settings are replaced.
    pub async fn spawn_command(self, command: std::process::Command) -> Result<Client> {
        let transport = ChildTransport::spawn(command, Stderr::Tracing)
            .map_err(Error::Spawn)?
            .with_max_message_len(self.config.max_message_size);
        self.connect(transport).await
    }
}
