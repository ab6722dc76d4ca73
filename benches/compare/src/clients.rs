//! Connecting either client to either server over each transport, and one call through
//! whichever client it is.

use mcp_protocol::{ProtocolVersion, SupportedVersions};
use rmcp::ServiceExt;
use rmcp::model::{CallToolRequestParams, ClientConfig};
use serde_json::{Map, Value};

use crate::child::{ServerProcess, Settings};
use crate::serve::Impl;
use crate::servers;

/// Boxed error of the harness (it is a binary; every error ends the run with its message).
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// One of the two implementations, on either side.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// This workspace.
    Ours,
    /// rmcp 3.11.0.
    Rmcp,
}

impl Side {
    /// The short name in the table.
    pub fn name(self) -> &'static str {
        match self {
            Self::Ours => "ours",
            Self::Rmcp => "rmcp",
        }
    }

    fn server_impl(self) -> Impl {
        match self {
            Self::Ours => Impl::Ours,
            Self::Rmcp => Impl::Rmcp,
        }
    }
}

/// How the client reaches the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    /// In one process: our `memory::pair` (serialized mode: JSON per message, as rmcp's
    /// `tokio::io::duplex` pays too) between our two ends; a `tokio::io::duplex` of
    /// newline-delimited JSON whenever rmcp is on either end.
    Memory,
    /// A child process over its stdin/stdout.
    Stdio,
    /// Streamable HTTP on 127.0.0.1, the server in a child process.
    Http,
}

impl Transport {
    /// The name in the table.
    pub fn name(self) -> &'static str {
        match self {
            Self::Memory => "in-memory",
            Self::Stdio => "stdio",
            Self::Http => "HTTP",
        }
    }
}

/// A client handle that makes tool calls; cheap to clone (one per in-flight worker).
#[derive(Clone)]
pub enum Caller {
    /// `mcp_client::Client`.
    Ours(mcp_client::Client),
    /// rmcp's `Peer<RoleClient>`.
    Rmcp(rmcp::Peer<rmcp::RoleClient>),
}

impl Caller {
    /// Calls `tool`; the text of its first content block, or why there is none.
    pub async fn call(&self, tool: &str, args: &Map<String, Value>) -> Result<(), String> {
        match self {
            Self::Ours(client) => {
                let result = client
                    .call_tool(tool, args)
                    .await
                    .map_err(|e| e.to_string())?;
                if result.is_error() {
                    return Err(format!("{tool} reported an error"));
                }
            }
            Self::Rmcp(peer) => {
                let params =
                    CallToolRequestParams::new(tool.to_owned()).with_arguments(args.clone());
                let result = peer.call_tool(params).await.map_err(|e| e.to_string())?;
                if result.is_error == Some(true) {
                    return Err(format!("{tool} reported an error"));
                }
            }
        }
        Ok(())
    }

    /// Calls `tool` and returns the text of the result's first content block.
    pub async fn call_text(&self, tool: &str, args: &Map<String, Value>) -> Result<String, String> {
        let result = match self {
            Self::Ours(client) => {
                let result = client
                    .call_tool(tool, args)
                    .await
                    .map_err(|e| e.to_string())?;
                serde_json::to_value(&result).map_err(|e| e.to_string())?
            }
            Self::Rmcp(peer) => {
                let params =
                    CallToolRequestParams::new(tool.to_owned()).with_arguments(args.clone());
                let result = peer.call_tool(params).await.map_err(|e| e.to_string())?;
                serde_json::to_value(&result).map_err(|e| e.to_string())?
            }
        };
        result["content"][0]["text"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| format!("{tool} answered without text: {result}"))
    }
}

/// A connected client and whatever must stay alive with it (server task, child process).
pub struct Connection {
    /// Makes the calls.
    pub caller: Caller,
    rmcp_client: Option<rmcp::service::RunningService<rmcp::RoleClient, ClientConfig>>,
    server_task: Option<tokio::task::JoinHandle<()>>,
    _process: Option<ServerProcess>,
}

