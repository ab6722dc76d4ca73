//! Runs one golden scenario for one version over one transport and returns the messages
//! the tap saw, in order.

use std::time::Duration;

use mcp_protocol::rt::memory;
use mcp_protocol::rt::stdio::{ChildTransport, Stderr};
use mcp_protocol::{ProtocolVersion, SupportedVersions};
use serde_json::Value;

use super::script::Golden;
use super::tap::{Dir, Recording, Tap};
use crate::scenario::Transport;
use crate::scenario::reference::{Ctx, server};

/// No golden scenario may take longer than this.
const LIMIT: Duration = Duration::from_secs(20);

/// Records `golden` for `version` over `transport`: the reference client speaking only
/// `version`, the reference server every version.
pub(crate) fn record(
    golden: &Golden,
    version: ProtocolVersion,
    transport: Transport,
) -> Result<Vec<(Dir, Value)>, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("no runtime: {e}"))?;
    let log = Recording::default();
    runtime.block_on(async {
        let exchange = async {
            let ctx = Ctx::new(version, transport);
            let builder = ctx.builder(SupportedVersions::new([version]));
            let client = match transport {
                Transport::Memory => {
                    let (ours, theirs) = memory::pair(memory::Mode::Serialized);
                    let server = server::build(SupportedVersions::default());
                    tokio::spawn(async move { server.serve(theirs).await });
                    builder.connect(Tap::new(ours, log.clone())).await
                }
                Transport::Stdio => {
                    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
                    let mut command = std::process::Command::new(exe);
                    command.args(["reference-server", "--stdio"]);
                    let child = ChildTransport::spawn(command, Stderr::Tracing)
                        .map_err(|e| format!("starting the reference server: {e}"))?;
                    builder.connect(Tap::new(child, log.clone())).await
                }
                Transport::Http => return Err("golden transcripts use memory or stdio".into()),
            }
            .map_err(|e| format!("connecting: {e}"))?;
            (golden.script)(&client, version).await;
            client.close();
            Ok(())
        };
        match tokio::time::timeout(LIMIT, exchange).await {
            Ok(r) => r,
            Err(_) => Err(format!("no end within {LIMIT:?}: the exchange hung")),
        }
    })?;
    let messages = std::mem::take(&mut *log.lock().unwrap_or_else(|e| e.into_inner()));
    Ok(messages)
}
