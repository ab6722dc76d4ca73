//! Integration tests of `mcp-server`, driven by a raw `mcp_protocol::rt::Peer` over an
//! in-memory pair (both modes) and over stdio with a real child process.

mod support;

#[path = "server/gaps.rs"]
mod gaps;
#[path = "server/registry.rs"]
mod registry;
#[path = "server/session.rs"]
mod session;
#[path = "server/stateless.rs"]
mod stateless;
#[path = "server/stdio.rs"]
mod stdio;
