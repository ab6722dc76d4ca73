//! A target server at a URL, spoken to over Streamable HTTP at the HTTP level (2025-11-25
//! basic/transports §Streamable HTTP; 2026-07-28 basic/transports/streamable-http).
//!
//! Each message is its own POST. What comes back, a JSON body or an SSE stream, becomes
//! received messages in order. The HTTP status is evidence too: an error status with a
//! JSON-RPC error body delivers that error; without one it is a failure naming the status.

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::io;
use std::time::Duration;

use base64::Engine;
use futures::FutureExt;
use futures::future::BoxFuture;
use mcp_protocol::ProtocolVersion;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderValue};
use reqwest::{Response, StatusCode};
use serde_json::Value;

use super::Wire;
use super::sse::EventReader;

/// The most bytes of one message (a JSON body or one SSE event).
const MAX_MESSAGE: usize = 16 * 1024 * 1024;

/// The most characters of a body quoted in a failure.
const BODY_QUOTED: usize = 500;

/// `Mcp-Session-Id` (2025-11-25 §Session Management).
pub(crate) const SESSION_ID: &str = "mcp-session-id";
/// `MCP-Protocol-Version` (2025-06-18 on §Protocol Version Header).
pub(crate) const PROTOCOL_VERSION: &str = "mcp-protocol-version";
/// What every POST accepts (§Sending Messages 2).
pub(crate) const ACCEPT_BOTH: &str = "application/json, text/event-stream";

/// An HTTP client for targets: no proxy (a conformance run talks to the target itself), a
/// bounded connect, `headers` on every request. `pooled`: whether a connection is kept for
/// the next request. A conversation keeps its connections (a remote HTTPS target would pay a
/// handshake per message otherwise) and lets them go where it provoked a close
/// ([`Wire::drop_connections`]); the raw requests of the HTTP scenarios provoke error
/// statuses on purpose, after which a server may close a kept-alive connection while the
/// next request is being written on it ("connection closed before message completed", no
/// fault of the server's), so they get a new connection each.
pub(crate) fn client(headers: &HeaderMap, pooled: bool) -> io::Result<reqwest::Client> {
    let mut builder = reqwest::Client::builder()
        .no_proxy()
        .default_headers(headers.clone())
        .connect_timeout(Duration::from_secs(10));
    if !pooled {
        builder = builder.pool_max_idle_per_host(0);
    }
    builder.build().map_err(io::Error::other)
}

/// One client of a server at a URL.
pub(crate) struct HttpWire {
    client: reqwest::Client,
    /// The `--header` headers, for a new client when the connections are let go.
    headers: HeaderMap,
    url: String,
    /// `Mcp-Session-Id`, from the answer to `initialize`.
    session: Option<String>,
    /// The version agreed by `initialize`, for `MCP-Protocol-Version`.
    agreed: Option<String>,
    /// The id of the `initialize` request sent, whose answer names the version.
    initialize_id: Option<Value>,
    /// Received, not yet delivered.
    received: VecDeque<io::Result<Vec<u8>>>,
    /// SSE answers still open, read in the order their requests were sent.
    streams: VecDeque<(Response, EventReader)>,
    /// The status of the last POST.
    last_status: Option<StatusCode>,
    /// How long a POST waits for its response head.
    answer_wait: Duration,
    /// The names of the `--header` headers every request carries (their values may be
    /// credentials: the evidence names them only).
    extra_headers: Vec<String>,
    /// The last POST's request line, headers and response status, for the evidence.
    exchange: Option<String>,
}

impl HttpWire {
    /// A client of `endpoint` (nothing is sent yet).
    pub(crate) fn new(endpoint: &super::Endpoint, answer_wait: Duration) -> io::Result<Self> {
        Ok(Self {
            client: client(&endpoint.headers, true)?,
            headers: endpoint.headers.clone(),
            url: endpoint.url.clone(),
            session: None,
            agreed: None,
            initialize_id: None,
            received: VecDeque::new(),
            streams: VecDeque::new(),
            last_status: None,
            answer_wait,
            extra_headers: endpoint
                .headers
                .keys()
                .map(|name| name.as_str().to_owned())
                .collect(),
            exchange: None,
        })
    }

