//! The scripted authorization of the client scenarios `client/auth-*`: the MCP endpoint is
//! an OAuth protected resource (401 with `WWW-Authenticate: Bearer resource_metadata=…`
//! until the client shows a token it issued), and the same loopback origin is its
//! authorization server: RFC 9728 protected-resource metadata, RFC 8414 metadata, RFC 7591
//! registration, an `/authorize` that approves at once (a 302 to the client's redirect URI,
//! which a headless client reads without following), and a `/token` that checks PKCE and
//! issues opaque tokens. Behind a valid token the session-era script answers.
//!
//! Codes and tokens are numbered in the order they are issued ([`code`], [`token`]), so the
//! judges know which one the client was given.

use std::collections::HashMap;

use base64::Engine as _;
use mcp_protocol::ProtocolVersion;
use reqwest::Url;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::session::{Plan, SessionScript};
use super::wire::{Answer, MCP_PATH, Script, Seen};

/// The path of the protected-resource metadata (RFC 9728 §3.1, inserted before the path).
pub(crate) const PRM_PATH: &str = "/.well-known/oauth-protected-resource/mcp";
/// The path of the authorization server metadata (RFC 8414 §3, an issuer without a path).
pub(crate) const AS_METADATA_PATH: &str = "/.well-known/oauth-authorization-server";
/// The scope the 401 challenge asks for, and the only one a first token carries.
pub(crate) const BASE_SCOPE: &str = "mcp:read";
/// The scope a step-up challenge asks for (everything the call needs, in one challenge).
pub(crate) const STEP_UP_SCOPE: &str = "mcp:read mcp:write";
/// The scope only the step-up token carries.
pub(crate) const WRITE_SCOPE: &str = "mcp:write";
/// The `client_id` of the first registration.
pub(crate) const CLIENT_ID: &str = "conformance-client-1";
/// The issuer the `wrong-iss` plan names in the authorization response.
pub(crate) const FOREIGN_ISSUER: &str = "https://attacker.example";
/// The `state` the `wrong-state` plan answers with.
pub(crate) const FORGED_STATE: &str = "forged-state";

/// The code issued by the `n`th authorization (from 1).
pub(crate) fn code(n: usize) -> String {
    format!("conformance-code-{n}")
}

/// The token issued by the `n`th token request that succeeded (from 1).
pub(crate) fn token(n: usize) -> String {
    format!("conformance-token-{n}")
}

/// `base64url(SHA-256(verifier))` (RFC 7636 §4.2, S256).
pub(crate) fn s256(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// The name/value pairs of a query string or form body, decoded.
pub(crate) fn pairs(encoded: &str) -> HashMap<String, String> {
    Url::parse(&format!("http://x/?{encoded}"))
        .map(|u| u.query_pairs().into_owned().collect())
        .unwrap_or_default()
}

/// The origin the client reached us at (its `Host` header), which is also the issuer.
pub(crate) fn origin(seen: &Seen) -> String {
    format!("http://{}", seen.header("host").unwrap_or("127.0.0.1"))
}

/// What the authorization server does wrong, or asks for, in a scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AuthPlan {
    /// Nothing: the plain code flow.
    Flow,
    /// Its metadata has no `code_challenge_methods_supported`: no PKCE.
    NoS256,
    /// The authorization response names another issuer (RFC 9207).
    WrongIss,
    /// The authorization response carries a `state` the client did not send.
    WrongState,
    /// `tools/call` needs `mcp:write`: a token without it gets 403 `insufficient_scope`.
    StepUp,
    /// `tools/call` gets 403 `insufficient_scope` whatever the token's scope.
    StepUpRefused,
}

/// A code not yet redeemed: what the authorization request asked for.
#[derive(Debug)]
struct Pending {
    challenge: String,
    scope: String,
}

/// The authorization server and protected MCP endpoint.
#[derive(Debug)]
pub(crate) struct AuthScript {
    plan: AuthPlan,
    mcp: SessionScript,
    codes: HashMap<String, Pending>,
    authorized: usize,
    /// Each token issued, with its scope.
    tokens: HashMap<String, String>,
    registered: usize,
}

