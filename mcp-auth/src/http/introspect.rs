//! [`HttpIntrospector`]: RFC 7662 introspection over HTTP with `client_secret_basic`.

use std::fmt;
use std::time::Duration;

use super::Limits;
use crate::{BoxFuture, IntrospectionResponse, Introspector, TokenError, client_secret_basic};

/// An [`Introspector`] that POSTs `token=…&token_type_hint=access_token` to the
/// authorization server's introspection endpoint (RFC 7662 §2.1), authenticating the
/// resource server as a client with HTTP Basic (`client_secret_basic`, RFC 6749 §2.3.1: id
/// and secret form-encoded, then Base64).
///
/// Any answer but 200 with an RFC 7662 §2.2 JSON object is [`TokenError::Unavailable`]; the
/// token and the secret appear in no error and no `Debug` output.
///
/// ```no_run
/// use mcp_auth::{HttpIntrospector, IntrospectionVerifier};
///
/// let introspector = HttpIntrospector::new(
///     reqwest::Client::new(),
///     "https://as.example/introspect",
///     "mcp-server",
///     "s3cret",
/// );
/// let verifier = IntrospectionVerifier::new(
///     introspector,
///     "https://as.example",
///     vec!["https://mcp.example/mcp".to_owned()],
/// );
/// # let _ = verifier;
/// ```
pub struct HttpIntrospector {
    client: reqwest::Client,
    endpoint: String,
    client_id: String,
    client_secret: String,
    limits: Limits,
}

impl fmt::Debug for HttpIntrospector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpIntrospector")
            .field("endpoint", &self.endpoint)
            .field("client_id", &self.client_id)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl HttpIntrospector {
    /// Introspects at `endpoint` as client `client_id` with `client_secret`: 10 s timeout,
    /// 256 KiB body cap.
    pub fn new(
        client: reqwest::Client,
        endpoint: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        Self {
            client,
            endpoint: endpoint.into(),
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            limits: Limits::default(),
        }
    }

    /// How long one call may take, body included.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.limits.timeout = timeout;
        self
    }

    /// The largest answer read; a larger one is refused.
    #[must_use]
    pub fn max_body(mut self, bytes: usize) -> Self {
        self.limits.max_body = bytes;
        self
    }
}

impl Introspector for HttpIntrospector {
    fn introspect<'a>(
        &'a self,
        token: &'a str,
    ) -> BoxFuture<'a, Result<IntrospectionResponse, TokenError>> {
        Box::pin(async move {
            let request = client_secret_basic::authenticate(
                self.client.post(&self.endpoint),
                &self.client_id,
                &self.client_secret,
            )
            .header(reqwest::header::ACCEPT, "application/json")
            .form(&[("token", token), ("token_type_hint", "access_token")]);
            let body = self.limits.fetch(request, "introspection").await?;
            serde_json::from_slice(&body).map_err(|_| {
                TokenError::Unavailable("introspection: not an RFC 7662 answer".to_owned())
            })
        })
    }
}