    /// The headers of a POST carrying `message`.
    fn headers(&self, message: Option<&Value>) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(ACCEPT, HeaderValue::from_static(ACCEPT_BOTH));
        h.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        if let Some(id) = self.session.as_deref().and_then(|s| s.parse().ok()) {
            h.insert(SESSION_ID, id);
        }
        let stamped = message
            .and_then(|m| m["params"]["_meta"]["io.modelcontextprotocol/protocolVersion"].as_str());
        if let Some(version) = stamped {
            // 2026-07-28 §Request Metadata: every POST names its version, method and (for
            // calls, reads and gets) the name, matching the body.
            insert(&mut h, PROTOCOL_VERSION, version);
            if let Some(method) = message.and_then(|m| m["method"].as_str()) {
                insert(&mut h, "mcp-method", method);
                let params = message.map(|m| &m["params"]);
                let name = match method {
                    "tools/call" | "prompts/get" => params.and_then(|p| p["name"].as_str()),
                    "resources/read" => params.and_then(|p| p["uri"].as_str()),
                    // The tasks extension (SEP-2663): the task's id.
                    "tasks/get" | "tasks/cancel" | "tasks/update" | "tasks/result" => {
                        params.and_then(|p| p["taskId"].as_str())
                    }
                    _ => None,
                };
                if let Some(name) = name {
                    insert(&mut h, "mcp-name", &header_value(name));
                }
            }
        } else if let Some(agreed) = &self.agreed {
            // 2025-06-18 §Protocol Version Header: every request after initialization.
            if ProtocolVersion::parse(agreed).is_some_and(|v| v >= ProtocolVersion::V2025_06_18) {
                insert(&mut h, PROTOCOL_VERSION, agreed);
            }
        }
        h
    }

    async fn post(&mut self, bytes: &[u8]) -> io::Result<()> {
        let message: Option<Value> = serde_json::from_slice(bytes).ok();
        let method = message
            .as_ref()
            .and_then(|m| m["method"].as_str())
            .map(str::to_owned);
        let is_request = message
            .as_ref()
            .is_some_and(|m| m.get("id").is_some() && m.get("method").is_some());
        // A notification or a response: no answer is due.
        let answers_nothing = message.as_ref().is_some_and(|m| match m.get("method") {
            Some(_) => m.get("id").is_none(),
            None => m.get("result").is_some() || m.get("error").is_some(),
        });
        if method.as_deref() == Some("initialize") {
            self.initialize_id = message.as_ref().and_then(|m| m.get("id").cloned());
        }
        // Bounded: a server that never sends the response head must not stop the run.
        let wait = self.answer_wait;
        let headers = self.headers(message.as_ref());
        let mut exchange = format!("  POST {} with {}", self.url, describe(&headers));
        for name in &self.extra_headers {
            let _ = write!(exchange, ", {name}: (given by --header, not shown)");
        }
        self.exchange = Some(exchange);
        let sending = self
            .client
            .post(&self.url)
            .headers(headers)
            .body(bytes.to_vec())
            .send();
        let response = tokio::time::timeout(wait, sending)
            .await
            .map_err(|_| {
                io::Error::other(format!(
                    "POST {}: no response head within {:.1} s",
                    self.url,
                    wait.as_secs_f64()
                ))
            })?
            .map_err(|e| io::Error::other(format!("POST {}: {}", self.url, with_causes(&e))))?;
        let what = method.as_deref().unwrap_or("a message");
        if method.as_deref() == Some("initialize")
            && let Some(id) = response.headers().get(SESSION_ID)
        {
            self.session = id.to_str().ok().map(str::to_owned);
        }
        let status = response.status();
        self.last_status = Some(status);
        if let Some(exchange) = &mut self.exchange {
            let kind = response
                .headers()
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("no content type");
            let _ = write!(exchange, " → HTTP {status} ({kind})");
        }
        if is_sse(&response) && status.is_success() {
            self.streams
                .push_back((response, EventReader::new(MAX_MESSAGE)));
            return Ok(());
        }
        let body = read_bounded(response).await?;
        if answers_nothing && status.is_success() {
            // §Sending Messages 4: an accepted notification or response gets 202 with no
            // body; anything else in a 2xx is no message to the client, and is judged by
            // `http/notification-accepted` alone rather than by whatever request waits next.
            return Ok(());
        }
        if status == StatusCode::ACCEPTED && body.is_empty() {
            if is_request {
                // §Sending Messages: a request gets a JSON object or an SSE stream.
                self.received.push_back(Err(io::Error::other(format!(
                    "HTTP 202 Accepted with no body answering the request {what}"
                ))));
            }
            return Ok(());
        }
        let parsed: Option<Value> = serde_json::from_slice(&body).ok();
        let is_error = parsed.as_ref().is_some_and(|v| v.get("error").is_some());
        if status.is_success() || is_error {
            self.deliver(body);
        } else {
            let text = String::from_utf8_lossy(&body);
            self.received.push_back(Err(io::Error::other(format!(
                "HTTP {status} to the POST of {what}, with no JSON-RPC error in the body: {}",
                super::clip_at(&text, BODY_QUOTED)
            ))));
        }
        Ok(())
    }

    /// Queues one received message, noting the version `initialize` agreed.
    fn deliver(&mut self, message: Vec<u8>) {
        if self.initialize_id.is_some()
            && let Ok(v) = serde_json::from_slice::<Value>(&message)
            && v.get("id") == self.initialize_id.as_ref()
        {
            self.agreed = v["result"]["protocolVersion"].as_str().map(str::to_owned);
        }
        self.received.push_back(Ok(message));
    }

    /// Reads the oldest open stream until it gives a message or ends.
    async fn read_stream(&mut self) -> io::Result<()> {
        let Some((response, reader)) = self.streams.front_mut() else {
            return Ok(());
        };
        let mut events = Vec::new();
        match response.chunk().await {
            Ok(Some(chunk)) => reader.feed(&chunk, &mut events).map_err(|e| {
                io::Error::other(format!("an SSE event or line longer than {} bytes", e.0))
            })?,
            Ok(None) => {
                self.streams.pop_front();
            }
            Err(e) => {
                self.streams.pop_front();
                return Err(io::Error::other(format!("reading an SSE answer: {e}")));
            }
        }
        for e in events {
            self.deliver(e);
        }
        Ok(())
    }
}

