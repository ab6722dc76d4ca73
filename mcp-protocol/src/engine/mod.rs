//! The transport-neutral peer engine: one MCP connection as a state machine, free of I/O.
//!
//! Both ends of an MCP connection do the same bookkeeping: give requests ids, remember which
//! are pending, route each response, progress notification and cancellation to the right
//! request, time requests out, and answer malformed input with the right JSON-RPC error. The
//! [`Engine`] does all of that and nothing else. It never reads a clock, never sleeps and never
//! touches a socket, so it runs the same under tokio, under another runtime, or in a test that
//! steps a virtual clock (the style of `quinn-proto`):
//!
//! ```text
//!                   handle_message(msg, now)          poll_transmit() -> Message
//!   transport  ───▶ handle_decode_error(err)  ┌──────┐ ─────────────────────────▶ transport
//!                                             │Engine│
//!   application ──▶ send_request / respond /  │      │ poll_event()  -> Event     ─▶ application
//!                   notify / cancel / close   └──────┘ poll_timeout() -> Instant  ─▶ timer
//!   timer ────────▶ handle_timeout(now)
//! ```
//!
//! After any `handle_*` or command call, drain [`Engine::poll_transmit`] (to the transport) and
//! [`Engine::poll_event`] (to the application), then arm one timer at
//! [`Engine::poll_timeout`] and call [`Engine::handle_timeout`] when it fires.
//!
//! What it guarantees:
//! - **Ids.** Our request ids are increasing integers, never reused, so a late answer can never
//!   reach a newer request.
//! - **Exactly once.** Every request we send ends in exactly one [`Event::Completed`]: answered,
//!   [cancelled](Engine::cancel), timed out, [failed by the transport](Engine::fail), or
//!   failed by [close](Engine::close).
//! - **Cancellation.** Cancelling our request sends `notifications/cancelled` and a late answer
//!   is dropped (basic/utilities/cancellation: the sender "SHOULD ignore any response to this
//!   request that might arrive later"). The peer cancelling its request gives
//!   [`Event::Cancelled`], and our answer to it is then not sent.
//! - **Bad input.** A response with an id that is not ours, a duplicate request id, or input
//!   that did not decode is reported as an [`Event::Violation`], answered with a JSON-RPC error
//!   where the peer expects one, and affects nothing else.
//!
//! What it does not do: decode `params` or `result` (the typed layer does, with the method the
//! [`Completed`] event names), enforce the lifecycle (`initialize` ordering), or frame bytes
//! (see [`crate::codec`]).

mod event;
mod failure;
mod options;
#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap, VecDeque};
use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

pub use event::{CloseReason, Completed, Completion, Event, SendError, Violation};
pub use failure::RequestFailure;
use options::TimeoutSetting;
pub use options::{DEFAULT_MAX_REQUESTS_IN_FLIGHT, EngineConfig, RequestOptions};

use crate::Side;
use crate::error::{DecodeError, EncodeError};
use crate::jsonrpc::{
    ErrorObject, Message, NotificationMessage, ProgressToken, RequestId, RequestMessage,
    ResponseMessage, ResultOrError, to_raw,
};
use crate::method::{Notification, Request};
use crate::methods::{Cancelled, CancelledParams, Progress, ProgressParams};

/// One MCP connection's protocol state, without I/O. See the [module docs](self).
#[derive(Debug)]
pub struct Engine {
    side: Side,
    config: EngineConfig,
    /// The id the next request gets.
    next_id: i64,
    /// Our pending requests, by id.
    outgoing: HashMap<i64, Outgoing>,
    /// Progress token → our pending request.
    by_token: HashMap<ProgressToken, i64>,
    /// Deadlines of our pending requests, ordered; `first()` is the next one.
    deadlines: BTreeSet<(Instant, i64)>,
    /// The peer's requests we have not answered yet.
    incoming: HashMap<RequestId, Incoming>,
    transmits: VecDeque<Message>,
    events: VecDeque<Event>,
    closed: Option<CloseReason>,
    /// The peer sent its last message ([`Engine::input_ended`]); we may still answer.
    input_ended: bool,
}

