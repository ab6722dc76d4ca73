//! Lifecycle and session-wide methods: `initialize`, `server/discover`, `logging/setLevel`,
//! `resources/subscribe|unsubscribe`, `subscriptions/listen`.

use std::sync::Arc;

use mcp_protocol::RequestId;
use mcp_protocol::methods::{
    Cancelled, CancelledParams, DiscoverResult, Initialize, InitializeResult, SetLevel, Subscribe,
    SubscriptionFilter, SubscriptionsAcknowledged, SubscriptionsAcknowledgedParams,
    SubscriptionsListen, SubscriptionsListenResult,
};
use mcp_protocol::types::{EmptyResult, Meta};
use mcp_protocol::{ErrorObject, ProtocolVersion};

use super::tasks::{listened_task_ids, send_task_status};
use super::{Answer, Call, Scope, decode, reply};
use crate::server::Server;
use crate::session::{Negotiated, Session};

impl Server {
    /// `initialize` (basic/lifecycle): negotiate the version, fix the capabilities.
    pub(super) fn initialize(&self, session: &Session, call: &Call) -> Answer {
        let params = decode::<Initialize>(call)?;
        let version = self
            .versions()
            .answer_initialize(&params.protocol_version)
            .map_err(|_| self.initialize_refused(&params.protocol_version))?;
        let capabilities = self.capabilities();
        let negotiated = Negotiated {
            version,
            client_capabilities: params.capabilities,
            client_info: params.client_info,
            server_capabilities: capabilities.clone(),
        };
        if !session.initialize(negotiated) {
            return Err(ErrorObject::invalid_request(
                "the session is already initialized",
            ));
        }
        let mut result = InitializeResult::new(version, capabilities, self.info().clone());
        result.instructions = self.instructions().map(str::to_owned);
        reply(result, version)
    }

    /// The answer to `initialize` when no session-era version is enabled (a modern-only
    /// server). basic/versioning §Backward Compatibility (2026-07-28): "A server that
    /// supports only modern versions **SHOULD** name the protocol versions it supports in
    /// any error it returns to an `initialize` request, on any transport". The caller is a
    /// legacy client, so the error has the shape its own revision gives for a version it
    /// cannot have (2025-11-25 basic/lifecycle §Error Handling: -32602 "Unsupported
    /// protocol version" with `data.supported` and `data.requested`), and the message
    /// names the versions too, for clients that show only the message.
    fn initialize_refused(&self, requested: &str) -> ErrorObject {
        let supported: Vec<&str> = self
            .versions()
            .as_slice()
            .iter()
            .map(|v| v.as_str())
            .collect();
        ErrorObject::invalid_params(format!(
            "Unsupported protocol version {requested:?}: this server has no `initialize` \
             handshake; it supports {} (per-request `_meta`, no session)",
            supported.join(", ")
        ))
        .with_data(serde_json::json!({ "supported": supported, "requested": requested }))
    }

    /// `server/discover` (2026-07-28): versions, capabilities, instructions, cache hint.
    pub(super) fn discover(&self, version: ProtocolVersion) -> Answer {
        let mut result = DiscoverResult::new(
            self.versions().as_slice().iter().copied(),
            self.capabilities(),
        );
        result.instructions = self.instructions().map(str::to_owned);
        if let Some(hint) = self.discover_cache() {
            result = result.with_cache(hint.ttl_ms, hint.scope);
        }
        result.meta = Some(Meta::new().with(Meta::SERVER_INFO, self.info()));
        if !version.has_handshake() {
            return reply(result, version);
        }
        // `server/discover` is not a request of the session era; answer in 2026-07-28 terms.
        reply(result, ProtocolVersion::V2026_07_28)
    }

    /// `logging/setLevel` (session era).
    pub(super) fn set_level(&self, session: &Session, call: &Call, v: ProtocolVersion) -> Answer {
        let params = decode::<SetLevel>(call)?;
        session.set_log_level(params.level);
        reply(EmptyResult::default(), v)
    }

    /// `resources/subscribe` / `resources/unsubscribe` (session era).
    pub(super) fn subscribe(
        &self,
        session: &Session,
        call: &Call,
        v: ProtocolVersion,
        on: bool,
    ) -> Answer {
        // Both methods have the same params.
        let params = decode::<Subscribe>(call)?;
        if on {
            session.subscribe(params.uri);
        } else {
            session.unsubscribe(&params.uri);
        }
        reply(EmptyResult::default(), v)
    }

