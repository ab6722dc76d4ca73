//! Who the caller is and what they may do: the [`HttpConfig::authenticate`] hook, or (feature
//! `auth`) an OAuth resource server with its scope policy and RFC 9728 metadata document.
//!
//! With a resource server configured, every request but the metadata document needs a valid
//! bearer token (2025-11-25 `basic/authorization` §Token Handling: "authorization MUST be
//! included in every HTTP request"); a refusal carries the exact RFC 6750 §3 challenge.
//! The token itself stops here: handlers get the [`Principal`] it names, never the token
//! (§Token Passthrough).

use http::{HeaderMap, Response};
use mcp_protocol::jsonrpc::RequestMessage;

use super::config::HttpConfig;
use super::service::{HttpBody, empty};
use crate::context::Principal;

/// The caller of a request: `Ok(None)` when no authentication is configured (or the hook
/// accepts anonymous callers), `Err` with the response that refuses the request.
pub(crate) async fn caller(
    config: &HttpConfig,
    headers: &HeaderMap,
) -> Result<Option<Principal>, Response<HttpBody>> {
    #[cfg(feature = "auth")]
    if let Some(rs) = &config.resource_server {
        let mut all = headers.get_all(http::header::AUTHORIZATION).iter();
        let authorization = all.next().and_then(|v| v.to_str().ok());
        if all.next().is_some() {
            // Two credentials are ambiguous (RFC 9110 §11.6.2: `Authorization` is not a list
            // field), and taking either one lets a proxy and this server disagree on who
            // called: 400 `invalid_request` (RFC 6750 §3.1).
            return Err(oauth::challenge_response(&mcp_auth::Challenge::error(
                mcp_auth::ErrorCode::InvalidRequest,
                rs.resource_metadata_url(),
                Some("more than one Authorization header"),
                &std::collections::BTreeSet::new(),
            )));
        }
        return match rs.authenticate(authorization).await {
            Ok(principal) => Ok(Some(principal)),
            Err(challenge) => Err(oauth::challenge_response(&challenge)),
        };
    }
    match &config.authenticate {
        Some(authenticate) => authenticate(headers).await.map_err(|rejection| {
            let mut r = empty(rejection.status);
            r.headers_mut().extend(rejection.headers);
            r
        }),
        None => Ok(None),
    }
}

/// When an event stream opened by `principal` must end: its token's expiry plus the
/// configured leeway ([`HttpConfig::token_expiry_leeway`]); `None` without an expiry.
pub(crate) fn stream_deadline(
    config: &HttpConfig,
    principal: Option<&Principal>,
) -> Option<std::time::SystemTime> {
    principal
        .and_then(|p| p.expires_at)
        .map(|exp| exp + config.token_leeway)
}

/// Whether `principal` may make every one of `requests` (one message, or a whole 2025-03-26
/// batch, which is refused whole if any member may not run): 403 `insufficient_scope` naming
/// every scope the refused members need. Without a resource server everything may run.
#[cfg_attr(not(feature = "auth"), allow(clippy::unnecessary_wraps))]
pub(crate) fn permit<'a>(
    config: &HttpConfig,
    principal: Option<&Principal>,
    requests: impl IntoIterator<Item = &'a RequestMessage>,
) -> Result<(), Box<Response<HttpBody>>> {
    #[cfg(feature = "auth")]
    if let (Some(rs), Some(principal)) = (&config.resource_server, principal) {
        return oauth::permit(rs, &config.scope_policy, principal, requests);
    }
    let _ = (config, principal, requests);
    Ok(())
}

/// The RFC 9728 document, if this is a GET of one of its well-known paths.
#[cfg_attr(not(feature = "auth"), allow(clippy::unnecessary_wraps))]
pub(crate) fn metadata(
    config: &HttpConfig,
    method: &http::Method,
    path: &str,
) -> Option<Response<HttpBody>> {
    #[cfg(feature = "auth")]
    if let Some(rs) = &config.resource_server
        && method == http::Method::GET
    {
        return oauth::metadata(rs, path);
    }
    let _ = (config, method, path);
    None
}

#[cfg(feature = "auth")]
mod oauth {
    use std::collections::BTreeSet;

