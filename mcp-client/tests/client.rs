//! Integration tests of `mcp-client`: against a scripted server in memory, and against the
//! same scripts played by a child process over stdio.
#![allow(
    unreachable_pub,
    reason = "test support items are `pub` inside a private module"
)]

mod support;

#[cfg(feature = "auth")]
mod auth;
mod calls;
mod cancellation;
mod child;
#[cfg(feature = "http")]
mod errors;
pub mod handlers;
#[cfg(feature = "http")]
mod http;
mod mrtr;
mod negotiation;
#[cfg(feature = "http")]
mod own_server_http;
mod result_type;
