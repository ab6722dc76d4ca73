//! The reference server: a small server built with `mcp-server` that has one of each kind
//! of thing a scenario needs, run in process (memory transport) or as this binary's hidden
//! `reference-server --stdio` subcommand, or over Streamable HTTP on a loopback port for the
//! wire-level server scenarios of `run`.

use std::time::Duration;

use mcp_protocol::methods::{
    BooleanSchema, CreateMessageParams, ElicitFormParams, GetPromptResult, Prompt, PromptArgument,
    PromptMessage, RequestedSchema, Resource, ResourceTemplate, SamplingMessage, StringSchema,
};
use mcp_protocol::types::{LoggingLevel, ResourceContents};
use mcp_protocol::{ProtocolVersion, SupportedVersions};
use mcp_server::{
    Json, NoArgs, PromptDef, RequestContext, ResourceDef, Server, TaskSupport, TemplateDef,
    ToolDef, from_list,
};
use serde_json::json;

/// `serverInfo` of the reference server.
pub(crate) const NAME: &str = "mcp-conformance-reference";
/// Its instructions.
pub(crate) const INSTRUCTIONS: &str = "A reference server for conformance runs.";
/// The resource watched by the update scenarios.
pub(crate) const WATCHED: &str = "test://watched";

#[derive(serde::Deserialize, schemars::JsonSchema)]
struct Echo {
    /// The text to echo.
    text: String,
}

#[derive(serde::Deserialize, schemars::JsonSchema)]
struct Add {
    /// The first term.
    a: i64,
    /// The second term.
    b: i64,
}

#[derive(serde::Serialize, schemars::JsonSchema)]
struct Sum {
    /// `a + b`.
    sum: i64,
}

#[derive(serde::Deserialize, schemars::JsonSchema)]
struct Touch {
    /// The resource that changed.
    uri: String,
}

#[derive(serde::Deserialize)]
struct Item {
    id: String,
}

