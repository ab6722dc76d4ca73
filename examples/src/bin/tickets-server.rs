//! `tickets-server`: a support team's ticket system over MCP, multi-tenant, on SQLite.
//!
//! ```text
//! tickets-server --stdio --user alice --tenant acme [--db PATH]
//! tickets-server --http 127.0.0.1:PORT [--issuer URL] [--db PATH]
//!                [--rate N] [--burst N] [--max-in-flight N] [--timeout-ms N] [--max-page N] [--max-comments N]
//!                [--max-request-bytes N] [--audit-file PATH]
//! ```
//!
//! - **stdio**: one local principal, `--user` of `--tenant`, with every scope (or
//!   `--scopes "tickets:read …"`).
//! - **HTTP** (`http://ADDR/mcp`): OAuth bearer tokens only. With `--issuer URL` the tokens
//!   of that issuer (its JWKS found through its metadata); without, an embedded development
//!   authorization server (NOT FOR PRODUCTION) is started on another loopback port with users
//!   `alice` and `bob` of tenant `acme` and `carol` of `globex`, and its URL is printed.
//!   The tokens' `tenant` claim is the caller's tenant. The RFC 9728 metadata is served at
//!   `http://ADDR/.well-known/oauth-protected-resource/mcp`; a caller past its rate limit
//!   gets 429 with `Retry-After`.
//!
//! Printed on stderr at start: `tickets-server: http://ADDR/mcp` and, with the development
//! server, `tickets-server: authorization server http://ADDR`. Audit records (one JSON line
//! per tool call) go to stderr or `--audit-file`.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use mcp_auth::dev_server::DevAuthServer;
use mcp_auth::{
    HttpJwks, JwtConfig, JwtVerifier, Principal, ResourceServer, StaticJwks, TokenVerifier,
};
use mcp_examples::tickets::access::{self, SCOPES};
use mcp_examples::tickets::audit::AuditWriter;
use mcp_examples::tickets::limits::LimitsConfig;
use mcp_examples::tickets::oauth::{self, FailureLimit, RateLimit, TENANT_CLAIM};
use mcp_examples::tickets::store::{Store, StoreConfig};
use mcp_examples::tickets::{self, App};
use mcp_server::http::{HttpConfig, McpService};

/// The command line.
#[derive(Debug, Parser)]
#[command(
    name = "tickets-server",
    about = "A multi-tenant support-ticket MCP server"
)]
struct Args {
    /// Serve over stdio (the default).
    #[arg(long, conflicts_with = "http")]
    stdio: bool,
    /// Serve Streamable HTTP on this address (for example 127.0.0.1:8080).
    #[arg(long)]
    http: Option<String>,
    /// The SQLite database (created and seeded with demo data if missing).
    #[arg(long, default_value = "tickets.db")]
    db: PathBuf,
    /// HTTP: accept tokens of this issuer instead of starting the development server.
    #[arg(long)]
    issuer: Option<String>,
    /// HTTP: where the development authorization server listens (default: a free port on
    /// 127.0.0.1). Ignored with `--issuer`.
    #[arg(long, default_value = "127.0.0.1:0", conflicts_with = "issuer")]
    auth_addr: String,
    /// stdio: the local user's subject.
    #[arg(long, default_value = "alice")]
    user: String,
    /// stdio: the local user's tenant.
    #[arg(long, default_value = "acme")]
    tenant: String,
    /// stdio: the local user's scopes, space-separated (default: all).
    #[arg(long)]
    scopes: Option<String>,
    /// Requests per second per principal.
    #[arg(long, default_value_t = 10.0)]
    rate: f64,
    /// Burst of requests per principal.
    #[arg(long, default_value_t = 20)]
    burst: u32,
    /// Tool calls per principal in flight at once.
    #[arg(long, default_value_t = 4)]
    max_in_flight: usize,
    /// Per-call timeout in milliseconds.
    #[arg(long, default_value_t = 10_000)]
    timeout_ms: u64,
    /// The largest page of search results.
    #[arg(long, default_value_t = 50)]
    max_page: u32,
    /// The most comments a ticket is returned with (the latest).
    #[arg(long, default_value_t = 100)]
    max_comments: u32,
    /// HTTP: the largest request body accepted, in bytes (larger ones get 413).
    #[arg(long, default_value_t = 64 * 1024)]
    max_request_bytes: usize,
    /// HTTP: `closeTicket` needs a sign-in at most this many seconds old (the token's
    /// `auth_time`, else `iat`); an older one gets 403 `insufficient_user_authentication`
    /// with `max_age` (RFC 9470).
    #[arg(long, default_value_t = 300)]
    recent_auth_secs: u64,
    /// HTTP: requests with a token that fails verification a client address may send in a
    /// burst (then one a second; beyond, 429 before the token is read).
    #[arg(long, default_value_t = FailureLimit::BURST)]
    auth_failure_burst: u32,
    /// HTTP, development authorization server: access-token lifetime in seconds.
    #[arg(long, default_value_t = 300, conflicts_with = "issuer")]
    token_ttl_secs: u64,
    /// Append audit lines to this file instead of stderr.
    #[arg(long)]
    audit_file: Option<PathBuf>,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    match &args.audit_file {
        Some(path) => {
            let file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)?;
            tracing::subscriber::set_global_default(AuditWriter::new(file))?;
        }
        None => tracing::subscriber::set_global_default(AuditWriter::new(std::io::stderr()))?,
    }
    let mut store_config = StoreConfig::new(&args.db);
    store_config.max_page = args.max_page;
    store_config.default_page = args.max_page.min(20);
    store_config.max_comments = args.max_comments;
    let store = Store::open(&store_config)?;
    let limits = LimitsConfig {
        rate_per_sec: args.rate,
        burst: args.burst,
        max_in_flight: args.max_in_flight,
        call_timeout: Duration::from_millis(args.timeout_ms),
    };
    let runtime = match args.http {
        Some(_) => tokio::runtime::Builder::new_multi_thread(),
        None => tokio::runtime::Builder::new_current_thread(),
    }
    .enable_all()
    .build()?;
    runtime.block_on(async move {
        match args.http.clone() {
            Some(addr) => serve_http(&args, &addr, store, limits).await,
            None => {
                let scopes = args.scopes.clone().unwrap_or_else(|| SCOPES.join(" "));
                let local = Principal::new("local", &args.user)
                    .with_tenant(&args.tenant)
                    .with_scopes(scopes.split(' ').filter(|s| !s.is_empty()));
                let app = App::new(store, Some(local), limits);
                tickets::server(&app).serve_stdio().await?;
                Ok(())
            }
        }
    })
}

