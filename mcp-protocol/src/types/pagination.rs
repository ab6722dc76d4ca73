//! Cursor-based pagination (server/utilities/pagination): the params of every `*/list`
//! request.

use serde::Serialize;

use crate::shape::Shape;
use crate::types::Meta;
use crate::version::ProtocolVersion;

/// An opaque pagination cursor (`Cursor`).
pub type Cursor = String;

crate::wire_struct! {
    /// Params of a paginated list request (`PaginatedRequestParams`).
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct PaginatedParams {
        /// Where to continue; absent for the first page.
        pub cursor: Option<Cursor> [optional],
        /// Request metadata (progress token; in 2026-07-28 the protocol version and client
        /// capabilities).
        pub meta: Option<Meta> = "_meta" [optional],
    }
}

impl PaginatedParams {
    /// The first page.
    pub fn first() -> Self {
        Self::default()
    }

    /// The page after `cursor`.
    pub fn after(cursor: impl Into<Cursor>) -> Self {
        Self {
            cursor: Some(cursor.into()),
            ..Self::default()
        }
    }
}

crate::shape_unchanged!(PaginatedParams);

/// A version-independent no-op, so `Option<Meta>` can be shaped as a field.
impl Shape for Meta {
    fn shape(&mut self, _version: ProtocolVersion) {}
}
