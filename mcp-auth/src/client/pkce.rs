//! PKCE S256 (RFC 7636 §4) and the random `state`.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use sha2::{Digest, Sha256};

use super::error::AuthError;
use super::secret::Secret;

/// 32 random bytes, base64url: 43 characters, the RFC 7636 §4.1 minimum length and 256 bits.
pub(crate) fn random_string() -> Result<String, AuthError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|_| AuthError::Random)?;
    Ok(B64.encode(bytes))
}

/// A code verifier and its S256 challenge.
#[derive(Debug)]
pub(crate) struct Pkce {
    pub(crate) verifier: Secret,
    pub(crate) challenge: String,
}

impl Pkce {
    pub(crate) fn generate() -> Result<Self, AuthError> {
        let verifier = random_string()?;
        let challenge = B64.encode(Sha256::digest(verifier.as_bytes()));
        Ok(Self {
            verifier: Secret::new(verifier),
            challenge,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenge_is_s256_of_verifier() {
        let pkce = Pkce::generate().unwrap();
        assert_eq!(pkce.verifier.expose().len(), 43);
        assert_eq!(
            pkce.challenge,
            B64.encode(Sha256::digest(pkce.verifier.expose().as_bytes()))
        );
        assert_ne!(random_string().unwrap(), random_string().unwrap());
    }
}
