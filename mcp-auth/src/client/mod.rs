//! The OAuth 2.1 client side of MCP authorization (feature `client`).
//!
//! An MCP client that meets a 401 must find out who may issue it a token and get one
//! (2026-07-28 `basic/authorization`). [`Authorizer`] does the whole walk for one MCP server:
//!
//! ```text
//! 401 WWW-Authenticate ──► protected-resource metadata (resource_metadata, else well-known)
//!                          │  resource must equal the server URL (RFC 9728 §3.3; the origin
//!                          │  is accepted from the root well-known URL and is then the resource)
//!                          │  none found: 2025-03-26 fallback, the origin is the AS (its RFC 8414
//!                          │  metadata, else /authorize, /token, /register)
//!                          ▼
//!                  AS metadata (RFC 8414 / OIDC, spec order; issuer byte-identical; S256)
//!                          ▼
//!          client identity: pre-registered ► client ID metadata document ► DCR
//!                          ▼
//!   authorization code + PKCE S256 + resource + state + RFC 9207 iss  (or client credentials)
//!   token endpoint auth: client_secret_basic / _post / none / private_key_jwt (RFC 7523)
//!                          ▼
//!             TokenStore[issuer, resource] ──► refresh (rotation aware), step-up on 403
//! ```
//!
//! Every URL that comes from a server or from metadata passes the SSRF guard ([`UrlPolicy`]):
//! `https` only, public addresses only, unless loopback or private destinations are allowed
//! explicitly; redirects are never followed for metadata or token requests. Tokens, refresh
//! tokens, client secrets and codes are [`Secret`]s: no `Debug` output or error shows them.
//!
//! The user-agent leg is pluggable ([`RedirectHandler`]): [`LoopbackRedirect`] for command-line
//! and desktop clients, [`HeadlessRedirect`] for test servers that need no user.
//!
//! What it does not do: OpenID Connect ID tokens, enterprise-managed
//! authorization (ID-JAG), or persisting registrations across runs.
//!
//! ```no_run
//! use std::sync::Arc;
//! use mcp_auth::client::{Authorizer, Grant, LoopbackRedirect};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let redirect = LoopbackRedirect::bind(|url| println!("Open {url} to sign in")).await?;
//! let authorizer = Authorizer::builder(
//!     "https://mcp.example/mcp",
//!     Grant::AuthorizationCode(Arc::new(redirect)),
//! )
//! .client_metadata_document("https://app.example/oauth/client.json")
//! .build()?;
//! // The MCP server answered 401 with this challenge to a request that carried no token:
//! let challenge = r#"Bearer resource_metadata="https://mcp.example/.well-known/oauth-protected-resource/mcp""#;
//! let token = authorizer.unauthorized(Some(challenge), None).await?;
//! let _header = format!("Bearer {}", token.expose());
//! # Ok(()) }
//! ```

mod authorizer;
mod client_auth;
mod discovery;
mod error;
mod fetch;
mod grant;
mod guard;
mod pkce;
mod redirect;
mod registration;
mod secret;
mod token;
mod www_authenticate;

pub use authorizer::{Authorizer, AuthorizerBuilder, Grant, StepUp};
pub use client_auth::{ClientAssertionKey, TokenEndpointAuth};
pub use discovery::{AuthorizationServerMetadata, server_metadata_urls};
pub use error::{AuthError, BlockReason};
pub use guard::UrlPolicy;
pub use redirect::{CallbackParams, HeadlessRedirect, LoopbackRedirect, RedirectHandler};
pub use registration::ClientCredentials;
pub use secret::Secret;
pub use token::{MemoryTokenStore, TokenKey, TokenSet, TokenStore};
pub use www_authenticate::BearerChallenge;
