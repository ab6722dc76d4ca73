//! The answer to a request that may not proceed: status and `WWW-Authenticate` (RFC 6750 §3).

use std::collections::BTreeSet;
use std::fmt::Write as _;

/// The RFC 6750 §3.1 error codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorCode {
    /// Malformed request or credentials: 400.
    InvalidRequest,
    /// Expired, revoked, malformed or otherwise invalid token: 401.
    InvalidToken,
    /// The token lacks a scope the request needs: 403.
    InsufficientScope,
    /// The user's authentication is too old for this request (RFC 9470 §3): 403 here, with
    /// `max_age`. RFC 9470's examples answer 401; this crate answers 403 so that a client
    /// does not take it for an expired token and silently refresh (a refreshed token keeps
    /// the old `auth_time`): the user has to sign in again, which is the point.
    InsufficientUserAuthentication,
}

impl ErrorCode {
    /// The code as it appears in `error="…"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidRequest => "invalid_request",
            Self::InvalidToken => "invalid_token",
            Self::InsufficientScope => "insufficient_scope",
            Self::InsufficientUserAuthentication => "insufficient_user_authentication",
        }
    }

    fn status(self) -> u16 {
        match self {
            Self::InvalidRequest => 400,
            Self::InvalidToken => 401,
            Self::InsufficientScope | Self::InsufficientUserAuthentication => 403,
        }
    }
}

/// A refusal: the HTTP status, the exact `WWW-Authenticate` value, and a short body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    status: u16,
    error: Option<ErrorCode>,
    www_authenticate: String,
    body: String,
}

impl Challenge {
    /// 401 with no error code: the request had no bearer token (RFC 6750 §3.1, RFC 9728 §5.1).
    /// `scope`, when not empty, tells the client what to ask for (2025-11-25
    /// `basic/authorization` §Scope Selection Strategy).
    pub fn unauthenticated(resource_metadata: &str, scope: &BTreeSet<String>) -> Self {
        Self::build(None, resource_metadata, None, scope, None)
    }

    /// An error challenge: 400 for `invalid_request`, 401 for `invalid_token`, 403 for
    /// `insufficient_scope` (with `scope` = every scope the request needs).
    pub fn error(
        code: ErrorCode,
        resource_metadata: &str,
        description: Option<&str>,
        scope: &BTreeSet<String>,
    ) -> Self {
        Self::build(Some(code), resource_metadata, description, scope, None)
    }

    /// 403 `insufficient_user_authentication` with `max_age` (RFC 9470 §3): the user must
    /// authenticate again, at most `max_age_secs` before the new token is used.
    pub fn insufficient_user_authentication(resource_metadata: &str, max_age_secs: u64) -> Self {
        Self::build(
            Some(ErrorCode::InsufficientUserAuthentication),
            resource_metadata,
            Some("a more recent authentication is required"),
            &BTreeSet::new(),
            Some(max_age_secs),
        )
    }

    fn build(
        code: Option<ErrorCode>,
        resource_metadata: &str,
        description: Option<&str>,
        scope: &BTreeSet<String>,
        max_age: Option<u64>,
    ) -> Self {
        let mut header = String::from("Bearer ");
        let mut params: Vec<(&str, String)> = Vec::with_capacity(4);
        if let Some(code) = code {
            params.push(("error", code.as_str().to_owned()));
        }
        if let Some(description) = description {
            params.push(("error_description", description_chars(description)));
        }
        if !scope.is_empty() {
            let joined: Vec<&str> = scope.iter().map(String::as_str).collect();
            params.push(("scope", joined.join(" ")));
        }
        if let Some(max_age) = max_age {
            params.push(("max_age", max_age.to_string()));
        }
        params.push(("resource_metadata", resource_metadata.to_owned()));
        for (i, (name, value)) in params.iter().enumerate() {
            if i > 0 {
                header.push_str(", ");
            }
            let _ = write!(header, "{name}={}", quoted_string(value));
        }
        let body = match (code, description) {
            (Some(code), Some(d)) => format!("{}: {}", code.as_str(), description_chars(d)),
            (Some(code), None) => code.as_str().to_owned(),
            (None, _) => "authentication required".to_owned(),
        };
        Self {
            status: code.map_or(401, ErrorCode::status),
            error: code,
            www_authenticate: header,
            body,
        }
    }

    /// The HTTP status: 400, 401 or 403.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The RFC 6750 error code, `None` for a request that carried no token.
    pub fn error_code(&self) -> Option<ErrorCode> {
        self.error
    }

    /// The exact `WWW-Authenticate` header value.
    pub fn www_authenticate(&self) -> &str {
        &self.www_authenticate
    }

    /// A short plain-text body.
    pub fn body(&self) -> &str {
        &self.body
    }
}

/// RFC 6750 §3: `error_description` is limited to `%x20-21 / %x23-5B / %x5D-7E`; anything else
/// (quotes, backslashes, control characters, non-ASCII) becomes `?` so the header stays valid.
fn description_chars(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            ' '..='~' if c != '"' && c != '\\' => c,
            _ => '?',
        })
        .collect()
}

/// An RFC 9110 §5.6.4 quoted-string: `"` and `\` are escaped, control characters (which a
/// quoted-string cannot hold, and which could split the header) are dropped.
fn quoted_string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const MD: &str = "https://mcp.example/.well-known/oauth-protected-resource/mcp";

    fn scopes(list: &[&str]) -> BTreeSet<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn missing_token_has_no_error_code() {
        let c = Challenge::unauthenticated(MD, &BTreeSet::new());
        assert_eq!(c.status(), 401);
        assert_eq!(
            c.www_authenticate(),
            format!("Bearer resource_metadata=\"{MD}\"")
        );
    }

    #[test]
    fn insufficient_scope_lists_all_scopes() {
        let c = Challenge::error(
            ErrorCode::InsufficientScope,
            MD,
            None,
            &scopes(&["files:write", "files:read"]),
        );
        assert_eq!(c.status(), 403);
        assert_eq!(
            c.www_authenticate(),
            format!(
                "Bearer error=\"insufficient_scope\", scope=\"files:read files:write\", resource_metadata=\"{MD}\""
            )
        );
    }

    #[test]
    fn hostile_text_is_escaped() {
        let c = Challenge::error(
            ErrorCode::InvalidToken,
            "https://x/\"a\\b\r\n",
            Some("bad \"tok\"\r\nX: y é"),
            &BTreeSet::new(),
        );
        assert_eq!(
            c.www_authenticate(),
            r#"Bearer error="invalid_token", error_description="bad ?tok???X: y ?", resource_metadata="https://x/\"a\\b""#
        );
        assert_eq!(c.status(), 401);
    }
}
