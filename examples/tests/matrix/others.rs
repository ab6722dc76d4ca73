//! The calls against another SDK's server: the official Python SDK (PyPI `mcp`, the server
//! `scripts/interop/python_server.py` with the tools `echo {text}` and `add {a, b}`), found
//! through `MCP_MATRIX_PYTHON`, a Python with `mcp` installed (`scripts/interop-http.sh`
//! installs one into `target/conformance-cache/python/.venv`). That server has no
//! everything-server contract, so the cells that need one (resources, prompts, input,
//! tasks) are listed in [`generic`] as not applicable; the rest run with its tools.

use std::process::Stdio;
use std::time::Duration;

use mcp_client::Client;
use mcp_protocol::ProtocolVersion as V;
use serde_json::json;
use tokio::process::{Child, Command};

use super::cells::{Call, Transport, exists};
use super::peers::{self, WAIT};

/// The server script, from the workspace.
const SCRIPT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../scripts/interop/python_server.py"
);

/// A mode of `python_server.py` and the transport it is.
pub(crate) const MODES: [(&str, Transport); 5] = [
    ("stdio", Transport::Stdio),
    ("sse-stream", Transport::HttpSession),
    ("json", Transport::HttpSession),
    ("stateless", Transport::HttpStateless),
    ("legacy-sse", Transport::LegacySse),
];

/// A running `python_server.py PORT MODE` (HTTP modes), killed on drop.
pub(crate) struct PythonServer {
    _child: Child,
    /// `http://127.0.0.1:PORT`.
    pub(crate) base: String,
}

impl PythonServer {
    /// Starts the script on a free port and waits until it accepts connections (at most
    /// [`WAIT`], polling every 100 ms).
    pub(crate) async fn start(python: &str, mode: &str) -> Result<Self, String> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| e.to_string())?
            .port();
        let child = Command::new(python)
            .args([SCRIPT, &port.to_string(), mode])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("spawn {python}: {e}"))?;
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
        Err(format!("python_server.py {mode} did not listen on {addr}"))
    }
}

/// Connects a client of `version` to the Python server in `mode`.
pub(crate) async fn connect(
    python: &str,
    mode: &str,
    server: Option<&PythonServer>,
    version: V,
) -> Result<Client, String> {
    let builder = peers::client_builder(version, &peers::Seen::default());
    let connected = match (mode, server) {
        ("stdio", _) => {
            tokio::time::timeout(WAIT, builder.spawn(python, [SCRIPT, "0", "stdio"])).await
        }
        ("legacy-sse", Some(s)) => {
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
pub(crate) async fn generic(call: Call, client: &Client, version: V) -> Result<(), String> {
    let present = exists(call.method(), version);
    let refused = |r: Result<(), mcp_client::Error>| match r {
        Err(e) if e.is_refused_locally() => Ok(()),
        other => Err(format!("expected a local refusal, got {other:?}")),
    };
    match call {
        Call::Initialize => {
            let n = client.negotiated();
            if n.version != version || n.server_info.name != "python-interop" {
                return Err(format!("negotiated {n:?}"));
            }
            Ok(())
        }
        Call::Discover if !present => refused(client.discover().await.map(drop)),
        Call::Ping if present => client.ping().await.map_err(|e| e.to_string()),
        Call::Ping => refused(client.ping().await),
        Call::ListTools | Call::ListAllTools => {
            let tools = client.list_all_tools().await.map_err(|e| e.to_string())?;
            let mut names: Vec<_> = tools.iter().map(|t| t.name.as_str()).collect();
            names.sort_unstable();
            if names == ["add", "echo"] {
                Ok(())
            } else {
                Err(format!("tools {names:?}"))
            }
        }
        Call::CallTool => {
            let result = client
                .call_tool("echo", json!({"text": "hello"}))
                .await
                .map_err(|e| e.to_string())?;
            let v = serde_json::to_value(&result).unwrap_or_default();
            if v["content"][0]["text"] == "hello" && v["isError"] != true {
                Ok(())
            } else {
                Err(format!("echo: {v}"))
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
