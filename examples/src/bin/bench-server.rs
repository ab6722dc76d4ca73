//! `bench-server`: an MCP server with two tools, for benchmarks.
//!
//! ```text
//! bench-server [--stdio | --http ADDR]
//! ```
//!
//! Tools: `echo {text}` returns the text; `add {a, b}` returns the sum. Over stdio (the
//! default) or Streamable HTTP at `http://ADDR/mcp` with `--http ADDR`.

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

/// The allocator of this benchmark binary (see the `bench-mimalloc` feature).
#[cfg(feature = "bench-mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut http: Option<String> = None;
    let mut threads: Option<usize> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--stdio" => {}
            "--http" => http = Some(args.next().ok_or("--http needs an address")?),
            "--threads" => {
                threads = Some(args.next().ok_or("--threads needs a number")?.parse()?);
            }
            other => {
                return Err(format!(
                    "unknown argument {other:?}; usage: bench-server [--stdio | --http ADDR [--threads N]]"
                )
                .into());
            }
        }
    }
    if let Some(addr) = http {
        // Over HTTP, requests arrive on many connections at once: every core by default;
        // `--threads 1` runs everything on one thread (no cross-thread wake-ups per request).
        let runtime = match threads {
            Some(1) => tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?,
            Some(n) => tokio::runtime::Builder::new_multi_thread()
                .worker_threads(n)
                .enable_all()
                .build()?,
            None => tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?,
        };
        return runtime.block_on(async {
            let listener = tokio::net::TcpListener::bind(&addr).await?;
            eprintln!("bench-server: http://{}/mcp", listener.local_addr()?);
            let server = server();
            tokio::spawn({
                let server = server.clone();
                async move {
                    if tokio::signal::ctrl_c().await.is_ok() {
                        server.shutdown();
                    }
                }
            });
            server
                .serve_http_on(listener, mcp_server::http::HttpConfig::new())
                .await?;
            Ok(())
        });
    }
    // One thread: stdin, stdout and the handlers share it, which is the fastest arrangement
    // for a server whose tools do no blocking work.
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(server().serve_stdio())?;
    Ok(())
}
