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

/// The code blocks of each published crate's README (what crates.io shows), compiled as
/// doctests too.
#[cfg(doctest)]
pub mod crate_readme_doctests {
    #[doc = include_str!("../../mcp-protocol/README.md")]
    pub struct McpProtocol;
    #[doc = include_str!("../../mcp-client/README.md")]
    pub struct McpClient;
    #[doc = include_str!("../../mcp-server/README.md")]
    pub struct McpServer;
    #[doc = include_str!("../../mcp-auth/README.md")]
    pub struct McpAuth;
    #[doc = include_str!("../../mcp-conformance/README.md")]
    pub struct McpConformance;
}