    use bytes::Bytes;
    use http::{HeaderValue, Response, StatusCode, header};
    use mcp_auth::{Challenge, ErrorCode as OAuthError, ResourceServer, ScopePolicy, Target};
    use mcp_protocol::ErrorObject;
    use mcp_protocol::jsonrpc::{ErrorCode, RequestMessage};
    use serde::Deserialize;

    use super::super::outbound::error_body;
    use super::super::service::{HttpBody, json};
    use crate::context::Principal;

    /// The challenge as a response: its status, its exact `WWW-Authenticate`, and a JSON-RPC
    /// error (no id) whose message is the challenge's short text, like every other refusal of
    /// this endpoint. `data.error` carries the RFC 6750 error code, when there is one.
    pub(super) fn challenge_response(challenge: &Challenge) -> Response<HttpBody> {
        let mut error = ErrorObject::new(ErrorCode::INVALID_REQUEST, challenge.body());
        if let Some(code) = challenge.error_code() {
            error = error.with_data(serde_json::json!({ "error": code.as_str() }));
        }
        let status = StatusCode::from_u16(challenge.status()).unwrap_or(StatusCode::UNAUTHORIZED);
        let mut r = json(status, error_body(error));
        // The challenge escapes its parameters, so it is always a valid header value.
        if let Ok(value) = HeaderValue::from_str(challenge.www_authenticate()) {
            r.headers_mut().insert(header::WWW_AUTHENTICATE, value);
        }
        r
    }

    /// `name` of `tools/call` and `prompts/get`, `uri` of the `resources/*` methods.
    #[derive(Deserialize, Default)]
    struct Named<'a> {
        #[serde(borrow, default)]
        name: Option<std::borrow::Cow<'a, str>>,
        #[serde(borrow, default)]
        uri: Option<std::borrow::Cow<'a, str>>,
    }

    pub(super) fn permit<'a>(
        rs: &ResourceServer,
        policy: &ScopePolicy,
        principal: &Principal,
        requests: impl IntoIterator<Item = &'a RequestMessage>,
    ) -> Result<(), Box<Response<HttpBody>>> {
        let mut needed = BTreeSet::new();
        let mut refused = false;
        let mut stale = None;
        let now = std::time::SystemTime::now();
        for request in requests {
            // Params the dispatcher will refuse anyway (not an object, a name that is not a
            // string) fall back to the method's own rule: never to no rule at all.
            let named: Named<'_> = request
                .params
                .as_deref()
                .and_then(|raw| serde_json::from_str(raw.get()).ok())
                .unwrap_or_default();
            let method = request.method.as_ref();
            let target = match (method, &named.name, &named.uri) {
                ("tools/call", Some(name), _) => Target::Tool(name),
                ("prompts/get", Some(name), _) => Target::Prompt(name),
                (
                    "resources/read" | "resources/subscribe" | "resources/unsubscribe",
                    _,
                    Some(uri),
                ) => Target::Resource(uri),
                _ => Target::Method(method),
            };
            if policy
                .check(principal, target, rs.resource_metadata_url())
                .is_err()
            {
                refused = true;
                needed.extend(policy.required(target).iter().cloned());
            } else if let Err(challenge) =
                policy.check_recent(principal, target, rs.resource_metadata_url(), now)
            {
                stale.get_or_insert(challenge);
            }
        }
        if !refused {
            // RFC 9470: the scope is there but the sign-in is too old for this call.
            return match stale {
                Some(challenge) => Err(Box::new(challenge_response(&challenge))),
                None => Ok(()),
            };
        }
        // basic/authorization §Runtime Insufficient Scope Errors: one challenge naming every
        // scope the operation needs, so one step-up suffices.
        Err(Box::new(challenge_response(&Challenge::error(
            OAuthError::InsufficientScope,
            rs.resource_metadata_url(),
            Some("the token lacks a required scope"),
            &needed,
        ))))
    }

    pub(super) fn metadata(rs: &ResourceServer, path: &str) -> Option<Response<HttpBody>> {
        let paths = mcp_auth::well_known_paths(rs.resource()).ok()?;
        if !paths.iter().any(|p| p == path) {
            return None;
        }
        let body = serde_json::to_vec(&rs.metadata()).ok()?;
        Some(json(StatusCode::OK, Bytes::from(body)))
    }
}
