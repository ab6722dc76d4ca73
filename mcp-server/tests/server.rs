//! Integration tests of the server, driven by a raw `mcp_protocol::rt::Peer`.
mod support;
