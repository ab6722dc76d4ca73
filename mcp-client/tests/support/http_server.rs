//! A scripted HTTP server on 127.0.0.1 for the Streamable HTTP tests: every request is handed
//! to the test, which answers it exactly (status, headers, a JSON body, or an SSE stream it
//! writes chunk by chunk and may break off).

use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::header::HeaderMap;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::sync::{mpsc, oneshot};

/// One request the client made, waiting for the test's answer.
#[derive(Debug)]
pub struct Exchange {
    /// GET, POST or DELETE.
    pub method: Method,
    /// The path and query.
    pub path: String,
    /// The request headers.
    pub headers: HeaderMap,
    /// The body as JSON (`Null` when empty or not JSON).
    pub body: Value,
    reply: oneshot::Sender<Response<BoxBody<Bytes, io::Error>>>,
}

impl Exchange {
    /// A header's value as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The JSON-RPC method of the body.
    pub fn rpc_method(&self) -> Option<&str> {
        self.body.get("method").and_then(Value::as_str)
    }

    /// Answers with `status` and a JSON body (plus `headers`).
    pub fn json(self, status: u16, body: Value, headers: &[(&str, &str)]) {
        let mut response = Response::builder()
            .status(status)
            .header("content-type", "application/json");
        for (k, v) in headers {
            response = response.header(*k, *v);
        }
        let body = full(Bytes::from(body.to_string()));
        let _ = self.reply.send(response.body(body).unwrap());
    }

    /// Answers a request with its JSON-RPC `result`.
    pub fn result(self, result: Value, headers: &[(&str, &str)]) {
        let id = self.body["id"].clone();
        self.json(
            200,
            serde_json::json!({"jsonrpc": "2.0", "id": id, "result": result}),
            headers,
        );
    }

    /// Answers with `status` and a plain body.
    pub fn status(self, status: u16, body: &str) {
        let response = Response::builder()
            .status(status)
            .body(full(Bytes::from(body.to_owned())))
            .unwrap();
        let _ = self.reply.send(response);
    }

    /// Answers with an SSE stream; the test writes it with the returned sender and ends it
    /// by dropping the sender.
    pub fn sse(self, headers: &[(&str, &str)]) -> mpsc::UnboundedSender<String> {
        let (tx, rx) = mpsc::unbounded_channel::<String>();
        let stream = futures::stream::unfold(rx, |mut rx| async move {
            let chunk = rx.recv().await?;
            Some((Ok::<_, io::Error>(Frame::data(Bytes::from(chunk))), rx))
        });
        let mut response = Response::builder()
            .status(StatusCode::OK)
            .header("content-type", "text/event-stream");
        for (k, v) in headers {
            response = response.header(*k, *v);
        }
        let _ = self.reply.send(
            response
                .body(BodyExt::boxed(StreamBody::new(stream)))
                .unwrap(),
        );
        tx
    }
}

impl Exchange {
    /// Answers with an SSE stream the test writes chunk by chunk; an `Err` breaks it off:
    /// the body fails, so the connection is cut without the end of the chunked body (as
    /// when a proxy or the server dies mid-answer).
    pub fn sse_breakable(self) -> mpsc::UnboundedSender<io::Result<String>> {
        let (tx, rx) = mpsc::unbounded_channel::<io::Result<String>>();
        let stream = futures::stream::unfold(rx, |mut rx| async move {
            let chunk = rx.recv().await?;
            Some((chunk.map(|c| Frame::data(Bytes::from(c))), rx))
        });
        let response = Response::builder()
            .status(StatusCode::OK)
            .header("content-type", "text/event-stream")
            .body(BodyExt::boxed(StreamBody::new(stream)))
            .unwrap();
        let _ = self.reply.send(response);
        tx
    }
}

/// A whole body.
fn full(bytes: Bytes) -> BoxBody<Bytes, io::Error> {
    Full::new(bytes).map_err(|never| match never {}).boxed()
}

/// One SSE `message` event carrying `message`, with an optional id.
pub fn event(id: Option<&str>, message: &Value) -> String {
    match id {
        Some(id) => format!("id: {id}\nevent: message\ndata: {message}\n\n"),
        None => format!("event: message\ndata: {message}\n\n"),
    }
}

