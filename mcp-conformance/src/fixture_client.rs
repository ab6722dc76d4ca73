//! `mcp-conformance fixture-client --fault NAME URL`: a small client written at the wire
//! level (reqwest, JSON and SSE by hand) under the official client contract, conformant
//! except for one deliberate fault, so the tests can prove that each fault fails the client
//! scenarios that look at it, and only those. Hidden from `--help`: a test fixture.

use std::time::Duration;

use reqwest::header::{ACCEPT, CONTENT_TYPE};
use reqwest::{Client, RequestBuilder, Response};
use serde_json::{Value, json};

mod auth;

/// The deliberate faults.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ClientFault {
    /// None: a conformant client.
    None,
    /// Lists the tools before sending `notifications/initialized`.
    RequestBeforeInitialized,
    /// Never sends `MCP-Protocol-Version`.
    NoProtocolVersionHeader,
    /// Resumes a broken stream at once, ignoring `retry:`.
    IgnoresRetry,
    /// Accepts a form without filling in its defaults.
    NoDefaults,
    /// Gives every request the same id.
    ReusesIds,
    /// Gives up when its session is gone (404) instead of starting a new one.
    KeepsEndedSession,
    /// Sends no `resource` (RFC 8707) on the authorization and token requests.
    NoResource,
    /// Sends its PKCE verifier as a `plain` challenge.
    PlainPkce,
    /// Authorizes even when the authorization server's metadata offers no PKCE (S256).
    IgnoresS256,
    /// Redeems the code whatever issuer the authorization response names (RFC 9207).
    IgnoresIss,
    /// Redeems the code whatever `state` the authorization response carries.
    IgnoresState,
    /// Gives up on a 403 `insufficient_scope` instead of authorizing for the scope.
    NoStepUp,
    /// Authorizes again after every 403 `insufficient_scope`, many times over.
    UnboundedStepUp,
    /// Sends notifications without its access token.
    NoBearerOnNotifications,
    /// Also puts its access token in the URL of every POST (`?access_token=`).
    TokenInQuery,
}

/// How many times one request may be authorized (a 401, then step-ups) before the client
/// gives up.
const AUTHORIZATIONS_PER_REQUEST: usize = 3;

/// The same with [`ClientFault::UnboundedStepUp`]: still bounded, so the fixture ends, but
/// far past what the scenario allows.
const AUTHORIZATIONS_UNBOUNDED: usize = 12;

/// What `request` fails with when the server answered 404 to a request in a session.
const SESSION_GONE: &str = "the session is gone (404)";

/// The most bytes read from one response.
const READ_LIMIT: usize = 1 << 20;

/// Runs the scenario in `MCP_CONFORMANCE_SCENARIO` against `url`.
pub(crate) fn run(fault: ClientFault, url: &str) -> Result<(), String> {
    let scenario = std::env::var("MCP_CONFORMANCE_SCENARIO").unwrap_or_default();
    let context: Value = std::env::var("MCP_CONFORMANCE_CONTEXT")
        .ok()
        .and_then(|c| serde_json::from_str(&c).ok())
        .unwrap_or(Value::Null);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let http = Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| e.to_string())?;
    let mut peer = Peer {
        fault,
        http,
        url: url.to_owned(),
        session: None,
        version: None,
        next_id: 0,
        login: auth::Login::default(),
        token: None,
    };
    runtime.block_on(peer.scenario(&scenario, &context))
}

/// Reads one SSE stream: the JSON of each `data:` event, remembering `id:` and `retry:`.
struct Events {
    response: Response,
    buf: String,
    read: usize,
    last_id: Option<String>,
    retry: Option<u64>,
}

impl Events {
    /// The next message on the stream; `None` when it ended.
    async fn next(&mut self) -> Result<Option<Value>, String> {
        loop {
            if let Some(end) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..end + 2).collect();
                let mut data = String::new();
                for line in block.lines() {
                    let (field, value) = line.split_once(':').unwrap_or((line, ""));
                    let value = value.strip_prefix(' ').unwrap_or(value);
                    match field {
                        "id" => self.last_id = Some(value.to_owned()),
                        "retry" => self.retry = value.parse().ok(),
                        "data" => data.push_str(value),
                        _ => {}
                    }
                }
                if let Ok(message) = serde_json::from_str(&data) {
                    return Ok(Some(message));
                }
                continue;
            }
            let chunk = self.response.chunk().await.map_err(|e| e.to_string())?;
            let Some(chunk) = chunk else { return Ok(None) };
            self.read += chunk.len();
            if self.read > READ_LIMIT {
                return Err("the stream is too long".into());
            }
            self.buf
                .push_str(&String::from_utf8_lossy(&chunk).replace("\r\n", "\n"));
        }
    }
}

