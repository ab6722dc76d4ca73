//! SSE streams from the server: reading one, resuming a broken response stream with GET and
//! `Last-Event-ID` (2025-11-25 basic/transports §Resumability and Redelivery), the standalone
//! GET stream of a session (§Listening for Messages from the Server), and ending the session
//! with DELETE (§Session Management).

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures::StreamExt;
use http::header::ACCEPT;
use http::{HeaderName, HeaderValue, Method, Request, StatusCode};
use mcp_protocol::RequestId;
use mcp_protocol::jsonrpc::Message;
use tokio::sync::oneshot;

use super::backend::BodyStream;
use super::backend::HttpError;
use super::failure::{Failure, StreamBreak};
use super::post::{ContentKind, content_type, session_expired};
use super::sse::{SseEvent, SseParser};
use super::transport::{PROTOCOL_VERSION, SESSION_ID, Shared};

/// `Last-Event-ID`.
const LAST_EVENT_ID: HeaderName = HeaderName::from_static("last-event-id");

/// The shortest wait between two connections of the standalone stream, whatever `retry:`
/// says (a server answering `retry: 0` and closing must not make the client spin).
const MIN_GET_DELAY: Duration = Duration::from_millis(50);

/// How a stream ended.
#[derive(Debug)]
pub(crate) enum StreamEnd {
    /// The response the reader waited for arrived.
    Answered,
    /// The stream ended (`None`) or broke (the read error) first.
    Broken(Option<HttpError>),
}

/// Delivers the messages of an SSE stream until it ends, or until the response to `want`
/// arrived (the server should close the stream then; the client stops reading either way).
pub(crate) async fn read_events(
    shared: &Shared,
    mut body: BodyStream,
    parser: &mut SseParser,
    want: Option<&RequestId>,
) -> StreamEnd {
    let mut events = Vec::new();
    let mut broken = None;
    while let Some(chunk) = body.next().await {
        let chunk = match chunk {
            Ok(chunk) => chunk,
            Err(e) => {
                broken = Some(e);
                break;
            }
        };
        parser.push(&chunk, &mut events);
        for event in events.drain(..) {
            if deliver_event(shared, event, want) {
                return StreamEnd::Answered;
            }
        }
    }
    parser.reset_partial();
    StreamEnd::Broken(broken)
}

/// Delivers one `message` event; `true` when it was the response to `want`.
pub(crate) fn deliver_event(shared: &Shared, event: SseEvent, want: Option<&RequestId>) -> bool {
    if event.event != "message" {
        return false;
    }
    match Message::from_slice(event.data.as_bytes()) {
        Ok(message) => {
            let answers =
                matches!(&message, Message::Response(r) if r.id.is_some() && r.id.as_ref() == want);
            shared.deliver(message);
            answers
        }
        Err(_) => shared.deliver_bytes(event.data.as_bytes(), want).is_ok(),
    }
}

/// A GET of the MCP endpoint for an SSE stream, with the session's headers.
fn get_request(shared: &Shared, last_event_id: Option<&str>) -> Option<Request<Bytes>> {
    let mut request = Request::new(Bytes::new());
    *request.method_mut() = Method::GET;
    *request.uri_mut() = shared.uri.clone();
    let headers = request.headers_mut();
    headers.extend(shared.settings.headers.clone());
    headers.insert(ACCEPT, HeaderValue::from_static("text/event-stream"));
    session_headers(shared, headers);
    if let Some(id) = last_event_id.and_then(|id| HeaderValue::try_from(id).ok()) {
        headers.insert(LAST_EVENT_ID, id);
    }
    Some(request)
}

fn session_headers(shared: &Shared, headers: &mut http::HeaderMap) {
    let state = shared.state();
    if let Some(s) = &state.session_id {
        headers.insert(SESSION_ID, s.clone());
    }
    if let Some(v) = state
        .session_version
        .as_deref()
        .and_then(|v| HeaderValue::try_from(v).ok())
    {
        headers.insert(PROTOCOL_VERSION, v);
    }
}

