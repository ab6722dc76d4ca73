//! Why an authorization attempt failed.

use crate::MetadataError;

/// Why the client could not obtain (or keep) an access token.
///
/// No variant carries a token, a refresh token, a client secret or an authorization code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// A URL could not be parsed.
    #[error("invalid URL {url:?}")]
    InvalidUrl {
        /// The URL as given.
        url: String,
    },
    /// The SSRF guard refused a URL taken from a server or from metadata.
    #[error("refused to fetch {url:?}: {reason}")]
    Blocked {
        /// The URL that was refused.
        url: String,
        /// Why.
        reason: BlockReason,
    },
    /// The request could not be sent or its response not read.
    #[error("request to {url:?} failed: {reason}")]
    Http {
        /// The URL requested.
        url: String,
        /// The transport's explanation.
        reason: String,
    },
    /// An unexpected HTTP status (redirects are not followed for metadata and tokens).
    #[error("{url:?} answered HTTP {status}")]
    Status {
        /// The URL requested.
        url: String,
        /// The status code.
        status: u16,
    },
    /// A response body was not the JSON document expected (or was too large).
    #[error("{url:?} did not return a valid document: {reason}")]
    InvalidDocument {
        /// The URL requested.
        url: String,
        /// What was wrong.
        reason: String,
    },
    /// No protected-resource metadata was found at any well-known location.
    #[error("no protected-resource metadata for {resource:?}")]
    ResourceMetadataNotFound {
        /// The MCP server URL.
        resource: String,
    },
    /// RFC 9728 §3.3: the metadata's `resource` is not the server the client is talking to.
    #[error(transparent)]
    ResourceMismatch(#[from] MetadataError),
    /// The protected-resource metadata names no authorization server.
    #[error("protected-resource metadata names no authorization server")]
    NoAuthorizationServer,
    /// No RFC 8414 / OIDC metadata was found for the issuer at any location the spec lists.
    #[error("no authorization server metadata for issuer {issuer:?}")]
    ServerMetadataNotFound {
        /// The issuer identifier.
        issuer: String,
    },
    /// RFC 8414 §3.3: the document's `issuer` is not byte-identical to the issuer used.
    #[error("authorization server metadata names issuer {found:?}, expected {expected:?}")]
    IssuerMismatch {
        /// The issuer the metadata URL was built from.
        expected: String,
        /// The issuer the document named.
        found: String,
    },
    /// The authorization server does not advertise PKCE `S256` (2025-11-25 §Authorization Code
    /// Protection: the client must refuse to proceed).
    #[error("authorization server {issuer:?} does not support PKCE S256")]
    PkceUnsupported {
        /// The issuer.
        issuer: String,
    },
    /// The authorization server metadata lacks an endpoint the flow needs.
    #[error("authorization server metadata has no {endpoint}")]
    MissingEndpoint {
        /// The metadata member that is missing.
        endpoint: &'static str,
    },
    /// No way to obtain a client identity: nothing pre-registered, no client ID metadata
    /// document support, no registration endpoint.
    #[error("no way to register a client at {issuer:?}")]
    NoRegistration {
        /// The issuer.
        issuer: String,
    },
    /// Dynamic client registration was refused.
    #[error("client registration refused: HTTP {status} {error:?}")]
    RegistrationRefused {
        /// The HTTP status.
        status: u16,
        /// The RFC 7591 `error`, if any.
        error: Option<String>,
    },
    /// The redirect handler failed to bring back the authorization response.
    #[error("authorization redirect failed: {0}")]
    Redirect(String),
    /// The authorization response's `state` is missing or not the one sent.
    #[error("authorization response state does not match")]
    StateMismatch,
    /// RFC 9207: the AS advertises `authorization_response_iss_parameter_supported` and the
    /// response has no `iss`.
    #[error(
        "the client refused the authorization server's response: it lacks `iss`, which the \
         server's metadata promises (RFC 9207)"
    )]
    IssMissing,
    /// RFC 9207: the response's `iss` differs from the issuer the request was sent to. Any
    /// `error` parameters of that response are ignored.
    #[error(
        "the client refused the authorization server's `iss` {found:?}: the request went to \
         issuer {expected:?} (RFC 9207)"
    )]
    IssMismatch {
        /// The issuer the request went to.
        expected: String,
        /// The `iss` received.
        found: String,
    },
    /// The authorization server answered with an error (after `state` and `iss` checked).
    #[error("authorization denied: {error} {description:?}")]
    AuthorizationDenied {
        /// The OAuth `error` code.
        error: String,
        /// The `error_description`, if any.
        description: Option<String>,
    },
    /// The authorization response has neither `code` nor `error`.
    #[error("authorization response has no code")]
    MissingCode,
    /// The token endpoint refused the request.
    #[error("token request refused: HTTP {status} {error:?} {description:?}")]
    TokenRefused {
        /// The HTTP status.
        status: u16,
        /// The OAuth `error` code, if any.
        error: Option<String>,
        /// The `error_description`, if any.
        description: Option<String>,
    },
    /// A 403 did not carry `error="insufficient_scope"`, so there is nothing to step up to.
    #[error("forbidden, and not for insufficient scope")]
    NotInsufficientScope,
    /// Step-up authorization was tried the configured number of times for this resource.
    #[error("step-up authorization limit ({limit}) reached for {resource:?}")]
    StepUpLimit {
        /// The MCP server URL.
        resource: String,
        /// The configured limit.
        limit: u32,
    },
    /// The server asked for more scopes and the application did not approve the step-up
    /// (no [`on_step_up`](crate::client::AuthorizerBuilder::on_step_up) hook, or it said no).
    #[error("step-up to {scope:?} for {resource:?} was not approved")]
    StepUpDeclined {
        /// The MCP server URL.
        resource: String,
        /// The scopes the step-up would have asked for.
        scope: String,
    },
    /// The client's `private_key_jwt` key is unusable (not PKCS#8 PEM, an algorithm other
    /// than ES256/ES384, or a key that cannot sign with it).
    #[error("unusable client assertion key: {reason}")]
    InvalidClientKey {
        /// What was wrong.
        reason: String,
    },
    /// The token endpoint authentication method chosen needs a credential the client lacks
    /// (a secret for `client_secret_*`, a key for `private_key_jwt`).
    #[error("client authentication {} needs a credential this client does not have", method.as_str())]
    ClientAuthUnavailable {
        /// The method.
        method: super::client_auth::TokenEndpointAuth,
    },
    /// The operating system gave no randomness for `state` or the PKCE verifier.
    #[error("no randomness available")]
    Random,
}

/// Why the SSRF guard refused a URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum BlockReason {
    /// Neither `https` nor (when allowed) `http` to a loopback address.
    Scheme,
    /// The host resolves to a loopback address and loopback is not allowed.
    Loopback,
    /// The host resolves to a private, link-local, unique-local, unspecified, multicast or
    /// cloud-metadata address.
    PrivateAddress,
    /// The host name did not resolve.
    Unresolvable,
}

impl std::fmt::Display for BlockReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Scheme => "scheme not allowed",
            Self::Loopback => "loopback address not allowed",
            Self::PrivateAddress => "private or link-local address",
            Self::Unresolvable => "host does not resolve",
        })
    }
}