/// The scripted server: its URL and the requests it received.
pub struct HttpServer {
    /// `http://127.0.0.1:PORT/mcp`.
    pub url: String,
    requests: mpsc::UnboundedReceiver<Exchange>,
    /// Answer GETs with 405 without showing them to the test.
    refuse_get: bool,
}

impl HttpServer {
    /// Starts a server on a free port of 127.0.0.1. GETs (the standalone stream) are answered
    /// 405 unless [`HttpServer::show_gets`] is called.
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            // Bounded by the test: the runtime ends with it.
            while let Ok((socket, _)) = listener.accept().await {
                let tx = tx.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |req: Request<Incoming>| {
                        let tx = tx.clone();
                        async move {
                            let (parts, body) = req.into_parts();
                            let bytes = body
                                .collect()
                                .await
                                .map(|b| b.to_bytes())
                                .unwrap_or_default();
                            let (reply, answer) = oneshot::channel();
                            let exchange = Exchange {
                                method: parts.method,
                                path: parts
                                    .uri
                                    .path_and_query()
                                    .map(|p| p.to_string())
                                    .unwrap_or_default(),
                                headers: parts.headers,
                                body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
                                reply,
                            };
                            let _ = tx.send(exchange);
                            let response = answer.await.unwrap_or_else(|_| {
                                Response::builder()
                                    .status(500)
                                    .body(full(Bytes::new()))
                                    .unwrap()
                            });
                            Ok::<_, Infallible>(response)
                        }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(socket), service)
                        .await;
                });
            }
        });
        Self {
            url: format!("http://{addr}/mcp"),
            requests: rx,
            refuse_get: true,
        }
    }

    /// Shows GETs to the test instead of refusing them.
    pub fn show_gets(&mut self) {
        self.refuse_get = false;
    }

    /// The next request (GETs refused automatically unless shown); panics after 5 s.
    pub async fn next(&mut self) -> Exchange {
        loop {
            let exchange = tokio::time::timeout(Duration::from_secs(5), self.requests.recv())
                .await
                .expect("no request within 5 s")
                .expect("server gone");
            if self.refuse_get && exchange.method == Method::GET {
                exchange.status(405, "");
                continue;
            }
            if exchange.method == Method::DELETE {
                exchange.status(200, "");
                continue;
            }
            return exchange;
        }
    }

    /// The next request, which must be a POST of JSON-RPC `method`.
    pub async fn expect(&mut self, method: &str) -> Exchange {
        let exchange = self.next().await;
        assert_eq!(exchange.method, Method::POST, "{exchange:?}");
        assert_eq!(exchange.rpc_method(), Some(method), "{:?}", exchange.body);
        exchange
    }

    /// Whether a request arrives within `wait` (for "nothing more was sent").
    pub async fn idle_for(&mut self, wait: Duration) -> bool {
        loop {
            match tokio::time::timeout(wait, self.requests.recv()).await {
                Err(_) | Ok(None) => return true,
                Ok(Some(e))
                    if e.method == Method::DELETE
                        || (self.refuse_get && e.method == Method::GET) =>
                {
                    e.status(405, "");
                }
                Ok(Some(_)) => return false,
            }
        }
    }

    /// Plays a session-era server through the handshake: the `server/discover` probe is
    /// refused with a bare 400, `initialize` gets `version` and session `session`. Returns
    /// the `initialize` request as sent.
    pub async fn handshake(&mut self, version: &str, session: &str) -> Value {
        self.expect("server/discover")
            .await
            .status(400, "Bad Request: no session");
        let init = self.expect("initialize").await;
        let sent = init.body.clone();
        init.result(
            serde_json::json!({"protocolVersion": version, "capabilities": {"tools": {}},
                "serverInfo": {"name": "scripted-http", "version": "1"}}),
            &[("mcp-session-id", session)],
        );
        let initialized = self.expect("notifications/initialized").await;
        assert_eq!(initialized.header("mcp-session-id"), Some(session));
        initialized.status(202, "");
        sent
    }
}
