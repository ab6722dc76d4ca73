//! The scripted server of the integration tests over stdio (a test fixture).
fn main() {}
