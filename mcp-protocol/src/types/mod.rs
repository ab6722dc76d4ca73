//! Payload types shared by several methods.

mod capabilities;
mod common;
mod content;
mod meta;
mod mrtr;
mod notification;
mod pagination;
mod task;

pub use capabilities::*;
pub use common::*;
pub use content::*;
pub use meta::*;
pub use mrtr::*;
pub use notification::*;
pub use pagination::*;
pub use task::*;
