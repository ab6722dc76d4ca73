//! The judges of the authorization scenarios (`client/auth-*`), deeper than the official
//! suite's: each follows the client from the 401 challenge through the authorization
//! server's endpoints, in order, and names the first rule it broke.

use std::collections::HashMap;

use super::auth::{
    AS_METADATA_PATH, CLIENT_ID, STEP_UP_SCOPE, WRITE_SCOPE, code, origin, pairs, s256, token,
};
use super::checks::{Halt, exited_cleanly, fail};
use super::launch::Exit;
use super::wire::{MCP_PATH, Seen};
use super::{Exchange, Verdict};

/// The most authorization requests a client may make in the step-up scenario: the first,
/// and a few retries (2025-11-25 basic/authorization §Step-Up Authorization Flow: retries
/// bounded).
const MAX_AUTHORIZATIONS: usize = 4;

/// The index of the first request at or after `from` that `is` picks.
fn first(x: &Exchange, from: usize, is: impl Fn(&Seen) -> bool) -> Option<usize> {
    x.seen
        .iter()
        .enumerate()
        .skip(from)
        .find_map(|(i, s)| is(s).then_some(i))
}

fn get(path: &'static str) -> impl Fn(&Seen) -> bool {
    move |s| s.method == "GET" && s.path() == path
}

fn post(path: &'static str) -> impl Fn(&Seen) -> bool {
    move |s| s.method == "POST" && s.path() == path
}

/// The decoded query of a request.
fn query(s: &Seen) -> HashMap<String, String> {
    pairs(s.target.split_once('?').map_or("", |(_, q)| q))
}

/// The canonical URI of the MCP server (RFC 8707 as the spec's §Canonical Server URI).
fn canonical(s: &Seen) -> String {
    format!("{}{MCP_PATH}", origin(s))
}

/// The client made MCP requests and went to look for the protected-resource metadata the
/// 401 named: the index of that fetch. A client that never did is one without
/// authorization (OPTIONAL: 2025-11-25 basic/authorization §Protocol Requirements), and
/// the scenario is skipped for it.
fn discovered(x: &Exchange) -> Result<usize, Halt> {
    if !x.seen.iter().any(|s| s.path() == MCP_PATH) {
        return fail("the client made no request to the MCP endpoint");
    }
    let prm = |s: &Seen| {
        s.method == "GET"
            && s.path()
                .starts_with("/.well-known/oauth-protected-resource")
    };
    match first(x, 0, prm) {
        Some(i) => Ok(i),
        None if x.seen.iter().any(|s| s.path() != MCP_PATH) => fail(
            "after the 401, the client never fetched the protected-resource metadata it names (2025-11-25 basic/authorization §Authorization Server Location: MUST)",
        ),
        None => Err(Halt::Skip(
            "the client does not implement authorization: it never followed the 401 challenge (authorization is OPTIONAL, basic/authorization §Protocol Requirements)".into(),
        )),
    }
}

/// The authorization server metadata fetched after the protected-resource metadata.
fn as_metadata(x: &Exchange, prm: usize) -> Result<usize, Halt> {
    first(x, prm + 1, get(AS_METADATA_PATH)).ok_or_else(|| {
        Halt::Fail(
            "the client never fetched the metadata of the authorization server the protected-resource metadata names (basic/authorization §Authorization Server Metadata Discovery: MUST)".into(),
        )
    })
}

/// No bearer token in any URL (basic/authorization §Token Requirements: MUST NOT be in the
/// query string).
fn no_token_in_urls(x: &Exchange) -> Verdict {
    if let Some(s) = x
        .seen
        .iter()
        .find(|s| s.target.contains("access_token=") || s.target.contains("conformance-token-"))
    {
        return fail(format!(
            "a token was sent in the URL {} (basic/authorization §Token Requirements: MUST NOT)",
            s.target
        ));
    }
    Ok(())
}

