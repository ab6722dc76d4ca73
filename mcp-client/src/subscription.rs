//! `subscriptions/listen` (2026-07-28): one long-lived request whose notifications carry
//! its id in `_meta["io.modelcontextprotocol/subscriptionId"]`; the stream of them is a
//! [`Subscription`]. Dropping it cancels the request, which ends the subscription.

use std::time::Duration;

use mcp_protocol::RequestId;
use mcp_protocol::methods::{SubscriptionFilter, SubscriptionsListen, SubscriptionsListenParams};
use mcp_protocol::rt::ResponseFuture;
use tokio::sync::mpsc;

use crate::call::{Wire, request_error};
use crate::client::Client;
use crate::connect::era::without_timeout;
use crate::error::{Error, Result};
use crate::notification::ServerNotification;

/// The notifications of one `subscriptions/listen` request. The first is normally
/// [`ServerNotification::SubscriptionsAcknowledged`], naming what the server agreed to send.
#[derive(Debug)]
pub struct Subscription {
    client: Client,
    id: Option<RequestId>,
    rx: mpsc::UnboundedReceiver<ServerNotification>,
    response: Option<ResponseFuture<Wire<SubscriptionsListen>>>,
    ended: Option<Result<()>>,
}

impl Client {
    /// `subscriptions/listen` (2026-07-28): opens a stream of the notifications `filter`
    /// asks for. The request has no timeout; it lasts until the server ends it or the
    /// [`Subscription`] is dropped.
    ///
    /// This returns once the request is sent, before the server has registered the
    /// subscription: a change that happens before the first item of the stream,
    /// [`ServerNotification::SubscriptionsAcknowledged`], may not be announced on it. Wait for
    /// the acknowledgement before relying on the stream (it also says what the server agreed
    /// to send).
    pub async fn listen(&self, filter: SubscriptionFilter) -> Result<Subscription> {
        let version = self.check::<SubscriptionsListen>()?;
        let params = self
            .inner
            .conn
            .encode::<SubscriptionsListen>(&SubscriptionsListenParams::new(filter), version)?;
        let conn = &self.inner.conn;
        let (rx, response) = self.inner.inbox.subscribe(|| {
            let response = conn.start::<SubscriptionsListen>(params, without_timeout());
            (response.id(), response)
        });
        Ok(Subscription {
            client: self.clone(),
            id: response.id(),
            rx,
            response: Some(response),
            ended: None,
        })
    }
}

impl Subscription {
    /// The next notification; `None` once the server ended the subscription or the
    /// connection closed (see [`Subscription::end_reason`]).
    pub async fn next(&mut self) -> Option<ServerNotification> {
        let Some(response) = self.response.as_mut() else {
            return self.rx.try_recv().ok();
        };
        tokio::select! {
            biased;
            Some(n) = self.rx.recv() => Some(n),
            r = response => {
                self.response = None;
                self.ended = Some(match r {
                    Ok(_) => Ok(()),
                    Err(e) => Err(request_error(e, "subscriptions/listen", Duration::ZERO)),
                });
                // Deliver what arrived before the end: the answer overtakes the
                // notifications sent before it, so wait until they are routed.
                self.client.inner.inbox.fence().await;
                self.rx.try_recv().ok()
            }
        }
    }

    /// Why the subscription ended: `Some(Ok(()))` when the server closed it gracefully,
    /// `Some(Err(_))` when it failed; `None` while it runs.
    pub fn end_reason(&self) -> Option<&Result<(), Error>> {
        self.ended.as_ref()
    }

    /// The id of the `subscriptions/listen` request.
    pub fn id(&self) -> Option<&RequestId> {
        self.id.as_ref()
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        if let Some(id) = &self.id {
            self.client.inner.inbox.unsubscribe(id);
        }
    }
}