/// The headers as evidence shows them: `Name: value` pairs, in the order sent.
fn describe(headers: &HeaderMap) -> String {
    headers
        .iter()
        .map(|(name, value)| format!("{name}: {}", String::from_utf8_lossy(value.as_bytes())))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `e` with its causes: reqwest's own text ("error sending request") hides why (a refused
/// connection, a name that does not resolve).
fn with_causes(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let said = c.to_string();
        if !text.contains(&said) {
            text = format!("{text}: {said}");
        }
        cause = c.source();
    }
    text
}

fn insert(h: &mut HeaderMap, name: &'static str, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        h.insert(name, v);
    }
}

/// A value as a header carries it: plain when it is visible ASCII (or inner spaces), else
/// the Base64 sentinel form (2026-07-28 §Value Encoding).
pub(crate) fn header_value(value: &str) -> String {
    let sentinel = value.starts_with("=?base64?") && value.ends_with("?=");
    let padded = value.starts_with(' ') || value.ends_with(' ');
    let visible = value.bytes().all(|b| b == b' ' || b.is_ascii_graphic());
    let plain = visible && !padded && !sentinel;
    if plain {
        value.to_owned()
    } else {
        let encoded = base64::engine::general_purpose::STANDARD.encode(value);
        format!("=?base64?{encoded}?=")
    }
}

/// Whether the response is an SSE stream.
pub(crate) fn is_sse(response: &Response) -> bool {
    response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.trim_start().starts_with("text/event-stream"))
}

/// The body, refusing more than [`MAX_MESSAGE`] bytes.
pub(crate) async fn read_bounded(mut response: Response) -> io::Result<Vec<u8>> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(io::Error::other)? {
        if body.len() + chunk.len() > MAX_MESSAGE {
            return Err(io::Error::other(format!(
                "a body longer than {MAX_MESSAGE} bytes"
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

impl Wire for HttpWire {
    fn send<'a>(&'a mut self, message: &'a [u8]) -> BoxFuture<'a, io::Result<()>> {
        self.post(message).boxed()
    }

    fn recv(&mut self) -> BoxFuture<'_, io::Result<Option<Vec<u8>>>> {
        async move {
            // Bounded: each pass delivers, or reads one chunk of a stream (which ends).
            loop {
                if let Some(next) = self.received.pop_front() {
                    return next.map(Some);
                }
                if self.streams.is_empty() {
                    // Nothing is open that could still answer: the request was answered
                    // with nothing (a closed stream, an empty body).
                    return Ok(None);
                }
                self.read_stream().await?;
            }
        }
        .boxed()
    }

    fn session_id(&self) -> Option<&str> {
        self.session.as_deref()
    }

    fn last_status(&self) -> Option<u16> {
        self.last_status.map(|s| s.as_u16())
    }

    fn take_exchange(&mut self) -> Option<String> {
        self.exchange.take()
    }

    fn drop_connections(&mut self) {
        // A new client has an empty pool; the old one's idle connections close with it.
        if let Ok(client) = client(&self.headers, true) {
            self.client = client;
        }
    }

    fn abandon_newest(&mut self) {
        // Dropping the response closes its stream.
        self.streams.pop_back();
    }
}

impl Drop for HttpWire {
    fn drop(&mut self) {
        // §Session Management: a client that no longer needs the session SHOULD DELETE it.
        // Best effort, off the caller's path; a server that is gone is no matter here.
        if let Some(session) = self.session.take()
            && let Ok(handle) = tokio::runtime::Handle::try_current()
        {
            let request = self.client.delete(&self.url).header(SESSION_ID, session);
            handle.spawn(async move {
                let _ = tokio::time::timeout(Duration::from_secs(2), request.send()).await;
            });
        }
    }
}
