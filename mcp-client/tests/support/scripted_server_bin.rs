//! The scripted server of the integration tests over stdio (a test fixture): `mcp-client-
//! scripted-server legacy|modern`.
#![allow(
    unreachable_pub,
    reason = "test support shared with the integration tests"
)]

#[path = "scripted.rs"]
mod scripted;
#[path = "scripts.rs"]
mod scripts;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let name = std::env::args().nth(1).unwrap_or_default();
    let transport = mcp_protocol::rt::stdio::stdio().expect("stdio");
    scripts::run(&name, scripted::Scripted::over(transport)).await;
}
