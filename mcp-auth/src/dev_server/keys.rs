//! The ES256 signing key (generated in memory at start) and random strings.

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair as _};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use sha2::{Digest, Sha256};

/// The server's one signing key.
pub(crate) struct SigningKey {
    pub(crate) kid: String,
    encoding: EncodingKey,
    pub(crate) jwk: Jwk,
}

impl SigningKey {
    pub(crate) fn generate() -> Result<Self, String> {
        // aws-lc-rs, the provider jsonwebtoken signs with: no second crypto stack for one key.
        let (der, (x, y)) = generate_p256().map_err(|()| "could not generate a P-256 key")?;
        let (x, y) = (B64.encode(x), B64.encode(y));
        let kid = random_token()?;
        let jwk = serde_json::json!({
            "kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256", "kid": kid, "x": x, "y": y,
        });
        Ok(Self {
            kid,
            encoding: EncodingKey::from_ec_der(&der),
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

/// A new P-256 key: its PKCS#8 DER, and the x and y coordinates of its public point.
type P256Key = (Vec<u8>, (Vec<u8>, Vec<u8>));

fn generate_p256() -> Result<P256Key, ()> {
    let pkcs8 =
        EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &SystemRandom::new())
            .map_err(|_| ())?;
    let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref())
        .map_err(|_| ())?;
    // SEC 1 uncompressed: 0x04, then x and y, 32 bytes each.
    let point = pair.public_key().as_ref();
    if point.len() != 65 || point[0] != 4 {
        return Err(());
    }
    let xy = (point[1..33].to_vec(), point[33..].to_vec());
    Ok((pkcs8.as_ref().to_vec(), xy))
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
