//! The MCP client. **Not yet implemented**: this crate is a placeholder in the workspace
//! until the client issue lands; today the typed peer of [`mcp_protocol`] is the way to talk
//! to a server.
