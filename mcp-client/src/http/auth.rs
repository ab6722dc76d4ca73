//! The authorization hook (feature `auth`): an [`HttpClient`] that wraps another and
//! speaks OAuth 2.1 through an [`Authorizer`].
//!
//! - Every request carries `Authorization: Bearer` once a token exists (2026-07-28
//!   `basic/authorization` §Token Usage: on every request, never in the query).
//! - A 401 runs discovery and authorization once ([`Authorizer::unauthorized`]) and the
//!   request is sent again; a second 401 is returned as it is.
//! - A 403 with `error="insufficient_scope"` runs step-up ([`Authorizer::forbidden`]), which
//!   is bounded by the authorizer's limit; any other 403 is returned as it is.
//! - When authorization itself fails, the request fails with [`HttpError::Authorization`]
//!   holding the authorizer's [`AuthError`], which the waiting call gets as
//!   [`Error::Authorization`](crate::Error::Authorization): the client's own refusal, never
//!   dressed as the server's answer, and nothing hangs.

use std::sync::Arc;

use bytes::Bytes;
use futures::future::BoxFuture;
use http::{HeaderMap, HeaderValue, Method, Request, StatusCode, Uri, Version, header};
use mcp_auth::client::{AuthError, Authorizer, Secret};

use super::backend::{HttpClient, HttpError, HttpResponse};

/// A hard bound on the sends of one request, whatever the authorizer allows: the first, the
/// retry after a 401 and one per step-up.
const MAX_SENDS: usize = 8;

/// Sends through `inner`, authorizing with `authorizer`.
pub(crate) struct AuthorizingClient {
    pub(crate) inner: Arc<dyn HttpClient>,
    pub(crate) authorizer: Arc<Authorizer>,
}

/// What is needed to send the same request again.
struct Replay {
    method: Method,
    uri: Uri,
    version: Version,
    headers: HeaderMap,
    body: Bytes,
}

impl Replay {
    fn request(&self, token: Option<&Secret>) -> Result<Request<Bytes>, HttpError> {
        let mut request = Request::new(self.body.clone());
        *request.method_mut() = self.method.clone();
        *request.uri_mut() = self.uri.clone();
        *request.version_mut() = self.version;
        *request.headers_mut() = self.headers.clone();
        if let Some(token) = token {
            let mut value = HeaderValue::try_from(format!("Bearer {}", token.expose()))
                .map_err(|_| HttpError::authorization(Unusable::Token))?;
            value.set_sensitive(true);
            request.headers_mut().insert(header::AUTHORIZATION, value);
        }
        Ok(request)
    }
}

fn refused(error: AuthError) -> HttpError {
    HttpError::authorization(error)
}

/// Authorization failures of this hook itself (the authorizer's own are [`AuthError`]s).
#[derive(Debug, thiserror::Error)]
enum Unusable {
    #[error("the client's access token is not a valid header value")]
    Token,
    #[error("the client gave up after {MAX_SENDS} authorization attempts for one request")]
    TooManyRetries,
}

fn challenge(response: &HttpResponse) -> Option<String> {
    response
        .headers
        .get(header::WWW_AUTHENTICATE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

impl HttpClient for AuthorizingClient {
    fn execute(
        &self,
        request: Request<Bytes>,
    ) -> BoxFuture<'static, Result<HttpResponse, HttpError>> {
        let inner = self.inner.clone();
        let authorizer = self.authorizer.clone();
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            let replay = Replay {
                method: parts.method,
                uri: parts.uri,
                version: parts.version,
                headers: parts.headers,
                body,
            };
            let mut token = authorizer.bearer().await.map_err(refused)?;
            let mut reauthorized = false;
            for _ in 0..MAX_SENDS {
                let response = inner.execute(replay.request(token.as_ref())?).await?;
                token = match response.status {
                    StatusCode::UNAUTHORIZED if !reauthorized => {
                        reauthorized = true;
                        let www = challenge(&response);
                        Some(
                            authorizer
                                .unauthorized(www.as_deref(), token.as_ref())
                                .await
                                .map_err(refused)?,
                        )
                    }
                    StatusCode::FORBIDDEN => {
                        let www = challenge(&response);
                        match authorizer.forbidden(www.as_deref(), token.as_ref()).await {
                            Ok(token) => Some(token),
                            // Not a scope problem: the server's answer stands.
                            Err(AuthError::NotInsufficientScope) => return Ok(response),
                            Err(other) => return Err(refused(other)),
                        }
                    }
                    status => {
                        if status.is_success() {
                            authorizer.request_succeeded();
                        }
                        return Ok(response);
                    }
                };
            }
            Err(HttpError::authorization(Unusable::TooManyRetries))
        })
    }
}
