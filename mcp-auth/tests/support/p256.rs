//! P-256 test keys, generated with aws-lc-rs (the provider jsonwebtoken signs with).
#![allow(dead_code, unreachable_pub)]

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair as _};

/// A fresh key: its PKCS#8 DER, and the x and y coordinates of its public point.
pub fn generate() -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let alg = &ECDSA_P256_SHA256_FIXED_SIGNING;
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(alg, &SystemRandom::new()).expect("a P-256 key");
    let pair = EcdsaKeyPair::from_pkcs8(alg, pkcs8.as_ref()).expect("its own PKCS#8");
    // SEC 1 uncompressed: 0x04, then x and y, 32 bytes each.
    let point = pair.public_key().as_ref();
    assert_eq!((point.len(), point[0]), (65, 4), "an uncompressed point");
    (
        pkcs8.as_ref().to_vec(),
        point[1..33].to_vec(),
        point[33..].to_vec(),
    )
}
