//! `mcp-conformance reference-client URL`: the reference client under the official client
//! contract, built on `mcp-client` over Streamable HTTP. `run` tests it with the client
//! scenarios; version negotiation, headers, resumption and elicitation defaults are the
//! library's own; only the calls the scenario expects are written here.

use mcp_client::Client;
use mcp_protocol::methods::{ElicitParams, ElicitResult};
use serde_json::{Value, json};

/// Why the reference client failed a scenario.
#[derive(Debug)]
pub(crate) struct Failed(pub(crate) String);

impl<E: std::fmt::Display> From<E> for Failed {
    fn from(e: E) -> Self {
        Self(e.to_string())
    }
}

/// Connects to `url` and makes the calls of official scenario `scenario`, with `context`
/// (`MCP_CONFORMANCE_CONTEXT`).
pub(crate) async fn run(url: &str, scenario: &str, context: &Value) -> Result<(), Failed> {
    let (client, tools) = match connect_and_list(url).await {
        Ok(connected) => connected,
        // 2025-11-25 basic/transports §Session Management 4: the server forgot the session
        // (404); mcp-client reports it and leaves the new session to the application, which
        // connects again (a new `initialize`, no session id). Once.
        Err(e) => {
            eprintln!("reference-client: {}; connecting again", e.0);
            connect_and_list(url).await?
        }
    };
    match scenario {
        "initialize" => {}
        "tools_call" => {
            let calls = context["toolCalls"].as_array().cloned().unwrap_or_default();
            if calls.is_empty() {
                let first = tools.first().ok_or_else(|| Failed("no tools".into()))?;
                client.call_tool(&first.name, json!({})).await?;
            }
            for call in calls {
                let name = call["name"].as_str().unwrap_or_default();
                client.call_tool(name, call["arguments"].clone()).await?;
            }
        }
        "elicitation-sep1034-client-defaults" => {
            client
                .call_tool("test_client_elicitation_defaults", json!({}))
                .await?;
        }
        "sse-retry" => {
            client.call_tool("test_reconnection", json!({})).await?;
        }
        other => return Err(Failed(format!("unknown scenario {other:?}"))),
    }
    client.close();
    // Let the transport end the session (DELETE) before the process exits.
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    Ok(())
}

/// A connection to `url` and the tools the server lists.
async fn connect_and_list(url: &str) -> Result<(Client, Vec<mcp_protocol::methods::Tool>), Failed> {
    let client = Client::builder()
        .client_info(
            "mcp-conformance-reference-client",
            env!("CARGO_PKG_VERSION"),
        )
        .on_elicitation(accept_form)
        .connect_http(url)
        .await?;
    let tools = if client.server_capabilities().tools.is_some() {
        client.list_all_tools().await?
    } else {
        Vec::new()
    };
    Ok((client, tools))
}

/// The "user" accepts every form as it is: the client fills in the schema's defaults.
async fn accept_form(_params: ElicitParams) -> Result<ElicitResult, mcp_protocol::ErrorObject> {
    Ok(ElicitResult::accept(None))
}
