//! Shared code of the example programs: the conformance "everything" server
//! ([`everything`]), which `everything-server` serves and the tests drive, and the
//! support-ticket system ([`tickets`]) behind `tickets-server`.

pub mod everything;
pub mod tickets;

/// The code blocks of the repository's README, compiled as doctests so that they never drift
/// from the API.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