#[derive(Debug)]
struct Outgoing {
    method: Cow<'static, str>,
    progress_token: Option<ProgressToken>,
    timer: Option<Timer>,
}

#[derive(Debug, Clone, Copy)]
struct Timer {
    deadline: Instant,
    /// How long the request may stay silent.
    idle: Duration,
    /// With reset-on-progress: the hard cap that resets never pass.
    cap: Option<Instant>,
}

#[derive(Debug)]
struct Incoming {
    progress_token: Option<ProgressToken>,
    /// The peer cancelled it; our answer will be swallowed.
    cancelled: bool,
}

impl Engine {
    /// A fresh engine for the given end of the connection.
    pub fn new(side: Side, config: EngineConfig) -> Self {
        Self {
            side,
            config,
            next_id: 0,
            outgoing: HashMap::new(),
            by_token: HashMap::new(),
            deadlines: BTreeSet::new(),
            incoming: HashMap::new(),
            input_ended: false,
            transmits: VecDeque::new(),
            events: VecDeque::new(),
            closed: None,
        }
    }

    /// Which end this engine is.
    pub fn side(&self) -> Side {
        self.side
    }

    // ---- commands from the application ----

    /// Sends a typed request. Returns the id it got; its end arrives as [`Event::Completed`]
    /// naming that id.
    pub fn send_request<R: Request>(
        &mut self,
        params: &R::Params,
        options: RequestOptions,
        now: Instant,
    ) -> Result<RequestId, SendError> {
        let params = to_raw(params)?;
        self.send_raw_request(Cow::Borrowed(R::METHOD), Some(params), options, now)
    }

    /// Sends a request with raw params (for methods this crate has no type for, and proxies).
    pub fn send_raw_request(
        &mut self,
        method: Cow<'static, str>,
        mut params: Option<Box<RawValue>>,
        options: RequestOptions,
        now: Instant,
    ) -> Result<RequestId, SendError> {
        if let Some(reason) = &self.closed {
            return Err(SendError::Closed(reason.clone()));
        }
        if self.input_ended {
            // No answer could ever arrive.
            return Err(SendError::Closed(CloseReason::PeerClosed));
        }
        let id = self.next_id;
        let progress_token = match params.as_deref().and_then(find_progress_token) {
            Some(token) if self.by_token.contains_key(&token) => {
                return Err(SendError::DuplicateProgressToken(token));
            }
            Some(token) => Some(token),
            None if options.progress => {
                let token = self.fresh_token(id);
                params = Some(insert_progress_token(params.as_deref(), &token)?);
                Some(token)
            }
            None => None,
        };
        let idle = match options.timeout {
            TimeoutSetting::Default => self.config.default_timeout,
            TimeoutSetting::Never => None,
            TimeoutSetting::After(d) => Some(d),
        };
        let timer = idle.map(|idle| Timer {
            deadline: now + idle,
            idle,
            cap: options.max_total.map(|max| now + max),
        });

        self.next_id += 1;
        if let Some(t) = &timer {
            self.deadlines.insert((t.deadline, id));
        }
        if let Some(token) = &progress_token {
            self.by_token.insert(token.clone(), id);
        }
        self.transmits.push_back(Message::Request(RequestMessage {
            id: RequestId::Number(id),
            method: method.clone(),
            params,
        }));
        self.outgoing.insert(
            id,
            Outgoing {
                method,
                progress_token,
                timer,
            },
        );
        Ok(RequestId::Number(id))
    }

    /// Sends a typed notification.
    pub fn notify<N: Notification>(&mut self, params: &N::Params) -> Result<(), SendError> {
        let params = to_raw(params)?;
        self.send_raw_notification(Cow::Borrowed(N::METHOD), Some(params))
    }

