//! One outgoing message as one POST (basic/transports §Sending Messages to the Server), and
//! what its answer means: a JSON body, an SSE stream (resumed or re-sent when it breaks),
//! `202 Accepted`, or a [`Failure`] for the waiting call (an HTTP error status, a broken
//! stream, …), which the engine hands back to it as it is.

use std::borrow::Cow;
use std::sync::Arc;

use bytes::Bytes;
use futures::StreamExt;
use http::header::{ACCEPT, CONTENT_TYPE};
use http::{HeaderValue, Method, Request, StatusCode};
use mcp_protocol::jsonrpc::Message;
use mcp_protocol::{ErrorCode, RequestId};
use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;

use super::backend::{BodyStream, HttpResponse};
use super::failure::{Failure, StreamBreak};
use super::headers::{MCP_METHOD, MCP_NAME, encode_value, param_headers};
use super::transport::{PROTOCOL_VERSION, SESSION_ID, Shared};
use super::{legacy, stream};

/// What the transport needs to know of an outgoing message.
struct Outgoing {
    id: Option<RequestId>,
    method: Option<String>,
    /// `_meta["io.modelcontextprotocol/protocolVersion"]` (2026-07-28 on).
    version: Option<String>,
    /// The `Mcp-Name` source (`params.name`, `params.uri` or `params.taskId`), for the
    /// methods that have one.
    name: Option<String>,
    /// `params.arguments` of a `tools/call`, for the `Mcp-Param-*` headers.
    arguments: Option<Box<RawValue>>,
    body: Bytes,
}

/// The few `params` fields the headers need, read without building the whole value.
#[derive(Deserialize, Default)]
struct Peek<'a> {
    #[serde(borrow, default)]
    name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    uri: Option<Cow<'a, str>>,
    #[serde(rename = "taskId", borrow, default)]
    task_id: Option<Cow<'a, str>>,
    #[serde(rename = "_meta", borrow, default)]
    meta: Option<MetaPeek<'a>>,
    #[serde(borrow, default)]
    arguments: Option<&'a RawValue>,
}

#[derive(Deserialize, Default)]
struct MetaPeek<'a> {
    #[serde(rename = "io.modelcontextprotocol/protocolVersion", borrow, default)]
    version: Option<Cow<'a, str>>,
}

impl Outgoing {
    fn of(msg: &Message) -> Self {
        let raw = match msg {
            Message::Request(r) => r.params.as_deref(),
            Message::Notification(n) => n.params.as_deref(),
            Message::Response(_) => None,
        };
        let peek: Peek<'_> = raw
            .and_then(|p| serde_json::from_str(p.get()).ok())
            .unwrap_or_default();
        let method = msg.method();
        let name = match method {
            Some("tools/call" | "prompts/get") => peek.name,
            Some("resources/read") => peek.uri,
            // Tasks extension §Streamable HTTP: Routing Headers: "the client MUST set the
            // `Mcp-Name` header to the value of `params.taskId`" on these three methods.
            Some("tasks/get" | "tasks/update" | "tasks/cancel") => peek.task_id,
            _ => None,
        };
        let arguments = match method {
            Some("tools/call") => peek.arguments.map(ToOwned::to_owned),
            _ => None,
        };
        Self {
            id: match msg {
                Message::Request(r) => Some(r.id.clone()),
                _ => None,
            },
            method: method.map(str::to_owned),
            version: peek.meta.and_then(|m| m.version).map(Cow::into_owned),
            name: name.map(Cow::into_owned),
            arguments,
            body: Bytes::from(msg.to_vec()),
        }
    }

    /// Whether the message is sent in the stateless era (2026-07-28 and later: no
    /// handshake, per-request version).
    fn stateless(&self) -> bool {
        self.version.as_deref().is_some_and(is_stateless)
    }
}

/// Whether `version` belongs to the stateless era; dates compare as strings, and `draft`
/// sorts after every date.
pub(crate) fn is_stateless(version: &str) -> bool {
    version > "2025-11-25"
}

/// Sends `msg`; when it was a request and it failed, fails the waiting call.
pub(crate) async fn send(shared: Arc<Shared>, msg: Message) {
    let out = Outgoing::of(&msg);
    let method = out.method.as_deref().unwrap_or_default();
    let cancel = match &out.id {
        Some(id) => shared.observe_request(id, method, out.stateless()),
        None => None,
    };
    let cancel = cancel.unwrap_or_else(|| shared.shutdown.child_token());
    // Cancelling drops the response (and its stream): in 2026-07-28 that is the request's
    // cancellation (§Cancellation).
    let result = tokio::select! {
        () = cancel.cancelled() => Ok(()),
        r = send_message(&shared, &msg, &out) => r,
    };
    if let Err(failure) = result {
        match &out.id {
            Some(id) => {
                tracing::debug!(%failure, method = ?out.method, "request failed");
                shared.finished(id);
                shared.fail(id.clone(), failure.into_request_failure());
            }
            None => tracing::warn!(%failure, method = ?out.method, "message not accepted"),
        }
    }
}

