//! [`McpService`]: the MCP endpoint as a `tower::Service` — POST, GET and DELETE for both
//! eras, and the 2024-11-05 endpoints beside it.
//!
//! Which era a POST belongs to is read from the request: an `Mcp-Session-Id` header (or an
//! `initialize`) means the session era; a request whose `_meta` names a protocol version
//! (and whose `MCP-Protocol-Version` header must then agree) is 2026-07-28 and is served
//! with a throwaway session.
//!
//! A request's answer is JSON unless the handler sends something before its result
//! (progress, a log message, a server-to-client request, a listen acknowledgement): the
//! first message decides, so quick calls cost no SSE framing.

use std::convert::Infallible;
use std::error::Error as StdError;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures::FutureExt;
use futures::future::BoxFuture;
use http::{HeaderValue, Method, Request, Response, StatusCode, header};
use http_body::Body;
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Empty, Full, Limited};
use mcp_protocol::jsonrpc::{ErrorCode, Message, NotificationMessage, RequestMessage};
use mcp_protocol::{ErrorObject, ProtocolVersion, RequestId};
use serde::Deserialize;
use tokio_util::sync::CancellationToken;

use super::config::HttpConfig;
use super::event_store::session_of;
use super::headers::{self, PROTOCOL_VERSION, SESSION_ID, Salient};
use super::outbound::{Item, RequestOutbound, error_body, response};
use super::queue;
use super::session::{HttpSession, SessionTable};
use super::sse::{Framing, OnDrop, SseStream, event};
use super::{auth, guard, legacy};
use crate::context::Principal;
use crate::dispatch::{Call, DISCOVER_WITHOUT_META};
use crate::server::Server;
use crate::session::Session;
use mcp_auth::PrincipalKey;

/// The body of every response of [`McpService`].
pub type HttpBody = UnsyncBoxBody<Bytes, Infallible>;

/// The MCP endpoint as a `tower::Service` over `http` requests: mount it in axum
/// (`Router::route_service("/mcp", service)`), run it on plain hyper, or let
/// [`Server::serve_http`] do both. Cheap to clone; clones share sessions.
#[derive(Clone, Debug)]
pub struct McpService {
    pub(crate) shared: Arc<Shared>,
}

#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) server: Server,
    pub(crate) config: HttpConfig,
    pub(crate) sessions: SessionTable,
}

impl Server {
    /// This server's Streamable HTTP endpoint, configured by `config`.
    pub fn http_service(&self, config: HttpConfig) -> McpService {
        McpService {
            shared: Arc::new(Shared {
                server: self.clone(),
                sessions: SessionTable::new(config.max_sessions, config.idle_timeout),
                config,
            }),
        }
    }
}

impl McpService {
    /// Ends every HTTP session now (their in-flight requests are cancelled).
    pub fn close_sessions(&self) {
        self.shared.sessions.clear();
    }
}

impl<B> tower_service::Service<Request<B>> for McpService
where
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn StdError + Send + Sync>>,
{
    type Response = Response<HttpBody>;
    type Error = Infallible;
    type Future = BoxFuture<'static, Result<Response<HttpBody>, Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let shared = self.shared.clone();
        async move { Ok(shared.handle(request).await) }.boxed()
    }
}

/// A response with `body` as JSON.
pub(crate) fn json(status: StatusCode, body: Bytes) -> Response<HttpBody> {
    let mut r = Response::new(Full::new(body).boxed_unsync());
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

/// A JSON-RPC error without id, with `status`.
pub(crate) fn refuse(status: StatusCode, code: ErrorCode, message: &str) -> Response<HttpBody> {
    json(status, error_body(ErrorObject::new(code, message)))
}

pub(crate) fn empty(status: StatusCode) -> Response<HttpBody> {
    let mut r = Response::new(Empty::new().boxed_unsync());
    *r.status_mut() = status;
    r
}

pub(crate) fn sse(stream: SseStream) -> Response<HttpBody> {
    let mut r = Response::new(stream.boxed_unsync());
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    // 2026-07-28 §Receiving Messages: keeps reverse proxies from buffering the stream.
    h.insert("x-accel-buffering", HeaderValue::from_static("no"));
    r
}

/// Reads a body of at most `max` bytes: 413 beyond, 400 if it cannot be read.
pub(crate) async fn read_body<B>(body: B, max: usize) -> Result<Bytes, Box<Response<HttpBody>>>
where
    B: Body,
    B::Error: Into<Box<dyn StdError + Send + Sync>>,
{
    match Limited::new(body, max).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => Err(Box::new(refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::INVALID_REQUEST,
            "the request body is too large",
        ))),
        Err(_) => Err(Box::new(refuse(
            StatusCode::BAD_REQUEST,
            ErrorCode::PARSE_ERROR,
            "the request body could not be read",
        ))),
    }
}