    /// Sends a notification with raw params.
    pub fn send_raw_notification(
        &mut self,
        method: Cow<'static, str>,
        params: Option<Box<RawValue>>,
    ) -> Result<(), SendError> {
        if let Some(reason) = &self.closed {
            return Err(SendError::Closed(reason.clone()));
        }
        self.transmits
            .push_back(Message::Notification(NotificationMessage {
                method,
                params,
            }));
        Ok(())
    }

    /// Answers the peer's request `id`. Returns whether an answer was queued: `false` when the
    /// id is not in flight (already answered, never seen) or when the peer cancelled it (the
    /// answer is swallowed, as the spec asks, and the id is released).
    pub fn respond(&mut self, id: &RequestId, outcome: ResultOrError) -> bool {
        let Some(entry) = self.incoming.remove(id) else {
            return false;
        };
        let sent = !entry.cancelled && self.closed.is_none();
        if sent {
            self.transmits.push_back(Message::Response(ResponseMessage {
                id: Some(id.clone()),
                outcome,
            }));
        }
        self.close_if_drained();
        sent
    }

    /// The peer's stream ended (for stdio: our stdin reached end of file) but it may still
    /// read: a client closes the server's stdin to ask it to stop, and expects the answers
    /// to what it already sent. Our pending requests can never be answered, so they end
    /// with [`Completion::Closed`]; the peer's requests in flight may still be answered, and
    /// the engine closes with [`CloseReason::PeerClosed`] once the last one is (at once if
    /// none is), or when [`Engine::close`] is called.
    pub fn input_ended(&mut self) {
        if self.closed.is_some() || self.input_ended {
            return;
        }
        self.input_ended = true;
        let mut pending: Vec<_> = self.outgoing.drain().collect();
        pending.sort_unstable_by_key(|(id, _)| *id);
        for (id, entry) in pending {
            self.complete(id, entry, Completion::Closed(CloseReason::PeerClosed));
        }
        self.close_if_drained();
    }

    /// Whether the peer's stream ended ([`Engine::input_ended`]).
    pub fn is_input_ended(&self) -> bool {
        self.input_ended
    }

    fn close_if_drained(&mut self) {
        if self.input_ended && self.incoming.is_empty() {
            self.close(CloseReason::PeerClosed);
        }
    }

    /// The progress token the peer's request `id` carries, if it asked for progress.
    pub fn progress_token(&self, id: &RequestId) -> Option<&ProgressToken> {
        self.incoming.get(id)?.progress_token.as_ref()
    }

    /// Reports progress on the peer's request `id`. Returns whether a notification was
    /// queued: `false` when the request did not ask for progress, is not in flight, or was
    /// cancelled (basic/utilities/progress: progress only for active requests).
    pub fn notify_progress(
        &mut self,
        id: &RequestId,
        progress: f64,
        total: Option<f64>,
        message: Option<String>,
    ) -> bool {
        let Some(entry) = self.incoming.get(id) else {
            return false;
        };
        let (false, Some(token)) = (entry.cancelled, &entry.progress_token) else {
            return false;
        };
        let mut params = ProgressParams::new(token.clone(), progress, total);
        params.message = message;
        // ProgressParams always encodes.
        self.notify::<Progress>(&params).is_ok()
    }

    /// Cancels our pending request `id`: sends `notifications/cancelled` and ends it as
    /// [`Completion::Cancelled`]. Returns `false` (and does nothing) when `id` is not pending:
    /// unknown, already answered, timed out or cancelled.
    pub fn cancel(&mut self, id: &RequestId, reason: Option<String>) -> bool {
        let RequestId::Number(n) = *id else {
            return false;
        };
        let Some(entry) = self.outgoing.remove(&n) else {
            return false;
        };
        // basic/utilities/cancellation: "The initialize request MUST NOT be cancelled by
        // clients"; we stop waiting for it but do not tell the peer.
        if entry.method != "initialize" {
            self.send_cancelled(n, reason);
        }
        self.complete(n, entry, Completion::Cancelled);
        true
    }

