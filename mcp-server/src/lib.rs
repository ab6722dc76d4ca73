//! The MCP server. **Not yet implemented**: this crate is a placeholder in the workspace
//! until the server issue lands; today the typed peer of [`mcp_protocol`] is the way to
//! serve requests.
