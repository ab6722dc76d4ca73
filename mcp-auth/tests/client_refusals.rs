//! The OAuth client refuses hostile metadata and tampered authorization responses, with the
//! exact error, against small servers on 127.0.0.1 and the development authorization server.
#![cfg(all(feature = "client", feature = "dev-server"))]

#[path = "support/client_env.rs"]
mod client_env;

use std::sync::Arc;

use axum::Router;
use client_env::{REDIRECT, Site, headless, json_route, resource_metadata, site_with_dev_server};
use mcp_auth::BoxFuture;
use mcp_auth::MetadataError;
use mcp_auth::client::{
    AuthError, Authorizer, BlockReason, CallbackParams, Grant, HeadlessRedirect, RedirectHandler,
    UrlPolicy,
};
use serde_json::{Value, json};

/// A site that is its own (crafted) authorization server: PRM names the site's origin as the
/// issuer and `as_metadata(base)` is served at the RFC 8414 location.
async fn crafted_site(as_metadata: impl FnOnce(&str) -> Value) -> String {
    let site = Site::bind().await;
    let resource = site.resource.clone();
    let router = json_route(
        Router::new(),
        "/.well-known/oauth-protected-resource/mcp",
        resource_metadata(&resource, &site.base),
    );
    let router = json_route(
        router,
        "/.well-known/oauth-authorization-server",
        as_metadata(&site.base),
    );
    site.serve(router);
    resource
}

fn good_as(base: &str) -> Value {
    json!({
        "issuer": base,
        "authorization_endpoint": format!("{base}/authorize"),
        "token_endpoint": format!("{base}/token"),
        "code_challenge_methods_supported": ["S256"],
    })
}

#[tokio::test]
async fn resource_mismatch_in_protected_resource_metadata() {
    let site = Site::bind().await;
    let resource = site.resource.clone();
    site.serve(json_route(
        Router::new(),
        "/.well-known/oauth-protected-resource/mcp",
        resource_metadata("https://evil.example/mcp", "https://as.example"),
    ));
    let authorizer = headless(&resource).build().expect("authorizer");
    assert_eq!(
        authorizer.unauthorized(None, None).await,
        Err(AuthError::ResourceMismatch(
            MetadataError::ResourceMismatch {
                expected: resource,
                found: "https://evil.example/mcp".into(),
            }
        ))
    );
}

// requirement: 4.11
#[tokio::test]
async fn issuer_mismatch_in_server_metadata() {
    let resource = crafted_site(|base| {
        let mut doc = good_as(base);
        doc["issuer"] = format!("{base}/").into();
        doc
    })
    .await;
    let authorizer = headless(&resource).build().expect("authorizer");
    assert!(matches!(
        authorizer.unauthorized(None, None).await,
        Err(AuthError::IssuerMismatch { ref expected, ref found })
            if found.strip_suffix('/') == Some(expected.as_str())
    ));
}

// requirement: 4.12
#[tokio::test]
async fn server_without_s256_is_refused() {
    // Listed without S256, and not listed at all.
    for methods in [Some(json!(["plain"])), None] {
        let resource = crafted_site(|base| {
            let mut doc = good_as(base);
            match methods {
                Some(methods) => doc["code_challenge_methods_supported"] = methods,
                None => {
                    doc.as_object_mut()
                        .expect("object")
                        .remove("code_challenge_methods_supported");
                }
            }
            doc
        })
        .await;
        let authorizer = headless(&resource).build().expect("authorizer");
        assert!(matches!(
            authorizer.unauthorized(None, None).await,
            Err(AuthError::PkceUnsupported { .. })
        ));
    }
}

// requirement: 4.23
#[tokio::test]
async fn javascript_authorization_endpoint_is_refused() {
    let resource = crafted_site(|base| {
        let mut doc = good_as(base);
        doc["authorization_endpoint"] = "javascript:alert(1)".into();
        doc
    })
    .await;
    let authorizer = headless(&resource).build().expect("authorizer");
    assert!(matches!(
        authorizer.unauthorized(None, None).await,
        Err(AuthError::Blocked {
            reason: BlockReason::Scheme,
            ..
        })
    ));
}

