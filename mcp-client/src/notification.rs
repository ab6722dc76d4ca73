//! What the server tells the client without being asked: log messages, list changes,
//! resource updates, task status, already decoded.
//!
//! [`Client::notifications`](crate::Client::notifications) returns a [`Notifications`]
//! stream of every notification that does not belong to a `subscriptions/listen` stream;
//! those go to their [`Subscription`](crate::Subscription).

use std::pin::Pin;
use std::task::{Context, Poll};

use mcp_protocol::jsonrpc::NotificationMessage;
use mcp_protocol::method::Notification;
use mcp_protocol::methods::{
    ElicitationComplete, ElicitationCompleteParams, LoggingMessage, LoggingMessageParams,
    PromptListChanged, ResourceListChanged, ResourceUpdated, ResourceUpdatedParams,
    SubscriptionsAcknowledged, SubscriptionsAcknowledgedParams, TaskStatus, TaskStatusParams,
    ToolListChanged,
};
use serde_json::Value;
use tokio::sync::mpsc;

/// A notification from the server, decoded by its method.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ServerNotification {
    /// `notifications/message`: a log message.
    Log(LoggingMessageParams),
    /// `notifications/tools/list_changed`.
    ToolListChanged,
    /// `notifications/prompts/list_changed`.
    PromptListChanged,
    /// `notifications/resources/list_changed`.
    ResourceListChanged,
    /// `notifications/resources/updated`: a subscribed resource changed.
    ResourceUpdated(ResourceUpdatedParams),
    /// `notifications/elicitation/complete`: a URL-mode elicitation finished (2025-11-25).
    ElicitationComplete(ElicitationCompleteParams),
    /// `notifications/tasks/status`.
    TaskStatus(Box<TaskStatusParams>),
    /// `notifications/subscriptions/acknowledged`: what a `subscriptions/listen` stream
    /// will carry (2026-07-28).
    SubscriptionsAcknowledged(SubscriptionsAcknowledgedParams),
    /// Any other notification (or one whose params did not decode), raw.
    Other {
        /// The method.
        method: String,
        /// The params, if any.
        params: Option<Value>,
    },
}

impl ServerNotification {
    /// Decodes a notification by its method. One whose params do not fit its method comes
    /// out as [`ServerNotification::Other`], logged, so a server bug never loses it.
    pub fn decode(message: &NotificationMessage) -> Self {
        fn typed<N: Notification, T>(
            message: &NotificationMessage,
            wrap: impl FnOnce(N::Params) -> T,
        ) -> Option<T> {
            match message.decode_params::<N>() {
                Ok(p) => Some(wrap(p)),
                Err(e) => {
                    tracing::warn!(error = %e, "malformed notification from the server");
                    None
                }
            }
        }
        let decoded = match message.method.as_ref() {
            LoggingMessage::METHOD => typed::<LoggingMessage, _>(message, Self::Log),
            ToolListChanged::METHOD => Some(Self::ToolListChanged),
            PromptListChanged::METHOD => Some(Self::PromptListChanged),
            ResourceListChanged::METHOD => Some(Self::ResourceListChanged),
            ResourceUpdated::METHOD => typed::<ResourceUpdated, _>(message, Self::ResourceUpdated),
            ElicitationComplete::METHOD => {
                typed::<ElicitationComplete, _>(message, Self::ElicitationComplete)
            }
            TaskStatus::METHOD => {
                typed::<TaskStatus, _>(message, |p| Self::TaskStatus(Box::new(p)))
            }
            SubscriptionsAcknowledged::METHOD => {
                typed::<SubscriptionsAcknowledged, _>(message, Self::SubscriptionsAcknowledged)
            }
            _ => None,
        };
        decoded.unwrap_or_else(|| Self::Other {
            method: message.method.to_string(),
            params: message
                .params
                .as_deref()
                .and_then(|p| serde_json::from_str(p.get()).ok()),
        })
    }
}

/// A stream of [`ServerNotification`]s; ends when the connection closes. Unread
/// notifications queue up, so drop the stream when no longer interested.
#[derive(Debug)]
pub struct Notifications {
    pub(crate) rx: mpsc::UnboundedReceiver<ServerNotification>,
}

impl Notifications {
    /// The next notification; `None` once the connection is closed.
    pub async fn next(&mut self) -> Option<ServerNotification> {
        self.rx.recv().await
    }
}

impl futures::Stream for Notifications {
    type Item = ServerNotification;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.rx.poll_recv(cx)
    }
}
