//! [`HttpTransport`]: the [`Transport`] the driver sees. Each outgoing message becomes its own
//! POST on a task of its own; what the answers carry (a JSON body, an SSE stream, a resumed
//! stream, the standalone GET stream, the legacy SSE stream) comes back through one channel.
//!
//! The transport learns what the headers need from the messages passing through it: the
//! version from `_meta` (2026-07-28) or from the `initialize` result, the session id from the
//! `initialize` response's headers, the `x-mcp-header` annotations from `tools/list`
//! results. Nothing above it (the engine, era detection, the client) knows about HTTP.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::Duration;

use futures::future::BoxFuture;
use futures::stream::{FuturesUnordered, StreamExt};
use http::{HeaderMap, HeaderName, HeaderValue};
use mcp_protocol::engine::RequestFailure;
use mcp_protocol::jsonrpc::{Message, ResponseMessage, ResultOrError};
use mcp_protocol::rt::{Received, Transport, TransportError};
use mcp_protocol::{DecodeError, RequestId};
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;
use url::Url;

use super::backend::HttpClient;
use super::headers::ToolHeaders;
use super::{post, stream};

/// `Mcp-Session-Id`.
pub(crate) const SESSION_ID: HeaderName = HeaderName::from_static("mcp-session-id");
/// `MCP-Protocol-Version`.
pub(crate) const PROTOCOL_VERSION: HeaderName = HeaderName::from_static("mcp-protocol-version");

/// What the transport was configured with.
#[derive(Clone, Debug)]
pub(crate) struct Settings {
    /// Sent on every request (authorization, tenant headers, …).
    pub(crate) headers: HeaderMap,
    /// Try the 2024-11-05 HTTP+SSE transport when `initialize` is refused with 400/404/405.
    pub(crate) legacy_fallback: bool,
    /// The reconnection delay when the server sent no `retry:`.
    pub(crate) default_retry: Duration,
    /// How many times a broken stream is resumed (or, in 2026-07-28, its request re-sent)
    /// before the request fails.
    pub(crate) max_reconnects: u32,
    /// The largest JSON body read.
    pub(crate) max_body: usize,
    /// How long the legacy probe waits for the `endpoint` event.
    pub(crate) endpoint_timeout: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            headers: HeaderMap::new(),
            legacy_fallback: true,
            default_retry: Duration::from_secs(1),
            max_reconnects: 3,
            max_body: 16 << 20,
            endpoint_timeout: Duration::from_secs(10),
        }
    }
}

/// What one transport shares with its tasks.
pub(crate) struct Shared {
    pub(crate) client: Arc<dyn HttpClient>,
    pub(crate) url: Url,
    /// `url`, parsed once for every request.
    pub(crate) uri: http::Uri,
    /// The `Host` header of `uri`, built once: a POST that carries it saves the HTTP client
    /// formatting it again for every message (it showed in profiles).
    pub(crate) host: Option<HeaderValue>,
    pub(crate) settings: Settings,
    incoming: mpsc::UnboundedSender<Result<Received, TransportError>>,
    /// Requests the transport gave up on, and why.
    failures: mpsc::UnboundedSender<(RequestId, RequestFailure)>,
    state: Mutex<State>,
    /// Cancelled when the transport closes: every task stops.
    pub(crate) shutdown: CancellationToken,
    /// One legacy probe at a time.
    pub(crate) legacy_probe: tokio::sync::Mutex<()>,
}

