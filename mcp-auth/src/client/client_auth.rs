//! How the client authenticates at the token endpoint: the method chosen from the
//! registration and the authorization server's metadata, and applied to a token request
//! (`client_secret_basic`, `client_secret_post`, `none`, RFC 7523 `private_key_jwt`).

use std::fmt;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use jsonwebtoken::{Algorithm, EncodingKey, Header};

use super::error::AuthError;
use super::pkce::random_string;
use super::registration::ClientCredentials;
use crate::client_secret_basic;

/// A token endpoint authentication method (RFC 7591 §2 `token_endpoint_auth_method`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenEndpointAuth {
    /// A public client: `client_id` in the body, no secret.
    None,
    /// RFC 6749 §2.3.1 HTTP Basic with the form-encoded id and secret.
    ClientSecretBasic,
    /// RFC 6749 §2.3.1 `client_id` and `client_secret` in the body.
    ClientSecretPost,
    /// RFC 7523 §2.2: a JWT signed with the client's private key as `client_assertion`.
    PrivateKeyJwt,
}

impl TokenEndpointAuth {
    /// The registered name, e.g. `client_secret_basic`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::ClientSecretBasic => "client_secret_basic",
            Self::ClientSecretPost => "client_secret_post",
            Self::PrivateKeyJwt => "private_key_jwt",
        }
    }

    /// The method a registered name stands for; `None` for a method this client lacks.
    pub fn from_name(name: &str) -> Option<Self> {
        [
            Self::None,
            Self::ClientSecretBasic,
            Self::ClientSecretPost,
            Self::PrivateKeyJwt,
        ]
        .into_iter()
        .find(|m| m.as_str() == name)
    }
}

/// The private key a client signs its `private_key_jwt` assertions with (ES256 or ES384).
///
/// `Debug` does not show the key.
#[derive(Clone)]
pub struct ClientAssertionKey {
    der: Arc<[u8]>,
    algorithm: Algorithm,
}

impl ClientAssertionKey {
    /// A key from a PKCS#8 PEM document (`-----BEGIN PRIVATE KEY-----`) and the JWS
    /// algorithm name (`ES256` or `ES384`). The key is tried once here, so a key that
    /// cannot sign is refused now rather than at the token endpoint.
    pub fn from_pkcs8_pem(pem: &str, algorithm: &str) -> Result<Self, AuthError> {
        let invalid = |reason: &str| AuthError::InvalidClientKey {
            reason: reason.to_owned(),
        };
        let algorithm = match algorithm {
            "ES256" => Algorithm::ES256,
            "ES384" => Algorithm::ES384,
            _ => return Err(invalid("algorithm is neither ES256 nor ES384")),
        };
        let body = pem
            .trim()
            .strip_prefix("-----BEGIN PRIVATE KEY-----")
            .and_then(|rest| rest.strip_suffix("-----END PRIVATE KEY-----"))
            .ok_or_else(|| invalid("not a PKCS#8 PEM private key"))?;
        let base64: String = body.split_whitespace().collect();
        let der = base64::engine::general_purpose::STANDARD
            .decode(base64)
            .map_err(|_| invalid("PEM body is not base64"))?;
        let key = Self {
            der: der.into(),
            algorithm,
        };
        key.sign(&serde_json::json!({}))
            .map_err(|_| invalid("the key cannot sign with this algorithm"))?;
        Ok(key)
    }

    fn sign(&self, claims: &serde_json::Value) -> Result<String, jsonwebtoken::errors::Error> {
        jsonwebtoken::encode(
            &Header::new(self.algorithm),
            claims,
            &EncodingKey::from_ec_der(&self.der),
        )
    }
}

impl fmt::Debug for ClientAssertionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ClientAssertionKey({:?}, ***)", self.algorithm)
    }
}

impl PartialEq for ClientAssertionKey {
    fn eq(&self, other: &Self) -> bool {
        self.algorithm == other.algorithm && self.der == other.der
    }
}

impl Eq for ClientAssertionKey {}

/// The method to use with `client` at an authorization server that lists `supported`
/// (`token_endpoint_auth_methods_supported`; empty when the metadata omits it, which
/// RFC 8414 §2 reads as `client_secret_basic`).
///
/// The method the registration named comes first; then a signing key means
/// `private_key_jwt`; a secret means `client_secret_basic` unless the server lists
/// `client_secret_post` and not basic (or lists only `none`); no secret means `none`.
pub(crate) fn choose(client: &ClientCredentials, supported: &[String]) -> TokenEndpointAuth {
    if let Some(method) = client.auth_method {
        return method;
    }
    if client.assertion_key.is_some() {
        return TokenEndpointAuth::PrivateKeyJwt;
    }
    if client.client_secret.is_none() {
        return TokenEndpointAuth::None;
    }
    let lists = |m: TokenEndpointAuth| supported.iter().any(|s| s == m.as_str());
    if supported.is_empty() || lists(TokenEndpointAuth::ClientSecretBasic) {
        TokenEndpointAuth::ClientSecretBasic
    } else if lists(TokenEndpointAuth::ClientSecretPost) {
        TokenEndpointAuth::ClientSecretPost
    } else if lists(TokenEndpointAuth::None) {
        TokenEndpointAuth::None
    } else {
        TokenEndpointAuth::ClientSecretBasic
    }
}

