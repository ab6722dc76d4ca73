//! Test helpers for `tickets-server`: the process on a temporary database, tokens from the
//! development authorization server it starts, clients and raw requests.

use std::collections::HashMap;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use mcp_client::Client;
use mcp_client::http::HttpTransport;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// The binary under test.
pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_tickets-server");
const REDIRECT: &str = "http://127.0.0.1:9/callback";
const PKCE_VERIFIER: &str = "tickets-test-verifier-0123456789-abcdefghijklmnopqrstuvwxyz";
/// How many 100 ms polls a helper waits for the server's output (10 s).
const POLLS: usize = 100;

/// A running `tickets-server --http 127.0.0.1:0` on its own database.
pub(crate) struct TicketsServer {
    _child: Child,
    _dir: tempfile::TempDir,
    /// The MCP endpoint (also the tokens' resource).
    pub(crate) url: String,
    /// The development authorization server.
    pub(crate) issuer: String,
    lines: Arc<Mutex<Vec<String>>>,
    http: reqwest::Client,
}

impl TicketsServer {
    /// Starts the server with these extra arguments and waits for its two URLs.
    pub(crate) async fn start(extra: &[&str]) -> Self {
        Self::launch("127.0.0.1:0", None, extra).await
    }

    /// Starts the server on `addr` accepting the tokens of `issuer` (`--issuer`).
    pub(crate) async fn start_with_issuer(addr: &str, issuer: &str) -> Self {
        Self::launch(addr, Some(issuer), &["--issuer", issuer]).await
    }

    /// Starts the server on `addr` with `extra` arguments (`issuer` is the `--issuer` among
    /// them, if any); waits for its URL and, without `issuer`, that of its development
    /// authorization server.
    pub(crate) async fn launch(addr: &str, issuer: Option<&str>, extra: &[&str]) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("tickets.db");
        let mut child = Command::new(BIN)
            .args(["--http", addr, "--db"])
            .arg(&db)
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("spawn tickets-server");
        let stderr = child.stderr.take().expect("stderr");
        let lines = Arc::new(Mutex::new(Vec::new()));
        tokio::spawn({
            let lines = lines.clone();
            async move {
                let mut reader = BufReader::new(stderr).lines();
                while let Ok(Some(line)) = reader.next_line().await {
                    lines.lock().expect("lines").push(line);
                }
            }
        });
        let find = |prefix: &str| {
            lines
                .lock()
                .expect("lines")
                .iter()
                .find_map(|l| l.strip_prefix(prefix).map(str::to_owned))
        };
        let mut urls = (None, None);
        for _ in 0..POLLS {
            urls = (
                find("tickets-server: http://"),
                issuer
                    .map(str::to_owned)
                    .or_else(|| find("tickets-server: authorization server ")),
            );
            if urls.0.is_some() && urls.1.is_some() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let (Some(url), Some(issuer)) = urls else {
            panic!(
                "tickets-server did not start: {:?}",
                lines.lock().expect("lines")
            );
        };
        Self {
            _child: child,
            _dir: dir,
            url: format!("http://{url}"),
            issuer,
            lines,
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("http client"),
        }
    }

