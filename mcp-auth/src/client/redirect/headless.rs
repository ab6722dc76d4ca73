//! Follows the authorization redirects without a browser, for test authorization servers.

use std::collections::HashMap;
use std::time::Duration;

use super::{CallbackParams, RedirectHandler};
use crate::BoxFuture;
use crate::client::error::AuthError;

const MAX_HOPS: usize = 20;

/// GETs the authorization URL and follows each `Location` (keeping cookies per host) until one
/// points at the redirect URI; that URL's query is the response.
///
/// For authorization servers that log in without a user: the official conformance suite's AS and
/// this crate's `dev_server::DevAuthServer` (feature `dev-server`). It
/// contacts whatever hosts the redirects name, so it is not for production clients.
#[derive(Debug, Clone)]
pub struct HeadlessRedirect {
    redirect_uri: String,
    http: reqwest::Client,
}

impl HeadlessRedirect {
    /// A handler for `redirect_uri`, which it never connects to.
    pub fn new(redirect_uri: impl Into<String>) -> Self {
        Self {
            redirect_uri: redirect_uri.into(),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap_or_default(),
        }
    }

    async fn follow(&self, start: &str) -> Result<CallbackParams, AuthError> {
        let fail = |why: String| AuthError::Redirect(why);
        let mut url = url::Url::parse(start).map_err(|e| fail(e.to_string()))?;
        let mut cookies: HashMap<String, HashMap<String, String>> = HashMap::new();
        for _ in 0..MAX_HOPS {
            if url[..url::Position::AfterPath] == *self.redirect_uri {
                return Ok(CallbackParams::from_query(url.query().unwrap_or_default()));
            }
            if !matches!(url.scheme(), "http" | "https") {
                return Err(fail(format!("refusing to follow {} URL", url.scheme())));
            }
            let host = url.host_str().unwrap_or_default().to_owned();
            let mut request = self.http.get(url.clone());
            if let Some(jar) = cookies.get(&host).filter(|j| !j.is_empty()) {
                let header: Vec<String> = jar.iter().map(|(k, v)| format!("{k}={v}")).collect();
                request = request.header(reqwest::header::COOKIE, header.join("; "));
            }
            let response = request
                .send()
                .await
                .map_err(|e| fail(e.without_url().to_string()))?;
            for set in response.headers().get_all(reqwest::header::SET_COOKIE) {
                let pair = set
                    .to_str()
                    .unwrap_or_default()
                    .split(';')
                    .next()
                    .unwrap_or_default();
                if let Some((name, value)) = pair.split_once('=') {
                    cookies
                        .entry(host.clone())
                        .or_default()
                        .insert(name.trim().to_owned(), value.trim().to_owned());
                }
            }
            if !response.status().is_redirection() {
                return Err(fail(format!(
                    "authorization stopped at HTTP {} before reaching the redirect URI",
                    response.status().as_u16()
                )));
            }
            let location = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .ok_or_else(|| fail("redirect without Location".into()))?;
            url = url.join(location).map_err(|e| fail(e.to_string()))?;
        }
        Err(fail("too many redirects".into()))
    }
}

impl RedirectHandler for HeadlessRedirect {
    fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    fn authorize<'a>(
        &'a self,
        authorization_url: &'a str,
    ) -> BoxFuture<'a, Result<CallbackParams, AuthError>> {
        Box::pin(self.follow(authorization_url))
    }
}
