//! A small server over stdio, used by the crate's stdio tests: `echo {text}`, `add {a, b}`,
//! a resource, a prompt; `chatty` for the cancellation test.

use mcp_server::prelude::*;

#[derive(serde::Deserialize, JsonSchema)]
struct Echo {
    /// What to echo.
    text: String,
}

#[derive(serde::Deserialize, JsonSchema)]
struct Add {
    a: f64,
    b: f64,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = Server::builder("stdio-example", "0.1.0")
        .instructions("Echoes and adds.")
        .build();
    server.add_tool(
        ToolDef::new("echo", |args: Echo, _ctx: RequestContext| async move {
            args.text
        })
        .description("Echoes the text"),
    )?;
    server.add_tool(
        ToolDef::new("add", |args: Add, _ctx: RequestContext| async move {
            (args.a + args.b).to_string()
        })
        .description("Adds two numbers"),
    )?;
    // For the crate's cancellation test: logs until dropped, ignoring cancellation, and
    // counts the log attempts made after it was cancelled.
    static AFTER_CANCEL: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    server.add_tool(ToolDef::new(
        "chatty",
        |_: NoArgs, ctx: RequestContext| async move {
            // About 100 s, far longer than the server lets a cancelled handler run on.
            for _ in 0..50_000 {
                ctx.log(LoggingLevel::Info, "tick");
                if ctx.is_cancelled() {
                    AFTER_CANCEL.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
                tokio::time::sleep(std::time::Duration::from_millis(2)).await;
            }
            "done"
        },
    ))?;
    server.add_tool(ToolDef::new(
        "chatty_after_cancel",
        |_: NoArgs, _ctx: RequestContext| async move {
            AFTER_CANCEL
                .load(std::sync::atomic::Ordering::Relaxed)
                .to_string()
        },
    ))?;
    server.add_resource(ResourceDef::text(
        Resource::new("test://static-text", "static").with_mime_type("text/plain"),
        "This is the content of the static text resource.",
    ))?;
    server.add_prompt(PromptDef::new(
        Prompt::new("greet")
            .with_description("Greets someone")
            .with_argument(PromptArgument::required("name")),
        |args, _ctx| async move {
            let name = args.get("name").cloned().unwrap_or_default();
            Ok(GetPromptResult::new(vec![PromptMessage::user_text(
                format!("Hello, {name}!"),
            )]))
        },
    ))?;
    server.serve_stdio().await?;
    Ok(())
}