    /// An access token for `user` with `scope` from the server's issuer, by the code flow
    /// with PKCE and `resource` (a public client registered for the purpose; `login_hint`
    /// picks the user). The endpoints come from the issuer's RFC 8414 metadata, and the
    /// authorization redirects are followed with their cookies (oidc-provider's
    /// non-interactive login and consent) until the redirect URI, at most 12 hops.
    pub(crate) async fn token(&self, user: &str, scope: &str) -> String {
        let meta: Value = self
            .http
            .get(format!(
                "{}/.well-known/oauth-authorization-server",
                self.issuer
            ))
            .send()
            .await
            .expect("metadata")
            .json()
            .await
            .expect("metadata JSON");
        let endpoint = |name: &str| {
            meta[name]
                .as_str()
                .unwrap_or_else(|| panic!("no {name}: {meta}"))
                .to_owned()
        };
        let registered: Value = self
            .http
            .post(endpoint("registration_endpoint"))
            .json(&json!({
                "redirect_uris": [REDIRECT],
                "token_endpoint_auth_method": "none",
                "grant_types": ["authorization_code", "refresh_token"],
                "response_types": ["code"],
                "application_type": "native",
            }))
            .send()
            .await
            .expect("register")
            .json()
            .await
            .expect("registration");
        let client_id = registered["client_id"]
            .as_str()
            .unwrap_or_else(|| panic!("no client_id: {registered}"));
        let challenge = B64.encode(Sha256::digest(PKCE_VERIFIER.as_bytes()));
        let mut url = reqwest::Url::parse_with_params(
            &endpoint("authorization_endpoint"),
            [
                ("response_type", "code"),
                ("client_id", client_id),
                ("redirect_uri", REDIRECT),
                ("code_challenge", &challenge),
                ("code_challenge_method", "S256"),
                ("resource", &self.url),
                ("scope", scope),
                ("state", "s"),
                ("login_hint", user),
            ],
        )
        .expect("authorization URL");
        let mut cookies: HashMap<String, String> = HashMap::new();
        for _ in 0..12 {
            if url.as_str().starts_with(REDIRECT) {
                break;
            }
            let cookie = cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ");
            let response = self
                .http
                .get(url.clone())
                .header("cookie", cookie)
                .send()
                .await
                .expect("authorize");
            for c in response.headers().get_all("set-cookie") {
                let pair = c.to_str().unwrap_or_default().split(';').next();
                if let Some((k, v)) = pair.and_then(|p| p.split_once('=')) {
                    cookies.insert(k.trim().into(), v.trim().into());
                }
            }
            let location = response
                .headers()
                .get("location")
                .and_then(|l| l.to_str().ok())
                .unwrap_or_else(|| panic!("{url}: {} without a redirect", response.status()));
            url = url.join(location).expect("location");
        }
        assert!(url.as_str().starts_with(REDIRECT), "stopped at {url}");
        let query: HashMap<String, String> = url.query_pairs().into_owned().collect();
        let code = query
            .get("code")
            .unwrap_or_else(|| panic!("no code: {url}"));
        let token: Value = self
            .http
            .post(endpoint("token_endpoint"))
            .form(&[
                ("grant_type", "authorization_code"),
                ("client_id", client_id),
                ("code", code),
                ("redirect_uri", REDIRECT),
                ("code_verifier", PKCE_VERIFIER),
                ("resource", &self.url),
            ])
            .send()
            .await
            .expect("token")
            .json()
            .await
            .expect("token response");
        token["access_token"]
            .as_str()
            .unwrap_or_else(|| panic!("no access token: {token}"))
            .to_owned()
    }

    /// A transport to the server carrying `token`.
    pub(crate) fn transport(&self, token: &str) -> HttpTransport {
        HttpTransport::builder(&self.url)
            .header("authorization", &format!("Bearer {token}"))
            .build()
            .expect("transport")
    }

    /// A connected client carrying `token`.
    pub(crate) async fn client(&self, token: &str) -> Client {
        Client::builder()
            .connect(self.transport(token))
            .await
            .expect("connect")
    }

    /// A raw 2026-07-28 `tools/call` (with `Mcp-Method` and `Mcp-Name`): the status and
    /// headers of the answer.
    pub(crate) async fn raw_tool_call(
        &self,
        token: &str,
        tool: &str,
        arguments: Value,
    ) -> (u16, reqwest::header::HeaderMap) {
        self.raw_tool_call_named(token, tool, tool, arguments).await
    }

    /// Like [`TicketsServer::raw_tool_call`], with `Mcp-Name: header_name` whatever the
    /// body calls.
    pub(crate) async fn raw_tool_call_named(
        &self,
        token: &str,
        header_name: &str,
        tool: &str,
        arguments: Value,
    ) -> (u16, reqwest::header::HeaderMap) {
        let body = json!({
            "jsonrpc": "2.0", "id": 1, "method": "tools/call",
            "params": {
                "name": tool, "arguments": arguments,
                "_meta": {
                    "io.modelcontextprotocol/protocolVersion": "2026-07-28",
                    "io.modelcontextprotocol/clientCapabilities": {}
                }
            }
        });
        let response = self
            .http
            .post(&self.url)
            .bearer_auth(token)
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream")
            .header("mcp-protocol-version", "2026-07-28")
            .header("mcp-method", "tools/call")
            .header("mcp-name", header_name)
            .body(body.to_string())
            .send()
            .await
            .expect("post");
        (response.status().as_u16(), response.headers().clone())
    }

    /// The first audit record on the server's stderr that `wanted` accepts (waits up to 10 s).
    pub(crate) async fn audit_line(&self, wanted: impl Fn(&Value) -> bool) -> Value {
        for _ in 0..POLLS {
            let found = self
                .lines
                .lock()
                .expect("lines")
                .iter()
                .filter_map(|l| serde_json::from_str::<Value>(l).ok())
                .find(|record| wanted(record));
            if let Some(record) = found {
                return record;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "no such audit line: {:?}",
            self.lines.lock().expect("lines")
        );
    }
}
