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

criterion_group!(benches, verify);
criterion_main!(benches);
