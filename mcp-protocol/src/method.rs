//! Typed methods: one uninhabited marker type per MCP method.
//!
//! ```
//! use mcp_protocol::method::Request;
//! use mcp_protocol::methods::CallTool;
//! assert_eq!(CallTool::METHOD, "tools/call");
//! ```
//!
//! A marker carries its method name, its params and result types, and the revisions it exists
//! in, so a call is `peer.request::<CallTool>(params)` and the answer arrives already typed as
//! `CallToolResult`. Direction markers ([`ClientRequest`], [`ServerRequest`], …) say who may
//! send it, so a client cannot even express a server-only request.

use std::fmt::Debug;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::shape::Shape;
use crate::version::ProtocolVersion;

/// A request method: it has a result.
pub trait Request: 'static {
    /// The method name on the wire.
    const METHOD: &'static str;
    /// The first revision that has this method.
    const SINCE: ProtocolVersion;
    /// The last revision that has this method as a JSON-RPC request, if it was removed.
    const UNTIL: Option<ProtocolVersion> = None;
    /// The `params` object.
    type Params: Serialize
        + DeserializeOwned
        + Shape
        + Clone
        + Debug
        + PartialEq
        + Send
        + Sync
        + 'static;
    /// The `result` object.
    type Result: Serialize
        + DeserializeOwned
        + Shape
        + Clone
        + Debug
        + PartialEq
        + Send
        + Sync
        + 'static;

    /// Whether the method exists as a JSON-RPC request in `version`.
    fn exists_in(version: ProtocolVersion) -> bool {
        version >= Self::SINCE && Self::UNTIL.is_none_or(|until| version <= until)
    }
}

/// A notification method: fire and forget.
pub trait Notification: 'static {
    /// The method name on the wire.
    const METHOD: &'static str;
    /// The first revision that has this notification.
    const SINCE: ProtocolVersion;
    /// The last revision that has it, if it was removed.
    const UNTIL: Option<ProtocolVersion> = None;
    /// The `params` object.
    type Params: Serialize
        + DeserializeOwned
        + Shape
        + Clone
        + Debug
        + PartialEq
        + Send
        + Sync
        + 'static;

    /// Whether the notification exists in `version`.
    fn exists_in(version: ProtocolVersion) -> bool {
        version >= Self::SINCE && Self::UNTIL.is_none_or(|until| version <= until)
    }
}

/// A request the client sends to the server.
pub trait ClientRequest: Request {}
/// A request the server sends to the client (session era; in 2026-07-28 these shapes travel
/// as MRTR `inputRequests` instead).
pub trait ServerRequest: Request {}
/// A notification the client sends to the server.
pub trait ClientNotification: Notification {}
/// A notification the server sends to the client.
pub trait ServerNotification: Notification {}

/// Whether a method is a request or a notification.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MethodKind {
    /// A request.
    Request,
    /// A notification.
    Notification,
}

/// Who may send a method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Client to server.
    ClientToServer,
    /// Server to client.
    ServerToClient,
    /// Either side.
    Both,
}

/// One row of the method table: what a method is, who sends it, and when it existed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MethodInfo {
    /// The method name.
    pub name: &'static str,
    /// Request or notification.
    pub kind: MethodKind,
    /// Who may send it.
    pub direction: Direction,
    /// First revision.
    pub since: ProtocolVersion,
    /// Last revision, if removed.
    pub until: Option<ProtocolVersion>,
}

impl MethodInfo {
    /// Whether the method exists in `version`.
    pub fn exists_in(&self, version: ProtocolVersion) -> bool {
        version >= self.since && self.until.is_none_or(|until| version <= until)
    }

    /// Whether `sender` may send this method.
    pub fn may_be_sent_by(&self, sender: crate::Side) -> bool {
        matches!(
            (self.direction, sender),
            (Direction::Both, _)
                | (Direction::ClientToServer, crate::Side::Client)
                | (Direction::ServerToClient, crate::Side::Server)
        )
    }

    /// The row for a method name, if the method is one we know.
    pub fn lookup(name: &str) -> Option<&'static Self> {
        crate::methods::ALL.iter().find(|m| m.name == name)
    }
}

/// Builds a [`MethodInfo`] row from a request marker.
pub const fn request_info<R: Request>(direction: Direction) -> MethodInfo {
    MethodInfo {
        name: R::METHOD,
        kind: MethodKind::Request,
        direction,
        since: R::SINCE,
        until: R::UNTIL,
    }
}

/// Builds a [`MethodInfo`] row from a notification marker.
pub const fn notification_info<N: Notification>(direction: Direction) -> MethodInfo {
    MethodInfo {
        name: N::METHOD,
        kind: MethodKind::Notification,
        direction,
        since: N::SINCE,
        until: N::UNTIL,
    }
}
