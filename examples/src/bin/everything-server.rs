//! `everything-server`: the server that the official MCP conformance suite
//! (`@modelcontextprotocol/conformance`) expects under test.
//!
//! ```text
//! everything-server [--stdio | --http 127.0.0.1:PORT] [--watch-interval-ms N]
//! ```
//!
//! Over stdio (the default), or Streamable HTTP at `http://ADDR/mcp` with `--http ADDR`
//! (plus the 2024-11-05 endpoints `/sse` and `/messages`; Ctrl-C shuts down gracefully).
//! Every protocol version is served, both eras: 2024-11-05 … 2025-11-25 with `initialize`, and 2026-07-28 with `server/discover`
//! and MRTR.
//!
//! What it exposes is the suite's contract (its reference `everything-server.ts`), with
//! the exact names, arguments and texts, because the suite calls them by name:
//!
//! - **Tools** `test_simple_text` (callable without `arguments`), `test_image_content` (a
//!   1×1 PNG), `test_audio_content` (a 10 ms WAV, `audio/wav`), `test_embedded_resource`,
//!   `test_multiple_content_types`, `test_tool_with_logging` (three `info` logs ~50 ms
//!   apart, during the call), `test_tool_with_progress` (progress 0, 50, 100 of 100, ~50 ms
//!   apart), `test_error_handling` (`isError: true`), `test_sampling {prompt}`,
//!   `test_elicitation {message}`, `test_elicitation_sep1034_defaults`,
//!   `test_elicitation_sep1330_enums`, `json_schema_2020_12_tool` (a raw 2020-12 input
//!   schema), `test_reconnection` (a text result, on both transports), `test_custom_header`
//!   (`region` is mirrored into `Mcp-Param-Region`, SEP-2243).
//! - **Resources** `test://static-text`, `test://static-binary` (the PNG),
//!   `test://watched-resource` (changes every 3 s or `--watch-interval-ms`, with
//!   `notifications/resources/updated` to subscribers); **template**
//!   `test://template/{id}/data`.
//! - **Prompts** `test_simple_prompt`, `test_prompt_with_arguments {arg1, arg2}` (with
//!   completions), `test_prompt_with_embedded_resource {resourceUri}`,
//!   `test_prompt_with_image`.
//! - **Added by the 0.2.x suite (2026-07-28 scenarios)**: the MRTR tools
//!   `test_input_required_result_{elicitation, sampling, list_roots, request_state,
//!   multiple_inputs, multi_round, tampered_state, capabilities}` and the prompt
//!   `test_input_required_result_prompt`, with the `inputRequests` keys the scenarios name;
//!   `test_logging_tool`, `test_streaming_elicitation`, `test_trigger_tool_change`,
//!   `test_trigger_prompt_change`, and `test_tool_with_task` (`taskSupport: required`).
//! - **Capabilities** tools, resources (`subscribe`, `listChanged`), prompts (`listChanged`),
//!   logging, completions, and tasks.
//!
//! The definitions live in [`mcp_examples::everything`].

use std::time::Duration;

use mcp_examples::everything;

const USAGE: &str =
    "usage: everything-server [--stdio | --http 127.0.0.1:PORT] [--watch-interval-ms N]";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut interval = everything::DEFAULT_WATCH_INTERVAL;
    let mut http: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--stdio" => {}
            "--http" => {
                let addr = args
                    .next()
                    .ok_or_else(|| format!("--http needs an address; {USAGE}"))?;
                http = Some(addr);
            }
            "--watch-interval-ms" => {
                let ms: u64 = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .filter(|&ms| ms > 0)
                    .ok_or_else(|| {
                        format!("--watch-interval-ms needs a positive number; {USAGE}")
                    })?;
                interval = Duration::from_millis(ms);
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => return Err(format!("unknown argument {other:?}; {USAGE}").into()),
        }
    }
    let runtime = match http {
        Some(_) => tokio::runtime::Builder::new_multi_thread(),
        None => tokio::runtime::Builder::new_current_thread(),
    }
    .enable_all()
    .build()?;
    runtime.block_on(async {
        let server = everything::server();
        let watcher = tokio::spawn(everything::watch(server.clone(), interval));
        let served = match http {
            Some(addr) => {
                let listener = tokio::net::TcpListener::bind(&addr).await?;
                eprintln!("everything-server: http://{}/mcp", listener.local_addr()?);
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
                    .await
            }
            None => server.serve_stdio().await,
        };
        watcher.abort();
        served
    })?;
    Ok(())
}
