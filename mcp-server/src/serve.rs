//! Serving connections: [`Server::serve`] over any transport, [`Server::serve_stdio`].
//!
//! One task reads the connection's requests; each request runs on its own task, so a slow
//! handler never holds up the others (only `initialize` is answered inline, so that nothing
//! overtakes it). When the connection ends or the server shuts down, open listen streams
//! end, in-flight requests get [`GRACE`] to finish, and the connection closes.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use futures::FutureExt;
use mcp_protocol::Side;
use mcp_protocol::engine::EngineConfig;
use mcp_protocol::jsonrpc::NotificationMessage;
use mcp_protocol::rt::{self, Incoming, IncomingRequest, Transport};
use tokio::task::JoinSet;

use crate::dispatch::Call;
use crate::error::ServeError;
use crate::server::Server;
use crate::session::Session;

/// How long in-flight requests may run on after the connection starts closing.
pub const GRACE: Duration = Duration::from_secs(5);

/// How long a cancelled handler may run on to wind down before it is dropped.
const CANCEL_GRACE: Duration = Duration::from_secs(1);

impl Server {
    /// Serves one connection over `transport` until the client hangs up or
    /// [`Server::shutdown`] is called. Call it once per connection, concurrently as often
    /// as you like: each connection has its own session state.
    pub async fn serve<T: Transport>(&self, transport: T) -> Result<(), ServeError> {
        let (peer, mut incoming, driver) = rt::connection(
            transport,
            Side::Server,
            EngineConfig::new().max_requests_in_flight(self.config().max_requests_in_flight),
        );
        let driver = tokio::spawn(driver.run());
        let id = self.inner.next_session.fetch_add(1, Ordering::Relaxed);
        let session = Arc::new(Session::new(id, Arc::new(peer.clone())));
        self.sessions().insert(id, session.clone());
        let mut running = JoinSet::new();
        // On a multi-thread runtime each request gets a task from the start, so handlers
        // that compute without yielding still run in parallel on every core.
        let inline_first = tokio::runtime::Handle::current().runtime_flavor()
            == tokio::runtime::RuntimeFlavor::CurrentThread;
        loop {
            tokio::select! {
                () = self.inner.shutdown.cancelled() => break,
                next = incoming.next() => match next {
                    None => break,
                    Some(Incoming::Request(req)) if req.method() == "initialize" => {
                        self.clone().serve_request(session.clone(), req).await;
                    }
                    Some(Incoming::Request(req)) => {
                        let serve = self.clone().serve_request(session.clone(), req);
                        if inline_first {
                            // One thread runs everything anyway: try the request here first,
                            // and pay for a task only if it has to wait (most tool calls
                            // that do no I/O finish in this one poll).
                            let mut serve = Box::pin(serve);
                            if (&mut serve).now_or_never().is_none() {
                                running.spawn(serve);
                            }
                        } else {
                            running.spawn(serve);
                        }
                    }
                    Some(Incoming::Notification(n)) => self.on_notification(&n),
                    Some(_) => {}
                },
                Some(_) = running.join_next(), if !running.is_empty() => {}
            }
        }
        session.closed.cancel();
        let drained = tokio::time::timeout(GRACE, async {
            while running.join_next().await.is_some() {}
        })
        .await;
        if drained.is_err() {
            running.abort_all();
        }
        self.sessions().remove(&id);
        drop(session);
        drop(incoming);
        peer.close();
        drop(peer);
        match tokio::time::timeout(GRACE, driver).await {
            Ok(Ok(Err(e))) => Err(e.into()),
            _ => Ok(()),
        }
    }

    /// Serves this process's stdin and stdout (basic/transports §stdio) until stdin ends.
    pub async fn serve_stdio(&self) -> Result<(), ServeError> {
        let transport = rt::stdio::stdio()?.with_max_message_len(self.config().max_message_size);
        self.serve(transport).await
    }

    /// Answers one request, watching for the client's cancellation.
    ///
    /// The handler's token is the request's own (a child of it): it is cancelled while the
    /// connection's driver handles the `notifications/cancelled`, so from then on the
    /// handler's [`RequestContext`](crate::RequestContext) sends no progress or log for
    /// the request (2026-07-28 basic/transports/stdio §Cancellation: servers "MUST NOT send any
    /// further messages for it"), even while it winds down.
    async fn serve_request(self, session: Arc<Session>, req: IncomingRequest) {
        let cancel = req.cancel_token();
        let call = Call {
            message: req.message().clone(),
            cancel: cancel.clone(),
            principal: None,
            outbound: None,
        };
        let dispatch = self.dispatch(&session, call);
        tokio::pin!(dispatch);
        tokio::select! {
            outcome = &mut dispatch => {
                req.respond_raw(outcome);
            }
            () = req.cancelled() => {
                // basic/utilities/cancellation: stop work, send no answer (the engine
                // swallows it). The handler sees its context cancelled and may wind down.
                cancel.cancel();
                let _ = tokio::time::timeout(CANCEL_GRACE, dispatch).await;
            }
        }
    }
}

impl Server {
    fn on_notification(&self, n: &NotificationMessage) {
        match &*n.method {
            // Nothing waits on it: requests are served from `initialize` on (the spec only
            // says the client SHOULD NOT send others first), and the server sends no requests
            // of its own except from a handler, which a client request started.
            "notifications/initialized" => {}
            "notifications/roots/list_changed" => {
                if let Some(callback) = &self.config().on_roots_list_changed {
                    (callback.0)();
                }
            }
            other => tracing::debug!(method = other, "notification ignored"),
        }
    }
}
