//! How a handler's messages reach an HTTP client: [`RequestOutbound`] puts them on the
//! SSE stream of the POST being answered; [`SessionOutbound`] on the session's GET stream
//! (or the 2024-11-05 `/sse` stream). Server-to-client requests wait in the session's
//! [`Link`] until the client POSTs the response back.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use bytes::Bytes;
use futures::FutureExt;
use futures::future::BoxFuture;
use mcp_protocol::engine::CloseReason;
use mcp_protocol::jsonrpc::{
    ErrorCode, Message, NotificationMessage, RequestMessage, ResponseMessage, ResultOrError, to_raw,
};
use mcp_protocol::rt::RequestError;
use mcp_protocol::{ErrorObject, RequestId};
use serde_json::Value;
use serde_json::value::RawValue;
use tokio::sync::oneshot;

use super::queue;
use crate::session::Outbound;

/// One thing for an SSE stream (or a JSON answer) to carry.
#[derive(Debug)]
pub(crate) enum Item {
    /// A notification or server-to-client request, encoded.
    Message(Bytes),
    /// The response to the POSTed request, encoded; the stream ends after it. The code is
    /// the error's, if it is one (it picks the HTTP status of a JSON answer).
    Final(Bytes, Option<ErrorCode>),
    /// Close the connection, not the stream (the client polls: reconnects and resumes).
    Close,
}

/// The encoded response to request `id`.
pub(crate) fn response(id: RequestId, outcome: ResultOrError) -> Item {
    let code = match &outcome {
        ResultOrError::Error(e) => Some(e.code),
        ResultOrError::Result(_) => None,
    };
    let message = Message::Response(ResponseMessage {
        id: Some(id),
        outcome,
    });
    Item::Final(Bytes::from(message.to_vec()), code)
}

/// An error response without an id (a message that could not be read, or was refused as a
/// whole).
pub(crate) fn error_body(error: ErrorObject) -> Bytes {
    Bytes::from(Message::Response(ResponseMessage::error(None, error)).to_vec())
}

fn notification(method: &'static str, params: Box<RawValue>) -> Bytes {
    Bytes::from(
        Message::Notification(NotificationMessage {
            method: Cow::Borrowed(method),
            params: Some(params),
        })
        .to_vec(),
    )
}

type Waiter = oneshot::Sender<Result<Value, ErrorObject>>;

/// What a session's outbounds share: the server-to-client requests awaiting an answer and
/// the open GET stream, if any.
#[derive(Debug, Default)]
pub(crate) struct Link {
    next_id: AtomicI64,
    pending: Mutex<HashMap<RequestId, Waiter>>,
    get_stream: Mutex<Option<queue::Tx>>,
}

impl Link {
    fn pending(&self) -> MutexGuard<'_, HashMap<RequestId, Waiter>> {
        self.pending.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn get_stream(&self) -> MutexGuard<'_, Option<queue::Tx>> {
        self.get_stream
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Opens the GET stream; false if one is open already.
    pub(crate) fn open_get_stream(&self, tx: queue::Tx) -> bool {
        let mut slot = self.get_stream();
        if slot.as_ref().is_some_and(|tx| !tx.is_closed()) {
            return false;
        }
        *slot = Some(tx);
        true
    }

    /// Whether a GET stream is open.
    pub(crate) fn has_open_stream(&self) -> bool {
        self.get_stream().as_ref().is_some_and(|tx| !tx.is_closed())
    }

    /// Closes the GET stream (the session ends).
    pub(crate) fn close(&self) {
        self.get_stream().take();
        self.pending().clear();
    }

    /// Sends on the GET stream; false if none is open.
    pub(crate) fn send_on_get_stream(&self, item: Item) -> bool {
        self.get_stream()
            .as_ref()
            .is_some_and(|tx| tx.send(item).is_ok())
    }