/// RFC 7523 §3 assertion claims: `iss` = `sub` = the client id, `aud` = the issuer
/// (RFC 7523bis: the issuer identifier, not the token endpoint URL), five minutes of
/// validity, a fresh `jti`.
fn assertion_claims(client_id: &str, audience: &str) -> Result<serde_json::Value, AuthError> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    Ok(serde_json::json!({
        "iss": client_id,
        "sub": client_id,
        "aud": audience,
        "iat": now,
        "exp": now + 300,
        "jti": random_string()?,
    }))
}

/// Adds `client`'s authentication by `method` to a token request: a header on `request` or
/// members of `form`. `audience` is the authorization server's issuer (for assertions).
pub(crate) fn apply(
    request: reqwest::RequestBuilder,
    form: &mut Vec<(&'static str, String)>,
    client: &ClientCredentials,
    method: TokenEndpointAuth,
    audience: &str,
) -> Result<reqwest::RequestBuilder, AuthError> {
    let secret = || {
        client
            .client_secret
            .as_ref()
            .ok_or(AuthError::ClientAuthUnavailable { method })
    };
    match method {
        TokenEndpointAuth::ClientSecretBasic => {
            let secret = secret()?;
            return Ok(client_secret_basic::authenticate(
                request,
                &client.client_id,
                secret.expose(),
            ));
        }
        TokenEndpointAuth::ClientSecretPost => {
            let secret = secret()?.expose().to_owned();
            form.push(("client_id", client.client_id.clone()));
            form.push(("client_secret", secret));
        }
        TokenEndpointAuth::None => form.push(("client_id", client.client_id.clone())),
        TokenEndpointAuth::PrivateKeyJwt => {
            let key = client
                .assertion_key
                .as_ref()
                .ok_or(AuthError::ClientAuthUnavailable { method })?;
            let assertion = key
                .sign(&assertion_claims(&client.client_id, audience)?)
                .map_err(|e| AuthError::InvalidClientKey {
                    reason: e.to_string(),
                })?;
            form.push(("client_id", client.client_id.clone()));
            form.push((
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer".to_owned(),
            ));
            form.push(("client_assertion", assertion));
        }
    }
    Ok(request)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(methods: &[&str]) -> Vec<String> {
        methods.iter().map(|m| (*m).to_owned()).collect()
    }

    #[test]
    fn method_follows_registration_then_metadata() {
        let secret = ClientCredentials::confidential("c", "s");
        let public = ClientCredentials::public("c");
        use TokenEndpointAuth::*;
        assert_eq!(choose(&secret, &[]), ClientSecretBasic);
        assert_eq!(
            choose(
                &secret,
                &list(&["client_secret_post", "client_secret_basic"])
            ),
            ClientSecretBasic
        );
        assert_eq!(
            choose(&secret, &list(&["client_secret_post"])),
            ClientSecretPost
        );
        assert_eq!(choose(&secret, &list(&["none"])), None);
        assert_eq!(
            choose(&secret, &list(&["private_key_jwt"])),
            ClientSecretBasic
        );
        assert_eq!(choose(&public, &list(&["client_secret_basic"])), None);
        // The registration response's method wins over the server's list.
        let registered = secret.with_auth_method(ClientSecretPost);
        assert_eq!(
            choose(&registered, &list(&["client_secret_basic"])),
            ClientSecretPost
        );
    }

    #[test]
    fn names_round_trip() {
        for m in [
            TokenEndpointAuth::None,
            TokenEndpointAuth::ClientSecretBasic,
            TokenEndpointAuth::ClientSecretPost,
            TokenEndpointAuth::PrivateKeyJwt,
        ] {
            assert_eq!(TokenEndpointAuth::from_name(m.as_str()), Some(m));
        }
        assert_eq!(TokenEndpointAuth::from_name("tls_client_auth"), None);
    }

    #[test]
    fn bad_keys_are_refused_at_construction() {
        for (pem, alg) in [
            ("not a key", "ES256"),
            (
                "-----BEGIN PRIVATE KEY-----\n!!!\n-----END PRIVATE KEY-----",
                "ES256",
            ),
            (
                "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
                "ES256",
            ),
            (
                "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
                "RS256",
            ),
        ] {
            assert!(matches!(
                ClientAssertionKey::from_pkcs8_pem(pem, alg),
                Err(AuthError::InvalidClientKey { .. })
            ));
        }
    }
}