struct Peer {
    fault: ClientFault,
    http: Client,
    url: String,
    session: Option<String>,
    version: Option<String>,
    next_id: i64,
    login: auth::Login,
    /// The access token, once authorized.
    token: Option<String>,
}

impl Peer {
    async fn scenario(&mut self, scenario: &str, context: &Value) -> Result<(), String> {
        if self.discover().await? {
            self.request("tools/list", json!({})).await?;
            return Ok(());
        }
        if !self.open_session().await? {
            return Ok(()); // basic/lifecycle: disconnect from a version it does not speak
        }
        if let Err(e) = self.request("tools/list", json!({})).await {
            if e != SESSION_GONE || self.fault == ClientFault::KeepsEndedSession {
                return Err(e);
            }
            // basic/transports §Session Management 4: a new session, without the old id.
            self.session = None;
            self.version = None;
            if !self.open_session().await? {
                return Ok(());
            }
            self.request("tools/list", json!({})).await?;
        }
        match scenario {
            "tools_call" => {
                for call in context["toolCalls"].as_array().into_iter().flatten() {
                    self.request("tools/call", call.clone()).await?;
                }
            }
            "elicitation-sep1034-client-defaults" => {
                let params = json!({"name": "test_client_elicitation_defaults", "arguments": {}});
                self.request("tools/call", params).await?;
            }
            "sse-retry" => {
                let params = json!({"name": "test_reconnection", "arguments": {}});
                self.request("tools/call", params).await?;
            }
            auth if auth.starts_with("auth/") => {
                let params = json!({"name": "ping_tool", "arguments": {}});
                self.request("tools/call", params).await?;
            }
            _ => {}
        }
        let end = self.with_headers(self.http.delete(&self.url), None);
        let _ = end.send().await;
        Ok(())
    }

    /// `initialize` and `notifications/initialized`: whether the version agreed is one this
    /// client speaks.
    async fn open_session(&mut self) -> Result<bool, String> {
        let init = self
            .request(
                "initialize",
                json!({"protocolVersion": "2025-11-25", "capabilities": {"elicitation": {}},
                    "clientInfo": {"name": "fixture-client", "version": "1"}}),
            )
            .await?;
        let agreed = init["result"]["protocolVersion"]
            .as_str()
            .unwrap_or_default();
        if !["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"].contains(&agreed) {
            return Ok(false);
        }
        self.version = Some(agreed.to_owned());
        if self.fault == ClientFault::RequestBeforeInitialized {
            self.request("tools/list", json!({})).await?;
        }
        self.notify("notifications/initialized").await?;
        Ok(true)
    }

    /// The 2026-07-28 probe: whether the server speaks 2026-07-28.
    async fn discover(&mut self) -> Result<bool, String> {
        self.version = Some("2026-07-28".into());
        let answer = self.request("server/discover", json!({})).await?;
        let modern = answer["result"]["supportedVersions"]
            .as_array()
            .is_some_and(|v| v.contains(&json!("2026-07-28")));
        if !modern {
            self.version = None;
        }
        Ok(modern)
    }

    fn stateless(&self) -> bool {
        self.version.as_deref() == Some("2026-07-28")
    }

    fn with_headers(&self, mut r: RequestBuilder, method: Option<&str>) -> RequestBuilder {
        r = r.header(ACCEPT, "application/json, text/event-stream");
        if let Some(s) = &self.session {
            r = r.header("mcp-session-id", s);
        }
        if let Some(t) = &self.token {
            r = r.bearer_auth(t);
        }
        if let Some(v) = &self.version
            && v.as_str() >= "2025-06-18"
            && self.fault != ClientFault::NoProtocolVersionHeader
        {
            r = r.header("mcp-protocol-version", v);
        }
        if let Some(m) = method.filter(|_| self.stateless()) {
            r = r.header("mcp-method", m);
        }
        r
    }

    async fn post(&self, message: &Value) -> Result<Response, String> {
        let method = message["method"].as_str();
        let url = match (&self.token, self.fault) {
            (Some(t), ClientFault::TokenInQuery) => format!("{}?access_token={t}", self.url),
            _ => self.url.clone(),
        };
        self.with_headers(self.http.post(url), method)
            .header(CONTENT_TYPE, "application/json")
            .body(message.to_string())
            .send()
            .await
            .map_err(|e| e.to_string())
    }

