//! Shared code of the example programs: the conformance "everything" server
//! ([`everything`]), which `everything-server` serves and the tests drive.

pub mod everything;

/// The code blocks of the repository's README, compiled as doctests so that they never drift
/// from the API.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
