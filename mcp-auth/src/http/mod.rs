//! Fetching what a resource server needs over HTTP (feature `http`): the issuer's key set
//! ([`HttpJwks`], with feature `jwt`) and RFC 7662 introspection ([`HttpIntrospector`]).
//!
//! Both take a `reqwest::Client` (reqwest 0.13, not re-exported) so the caller decides
//! TLS roots, proxies and redirects, and both bound every call: a timeout, and a cap on the
//! body read (a hostile or broken endpoint cannot make the server buffer without end).

mod introspect;
#[cfg(feature = "jwt")]
mod jwks;

use std::time::Duration;

pub use introspect::HttpIntrospector;
#[cfg(feature = "jwt")]
pub use jwks::HttpJwks;

use crate::TokenError;

/// The bounds of every call: how long it may take (body included) and the largest body read.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    pub(crate) timeout: Duration,
    pub(crate) max_body: usize,
}

impl Default for Limits {
    /// 10 s, and 256 KiB: far above any real key set or introspection answer.
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(10),
            max_body: 256 * 1024,
        }
    }
}

impl Limits {
    /// Sends `request` and reads a 200 answer's body, within the limits.
    ///
    /// Every failure is [`TokenError::Unavailable`] naming `what` and the cause; none names
    /// a token, since a request's form body is never part of the message.
    pub(crate) async fn fetch(
        self,
        request: reqwest::RequestBuilder,
        what: &str,
    ) -> Result<Vec<u8>, TokenError> {
        let max = self.max_body;
        let unavailable = |why: String| TokenError::Unavailable(format!("{what}: {why}"));
        let mut response = request
            .timeout(self.timeout)
            .send()
            .await
            .map_err(|e| unavailable(cause(&e)))?;
        if response.status() != reqwest::StatusCode::OK {
            return Err(unavailable(format!(
                "status {}",
                response.status().as_u16()
            )));
        }
        if response
            .content_length()
            .is_some_and(|len| len > max as u64)
        {
            return Err(unavailable(format!("body larger than {max} bytes")));
        }
        let mut body = Vec::new();
        // The request's timeout covers the body too, so a slow trickle ends.
        while let Some(chunk) = response.chunk().await.map_err(|e| unavailable(cause(&e)))? {
            if body.len() + chunk.len() > max {
                return Err(unavailable(format!("body larger than {max} bytes")));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }
}

/// A short cause, without the URL's query (reqwest's `Display` includes the URL).
fn cause(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        "timed out".to_owned()
    } else if error.is_connect() {
        "could not connect".to_owned()
    } else if error.is_body() || error.is_decode() {
        "could not read the body".to_owned()
    } else {
        "request failed".to_owned()
    }
}