fn is_batch(bytes: &[u8]) -> bool {
    bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[')
}

/// Decodes one JSON-RPC message, or says why not (400).
pub(crate) fn decode(bytes: &[u8]) -> Result<Message, Box<Response<HttpBody>>> {
    if is_batch(bytes) {
        // 2025-06-18 removed batches; a 2025-03-26 client may still send one.
        return Err(Box::new(refuse(
            StatusCode::BAD_REQUEST,
            ErrorCode::INVALID_REQUEST,
            "JSON-RPC batches are not supported: send one message per POST",
        )));
    }
    Message::from_slice(bytes).map_err(|e| {
        Box::new(json(
            StatusCode::BAD_REQUEST,
            error_body(e.to_error_object()),
        ))
    })
}

/// The HTTP status of a JSON answer carrying error `code`.
fn status_for(code: Option<ErrorCode>, stateless: bool) -> StatusCode {
    match code {
        None => StatusCode::OK,
        // 2026-07-28 §Request Metadata: an unimplemented method is 404 with -32601; header
        // mismatch, unsupported version and missing capability are 400.
        Some(ErrorCode::METHOD_NOT_FOUND) if stateless => StatusCode::NOT_FOUND,
        Some(
            ErrorCode::HEADER_MISMATCH
            | ErrorCode::UNSUPPORTED_PROTOCOL_VERSION
            | ErrorCode::MISSING_REQUIRED_CLIENT_CAPABILITY,
        ) => StatusCode::BAD_REQUEST,
        Some(ErrorCode::INVALID_REQUEST | ErrorCode::PARSE_ERROR) if stateless => {
            StatusCode::BAD_REQUEST
        }
        Some(_) => StatusCode::OK,
    }
}

#[derive(Deserialize)]
struct CancelledParams {
    #[serde(rename = "requestId")]
    request_id: RequestId,
}

/// A notification the client POSTed to a session.
pub(crate) fn on_notification(session: &HttpSession, n: &NotificationMessage) {
    if n.method == "notifications/cancelled"
        && let Some(p) = n
            .params
            .as_deref()
            .and_then(|raw| serde_json::from_str::<CancelledParams>(raw.get()).ok())
    {
        session.cancel(&p.request_id);
    }
}

impl Shared {
    async fn handle<B>(self: Arc<Self>, request: Request<B>) -> Response<HttpBody>
    where
        B: Body + Send + 'static,
        B::Error: Into<Box<dyn StdError + Send + Sync>>,
    {
        let (parts, body) = request.into_parts();
        let authority = parts.uri.authority().map(http::uri::Authority::as_str);
        if !guard::host_and_origin_allowed(&self.config, &parts.headers, authority) {
            return refuse(
                StatusCode::FORBIDDEN,
                ErrorCode::INVALID_REQUEST,
                "forbidden: the Host or Origin header is not allowed",
            );
        }
        let path = parts.uri.path();
        // RFC 9728 §3: the metadata is public, so a client can learn where to get a token.
        if let Some(r) = auth::metadata(&self.config, &parts.method, path) {
            return r;
        }
        let principal = match auth::caller(&self.config, &parts.headers).await {
            Ok(principal) => principal,
            Err(r) => return r,
        };
        if path == self.config.path {
            return match parts.method {
                Method::POST => self.post(&parts, body, principal).await,
                Method::GET => self.get(
                    &parts,
                    owner_key(principal.as_ref()),
                    auth::stream_deadline(&self.config, principal.as_ref()),
                ),
                Method::DELETE => self.delete(&parts, owner_key(principal.as_ref())),
                _ => {
                    let mut r = empty(StatusCode::METHOD_NOT_ALLOWED);
                    r.headers_mut()
                        .insert(header::ALLOW, HeaderValue::from_static("GET, POST, DELETE"));
                    r
                }
            };
        }
        if self.config.legacy_sse {
            match (&parts.method, path) {
                (&Method::GET, "/sse") => return legacy::open(&self, principal.as_ref()),
                (&Method::POST, "/messages") => {
                    return legacy::post(&self, &parts, body, principal).await;
                }
                _ => {}
            }
        }
        empty(StatusCode::NOT_FOUND)
    }

    async fn post<B>(
        self: &Arc<Self>,
        parts: &http::request::Parts,
        body: B,
        principal: Option<Principal>,
    ) -> Response<HttpBody>
    where
        B: Body,
        B::Error: Into<Box<dyn StdError + Send + Sync>>,
    {
        let headers = &parts.headers;
        if !guard::is_json(headers) {
            return refuse(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::INVALID_REQUEST,
                "the body must be application/json",
            );
        }
        // basic/transports §Sending Messages 2: the client MUST accept both.
        if !guard::accepts(headers, "application/json")
            || !guard::accepts(headers, "text/event-stream")
        {
            return refuse(
                StatusCode::NOT_ACCEPTABLE,
                ErrorCode::INVALID_REQUEST,
                "the Accept header must list both application/json and text/event-stream",
            );
        }
        let bytes = match read_body(body, self.config.max_body).await {
            Ok(bytes) => bytes,
            Err(r) => return *r,
        };
        let header_version = headers
            .get(PROTOCOL_VERSION)
            .and_then(|v| v.to_str().ok())
            .map(|v| (v, ProtocolVersion::parse(v)));
        let session_id = headers.get(SESSION_ID).and_then(|v| v.to_str().ok());
        let stateless_header = matches!(header_version, Some((_, Some(v))) if !v.has_handshake());

        // 2026-07-28 §Backward Compatibility: a modern request's `Mcp-Session-Id` is ignored.
        if let Some(id) = session_id.filter(|_| !stateless_header) {
            let Some(session) = self
                .sessions
                .get(id, owner_key(principal.as_ref()).as_ref())
            else {
                // 2025-11-25 §Session Management 3: a terminated session is 404.
                return refuse(
                    StatusCode::NOT_FOUND,
                    ErrorCode::INVALID_REQUEST,
                    "session not found: initialize a new one",
                );
            };
            if let Some((text, version)) = header_version
                && !version.is_some_and(|v| self.server.versions().contains(v))
            {
                // 2025-06-18 §Protocol Version Header: an invalid or unsupported version is 400.
                return refuse(
                    StatusCode::BAD_REQUEST,
                    ErrorCode::INVALID_REQUEST,
                    &format!("unsupported MCP-Protocol-Version: {text}"),
                );
            }
            if is_batch(&bytes)
                && session.session.negotiated().map(|n| n.version)
                    == Some(ProtocolVersion::V2025_03_26)
            {
                return self.batch(session, &bytes, principal).await;
            }
            let message = match self.decode_permitted(&bytes, principal.as_ref()) {
                Ok(message) => message,
                Err(r) => return *r,
            };
            return self.in_session(session, message, principal).await;
        }
        let message = match self.decode_permitted(&bytes, principal.as_ref()) {
            Ok(m) => m,
            Err(r) => return *r,
        };
        match message {
            Message::Request(r) if r.method == "initialize" && !stateless_header => {
                self.initialize(r, principal).await
            }
            Message::Request(r) => self.stateless(r, principal, parts).await,
            // 2026-07-28 streamable-http §Sending Messages 4: "The body of the HTTP POST MUST
            // be a single JSON-RPC request or notification. The client MUST NOT send JSON-RPC
            // responses." (the server sends no requests that could be answered). Accepting one
            // with 202 would tell the client it was taken; it is a malformed POST: 400.
            Message::Response(_) if stateless_header => refuse(
                StatusCode::BAD_REQUEST,
                ErrorCode::INVALID_REQUEST,
                "a 2026-07-28 POST carries a request or a notification, never a response",
            ),
            // §Sending Messages 5: an accepted notification is 202 with no body.
            _ if stateless_header => empty(StatusCode::ACCEPTED),
            _ => refuse(
                StatusCode::BAD_REQUEST,
                ErrorCode::INVALID_REQUEST,
                "the Mcp-Session-Id header is required",
            ),
        }
    }

    /// Decodes one message ([`decode`]) and checks that `principal` may make it (a
    /// request: the scope policy; anything else passes).
    pub(crate) fn decode_permitted(
        &self,
        bytes: &[u8],
        principal: Option<&Principal>,
    ) -> Result<Message, Box<Response<HttpBody>>> {
        let message = decode(bytes)?;
        if let Message::Request(request) = &message {
            auth::permit(&self.config, principal, [request])?;
        }
        Ok(message)
    }

    /// `initialize` opens a session; its id goes back in `Mcp-Session-Id`.
    async fn initialize(
        self: &Arc<Self>,
        request: RequestMessage,
        principal: Option<Principal>,
    ) -> Response<HttpBody> {
        let owner = owner_key(principal.as_ref());
        let Ok(session) =
            self.sessions
                .create(&self.server, self.config.event_store.clone(), owner)
        else {
            return refuse(
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorCode::INTERNAL_ERROR,
                "too many sessions: try again later",
            );
        };
        let id = request.id.clone();
        let call = Call {
            message: request,
            cancel: CancellationToken::new(),
            principal,
            outbound: None,
        };
        let outcome = self.server.dispatch(&session.session, call).await;
        let Item::Final(body, code) = response(id, outcome) else {
            unreachable!("a response is final")
        };
        let mut r = json(StatusCode::OK, body);
        if code.is_some() {
            self.sessions.remove(&session.id);
        } else if let Ok(value) = HeaderValue::from_str(&session.id) {
            r.headers_mut().insert(SESSION_ID, value);
        }
        r
    }

    async fn in_session(
        self: &Arc<Self>,
        session: Arc<HttpSession>,
        message: Message,
        principal: Option<Principal>,
    ) -> Response<HttpBody> {
        let request = match message {
            Message::Request(r) => r,
            Message::Notification(n) => {
                on_notification(&session, &n);
                return empty(StatusCode::ACCEPTED);
            }
            Message::Response(r) => {
                session.link.answer(r);
                return empty(StatusCode::ACCEPTED);
            }
        };
        let (tx, rx) = queue::channel(self.config.stream_queue);
        self.spawn_in_session(&session, request, principal, tx);
        self.respond(rx, Era::Session(session), 1).await
    }

    /// Runs `request` of `session` on its own task; its messages and response go to `tx`.
    fn spawn_in_session(
        &self,
        session: &Arc<HttpSession>,
        request: RequestMessage,
        principal: Option<Principal>,
        tx: queue::Tx,
    ) {
        let cancel = CancellationToken::new();
        let id = request.id.clone();
        session.start(id.clone(), cancel.clone());
        let call = Call {
            message: request,
            cancel: cancel.clone(),
            principal,
            outbound: Some(Arc::new(RequestOutbound {
                tx: tx.clone(),
                link: Some(session.link.clone()),
                resumable: session.store().is_some(),
            })),
        };
        // The request runs on its own task: 2025-11-25 §Sending Messages 6, disconnection
        // is not cancellation; what it sends after a disconnect waits for a resumption.
        let server = self.server.clone();
        let task_session = session.clone();
        tokio::spawn(async move {
            let outcome = server.dispatch(&task_session.session, call).await;
            task_session.finish(&id);
            // basic/utilities/cancellation: a cancelled request gets no answer.
            if !cancel.is_cancelled() {
                let _ = tx.send(response(id, outcome));
            }
        });
    }

    /// 2025-03-26 basic/transports §Sending Messages: a batch of requests, notifications
    /// and responses; the requests' responses come back together (a JSON array, or one SSE
    /// stream carrying them all).
    async fn batch(
        self: &Arc<Self>,
        session: Arc<HttpSession>,
        bytes: &[u8],
        principal: Option<Principal>,
    ) -> Response<HttpBody> {
        let messages = match mcp_protocol::jsonrpc::decode_batch(bytes) {
            Ok(messages) => messages,
            Err(e) => return json(StatusCode::BAD_REQUEST, error_body(e.to_error_object())),
        };
        let requests = messages.iter().filter_map(|m| match m {
            Ok(Message::Request(r)) => Some(r),
            _ => None,
        });
        if let Err(r) = auth::permit(&self.config, principal.as_ref(), requests) {
            return *r;
        }
        let (tx, rx) = queue::channel(self.config.stream_queue);
        let mut responses = 0;
        for message in messages {
            match message {
                Ok(Message::Request(r)) => {
                    responses += 1;
                    self.spawn_in_session(&session, r, principal.clone(), tx.clone());
                }
                Ok(Message::Notification(n)) => on_notification(&session, &n),
                Ok(Message::Response(r)) => {
                    session.link.answer(r);
                }
                Err(e) => {
                    responses += 1;
                    let error = mcp_protocol::jsonrpc::ResultOrError::Error(e.to_error_object());
                    let item = match e.request_id() {
                        Some(id) => response(id.clone(), error),
                        None => Item::Final(error_body(e.to_error_object()), None),
                    };
                    let _ = tx.send(item);
                }
            }
        }
        drop(tx);
        if responses == 0 {
            return empty(StatusCode::ACCEPTED);
        }
        self.respond(rx, Era::Session(session), responses).await
    }

    /// 2026-07-28: one request, its own throwaway session.
    async fn stateless(
        self: &Arc<Self>,
        request: RequestMessage,
        principal: Option<Principal>,
        parts: &http::request::Parts,
    ) -> Response<HttpBody> {
        let salient = Salient::of(&request);
        let headers = &parts.headers;
        let has_header = headers.contains_key(PROTOCOL_VERSION);
        let unversioned = salient.version().is_none() && !has_header;
        if unversioned && request.method != "server/discover" {
            // A session-era request without its session.
            return refuse(
                StatusCode::BAD_REQUEST,
                ErrorCode::INVALID_REQUEST,
                "the Mcp-Session-Id header is required (or name a protocol version in \
                 `_meta[\"io.modelcontextprotocol/protocolVersion\"]`)",
            );
        }
        let checked = if unversioned {
            // A `server/discover` with neither the header nor `_meta`: basic/index §Per-request
            // protocol fields, a request missing a required field MUST get -32602, "On HTTP,
            // the response status MUST be 400 Bad Request".
            Err(ErrorObject::invalid_params(DISCOVER_WITHOUT_META))
        } else {
            headers::check_meta(&salient)
                .and_then(|()| headers::check(headers, &request, &salient))
                .and_then(|()| headers::check_params(headers, &self.server, &request, &salient))
        };
        if let Err(e) = checked {
            let Item::Final(body, _) =
                response(request.id, mcp_protocol::jsonrpc::ResultOrError::Error(e))
            else {
                unreachable!("a response is final")
            };
            return json(StatusCode::BAD_REQUEST, body);
        }
        let (tx, rx) = queue::channel(self.config.stream_queue);
        let cancel = CancellationToken::new();
        let listen = request.method == "subscriptions/listen";
        let number = if listen {
            self.server
                .inner
                .next_session
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        } else {
            0
        };
        let session = Arc::new(Session::new(
            number,
            Arc::new(RequestOutbound {
                tx: tx.clone(),
                link: None,
                resumable: false,
            }),
        ));
        if listen {
            // Broadcasts (list_changed, resources/updated) find listen streams among the
            // server's sessions.
            self.server.sessions().insert(number, session.clone());
        }
        let id = request.id.clone();
        let deadline = auth::stream_deadline(&self.config, principal.as_ref());
        let call = Call {
            message: request,
            cancel: cancel.clone(),
            principal,
            outbound: None,
        };
        let server = self.server.clone();
        let task_cancel = cancel.clone();
        let mut task = Box::pin(async move {
            let outcome = server.dispatch(&session, call).await;
            if listen {
                server.sessions().remove(&number);
            }
            session.closed.cancel();
            if !task_cancel.is_cancelled() {
                let _ = tx.send(response(id, outcome));
            }
        });
        // Poll the request here first: this future already runs on the connection's task
        // (HTTP/2 streams each get their own), and a handler that answers without waiting
        // (most tool calls) is then answered with no task spawned and no wake-up. Only a
        // request that has to wait gets a task, so it carries on while its stream is sent.
        if (&mut task).now_or_never().is_none() {
            tokio::spawn(task);
        }
        // Until the response stream exists, a client that goes away cancels the request too.
        let guard = cancel.clone().drop_guard();
        let era = Era::Stateless {
            cancel,
            listen,
            deadline,
        };
        let r = self.respond(rx, era, 1).await;
        guard.disarm();
        r
    }

    /// JSON if the answers come first, else an SSE stream starting with what came.
    async fn respond(&self, mut rx: queue::Rx, era: Era, responses: usize) -> Response<HttpBody> {
        let stateless = matches!(era, Era::Stateless { .. });
        let mut finals = Vec::new();
        let first = loop {
            match rx.recv().await {
                None if finals.is_empty() => return empty(StatusCode::ACCEPTED),
                None => return json(StatusCode::OK, json_array(&finals)),
                Some(Item::Final(body, code)) if responses == 1 => {
                    return json(status_for(code, stateless), body);
                }
                Some(Item::Final(body, _)) => {
                    finals.push(body);
                    if finals.len() == responses {
                        return json(StatusCode::OK, json_array(&finals));
                    }
                }
                Some(first) => break first,
            }
        };
        let stream = match era {
            Era::Stateless {
                cancel,
                listen,
                deadline,
            } => {
                let s = SseStream::new(rx, Framing::Plain, OnDrop::Cancel(cancel));
                if listen {
                    // The 2026-07-28 event stream (subscriptions/listen) ends with its token.
                    s.keep_alive(self.config.keep_alive).ends_at(deadline)
                } else {
                    s
                }
            }
            Era::Session(session) => match session.store().cloned() {
                Some(store) => {
                    let version = session.session.negotiated().map(|n| n.version);
                    let framing = Framing::Resumable {
                        stream: session.new_stream(),
                        store,
                    };
                    let mut s = SseStream::new(rx, framing, OnDrop::Detach(session));
                    if version >= Some(ProtocolVersion::V2025_11_25) {
                        s.prime(self.config.retry);
                    }
                    s
                }
                None => SseStream::new(rx, Framing::Plain, OnDrop::Nothing),
            },
        };
        let mut stream = stream.responses(responses);
        for body in finals {
            stream.push(Item::Final(body, None));
        }
        stream.push(first);
        sse(stream)
    }

    /// GET: the session's stream for unrelated messages, or the resumption of a stream.
    fn get(
        self: &Arc<Self>,
        parts: &http::request::Parts,
        caller: Option<PrincipalKey>,
        deadline: Option<std::time::SystemTime>,
    ) -> Response<HttpBody> {
        let headers = &parts.headers;
        if !guard::accepts(headers, "text/event-stream") {
            return refuse(
                StatusCode::NOT_ACCEPTABLE,
                ErrorCode::INVALID_REQUEST,
                "the Accept header must list text/event-stream",
            );
        }
        let Some(id) = headers.get(SESSION_ID).and_then(|v| v.to_str().ok()) else {
            // 2026-07-28 has no GET stream; 2025-11-25 §Listening allows 405 without one.
            return refuse(
                StatusCode::METHOD_NOT_ALLOWED,
                ErrorCode::INVALID_REQUEST,
                "GET needs an Mcp-Session-Id (session-era streams only)",
            );
        };
        let Some(session) = self.sessions.get(id, caller.as_ref()) else {
            return refuse(
                StatusCode::NOT_FOUND,
                ErrorCode::INVALID_REQUEST,
                "session not found",
            );
        };
        let version = session.session.negotiated().map(|n| n.version);
        let shutdown = self.server.inner.shutdown.clone();
        let last = headers.get("last-event-id").and_then(|v| v.to_str().ok());
        let store = session.store().cloned();
        if let (Some(last), Some(store)) = (last, &store) {
            let Some((stream, events)) = store.after(last) else {
                return refuse(
                    StatusCode::NOT_FOUND,
                    ErrorCode::INVALID_REQUEST,
                    "unknown Last-Event-ID",
                );
            };
            // §Resumability 2: never replay another stream's, let alone another session's,
            // events.
            if session_of(&stream) != session.id {
                return refuse(
                    StatusCode::NOT_FOUND,
                    ErrorCode::INVALID_REQUEST,
                    "unknown Last-Event-ID",
                );
            }
            let get_stream = stream == session.get_stream_id();
            let rx = if get_stream {
                let (tx, rx) = queue::channel(self.config.stream_queue);
                if !session.link.open_get_stream(tx) {
                    return conflict();
                }
                rx
            } else {
                // The rest of the request's stream, if it is still to come; otherwise the
                // replay is all there is.
                session
                    .reattach(&stream)
                    .unwrap_or_else(|| queue::channel(self.config.stream_queue).1)
            };
            let on_drop = if get_stream {
                OnDrop::Nothing
            } else {
                OnDrop::Detach(session.clone())
            };
            let mut s = SseStream::new(
                rx,
                Framing::Resumable {
                    stream,
                    store: store.clone(),
                },
                on_drop,
            );
            for (id, data) in events.iter().filter(|(_, d)| !d.is_empty()) {
                s.push_raw(event(Some(id), None, None, data));
            }
            if get_stream {
                s = s.ends_on(shutdown).keep_alive(self.config.keep_alive);
            }
            return sse(s.ends_at(deadline));
        }
        let (tx, rx) = queue::channel(self.config.stream_queue);
        if !session.link.open_get_stream(tx) {
            return conflict();
        }
        let framing = match store {
            Some(store) => Framing::Resumable {
                stream: session.get_stream_id(),
                store,
            },
            None => Framing::Plain,
        };
        let mut s = SseStream::new(rx, framing, OnDrop::Nothing)
            .ends_on(shutdown)
            .keep_alive(self.config.keep_alive)
            .ends_at(deadline);
        if version >= Some(ProtocolVersion::V2025_11_25) {
            s.prime(self.config.retry);
        }
        sse(s)
    }

    /// DELETE ends the session (2025-11-25 §Session Management 5).
    fn delete(
        self: &Arc<Self>,
        parts: &http::request::Parts,
        caller: Option<PrincipalKey>,
    ) -> Response<HttpBody> {
        let Some(id) = parts.headers.get(SESSION_ID).and_then(|v| v.to_str().ok()) else {
            return refuse(
                StatusCode::BAD_REQUEST,
                ErrorCode::INVALID_REQUEST,
                "the Mcp-Session-Id header is required",
            );
        };
        if self.sessions.get(id, caller.as_ref()).is_some() && self.sessions.remove(id) {
            empty(StatusCode::OK)
        } else {
            refuse(
                StatusCode::NOT_FOUND,
                ErrorCode::INVALID_REQUEST,
                "session not found",
            )
        }
    }
}

/// `[a,b,…]` of encoded responses.
fn json_array(items: &[Bytes]) -> Bytes {
    let mut out = Vec::with_capacity(items.iter().map(|b| b.len() + 1).sum::<usize>() + 1);
    out.push(b'[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(item);
    }
    out.push(b']');
    Bytes::from(out)
}

/// The identity (issuer + subject) of `principal`, which sessions are bound to.
pub(crate) fn owner_key(principal: Option<&Principal>) -> Option<PrincipalKey> {
    principal.map(Principal::key)
}

/// 2025-11-25 §Listening: one GET stream per session at a time; a second GET while the
/// first is open is 409 Conflict.
///
/// Decision (spec audit row 3.15, left as it is): §Listening for Messages from the Server 2
/// says the server "MUST either return `Content-Type: text/event-stream` in response to
/// this HTTP GET, or else return HTTP 405", and §Multiple Connections 1 lets the client
/// (MAY) hold several SSE streams. Those several streams are the POST response streams plus
/// the GET stream, and §Multiple Connections 2 has the server send each message "on only
/// one of the connected streams", so a second GET stream would only ever receive what the
/// first does not. The TypeScript SDK answers 409 as well. The alternative that meets the
/// letter, ending the older GET stream in favour of the newer, makes two clients of one
/// session (or a client that resumes both) evict each other in a loop; a conflict is the
/// clearer signal. A client whose first GET connection died half-open gets its stream once
/// the server notices (the keep-alive write fails within `HttpConfig::keep_alive`).
fn conflict() -> Response<HttpBody> {
    refuse(
        StatusCode::CONFLICT,
        ErrorCode::INVALID_REQUEST,
        "a GET stream is already open for this session",
    )
}

/// Which era a response is for.
enum Era {
    Session(Arc<HttpSession>),
    Stateless {
        cancel: CancellationToken,
        listen: bool,
        /// When a listen stream must end (its token's expiry).
        deadline: Option<std::time::SystemTime>,
    },
}
