//! Per-connection state: the lifecycle of the session era, the log level, resource
//! subscriptions and open `subscriptions/listen` streams; and [`Outbound`], the one thing
//! the server needs to know about how to reach the client.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Debug;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use futures::FutureExt;
use futures::future::BoxFuture;
use mcp_protocol::jsonrpc::to_raw;
use mcp_protocol::method::Notification;
use mcp_protocol::methods::SubscriptionFilter;
use mcp_protocol::rt::{Peer, RequestError, RequestOptions};
use mcp_protocol::types::{ClientCapabilities, Implementation, LoggingLevel, ServerCapabilities};
use mcp_protocol::{ProtocolVersion, RequestId};
use serde_json::Value;
use serde_json::value::RawValue;
use tokio_util::sync::CancellationToken;

/// How the server reaches the client outside of answers: notifications and (session era)
/// server-to-client requests. The stdio and in-memory transports use the connection's
/// [`Peer`]; a Streamable HTTP layer implements it over its SSE streams and feeds requests
/// into the same dispatch.
pub(crate) trait Outbound: Send + Sync + Debug + 'static {
    /// Sends a notification; returns whether it left.
    fn notify_raw(&self, method: &'static str, params: Box<RawValue>) -> bool;
    /// Sends a request and waits for the raw result.
    fn request(
        &self,
        method: &'static str,
        params: Value,
    ) -> BoxFuture<'static, Result<Value, RequestError>>;
    /// Closes the connection carrying this request's stream without ending the stream, so
    /// the client reconnects and resumes; false where there is no such stream (the default).
    fn close_stream(&self) -> bool {
        false
    }
}

impl dyn Outbound {
    /// Sends a typed notification.
    pub(crate) fn notify<N: Notification>(&self, params: N::Params) -> bool {
        match to_raw(&params) {
            Ok(raw) => self.notify_raw(N::METHOD, raw),
            Err(_) => false,
        }
    }
}

impl Outbound for Peer {
    fn notify_raw(&self, method: &'static str, params: Box<RawValue>) -> bool {
        self.notify_raw(method, Some(params)).is_ok()
    }

    fn request(
        &self,
        method: &'static str,
        params: Value,
    ) -> BoxFuture<'static, Result<Value, RequestError>> {
        let fut = match to_raw(&params) {
            Ok(raw) => Ok(self.request_raw(method, Some(raw), RequestOptions::new())),
            Err(e) => Err(e),
        };
        async move {
            let raw = fut.map_err(|e| RequestError::Send(e.into()))?.await?;
            serde_json::from_str(raw.get()).map_err(|e| {
                RequestError::Remote(mcp_protocol::ErrorObject::internal(e.to_string()))
            })
        }
        .boxed()
    }
}

/// What `initialize` settled for a session.
#[derive(Debug, Clone)]
pub(crate) struct Negotiated {
    pub(crate) version: ProtocolVersion,
    pub(crate) client_capabilities: ClientCapabilities,
    pub(crate) client_info: Implementation,
    pub(crate) server_capabilities: ServerCapabilities,
}

/// One connection's state.
#[derive(Debug)]
pub(crate) struct Session {
    pub(crate) id: u64,
    pub(crate) outbound: Arc<dyn Outbound>,
    /// Cancelled when the connection ends (listen streams and tasks' waits end with it).
    pub(crate) closed: CancellationToken,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    negotiated: Option<Arc<Negotiated>>,
    log_level: Option<LoggingLevel>,
    /// URIs of `resources/subscribe`.
    subscriptions: BTreeSet<String>,
    /// Open `subscriptions/listen` requests.
    listens: HashMap<RequestId, SubscriptionFilter>,
}

impl Session {
    pub(crate) fn new(id: u64, outbound: Arc<dyn Outbound>) -> Self {
        Self {
            id,
            outbound,
            closed: CancellationToken::new(),
            state: Mutex::default(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The session-era negotiation, once `initialize` was answered.
    pub(crate) fn negotiated(&self) -> Option<Arc<Negotiated>> {
        self.lock().negotiated.clone()
    }

    /// Records `initialize`; false if the session was already initialized.
    pub(crate) fn initialize(&self, negotiated: Negotiated) -> bool {
        let mut st = self.lock();
        if st.negotiated.is_some() {
            return false;
        }
        st.negotiated = Some(Arc::new(negotiated));
        true
    }

    pub(crate) fn log_level(&self) -> Option<LoggingLevel> {
        self.lock().log_level.clone()
    }

    pub(crate) fn set_log_level(&self, level: LoggingLevel) {
        self.lock().log_level = Some(level);
    }

    pub(crate) fn subscribe(&self, uri: String) {
        self.lock().subscriptions.insert(uri);
    }

    pub(crate) fn unsubscribe(&self, uri: &str) {
        self.lock().subscriptions.remove(uri);
    }

    pub(crate) fn is_subscribed(&self, uri: &str) -> bool {
        self.lock().subscriptions.contains(uri)
    }

    /// Registers the listen `id` and, under the same lock, runs `acknowledge` (which queues
    /// its acknowledgement). Broadcasts find listens through [`Session::listens_where`],
    /// which takes that lock too: one that sees this listen queues its notification after
    /// the acknowledgement, and once the acknowledgement is out, every broadcast sees the
    /// listen.
    pub(crate) fn open_listen(
        &self,
        id: RequestId,
        filter: SubscriptionFilter,
        acknowledge: impl FnOnce(&SubscriptionFilter),
    ) {
        let mut state = self.lock();
        acknowledge(&filter);
        state.listens.insert(id, filter);
    }

    pub(crate) fn close_listen(&self, id: &RequestId) {
        self.lock().listens.remove(id);
    }

    /// The open listen streams whose filter `wants`.
    pub(crate) fn listens_where(
        &self,
        wants: impl Fn(&SubscriptionFilter) -> bool,
    ) -> Vec<RequestId> {
        self.lock()
            .listens
            .iter()
            .filter(|(_, f)| wants(f))
            .map(|(id, _)| id.clone())
            .collect()
    }
}
