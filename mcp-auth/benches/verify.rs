//! The cost of verifying a JWT access token whose key is already cached.

#[path = "../tests/support/mod.rs"]
mod support;

use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use mcp_auth::{JwtConfig, JwtVerifier, ResourceServer, TokenVerifier};
use support::{CountingJwks, ISSUER, RESOURCE, SharedJwks, TestKey, good_claims};

fn verify(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let key = TestKey::generate("k1");
    let jwks = Arc::new(CountingJwks::new(vec![key.jwk.clone()]));
    let verifier = Arc::new(
        JwtVerifier::new(JwtConfig::new(ISSUER, RESOURCE), SharedJwks(jwks.clone()))
            .expect("config"),
    );
    let token = key.sign(&good_claims());
    let header = format!("Bearer {token}");
    // Warm the key cache: the bench measures the cached-key path only.
    runtime
        .block_on(verifier.verify(&token))
        .expect("valid token");
    c.bench_function("jwt_es256_cached_key", |b| {
        b.iter(|| {
            runtime
                .block_on(verifier.verify(std::hint::black_box(&token)))
                .expect("valid")
        });
    });
    let rs = ResourceServer::builder(RESOURCE, verifier).build();
    c.bench_function("authenticate_es256_cached_key", |b| {
        b.iter(|| {
            runtime
                .block_on(rs.authenticate(Some(std::hint::black_box(&header))))
                .expect("valid")
        });
    });
    // What was measured is the cached-key path: the JWKS was fetched once, to warm the cache.
    assert_eq!(
        jwks.count(),
        1,
        "the key set was fetched during the measurement"
    );
}

/// The floor under the rows above: the P-256 ECDSA check alone, with the same backend
/// (aws-lc-rs) on the same signing input, so the report shows what the verifier adds to it.
fn signature_floor(c: &mut Criterion) {
    use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED, UnparsedPublicKey};
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;

    let key = TestKey::generate("k1");
    let token = key.sign(&good_claims());
    let (input, signature) = token.rsplit_once('.').expect("a JWT");
    let signature = B64.decode(signature).expect("base64url");
    let jwk = serde_json::to_value(&key.jwk).expect("jwk");
    let mut point = vec![4u8];
    for c in ["x", "y"] {
        point.extend(
            B64.decode(jwk[c].as_str().expect("coordinate"))
                .expect("base64url"),
        );
    }
    let public = UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, point);
    public
        .verify(input.as_bytes(), &signature)
        .expect("the floor checks the same signature");
    c.bench_function("p256_ecdsa_verify_floor", |b| {
        b.iter(|| {
            public
                .verify(std::hint::black_box(input.as_bytes()), &signature)
                .expect("valid")
        });
    });
}

criterion_group!(benches, verify, signature_floor);
criterion_main!(benches);
