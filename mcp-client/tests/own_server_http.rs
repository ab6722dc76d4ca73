//! Our client against our own server over 2026-07-28 Streamable HTTP on a real 127.0.0.1
//! socket: the routing headers the server checks (tasks extension `Mcp-Name`,
//! `Mcp-Param-*`), where a client that gets them wrong is refused with 400 / -32020.

use std::time::Duration;

use mcp_client::http::HttpTransport;
use mcp_client::{Client, ClientBuilder};
use mcp_protocol::types::{InputResponses, ResultOrFollowUp};
use mcp_server::http::HttpConfig;
use mcp_server::{NoArgs, RequestContext, Server, TaskSupport, ToolDef};
use serde_json::{Map, Value, json};
use tokio::net::TcpListener;

use crate::support::{builder, within};

/// Serves `server` over HTTP on 127.0.0.1:random; its `/mcp` URL.
async fn serve(server: Server) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/mcp", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = server.serve_http_on(listener, HttpConfig::new()).await;
    });
    url
}

async fn connect(url: &str, builder: ClientBuilder) -> Client {
    let transport = HttpTransport::builder(url).build().unwrap();
    within(builder.connect(transport)).await.expect("connect")
}

/// A task tool that works until cancelled (bounded, so a lost cancel cannot hang the test).
fn until_cancelled() -> ToolDef {
    ToolDef::new("slow", |_: NoArgs, ctx: RequestContext| async move {
        tokio::select! {
            () = tokio::time::sleep(Duration::from_secs(5)) => "not cancelled",
            () = ctx.cancelled() => "cancelled",
        }
    })
    .task_support(TaskSupport::Optional)
}

// requirement: 7.25
/// Tasks extension §Streamable HTTP: Routing Headers: `tasks/get`, `tasks/update` and
/// `tasks/cancel` carry `Mcp-Name: <taskId>`, which our server requires (400 / -32020
/// without it), so the client's task methods work over HTTP against it.
#[tokio::test]
async fn task_methods_carry_the_task_id_in_mcp_name() {
    let server = Server::builder("tasks-http", "1").tasks(true).build();
    server.add_tool(until_cancelled()).unwrap();
    let url = serve(server).await;
    let client = connect(&url, builder().tasks_extension(true)).await;
    assert!(!client.protocol_version().has_handshake(), "2026-07-28");

    let outcome = within(client.call_tool_as_task("slow", json!({}), None))
        .await
        .expect("tools/call");
    let ResultOrFollowUp::Task(created) = outcome else {
        panic!("expected a task, got {outcome:?}");
    };
    let id = created.task.task_id;
    let got = within(client.get_task(id.clone()))
        .await
        .expect("tasks/get");
    assert_eq!(got.task.task.task_id, id);
    within(client.update_task(id.clone(), InputResponses::default()))
        .await
        .expect("tasks/update");
    within(client.cancel_task(id.clone()))
        .await
        .expect("tasks/cancel");
}

// requirement: 3.36
/// 2026-07-28 transports/streamable-http §Custom Headers: on a `HeaderMismatch` (-32020)
/// "the client SHOULD call `tools/list` to check for changes to the tool's `inputSchema`,
/// then retry the original request with the appropriate headers". A client that never
/// listed the tools sends no `Mcp-Param-Region`; our server refuses the call, the client
/// re-lists and the retry (with the header) succeeds.
#[tokio::test]
async fn a_header_mismatch_relists_the_tools_and_retries_once() {
    let schema: Map<String, Value> = serde_json::from_value(json!({
        "type": "object",
        "properties": {"region": {"type": "string", "x-mcp-header": "Region"}},
        "required": ["region"]
    }))
    .unwrap();
    let server = Server::builder("headers-http", "1").build();
    server
        .add_tool(ToolDef::raw(
            "where",
            schema,
            |args: Map<String, Value>, _: RequestContext| async move {
                args["region"].as_str().unwrap_or_default().to_owned()
            },
        ))
        .unwrap();
    let url = serve(server).await;
    let client = connect(&url, builder()).await;
    assert!(!client.protocol_version().has_handshake(), "2026-07-28");

    let result = within(client.call_tool("where", json!({"region": "eu-west"})))
        .await
        .expect("the retry after re-listing succeeds");
    let text = serde_json::to_value(&result).unwrap()["content"][0]["text"].clone();
    assert_eq!(text, "eu-west");
}
