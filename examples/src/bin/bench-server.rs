//! `bench-server`: an MCP server with two tools, for benchmarks.
//!
//! ```text
//! bench-server [--stdio]
//! ```
//!
//! Tools: `echo {text}` returns the text; `add {a, b}` returns the sum. Over stdio (the
//! default, and today the only transport; HTTP arrives with the HTTP layer).

use mcp_server::{RequestContext, Server, ToolDef};
use serde::Deserialize;

/// Arguments of `echo`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
struct Echo {
    /// The text to send back.
    text: String,
}

/// Arguments of `add`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
struct Add {
    /// The first term.
    a: f64,
    /// The second term.
    b: f64,
}

fn server() -> Server {
    let server = Server::builder("bench-server", env!("CARGO_PKG_VERSION")).build();
    let tools = [
        ToolDef::new("echo", |args: Echo, _ctx: RequestContext| async move {
            args.text
        })
        .description("Returns its text"),
        ToolDef::new("add", |args: Add, _ctx: RequestContext| async move {
            (args.a + args.b).to_string()
        })
        .description("Adds two numbers"),
    ];
    for tool in tools {
        // The names are distinct, so registration cannot fail.
        server.add_tool(tool).expect("distinct tool names");
    }
    server
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--stdio" => {}
            "--http" => return Err("HTTP is not implemented yet; use --stdio".into()),
            other => {
                return Err(
                    format!("unknown argument {other:?}; usage: bench-server [--stdio]").into(),
                );
            }
        }
    }
    // One thread: stdin, stdout and the handlers share it, which is the fastest arrangement
    // for a server whose tools do no blocking work.
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(server().serve_stdio())?;
    Ok(())
}