/// Resumes the broken response stream of request `id`: after the `retry:` delay, GET with
/// `Last-Event-ID`, until the response arrives or `max_reconnects` attempts fail.
pub(crate) async fn resume(
    shared: &Arc<Shared>,
    id: &RequestId,
    mut parser: SseParser,
    mut broken: Option<StreamBreak>,
) -> Result<(), Failure> {
    for _ in 0..shared.settings.max_reconnects {
        let delay = parser.retry.unwrap_or(shared.settings.default_retry);
        tokio::time::sleep(delay).await;
        let Some(request) = get_request(shared, parser.last_event_id.as_deref()) else {
            return Err(Failure::StreamEnded(broken));
        };
        tracing::debug!(?id, last_event_id = ?parser.last_event_id, "resuming the response stream");
        let session = request.headers().get(SESSION_ID).cloned();
        let result = shared.client.execute(request).await;
        if let (Ok(r), Some(session)) = (&result, &session)
            && r.status == StatusCode::NOT_FOUND
        {
            return Err(session_expired(shared, session));
        }
        let response = match result {
            Ok(r) if r.status.is_success() && content_type(&r) == Some(ContentKind::Sse) => r,
            Ok(r) if !r.status.is_success() => {
                return Err(Failure::StreamEnded(Some(StreamBreak::Refused(r.status))));
            }
            Ok(_) => continue,
            Err(e) => {
                broken = Some(StreamBreak::Read(e));
                continue;
            }
        };
        match read_events(shared, response.body, &mut parser, Some(id)).await {
            StreamEnd::Answered => return Ok(()),
            StreamEnd::Broken(e) => broken = e.map(StreamBreak::Read).or(broken),
        }
    }
    Err(Failure::StreamEnded(broken))
}

/// How long the handshake waits for the first answer to the standalone GET before it lets
/// the client's next messages go (a server that holds the GET's head back must not stall it).
pub(crate) const GET_OPEN_WAIT: Duration = Duration::from_secs(2);

/// Opens the standalone GET stream once per session, and keeps it open while the session
/// lasts: when it ends, it is reopened after the `retry:` delay with `Last-Event-ID`. A
/// server that does not offer one (405) or refuses it is left alone; `max_reconnects`
/// failed connections in a row end it.
///
/// The receiver completes (or is dropped) once the first GET has an answer: the stream is
/// open, refused or failed. The handshake waits for it, so that the stream is listening
/// before the client's first request goes out: whatever the server sends on it from then on
/// is seen, and the order of the client's requests and its GET is the same on every run.
/// `None`: the stream was already started, or this is the legacy transport.
pub(crate) fn start_get(shared: &Arc<Shared>) -> Option<oneshot::Receiver<()>> {
    let stop = {
        let mut state = shared.state();
        if state.get_stream_started || state.legacy_endpoint.is_some() {
            return None;
        }
        state.get_stream_started = true;
        let stop = shared.shutdown.child_token();
        state.get_stream_stop = Some(stop.clone());
        stop
    };
    let (answered, first_answer) = oneshot::channel();
    let task_shared = shared.clone();
    let stream = async move {
        let shared = task_shared;
        let mut answered = Some(answered);
        let mut parser = SseParser::new();
        let mut failures = 0;
        while failures < shared.settings.max_reconnects {
            if shared.state().session_expired {
                return;
            }
            let Some(request) = get_request(&shared, parser.last_event_id.as_deref()) else {
                return;
            };
            let result = shared.client.execute(request).await;
            if let Some(answered) = answered.take() {
                let _ = answered.send(());
            }
            match result {
                Ok(r) if r.status.is_success() && content_type(&r) == Some(ContentKind::Sse) => {
                    failures = 0;
                    read_events(&shared, r.body, &mut parser, None).await;
                }
                Ok(r) => {
                    tracing::debug!(status = %r.status, "no standalone GET stream");
                    return;
                }
                Err(e) => {
                    tracing::debug!(error = %e, "the standalone GET stream failed");
                    failures += 1;
                }
            }
            let delay = parser.retry.unwrap_or(shared.settings.default_retry);
            tokio::time::sleep(delay.max(MIN_GET_DELAY)).await;
        }
    };
    // A new session stops the old session's stream (`Shared::start_session`).
    shared.spawn(async move {
        tokio::select! {
            () = stop.cancelled() => {}
            () = stream => {}
        }
    });
    Some(first_answer)
}

/// Ends the session with DELETE (2025-11-25 §Session Management: a client that no longer
/// needs it SHOULD), best effort and bounded in time.
pub(crate) fn end_session(shared: &Arc<Shared>) {
    let (session, legacy) = {
        let state = shared.state();
        (state.session_id.clone(), state.legacy_endpoint.is_some())
    };
    let Some(session) = session else { return };
    if legacy || tokio::runtime::Handle::try_current().is_err() {
        return;
    }
    let mut request = Request::new(Bytes::new());
    *request.method_mut() = Method::DELETE;
    *request.uri_mut() = shared.uri.clone();
    let headers = request.headers_mut();
    headers.extend(shared.settings.headers.clone());
    session_headers(shared, headers);
    headers.insert(SESSION_ID, session);
    let response = shared.client.execute(request);
    tokio::spawn(async move {
        let _ = tokio::time::timeout(Duration::from_secs(2), response).await;
    });
}
