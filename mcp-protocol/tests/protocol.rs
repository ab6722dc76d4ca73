//! Integration tests of mcp-protocol, in one binary; each submodule (under `tests/protocol/`)
//! is one subject, and `support` and `spec` hold the helpers they share.

#[path = "protocol/spec.rs"]
mod spec;
#[path = "protocol/support/mod.rs"]
mod support;

#[path = "protocol/engine_rt.rs"]
mod engine_rt;
#[path = "protocol/future_revision.rs"]
mod future_revision;
#[path = "protocol/method_table.rs"]
mod method_table;
#[path = "protocol/roundtrip.rs"]
mod roundtrip;
#[path = "protocol/schema.rs"]
mod schema;
#[path = "protocol/spec_examples.rs"]
mod spec_examples;
#[path = "protocol/stdio.rs"]
mod stdio;