impl AuthScript {
    pub(crate) fn new(plan: AuthPlan) -> Self {
        Self {
            plan,
            mcp: SessionScript::new(Plan::Initialize),
            codes: HashMap::new(),
            authorized: 0,
            tokens: HashMap::new(),
            registered: 0,
        }
    }

    fn protected_resource(seen: &Seen) -> Answer {
        let base = origin(seen);
        Answer::json(json!({
            "resource": format!("{base}{MCP_PATH}"),
            "authorization_servers": [base],
            "scopes_supported": [BASE_SCOPE, WRITE_SCOPE],
            "bearer_methods_supported": ["header"],
        }))
    }

    fn metadata(&self, seen: &Seen) -> Answer {
        let base = origin(seen);
        let mut metadata = json!({
            "issuer": base,
            "authorization_endpoint": format!("{base}/authorize"),
            "token_endpoint": format!("{base}/token"),
            "registration_endpoint": format!("{base}/register"),
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["none", "client_secret_basic", "client_secret_post"],
            "scopes_supported": [BASE_SCOPE, WRITE_SCOPE],
            "authorization_response_iss_parameter_supported": true,
        });
        if self.plan == AuthPlan::NoS256 {
            // 2025-11-25 basic/authorization §Authorization Code Protection: without this
            // field the server "does not support PKCE" and the client must refuse.
            if let Some(m) = metadata.as_object_mut() {
                m.remove("code_challenge_methods_supported");
            }
        }
        Answer::json(metadata)
    }

    /// RFC 7591 §3.2.1: the metadata as registered, with the client's credentials.
    fn register(&mut self, seen: &Seen) -> Answer {
        let Value::Object(mut client) = seen.body.clone() else {
            return error(400, "invalid_client_metadata", "the body is no JSON object");
        };
        if !client.get("redirect_uris").is_some_and(Value::is_array) {
            return error(400, "invalid_redirect_uri", "redirect_uris is missing");
        }
        self.registered += 1;
        client.insert(
            "client_id".into(),
            json!(format!("conformance-client-{}", self.registered)),
        );
        // RFC 7591 §2: the default method is client_secret_basic.
        let method = client
            .get("token_endpoint_auth_method")
            .and_then(Value::as_str)
            .unwrap_or("client_secret_basic")
            .to_owned();
        if method != "none" {
            client.insert("client_secret".into(), json!("conformance-secret"));
        }
        client.insert("token_endpoint_auth_method".into(), json!(method));
        Answer {
            status: 201,
            ..Answer::json(Value::Object(client))
        }
    }

    /// Approves at once: 302 to the redirect URI with the code, the state and the issuer
    /// (RFC 9207), or with what the plan forges.
    fn authorize(&mut self, seen: &Seen) -> Answer {
        let query = pairs(seen.target.split_once('?').map_or("", |(_, q)| q));
        let Some(mut back) = query.get("redirect_uri").and_then(|r| Url::parse(r).ok()) else {
            return error(400, "invalid_request", "redirect_uri is missing or no URL");
        };
        self.authorized += 1;
        let code = code(self.authorized);
        self.codes.insert(
            code.clone(),
            Pending {
                challenge: query.get("code_challenge").cloned().unwrap_or_default(),
                scope: query
                    .get("scope")
                    .cloned()
                    .unwrap_or_else(|| BASE_SCOPE.to_owned()),
            },
        );
        let issuer = match self.plan {
            AuthPlan::WrongIss => FOREIGN_ISSUER.to_owned(),
            _ => origin(seen),
        };
        let state = match (self.plan, query.get("state")) {
            (AuthPlan::WrongState, _) => Some(FORGED_STATE),
            (_, s) => s.map(String::as_str),
        };
        {
            let mut q = back.query_pairs_mut();
            q.append_pair("code", &code);
            if let Some(state) = state {
                q.append_pair("state", state);
            }
            q.append_pair("iss", &issuer);
        }
        Answer::status(302).with("location", back.to_string())
    }

