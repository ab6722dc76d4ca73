//! One marker type per MCP method, grouped by spec chapter, and the table of every method.

mod tools;

pub use tools::*;

use crate::method::{Direction, MethodInfo, notification_info, request_info};

/// Every method of every revision: name, kind, direction, and the revisions it exists in.
pub static ALL: &[MethodInfo] = &[
    request_info::<ListTools>(Direction::ClientToServer),
    request_info::<CallTool>(Direction::ClientToServer),
    notification_info::<ToolListChanged>(Direction::ServerToClient),
];
