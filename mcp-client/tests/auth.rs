//! OAuth on the HTTP transport (feature `auth`): our server refuses requests without a valid
//! bearer token (verified with `JwtVerifier` against the development AS's keys); our client
//! starts with no token, meets the 401, authorizes at the development AS and retries.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures::FutureExt as _;
use mcp_auth::client::{
    AuthError, Authorizer, CallbackParams, Grant, HeadlessRedirect, MemoryTokenStore,
    RedirectHandler, TokenKey, TokenStore, UrlPolicy,
};
use mcp_auth::dev_server::DevAuthServer;
use mcp_auth::{Challenge, ErrorCode, JwtConfig, JwtVerifier, ResourceServer, StaticJwks};
use mcp_client::http::HttpTransport;
use mcp_server::http::{Authenticate, HttpConfig, Rejection};
use mcp_server::{NoArgs, RequestContext, Server, ToolDef};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpListener;

use crate::support::{builder, within};

/// Serves `document` as JSON to every request on `listener`.
fn serve_json(listener: TcpListener, document: Value) {
    let body = document.to_string();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf).await;
            let response = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(response.as_bytes()).await;
        }
    });
}

/// An MCP server at `/mcp` whose requests need a token from `issuer` for `resource`, with
/// its protected-resource metadata (`prm`) served from a second port.
struct Protected {
    resource: String,
    issuer: String,
    _auth_server: DevAuthServer,
}

/// What the server asks of an authenticated caller beyond a valid token.
#[derive(Clone, Copy)]
enum Needs {
    /// Nothing.
    Token,
    /// The `tickets:write` scope (the metadata advertises only `tickets:read`).
    WriteScope,
    /// Asks for `tickets:write` and refuses even tokens that have it: every request is 403.
    Impossible,
}

