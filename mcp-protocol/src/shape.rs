//! Per-version shaping: what a message looks like when sent to a peer that speaks version V.
//!
//! One model serves every revision. Before a value is sent to a peer of version V, it is
//! passed through [`Shape::shape`], which leaves out the fields V does not know (a `title`
//! before 2025-06-18, `icons` before 2025-11-25, cache hints before 2026-07-28, …) and fills
//! the ones V requires that a handler may have left out (`resultType` in 2026-07-28). Methods
//! that V does not have are refused before sending, by [`crate::method::Request::exists_in`].
//!
//! Unknown fields (`extra`) are never touched: they are the sender's business.

use crate::version::ProtocolVersion;

/// A value that can be shaped for a protocol version.
pub trait Shape {
    /// Adjusts `self` to what `version` knows and requires.
    fn shape(&mut self, version: ProtocolVersion);

    /// Builder form of [`Shape::shape`].
    fn shaped(mut self, version: ProtocolVersion) -> Self
    where
        Self: Sized,
    {
        self.shape(version);
        self
    }
}

impl<T: Shape> Shape for Option<T> {
    fn shape(&mut self, version: ProtocolVersion) {
        if let Some(v) = self {
            v.shape(version);
        }
    }
}

impl<T: Shape> Shape for Vec<T> {
    fn shape(&mut self, version: ProtocolVersion) {
        for v in self {
            v.shape(version);
        }
    }
}

/// Implements [`Shape`] as "nothing to change" for types that are the same in every version
/// in which they exist.
#[macro_export]
macro_rules! shape_unchanged {
    ($($ty:ty),* $(,)?) => {
        $(impl $crate::shape::Shape for $ty {
            fn shape(&mut self, _version: $crate::version::ProtocolVersion) {}
        })*
    };
}
