//! The one integration-test binary of `mcp-protocol` (submodules under `protocol/`).

#[path = "protocol/spec.rs"]
mod spec;

#[path = "protocol/roundtrip.rs"]
mod roundtrip;
#[path = "protocol/schema.rs"]
mod schema;
#[path = "protocol/spec_examples.rs"]
mod spec_examples;