/// Everything after the cancellation token: `send` drops this future to cancel it.
async fn send_message(shared: &Arc<Shared>, msg: &Message, out: &Outgoing) -> Result<(), Failure> {
    let endpoint = shared.state().legacy_endpoint.clone();
    if let Some(endpoint) = endpoint {
        return legacy::post(shared, &endpoint, out.body.clone()).await;
    }
    let stateless = out.stateless();
    let method = out.method.as_deref().unwrap_or_default();
    let mut reissued = 0;
    loop {
        let (request, session) = build_post(shared, out, stateless)?;
        let response = shared.client.execute(request).await?;
        if !response.status.is_success() {
            return refused(shared, msg, out, response, session).await;
        }
        shared.state().confirmed = true;
        if method == "initialize" {
            shared.start_session(response.headers.get(SESSION_ID).cloned());
        }
        // 2025-11-25 §Listening for Messages from the Server: after initialization the
        // client may open a GET stream for requests and notifications of the session. The
        // messages after `initialized` wait (bounded) until the stream has its answer.
        if method == "notifications/initialized"
            && let Some(first_answer) = stream::start_get(shared)
        {
            let _ = tokio::time::timeout(stream::GET_OPEN_WAIT, first_answer).await;
        }
        let Some(id) = &out.id else {
            return Ok(()); // a notification or a response: 202, nothing to read
        };
        match content_type(&response) {
            Some(ContentKind::Json) => {
                let body = read_body(response.body, shared.settings.max_body).await?;
                return shared
                    .deliver_bytes(&body, Some(id))
                    .map_err(Failure::Unanswered);
            }
            Some(ContentKind::Sse) => {
                let mut parser = super::sse::SseParser::new();
                let broken =
                    match stream::read_events(shared, response.body, &mut parser, Some(id)).await {
                        stream::StreamEnd::Answered => return Ok(()),
                        stream::StreamEnd::Broken(e) => e.map(StreamBreak::Read),
                    };
                let delay = parser.retry.unwrap_or(shared.settings.default_retry);
                if stateless {
                    // 2026-07-28: streams cannot be resumed; a broken one is re-sent whole.
                    if reissued >= shared.settings.max_reconnects {
                        return Err(Failure::StreamEnded(broken));
                    }
                    reissued += 1;
                    tracing::debug!(
                        ?id,
                        reissued,
                        "response stream broke; sending the request again"
                    );
                    tokio::time::sleep(delay).await;
                    continue;
                }
                // 2025-11-25 §Resumability and Redelivery: reconnect with GET and
                // Last-Event-ID after the `retry` delay.
                if parser.last_event_id.is_none() {
                    return Err(Failure::StreamEnded(broken));
                }
                return stream::resume(shared, id, parser, broken).await;
            }
            None if response.status == StatusCode::ACCEPTED => {
                return Err(Failure::NoResponse(response.status));
            }
            None => {
                let kind = response
                    .headers
                    .get(CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_owned();
                if kind.is_empty() {
                    return Err(Failure::NoResponse(response.status));
                }
                return Err(Failure::ContentType(kind));
            }
        }
    }
}

/// The POST for `out`, and the session id it carries.
fn build_post(
    shared: &Shared,
    out: &Outgoing,
    stateless: bool,
) -> Result<(Request<Bytes>, Option<HeaderValue>), Failure> {
    let state = shared.state();
    let method = out.method.as_deref();
    // 2025-11-25 §Session Management 4: `initialize` starts a new session, so it carries no
    // session id, and it is the one message that still goes out after the old session's 404
    // (and, once it is answered, `notifications/initialized`).
    let initialize = method == Some("initialize");
    let expired = match &state.replacing {
        Some(old) => (method != Some("notifications/initialized")).then_some(old),
        None => state.session_id.as_ref().filter(|_| state.session_expired),
    };
    if let Some(session) = expired.filter(|_| !initialize) {
        return Err(Failure::SessionExpired {
            session: session.to_str().unwrap_or("?").to_owned(),
        });
    }
    let mut request = Request::new(out.body.clone());
    *request.method_mut() = Method::POST;
    *request.uri_mut() = shared.uri.clone();
    let headers = request.headers_mut();
    headers.extend(shared.settings.headers.clone());
    if let Some(host) = &shared.host {
        headers.insert(http::header::HOST, host.clone());
    }
    headers.insert(
        ACCEPT,
        HeaderValue::from_static("application/json, text/event-stream"),
    );
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    // The version header: the request's own in 2026-07-28; the negotiated one after
    // `initialize` in the session era (2025-06-18 §Protocol Version Header).
    let version = match &out.version {
        Some(v) => Some(v.clone()),
        None if initialize => None,
        None => state.session_version.clone(),
    };
    if let Some(v) = version.and_then(|v| HeaderValue::try_from(v).ok()) {
        headers.insert(PROTOCOL_VERSION, v);
    }
    let session = if stateless || initialize {
        None
    } else {
        state.session_id.clone()
    };
    if let Some(s) = &session {
        headers.insert(SESSION_ID, s.clone());
    }
    // 2026-07-28 §Standard Request Headers. Sent in every era: older servers ignore them,
    // and the official suite checks them on `initialize` too. `Mcp-Method` mirrors the
    // body's `method`, which only requests and notifications have: a POSTed response (the
    // answer to a server's request, session era) carries none, rather than an empty one.
    if let Some(m) = method.and_then(|m| HeaderValue::try_from(m).ok()) {
        headers.insert(MCP_METHOD, m);
    }
    if let Some(name) = &out.name {
        headers.insert(MCP_NAME, encode_value(name));
        if method == Some("tools/call")
            && let Some(annotations) = state.tool_headers.get(name)
        {
            let arguments: Option<Value> = out
                .arguments
                .as_ref()
                .and_then(|a| serde_json::from_str(a.get()).ok());
            for (k, v) in param_headers(annotations, arguments.as_ref()) {
                headers.insert(k, v);
            }
        }
    }
    Ok((request, session))
}

/// A POST answered with an error status.
async fn refused(
    shared: &Arc<Shared>,
    msg: &Message,
    out: &Outgoing,
    response: HttpResponse,
    session: Option<HeaderValue>,
) -> Result<(), Failure> {
    let status = response.status;
    let headers = response.headers;
    let body = read_body(response.body, 64 << 10).await.unwrap_or_default();
    // 2025-11-25 §Session Management: a 404 to a request with a session id means the
    // session is gone. Later requests fail at once with the same clear error, until an
    // `initialize` starts a new session (the client does, see `crate::session`).
    if status == StatusCode::NOT_FOUND
        && let Some(session) = session
    {
        return Err(session_expired(shared, &session));
    }
    // A JSON-RPC response naming the request is the server's answer (a 400 with
    // UnsupportedProtocolVersion, a 404 with -32601, …): the call gets it as sent.
    let mut error = None;
    if let Ok(Message::Response(r)) = Message::from_slice(&body) {
        match (&r.id, &r.outcome) {
            (Some(_), _) if out.id.is_some() => {
                shared.deliver(Message::Response(r));
                return Ok(());
            }
            (None, mcp_protocol::jsonrpc::ResultOrError::Error(e)) => error = Some(e.clone()),
            _ => {}
        }
    }
    // 2026-07-28 §Backward Compatibility / 2025-03-26 §Backwards Compatibility: a server
    // that refuses the first POST with 400, 404 or 405 and no modern error may be a
    // 2024-11-05 HTTP+SSE server. Tried on `initialize`, after era detection gave up on
    // `server/discover`.
    let modern = error.as_ref().is_some_and(|e| is_modern(e.code));
    let first = !shared.state().confirmed;
    if first
        && !modern
        && shared.settings.legacy_fallback
        && msg.method() == Some("initialize")
        && matches!(status.as_u16(), 400 | 404 | 405)
        && let Some(endpoint) = legacy::connect(shared).await
    {
        return legacy::post(shared, &endpoint, out.body.clone()).await;
    }
    Err(Failure::status(status, &headers, &body, error))
}

/// The server answered 404 to a request that carried `session`: notes that the session is
/// gone, and fails the request with [`Failure::SessionExpired`].
pub(crate) fn session_expired(shared: &Shared, session: &HeaderValue) -> Failure {
    shared.session_ended(session);
    Failure::SessionExpired {
        session: session.to_str().unwrap_or("?").to_owned(),
    }
}

/// The errors only a modern (2026-07-28) server sends.
fn is_modern(code: ErrorCode) -> bool {
    code == ErrorCode::UNSUPPORTED_PROTOCOL_VERSION
        || code == ErrorCode::HEADER_MISMATCH
        || code == ErrorCode::MISSING_REQUIRED_CLIENT_CAPABILITY
        || code == ErrorCode::METHOD_NOT_FOUND
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ContentKind {
    Json,
    Sse,
}

pub(crate) fn content_type(response: &HttpResponse) -> Option<ContentKind> {
    let value = response.headers.get(CONTENT_TYPE)?.to_str().ok()?;
    let essence = value.split(';').next()?.trim();
    if essence.eq_ignore_ascii_case("application/json") {
        Some(ContentKind::Json)
    } else if essence.eq_ignore_ascii_case("text/event-stream") {
        Some(ContentKind::Sse)
    } else {
        None
    }
}

/// Reads a whole body, refusing one larger than `max`.
pub(crate) async fn read_body(mut body: BodyStream, max: usize) -> Result<Vec<u8>, Failure> {
    let mut out = Vec::new();
    while let Some(chunk) = body.next().await {
        let chunk = chunk?;
        if out.len() + chunk.len() > max {
            return Err(Failure::TooLarge(max));
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}
