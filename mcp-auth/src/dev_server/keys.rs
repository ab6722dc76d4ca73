//! The ES256 signing key (generated in memory at start) and random strings.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::pkcs8::EncodePrivateKey;
use sha2::{Digest, Sha256};

/// The server's one signing key.
pub(crate) struct SigningKey {
    pub(crate) kid: String,
    encoding: EncodingKey,
    pub(crate) jwk: Jwk,
}

impl SigningKey {
    pub(crate) fn generate() -> Result<Self, String> {
        // A uniformly random 32-byte string is a valid P-256 scalar except with negligible
        // probability; retry a bounded number of times.
        let mut secret = None;
        for _ in 0..8 {
            let mut bytes = [0u8; 32];
            getrandom::fill(&mut bytes).map_err(|e| e.to_string())?;
            if let Ok(key) = p256::SecretKey::from_slice(&bytes) {
                secret = Some(key);
                break;
            }
        }
        let secret = secret.ok_or("no valid scalar drawn")?;
        let der = secret.to_pkcs8_der().map_err(|e| e.to_string())?;
        let point = secret.public_key().to_encoded_point(false);
        let (x, y) = match (point.x(), point.y()) {
            (Some(x), Some(y)) => (B64.encode(x), B64.encode(y)),
            _ => return Err("public key is the identity".into()),
        };
        let kid = random_token()?;
        let jwk = serde_json::json!({
            "kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256", "kid": kid, "x": x, "y": y,
        });
        Ok(Self {
            kid,
            encoding: EncodingKey::from_ec_der(der.as_bytes()),
            jwk: serde_json::from_value(jwk).map_err(|e| e.to_string())?,
        })
    }

    /// Signs RFC 9068 access-token claims (`typ` `at+jwt`).
    pub(crate) fn sign(&self, claims: &serde_json::Value) -> Result<String, String> {
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(self.kid.clone());
        header.typ = Some("at+jwt".to_owned());
        jsonwebtoken::encode(&header, claims, &self.encoding).map_err(|e| e.to_string())
    }
}

/// 256 random bits, base64url: codes, refresh tokens, client ids and secrets, `jti`s.
pub(crate) fn random_token() -> Result<String, String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| e.to_string())?;
    Ok(B64.encode(bytes))
}

/// RFC 7636 §4.6: `BASE64URL(SHA256(verifier)) == challenge`.
pub(crate) fn pkce_s256_matches(verifier: &str, challenge: &str) -> bool {
    // §4.1: 43–128 characters of [A-Z a-z 0-9 - . _ ~].
    let well_formed = (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
    well_formed && B64.encode(Sha256::digest(verifier.as_bytes())) == challenge
}

/// Constant-time-ish comparison of secrets (length leaks, content does not).
pub(crate) fn secrets_equal(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Seconds since the Unix epoch, now.
pub(crate) fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
