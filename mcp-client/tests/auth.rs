//! OAuth on the HTTP transport (feature `auth`): our server refuses requests without a valid
//! bearer token (verified with `JwtVerifier` against the development AS's keys); our client
//! starts with no token, meets the 401, authorizes at the development AS and retries.

use std::sync::Arc;

use futures::FutureExt as _;
use mcp_auth::client::{Authorizer, Grant, HeadlessRedirect, UrlPolicy};
use mcp_auth::dev_server::DevAuthServer;
use mcp_auth::{JwtConfig, JwtVerifier, ResourceServer, StaticJwks};
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
    _auth_server: DevAuthServer,
}

async fn protected(prm_resource: Option<&str>) -> Protected {
    let mcp = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let resource = format!("http://{}/mcp", mcp.local_addr().unwrap());
    let prm = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let prm_url = format!("http://{}/prm", prm.local_addr().unwrap());
    let auth_server = DevAuthServer::builder()
        .resource(&resource)
        .scopes(["tickets:read"])
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
        let header = headers
            .get(http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        async move {
            rs.authenticate(header.as_deref())
                .await
                .map(Some)
                .map_err(|challenge| {
                    Rejection::new(http::StatusCode::from_u16(challenge.status()).unwrap())
                        .with_header(
                            http::header::WWW_AUTHENTICATE,
                            http::HeaderValue::try_from(challenge.www_authenticate()).unwrap(),
                        )
                })
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
        _auth_server: auth_server,
    }
}

fn authorizer(resource: &str) -> Arc<Authorizer> {
    let redirect = HeadlessRedirect::new("http://127.0.0.1:9/callback");
    Arc::new(
        Authorizer::builder(resource, Grant::AuthorizationCode(Arc::new(redirect)))
            .url_policy(UrlPolicy::allow_loopback())
            .build()
            .unwrap(),
    )
}

#[tokio::test]
async fn a_401_is_authorized_at_the_dev_server_and_the_call_goes_through() {
    let site = protected(None).await;
    let authorizer = authorizer(&site.resource);
    let transport = HttpTransport::builder(&site.resource)
        .authorizer(authorizer.clone())
        .build()
        .unwrap();
    let client = within(builder().connect(transport)).await.expect("connect");
    let result = within(client.call_tool("whoami", json!({})))
        .await
        .expect("call");
    let result = serde_json::to_value(result).unwrap();
    assert_eq!(result["content"][0]["text"], "alice");
    assert!(authorizer.bearer().await.unwrap().is_some());
}

#[tokio::test]
async fn a_failed_authorization_is_a_clear_error_not_a_hang() {
    // The metadata names another resource: the client must not use it.
    let site = protected(Some("https://evil.example/mcp")).await;
    let transport = HttpTransport::builder(&site.resource)
        .authorizer(authorizer(&site.resource))
        .legacy_fallback(false)
        .build()
        .unwrap();
    let error = within(builder().connect(transport))
        .await
        .expect_err("no token, no connection");
    let text = error.to_string();
    assert!(text.contains("authorization failed"), "{text}");
    assert!(text.contains("evil.example"), "{text}");
}
