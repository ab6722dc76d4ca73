//! Shared test helpers: the echo peer, connected pairs, bounded waits.

#![allow(dead_code, reason = "each test module uses a different subset")]

pub(crate) mod echo;

use std::future::Future;
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use mcp_protocol::Side;
use mcp_protocol::engine::EngineConfig;
use mcp_protocol::rt::{self, IncomingStream, Peer, memory};
use serde_json::value::RawValue;

/// Every wait in these tests is bounded by this.
pub(crate) const LIMIT: Duration = Duration::from_secs(20);

/// Awaits `fut`, failing the test if it takes longer than [`LIMIT`].
pub(crate) async fn within<F: Future>(fut: F) -> F::Output {
    tokio::time::timeout(LIMIT, fut)
        .await
        .expect("the test waited too long")
}

/// Raw JSON params.
pub(crate) fn raw(value: serde_json::Value) -> Option<Box<RawValue>> {
    Some(mcp_protocol::jsonrpc::to_raw(&value).unwrap())
}

/// A client connected in memory to an echo peer running in this process.
pub(crate) fn memory_client(mode: memory::Mode) -> (Peer, IncomingStream) {
    let (a, b) = memory::pair(mode);
    let (server, server_incoming) = rt::connect(b, Side::Server, EngineConfig::new());
    tokio::spawn(echo::serve(server, server_incoming));
    rt::connect(a, Side::Client, EngineConfig::new())
}

/// The `echo_peer` example binary, built on first use if `cargo test` did not build it.
pub(crate) fn echo_peer() -> PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        // target/<profile>/deps/protocol-<hash> → target/<profile>/examples/echo_peer
        let exe = std::env::current_exe().unwrap();
        let profile_dir = exe.parent().and_then(|d| d.parent()).unwrap();
        let path = profile_dir
            .join("examples")
            .join(format!("echo_peer{}", std::env::consts::EXE_SUFFIX));
        if !path.exists() {
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
            let status = Command::new(cargo)
                .args(["build", "-p", "mcp-protocol", "--example", "echo_peer"])
                .status()
                .unwrap();
            assert!(status.success(), "could not build the echo_peer example");
        }
        path
    })
    .clone()
}
