//! The scripted Streamable HTTP server of the client scenarios, at the wire level: every
//! request the client makes is kept (method, headers, body, when), every answer is what the
//! [`Script`] wrote (status, headers, JSON or SSE bytes), and both are evidence.

use std::convert::Infallible;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, Limited, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::header::HeaderMap;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use mcp_protocol::ProtocolVersion;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio::task::{JoinHandle, JoinSet};
use tokio::time::Instant;

use crate::target::clip;

/// The path of the MCP endpoint.
pub(crate) const MCP_PATH: &str = "/mcp";

/// The largest request body read.
const BODY_LIMIT: usize = 1 << 20;

/// The most lines kept in the log: a client flooding the server cannot grow this process
/// without end (what comes later is answered, not kept).
const LOG_LINES: usize = 2000;

/// One HTTP request the client made.
#[derive(Debug)]
pub(crate) struct Seen {
    /// When, from the start of the scenario.
    pub(crate) at: Duration,
    /// `GET`, `POST`, `DELETE`...
    pub(crate) method: String,
    /// The request target: path and query.
    pub(crate) target: String,
    /// Its headers.
    pub(crate) headers: HeaderMap,
    /// The body parsed as JSON (`Null` when empty or not JSON).
    pub(crate) body: Value,
    /// The body as text (for evidence and for a body that is not JSON).
    pub(crate) text: String,
    /// The version the server was speaking when it arrived.
    pub(crate) speaking: ProtocolVersion,
}

impl Seen {
    /// A header's value as text.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The path of the target, without the query.
    pub(crate) fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }

    /// The JSON-RPC messages in the body (one, or each of a batch).
    pub(crate) fn messages(&self) -> Vec<&Value> {
        match &self.body {
            Value::Array(items) => items.iter().collect(),
            Value::Object(_) => vec![&self.body],
            _ => Vec::new(),
        }
    }

    /// The `method` of the (first) message in the body.
    pub(crate) fn rpc_method(&self) -> Option<&str> {
        self.messages()
            .first()
            .and_then(|m| m.get("method"))
            .and_then(Value::as_str)
    }

    /// Whether the body holds a request (a `method` and an `id`).
    pub(crate) fn is_request(&self) -> bool {
        self.messages()
            .iter()
            .any(|m| m.get("method").is_some() && m.get("id").is_some())
    }
}

/// The body of an answer.
#[derive(Debug)]
pub(crate) enum Body {
    /// Nothing.
    Empty,
    /// `application/json`.
    Json(Value),
    /// `text/event-stream`: each string sent is written as is; the stream ends when every
    /// sender is gone.
    Sse(mpsc::UnboundedReceiver<String>),
}

/// What the script answers to one request.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) body: Body,
}

impl Answer {
    /// 200 with a JSON body.
    pub(crate) fn json(body: Value) -> Self {
        Self {
            status: 200,
            headers: Vec::new(),
            body: Body::Json(body),
        }
    }

    /// A status and no body.
    pub(crate) fn status(status: u16) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: Body::Empty,
        }
    }

    /// 200 with an event stream, and the sender that feeds it.
    pub(crate) fn sse() -> (Self, mpsc::UnboundedSender<String>) {
        let (tx, rx) = mpsc::unbounded_channel();
        let answer = Self {
            status: 200,
            headers: Vec::new(),
            body: Body::Sse(rx),
        };
        (answer, tx)
    }

    /// With one more header.
    pub(crate) fn with(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }
}

/// One SSE event: its optional `id:` and `retry:` fields and a `data:` line.
pub(crate) fn event(id: Option<&str>, retry: Option<u64>, data: &str) -> String {
    let mut out = String::new();
    if let Some(id) = id {
        out.push_str(&format!("id: {id}\n"));
    }
    if let Some(ms) = retry {
        out.push_str(&format!("retry: {ms}\n"));
    }
    out.push_str(&format!("data: {data}\n\n"));
    out
}

/// A scenario's server side: it answers each request, and says what version it speaks.
pub(crate) trait Script: Send + 'static {
    /// The answer to `seen`.
    fn answer(&mut self, seen: &Seen) -> Answer;
    /// The version in use (for the schema every client message is checked against).
    fn speaking(&self) -> ProtocolVersion;
}