    /// Delivers the client's answer to a server-to-client request; false if nothing waits
    /// for it.
    pub(crate) fn answer(&self, response: ResponseMessage) -> bool {
        let Some(id) = response.id else {
            return false;
        };
        let Some(waiter) = self.pending().remove(&id) else {
            return false;
        };
        let answer = match response.outcome {
            ResultOrError::Result(raw) => serde_json::from_str(raw.get())
                .map_err(|e| ErrorObject::internal(format!("malformed result: {e}"))),
            ResultOrError::Error(e) => Err(e),
        };
        waiter.send(answer).is_ok()
    }

    /// Sends request `method` through `send` and waits for the client's answer.
    fn request(
        &self,
        method: &'static str,
        params: Value,
        send: impl FnOnce(Item) -> bool,
    ) -> BoxFuture<'static, Result<Value, RequestError>> {
        // Ids of our own requests live in a space of their own: negative, so that they never
        // meet the client's ids in logs.
        let id = RequestId::Number(-1 - self.next_id.fetch_add(1, Ordering::Relaxed));
        let (tx, rx) = oneshot::channel();
        let encoded = to_raw(&params).map(|params| {
            Bytes::from(
                Message::Request(RequestMessage {
                    id: id.clone(),
                    method: Cow::Borrowed(method),
                    params: Some(params),
                })
                .to_vec(),
            )
        });
        let sent = match encoded {
            Ok(bytes) => {
                self.pending().insert(id.clone(), tx);
                send(Item::Message(bytes))
            }
            Err(_) => false,
        };
        if !sent {
            self.pending().remove(&id);
        }
        async move {
            if !sent {
                return Err(RequestError::Closed(CloseReason::PeerClosed));
            }
            match rx.await {
                Ok(Ok(value)) => Ok(value),
                Ok(Err(e)) => Err(RequestError::Remote(e)),
                Err(_) => Err(RequestError::Closed(CloseReason::PeerClosed)),
            }
        }
        .boxed()
    }
}

/// The session's own outbound: the GET stream (unrelated messages: list_changed,
/// resources/updated, task status).
#[derive(Debug)]
pub(crate) struct SessionOutbound(pub(crate) std::sync::Arc<Link>);

impl Outbound for SessionOutbound {
    fn notify_raw(&self, method: &'static str, params: Box<RawValue>) -> bool {
        // 2025-11-25 basic/transports §Listening: with no GET stream open there is nowhere to
        // send an unrelated message; it is dropped, as the spec allows (MAY send).
        self.0
            .send_on_get_stream(Item::Message(notification(method, params)))
    }

    fn request(
        &self,
        method: &'static str,
        params: Value,
    ) -> BoxFuture<'static, Result<Value, RequestError>> {
        self.0
            .request(method, params, |item| self.0.send_on_get_stream(item))
    }
}

/// The outbound of one POSTed request: its own response stream.
#[derive(Debug)]
pub(crate) struct RequestOutbound {
    pub(crate) tx: queue::Tx,
    /// The session's link, for server-to-client requests (none in 2026-07-28, where input
    /// is asked with MRTR).
    pub(crate) link: Option<std::sync::Arc<Link>>,
    /// Whether the stream is resumable (session era with an event store).
    pub(crate) resumable: bool,
}

impl Outbound for RequestOutbound {
    fn notify_raw(&self, method: &'static str, params: Box<RawValue>) -> bool {
        self.tx
            .send(Item::Message(notification(method, params)))
            .is_ok()
    }

    fn request(
        &self,
        method: &'static str,
        params: Value,
    ) -> BoxFuture<'static, Result<Value, RequestError>> {
        match &self.link {
            Some(link) => link.request(method, params, |item| self.tx.send(item).is_ok()),
            None => async { Err(RequestError::Closed(CloseReason::Local)) }.boxed(),
        }
    }

    fn close_stream(&self) -> bool {
        // Only session-era streams resume; in 2026-07-28 closing the stream cancels.
        self.resumable && self.tx.send(Item::Close).is_ok()
    }
}
