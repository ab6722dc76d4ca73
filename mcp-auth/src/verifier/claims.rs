//! Turning verified claims into a [`Principal`].

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value};

use crate::principal::parse_scope;
use crate::{Principal, TokenError};

/// Builds the principal from a claim set whose `iss`, `aud`, `exp` were already checked.
///
/// Scopes come from `scope` (RFC 9068 §2.2.3, space-delimited) or, failing that, `scp`
/// (a string or an array, as Entra and Okta send); the client from `client_id`, else `azp`.
pub(crate) fn principal_from_claims(
    claims: &Map<String, Value>,
    tenant_claim: Option<&str>,
) -> Result<Principal, TokenError> {
    let text = |name: &'static str| -> Result<Option<String>, TokenError> {
        match claims.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(TokenError::Malformed),
        }
    };
    let issuer = text("iss")?.ok_or(TokenError::MissingClaim("iss"))?;
    let subject = text("sub")?.ok_or(TokenError::MissingClaim("sub"))?;
    let mut principal = Principal::new(issuer, subject);
    principal.client_id = text("client_id")?.or(text("azp")?);
    principal.tenant = match tenant_claim.and_then(|name| claims.get(name)) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(TokenError::Malformed),
    };
    principal.scopes = match (claims.get("scope"), claims.get("scp")) {
        (Some(Value::String(s)), _) | (None, Some(Value::String(s))) => parse_scope(s),
        (None, Some(Value::Array(list))) => list
            .iter()
            .map(|v| v.as_str().map(str::to_owned).ok_or(TokenError::Malformed))
            .collect::<Result<_, _>>()?,
        (None, None) => Default::default(),
        _ => return Err(TokenError::Malformed),
    };
    let time = |name: &str| -> Result<Option<SystemTime>, TokenError> {
        match claims.get(name) {
            None => Ok(None),
            Some(v) => Ok(Some(
                UNIX_EPOCH + Duration::from_secs(v.as_u64().ok_or(TokenError::Malformed)?),
            )),
        }
    };
    principal.expires_at = time("exp")?;
    // RFC 9470 §4 / OIDC Core §2: `auth_time` is when the user authenticated; a token
    // without it was at best minted then (`iat`), so `iat` stands in.
    principal.authenticated_at = match time("auth_time")? {
        Some(t) => Some(t),
        None => time("iat")?,
    };
    Ok(principal)
}

/// Seconds since the Unix epoch, now.
pub(crate) fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
