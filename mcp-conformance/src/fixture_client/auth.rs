//! The fixture client's authorization (2025-11-25 basic/authorization), by hand: from a
//! 401 or 403 challenge to the protected-resource metadata, the authorization server's
//! metadata, dynamic registration, a code flow with PKCE whose authorization response is
//! read from the `Location` of the approving redirect (never followed), and the token.
//! Each check it makes can be switched off by one [`ClientFault`].

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};

use reqwest::{Client, Url};
use serde_json::{Value, json};

use super::ClientFault;
use crate::scenario::client::auth::{pairs, s256};

/// The redirect URI the fixture registers: nothing listens there, the client reads the
/// redirect to it.
const REDIRECT_URI: &str = "http://127.0.0.1:9/callback";

/// What the client keeps between authorizations.
#[derive(Debug, Default)]
pub(super) struct Login {
    /// The `client_id` registered.
    client_id: Option<String>,
}

/// The value of `name="…"` in a `WWW-Authenticate` challenge.
fn param(challenge: &str, name: &str) -> Option<String> {
    let key = format!("{name}=\"");
    let start = challenge.find(&key)? + key.len();
    let end = challenge[start..].find('"')? + start;
    Some(challenge[start..end].to_owned())
}

/// 64 hex digits from the process's random hash keys: enough for a verifier and a state
/// in a test fixture.
fn random() -> String {
    (0..4u64)
        .map(|i| {
            let mut h = RandomState::new().build_hasher();
            h.write_u64(i);
            format!("{:016x}", h.finish())
        })
        .collect()
}

async fn get_json(http: &Client, url: &str) -> Result<Value, String> {
    let response = http.get(url).send().await.map_err(|e| e.to_string())?;
    if !response.status().is_success() {
        return Err(format!("GET {url}: HTTP {}", response.status()));
    }
    response.json().await.map_err(|e| format!("GET {url}: {e}"))
}

impl Login {
    /// Authorizes for `resource` after `challenge`: the access token.
    pub(super) async fn authorize(
        &mut self,
        fault: ClientFault,
        resource: &str,
        challenge: &str,
    ) -> Result<String, String> {
        let http = Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .map_err(|e| e.to_string())?;
        let prm_url = param(challenge, "resource_metadata")
            .ok_or("the challenge names no resource_metadata")?;
        let prm = get_json(&http, &prm_url).await?;
        let issuer = prm["authorization_servers"][0]
            .as_str()
            .ok_or("the protected-resource metadata names no authorization server")?
            .trim_end_matches('/')
            .to_owned();
        let meta = get_json(
            &http,
            &format!("{issuer}/.well-known/oauth-authorization-server"),
        )
        .await?;
        if meta["issuer"] != issuer {
            return Err(format!("the metadata is of issuer {}", meta["issuer"]));
        }
        let s256_offered = meta["code_challenge_methods_supported"]
            .as_array()
            .is_some_and(|m| m.contains(&json!("S256")));
        // basic/authorization §Authorization Code Protection: no S256, no authorization.
        if !s256_offered && fault != ClientFault::IgnoresS256 {
            return Err("the authorization server does not support PKCE S256".into());
        }
        let endpoint = |name: &str| {
            meta[name]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| format!("the metadata has no {name}"))
        };
        let client_id =
            match self.client_id.clone() {
                Some(id) => id,
                None => {
                    let registered = http
                    .post(endpoint("registration_endpoint")?)
                    .json(&json!({"redirect_uris": [REDIRECT_URI], "client_name": "fixture-client",
                        "token_endpoint_auth_method": "none", "application_type": "native",
                        "grant_types": ["authorization_code"], "response_types": ["code"]}))
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                    let body: Value = registered.json().await.map_err(|e| e.to_string())?;
                    let id = body["client_id"]
                        .as_str()
                        .ok_or("the registration gave no client_id")?
                        .to_owned();
                    self.client_id = Some(id.clone());
                    id
                }
            };
        let verifier = random();
        let state = random();
        let (challenge_sent, method) = if fault == ClientFault::PlainPkce {
            (verifier.clone(), "plain")
        } else {
            (s256(&verifier), "S256")
        };
        let mut authorize =
            Url::parse(&endpoint("authorization_endpoint")?).map_err(|e| e.to_string())?;
        {
            let mut q = authorize.query_pairs_mut();
            q.append_pair("response_type", "code")
                .append_pair("client_id", &client_id)
                .append_pair("redirect_uri", REDIRECT_URI)
                .append_pair("code_challenge", &challenge_sent)
                .append_pair("code_challenge_method", method)
                .append_pair("state", &state);
            if let Some(scope) = param(challenge, "scope") {
                q.append_pair("scope", &scope);
            }
            if fault != ClientFault::NoResource {
                q.append_pair("resource", resource);
            }
        }
        let answer = http
            .get(authorize)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let location = answer
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .ok_or("the authorization endpoint did not redirect")?;
        let back = pairs(location.split_once('?').map_or("", |(_, q)| q));
        if back.get("state") != Some(&state) && fault != ClientFault::IgnoresState {
            return Err("the authorization response carries another state".into());
        }
        // RFC 9207 §2.4: the issuer, compared as strings.
        if back.get("iss").is_some_and(|iss| *iss != issuer) && fault != ClientFault::IgnoresIss {
            return Err("the authorization response names another issuer".into());
        }
        let code = back
            .get("code")
            .ok_or("the authorization response has no code")?;
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", REDIRECT_URI),
            ("client_id", client_id.as_str()),
            ("code_verifier", verifier.as_str()),
        ];
        if fault != ClientFault::NoResource {
            form.push(("resource", resource));
        }
        let token: Value = http
            .post(endpoint("token_endpoint")?)
            .form(&form)
            .send()
            .await
            .map_err(|e| e.to_string())?
            .json()
            .await
            .map_err(|e| e.to_string())?;
        token["access_token"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| format!("the token endpoint answered {token}"))
    }
}
