//! Shared state (`ServerBuilder::state` + `State<S>`): every kind of handler gets the one
//! value the server was built with, and an item whose state the server lacks is refused when
//! it is registered.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use mcp_protocol::ProtocolVersion as V;
use mcp_protocol::methods::*;
use mcp_protocol::rt::memory::Mode;
use mcp_protocol::types::*;
use mcp_server::prelude::*;

use crate::support::*;

/// A counter every handler shares.
#[derive(Clone, Default)]
struct Calls(Arc<AtomicU64>);

/// A second state, of another type.
#[derive(Clone)]
struct Label(&'static str);

#[derive(serde::Deserialize)]
struct Slot {
    n: u64,
}

fn bump() -> ToolDef {
    ToolDef::with_state(
        "bump",
        |State(calls): State<Calls>, _: NoArgs, _: RequestContext| async move {
            (calls.0.fetch_add(1, Ordering::SeqCst) + 1).to_string()
        },
    )
}

fn count() -> ResourceDef {
    ResourceDef::with_state(
        Resource::new("test://count", "count"),
        |State(calls): State<Calls>, uri: String, _: RequestContext| async move {
            let n = calls.0.load(Ordering::SeqCst);
            Ok(vec![ResourceContents::text(uri, n.to_string())])
        },
    )
}

fn slot() -> TemplateDef {
    TemplateDef::with_state(
        ResourceTemplate::new("test://slot/{n}", "slot"),
        |State(label): State<Label>, uri: String, slot: Slot, _: RequestContext| async move {
            Ok(vec![ResourceContents::text(
                uri,
                format!("{} {}", label.0, slot.n),
            )])
        },
    )
    .unwrap()
}

fn greet() -> PromptDef {
    PromptDef::with_state(
        Prompt::new("greet"),
        |State(label): State<Label>, _: PromptArguments, _: RequestContext| async move {
            Ok(GetPromptResult::new(vec![PromptMessage::user_text(
                label.0,
            )]))
        },
    )
}

fn resource_text(result: &ReadResourceResult) -> &str {
    match &result.contents[0] {
        ResourceContents::Text(t) => &t.text,
        other => panic!("expected text contents, got {other:?}"),
    }
}

#[tokio::test]
async fn every_kind_of_handler_gets_the_state_of_its_type() {
    let calls = Calls::default();
    let server = Server::builder("t", "1")
        .state(calls.clone())
        .state(Label("slot"))
        .build();
    server.add_tool(bump()).unwrap();
    server.add_resource(count()).unwrap();
    server.add_resource_template(slot()).unwrap();
    server.add_prompt(greet()).unwrap();

    let h = Harness::connect(&server, Mode::Serialized);
    h.initialize(V::V2025_11_25, ClientCapabilities::default())
        .await;
    for expected in ["1", "2"] {
        let result = h
            .call::<CallTool>(&CallToolParams::new("bump"))
            .await
            .unwrap();
        assert_eq!(text(&result), expected);
    }
    // The handlers hold clones of the value given to the builder: one counter.
    assert_eq!(calls.0.load(Ordering::SeqCst), 2);
    let read = h
        .call::<ReadResource>(&ReadResourceParams::new("test://count"))
        .await
        .unwrap();
    assert_eq!(resource_text(&read), "2");
    let read = h
        .call::<ReadResource>(&ReadResourceParams::new("test://slot/7"))
        .await
        .unwrap();
    assert_eq!(resource_text(&read), "slot 7");
    let prompt = h
        .call::<GetPrompt>(&GetPromptParams::new("greet"))
        .await
        .unwrap();
    assert_eq!(prompt.messages[0].content.as_text(), Some("slot"));
}

#[tokio::test]
async fn an_item_whose_state_is_missing_is_refused_when_added_and_never_listed() {
    // A state of another type does not count.
    let server = Server::builder("t", "1").state(Label("only")).build();
    let refused = |result: Result<(), RegistryError>| match result {
        Err(RegistryError::MissingState { item, state }) => (item, state),
        other => panic!("expected MissingState, got {other:?}"),
    };
    let calls = std::any::type_name::<Calls>();
    assert_eq!(refused(server.add_tool(bump())), ("bump".to_owned(), calls));
    assert_eq!(
        refused(server.add_resource(count())),
        ("test://count".to_owned(), calls)
    );
    let bare = Server::builder("t", "1").build();
    let label = std::any::type_name::<Label>();
    assert_eq!(
        refused(bare.add_resource_template(slot())),
        ("test://slot/{n}".to_owned(), label)
    );
    assert_eq!(
        refused(bare.add_prompt(greet())),
        ("greet".to_owned(), label)
    );
    let message = bare.add_prompt(greet()).unwrap_err().to_string();
    assert!(message.contains("ServerBuilder::state"), "{message}");

    // Nothing refused was registered: no capability, nothing listed, nothing callable.
    let caps = server.capabilities();
    assert!(caps.tools.is_none() && caps.resources.is_none(), "{caps:?}");
    let h = Harness::connect(&server, Mode::Direct);
    h.initialize(V::V2025_11_25, ClientCapabilities::default())
        .await;
    assert!(
        h.call::<CallTool>(&CallToolParams::new("bump"))
            .await
            .is_err()
    );
}
