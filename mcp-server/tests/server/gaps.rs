//! Server gaps closed later: the progress token accessor, tools that require client
//! capabilities, `_meta["io.modelcontextprotocol/serverInfo"]` on 2026-07-28 results.

use mcp_protocol::ProgressToken;
use mcp_protocol::ProtocolVersion as V;
use mcp_protocol::rt::memory::Mode;
use mcp_protocol::types::ClientCapabilities;
use mcp_server::{NoArgs, RequestContext, Server, ToolDef};
use serde_json::{Value, json};

use crate::support::*;

/// The everything test server plus `token`, which answers with its request's progress
/// token.
fn server(builder: mcp_server::ServerBuilder) -> Server {
    let server = everything_server(builder);
    server
        .add_tool(ToolDef::new(
            "token",
            |_: NoArgs, ctx: RequestContext| async move {
                match ctx.progress_token() {
                    Some(ProgressToken::String(s)) => format!("string {s}"),
                    Some(ProgressToken::Number(n)) => format!("number {n}"),
                    None => "none".to_owned(),
                }
            },
        ))
        .unwrap();
    server
}

fn first_text(result: &Value) -> &str {
    result["content"][0]["text"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn the_progress_token_reaches_the_handler_in_both_eras() {
    let server = server(Server::builder("t", "1"));
    let session = Harness::connect(&server, Mode::Serialized);
    session
        .initialize(V::V2025_11_25, ClientCapabilities::default())
        .await;
    let stateless = Harness::connect(&server, Mode::Serialized);
    for (meta, expected) in [
        (json!({"progressToken": "tok-1"}), "string tok-1"),
        (json!({"progressToken": 7}), "number 7"),
        (json!({}), "none"),
    ] {
        let mut params = json!({"name": "token", "arguments": {}, "_meta": meta.clone()});
        let r = session.raw("tools/call", params.clone()).await.unwrap();
        assert_eq!(first_text(&r), expected, "session era, {meta}");

        let mut with_version = params_2026(json!({}), json!({}))["_meta"].clone();
        for (k, v) in meta.as_object().unwrap() {
            with_version[k] = v.clone();
        }
        params["_meta"] = with_version;
        let r = stateless.raw("tools/call", params).await.unwrap();
        assert_eq!(first_text(&r), expected, "2026-07-28, {meta}");
    }
}
