//! Integration tests of mcp-protocol, in one binary; each submodule (under `tests/protocol/`)
//! is one subject, and `support` holds the helpers they share.

#[path = "protocol/engine_rt.rs"]
mod engine_rt;
#[path = "protocol/stdio.rs"]
mod stdio;
#[path = "protocol/support/mod.rs"]
mod support;