    /// `subscriptions/listen` (2026-07-28): acknowledge what we will deliver, then keep the
    /// request open until the client cancels it or the connection ends; notifications on
    /// it carry `_meta["io.modelcontextprotocol/subscriptionId"]`. With the tasks extension,
    /// `notifications.taskIds` follows the caller's tasks: their state at once, then each
    /// change as `notifications/tasks` (asking without declaring the extension is -32021).
    pub(super) async fn listen(
        &self,
        session: &Arc<Session>,
        call: &Call,
        scope: &Scope,
    ) -> Answer {
        let params = decode::<SubscriptionsListen>(call)?;
        let caps = self.capabilities();
        let asked = params.notifications;
        let list_changed =
            |declared: Option<bool>, asked: bool| (declared == Some(true) && asked).then_some(true);
        let filter = {
            let mut subscription_filter = SubscriptionFilter::default();
            subscription_filter.tools_list_changed = list_changed(
                caps.tools.as_ref().and_then(|c| c.list_changed),
                asked.tools(),
            );
            subscription_filter.prompts_list_changed = list_changed(
                caps.prompts.as_ref().and_then(|c| c.list_changed),
                asked.prompts(),
            );
            subscription_filter.resources_list_changed = list_changed(
                caps.resources.as_ref().and_then(|c| c.list_changed),
                asked.resources(),
            );
            subscription_filter.resource_subscriptions = asked
                .resource_subscriptions
                .clone()
                .filter(|_| caps.resources.as_ref().and_then(|r| r.subscribe) == Some(true));
            subscription_filter.extra = self.listened_tasks(session, call, scope, &asked)?;
            subscription_filter
        };
        let id = call.message.id.clone();
        let tasks = listened_task_ids(&filter);
        // basic/patterns/subscriptions §Acknowledgment: "The server MUST send
        // `notifications/subscriptions/acknowledged` as the first message [...] and MUST NOT
        // send any notification on the subscription before it." The ack is queued and the
        // listen registered under one lock (see `Session::open_listen`): no broadcast can
        // come first, and none is missed once the client has the ack.
        session.open_listen(id.clone(), filter, |filter| {
            session.outbound.notify::<SubscriptionsAcknowledged>(
                SubscriptionsAcknowledgedParams::new(&id, filter.clone()),
            );
        });
        // The tasks' state now, so a change between their creation and this subscription is
        // not lost; every later change follows as it happens.
        for task in tasks {
            if let Some(record) = self
                .inner
                .tasks
                .get(&task, &self.owner(session, call, scope))
            {
                send_task_status(session, &id, &record);
            }
        }
        let torn_down = tokio::select! {
            () = call.cancel.cancelled() => None,
            () = session.closed.cancelled() => Some("the connection ended"),
            () = self.inner.shutdown.cancelled() => Some("the server is shutting down"),
        };
        session.close_listen(&id);
        if let Some(reason) = torn_down {
            tear_down(session, &id, reason);
        }
        reply(SubscriptionsListenResult::new(&id), scope.version)
    }
}

/// The server ends subscription `id` on its own initiative (shutdown, the connection's end).
///
/// basic/patterns/cancellation (2026-07-28): "A server **MUST** send
/// `notifications/cancelled` referencing a `subscriptions/listen` request ID when it tears
/// down that subscription stream [...] Servers **MUST NOT** send `notifications/cancelled`
/// for any other purpose." It carries the subscription's id in `_meta` like every message
/// on the stream (`NotificationMetaObject`). It goes before the completion result that
/// the caller then sends (subscriptions §Graceful Closure, SHOULD): on HTTP that result
/// ends the stream, so nothing could follow it. A subscription the client cancelled gets
/// neither message from here (the engine, or the closed HTTP stream, drops its answer).
fn tear_down(session: &Session, id: &RequestId, reason: &str) {
    let mut params = CancelledParams::new(id.clone(), Some(reason.to_owned()));
    params.meta = Some(Meta::new().with(Meta::SUBSCRIPTION_ID, id));
    session.outbound.notify::<Cancelled>(params);
}