    /// The transport could not get our pending request `id` answered (an HTTP error status,
    /// a broken response stream, …; see [`RequestFailure`]): it ends as
    /// [`Completion::Failed`], and nothing is sent to the peer (the transport has already
    /// given up on it). Returns `false` (and does nothing) when `id` is not pending: unknown,
    /// already answered, timed out or cancelled. The connection goes on.
    pub fn fail(&mut self, id: &RequestId, failure: RequestFailure) -> bool {
        let RequestId::Number(n) = *id else {
            return false;
        };
        let Some(entry) = self.outgoing.remove(&n) else {
            return false;
        };
        self.complete(n, entry, Completion::Failed(failure));
        true
    }

    /// Closes the engine: every pending request ends with [`Completion::Closed`], the peer's
    /// requests are forgotten, further sends fail, further input is ignored, and
    /// [`Event::Closed`] is reported. Messages already queued can still be drained. Closing
    /// twice does nothing.
    pub fn close(&mut self, reason: CloseReason) {
        if self.closed.is_some() {
            return;
        }
        self.closed = Some(reason.clone());
        let mut pending: Vec<_> = self.outgoing.drain().collect();
        pending.sort_unstable_by_key(|(id, _)| *id);
        for (id, entry) in pending {
            self.complete(id, entry, Completion::Closed(reason.clone()));
        }
        self.incoming.clear();
        self.events.push_back(Event::Closed(reason));
    }

    /// Whether [`Engine::close`] was called, and why.
    pub fn close_reason(&self) -> Option<&CloseReason> {
        self.closed.as_ref()
    }

    /// How many of our requests are pending.
    pub fn pending_requests(&self) -> usize {
        self.outgoing.len()
    }

    /// How many of the peer's requests we have not answered yet.
    pub fn requests_in_flight(&self) -> usize {
        self.incoming.len()
    }

    // ---- input from the transport and the timer ----

    /// Takes what the transport read: a message, or the error it could not be decoded with.
    pub fn handle_input(&mut self, input: Result<Message, DecodeError>, now: Instant) {
        match input {
            Ok(msg) => self.handle_message(msg, now),
            Err(err) => self.handle_decode_error(err),
        }
    }

    /// Takes one message from the peer.
    pub fn handle_message(&mut self, msg: Message, now: Instant) {
        if self.closed.is_some() {
            return;
        }
        match msg {
            Message::Request(req) => self.handle_request(req),
            Message::Notification(n) => match n.method.as_ref() {
                Cancelled::METHOD => self.handle_cancelled(&n),
                Progress::METHOD => self.handle_progress(&n, now),
                _ => self.events.push_back(Event::Notification(n)),
            },
            Message::Response(resp) => self.handle_response(resp),
        }
    }

    /// Takes input that did not decode, and answers it as JSON-RPC 2.0 §5 says: a parse error
    /// with a `null` id; an invalid request with its id when it could be read, else `null`;
    /// invalid params of a request with its id. Nothing is sent for what can only have been a
    /// notification or a response (JSON-RPC never answers those).
    pub fn handle_decode_error(&mut self, err: DecodeError) {
        if self.closed.is_some() {
            return;
        }
        let answer_id = match &err {
            DecodeError::Parse { .. } => Some(None),
            DecodeError::InvalidRequest { id, .. } => Some(id.clone()),
            DecodeError::InvalidParams { id: Some(id), .. } => Some(Some(id.clone())),
            DecodeError::InvalidParams { id: None, .. } | DecodeError::InvalidResult { .. } => None,
        };
        if let Some(id) = answer_id {
            self.transmits
                .push_back(Message::Response(ResponseMessage::error(
                    id,
                    err.to_error_object(),
                )));
        }
        self.events
            .push_back(Event::Violation(Violation::Decode(err)));
    }

