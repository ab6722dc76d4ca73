//! What a typical client needs, in one import: `use mcp_client::prelude::*;`.
//!
//! The client, its builder and per-call options, the handlers a client registers, and the
//! protocol types its calls return from [`mcp_protocol`], re-exported as
//! [`crate::protocol`] so that no third dependency is needed. Nothing here is named `Error`
//! or `Result`, so the glob never shadows an application's own (the client's are
//! [`crate::Error`] and [`crate::Result`]).
//!
//! ```no_run
//! use mcp_client::prelude::*;
//!
//! # async fn run() -> mcp_client::Result<()> {
//! let client = Client::spawn("my-mcp-server", ["--stdio"]).await?;
//! let result: CallToolResult = client.call_tool("echo", serde_json::json!({"text": "hi"})).await?;
//! if let Some(text) = result.content.first().and_then(ContentBlock::as_text) {
//!     println!("{text}");
//! }
//! # Ok(())
//! # }
//! ```

pub use crate::{
    CallOptions, Client, ClientBuilder, ElicitationHandler, Negotiated, Notifications,
    SamplingHandler, ServerNotification, Subscription,
};

pub use mcp_protocol::methods::{
    CallToolResult, ElicitAction, GetPromptResult, Prompt, ReadResourceResult, Resource,
    ResourceTemplate, Tool,
};
pub use mcp_protocol::types::{
    ClientCapabilities, ContentBlock, Implementation, LoggingLevel, ResourceContents,
};
pub use mcp_protocol::{ProtocolVersion, SupportedVersions};
