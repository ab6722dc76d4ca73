//! Wire types, version rules and the sans-IO peer engine of the Model Context Protocol.
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod codec;
pub mod engine;
pub mod error;
pub mod jsonrpc;
pub mod method;
pub mod methods;
#[cfg(feature = "rt")]
#[cfg_attr(docsrs, doc(cfg(feature = "rt")))]
pub mod rt;
pub mod shape;
pub mod types;
pub mod version;
#[doc(hidden)]
pub mod wire;

pub use error::{DecodeError, EncodeError};
pub use jsonrpc::{ErrorCode, ErrorObject, Message, ProgressToken, RequestId};
pub use method::{Notification, Request};
pub use shape::Shape;
pub use version::{Era, ProtocolVersion, SupportedVersions};

/// Which end of a connection a peer is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Side {
    /// The MCP client (the host's connector).
    Client,
    /// The MCP server.
    Server,
}
