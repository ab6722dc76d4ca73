//! Bringing the user agent to the authorization endpoint and the response back.
//!
//! A [`RedirectHandler`] is given the authorization URL and returns the query of the request
//! that reached its `redirect_uri`. Two are provided: [`LoopbackRedirect`] (a one-shot listener
//! on 127.0.0.1 for command-line and desktop clients, RFC 8252 §7.3) and [`HeadlessRedirect`]
//! (follows the redirects itself, for test authorization servers that log in without a user).

mod headless;
mod loopback;

use std::collections::HashMap;
use std::fmt;

pub use headless::HeadlessRedirect;
pub use loopback::LoopbackRedirect;

use super::error::AuthError;
use crate::BoxFuture;

/// The query parameters of the authorization response (RFC 6749 §4.1.2).
///
/// `Debug` shows the parameter names only: the `code` is a credential.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct CallbackParams(HashMap<String, String>);

impl CallbackParams {
    /// Decodes a query string (without the `?`).
    pub fn from_query(query: &str) -> Self {
        Self(
            url::form_urlencoded::parse(query.as_bytes())
                .into_owned()
                .collect(),
        )
    }

    /// The value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// Sets `name` (for handlers that build the response themselves).
    pub fn set(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.0.insert(name.into(), value.into());
    }

    /// Removes `name`.
    pub fn remove(&mut self, name: &str) {
        self.0.remove(name);
    }
}

impl fmt::Debug for CallbackParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut names: Vec<&str> = self.0.keys().map(String::as_str).collect();
        names.sort_unstable();
        f.debug_tuple("CallbackParams").field(&names).finish()
    }
}

/// Sends the user agent to the authorization URL and brings back the response.
pub trait RedirectHandler: Send + Sync + fmt::Debug {
    /// The `redirect_uri` to register and send.
    fn redirect_uri(&self) -> &str;

    /// Opens `authorization_url` (already checked to be http(s)) and waits for the request
    /// to [`redirect_uri`](Self::redirect_uri); returns its query parameters.
    fn authorize<'a>(
        &'a self,
        authorization_url: &'a str,
    ) -> BoxFuture<'a, Result<CallbackParams, AuthError>>;
}
