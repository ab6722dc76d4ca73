//! Streamable HTTP (feature `http`): one endpoint serving every revision.
//!
//! ```text
//!   POST /mcp ─┬─ Mcp-Session-Id / initialize ──► session era (2025-03-26 … 2025-11-25):
//!              │                                   SessionTable entry, GET stream, resumable
//!              │                                   POST streams, DELETE
//!              └─ _meta protocolVersion ─────────► 2026-07-28: header checks, throwaway
//!                                                  session, JSON or SSE per request
//!   GET  /sse, POST /messages ───────────────────► 2024-11-05 HTTP+SSE
//!                      │
//!                      ▼
//!        Server::dispatch (the same one stdio uses)
//! ```
//!
//! - [`McpService`] is a `tower::Service` over `http::Request`: mount it in axum with
//!   `Router::route_service("/mcp", server.http_service(HttpConfig::new()))`, or run it on
//!   hyper; [`Server::serve_http`] binds and serves in one call, with graceful shutdown.
//! - Safe defaults ([`HttpConfig`]): Host and Origin must be loopback names (403 otherwise:
//!   DNS rebinding), bodies are capped (413), sessions are capped (503) and expire when
//!   idle (404 afterwards), `Accept` and `Content-Type` are checked (406, 415).
//! - A request's answer is JSON unless the handler sends something first (progress, logs,
//!   a server-to-client request): then it is an SSE stream scoped to the request. In the
//!   session era its events have ids and are kept in an [`EventStore`], so a client whose
//!   connection drops resumes with `GET` + `Last-Event-ID`; 2025-11-25 streams start
//!   with a priming event carrying `retry:`.
//! - Authentication: with feature `auth`, `HttpConfig::resource_server` makes the endpoint
//!   an OAuth resource server (bearer tokens on every request, the RFC 9728 document at its
//!   well-known paths, `HttpConfig::scope_policy` checked before dispatch); otherwise
//!   [`HttpConfig::authenticate`] maps headers to a [`crate::Principal`] (or a 401/403).
//!   A session belongs to the principal (issuer and subject) that opened it: anyone else
//!   gets 404 for it.
//!
//! # Example
//!
//! ```no_run
//! use mcp_server::http::HttpConfig;
//! use mcp_server::{NoArgs, RequestContext, Server, ToolDef};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let server = Server::builder("hello", "1.0.0").build();
//! server.add_tool(
//!     ToolDef::new("hello", |_: NoArgs, _: RequestContext| async { "Hello!" })
//!         .description("Says hello"),
//! )?;
//!
//! // One call: http://127.0.0.1:8080/mcp, until `server.shutdown()`.
//! server.serve_http("127.0.0.1:8080").await?;
//!
//! // Or mount it in an axum router.
//! let app: axum::Router =
//!     axum::Router::new().route_service("/mcp", server.http_service(HttpConfig::new()));
//! # let _ = app;
//! # Ok(())
//! # }
//! ```
//!
//! # What is not here (yet)
//!
//! - JSON-RPC batches are served only in sessions that negotiated 2025-03-26 (the one
//!   version that has them); elsewhere they get 400.
//! - Messages for a session with no GET stream open are dropped, not stored.
//! - The server closes a POST stream early (polling, 2025-11-25 §Sending Messages 6) only
//!   when a handler asks, with [`crate::RequestContext::close_stream`].

mod auth;
mod config;
mod event_store;
mod guard;
mod headers;
mod legacy;
mod outbound;
mod queue;
mod service;
mod session;
mod sse;

use std::time::Duration;

use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, ToSocketAddrs};

pub use config::{Authenticate, HttpConfig, Rejection};
pub use event_store::{EventStore, MemoryEventStore};
pub use service::{HttpBody, McpService};

use crate::error::ServeError;
use crate::serve::GRACE;
use crate::server::Server;

impl Server {
    /// Serves Streamable HTTP at `http://{addr}/mcp` with the default [`HttpConfig`]
    /// until [`Server::shutdown`]. Bind a loopback address unless a proxy in front checks
    /// Host and Origin (basic/transports §Security Warning).
    pub async fn serve_http(&self, addr: impl ToSocketAddrs) -> Result<(), ServeError> {
        let listener = TcpListener::bind(addr).await?;
        self.serve_http_on(listener, HttpConfig::default()).await
    }

    /// Serves Streamable HTTP on `listener` until [`Server::shutdown`]: then no new
    /// connection is accepted, GET and listen streams end, requests in flight get
    /// [`GRACE`] to finish, and the sessions end.
    pub async fn serve_http_on(
        &self,
        listener: TcpListener,
        config: HttpConfig,
    ) -> Result<(), ServeError> {
        let service = self.http_service(config);
        let graceful = GracefulShutdown::new();
        let builder = auto::Builder::new(TokioExecutor::new());
        let shutdown = self.inner.shutdown.clone();
        // Idle sessions are also expired as requests come; this catches a quiet server.
        let sweeper = tokio::spawn({
            let service = service.clone();
            let every = (service.shared.config.idle_timeout / 4).max(Duration::from_millis(10));
            async move {
                let mut tick = tokio::time::interval(every);
                loop {
                    tick.tick().await;
                    service.shared.sessions.sweep();
                }
            }
        });
        loop {
            let (stream, peer) = tokio::select! {
                () = shutdown.cancelled() => break,
                accepted = listener.accept() => match accepted {
                    Ok(accepted) => accepted,
                    Err(e) => {
                        // Out of descriptors and the like: wait a moment rather than spin.
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                },
            };
            let _ = stream.set_nodelay(true);
            let conn = builder
                .serve_connection(
                    TokioIo::new(stream),
                    TowerToHyperService::new(service.clone()),
                )
                .into_owned();
            let conn = graceful.watch(conn);
            tokio::spawn(async move {
                if let Err(e) = conn.await {
                    tracing::debug!(%peer, error = %e, "connection ended with an error");
                }
            });
        }
        drop(listener);
        if tokio::time::timeout(GRACE, graceful.shutdown())
            .await
            .is_err()
        {
            tracing::warn!("connections still open after the grace period");
        }
        sweeper.abort();
        service.close_sessions();
        Ok(())
    }
}