    /// The code grant: single-use codes, S256 checked; opaque tokens.
    fn token(&mut self, seen: &Seen) -> Answer {
        let form = pairs(&seen.text);
        if form.get("grant_type").map(String::as_str) != Some("authorization_code") {
            return error(400, "unsupported_grant_type", "only authorization_code");
        }
        let Some(pending) = form.get("code").and_then(|c| self.codes.remove(c)) else {
            return error(400, "invalid_grant", "unknown or used code");
        };
        let verifier = form.get("code_verifier").map_or("", String::as_str);
        if s256(verifier) != pending.challenge {
            return error(400, "invalid_grant", "code_verifier does not match");
        }
        let issued = token(self.tokens.len() + 1);
        self.tokens.insert(issued.clone(), pending.scope.clone());
        Answer::json(json!({"access_token": issued, "token_type": "Bearer",
            "expires_in": 3600, "scope": pending.scope}))
        .with("cache-control", "no-store")
    }

    /// The protected endpoint: 401 without a token we issued; 403 `insufficient_scope` for a
    /// tool call without `mcp:write` in the step-up plan.
    fn mcp(&mut self, seen: &Seen) -> Answer {
        let metadata = format!("{}{PRM_PATH}", origin(seen));
        let scope = seen
            .header("authorization")
            .and_then(|a| a.strip_prefix("Bearer "))
            .and_then(|t| self.tokens.get(t));
        let Some(scope) = scope else {
            // 2025-11-25 basic/authorization §Authorization Server Location: the 401 names
            // the protected-resource metadata (and §Scope Selection: the scope needed).
            return Answer::status(401).with(
                "www-authenticate",
                format!(r#"Bearer resource_metadata="{metadata}", scope="{BASE_SCOPE}""#),
            );
        };
        let refused = match self.plan {
            AuthPlan::StepUp => !scope.split(' ').any(|s| s == WRITE_SCOPE),
            AuthPlan::StepUpRefused => true,
            _ => false,
        };
        if refused && seen.rpc_method() == Some("tools/call") {
            // §Runtime Insufficient Scope Errors.
            return Answer::status(403).with(
                "www-authenticate",
                format!(
                    r#"Bearer error="insufficient_scope", scope="{STEP_UP_SCOPE}", resource_metadata="{metadata}""#
                ),
            );
        }
        self.mcp.answer(seen)
    }
}

/// An OAuth error answer (RFC 6749 §5.2, RFC 7591 §3.2.2).
fn error(status: u16, code: &str, description: &str) -> Answer {
    Answer {
        status,
        ..Answer::json(json!({"error": code, "error_description": description}))
    }
}

impl Script for AuthScript {
    fn answer(&mut self, seen: &Seen) -> Answer {
        match (seen.method.as_str(), seen.path()) {
            (_, MCP_PATH) => self.mcp(seen),
            ("GET", PRM_PATH | "/.well-known/oauth-protected-resource") => {
                Self::protected_resource(seen)
            }
            ("GET", AS_METADATA_PATH) => self.metadata(seen),
            ("POST", "/register") => self.register(seen),
            ("GET", "/authorize") => self.authorize(seen),
            ("POST", "/token") => self.token(seen),
            _ => Answer::status(404),
        }
    }

    fn speaking(&self) -> ProtocolVersion {
        self.mcp.speaking()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn s256_matches_the_rfc_7636_example() {
        // RFC 7636 Appendix B.
        assert_eq!(
            super::s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn pairs_are_decoded() {
        let p = super::pairs("a=1&resource=http%3A%2F%2F127.0.0.1%3A8%2Fmcp&s=x+y");
        assert_eq!(p["resource"], "http://127.0.0.1:8/mcp");
        assert_eq!(p["s"], "x y");
        assert!(super::pairs("").is_empty());
    }
}
