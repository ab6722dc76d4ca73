//! The two servers under test, with the same tools: `echo {text}` returns the text, `add {a, b}`
//! returns the sum as text. Each is written the way its library's documentation shows.

use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{ServerCapabilities, ServerConfig};
use rmcp::{ServerHandler, tool, tool_handler, tool_router};
use serde::Deserialize;

/// Arguments of `echo`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct Echo {
    /// The text to send back.
    pub text: String,
}

/// Arguments of `add`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct Add {
    /// The first term.
    pub a: f64,
    /// The second term.
    pub b: f64,
}

/// Our server: `mcp_server::Server` with two `ToolDef`s.
pub fn ours() -> mcp_server::Server {
    use mcp_server::{RequestContext, Server, ToolDef};
    let server = Server::builder("compare-ours", env!("CARGO_PKG_VERSION")).build();
    let tools = [
        ToolDef::new("echo", |args: Echo, _ctx: RequestContext| async move {
            args.text
        })
        .description("Returns its text"),
        ToolDef::new("add", |args: Add, _ctx: RequestContext| async move {
            (args.a + args.b).to_string()
        })
        .description("Adds two numbers"),
    ];
    for tool in tools {
        server.add_tool(tool).expect("distinct tool names");
    }
    server
}

/// rmcp's server: a `#[tool_router]` struct, as in rmcp's README.
#[derive(Debug, Clone)]
pub struct Theirs {
    tool_router: ToolRouter<Self>,
}

impl Default for Theirs {
    fn default() -> Self {
        Self {
            tool_router: Self::tool_router(),
        }
    }
}

#[tool_router]
impl Theirs {
    #[tool(description = "Returns its text")]
    fn echo(&self, Parameters(Echo { text }): Parameters<Echo>) -> String {
        text
    }

    #[tool(description = "Adds two numbers")]
    fn add(&self, Parameters(Add { a, b }): Parameters<Add>) -> String {
        (a + b).to_string()
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for Theirs {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
    }
}