/// What the transport has learnt about the connection.
#[derive(Default)]
pub(crate) struct State {
    /// 2025-11-25 basic/transports §Session Management: assigned with the `initialize`
    /// response, sent on every later request.
    pub(crate) session_id: Option<HeaderValue>,
    /// The version the `initialize` result chose (the `MCP-Protocol-Version` of later
    /// session-era requests).
    pub(crate) session_version: Option<String>,
    /// The server answered 404 to our session id: the session is gone, until an
    /// `initialize` starts a new one.
    pub(crate) session_expired: bool,
    /// The expired session a new one replaces, until the new session's
    /// `notifications/initialized` is sent: meanwhile other messages fail as they did in
    /// the expired session, so none reaches the new session before the notification
    /// (2025-11-25 basic/lifecycle §Initialization). The client sends them again after.
    pub(crate) replacing: Option<HeaderValue>,
    /// A POST succeeded: this is a Streamable HTTP server, no legacy fallback.
    pub(crate) confirmed: bool,
    /// The 2024-11-05 transport is in use: POSTs go to this endpoint.
    pub(crate) legacy_endpoint: Option<Url>,
    /// The standalone GET stream was started (in this session).
    pub(crate) get_stream_started: bool,
    /// Stops the standalone GET stream of this session when a new session starts.
    pub(crate) get_stream_stop: Option<CancellationToken>,
    pending_initialize: Option<RequestId>,
    /// `tools/list` requests whose results are checked for `x-mcp-header`.
    pending_tools_list: HashSet<RequestId>,
    pub(crate) tool_headers: ToolHeaders,
    /// Set while `notifications/initialized` is being POSTed: later messages wait for it
    /// (2025-11-25 basic/lifecycle §Initialization: requests follow the notification; over
    /// HTTP each message is its own POST and would otherwise race it).
    initialized_gate: Option<watch::Receiver<bool>>,
    /// In-flight requests of the stateless era: closing the stream cancels them
    /// (2026-07-28 §Cancellation), so `notifications/cancelled` becomes a cancel here.
    inflight: HashMap<RequestId, CancellationToken>,
}

impl Shared {
    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Hands a message from the server to the engine, after noting what the transport needs
    /// from it.
    pub(crate) fn deliver(&self, message: Message) {
        let message = match message {
            Message::Response(response) => Message::Response(self.observe_response(response)),
            other => other,
        };
        let _ = self.incoming.send(Ok(Ok(message)));
    }

    /// Hands the messages in `bytes` (one, or a batch) to the engine, and what did not
    /// decode as decode errors (it logs or answers them). `Ok` when a response to `want`
    /// was among them; else the first decode error, if any.
    pub(crate) fn deliver_bytes(
        &self,
        bytes: &[u8],
        want: Option<&RequestId>,
    ) -> Result<(), Option<DecodeError>> {
        let mut answered = false;
        let mut first_error = None;
        let mut refused = |e: DecodeError| {
            first_error.get_or_insert_with(|| e.clone());
            let _ = self.incoming.send(Ok(Err(e)));
        };
        match mcp_protocol::jsonrpc::decode_batch(bytes) {
            Ok(items) => {
                for item in items {
                    match item {
                        Ok(m) => {
                            answered |= matches!(&m, Message::Response(r)
                                if r.id.is_some() && r.id.as_ref() == want);
                            self.deliver(m);
                        }
                        Err(e) => refused(e),
                    }
                }
            }
            Err(e) => refused(e),
        }
        if answered { Ok(()) } else { Err(first_error) }
    }

    /// Fails request `id` with `failure`: the engine ends the call with it
    /// ([`Transport::poll_request_failure`]).
    pub(crate) fn fail(&self, id: RequestId, failure: RequestFailure) {
        let _ = self.failures.send((id, failure));
    }

    /// The connection is over (the legacy SSE stream ended).
    pub(crate) fn end(&self, error: TransportError) {
        let _ = self.incoming.send(Err(error));
    }

    fn observe_response(&self, mut response: ResponseMessage) -> ResponseMessage {
        let Some(id) = response.id.clone() else {
            return response;
        };
        let mut state = self.state();
        if state.pending_initialize.as_ref() == Some(&id) {
            state.pending_initialize = None;
            if let ResultOrError::Result(raw) = &response.outcome {
                #[derive(serde::Deserialize)]
                struct Chosen {
                    #[serde(rename = "protocolVersion")]
                    protocol_version: String,
                }
                if let Ok(c) = serde_json::from_str::<Chosen>(raw.get()) {
                    state.session_version = Some(c.protocol_version);
                }
            }
        }
        state.inflight.remove(&id);
        if state.pending_tools_list.remove(&id)
            && let ResultOrError::Result(raw) = &response.outcome
            && let Ok(mut result) = serde_json::from_str::<serde_json::Value>(raw.get())
            && super::headers::take_tools(&mut result, &mut state.tool_headers)
            && let Ok(raw) = serde_json::value::to_raw_value(&result)
        {
            response.outcome = ResultOrError::Result(raw);
        }
        response
    }

