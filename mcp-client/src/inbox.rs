//! The task that reads what the server sends on its own: requests (session era: sampling,
//! elicitation, roots, ping), answered with the application's handlers, and notifications,
//! routed to the [`Notifications`](crate::Notifications) streams or to the
//! `subscriptions/listen` stream they belong to.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use mcp_protocol::jsonrpc::NotificationMessage;
use mcp_protocol::method::Request;
use mcp_protocol::methods::{CreateMessage, Elicit, ListRoots, ListRootsResult, Ping};
use mcp_protocol::rt::{Incoming, IncomingRequest, IncomingStream};
use mcp_protocol::types::{EmptyResult, Meta};
use mcp_protocol::{ErrorObject, ProtocolVersion, RequestId, Shape};
use serde::Deserialize;
use tokio::sync::{mpsc, oneshot};

use crate::handler::Handlers;
use crate::notification::ServerNotification;

type Sender = mpsc::UnboundedSender<ServerNotification>;

/// Where notifications go, and the version answers are shaped for.
#[derive(Debug)]
pub(crate) struct Inbox {
    state: Mutex<InboxState>,
    /// Asks the inbox task to route everything received so far ([`Inbox::fence`]).
    fences: mpsc::UnboundedSender<oneshot::Sender<()>>,
}

#[derive(Debug, Default)]
struct InboxState {
    /// The negotiated version, once known.
    version: Option<ProtocolVersion>,
    /// Every [`Notifications`](crate::Notifications) stream.
    streams: Vec<Sender>,
    /// `subscriptions/listen` streams, by the id of their request.
    subscriptions: HashMap<RequestId, Sender>,
    closed: bool,
}

impl Inbox {
    /// An inbox, and the receiver of its fences for [`run`].
    pub(crate) fn new() -> (Self, mpsc::UnboundedReceiver<oneshot::Sender<()>>) {
        let (fences, rx) = mpsc::unbounded_channel();
        let inbox = Self {
            state: Mutex::default(),
            fences,
        };
        (inbox, rx)
    }

    /// Waits until every notification received before now has been routed. The answer to a
    /// request overtakes the notifications sent before it (answers wake their caller
    /// directly; notifications pass through the inbox task), so a caller that must see all
    /// of them (the end of a `subscriptions/listen` stream) fences first.
    pub(crate) async fn fence(&self) {
        let (done, wait) = oneshot::channel();
        if self.fences.send(done).is_ok() {
            // An error means the inbox task ended: everything was routed.
            let _ = wait.await;
        }
    }

    fn lock(&self) -> MutexGuard<'_, InboxState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn set_version(&self, version: ProtocolVersion) {
        self.lock().version = Some(version);
    }

    /// A new stream of the notifications that belong to no subscription.
    pub(crate) fn stream(&self) -> mpsc::UnboundedReceiver<ServerNotification> {
        let (tx, rx) = mpsc::unbounded_channel();
        let mut st = self.lock();
        if !st.closed {
            st.streams.push(tx);
        }
        rx
    }

    /// Routes notifications carrying `subscriptionId == id` to a new stream. `register` runs
    /// under the inbox's lock, so no notification of the subscription can slip by before
    /// it is routed (it sends the request and returns its id).
    pub(crate) fn subscribe<T>(
        &self,
        register: impl FnOnce() -> (Option<RequestId>, T),
    ) -> (mpsc::UnboundedReceiver<ServerNotification>, T) {
        let (tx, rx) = mpsc::unbounded_channel();
        let mut st = self.lock();
        let (id, out) = register();
        if let Some(id) = id
            && !st.closed
        {
            st.subscriptions.insert(id, tx);
        }
        (rx, out)
    }

    pub(crate) fn unsubscribe(&self, id: &RequestId) {
        self.lock().subscriptions.remove(id);
    }

    fn deliver(&self, message: &NotificationMessage) {
        let subscription = subscription_id(message);
        let notification = ServerNotification::decode(message);
        if let ServerNotification::Log(log) = &notification {
            tracing::debug!(level = ?log.level, logger = ?log.logger, data = %log.data, "server log");
        }
        let mut st = self.lock();
        if let Some(id) = subscription
            && let Some(tx) = st.subscriptions.get(&id)
        {
            let _ = tx.send(notification);
            return;
        }
        st.streams
            .retain(|tx| tx.send(notification.clone()).is_ok());
    }

    fn close(&self) {
        let mut st = self.lock();
        st.closed = true;
        st.streams.clear();
        st.subscriptions.clear();
    }
}

