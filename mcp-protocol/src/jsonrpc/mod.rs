//! The JSON-RPC 2.0 layer: ids, error objects, and the message envelope.

mod error;
mod id;
pub mod message;

pub use error::{ErrorCode, ErrorObject};
pub use id::{ProgressToken, RequestId};
pub use message::{
    Message, NotificationMessage, RequestMessage, ResponseMessage, ResultOrError, decode_batch,
    to_raw,
};