async fn serve_http(
    args: &Args,
    addr: &str,
    store: Store,
    limits: LimitsConfig,
) -> Result<(), Box<dyn std::error::Error>> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let resource = format!("http://{}/mcp", listener.local_addr()?);
    // Kept alive until the server stops.
    let mut dev = None;
    let (issuer, verifier): (String, Arc<dyn TokenVerifier>) = match &args.issuer {
        Some(issuer) => {
            let client = oauth::issuer_client()?;
            let jwks_uri = oauth::jwks_uri(&client, issuer).await?;
            let mut config = JwtConfig::new(issuer.clone(), resource.clone());
            config.tenant_claim = Some(TENANT_CLAIM.into());
            let verifier = JwtVerifier::new(config, HttpJwks::new(client, jwks_uri))?;
            (issuer.clone(), Arc::new(verifier))
        }
        None => {
            let server = DevAuthServer::builder()
                .resource(resource.clone())
                .scopes(SCOPES)
                // Least privilege: a client that asks for no scope gets tickets:read only.
                .default_scopes([access::READ])
                .access_token_ttl(Duration::from_secs(args.token_ttl_secs))
                .user("alice", "acme")
                .user("bob", "acme")
                .user("carol", "globex")
                .bind(args.auth_addr.as_str())
                .await?;
            eprintln!("tickets-server: authorization server {}", server.issuer());
            let mut config = JwtConfig::new(server.issuer(), resource.clone());
            config.tenant_claim = Some(TENANT_CLAIM.into());
            let verifier = JwtVerifier::new(config, StaticJwks(server.jwks()))?;
            let issuer = server.issuer().to_owned();
            dev = Some(server);
            (issuer, Arc::new(verifier))
        }
    };
    let resource_server = Arc::new(
        ResourceServer::builder(resource.clone(), verifier)
            .authorization_server(issuer)
            // 2025-11-25 basic/authorization §Scope Selection Strategy: a client asks for the
            // 401's `scope`, else every `scopes_supported`. Both name the least scope, so a
            // client that follows the spec starts read-only; the 403 of a tool that needs
            // more names its scope for a step-up the user approves.
            .challenge_scopes([access::READ])
            .scopes_supported([access::READ])
            .build(),
    );
    let app = App::new(store, None, limits);
    let server = tickets::server(&app);
    let config = HttpConfig::new()
        .max_body(args.max_request_bytes)
        .resource_server(resource_server.clone())
        .scope_policy(access::scope_policy().recent_authentication(
            access::CLOSE_TICKET,
            Duration::from_secs(args.recent_auth_secs),
        ));
    let endpoint = server.http_service(config);
    let service = RateLimit::new(endpoint.clone(), resource_server, app.limits())
        .failures(FailureLimit::new(args.auth_failure_burst));
    eprintln!("tickets-server: {resource}");
    serve(listener, service).await;
    server.shutdown();
    endpoint.close_sessions();
    if let Some(dev) = dev {
        dev.shutdown().await;
    }
    Ok(())
}

/// Serves `service` on `listener` until Ctrl-C, then gives open connections a moment.
async fn serve(listener: tokio::net::TcpListener, service: RateLimit<McpService>) {
    let graceful = GracefulShutdown::new();
    let builder = auto::Builder::new(TokioExecutor::new());
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    loop {
        let stream = tokio::select! {
            _ = &mut ctrl_c => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(_) => {
                    // Out of descriptors and the like: wait a moment rather than spin.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let peer = stream.peer_addr().map(|a| a.ip()).ok();
        let connection = builder
            .serve_connection(
                TokioIo::new(stream),
                TowerToHyperService::new(service.clone().for_peer(peer)),
            )
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _ = connection.await;
        });
    }
    let _ = tokio::time::timeout(Duration::from_secs(5), graceful.shutdown()).await;
}
