//! A small MCP peer on stdin/stdout that answers the test methods of
//! `tests/protocol/support/echo.rs`; the stdio integration tests run it as a child process.
//!
//! `ECHO_PEER_MAX_LEN` sets the largest message it accepts (default 65536 bytes).

use mcp_protocol::Side;
use mcp_protocol::engine::EngineConfig;
use mcp_protocol::rt;

#[path = "../tests/protocol/support/echo.rs"]
mod echo;

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::io::Result<()> {
    let max_len = std::env::var("ECHO_PEER_MAX_LEN")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(65536);
    let transport = rt::stdio::stdio()?.with_max_message_len(max_len);
    let (peer, incoming) = rt::connect(transport, Side::Server, EngineConfig::new());
    echo::serve(peer, incoming).await;
    Ok(())
}