impl Connection {
    /// Closes the client and stops the server.
    pub async fn close(mut self) {
        match &self.caller {
            Caller::Ours(client) => client.close(),
            Caller::Rmcp(_) => {
                if let Some(running) = self.rmcp_client.take() {
                    let _ =
                        tokio::time::timeout(std::time::Duration::from_secs(5), running.cancel())
                            .await;
                }
            }
        }
        if let Some(task) = self.server_task.take() {
            task.abort();
        }
    }
}

/// The protocol version both clients ask for: the newest session-era version, which both
/// libraries speak (rmcp's own default, 2026-07-28, is newer than some of our paths need).
fn our_builder() -> mcp_client::ClientBuilder {
    mcp_client::Client::builder().versions(SupportedVersions::new([ProtocolVersion::V2025_11_25]))
}

fn rmcp_info() -> ClientConfig {
    ClientConfig::default().with_protocol_version(rmcp::model::ProtocolVersion::V_2025_11_25)
}

impl Connection {
    fn ours(client: mcp_client::Client) -> Self {
        Self {
            caller: Caller::Ours(client),
            rmcp_client: None,
            server_task: None,
            _process: None,
        }
    }

    fn rmcp(running: rmcp::service::RunningService<rmcp::RoleClient, ClientConfig>) -> Self {
        Self {
            caller: Caller::Rmcp(running.peer().clone()),
            rmcp_client: Some(running),
            server_task: None,
            _process: None,
        }
    }
}

/// Connects `client` to `server` over `transport`.
pub async fn connect(
    client: Side,
    server: Side,
    transport: Transport,
    settings: &Settings,
) -> Result<Connection, Error> {
    match transport {
        Transport::Memory => memory(client, server).await,
        Transport::Stdio => {
            let args = settings.serve_args(server.server_impl(), None);
            Ok(match client {
                Side::Ours => Connection::ours(our_builder().spawn(&settings.exe, &args).await?),
                Side::Rmcp => {
                    let mut command = tokio::process::Command::new(&settings.exe);
                    command.args(&args);
                    let transport = rmcp::transport::TokioChildProcess::new(command)?;
                    Connection::rmcp(rmcp_info().serve(transport).await?)
                }
            })
        }
        Transport::Http => {
            let process = ServerProcess::start_http(settings, server.server_impl())?;
            let url = process.url();
            let mut conn = match client {
                Side::Ours => Connection::ours(our_builder().connect_http(&url).await?),
                Side::Rmcp => {
                    use rmcp::transport::StreamableHttpClientTransport;
                    use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
                    let config = StreamableHttpClientTransportConfig::with_uri(url);
                    let transport = StreamableHttpClientTransport::from_config(config);
                    Connection::rmcp(rmcp_info().serve(transport).await?)
                }
            };
            conn._process = Some(process);
            Ok(conn)
        }
    }
}

/// Client and server in this process: our in-memory pair between our two ends, otherwise
/// newline-delimited JSON over a `tokio::io::duplex` (rmcp's in-memory transport).
async fn memory(client: Side, server: Side) -> Result<Connection, Error> {
    use mcp_protocol::rt::NdjsonTransport;
    use mcp_protocol::rt::memory::{Mode, pair};

    if (client, server) == (Side::Ours, Side::Ours) {
        let (a, b) = pair(Mode::Serialized);
        let ours = servers::ours();
        let task = tokio::spawn(async move {
            let _ = ours.serve(b).await;
        });
        let mut conn = Connection::ours(our_builder().connect(a).await?);
        conn.server_task = Some(task);
        return Ok(conn);
    }
    let (a, b) = tokio::io::duplex(64 * 1024);
    let task = match server {
        Side::Ours => {
            let (read, write) = tokio::io::split(b);
            let ours = servers::ours();
            tokio::spawn(async move {
                let _ = ours.serve(NdjsonTransport::new(read, write)).await;
            })
        }
        Side::Rmcp => tokio::spawn(async move {
            if let Ok(running) = servers::Theirs::default().serve(b).await {
                let _ = running.waiting().await;
            }
        }),
    };
    let mut conn = match client {
        Side::Ours => {
            let (read, write) = tokio::io::split(a);
            Connection::ours(
                our_builder()
                    .connect(NdjsonTransport::new(read, write))
                    .await?,
            )
        }
        Side::Rmcp => Connection::rmcp(rmcp_info().serve(a).await?),
    };
    conn.server_task = Some(task);
    Ok(conn)
}
