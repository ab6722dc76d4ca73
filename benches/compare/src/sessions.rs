//! New Streamable HTTP sessions (session era, 2025-11-25): `initialize` then
//! `notifications/initialized`, over raw keep-alive POSTs from one bare hyper client (so the
//! client costs both servers the same), each session left open and idle. Gives sessions/s and
//! the server process's resident memory per idle session.

use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;

use crate::child::{ServerProcess, Settings, rss_bytes};
use crate::clients::{Error, Side};
use crate::measure::{Budget, Stats};
use crate::serve::Impl;

/// Sessions opened before the memory baseline (allocator pools, first-use tables).
const WARM_SESSIONS: usize = 20;

/// The outcome of one sessions run.
#[derive(Clone, Copy, Debug, Default)]
pub struct Sessions {
    /// Sessions/s and latency per session.
    pub stats: Stats,
    /// Server RSS growth over the measured sessions, divided by their number.
    pub bytes_per_session: f64,
}

/// Opens `budget.n` sessions on a fresh `server` process.
pub async fn run(settings: &Settings, server: Side, budget: Budget) -> Result<Sessions, Error> {
    let which = match server {
        Side::Ours => Impl::Ours,
        Side::Rmcp => Impl::Rmcp,
    };
    let process = ServerProcess::start_http(settings, which)?;
    let mut opener = Opener::connect(process.addr).await?;
    for _ in 0..WARM_SESSIONS {
        opener.open().await?;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let before = rss_bytes(process.pid())?;
    let start = Instant::now();
    let mut latencies = Vec::with_capacity(budget.n);
    for _ in 0..budget.n {
        if start.elapsed() > budget.time {
            break;
        }
        let t = Instant::now();
        opener.open().await?;
        latencies.push(t.elapsed());
    }
    let stats = Stats::of(latencies, start.elapsed());
    // Let the server finish whatever it does after the last 202.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let after = rss_bytes(process.pid())?;
    let bytes_per_session = after.saturating_sub(before) as f64 / stats.n.max(1) as f64;
    Ok(Sessions {
        stats,
        bytes_per_session,
    })
}

/// One keep-alive connection that opens sessions.
struct Opener {
    sender: hyper::client::conn::http1::SendRequest<Full<Bytes>>,
    authority: String,
    init: Bytes,
}

const INITIALIZED: &str = r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#;

impl Opener {
    async fn connect(addr: std::net::SocketAddr) -> Result<Self, Error> {
        let stream = tokio::net::TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        let (sender, driver) =
            hyper::client::conn::http1::handshake::<_, Full<Bytes>>(TokioIo::new(stream)).await?;
        tokio::spawn(driver);
        let init = serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-11-25", "capabilities": {},
            "clientInfo": {"name": "compare", "version": env!("CARGO_PKG_VERSION")}}});
        Ok(Self {
            sender,
            authority: addr.to_string(),
            init: Bytes::from(init.to_string()),
        })
    }

    fn post(
        &self,
        body: Bytes,
        session: Option<&str>,
    ) -> Result<hyper::Request<Full<Bytes>>, Error> {
        let mut request = hyper::Request::post(format!("http://{}/mcp", self.authority))
            .header("host", &self.authority)
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream");
        if let Some(id) = session {
            request = request
                .header("mcp-session-id", id)
                .header("mcp-protocol-version", "2025-11-25");
        }
        Ok(request.body(Full::new(body))?)
    }

    /// One session: `initialize` (answer read to its end), then `notifications/initialized`.
    async fn open(&mut self) -> Result<(), Error> {
        let response = self
            .sender
            .send_request(self.post(self.init.clone(), None)?)
            .await?;
        let status = response.status();
        let session = response
            .headers()
            .get("mcp-session-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .ok_or_else(|| format!("initialize answered {status} without Mcp-Session-Id"))?;
        tokio::time::timeout(Duration::from_secs(5), response.into_body().collect())
            .await
            .map_err(|_| "the initialize answer did not end within 5 s")??;
        let request = self.post(Bytes::from_static(INITIALIZED.as_bytes()), Some(&session))?;
        let response = self.sender.send_request(request).await?;
        if response.status() != hyper::StatusCode::ACCEPTED {
            return Err(format!("notifications/initialized answered {}", response.status()).into());
        }
        response.into_body().collect().await?;
        Ok(())
    }
}