    /// Notes what an outgoing request means for later ones; returns the token that cancels
    /// it in the stateless era.
    pub(crate) fn observe_request(
        &self,
        id: &RequestId,
        method: &str,
        stateless: bool,
    ) -> Option<CancellationToken> {
        let mut state = self.state();
        match method {
            "initialize" => state.pending_initialize = Some(id.clone()),
            "tools/list" => {
                state.pending_tools_list.insert(id.clone());
            }
            _ => {}
        }
        stateless.then(|| {
            let token = self.shutdown.child_token();
            state.inflight.insert(id.clone(), token.clone());
            token
        })
    }

    /// An `initialize` was answered with `session_id` (or none): a new session starts, and
    /// nothing of the old one carries over (2025-11-25 basic/transports §Session Management:
    /// after a 404 the client starts a new session). Its standalone GET stream (and with it
    /// the stream's `Last-Event-ID`) ends; the new session opens its own after
    /// `notifications/initialized`. The negotiated version follows from the `initialize`
    /// result ([`Shared::deliver`]).
    pub(crate) fn start_session(&self, session_id: Option<HeaderValue>) {
        let mut state = self.state();
        state.replacing = if state.session_expired {
            tracing::debug!(session = ?session_id, "a new session replaces the expired one");
            state.session_id.take()
        } else {
            None
        };
        state.session_id = session_id;
        state.session_expired = false;
        state.get_stream_started = false;
        if let Some(stop) = state.get_stream_stop.take() {
            stop.cancel();
        }
    }

    /// The server answered 404 to a request that carried `session`: that session is gone.
    /// A late 404 of a session already replaced by a new one changes nothing.
    pub(crate) fn session_ended(&self, session: &HeaderValue) {
        let mut state = self.state();
        if state.session_id.as_ref() == Some(session) {
            state.session_expired = true;
        }
    }

    /// Forgets an in-flight request (answered, failed or cancelled).
    pub(crate) fn finished(&self, id: &RequestId) {
        self.state().inflight.remove(id);
    }

    /// Cancels a stateless-era request by closing its stream; `false` when it is not one.
    fn cancel_inflight(&self, id: &RequestId) -> bool {
        match self.state().inflight.remove(id) {
            Some(token) => {
                token.cancel();
                true
            }
            None => false,
        }
    }

    /// Runs `task` until it ends or the transport closes.
    pub(crate) fn spawn(self: &Arc<Self>, task: impl Future<Output = ()> + Send + 'static) {
        let shutdown = self.shutdown.clone();
        tokio::spawn(async move {
            tokio::select! {
                () = shutdown.cancelled() => {}
                () = task => {}
            }
        });
    }
}

/// The Streamable HTTP transport of the client (basic/transports §Streamable HTTP), with the
/// 2024-11-05 HTTP+SSE transport as a fallback. Build it with
/// [`HttpTransport::builder`](super::HttpTransport::builder), or let
/// [`ClientBuilder::connect_http`](crate::ClientBuilder::connect_http) do it.
pub struct HttpTransport {
    shared: Arc<Shared>,
    incoming: mpsc::UnboundedReceiver<Result<Received, TransportError>>,
    failures: mpsc::UnboundedReceiver<(RequestId, RequestFailure)>,
    /// The POSTs of the messages sent, driven from [`Transport::poll_recv`]: on the
    /// connection's own task rather than a task each, so a call's answer reaches the engine
    /// without a task switch in between. Dropped, and so cancelled, with the transport, as
    /// closing cancels everything else.
    sending: FuturesUnordered<BoxFuture<'static, ()>>,
    closed: bool,
}

impl std::fmt::Debug for HttpTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpTransport")
            .field("url", &self.shared.url.as_str())
            .finish_non_exhaustive()
    }
}

/// The `Host` header for `uri` (RFC 9110 §7.2: the authority without user information;
/// the port only when the URI names one).
fn host_header(uri: &http::Uri) -> Option<HeaderValue> {
    let authority = uri.authority()?;
    let host = match authority.as_str().rsplit_once('@') {
        Some((_, host)) => host,
        None => authority.as_str(),
    };
    HeaderValue::from_str(host).ok()
}