/// The authorization request at `at`: code flow, the registered client, PKCE S256, the
/// canonical `resource`, a `state`.
fn authorization_request(x: &Exchange, at: usize) -> Result<HashMap<String, String>, Halt> {
    let q = query(&x.seen[at]);
    let value = |k: &str| q.get(k).map(String::as_str);
    let wanted = [
        ("response_type", Some("code"), "OAuth 2.1 §4.1.1"),
        (
            "client_id",
            Some(CLIENT_ID),
            "the client_id /register issued",
        ),
        (
            "code_challenge_method",
            Some("S256"),
            "basic/authorization §Authorization Code Protection: MUST use S256",
        ),
    ];
    for (key, want, why) in wanted {
        if value(key) != want {
            return fail(format!(
                "the authorization request has {key}={:?}, not {want:?} ({why})",
                value(key)
            ));
        }
    }
    if value("code_challenge").is_none_or(|c| c.len() < 43) {
        return fail(format!(
            "the authorization request has code_challenge {:?}: an S256 challenge is 43 characters (RFC 7636 §4.2)",
            value("code_challenge")
        ));
    }
    let resource = canonical(&x.seen[at]);
    if value("resource") != Some(&resource) {
        return fail(format!(
            "the authorization request has resource={:?}, not the canonical server URI {resource:?} (basic/authorization §Resource Parameter Implementation, RFC 8707: MUST)",
            value("resource")
        ));
    }
    if value("state").is_none_or(str::is_empty) {
        return fail(
            "the authorization request carries no state (basic/authorization §Open Redirection: SHOULD use and verify state)",
        );
    }
    Ok(q)
}

/// The token request at `at` redeems `code` with a verifier matching `asked`'s challenge and
/// the canonical `resource`.
fn token_request(x: &Exchange, at: usize, code: &str, asked: &HashMap<String, String>) -> Verdict {
    let form = pairs(&x.seen[at].text);
    let value = |k: &str| form.get(k).map(String::as_str);
    if value("grant_type") != Some("authorization_code") || value("code") != Some(code) {
        return fail(format!(
            "the token request is not the code grant for {code}: {}",
            x.seen[at].text
        ));
    }
    let challenge = asked.get("code_challenge").map_or("", String::as_str);
    match value("code_verifier") {
        None => {
            return fail("the token request has no code_verifier (RFC 7636 §4.5: MUST)");
        }
        Some(v) if s256(v) != challenge => {
            return fail(format!(
                "the code_verifier's S256 is {}, not the code_challenge {challenge} sent to /authorize (RFC 7636 §4.6)",
                s256(v)
            ));
        }
        Some(_) => {}
    }
    let resource = canonical(&x.seen[at]);
    if value("resource") != Some(&resource) {
        return fail(format!(
            "the token request has resource={:?}, not the canonical server URI {resource:?} (basic/authorization §Resource Parameter Implementation, RFC 8707: MUST on both requests)",
            value("resource")
        ));
    }
    Ok(())
}

/// `client/auth-flow`: 401 → protected-resource metadata → AS metadata → registration →
/// authorization request (PKCE S256, `resource`, `state`) → token request (the matching
/// verifier, `resource`) → the bearer token on every later MCP request, never in a URL.
pub(crate) fn flow(x: &Exchange) -> Verdict {
    let prm = discovered(x)?;
    let meta = as_metadata(x, prm)?;
    let Some(register) = first(x, meta + 1, post("/register")) else {
        return fail(
            "the client never registered, though the AS offers /register and it has no other client_id (basic/authorization §Dynamic Client Registration)",
        );
    };
    let Some(authorize) = first(x, register + 1, get("/authorize")) else {
        return fail("after registering, the client never sent the authorization request");
    };
    let asked = authorization_request(x, authorize)?;
    let Some(redeem) = first(x, authorize + 1, post("/token")) else {
        return fail("the client never redeemed the authorization code at /token");
    };
    token_request(x, redeem, &code(1), &asked)?;
    let bearer = format!("Bearer {}", token(1));
    let later: Vec<&Seen> = x.seen[redeem + 1..]
        .iter()
        .filter(|s| s.path() == MCP_PATH)
        .collect();
    if !later.iter().any(|s| s.is_request()) {
        return fail("the client made no MCP request with its token");
    }
    if let Some(s) = later
        .iter()
        .find(|s| s.header("authorization") != Some(&bearer))
    {
        return fail(format!(
            "{} {} after the token was issued carries Authorization {:?}, not {bearer:?} (basic/authorization §Token Requirements: MUST on every request)",
            s.method,
            s.rpc_method().unwrap_or_default(),
            s.header("authorization")
        ));
    }
    no_token_in_urls(x)?;
    exited_cleanly(x)
}

/// `client/auth-no-s256`: the AS metadata has no `code_challenge_methods_supported`; the
/// client must not go on.
pub(crate) fn no_s256(x: &Exchange) -> Verdict {
    let prm = discovered(x)?;
    as_metadata(x, prm)?;
    if let Some(s) = x
        .seen
        .iter()
        .find(|s| (get("/authorize"))(s) || (post("/token"))(s))
    {
        return fail(format!(
            "the AS metadata has no code_challenge_methods_supported (no PKCE), yet the client went on to {} (basic/authorization §Authorization Code Protection: MUST refuse to proceed)",
            s.path()
        ));
    }
    Ok(())
}

