//! Test keys, token minting and a counting key source, shared by tests and the bench.
#![allow(dead_code, unreachable_pub, missing_docs)]

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use jsonwebtoken::{EncodingKey, Header};
use mcp_auth::jwk::{Jwk, JwkSet};
use mcp_auth::{Algorithm, BoxFuture, JwksSource, TokenError};
use serde_json::{Value, json};

#[path = "p256.rs"]
mod p256;

pub const ISSUER: &str = "https://as.example";
pub const RESOURCE: &str = "https://mcp.example/mcp";
pub const METADATA: &str = "https://mcp.example/.well-known/oauth-protected-resource/mcp";

/// A P-256 signing key generated at test time, with its public JWK.
pub struct TestKey {
    pub kid: String,
    pub encoding: EncodingKey,
    pub jwk: Jwk,
}

impl TestKey {
    pub fn generate(kid: &str) -> Self {
        let (der, x, y) = p256::generate();
        let jwk = json!({
            "kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256", "kid": kid,
            "x": B64.encode(x), "y": B64.encode(y),
        });
        Self {
            kid: kid.to_owned(),
            encoding: EncodingKey::from_ec_der(&der),
            jwk: serde_json::from_value(jwk).expect("jwk"),
        }
    }

    /// Signs `claims` as an ES256 `at+jwt` with this key's kid.
    pub fn sign(&self, claims: &Value) -> String {
        self.sign_with_kid(claims, &self.kid)
    }

    pub fn sign_with_kid(&self, claims: &Value, kid: &str) -> String {
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(kid.to_owned());
        header.typ = Some("at+jwt".to_owned());
        jsonwebtoken::encode(&header, claims, &self.encoding).expect("sign")
    }
}

pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// Claims that pass every check.
pub fn good_claims() -> Value {
    let now = now();
    json!({
        "iss": ISSUER, "sub": "alice", "aud": RESOURCE, "exp": now + 600, "nbf": now - 5, "iat": now - 5,
        "client_id": "client-1", "scope": "mcp:read files:read", "tid": "tenant-a",
    })
}

/// A key source whose set can change, counting its fetches.
#[derive(Debug)]
pub struct CountingJwks {
    pub set: Mutex<JwkSet>,
    pub fetches: AtomicUsize,
}

impl CountingJwks {
    pub fn new(keys: Vec<Jwk>) -> Self {
        Self {
            set: Mutex::new(JwkSet { keys }),
            fetches: AtomicUsize::new(0),
        }
    }
    pub fn count(&self) -> usize {
        self.fetches.load(Ordering::SeqCst)
    }
}

/// A handle on a shared [`CountingJwks`], given to the verifier.
#[derive(Debug, Clone)]
pub struct SharedJwks(pub std::sync::Arc<CountingJwks>);

impl JwksSource for SharedJwks {
    fn fetch(&self) -> BoxFuture<'_, Result<JwkSet, TokenError>> {
        self.0.fetches.fetch_add(1, Ordering::SeqCst);
        let set = self.0.set.lock().unwrap().clone();
        Box::pin(std::future::ready(Ok(set)))
    }
}
