//! The support-ticket system behind `tickets-server`: a multi-tenant SQLite store reached
//! only through a tenant ([`store`]), and what the server exposes over MCP.
//!
//! - [`model`]: tickets, comments, queues, statuses and priorities.
//! - [`schema`]: migrations and the demo data (tenants `acme` and `globex`).
//! - [`store`]: the database; every query is bound to the caller's tenant.

pub mod model;
pub mod schema;
pub mod store;
