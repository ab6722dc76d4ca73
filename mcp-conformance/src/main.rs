//! `mcp-conformance`: placeholder binary, replaced by the conformance issue.
fn main() {}
