//! Integration tests of `mcp-server`, driven by a raw `mcp_protocol::rt::Peer` (and, in
//! `client_matrix`, by our `mcp-client`) over an
//! in-memory pair (both modes) and over stdio with a real child process.

mod support;

#[path = "server/client_matrix.rs"]
mod client_matrix;
#[path = "server/extension.rs"]
mod extension;
#[path = "server/feature_rules.rs"]
mod feature_rules;
#[path = "server/gaps.rs"]
mod gaps;
#[cfg(feature = "http")]
#[path = "server/http.rs"]
mod http;
#[cfg(feature = "auth")]
#[path = "server/http_auth.rs"]
mod http_auth;
#[path = "server/lifecycle.rs"]
mod lifecycle;
#[path = "server/registry.rs"]
mod registry;
#[path = "server/session.rs"]
mod session;
#[path = "server/state.rs"]
mod state;
#[path = "server/stateless.rs"]
mod stateless;
#[path = "server/stdio.rs"]
mod stdio;
#[path = "server/tasks_core.rs"]
mod tasks_core;
#[path = "server/tasks_ext.rs"]
mod tasks_ext;
