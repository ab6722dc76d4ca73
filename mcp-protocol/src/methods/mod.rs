//! One marker type per MCP method, grouped by spec chapter, and the table of every method.
//!
//! Markers are named after the spec's request type minus `Request` (`CallToolRequest` →
//! [`CallTool`]) and notifications after the event (`ToolListChangedNotification` →
//! [`ToolListChanged`]); params and results keep the spec's names (`CallToolParams` for
//! `CallToolRequestParams`, [`CallToolResult`]).

mod cancellation;
mod ping;
mod progress;
mod tools;

// -- lifecycle, discovery, resources, prompts, completion, logging, subscriptions --

// -- sampling, elicitation, roots, tasks --
mod elicitation;
mod elicitation_schema;
mod roots;
mod sampling;

pub use cancellation::*;
pub use ping::*;
pub use progress::*;
pub use tools::*;

// -- re-exports: lifecycle, discovery, resources, prompts, completion, logging, subscriptions --

// -- re-exports: sampling, elicitation, roots, tasks --
pub use elicitation::*;
pub use elicitation_schema::*;
pub use roots::*;
pub use sampling::*;

use crate::method::{Direction, MethodInfo, notification_info, request_info};

/// Every method of every revision: name, kind, direction, and the revisions it exists in.
pub static ALL: &[MethodInfo] = &[
    // basic utilities
    request_info::<Ping>(Direction::Both),
    notification_info::<Cancelled>(Direction::Both),
    notification_info::<Progress>(Direction::Both),
    // tools
    request_info::<ListTools>(Direction::ClientToServer),
    request_info::<CallTool>(Direction::ClientToServer),
    notification_info::<ToolListChanged>(Direction::ServerToClient),
    // -- rows: lifecycle, discovery, resources, prompts, completion, logging, subscriptions --

    // -- rows: sampling, elicitation, roots, tasks --
    request_info::<CreateMessage>(Direction::ServerToClient),
    request_info::<Elicit>(Direction::ServerToClient),
    notification_info::<ElicitationComplete>(Direction::ServerToClient),
    request_info::<ListRoots>(Direction::ServerToClient),
    notification_info::<RootsListChanged>(Direction::ClientToServer),
];
