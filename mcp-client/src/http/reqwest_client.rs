//! [`ReqwestClient`]: an [`HttpClient`] on reqwest (feature `reqwest`).

use bytes::Bytes;
use futures::future::BoxFuture;
use futures::{StreamExt, TryStreamExt};
use http::Request;

use super::backend::{HttpClient, HttpError, HttpResponse};

/// An [`HttpClient`] on reqwest over rustls (feature `reqwest`), for applications that want
/// reqwest's proxy support (`HTTP_PROXY`, `HTTPS_PROXY`) or their own configured reqwest
/// client; HTTP/1.1 keep-alive and HTTP/2. It follows only redirects that keep the method and body (307, 308; at most 5), so a
/// POST is never turned into a GET.
#[derive(Clone, Debug)]
pub struct ReqwestClient {
    client: reqwest::Client,
}

impl Default for ReqwestClient {
    fn default() -> Self {
        let policy = reqwest::redirect::Policy::custom(|attempt| {
            let keeps_method = matches!(attempt.status().as_u16(), 307 | 308);
            if keeps_method && attempt.previous().len() < 5 {
                attempt.follow()
            } else {
                attempt.stop()
            }
        });
        let client = reqwest::Client::builder()
            .redirect(policy)
            .build()
            .unwrap_or_default();
        Self { client }
    }
}

impl ReqwestClient {
    /// A client with reqwest's defaults, and the redirect policy above.
    pub fn new() -> Self {
        Self::default()
    }

    /// Wraps a configured reqwest client (proxies, timeouts, roots).
    pub fn from_client(client: reqwest::Client) -> Self {
        Self { client }
    }
}

impl HttpClient for ReqwestClient {
    fn execute(
        &self,
        request: Request<Bytes>,
    ) -> BoxFuture<'static, Result<HttpResponse, HttpError>> {
        let client = self.client.clone();
        Box::pin(async move {
            let mut request = request;
            // reqwest sets `Host` itself, also for each redirect's new URI (one given here
            // would be kept across origins).
            request.headers_mut().remove(http::header::HOST);
            let request = reqwest::Request::try_from(request).map_err(HttpError::request)?;
            let response = client.execute(request).await.map_err(HttpError::request)?;
            Ok(HttpResponse {
                status: response.status(),
                headers: response.headers().clone(),
                body: response.bytes_stream().map_err(HttpError::body).boxed(),
            })
        })
    }
}