    async fn notify(&mut self, method: &str) -> Result<(), String> {
        let withheld = if self.fault == ClientFault::NoBearerOnNotifications {
            self.token.take()
        } else {
            None
        };
        let sent = self
            .post(&json!({"jsonrpc": "2.0", "method": method}))
            .await
            .map(drop);
        if withheld.is_some() {
            self.token = withheld;
        }
        sent
    }

    /// Sends a request and reads its answer, from JSON or from a stream (answering the
    /// server's elicitation and resuming a broken stream on the way).
    async fn request(&mut self, method: &str, mut params: Value) -> Result<Value, String> {
        if self.fault != ClientFault::ReusesIds {
            self.next_id += 1;
        }
        let id = json!(self.next_id);
        if self.stateless() {
            params["_meta"] = json!({"io.modelcontextprotocol/protocolVersion": "2026-07-28",
                "io.modelcontextprotocol/clientInfo": {"name": "fixture-client", "version": "1"},
                "io.modelcontextprotocol/clientCapabilities": {}});
        }
        let message = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        let mut response = self.post(&message).await?;
        let tries = if self.fault == ClientFault::UnboundedStepUp {
            AUTHORIZATIONS_UNBOUNDED
        } else {
            AUTHORIZATIONS_PER_REQUEST
        };
        for _ in 0..tries {
            let Some(challenge) = self.challenge(&response) else {
                break;
            };
            self.token = Some(
                self.login
                    .authorize(self.fault, &self.url, &challenge)
                    .await?,
            );
            response = self.post(&message).await?;
        }
        if response.status() == reqwest::StatusCode::NOT_FOUND && self.session.is_some() {
            return Err(SESSION_GONE.into());
        }
        if let Some(s) = response
            .headers()
            .get("mcp-session-id")
            .and_then(|v| v.to_str().ok())
        {
            self.session = Some(s.to_owned());
        }
        let sse = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/event-stream"));
        if !sse {
            let bytes = response.bytes().await.map_err(|e| e.to_string())?;
            return serde_json::from_slice(&bytes).map_err(|e| format!("{method}: {e}"));
        }
        let mut events = Events {
            response,
            buf: String::new(),
            read: 0,
            last_id: None,
            retry: None,
        };
        // Bounded: a few resumptions at most.
        for _ in 0..3 {
            while let Some(m) = events.next().await? {
                if m.get("method").is_some() {
                    self.answer_server(&m).await?;
                } else if m["id"] == id {
                    return Ok(m);
                }
            }
            // The stream ended without the answer: resume it (basic/transports §Resumability).
            let Some(last) = events.last_id.clone() else {
                break;
            };
            if self.fault != ClientFault::IgnoresRetry {
                tokio::time::sleep(Duration::from_millis(events.retry.unwrap_or(1000))).await;
            }
            let response = self
                .with_headers(self.http.get(&self.url), None)
                .header("last-event-id", last)
                .send()
                .await
                .map_err(|e| e.to_string())?;
            events = Events {
                response,
                buf: String::new(),
                read: 0,
                last_id: None,
                retry: None,
            };
        }
        Err(format!("no answer to {method}"))
    }

    /// The challenge of a 401, or of a 403 `insufficient_scope` (basic/authorization §Step-Up
    /// Authorization Flow), to authorize after.
    fn challenge(&self, response: &Response) -> Option<String> {
        let challenge = response
            .headers()
            .get("www-authenticate")
            .and_then(|v| v.to_str().ok())?;
        match response.status().as_u16() {
            401 => Some(challenge.to_owned()),
            403 if challenge.contains("insufficient_scope")
                && self.fault != ClientFault::NoStepUp =>
            {
                Some(challenge.to_owned())
            }
            _ => None,
        }
    }

    /// Answers a server request: a form is accepted with its defaults.
    async fn answer_server(&mut self, request: &Value) -> Result<(), String> {
        let Some(id) = request.get("id") else {
            return Ok(());
        };
        let mut content = serde_json::Map::new();
        if self.fault != ClientFault::NoDefaults {
            let props = &request["params"]["requestedSchema"]["properties"];
            for (name, schema) in props.as_object().into_iter().flatten() {
                if let Some(d) = schema.get("default") {
                    content.insert(name.clone(), d.clone());
                }
            }
        }
        let answer = json!({"jsonrpc": "2.0", "id": id,
            "result": {"action": "accept", "content": content}});
        self.post(&answer).await.map(drop)
    }
}
