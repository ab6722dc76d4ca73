//! One marker type per MCP method, grouped by spec chapter, and the table of every method.
//!
//! Markers are named after the spec's request type minus `Request` (`CallToolRequest` →
//! [`CallTool`]) and notifications after the event (`ToolListChangedNotification` →
//! [`ToolListChanged`]); params and results keep the spec's names (`CallToolParams` for
//! `CallToolRequestParams`, [`CallToolResult`]).

mod cancellation;
mod ping;
mod progress;
mod tool_headers;
mod tools;

// -- lifecycle, discovery, resources, prompts, completion, logging, subscriptions --
mod completion;
mod discover;
mod lifecycle;
mod logging;
mod prompts;
mod resource_subscriptions;
mod resources;
mod subscriptions;

// -- sampling, elicitation, roots, tasks --
mod elicitation;
mod elicitation_schema;
mod roots;
mod sampling;
mod sampling_content;
mod tasks;
mod tasks_ext;

pub use cancellation::*;
pub use ping::*;
pub use progress::*;
pub use tool_headers::*;
pub use tools::*;

// -- re-exports: lifecycle, discovery, resources, prompts, completion, logging, subscriptions --
pub use completion::*;
pub use discover::*;
pub use lifecycle::*;
pub use logging::*;
pub use prompts::*;
pub use resource_subscriptions::*;
pub use resources::*;
pub use subscriptions::*;

// -- re-exports: sampling, elicitation, roots, tasks --
pub use elicitation::*;
pub use elicitation_schema::*;
pub use roots::*;
pub use sampling::*;
pub use sampling_content::*;
pub use tasks::*;
pub use tasks_ext::*;

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
    request_info::<Initialize>(Direction::ClientToServer),
    notification_info::<Initialized>(Direction::ClientToServer),
    request_info::<Discover>(Direction::ClientToServer),
    request_info::<ListResources>(Direction::ClientToServer),
    request_info::<ListResourceTemplates>(Direction::ClientToServer),
    request_info::<ReadResource>(Direction::ClientToServer),
    request_info::<Subscribe>(Direction::ClientToServer),
    request_info::<Unsubscribe>(Direction::ClientToServer),
    notification_info::<ResourceUpdated>(Direction::ServerToClient),
    notification_info::<ResourceListChanged>(Direction::ServerToClient),
    request_info::<ListPrompts>(Direction::ClientToServer),
    request_info::<GetPrompt>(Direction::ClientToServer),
    notification_info::<PromptListChanged>(Direction::ServerToClient),
    request_info::<Complete>(Direction::ClientToServer),
    request_info::<SetLevel>(Direction::ClientToServer),
    notification_info::<LoggingMessage>(Direction::ServerToClient),
    request_info::<SubscriptionsListen>(Direction::ClientToServer),
    notification_info::<SubscriptionsAcknowledged>(Direction::ServerToClient),
    // -- rows: sampling, elicitation, roots, tasks --
    request_info::<CreateMessage>(Direction::ServerToClient),
    request_info::<Elicit>(Direction::ServerToClient),
    notification_info::<ElicitationComplete>(Direction::ServerToClient),
    request_info::<ListRoots>(Direction::ServerToClient),
    notification_info::<RootsListChanged>(Direction::ClientToServer),
    // tasks: both ways in 2025-11-25 (either side may run a task); client to server in the
    // 2026-07-28 extension. One row per name; the types cover both designs.
    request_info::<GetTask>(Direction::Both),
    request_info::<GetTaskPayload>(Direction::Both),
    request_info::<ListTasks>(Direction::Both),
    request_info::<CancelTask>(Direction::Both),
    request_info::<UpdateTask>(Direction::ClientToServer),
    notification_info::<TaskStatus>(Direction::Both),
];