fn subscription_id(message: &NotificationMessage) -> Option<RequestId> {
    #[derive(Deserialize)]
    struct Peek {
        #[serde(rename = "_meta")]
        meta: Option<Meta>,
    }
    let params = message.params.as_deref()?;
    serde_json::from_str::<Peek>(params.get())
        .ok()?
        .meta?
        .subscription_id()
}

/// Reads the server's requests and notifications until the connection closes.
pub(crate) async fn run(
    mut incoming: IncomingStream,
    handlers: Arc<Handlers>,
    inbox: Arc<Inbox>,
    mut fences: mpsc::UnboundedReceiver<oneshot::Sender<()>>,
) {
    let take = |item: Incoming| match item {
        Incoming::Request(request) => {
            let version = inbox.lock().version;
            tokio::spawn(answer(request, handlers.clone(), version));
        }
        Incoming::Notification(n) => inbox.deliver(&n),
        _ => {}
    };
    loop {
        tokio::select! {
            item = incoming.next() => match item {
                Some(item) => take(item),
                None => break,
            },
            Some(done) = fences.recv() => {
                // Whatever arrived before the answer that prompted the fence is waiting
                // already: route all of it before saying so.
                while let Some(item) = incoming.try_next() {
                    take(item);
                }
                let _ = done.send(());
            }
        }
    }
    inbox.close();
}

/// Answers one server request with the handlers, unless the server cancels it first.
async fn answer(
    request: IncomingRequest,
    handlers: Arc<Handlers>,
    version: Option<ProtocolVersion>,
) {
    let shape_for = version.unwrap_or(ProtocolVersion::LATEST_SESSION);
    let work = async {
        match request.method() {
            Ping::METHOD => Ok(Answer::Ping),
            CreateMessage::METHOD => {
                let params = request
                    .decode_params::<CreateMessage>()
                    .map_err(|e| e.to_error_object())?;
                let r = handlers.create_message(params).await?;
                Ok(Answer::CreateMessage(Box::new(r.shaped(shape_for))))
            }
            Elicit::METHOD => {
                let params = request
                    .decode_params::<Elicit>()
                    .map_err(|e| e.to_error_object())?;
                let r = handlers.elicit(params).await?;
                Ok(Answer::Elicit(r.shaped(shape_for)))
            }
            ListRoots::METHOD => match handlers.roots() {
                Some(roots) => Ok(Answer::ListRoots(
                    ListRootsResult::new(roots).shaped(shape_for),
                )),
                None => Err(ErrorObject::method_not_found(ListRoots::METHOD)),
            },
            other => Err(ErrorObject::method_not_found(other)),
        }
    };
    let outcome = tokio::select! {
        outcome = work => outcome,
        () = request.cancelled() => return,
    };
    match outcome {
        Ok(Answer::Ping) => request.respond::<Ping>(&EmptyResult::default()),
        Ok(Answer::CreateMessage(r)) => request.respond::<CreateMessage>(&r),
        Ok(Answer::Elicit(r)) => request.respond::<Elicit>(&r),
        Ok(Answer::ListRoots(r)) => request.respond::<ListRoots>(&r),
        Err(e) => request.respond_error(e),
    };
}

enum Answer {
    Ping,
    CreateMessage(Box<mcp_protocol::methods::CreateMessageResult>),
    Elicit(mcp_protocol::methods::ElicitResult),
    ListRoots(ListRootsResult),
}