impl HttpTransport {
    pub(crate) fn from_parts(
        client: Arc<dyn HttpClient>,
        url: Url,
        uri: http::Uri,
        settings: Settings,
    ) -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        let (failures_tx, failures) = mpsc::unbounded_channel();
        let host = host_header(&uri);
        Self {
            shared: Arc::new(Shared {
                client,
                url,
                host,
                uri,
                settings,
                incoming: tx,
                failures: failures_tx,
                state: Mutex::new(State::default()),
                shutdown: CancellationToken::new(),
                legacy_probe: tokio::sync::Mutex::new(()),
            }),
            incoming: rx,
            failures,
            sending: FuturesUnordered::new(),
            closed: false,
        }
    }

    /// The session id the server assigned, if any (session era only).
    pub fn session_id(&self) -> Option<String> {
        let state = self.shared.state();
        state
            .session_id
            .as_ref()
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }
}

impl Transport for HttpTransport {
    fn poll_recv(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Received, TransportError>>> {
        if self.closed {
            return Poll::Ready(None);
        }
        // Ready(None) means no POST is left; Pending that each has registered its wake-up.
        while let Poll::Ready(Some(())) = self.sending.poll_next_unpin(cx) {}
        self.incoming.poll_recv(cx)
    }

    fn poll_request_failure(&mut self, cx: &mut Context<'_>) -> Poll<(RequestId, RequestFailure)> {
        // The driver polls this right after `poll_recv`, which drove the POSTs.
        match self.failures.poll_recv(cx) {
            Poll::Ready(Some(failed)) => Poll::Ready(failed),
            // The sender lives in `shared`, as long as the transport.
            Poll::Ready(None) | Poll::Pending => Poll::Pending,
        }
    }

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), TransportError>> {
        if self.closed {
            return Poll::Ready(Err(TransportError::Closed));
        }
        Poll::Ready(Ok(()))
    }

    fn start_send(&mut self, msg: Message) -> Result<(), TransportError> {
        if self.closed {
            return Err(TransportError::Closed);
        }
        // 2026-07-28 §Cancellation: closing the response stream is the cancellation; no
        // notifications/cancelled is sent on Streamable HTTP.
        if let Message::Notification(n) = &msg
            && n.method == "notifications/cancelled"
            && let Some(id) = cancelled_id(n.params.as_deref())
            && self.shared.cancel_inflight(&id)
        {
            return Ok(());
        }
        let shared = self.shared.clone();
        let (gate, opened) = {
            let mut state = self.shared.state();
            if msg.method() == Some("notifications/initialized") {
                state.replacing = None;
                let (tx, rx) = watch::channel(false);
                state.initialized_gate = Some(rx);
                (None, Some(tx))
            } else {
                (state.initialized_gate.clone(), None)
            }
        };
        self.sending.push(Box::pin(async move {
            if let Some(mut gate) = gate {
                // Err: the notification's task ended without opening it; go on anyway.
                let _ = gate.wait_for(|open| *open).await;
            }
            post::send(shared, msg).await;
            if let Some(opened) = opened {
                let _ = opened.send(true);
            }
        }));
        Ok(())
    }

    fn poll_flush(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), TransportError>> {
        Poll::Ready(Ok(()))
    }

    fn poll_close(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), TransportError>> {
        if !self.closed {
            self.closed = true;
            self.shared.shutdown.cancel();
            stream::end_session(&self.shared);
        }
        Poll::Ready(Ok(()))
    }
}

impl Drop for HttpTransport {
    fn drop(&mut self) {
        self.shared.shutdown.cancel();
    }
}

fn cancelled_id(params: Option<&serde_json::value::RawValue>) -> Option<RequestId> {
    #[derive(serde::Deserialize)]
    struct Cancelled {
        #[serde(rename = "requestId")]
        request_id: RequestId,
    }
    serde_json::from_str::<Cancelled>(params?.get())
        .ok()
        .map(|c| c.request_id)
}

#[cfg(test)]
mod tests {
    use super::host_header;

    #[test]
    fn the_host_header_is_the_authority_without_user_information() {
        let host = |uri: &str| host_header(&uri.parse().unwrap());
        assert_eq!(host("http://127.0.0.1:8080/mcp").unwrap(), "127.0.0.1:8080");
        assert_eq!(host("https://example.com/mcp").unwrap(), "example.com");
        assert_eq!(
            host("https://user:pw@example.com:8443/").unwrap(),
            "example.com:8443"
        );
        assert_eq!(host("http://[::1]:9/mcp").unwrap(), "[::1]:9");
    }
}