    /// Expires every request whose deadline is `now` or earlier: each gets
    /// `notifications/cancelled` with a reason and ends as [`Completion::TimedOut`]
    /// (basic/lifecycle §Timeouts). Call it when the timer set from [`Engine::poll_timeout`]
    /// fires; calling it early or twice is harmless.
    pub fn handle_timeout(&mut self, now: Instant) {
        while let Some(&(deadline, id)) = self.deadlines.first() {
            if deadline > now {
                break;
            }
            self.deadlines.pop_first();
            let Some(entry) = self.outgoing.remove(&id) else {
                continue;
            };
            let idle = entry.timer.map_or(Duration::ZERO, |t| t.idle);
            if entry.method != "initialize" {
                self.send_cancelled(
                    id,
                    Some(format!("request timed out after {} ms", idle.as_millis())),
                );
            }
            self.complete(id, entry, Completion::TimedOut);
        }
    }

    // ---- output ----

    /// The next message to send to the peer, in order. Call until `None` after every
    /// `handle_*` or command call.
    pub fn poll_transmit(&mut self) -> Option<Message> {
        self.transmits.pop_front()
    }

    /// Whether messages are waiting in [`Engine::poll_transmit`].
    pub fn has_transmit(&self) -> bool {
        !self.transmits.is_empty()
    }

    /// The next event for the application, in order.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// When [`Engine::handle_timeout`] must be called next, if any request has a deadline.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.deadlines.first().map(|&(deadline, _)| deadline)
    }

    // ---- internals ----

    fn handle_request(&mut self, req: RequestMessage) {
        let duplicate = self.incoming.contains_key(&req.id);
        if duplicate {
            // JSON-RPC 2.0 §4: ids identify requests in flight; a second one with the same
            // id cannot be told apart from the first, so it is refused and the first goes on.
            let err = ErrorObject::invalid_request(format!(
                "duplicate request id {}: a request with this id is still in flight",
                req.id
            ));
            return self.refuse(req.id.clone(), err, Violation::DuplicateRequestId(req.id));
        }
        let limit = self.config.max_requests_in_flight;
        if self.incoming.len() >= limit {
            let err = ErrorObject::new(
                crate::ErrorCode::TOO_MANY_REQUESTS,
                format!("too many requests in flight: {limit} are unanswered; retry once some are"),
            );
            return self.refuse(req.id.clone(), err, Violation::TooManyRequests(req.id));
        }
        self.incoming.insert(
            req.id.clone(),
            Incoming {
                progress_token: req.params.as_deref().and_then(find_progress_token),
                cancelled: false,
            },
        );
        self.events.push_back(Event::Request(req));
    }

    /// Answers a request of the peer's with `err` without handing it out, and reports why.
    fn refuse(&mut self, id: RequestId, err: ErrorObject, why: Violation) {
        self.transmits
            .push_back(Message::Response(ResponseMessage::error(Some(id), err)));
        self.events.push_back(Event::Violation(why));
    }

    fn handle_response(&mut self, resp: ResponseMessage) {
        if let Some(RequestId::Number(n)) = resp.id {
            if let Some(entry) = self.outgoing.remove(&n) {
                self.complete(n, entry, Completion::Response(resp.outcome));
                return;
            }
            if (0..self.next_id).contains(&n) {
                // One of ours that already ended (cancelled or timed out): the answer crossed
                // our notification on the wire. Dropped, as the spec asks.
                return;
            }
        }
        self.events
            .push_back(Event::Violation(Violation::UnknownResponse {
                id: resp.id,
                outcome: resp.outcome,
            }));
    }

    fn handle_cancelled(&mut self, n: &NotificationMessage) {
        let params = match n.decode_params::<Cancelled>() {
            Ok(p) => p,
            Err(e) => {
                return self
                    .events
                    .push_back(Event::Violation(Violation::Decode(e)));
            }
        };
        // Unknown or finished requests: "the receiver MAY ignore the notification".
        let Some(id) = params.request_id else { return };
        let Some(entry) = self.incoming.get_mut(&id) else {
            return;
        };
        if !entry.cancelled {
            entry.cancelled = true;
            self.events.push_back(Event::Cancelled {
                id,
                reason: params.reason,
            });
        }
    }

    fn handle_progress(&mut self, n: &NotificationMessage, now: Instant) {
        let params = match n.decode_params::<Progress>() {
            Ok(p) => p,
            Err(e) => {
                return self
                    .events
                    .push_back(Event::Violation(Violation::Decode(e)));
            }
        };
        // Progress for a token that is not (or no longer) active is ignored.
        let Some(&id) = self.by_token.get(&params.progress_token) else {
            return;
        };
        let Some(entry) = self.outgoing.get_mut(&id) else {
            return;
        };
        if let Some(timer) = &mut entry.timer
            && let Some(cap) = timer.cap
        {
            let deadline = (now + timer.idle).min(cap);
            if deadline != timer.deadline {
                self.deadlines.remove(&(timer.deadline, id));
                self.deadlines.insert((deadline, id));
                timer.deadline = deadline;
            }
        }
        self.events.push_back(Event::Progress {
            id: RequestId::Number(id),
            params,
        });
    }

    fn send_cancelled(&mut self, id: i64, reason: Option<String>) {
        let params = CancelledParams::new(RequestId::Number(id), reason);
        // The engine may already be closed (close → complete); the notification is still
        // worth sending if the transport is up, so it is queued directly.
        if let Ok(params) = to_raw(&params) {
            self.transmits
                .push_back(Message::Notification(NotificationMessage {
                    method: Cow::Borrowed(Cancelled::METHOD),
                    params: Some(params),
                }));
        }
    }

    fn complete(&mut self, id: i64, entry: Outgoing, completion: Completion) {
        if let Some(t) = entry.timer {
            self.deadlines.remove(&(t.deadline, id));
        }
        if let Some(token) = &entry.progress_token {
            self.by_token.remove(token);
        }
        self.events.push_back(Event::Completed(Completed {
            id: RequestId::Number(id),
            method: entry.method,
            completion,
        }));
    }

    /// A progress token for request `id` that no pending request uses.
    fn fresh_token(&self, id: i64) -> ProgressToken {
        let token = ProgressToken::Number(id);
        if self.by_token.contains_key(&token) {
            // A caller chose this integer for another request; fall back to a string.
            ProgressToken::String(format!("mcp-progress-{id}"))
        } else {
            token
        }
    }
}

