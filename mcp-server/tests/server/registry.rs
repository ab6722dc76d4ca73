//! Run-time changes to the registry: list_changed delivery, enable/disable, pagination.

use std::time::Duration;

use mcp_protocol::ProtocolVersion as V;
use mcp_protocol::methods::*;
use mcp_protocol::rt::memory::Mode;
use mcp_protocol::types::*;
use mcp_server::{NoArgs, RequestContext, Server, ToolDef};

use crate::support::*;

// requirement: 5.11
#[tokio::test]
async fn list_changed_reaches_every_session_that_can_receive_it() {
    let server = everything_server(Server::builder("t", "1"));
    let mut a = Harness::connect(&server, Mode::Direct);
    a.initialize(V::V2025_11_25, ClientCapabilities::default())
        .await;
    let mut b = Harness::connect(&server, Mode::Serialized);
    b.initialize(V::V2024_11_05, ClientCapabilities::default())
        .await;

    server
        .add_tool(
            ToolDef::new("late", |_: NoArgs, _: RequestContext| async { "late" })
                .description("Late"),
        )
        .unwrap();
    a.notification("notifications/tools/list_changed").await;
    b.notification("notifications/tools/list_changed").await;
    let names: Vec<_> = a
        .call::<ListTools>(&PaginatedParams::first())
        .await
        .unwrap()
        .tools
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(names.last().map(String::as_str), Some("late"));

    assert!(server.set_tool_enabled("late", false));
    a.notification("notifications/tools/list_changed").await;
    let call = a.call::<CallTool>(&CallToolParams::new("late")).await;
    assert!(call.is_err(), "a disabled tool cannot be called");
    assert!(server.set_tool_enabled("late", true));
    assert!(server.remove_tool("late"));
    assert!(!server.remove_tool("late"));

    server.remove_prompt("test_prompt_with_arguments");
    a.notification("notifications/prompts/list_changed").await;
    server.remove_resource("test://static-text");
    a.notification("notifications/resources/list_changed").await;
}

#[tokio::test]
async fn no_list_changed_when_turned_off() {
    let server = everything_server(Server::builder("t", "1").list_changed(false));
    let mut a = Harness::connect(&server, Mode::Direct);
    let init = a
        .initialize(V::V2025_11_25, ClientCapabilities::default())
        .await;
    assert_eq!(init.capabilities.tools.unwrap().list_changed, None);
    server.remove_tool("echo");
    assert!(
        !a.sees(
            "notifications/tools/list_changed",
            Duration::from_millis(100)
        )
        .await
    );
}

// requirement: 5.3, 5.4
#[tokio::test]
async fn pagination_walks_every_tool_once_in_order() {
    let server = everything_server(Server::builder("t", "1").page_size(3));
    let h = Harness::connect(&server, Mode::Serialized);
    h.initialize(V::V2025_11_25, ClientCapabilities::default())
        .await;
    let mut names = Vec::new();
    let mut cursor = None;
    let mut pages = 0;
    loop {
        let params = match cursor.take() {
            Some(c) => PaginatedParams::after(c),
            None => PaginatedParams::first(),
        };
        let page = h.call::<ListTools>(&params).await.unwrap();
        assert!(page.tools.len() <= 3);
        names.extend(page.tools.into_iter().map(|t| t.name));
        pages += 1;
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    assert!(pages > 1);
    let expected = [
        "echo",
        "simple",
        "add",
        "fail",
        "panic",
        "wait_cancel",
        "progress",
        "log",
        "ask",
        "slow_task",
        "confirm_task",
    ];
    assert_eq!(names, expected);
}
