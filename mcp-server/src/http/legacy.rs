//! The 2024-11-05 HTTP+SSE transport (2024-11-05 basic/transports §HTTP with SSE): `GET
//! /sse` opens the session's one stream and names, in an `endpoint` event, where to POST;
//! `POST /messages?sessionId=…` takes one message and answers 202; every response,
//! notification and server-to-client request travels on the stream.

use std::error::Error as StdError;
use std::sync::Arc;

use bytes::Bytes;
use http::StatusCode;
use http_body::Body;
use mcp_protocol::jsonrpc::{ErrorCode, Message, ResponseMessage};
use tokio_util::sync::CancellationToken;

use super::outbound::Item;
use super::queue;
use super::service::{HttpBody, Shared, empty, on_notification, owner_key, read_body, refuse, sse};
use super::sse::{Framing, OnDrop, SseStream, event};
use crate::context::Principal;
use crate::dispatch::Call;

/// `GET /sse`.
pub(crate) fn open(
    shared: &Arc<Shared>,
    principal: Option<&Principal>,
) -> http::Response<HttpBody> {
    // No event store: the 2024-11-05 transport has no resumption.
    let owner = owner_key(principal);
    let Ok(session) = shared.sessions.create(&shared.server, None, owner) else {
        return refuse(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::INTERNAL_ERROR,
            "too many sessions: try again later",
        );
    };
    let (tx, rx) = queue::channel(shared.config.stream_queue);
    session.link.open_get_stream(tx);
    let endpoint = format!("/messages?sessionId={}", session.id);
    let mut stream = SseStream::new(rx, Framing::Legacy, OnDrop::EndSession(session))
        .ends_on(shared.server.inner.shutdown.clone())
        .keep_alive(shared.config.keep_alive);
    stream.push_raw(event(None, Some("endpoint"), None, endpoint.as_bytes()));
    sse(stream)
}

/// `POST /messages?sessionId=…`.
pub(crate) async fn post<B>(
    shared: &Arc<Shared>,
    parts: &http::request::Parts,
    body: B,
    principal: Option<Principal>,
) -> http::Response<HttpBody>
where
    B: Body,
    B::Error: Into<Box<dyn StdError + Send + Sync>>,
{
    let id = parts
        .uri
        .query()
        .unwrap_or_default()
        .split('&')
        .find_map(|pair| pair.strip_prefix("sessionId="));
    let Some(session) = id.and_then(|id| {
        shared
            .sessions
            .get(id, owner_key(principal.as_ref()).as_ref())
    }) else {
        return refuse(
            StatusCode::NOT_FOUND,
            ErrorCode::INVALID_REQUEST,
            "session not found",
        );
    };
    let bytes = match read_body(body, shared.config.max_body).await {
        Ok(bytes) => bytes,
        Err(r) => return *r,
    };
    let request = match shared.decode_permitted(&bytes, principal.as_ref()) {
        Ok(Message::Request(r)) => r,
        Ok(Message::Notification(n)) => {
            on_notification(&session, &n);
            return empty(StatusCode::ACCEPTED);
        }
        Ok(Message::Response(r)) => {
            session.link.answer(r);
            return empty(StatusCode::ACCEPTED);
        }
        Err(r) => return *r,
    };
    let cancel = CancellationToken::new();
    let id = request.id.clone();
    session.start(id.clone(), cancel.clone());
    // The session's outbound is the stream: everything the handler sends goes there.
    let call = Call {
        message: request,
        cancel: cancel.clone(),
        principal,
        outbound: None,
    };
    let server = shared.server.clone();
    tokio::spawn(async move {
        let outcome = server.dispatch(&session.session, call).await;
        session.finish(&id);
        if !cancel.is_cancelled() {
            let message = Message::Response(ResponseMessage {
                id: Some(id),
                outcome,
            });
            session
                .link
                .send_on_get_stream(Item::Message(Bytes::from(message.to_vec())));
        }
    });
    empty(StatusCode::ACCEPTED)
}
