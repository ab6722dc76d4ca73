//! Our client against our own server over 2026-07-28 Streamable HTTP on a real 127.0.0.1
//! socket: the routing headers the server checks (tasks extension `Mcp-Name`,
//! `Mcp-Param-*`), where a client that gets them wrong is refused with 400 / -32020.

use std::sync::Arc;
use std::time::Duration;

use futures::FutureExt as _;

use mcp_client::http::HttpTransport;
use mcp_client::{Client, ClientBuilder};
use mcp_protocol::ErrorCode;
use mcp_protocol::types::{InputResponses, ResultOrFollowUp};
use mcp_server::http::{Authenticate, HttpConfig};
use mcp_server::{NoArgs, Principal, RequestContext, Server, TaskSupport, ToolDef};
use serde_json::{Map, Value, json};
use tokio::net::TcpListener;

use crate::support::{builder, within};

/// Serves `server` over HTTP on 127.0.0.1:random; its `/mcp` URL.
async fn serve(server: Server) -> String {
    serve_with(server, HttpConfig::new()).await
}

async fn serve_with(server: Server, config: HttpConfig) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/mcp", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = server.serve_http_on(listener, config).await;
    });
    url
}

async fn connect(url: &str, builder: ClientBuilder) -> Client {
    connect_as(url, None, builder).await
}

/// Connects sending `X-User: {user}` on every request when `user` is given.
async fn connect_as(url: &str, user: Option<&str>, builder: ClientBuilder) -> Client {
    let mut transport = HttpTransport::builder(url);
    if let Some(user) = user {
        transport = transport.header("x-user", user);
    }
    within(builder.connect(transport.build().unwrap()))
        .await
        .expect("connect")
}

/// Authenticates callers by their `X-User` header (anonymous without one).
fn by_user_header() -> HttpConfig {
    let authenticate: Authenticate = Arc::new(|headers: &http::HeaderMap| {
        let user = headers
            .get("x-user")
            .and_then(|v| v.to_str().ok())
            .map(|u| Principal::new("test-issuer", u));
        async move { Ok(user) }.boxed()
    });
    HttpConfig::new().authenticate(authenticate)
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

/// Calls `slow`, which the server runs as a task; the task's ID.
async fn start_slow_task(client: &Client) -> String {
    let outcome = within(client.call_tool_as_task("slow", json!({}), None))
        .await
        .expect("tools/call");
    let ResultOrFollowUp::Task(created) = outcome else {
        panic!("expected a task, got {outcome:?}");
    };
    created.task.task_id
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

    let id = start_slow_task(&client).await;
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

// requirement: 7.11
/// 2025-11-25 basic/utilities/tasks §Task Isolation and Access Control: "If context-binding
/// is available, receivers **MUST** reject `tasks/get`, `tasks/result`, and `tasks/cancel`
/// requests for tasks that do not belong to the same authorization context". Over 2026 HTTP
/// a task belongs to the authenticated principal that created it: another principal, or an
/// anonymous caller, holding the ID cannot get, update or cancel it (-32602, unknown task).
#[tokio::test]
async fn another_principal_cannot_reach_a_task() {
    let server = Server::builder("tasks-auth", "1").tasks(true).build();
    server.add_tool(until_cancelled()).unwrap();
    let url = serve_with(server, by_user_header()).await;
    let alice = connect_as(&url, Some("alice"), builder().tasks_extension(true)).await;
    let id = start_slow_task(&alice).await;

    for other in [Some("bob"), None] {
        let client = connect_as(&url, other, builder().tasks_extension(true)).await;
        let refused = [
            within(client.get_task(id.clone())).await.map(drop),
            within(client.update_task(id.clone(), InputResponses::default())).await,
            within(client.cancel_task(id.clone())).await.map(drop),
        ];
        for (method, outcome) in ["tasks/get", "tasks/update", "tasks/cancel"]
            .iter()
            .zip(refused)
        {
            let err = outcome.expect_err(method);
            assert_eq!(
                err.code(),
                Some(ErrorCode::INVALID_PARAMS),
                "{other:?} {method}: {err}"
            );
        }
    }
    let still = within(alice.get_task(id.clone()))
        .await
        .expect("alice's own task");
    assert_eq!(
        still.task.task.status,
        mcp_protocol::types::TaskStatus::Working
    );
    within(alice.cancel_task(id)).await.expect("alice cancels");
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
