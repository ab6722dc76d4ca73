//! Bounded JSON requests through the guarded HTTP client.

use serde::de::DeserializeOwned;

use super::error::AuthError;

/// The largest metadata, registration or token response read (best-practices §SSRF: a hostile
/// server must not be able to exhaust memory).
const MAX_BODY: usize = 256 * 1024;

/// A response's status and its (bounded) body.
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) body: Vec<u8>,
}

impl Answer {
    /// Decodes the body as `T`.
    pub(crate) fn json<T: DeserializeOwned>(&self, url: &str) -> Result<T, AuthError> {
        serde_json::from_slice(&self.body).map_err(|e| AuthError::InvalidDocument {
            url: url.to_owned(),
            reason: e.to_string(),
        })
    }

    /// The RFC 6749 §5.2 `error` and `error_description`, when the body has them.
    pub(crate) fn oauth_error(&self) -> (Option<String>, Option<String>) {
        #[derive(serde::Deserialize)]
        struct ErrorBody {
            error: Option<String>,
            error_description: Option<String>,
        }
        serde_json::from_slice::<ErrorBody>(&self.body)
            .map(|b| (b.error, b.error_description))
            .unwrap_or((None, None))
    }
}

/// Sends `request` and reads at most [`MAX_BODY`] bytes of the answer.
pub(crate) async fn send(request: reqwest::RequestBuilder, url: &str) -> Result<Answer, AuthError> {
    let http_error = |e: reqwest::Error| AuthError::Http {
        url: url.to_owned(),
        // Without the URL: reqwest's text may repeat it with its query.
        reason: e.without_url().to_string(),
    };
    let mut response = request
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(http_error)?;
    let status = response.status().as_u16();
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(http_error)? {
        if body.len() + chunk.len() > MAX_BODY {
            return Err(AuthError::InvalidDocument {
                url: url.to_owned(),
                reason: format!("larger than {MAX_BODY} bytes"),
            });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Answer { status, body })
}
