//! End to end with a real, independent authorization server: our server as an OAuth resource
//! server (`HttpConfig::resource_server`: `JwtVerifier` on oidc-provider's `jwks_uri`, tenant
//! claim `tenant`, plus a `ScopePolicy`), our client with an `Authorizer`. The client starts
//! with no token, meets the 401, registers (DCR), runs the code flow with PKCE and `resource`
//! at oidc-provider and calls a tool as `alice` of `acme`; and the client-credentials grant.
//!
//! oidc-provider comes from `scripts/oidc-provider.sh`; without it each test prints
//! `SKIPPED: ...` and passes (`.ci/run` sets `MCP_REQUIRE_OIDC_PROVIDER=1`: there it must run).

#[path = "../../mcp-auth/tests/oidc/mod.rs"]
mod oidc;

use std::sync::Arc;
use std::time::Duration;

use mcp_auth::client::{Authorizer, ClientCredentials, Grant, HeadlessRedirect, Secret, UrlPolicy};
use mcp_auth::{HttpJwks, JwtConfig, JwtVerifier, ResourceServer, ScopePolicy};
use mcp_client::Client;
use mcp_client::http::HttpTransport;
use mcp_server::http::HttpConfig;
use mcp_server::{NoArgs, RequestContext, Server, ToolDef};
use oidc::OidcProvider;
use serde_json::{Value, json};
use tokio::net::TcpListener;

/// Bounds every network step of a test.
async fn within<F: Future>(f: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(30), f)
        .await
        .expect("step took more than 30 s")
}

/// An MCP listener on 127.0.0.1 and its URL (the resource the AS must know before it starts).
async fn mcp_listener() -> (TcpListener, String) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/mcp", listener.local_addr().expect("addr"));
    (listener, url)
}

/// oidc-provider knowing our MCP endpoint as its resource, and our server on that endpoint;
/// `None` (the test is skipped, saying so) when oidc-provider is not installed.
async fn site(test: &str) -> Option<(OidcProvider, String)> {
    let (listener, resource) = mcp_listener().await;
    let provider = OidcProvider::start(test, &[&resource], 300).await?;
    serve(listener, &resource, &provider).await;
    Some((provider, resource))
}

/// Serves, on `listener`, a server whose `whoami` answers the caller's subject, tenant and
/// scopes (needs `mcp:read`) and whose `write` needs `mcp:write`, behind a resource server
/// trusting `provider`.
async fn serve(listener: TcpListener, resource: &str, provider: &OidcProvider) {
    let meta = provider.metadata().await;
    let jwks_uri = meta["jwks_uri"].as_str().expect("jwks_uri");
    let mut config = JwtConfig::new(&provider.issuer, resource);
    config.tenant_claim = Some("tenant".into());
    let verifier = JwtVerifier::new(config, HttpJwks::new(reqwest::Client::new(), jwks_uri))
        .expect("verifier");
    let rs = ResourceServer::builder(resource, Arc::new(verifier))
        .authorization_server(&provider.issuer)
        .scopes_supported(["mcp:read", "mcp:write"])
        .challenge_scopes(["mcp:read"])
        .build();
    let policy = ScopePolicy::new()
        .default_scopes(["mcp:read"])
        .implies("mcp:write", ["mcp:read"])
        .tool("write", ["mcp:write"]);
    let server = Server::builder("oauth-e2e", "1").build();
    server
        .add_tool(ToolDef::new(
            "whoami",
            |_: NoArgs, ctx: RequestContext| async move {
                let p = ctx.principal().expect("an authenticated caller");
                json!({
                    "subject": p.subject,
                    "tenant": p.tenant,
                    "scopes": p.scopes,
                })
                .to_string()
            },
        ))
        .expect("whoami");
    server
        .add_tool(ToolDef::new(
            "write",
            |_: NoArgs, _: RequestContext| async { "written".to_owned() },
        ))
        .expect("write");
    let config = HttpConfig::new()
        .resource_server(Arc::new(rs))
        .scope_policy(policy);
    tokio::spawn(async move {
        let _ = server.serve_http_on(listener, config).await;
    });
}