/// One line of the exchange.
#[derive(Debug)]
pub(crate) enum Entry {
    /// A request the client made.
    Got(Seen),
    /// What the server answered or streamed, for the evidence.
    Sent(String),
}

struct Shared {
    script: Box<dyn Script>,
    log: Vec<Entry>,
    started: Instant,
}

type Log = Arc<Mutex<Shared>>;

/// A scripted server on a loopback port.
pub(crate) struct ScriptedServer {
    /// Its MCP endpoint.
    pub(crate) url: String,
    shared: Log,
    accept: JoinHandle<()>,
}

impl ScriptedServer {
    /// Binds 127.0.0.1:0 and serves `script` until [`ScriptedServer::finish`].
    pub(crate) async fn start(script: Box<dyn Script>) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}{MCP_PATH}", listener.local_addr()?);
        let shared = Arc::new(Mutex::new(Shared {
            script,
            log: Vec::new(),
            started: Instant::now(),
        }));
        let log = shared.clone();
        let accept = tokio::spawn(async move {
            // Dropping the set (when this task is aborted) ends every connection.
            let mut connections = JoinSet::new();
            while let Ok((stream, _)) = listener.accept().await {
                let log = log.clone();
                connections.spawn(async move {
                    let service = hyper::service::service_fn(move |r| handle(log.clone(), r));
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Ok(Self {
            url,
            shared,
            accept,
        })
    }

    /// Stops serving and gives the exchange.
    pub(crate) fn finish(self) -> Vec<Entry> {
        self.accept.abort();
        let mut shared = self.shared.lock().unwrap_or_else(PoisonError::into_inner);
        std::mem::take(&mut shared.log)
    }
}

type Out = BoxBody<Bytes, Infallible>;

async fn handle(log: Log, request: Request<Incoming>) -> Result<Response<Out>, Infallible> {
    let (parts, body) = request.into_parts();
    let text = match Limited::new(body, BODY_LIMIT).collect().await {
        Ok(b) => String::from_utf8_lossy(&b.to_bytes()).into_owned(),
        Err(e) => format!("<the body could not be read: {e}>"),
    };
    let mut shared = log.lock().unwrap_or_else(PoisonError::into_inner);
    let seen = Seen {
        at: shared.started.elapsed(),
        method: parts.method.to_string(),
        target: parts
            .uri
            .path_and_query()
            .map_or_else(|| parts.uri.path().to_owned(), |p| p.as_str().to_owned()),
        headers: parts.headers,
        body: serde_json::from_str(&text).unwrap_or(Value::Null),
        text,
        speaking: shared.script.speaking(),
    };
    let answer = shared.script.answer(&seen);
    let room = shared.log.len() < LOG_LINES;
    if room {
        shared.log.push(Entry::Got(seen));
    }
    let mut response = Response::builder()
        .status(StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR));
    for (name, value) in &answer.headers {
        response = response.header(*name, value.as_str());
    }
    let summary = |what: &str| format!("→ {} {what}", answer.status);
    let body: Out = match answer.body {
        Body::Empty => {
            if room {
                shared.log.push(Entry::Sent(summary("")));
            }
            Full::new(Bytes::new()).boxed()
        }
        Body::Json(v) => {
            let text = v.to_string();
            if room {
                shared.log.push(Entry::Sent(summary(&clip(&text))));
            }
            response = response.header("content-type", "application/json");
            Full::new(Bytes::from(text)).boxed()
        }
        Body::Sse(rx) => {
            if room {
                shared.log.push(Entry::Sent(summary("(event stream)")));
            }
            response = response
                .header("content-type", "text/event-stream")
                .header("cache-control", "no-cache");
            let log = log.clone();
            let events = futures::stream::unfold(rx, move |mut rx| {
                let log = log.clone();
                async move {
                    let event = rx.recv().await?;
                    let mut shared = log.lock().unwrap_or_else(PoisonError::into_inner);
                    let line = format!("→ event {}", clip(&event.trim_end().replace('\n', " | ")));
                    if shared.log.len() < LOG_LINES {
                        shared.log.push(Entry::Sent(line));
                    }
                    Some((Ok(Frame::data(Bytes::from(event))), rx))
                }
            });
            StreamBody::new(events).boxed()
        }
    };
    drop(shared);
    Ok(response
        .body(body)
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::new()).boxed())))
}
