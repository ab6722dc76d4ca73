//! OAuth 2.1 identity for MCP: the resource-server side.
//!
//! An MCP server that accepts HTTP requests is an OAuth *resource server*
//! (2025-11-25 / 2026-07-28 `basic/authorization`). This crate gives it:
//!
//! - [`ResourceServer`]: takes the `Authorization` header, verifies the bearer token with a
//!   [`TokenVerifier`], and answers with a [`Principal`] or a [`Challenge`] (status and the exact
//!   RFC 6750 §3 `WWW-Authenticate` value with RFC 9728 `resource_metadata`);
//! - two verifiers: `JwtVerifier` (RFC 9068 JWT access tokens checked against a cached JWKS;
//!   feature `jwt`)
//!   and [`IntrospectionVerifier`] (RFC 7662, through an injectable [`Introspector`]);
//! - [`ScopePolicy`]: required scopes per tool, resource, prompt or method, giving 403
//!   `insufficient_scope` with every missing scope in one challenge;
//! - [`ProtectedResourceMetadata`]: the RFC 9728 document and its path-aware well-known URL.
//!
//! The bearer token never leaves the verifier: a [`Principal`] does not hold it, so a handler
//! cannot pass it on to another service (no token passthrough), and no error or `Debug` output
//! contains it.
//!
//! ```
//! use std::sync::Arc;
//! use mcp_auth::{Principal, ResourceServer, StaticVerifier};
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! let alice = Principal::new("https://as.example", "alice");
//! let verifier = StaticVerifier::default().with_token("t0k3n", alice.clone());
//! let rs = ResourceServer::builder("https://mcp.example/mcp", Arc::new(verifier))
//!     .authorization_server("https://as.example")
//!     .build();
//! assert_eq!(rs.authenticate(Some("Bearer t0k3n")).await.unwrap(), alice);
//! let challenge = rs.authenticate(None).await.unwrap_err();
//! assert_eq!(challenge.status(), 401);
//! assert_eq!(
//!     challenge.www_authenticate(),
//!     r#"Bearer resource_metadata="https://mcp.example/.well-known/oauth-protected-resource/mcp""#
//! );
//! # }
//! ```
//!
//! # Features
//!
//! - `client`: module `client`, the OAuth 2.1 client an MCP client needs (discovery, registration,
//!   PKCE, refresh, step-up, SSRF guard).
//! - `jwt` (default): `JwtVerifier`, `JwksSource`, `StaticJwks` and the `Algorithm` / `jwk`
//!   re-exports. Without it the crate needs only serde, thiserror, sha2 and tokio's sync
//!   primitives, so a server can name a [`Principal`] without compiling any JWT crate.
//! - `http`: `HttpJwks` (with `jwt`: the issuer's `jwks_uri`, rate-limited) and
//!   `HttpIntrospector` (RFC 7662 with `client_secret_basic`), on reqwest with rustls, each
//!   with a timeout and a body-size cap. Both take a `reqwest::Client` (reqwest 0.13), which
//!   the caller depends on itself: reqwest is not re-exported.
//! - `dev-server`: an in-memory authorization server for tests and local development.

#![cfg_attr(docsrs, feature(doc_cfg))]

mod bearer;
mod challenge;
#[cfg(feature = "client")]
pub mod client;
#[cfg(any(feature = "http", feature = "client"))]
mod client_secret_basic;
#[cfg(feature = "dev-server")]
pub mod dev_server;
#[cfg(feature = "http")]
mod http;
mod metadata;
mod principal;
mod resource_server;
mod scope;
mod verifier;

pub use bearer::{BearerError, bearer_token};
pub use challenge::{Challenge, ErrorCode};
#[cfg(feature = "http")]
pub use http::HttpIntrospector;
#[cfg(all(feature = "http", feature = "jwt"))]
pub use http::HttpJwks;
/// The JWT types this crate's API uses, re-exported so callers need not depend on `jsonwebtoken`.
#[cfg(feature = "jwt")]
pub use jsonwebtoken::{Algorithm, jwk};
pub use metadata::{
    MetadataError, ProtectedResourceMetadata, check_metadata_resource, well_known_paths,
    well_known_url,
};
pub use principal::{Principal, PrincipalKey};
pub use resource_server::{ResourceServer, ResourceServerBuilder};
pub use scope::{ScopePolicy, Target};
pub use verifier::introspection::{IntrospectionResponse, IntrospectionVerifier, Introspector};
#[cfg(feature = "jwt")]
pub use verifier::jwt::{JwksSource, JwtConfig, JwtVerifier, StaticJwks};
pub use verifier::{BoxFuture, StaticVerifier, TokenError, TokenVerifier};
