//! A small server over stdio, used by the crate's stdio tests: `echo {text}`, `add {a, b}`,
//! a resource, a prompt.

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