/// Reads `_meta.progressToken` from raw params, cheaply: the params are parsed only when the
/// text mentions the key at all.
fn find_progress_token(params: &RawValue) -> Option<ProgressToken> {
    #[derive(Deserialize)]
    struct Params {
        #[serde(rename = "_meta")]
        meta: Option<MetaToken>,
    }
    #[derive(Deserialize)]
    struct MetaToken {
        #[serde(rename = "progressToken")]
        progress_token: Option<ProgressToken>,
    }
    memchr::memmem::find(params.get().as_bytes(), b"progressToken")?;
    serde_json::from_str::<Params>(params.get())
        .ok()?
        .meta?
        .progress_token
}

/// Writes `_meta.progressToken` into raw params (an object, or absent).
fn insert_progress_token(
    params: Option<&RawValue>,
    token: &ProgressToken,
) -> Result<Box<RawValue>, EncodeError> {
    let mut object: Map<String, Value> = match params {
        Some(raw) => serde_json::from_str(raw.get())?,
        None => Map::new(),
    };
    let token = serde_json::to_value(token)?;
    match object.get_mut("_meta") {
        Some(Value::Object(meta)) => {
            meta.insert("progressToken".to_owned(), token);
        }
        _ => {
            let mut meta = Map::new();
            meta.insert("progressToken".to_owned(), token);
            object.insert("_meta".to_owned(), Value::Object(meta));
        }
    }
    to_raw(&object)
}