/// The reference server, speaking `versions`.
pub(crate) fn build(versions: SupportedVersions) -> Server {
    let server = Server::builder(NAME, env!("CARGO_PKG_VERSION"))
        .instructions(INSTRUCTIONS)
        .versions(versions)
        .tasks(true)
        .task_poll_interval(Duration::from_millis(10))
        .build();
    let tools = [
        ToolDef::new("echo", |a: Echo, _: RequestContext| async move { a.text })
            .title("Echo")
            .description("Echoes the text"),
        ToolDef::new("add", |a: Add, _: RequestContext| async move {
            Json(Sum { sum: a.a + a.b })
        })
        .description("Adds two integers (structured output)"),
        ToolDef::new("fail", |_: NoArgs, _: RequestContext| async {
            Err::<String, _>("this tool always fails")
        })
        .description("Fails"),
        ToolDef::new("progress", |_: NoArgs, ctx: RequestContext| async move {
            for step in [1.0, 2.0, 3.0] {
                ctx.progress(step, Some(3.0), Some(&format!("step {step}")));
            }
            "done"
        })
        .description("Reports progress in three steps"),
        ToolDef::new("log", |_: NoArgs, ctx: RequestContext| async move {
            let levels = [LoggingLevel::Debug, LoggingLevel::Info, LoggingLevel::Error];
            let sent = levels
                .into_iter()
                .filter(|l| ctx.log(l.clone(), json!({"level": format!("{l:?}")})))
                .count();
            format!("sent {sent}")
        })
        .description("Logs at debug, info and error"),
        ToolDef::new("confirm", |_: NoArgs, ctx: RequestContext| async move {
            let schema = RequestedSchema::new()
                .with_field("name", StringSchema::default(), true)
                .with_field(
                    "notify",
                    {
                        let mut boolean_schema = BooleanSchema::default();
                        boolean_schema.default = Some(true);
                        boolean_schema
                    },
                    false,
                );
            let r = ctx
                .elicit(ElicitFormParams::new("Who is asking?", schema))
                .await
                .map_err(|e| e.to_string())?;
            Ok::<_, String>(json!({"action": r.action, "content": r.content}).to_string())
        })
        .description("Asks the user (elicitation)"),
        ToolDef::new("sample", |_: NoArgs, ctx: RequestContext| async move {
            let params = CreateMessageParams::new(
                vec![SamplingMessage::user_text("Capital of France?")],
                64,
            );
            let r = ctx
                .create_message(params)
                .await
                .map_err(|e| e.to_string())?;
            let text = r.content.blocks().first().and_then(|b| b.as_text());
            Ok::<_, String>(format!("{}: {}", r.model, text.unwrap_or_default()))
        })
        .description("Asks the client's model (sampling)"),
        ToolDef::new("roots", |_: NoArgs, ctx: RequestContext| async move {
            let r = ctx.list_roots().await.map_err(|e| e.to_string())?;
            let uris: Vec<_> = r.roots.into_iter().map(|r| r.uri).collect();
            Ok::<_, String>(uris.join(" "))
        })
        .description("Lists the client's roots"),
        ToolDef::new("slow", |_: NoArgs, ctx: RequestContext| async move {
            tokio::select! {
                () = tokio::time::sleep(Duration::from_millis(30)) => "slow done",
                () = ctx.cancelled() => "cancelled",
            }
        })
        .description("Takes a while; may run as a task")
        .task_support(TaskSupport::Optional),
        ToolDef::new("touch", {
            let server = server.clone();
            move |t: Touch, _: RequestContext| {
                server.notify_resource_updated(&t.uri);
                async { "touched" }
            }
        })
        .description("Announces that a resource changed"),
    ];
    for tool in tools {
        // The argument types above always give valid schemas.
        let _ = server.add_tool(tool);
    }
    // Handlers without state: registration cannot fail.
    let _ = server.add_resource(ResourceDef::text(
        Resource::new("test://static-text", "static").with_mime_type("text/plain"),
        "Static text.",
    ));
    let _ = server.add_resource(ResourceDef::text(
        Resource::new(WATCHED, "watched").with_mime_type("text/plain"),
        "Watched.",
    ));
    if let Ok(template) = TemplateDef::new(
        ResourceTemplate::new("test://items/{id}", "item"),
        |uri: String, item: Item, _ctx| async move {
            Ok(vec![ResourceContents::text(
                uri,
                format!("item {}", item.id),
            )])
        },
    ) {
        let _ = server.add_resource_template(template.complete("id", from_list(["1", "12", "2"])));
    }
    let _ = server.add_prompt(
        PromptDef::new(
            Prompt::new("greet")
                .with_description("Greets someone")
                .with_argument(PromptArgument::required("name")),
            |args, _ctx| async move {
                let name = args.get("name").cloned().unwrap_or_default();
                Ok(GetPromptResult::new(vec![PromptMessage::user_text(
                    format!("Hello, {name}!"),
                )]))
            },
        )
        .complete("name", from_list(["Ada", "Alan", "Grace"])),
    );
    server
}

/// The hidden `reference-server` subcommand: serves `versions` (all when empty) over stdio
/// until stdin closes.
pub(crate) fn serve_stdio(versions: &[ProtocolVersion]) -> std::io::Result<()> {
    let versions = if versions.is_empty() {
        SupportedVersions::default()
    } else {
        SupportedVersions::new(versions.iter().copied())
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime
        .block_on(build(versions).serve_stdio())
        .map_err(std::io::Error::other)
}

/// Serves every version over Streamable HTTP on a free loopback port, on the current
/// runtime, until the returned server is shut down; gives the MCP endpoint's URL.
pub(crate) async fn serve_http() -> std::io::Result<(String, Server)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/mcp", listener.local_addr()?);
    let server = build(SupportedVersions::default());
    let serving = server.clone();
    tokio::spawn(async move {
        if let Err(e) = serving
            .serve_http_on(listener, mcp_server::http::HttpConfig::new())
            .await
        {
            eprintln!("mcp-conformance: the reference server over HTTP stopped: {e}");
        }
    });
    Ok((url, server))
}