/// The client reached `/authorize` and then redeemed no code: what a client does with a
/// forged authorization response (`what` says how it was forged, `why` cites the rule).
fn refused_response(x: &Exchange, what: &str, why: &str) -> Verdict {
    let prm = discovered(x)?;
    as_metadata(x, prm)?;
    let Some(authorize) = first(x, prm + 1, get("/authorize")) else {
        return fail("the client never sent the authorization request");
    };
    if let Some(redeem) = first(x, authorize + 1, post("/token")) {
        return fail(format!(
            "the authorization response carried {what}, yet the client redeemed the code: {} ({why})",
            x.seen[redeem].text
        ));
    }
    if x.seen[authorize..]
        .iter()
        .any(|s| s.path() == MCP_PATH && s.header("authorization").is_some())
    {
        return fail(format!(
            "the authorization response carried {what}, yet the client sent a token"
        ));
    }
    Ok(())
}

/// `client/auth-wrong-iss`: the authorization response names another issuer.
pub(crate) fn wrong_iss(x: &Exchange) -> Verdict {
    refused_response(
        x,
        "iss of another issuer",
        "RFC 9207 §2.4, 2026-07-28 basic/authorization §Authorization Response Validation: MUST validate before sending the code to any token endpoint",
    )
}

/// `client/auth-wrong-state`: the authorization response carries a `state` the client did
/// not send.
pub(crate) fn wrong_state(x: &Exchange) -> Verdict {
    refused_response(
        x,
        "a state the client never sent",
        "basic/authorization §Open Redirection: SHOULD verify state",
    )
}

/// `client/auth-step-up`: after a 403 `insufficient_scope` to its tool call, the client
/// authorizes again for the challenged scope (a bounded number of times) and repeats the call
/// with the new token.
pub(crate) fn step_up(x: &Exchange) -> Verdict {
    discovered(x)?;
    let call = |s: &Seen| s.path() == MCP_PATH && s.rpc_method() == Some("tools/call");
    let old = format!("Bearer {}", token(1));
    let Some(refused) = first(x, 0, |s| {
        call(s) && s.header("authorization") == Some(old.as_str())
    }) else {
        return fail("the client never called a tool with its first token");
    };
    bounded(x)?;
    let Some(again) = first(x, refused + 1, get("/authorize")) else {
        return fail(format!(
            "after 403 insufficient_scope with scope=\"{STEP_UP_SCOPE}\", the client did not authorize again (basic/authorization §Step-Up Authorization Flow: SHOULD)"
        ));
    };
    let scope = query(&x.seen[again])
        .get("scope")
        .cloned()
        .unwrap_or_default();
    if !scope.split(' ').any(|s| s == WRITE_SCOPE) {
        return fail(format!(
            "the step-up authorization asks for scope {scope:?}, without the challenged {WRITE_SCOPE}"
        ));
    }
    let new = format!("Bearer {}", token(2));
    if first(x, again + 1, |s| {
        call(s) && s.header("authorization") == Some(new.as_str())
    })
    .is_none()
    {
        return fail("the client did not repeat the tool call with the stepped-up token");
    }
    no_token_in_urls(x)?;
    exited_cleanly(x)
}

/// At most [`MAX_AUTHORIZATIONS`] authorization requests.
fn bounded(x: &Exchange) -> Verdict {
    let authorizations = x.seen.iter().filter(|s| (get("/authorize"))(s)).count();
    if authorizations > MAX_AUTHORIZATIONS {
        return fail(format!(
            "the client authorized {authorizations} times (at most {MAX_AUTHORIZATIONS}: the first and a few step-ups): retries must be limited (basic/authorization §Step-Up Authorization Flow: SHOULD)"
        ));
    }
    Ok(())
}

/// `client/auth-step-up-limit`: every tool call gets 403 `insufficient_scope`, however
/// authorized; the client gives up after a few step-ups (or at once) and ends.
pub(crate) fn step_up_limit(x: &Exchange) -> Verdict {
    discovered(x)?;
    let bearer = format!("Bearer {}", token(1));
    if first(x, 0, |s| {
        s.path() == MCP_PATH
            && s.rpc_method() == Some("tools/call")
            && s.header("authorization") == Some(bearer.as_str())
    })
    .is_none()
    {
        return fail("the client never called a tool with its first token");
    }
    bounded(x)?;
    if let Exit::TimedOut(_) = x.exit {
        return fail("the client was still retrying when its time was up");
    }
    no_token_in_urls(x)
}