/// Connects to `resource` with `authorizer`.
async fn connect(resource: &str, authorizer: Arc<Authorizer>) -> Client {
    let transport = HttpTransport::builder(resource)
        .authorizer(authorizer)
        .build()
        .expect("transport");
    within(Client::builder().connect(transport))
        .await
        .expect("connect")
}

/// Calls `name` and returns its text.
async fn call_text(client: &Client, name: &str) -> String {
    let result = within(client.call_tool(name, json!({})))
        .await
        .expect("call");
    assert!(!result.is_error(), "{result:?}");
    serde_json::to_value(result).expect("json")["content"][0]["text"]
        .as_str()
        .expect("text")
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn code_flow_with_oidc_provider_reaches_the_tool_as_alice_of_acme() {
    let Some((_provider, resource)) = site("code_flow_with_oidc_provider").await else {
        return;
    };

    // No token at first: a raw request is refused with the resource server's challenge.
    let refused = within(
        reqwest::Client::new()
            .post(&resource)
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream")
            .body(r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#)
            .send(),
    )
    .await
    .expect("POST");
    assert_eq!(refused.status(), reqwest::StatusCode::UNAUTHORIZED);
    let challenge = refused.headers()["www-authenticate"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(challenge.contains("resource_metadata="), "{challenge}");

    // Our client: DCR, code + PKCE + resource through oidc-provider's auto-approving login.
    let redirect = HeadlessRedirect::new("http://127.0.0.1:9/callback");
    let authorizer = Arc::new(
        Authorizer::builder(&resource, Grant::AuthorizationCode(Arc::new(redirect)))
            .url_policy(UrlPolicy::allow_loopback())
            .client_name("oauth-e2e")
            // The test stands in for the user, who approves the step-up.
            .on_step_up(|_| async { true })
            .build()
            .expect("authorizer"),
    );
    assert!(authorizer.bearer().await.expect("bearer").is_none());
    let client = connect(&resource, authorizer.clone()).await;
    let who: Value = serde_json::from_str(&call_text(&client, "whoami").await).expect("json");
    assert_eq!(who["subject"], "alice");
    assert_eq!(who["tenant"], "acme");
    assert!(authorizer.bearer().await.expect("bearer").is_some());

    // `write` needs mcp:write: a 403 insufficient_scope, then step-up at the AS, then it runs.
    assert_eq!(call_text(&client, "write").await, "written");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_credentials_with_oidc_provider_reaches_the_tool_as_the_client() {
    let Some((provider, resource)) = site("client_credentials_with_oidc_provider").await else {
        return;
    };

    // A confidential client registered out of band (here by DCR at the AS, by hand).
    let meta = provider.metadata().await;
    let registered: Value = within(
        reqwest::Client::new()
            .post(
                meta["registration_endpoint"]
                    .as_str()
                    .expect("registration"),
            )
            .json(
                &json!({"grant_types": ["client_credentials"], "response_types": [],
                "redirect_uris": [], "token_endpoint_auth_method": "client_secret_basic"}),
            )
            .send(),
    )
    .await
    .expect("register")
    .json()
    .await
    .expect("json");
    let id = registered["client_id"].as_str().expect("client_id");
    let secret = registered["client_secret"].as_str().expect("client_secret");
    let credentials = ClientCredentials::confidential(id, Secret::new(secret));
    let authorizer = Arc::new(
        Authorizer::builder(&resource, Grant::ClientCredentials)
            .url_policy(UrlPolicy::allow_loopback())
            .pre_registered(&provider.issuer, credentials)
            .build()
            .expect("authorizer"),
    );
    let client = connect(&resource, authorizer).await;
    let who: Value = serde_json::from_str(&call_text(&client, "whoami").await).expect("json");
    assert_eq!(
        who["subject"], id,
        "client credentials: the subject is the client"
    );
    assert_eq!(who["tenant"], Value::Null, "no user, no tenant");
}
