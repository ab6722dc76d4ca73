//! What a typical server needs, in one import: `use mcp_server::prelude::*;`.
//!
//! The server's own types (the server, what can be registered, what a handler gets and
//! returns), the protocol types handlers build (content, resource contents, annotations,
//! prompt messages) from [`mcp_protocol`], re-exported as [`crate::protocol`] so that no third
//! dependency is needed, and [`schemars`] with its `JsonSchema` derive, so
//! `#[derive(JsonSchema)]` on argument types resolves to the version this crate uses.
//! Nothing here is named `Error` or `Result`, so the glob never shadows an application's
//! own.
//!
//! ```
//! use mcp_server::prelude::*;
//!
//! #[derive(serde::Deserialize, JsonSchema)]
//! struct Greet {
//!     /// Whom to greet.
//!     name: String,
//! }
//!
//! let server = Server::builder("greeter", "1.0.0").build();
//! server
//!     .add_tool(
//!         ToolDef::new("greet", |args: Greet, _ctx: RequestContext| async move {
//!             ContentBlock::text(format!("Hello, {}!", args.name))
//!         })
//!         .annotations(ToolAnnotations::default()),
//!     )
//!     .unwrap();
//! ```

pub use crate::{
    CacheHint, CompletionQuery, IntoToolResult, Json, ListKind, NoArgs, PromptArguments, PromptDef,
    ReadResult, RegistryError, RequestContext, ResourceDef, Server, ServerBuilder, State,
    TaskSupport, TemplateDef, ToolDef, from_list,
};

pub use crate::schemars::{self, JsonSchema};

pub use mcp_protocol::methods::{
    CallToolResult, GetPromptResult, Prompt, PromptArgument, PromptMessage, Resource,
    ResourceTemplate, Tool, ToolAnnotations,
};
pub use mcp_protocol::types::{
    ClientCapabilities, ContentBlock, Implementation, LoggingLevel, ResourceContents,
};
pub use mcp_protocol::{ProtocolVersion, SupportedVersions};
