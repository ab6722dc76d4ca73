//! `compare serve`: the server side of every cross-process row, run as a child of the
//! measuring process so that its CPU and memory are its own.
//!
//! Over HTTP the server binds the given address and prints the bound one on a line of its
//! stdout, which the parent reads before it connects.

use std::io::Write;

use rmcp::ServiceExt;

use crate::servers;

/// Which server a child process runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Impl {
    /// `mcp-server` (this workspace).
    Ours,
    /// rmcp, the official Rust SDK.
    Rmcp,
    /// A bare hyper HTTP/1.1 server that sends every POST body back: the HTTP limit.
    HyperEcho,
}

impl Impl {
    /// The name used on the command line.
    pub fn arg(self) -> &'static str {
        match self {
            Self::Ours => "ours",
            Self::Rmcp => "rmcp",
            Self::HyperEcho => "hyper-echo",
        }
    }
}

type Error = Box<dyn std::error::Error + Send + Sync>;

/// Runs the server until stdin ends (stdio) or the process is killed (HTTP).
pub fn run(which: Impl, http: Option<&str>, runtime: tokio::runtime::Runtime) -> Result<(), Error> {
    runtime.block_on(async move {
        match http {
            None => stdio(which).await,
            Some(addr) => {
                let listener = tokio::net::TcpListener::bind(addr).await?;
                let mut out = std::io::stdout().lock();
                writeln!(out, "{}", listener.local_addr()?)?;
                out.flush()?;
                drop(out);
                serve_http(which, listener).await
            }
        }
    })
}

async fn stdio(which: Impl) -> Result<(), Error> {
    match which {
        Impl::Ours => servers::ours().serve_stdio().await?,
        Impl::Rmcp => {
            let running = servers::Theirs::default()
                .serve(rmcp::transport::stdio())
                .await?;
            running.waiting().await?;
        }
        Impl::HyperEcho => return Err("hyper-echo serves HTTP only".into()),
    }
    Ok(())
}

/// Serves `which` over Streamable HTTP at `/mcp` (or echoes, for [`Impl::HyperEcho`]).
pub async fn serve_http(which: Impl, listener: tokio::net::TcpListener) -> Result<(), Error> {
    match which {
        Impl::Ours => {
            servers::ours()
                .serve_http_on(listener, mcp_server::http::HttpConfig::new())
                .await?;
        }
        Impl::Rmcp => {
            use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
            use rmcp::transport::streamable_http_server::{
                StreamableHttpServerConfig, StreamableHttpService,
            };
            let service: StreamableHttpService<servers::Theirs, LocalSessionManager> =
                StreamableHttpService::new(
                    || Ok(servers::Theirs::default()),
                    Default::default(),
                    StreamableHttpServerConfig::default(),
                );
            let router = axum::Router::new().nest_service("/mcp", service);
            axum::serve(listener, router).await?;
        }
        Impl::HyperEcho => hyper_echo(listener).await?,
    }
    Ok(())
}

/// A bare hyper HTTP/1.1 server answering every request with its own body.
async fn hyper_echo(listener: tokio::net::TcpListener) -> std::io::Result<()> {
    use http_body_util::{BodyExt, Full};
    use hyper::body::{Bytes, Incoming};
    use hyper_util::rt::TokioIo;

    loop {
        let (socket, _) = listener.accept().await?;
        socket.set_nodelay(true)?;
        tokio::spawn(async move {
            let echo = hyper::service::service_fn(|req: hyper::Request<Incoming>| async move {
                let body = req.into_body().collect().await?.to_bytes();
                let response = hyper::Response::builder()
                    .header("content-type", "application/json")
                    .body(Full::<Bytes>::new(body));
                Ok::<_, hyper::Error>(response.expect("a static response"))
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(socket), echo)
                .await;
        });
    }
}
