//! Taking the bearer token out of an `Authorization` header (RFC 6750 §2.1).

/// Why an `Authorization` header gave no token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BearerError {
    /// No header, or a scheme other than `Bearer`: the request carries no bearer token
    /// (RFC 6750 §3.1: answer 401 with no error code).
    #[error("no bearer token")]
    Missing,
    /// A `Bearer` header whose credentials are not one `b64token` (RFC 6750 §2.1):
    /// `invalid_request`, status 400.
    #[error("malformed bearer credentials")]
    Malformed,
}

/// The token in an `Authorization` header value, if it is `Bearer <b64token>`.
///
/// The scheme is case-insensitive (RFC 9110 §11.1); the token must match RFC 6750's
/// `b64token`: `1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`.
pub fn bearer_token(header: Option<&str>) -> Result<&str, BearerError> {
    let header = header.ok_or(BearerError::Missing)?;
    let (scheme, rest) = match header.split_once(' ') {
        Some(parts) => parts,
        None if header.eq_ignore_ascii_case("bearer") => return Err(BearerError::Malformed),
        None => return Err(BearerError::Missing),
    };
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(BearerError::Missing);
    }
    let token = rest.trim_matches(' ');
    if is_b64token(token) {
        Ok(token)
    } else {
        Err(BearerError::Malformed)
    }
}

fn is_b64token(token: &str) -> bool {
    let body = token.trim_end_matches('=');
    !body.is_empty()
        && body.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_bearer_in_any_case() {
        assert_eq!(
            bearer_token(Some("Bearer abc.def-_~+/==")),
            Ok("abc.def-_~+/==")
        );
        assert_eq!(bearer_token(Some("bEARER abc")), Ok("abc"));
    }

    #[test]
    fn other_schemes_are_missing() {
        assert_eq!(bearer_token(None), Err(BearerError::Missing));
        assert_eq!(
            bearer_token(Some("Basic dXNlcjpwdw==")),
            Err(BearerError::Missing)
        );
        assert_eq!(bearer_token(Some("Token")), Err(BearerError::Missing));
    }

    #[test]
    fn hostile_credentials_are_malformed() {
        for bad in [
            "Bearer",
            "Bearer ",
            "Bearer a b",
            "Bearer a,b",
            "Bearer \"x\"",
            "Bearer ==",
            "Bearer a\r\nX: y",
        ] {
            assert_eq!(
                bearer_token(Some(bad)),
                Err(BearerError::Malformed),
                "{bad:?}"
            );
        }
    }
}
