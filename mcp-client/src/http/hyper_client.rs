//! The default [`HttpClient`]: hyper's pooled client (`hyper-util`), over rustls for
//! `https` URLs.
//!
//! The transport sends one request per JSON-RPC message, so the per-request cost of the HTTP
//! stack is on every call's path. A general-purpose client (reqwest) parses the URL again,
//! looks for proxies and runs a redirect and retry layer for each request; this one hands
//! the already-parsed [`http::Uri`] to the connection pool directly, which roughly halves the
//! client's instructions per call (see the README's Performance section). An application
//! that needs proxies or its own TLS set-up can inject another [`HttpClient`] (the `reqwest`
//! feature offers [`super::ReqwestClient`]).

use std::fmt;

use bytes::Bytes;
use futures::future::BoxFuture;
use futures::{StreamExt, TryStreamExt};
use http::header::{AUTHORIZATION, COOKIE, HOST, LOCATION, PROXY_AUTHORIZATION};
use http::{Request, StatusCode, Uri};
use http_body_util::{BodyExt, Full};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use super::backend::{HttpClient, HttpError, HttpResponse};
use super::quick_ack::QuickAckConnector;

/// How many `307`/`308` redirects one request follows.
const MAX_REDIRECTS: usize = 5;

/// The default [`HttpClient`]: a pooled hyper client with HTTP/1.1 keep-alive, and HTTP/2
/// where TLS negotiates it. `https` is verified against the Mozilla root set (webpki-roots).
///
/// Its connections acknowledge what they receive at once (Linux `TCP_QUICKACK`), so a server
/// that writes a response in pieces with Nagle's algorithm on does not cost 40 ms a call.
///
/// It follows only redirects that keep the method and body (307, 308; at most 5), so a POST
/// is never turned into a GET; a redirect to another origin drops the `Authorization`,
/// `Proxy-Authorization` and `Cookie` headers, so a credential never reaches a host it was
/// not meant for.
#[derive(Clone)]
pub struct HyperClient {
    client: Client<HttpsConnector<QuickAckConnector>, Full<Bytes>>,
}

impl fmt::Debug for HyperClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HyperClient").finish_non_exhaustive()
    }
}

impl Default for HyperClient {
    fn default() -> Self {
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_nodelay(true);
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_webpki_roots()
            .https_or_http()
            .enable_http1()
            .enable_http2()
            .wrap_connector(QuickAckConnector(http));
        let client = Client::builder(TokioExecutor::new()).build(connector);
        Self { client }
    }
}

impl HyperClient {
    /// A client with the defaults above.
    pub fn new() -> Self {
        Self::default()
    }
}

impl HttpClient for HyperClient {
    fn execute(
        &self,
        request: Request<Bytes>,
    ) -> BoxFuture<'static, Result<HttpResponse, HttpError>> {
        let client = self.client.clone();
        Box::pin(async move {
            let (mut parts, body) = request.into_parts();
            for _ in 0..=MAX_REDIRECTS {
                let request = Request::from_parts(parts.clone(), Full::new(body.clone()));
                let response = client.request(request).await.map_err(HttpError::request)?;
                let status = response.status();
                let next = match status {
                    StatusCode::TEMPORARY_REDIRECT | StatusCode::PERMANENT_REDIRECT => response
                        .headers()
                        .get(LOCATION)
                        .and_then(|l| l.to_str().ok())
                        .and_then(|l| resolve(&parts.uri, l)),
                    _ => None,
                };
                let Some(next) = next else {
                    let (head, incoming) = response.into_parts();
                    return Ok(HttpResponse {
                        status: head.status,
                        headers: head.headers,
                        body: incoming.into_data_stream().map_err(HttpError::body).boxed(),
                    });
                };
                if !same_origin(&parts.uri, &next) {
                    for name in [AUTHORIZATION, PROXY_AUTHORIZATION, COOKIE] {
                        parts.headers.remove(name);
                    }
                }
                // The caller may have set `Host` for the first URI; the next one gets its own.
                parts.headers.remove(HOST);
                parts.uri = next;
            }
            Err(HttpError::request(TooManyRedirects))
        })
    }
}

/// The server redirected more than [`MAX_REDIRECTS`] times in a row.
#[derive(Debug, thiserror::Error)]
#[error("the server redirected more than {MAX_REDIRECTS} times")]
struct TooManyRedirects;

/// The absolute URI a `Location` value names, relative to `base` (RFC 9110 §10.2.2); `None`
/// for anything but an `http`/`https` target.
fn resolve(base: &Uri, location: &str) -> Option<Uri> {
    let base = url::Url::parse(&base.to_string()).ok()?;
    let next = base.join(location).ok()?;
    if !matches!(next.scheme(), "http" | "https") {
        return None;
    }
    next.as_str().parse().ok()
}

fn same_origin(a: &Uri, b: &Uri) -> bool {
    a.scheme() == b.scheme()
        && a.host().map(str::to_ascii_lowercase) == b.host().map(str::to_ascii_lowercase)
        && a.port_u16() == b.port_u16()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_location_resolves_against_the_request_uri() {
        let base: Uri = "http://127.0.0.1:8080/mcp".parse().unwrap();
        assert_eq!(
            resolve(&base, "/v2/mcp").unwrap(),
            "http://127.0.0.1:8080/v2/mcp"
        );
        assert_eq!(
            resolve(&base, "https://other.example/mcp").unwrap(),
            "https://other.example/mcp"
        );
        assert!(resolve(&base, "file:///etc/passwd").is_none());
    }

    #[test]
    fn origins_differ_by_scheme_host_or_port() {
        let a: Uri = "http://127.0.0.1:8080/a".parse().unwrap();
        assert!(same_origin(&a, &"http://127.0.0.1:8080/b".parse().unwrap()));
        assert!(!same_origin(
            &a,
            &"https://127.0.0.1:8080/a".parse().unwrap()
        ));
        assert!(!same_origin(
            &a,
            &"http://localhost:8080/a".parse().unwrap()
        ));
        assert!(!same_origin(
            &a,
            &"http://127.0.0.1:8081/a".parse().unwrap()
        ));
    }
}