async fn protected(prm_resource: Option<&str>, needs: Needs) -> Protected {
    let mcp = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let resource = format!("http://{}/mcp", mcp.local_addr().unwrap());
    let prm = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let prm_url = format!("http://{}/prm", prm.local_addr().unwrap());
    let auth_server = DevAuthServer::builder()
        .resource(&resource)
        .scopes(["tickets:read", "tickets:write"])
        .user("alice", "acme")
        .bind("127.0.0.1:0")
        .await
        .unwrap();
    let issuer = auth_server.issuer().to_owned();
    serve_json(
        prm,
        json!({ "resource": prm_resource.unwrap_or(&resource), "authorization_servers": [issuer],
                "scopes_supported": ["tickets:read"] }),
    );

    let verifier = JwtVerifier::new(
        JwtConfig::new(&issuer, &resource),
        StaticJwks(auth_server.jwks()),
    )
    .unwrap();
    let rs = Arc::new(
        ResourceServer::builder(&resource, Arc::new(verifier))
            .authorization_server(&issuer)
            .resource_metadata_url(&prm_url)
            .build(),
    );
    let authenticate: Authenticate = Arc::new(move |headers| {
        let rs = rs.clone();
        let prm_url = prm_url.clone();
        let header = headers
            .get(http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        async move {
            let reject = |challenge: Challenge| {
                Rejection::new(http::StatusCode::from_u16(challenge.status()).unwrap()).with_header(
                    http::header::WWW_AUTHENTICATE,
                    http::HeaderValue::try_from(challenge.www_authenticate()).unwrap(),
                )
            };
            let principal = rs.authenticate(header.as_deref()).await.map_err(reject)?;
            let missing = match needs {
                Needs::Token => None,
                Needs::WriteScope if principal.has_scope("tickets:write") => None,
                Needs::WriteScope => Some("tickets:write"),
                Needs::Impossible => Some("tickets:write"),
            };
            if let Some(scope) = missing {
                let scope: BTreeSet<String> = [scope.to_owned()].into();
                return Err(reject(Challenge::error(
                    ErrorCode::InsufficientScope,
                    &prm_url,
                    None,
                    &scope,
                )));
            }
            Ok(Some(principal))
        }
        .boxed()
    });
    let server = Server::builder("protected", "1").build();
    server
        .add_tool(
            ToolDef::new("whoami", |_: NoArgs, ctx: RequestContext| async move {
                ctx.principal()
                    .map(|p| p.subject.clone())
                    .unwrap_or_default()
            })
            .description("The caller's subject"),
        )
        .unwrap();
    tokio::spawn(async move {
        let _ = server
            .serve_http_on(mcp, HttpConfig::new().authenticate(authenticate))
            .await;
    });
    Protected {
        resource,
        issuer,
        _auth_server: auth_server,
    }
}

/// An authorizer for `resource` (headless redirect, loopback allowed) keeping tokens in `store`.
fn authorizer(resource: &str, store: Arc<MemoryTokenStore>) -> Arc<Authorizer> {
    let redirect = HeadlessRedirect::new("http://127.0.0.1:9/callback");
    Arc::new(
        Authorizer::builder(resource, Grant::AuthorizationCode(Arc::new(redirect)))
            .url_policy(UrlPolicy::allow_loopback())
            // The test stands in for the user, who approves every step-up.
            .on_step_up(|_| async { true })
            .token_store(store)
            .build()
            .unwrap(),
    )
}

/// Connects with `authorizer` and calls `whoami`; the subject it answers.
async fn whoami(site: &Protected, authorizer: Arc<Authorizer>) -> Value {
    let transport = HttpTransport::builder(&site.resource)
        .authorizer(authorizer)
        .build()
        .unwrap();
    let client = within(builder().connect(transport)).await.expect("connect");
    let result = within(client.call_tool("whoami", json!({})))
        .await
        .expect("call");
    serde_json::to_value(result).unwrap()["content"][0]["text"].clone()
}

/// Connects, expecting the connection to fail; the error.
async fn refused_connect(site: &Protected) -> mcp_client::Error {
    let transport = HttpTransport::builder(&site.resource)
        .authorizer(authorizer(&site.resource, Arc::default()))
        .legacy_fallback(false)
        .build()
        .unwrap();
    within(builder().connect(transport))
        .await
        .expect_err("the connection must fail")
}

#[tokio::test]
async fn a_401_is_authorized_at_the_dev_server_and_the_call_goes_through() {
    let site = protected(None, Needs::Token).await;
    let authorizer = authorizer(&site.resource, Arc::default());
    assert_eq!(whoami(&site, authorizer.clone()).await, "alice");
    assert!(authorizer.bearer().await.unwrap().is_some());
}

#[tokio::test]
async fn a_failed_authorization_is_a_clear_error_not_a_hang() {
    // The metadata names another resource: the client must not use it.
    let site = protected(Some("https://evil.example/mcp"), Needs::Token).await;
    let err = refused_connect(&site).await;
    assert!(err.is_authorization(), "{err:?}");
    let cause = err
        .find_source::<AuthError>()
        .expect("the authorizer's error");
    assert!(matches!(cause, AuthError::ResourceMismatch(_)), "{cause:?}");
    assert!(cause.to_string().contains("evil.example"), "{cause}");
}

// requirement: 4.19
#[tokio::test]
async fn a_403_insufficient_scope_steps_up_and_keeps_the_earlier_scope() {
    let site = protected(None, Needs::WriteScope).await;
    let store = Arc::new(MemoryTokenStore::default());
    assert_eq!(
        whoami(&site, authorizer(&site.resource, store.clone())).await,
        "alice"
    );
    let key = TokenKey {
        issuer: site.issuer.clone(),
        resource: site.resource.clone(),
    };
    let scope = store.get(&key).expect("stored").scope.expect("scope");
    assert_eq!(scope, "tickets:read tickets:write");
}

// requirement: 4.19
#[tokio::test]
async fn step_up_stops_at_the_limit_when_the_server_always_refuses() {
    let site = protected(None, Needs::Impossible).await;
    let err = refused_connect(&site).await;
    assert!(err.is_authorization(), "{err:?}");
    assert!(
        matches!(
            err.find_source::<AuthError>(),
            Some(AuthError::StepUpLimit { limit: 2, .. })
        ),
        "{err:?}"
    );
}

/// The user agent comes back with an authorization response whose `iss` is not the
/// authorization server's (a mix-up attack, RFC 9207); counts the authorizations.
#[derive(Debug)]
struct ForgedIss {
    inner: HeadlessRedirect,
    authorizations: Arc<AtomicUsize>,
}

impl RedirectHandler for ForgedIss {
    fn redirect_uri(&self) -> &str {
        self.inner.redirect_uri()
    }

    fn authorize<'a>(
        &'a self,
        authorization_url: &'a str,
    ) -> futures::future::BoxFuture<'a, Result<CallbackParams, AuthError>> {
        self.authorizations.fetch_add(1, Ordering::SeqCst);
        Box::pin(async move {
            let mut params = self.inner.authorize(authorization_url).await?;
            params.set("iss", "https://mix-up.example");
            Ok(params)
        })
    }
}

// requirement: 4.14
#[tokio::test]
async fn an_iss_mismatch_is_the_clients_own_refusal_and_stops_the_flow_at_once() {
    let site = protected(None, Needs::Token).await;
    let authorizations = Arc::new(AtomicUsize::new(0));
    let redirect = ForgedIss {
        inner: HeadlessRedirect::new("http://127.0.0.1:9/callback"),
        authorizations: authorizations.clone(),
    };
    let authorizer =
        Authorizer::builder(&site.resource, Grant::AuthorizationCode(Arc::new(redirect)))
            .url_policy(UrlPolicy::allow_loopback())
            .build()
            .unwrap();
    let transport = HttpTransport::builder(&site.resource)
        .authorizer(Arc::new(authorizer))
        .build()
        .unwrap();
    let err = within(builder().connect(transport))
        .await
        .expect_err("the client must refuse the forged response");
    assert!(
        matches!(&err, mcp_client::Error::Authorization { method, .. } if method == "server/discover"),
        "{err:?}"
    );
    let cause = err
        .find_source::<AuthError>()
        .expect("the authorizer's error");
    assert!(
        matches!(cause, AuthError::IssMismatch { found, .. } if found == "https://mix-up.example"),
        "{cause:?}"
    );
    // Worded as the client's own refusal, never as the server's answer.
    let text = format!("{err}: {cause}");
    assert!(
        text.contains("the client refused the authorization server's `iss`"),
        "{text}"
    );
    assert!(!text.contains("the server answered"), "{text}");
    assert_eq!(err.code(), None);
    // No second authorization round (era detection does not go on to `initialize`).
    assert_eq!(authorizations.load(Ordering::SeqCst), 1);
}