// requirement: 4.22
#[tokio::test]
async fn private_and_metadata_addresses_are_not_fetched() {
    let (resource, _server) = site_with_dev_server(|b| b, |r, _| r).await;
    let authorizer = headless(&resource).build().expect("authorizer");
    for url in [
        "http://10.0.0.1/.well-known/oauth-protected-resource",
        "https://169.254.169.254/latest/meta-data",
        "https://[fd00::1]/x",
    ] {
        let challenge = format!(r#"Bearer resource_metadata="{url}""#);
        assert!(
            matches!(
                authorizer.unauthorized(Some(&challenge), None).await,
                Err(AuthError::Blocked {
                    reason: BlockReason::PrivateAddress,
                    ..
                })
            ),
            "{url}"
        );
    }
    // Without the loopback allowance, the real (loopback) site is refused too.
    let strict = Authorizer::builder(
        &resource,
        Grant::AuthorizationCode(Arc::new(HeadlessRedirect::new(REDIRECT))),
    )
    .build()
    .expect("authorizer");
    assert!(matches!(
        strict.unauthorized(None, None).await,
        Err(AuthError::Blocked {
            reason: BlockReason::Scheme,
            ..
        })
    ));

    // An authorization server on a private address, named by otherwise good metadata.
    let site = Site::bind().await;
    let resource = site.resource.clone();
    site.serve(json_route(
        Router::new(),
        "/.well-known/oauth-protected-resource/mcp",
        resource_metadata(&resource, "https://192.168.0.10"),
    ));
    let authorizer = headless(&resource).build().expect("authorizer");
    assert!(matches!(
        authorizer.unauthorized(None, None).await,
        Err(AuthError::Blocked { reason: BlockReason::PrivateAddress, ref url })
            if url.starts_with("https://192.168.0.10/")
    ));
}

/// Runs the real headless flow, then tampers with the response before the client sees it.
#[derive(Debug)]
struct Tampering {
    inner: HeadlessRedirect,
    tamper: fn(&mut CallbackParams),
}

impl RedirectHandler for Tampering {
    fn redirect_uri(&self) -> &str {
        self.inner.redirect_uri()
    }

    fn authorize<'a>(&'a self, url: &'a str) -> BoxFuture<'a, Result<CallbackParams, AuthError>> {
        Box::pin(async move {
            let mut params = self.inner.authorize(url).await?;
            (self.tamper)(&mut params);
            Ok(params)
        })
    }
}

async fn tampered(tamper: fn(&mut CallbackParams)) -> Result<mcp_auth::client::Secret, AuthError> {
    let (resource, _server) = site_with_dev_server(|b| b, |r, _| r).await;
    let handler = Tampering {
        inner: HeadlessRedirect::new(REDIRECT),
        tamper,
    };
    Authorizer::builder(&resource, Grant::AuthorizationCode(Arc::new(handler)))
        .url_policy(UrlPolicy::allow_loopback())
        .build()
        .expect("authorizer")
        .unauthorized(None, None)
        .await
}

// requirement: 4.14
#[tokio::test]
async fn mismatched_iss_is_refused_before_reading_errors() {
    let result = tampered(|p| {
        p.set("iss", "http://127.0.0.1:1");
        p.set("error", "access_denied");
    })
    .await;
    assert!(matches!(
        result,
        Err(AuthError::IssMismatch { ref found, .. }) if found == "http://127.0.0.1:1"
    ));
}

// requirement: 4.14
#[tokio::test]
async fn missing_iss_is_refused_when_the_server_promises_it() {
    assert_eq!(
        tampered(|p| p.remove("iss")).await,
        Err(AuthError::IssMissing)
    );
}

// requirement: 4.24
#[tokio::test]
async fn wrong_state_is_refused() {
    assert_eq!(
        tampered(|p| p.set("state", "forged")).await,
        Err(AuthError::StateMismatch)
    );
    assert_eq!(
        tampered(|p| p.remove("state")).await,
        Err(AuthError::StateMismatch)
    );
}
