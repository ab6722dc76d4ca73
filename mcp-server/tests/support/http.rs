//! HTTP test helpers: a server on a real socket on 127.0.0.1, a raw reqwest client with
//! the headers each era needs, and a small SSE reader.

use std::time::Duration;

use mcp_server::Server;
use mcp_server::http::HttpConfig;
use reqwest::{RequestBuilder, Response};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use super::WAIT;

/// `everything_server` served over HTTP on 127.0.0.1:random.
pub struct HttpHarness {
    pub server: Server,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// `http://127.0.0.1:PORT/mcp`.
    pub url: String,
    pub client: reqwest::Client,
    pub serving: JoinHandle<Result<(), mcp_server::ServeError>>,
}

impl HttpHarness {
    pub async fn start(config: HttpConfig) -> Self {
        let server = super::everything_server(Server::builder("http-test", "1.0.0"));
        Self::start_with(server, config).await
    }

    pub async fn start_with(server: Server, config: HttpConfig) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let serving = tokio::spawn({
            let server = server.clone();
            async move { server.serve_http_on(listener, config).await }
        });
        let base = format!("http://{addr}");
        Self {
            server,
            url: format!("{base}/mcp"),
            base,
            client: reqwest::Client::builder().timeout(WAIT).build().unwrap(),
            serving,
        }
    }

    /// Sends `Authorization: Bearer {token}` on every later request (`None`: no header).
    pub fn set_bearer(&mut self, token: Option<&str>) {
        let mut headers = reqwest::header::HeaderMap::new();
        if let Some(token) = token {
            let value = format!("Bearer {token}").parse().unwrap();
            headers.insert(reqwest::header::AUTHORIZATION, value);
        }
        self.client = reqwest::Client::builder()
            .timeout(WAIT)
            .default_headers(headers)
            .build()
            .unwrap();
    }

    /// A POST to the endpoint with the headers every client must send.
    pub fn post(&self) -> RequestBuilder {
        self.client
            .post(&self.url)
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream")
    }

    /// A GET of the endpoint accepting SSE, in `session`, resuming after `last_event_id`.
    pub async fn get(&self, session: Option<&str>, last_event_id: Option<&str>) -> Response {
        let mut b = self
            .client
            .get(&self.url)
            .header("accept", "text/event-stream");
        if let Some(id) = session {
            b = b.header("mcp-session-id", id);
        }
        if let Some(last) = last_event_id {
            b = b.header("last-event-id", last);
        }
        b.send().await.unwrap()
    }

    /// A POST in session `id`.
    pub fn post_in(&self, id: &str, body: &Value) -> RequestBuilder {
        self.post()
            .header("mcp-session-id", id)
            .header("mcp-protocol-version", "2025-11-25")
            .body(body.to_string())
    }

    /// `initialize` (+ `notifications/initialized`) at `version` with `caps`; the session id.
    pub async fn initialize(&self, version: &str, caps: Value) -> String {
        let r = self
            .post()
            .body(
                json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
                    "protocolVersion": version, "capabilities": caps,
                    "clientInfo": {"name": "raw", "version": "0"}}})
                .to_string(),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let id = r.headers()["mcp-session-id"].to_str().unwrap().to_owned();
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["result"]["protocolVersion"], version);
        let r = self
            .post_in(
                &id,
                &json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 202);
        id
    }

    /// A 2026-07-28 POST of `method` with the metadata headers (and `Mcp-Name` = `name`).
    pub fn post_2026(
        &self,
        id: u64,
        method: &str,
        name: Option<&str>,
        params: Value,
    ) -> RequestBuilder {
        let mut b = self
            .post()
            .header("mcp-protocol-version", "2026-07-28")
            .header("mcp-method", method);
        if let Some(name) = name {
            b = b.header("mcp-name", name);
        }
        b.body(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}).to_string())
    }
}

/// One SSE event.
#[derive(Debug, Clone, Default)]
pub struct Event {
    pub id: Option<String>,
    pub retry: Option<u64>,
    pub name: Option<String>,
    pub data: String,
}

impl Event {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.data).unwrap()
    }
}

/// Reads SSE events from `response` as they come.
pub struct Events {
    response: Response,
    buf: String,
}

impl Events {
    pub fn new(response: Response) -> Self {
        assert_eq!(
            response.headers()["content-type"],
            "text/event-stream",
            "expected an SSE response"
        );
        Self {
            response,
            buf: String::new(),
        }
    }

    /// The next event (comments skipped); `None` when the stream ends. Panics after `WAIT`.
    pub async fn next(&mut self) -> Option<Event> {
        tokio::time::timeout(WAIT, async {
            loop {
                if let Some(end) = self.buf.find("\n\n") {
                    let block: String = self.buf.drain(..end + 2).collect();
                    let mut ev = Event::default();
                    let mut any = false;
                    for line in block.lines() {
                        let (field, value) = line.split_once(':').unwrap_or((line, ""));
                        let value = value.strip_prefix(' ').unwrap_or(value);
                        match field {
                            "id" => ev.id = Some(value.to_owned()),
                            "retry" => ev.retry = value.parse().ok(),
                            "event" => ev.name = Some(value.to_owned()),
                            "data" => ev.data.push_str(value),
                            _ => continue,
                        }
                        any = true;
                    }
                    if any {
                        return Some(ev);
                    }
                    continue;
                }
                match self.response.chunk().await.unwrap() {
                    Some(chunk) => self.buf.push_str(std::str::from_utf8(&chunk).unwrap()),
                    None => return None,
                }
            }
        })
        .await
        .expect("no SSE event in time")
    }

    /// The next event that carries a JSON-RPC message (priming events skipped).
    pub async fn message(&mut self) -> Option<(Event, Value)> {
        loop {
            let ev = self.next().await?;
            if !ev.data.is_empty() {
                let v = ev.json();
                return Some((ev, v));
            }
        }
    }
}

/// Polls `check` every 10 ms until it holds, for at most `WAIT`.
pub async fn eventually(mut check: impl FnMut() -> bool) -> bool {
    let deadline = tokio::time::Instant::now() + WAIT;
    while tokio::time::Instant::now() < deadline {
        if check() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    false
}
