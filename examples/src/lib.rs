//! Shared code of the example programs: the conformance "everything" server
//! ([`everything`]), which `everything-server` serves and the tests drive.

pub mod everything;
