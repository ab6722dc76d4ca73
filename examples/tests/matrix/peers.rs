//! The server under test on each transport, and the client of one version connected to it,
//! with sampling, elicitation and roots handlers that record what they were asked.

use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mcp_client::{Client, ClientBuilder};
use mcp_examples::everything;
use mcp_protocol::methods::{ElicitParams, Root};
use mcp_protocol::rt::memory::{self, Mode};
use mcp_protocol::types::LoggingLevel;
use mcp_protocol::{ProtocolVersion as V, SupportedVersions};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use super::cells::Transport;
use super::user::{answer_form, answer_sampling};

/// The server binary.
pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_everything-server");
/// The longest wait for any one step (a call, a notification, a start).
pub(crate) const WAIT: Duration = Duration::from_secs(15);
/// How often `test://watched-resource` changes on the servers of the matrix.
const WATCH_MS: &str = "200";
/// The roots the client starts with.
pub(crate) const ROOTS: [&str; 2] = ["file:///tmp/a", "file:///tmp/b"];

/// What the client's handlers were asked: one line per request (`sampling <prompt>`,
/// `elicitation <message>`).
pub(crate) type Seen = Arc<Mutex<Vec<String>>>;

/// A running `everything-server --http 127.0.0.1:0`, killed on drop.
pub(crate) struct HttpServer {
    _child: Child,
    /// `http://127.0.0.1:PORT` (the MCP endpoint is `/mcp`, the legacy one `/sse`).
    pub(crate) base: String,
}

impl HttpServer {
    /// Starts the binary and waits (at most [`WAIT`]) for the address it prints.
    pub(crate) async fn start() -> Self {
        let mut child = Command::new(BIN)
            .args(["--http", "127.0.0.1:0", "--watch-interval-ms", WATCH_MS])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("spawn everything-server --http");
        let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
        let url = tokio::time::timeout(WAIT, async {
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(url) = line.strip_prefix("everything-server: ") {
                    return url.to_owned();
                }
            }
            panic!("everything-server exited before printing its address")
        })
        .await
        .expect("everything-server --http starts");
        // Keep draining stderr so the server never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        let base = url
            .strip_suffix("/mcp")
            .unwrap_or_else(|| panic!("unexpected address {url}"))
            .to_owned();
        Self {
            _child: child,
            base,
        }
    }
}

/// A client of `version` only, with the three handlers (recording into `seen`), the tasks
/// extension and, in 2026-07-28, debug logs requested per call.
pub(crate) fn client_builder(version: V, seen: &Seen) -> ClientBuilder {
    let (e, s) = (seen.clone(), seen.clone());
    let mut builder = Client::builder()
        .client_info("matrix-client", "1.0")
        .versions(SupportedVersions::new([version]))
        .request_timeout(WAIT)
        .tasks_extension(true)
        .on_elicitation(move |params: ElicitParams| {
            let params = serde_json::to_value(&params).unwrap_or_default();
            e.lock()
                .expect("seen")
                .push(format!("elicitation {}", params["message"]));
            async move { Ok(answer_form(&params)) }
        })
        .on_sampling(move |params| {
            let params = serde_json::to_value(&params).unwrap_or_default();
            let prompt = params["messages"][0]["content"]["text"].as_str();
            s.lock()
                .expect("seen")
                .push(format!("sampling {}", prompt.unwrap_or_default()));
            async move { Ok(answer_sampling(&params, "matrix-model")) }
        })
        .roots(ROOTS.iter().map(|r| Root::new(*r)).collect());
    if !version.has_handshake() {
        builder = builder.log_level(LoggingLevel::Debug);
    }
    builder
}

/// Connects a client of `version` over `transport`; `http` is the server of the HTTP
/// transports. Memory and stdio get a fresh server of their own.
pub(crate) async fn connect(
    transport: Transport,
    version: V,
    http: Option<&HttpServer>,
    seen: &Seen,
) -> Result<Client, String> {
    let builder = client_builder(version, seen);
    let connected = match transport {
        Transport::Memory => {
            let server = everything::server();
            tokio::spawn(everything::watch(
                server.clone(),
                Duration::from_millis(WATCH_MS.parse().expect("a number")),
            ));
            let (client_end, server_end) = memory::pair(Mode::Serialized);
            tokio::spawn(async move { server.serve(server_end).await });
            tokio::time::timeout(WAIT, builder.connect(client_end)).await
        }
        Transport::Stdio => {
            tokio::time::timeout(
                WAIT,
                builder.spawn(BIN, ["--stdio", "--watch-interval-ms", WATCH_MS]),
            )
            .await
        }
        Transport::HttpSession | Transport::HttpStateless => {
            let base = &http.expect("an HTTP server").base;
            tokio::time::timeout(WAIT, builder.connect_http(&format!("{base}/mcp"))).await
        }
        Transport::LegacySse => {
            // The client POSTs `initialize` to the URL, gets a 404, GETs it and finds the
            // `endpoint` event (basic/transports §Backwards Compatibility).
            let base = &http.expect("an HTTP server").base;
            tokio::time::timeout(WAIT, builder.connect_http(&format!("{base}/sse"))).await
        }
    };
    match connected {
        Ok(Ok(client)) => Ok(client),
        Ok(Err(e)) => Err(format!("connect failed: {e}")),
        Err(_) => Err("connect timed out".to_owned()),
    }
}
