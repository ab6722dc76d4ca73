//! OAuth 2.1 identity for MCP. **Not yet implemented**: this crate is a placeholder in the
//! workspace until the authorization issue lands.
