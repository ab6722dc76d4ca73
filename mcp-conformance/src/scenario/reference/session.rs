//! Lifecycle and the conversation around the features: negotiation (also down to an older
//! server, and failing cleanly between disjoint versions), logging, resource updates, the
//! client's sampling / elicitation / roots, and tasks.

use std::time::Duration;

use futures::FutureExt;
use futures::future::BoxFuture;
use mcp_client::{Client, Notifications, ServerNotification};
use mcp_protocol::methods::SubscriptionFilter;
use mcp_protocol::types::{LoggingLevel, ResultOrFollowUp};
use mcp_protocol::{ProtocolVersion as V, SupportedVersions};
use serde_json::{Value, json};

use super::server::{INSTRUCTIONS, NAME, WATCHED};
use super::{Ctx, ensure, same, skip};

/// How long a notification may take.
const WAIT: Duration = Duration::from_secs(5);

fn err(e: mcp_client::Error) -> String {
    e.to_string()
}

async fn text_of(client: &Client, tool: &str, args: Value) -> Result<(String, bool), String> {
    let r = client.call_tool(tool, args).await.map_err(err)?;
    let text = r
        .content
        .first()
        .and_then(|b| b.as_text())
        .unwrap_or_default()
        .to_owned();
    Ok((text, r.is_error()))
}

/// Checks what the client negotiated against a reference server.
fn check_negotiated(ctx: &mut Ctx, client: &Client, want: V) -> Result<(), String> {
    let n = client.negotiated();
    ctx.note(
        "negotiated",
        &json!({"version": n.version, "serverInfo": n.server_info, "instructions": n.instructions}),
    );
    same!(n.version, want, "negotiated version");
    same!(n.server_info.name, NAME, "serverInfo.name");
    same!(
        n.instructions.as_deref(),
        Some(INSTRUCTIONS),
        "instructions"
    );
    ensure!(
        n.capabilities.tools.is_some(),
        "the tools capability is missing"
    );
    Ok(())
}

pub(super) fn negotiation(ctx: &mut Ctx) -> BoxFuture<'_, Result<(), String>> {
    async move {
        let v = ctx.version;
        let client = ctx.client().await?;
        check_negotiated(ctx, &client, v)?;
        if v.has_handshake() {
            client.ping().await.map_err(err)?;
            ctx.note("ping", &"{}");
            let refused = client
                .discover()
                .await
                .err()
                .is_some_and(|e| e.is_refused_locally());
            ensure!(refused, "server/discover must not exist in {v}");
        } else {
            let d = client.discover().await.map_err(err)?;
            ctx.note("server/discover", &d);
            ensure!(
                d.supported_versions.iter().any(|s| s == v.as_str()),
                "{v} is not in supportedVersions"
            );
            let refused = client
                .ping()
                .await
                .err()
                .is_some_and(|e| e.is_refused_locally());
            ensure!(refused, "ping must not exist in {v}");
        }
        Ok(())
    }
    .boxed()
}

pub(super) fn negotiation_down(ctx: &mut Ctx) -> BoxFuture<'_, Result<(), String>> {
    async move {
        let v = ctx.version;
        // The server speaks every version up to `v`; the client all of them.
        let server = SupportedVersions::new(V::ALL.into_iter().filter(|s| *s <= v));
        let client = ctx
            .connect(SupportedVersions::default(), server)
            .await
            .map_err(err)?;
        check_negotiated(ctx, &client, v)?;
        let (text, _) = text_of(&client, "echo", json!({"text": "down"})).await?;
        same!(text, "down", "echo after negotiating down");
        Ok(())
    }
    .boxed()
}

pub(super) fn mismatch(ctx: &mut Ctx) -> BoxFuture<'_, Result<(), String>> {
    async move {
        let v = ctx.version;
        // The server speaks only versions of the other era.
        let server = if v.has_handshake() {
            SupportedVersions::new([V::V2026_07_28])
        } else {
            SupportedVersions::new(V::ALL.into_iter().filter(|s| s.has_handshake()))
        };
        let e = match ctx.connect(SupportedVersions::new([v]), server).await {
            Ok(c) => return Err(format!("connected anyway, as {}", c.protocol_version())),
            Err(e) => e,
        };
        ctx.note("connect error", &format!("{e} ({e:?})"));
        // The server's refusal of `initialize` is its JSON-RPC error, whether it came as
        // the call's response or in the body of an HTTP error status.
        let clear = match &e {
            mcp_client::Error::Negotiation(_) => true,
            other => {
                other.method() == Some("initialize")
                    && other
                        .remote()
                        .is_some_and(|r| r.message.contains("version"))
            }
        };
        ensure!(clear, "expected a negotiation error, got {e:?}");
        Ok(())
    }
    .boxed()
}

async fn next_where(
    n: &mut Notifications,
    f: impl Fn(&ServerNotification) -> bool,
) -> Option<ServerNotification> {
    tokio::time::timeout(WAIT, async {
        loop {
            let got = n.next().await?;
            if f(&got) {
                return Some(got);
            }
        }
    })
    .await
    .ok()
    .flatten()
}

pub(super) fn logging(ctx: &mut Ctx) -> BoxFuture<'_, Result<(), String>> {
    async move {
        let client = ctx.client().await?;
        let mut notes = client.notifications();
        // Session era: logging/setLevel; 2026-07-28: the client sends its level (info) in
        // every request's _meta.
        if ctx.version.has_handshake() {
            client
                .set_log_level(LoggingLevel::Info)
                .await
                .map_err(err)?;
            ctx.note("logging/setLevel", &"info");
        }
        let (text, _) = text_of(&client, "log", json!({})).await?;
        same!(text, "sent 2", "messages sent at info and above");
        for level in [LoggingLevel::Info, LoggingLevel::Error] {
            let n = next_where(&mut notes, |n| matches!(n, ServerNotification::Log(_))).await;
            let Some(ServerNotification::Log(log)) = n else {
                return Err(format!("no {level:?} log message arrived"));
            };
            ctx.note("notifications/message", &log);
            same!(
                (log.level, log.data),
                (level.clone(), json!({"level": format!("{level:?}")})),
                "log message"
            );
        }
        Ok(())
    }
    .boxed()
}

pub(super) fn updates(ctx: &mut Ctx) -> BoxFuture<'_, Result<(), String>> {
    async move {
        let client = ctx.client().await?;
        let touch = json!({"uri": WATCHED});
        if ctx.version.has_handshake() {
            let mut notes = client.notifications();
            client.subscribe_resource(WATCHED).await.map_err(err)?;
            text_of(&client, "touch", touch.clone()).await?;
            let n = next_where(&mut notes, |n| {
                matches!(n, ServerNotification::ResourceUpdated(_))
            })
            .await;
            let Some(ServerNotification::ResourceUpdated(u)) = n else {
                return Err("no notifications/resources/updated after subscribing".into());
            };
            ctx.note("notifications/resources/updated", &u);
            same!(u.uri, WATCHED, "updated uri");
            client.unsubscribe_resource(WATCHED).await.map_err(err)?;
            text_of(&client, "touch", touch).await?;
            client.ping().await.map_err(err)?;
            let late = tokio::time::timeout(Duration::from_millis(30), notes.next()).await;
            ensure!(
                late.is_err(),
                "a notification after unsubscribing: {late:?}"
            );
            return Ok(());
        }
        let filter = SubscriptionFilter::new()
            .with_resource(WATCHED)
            .with_tools_list_changed();
        let mut sub = client.listen(filter).await.map_err(err)?;
        let ack = tokio::time::timeout(WAIT, sub.next()).await.ok().flatten();
        let Some(ServerNotification::SubscriptionsAcknowledged(ack)) = ack else {
            return Err(format!(
                "expected notifications/subscriptions/acknowledged, got {ack:?}"
            ));
        };
        let ack = ctx.note(
            "notifications/subscriptions/acknowledged",
            &ack.notifications,
        );
        same!(
            ack,
            json!({"toolsListChanged": true, "resourceSubscriptions": [WATCHED]}),
            "what the stream carries"
        );
        text_of(&client, "touch", json!({"uri": "test://static-text"})).await?;
        text_of(&client, "touch", touch).await?;
        let n = tokio::time::timeout(WAIT, sub.next()).await.ok().flatten();
        let Some(ServerNotification::ResourceUpdated(u)) = n else {
            return Err(format!(
                "expected notifications/resources/updated, got {n:?}"
            ));
        };
        ctx.note("notifications/resources/updated", &u);
        same!(u.uri, WATCHED, "only the watched resource");
        Ok(())
    }
    .boxed()
}

pub(super) fn client_input(ctx: &mut Ctx) -> BoxFuture<'_, Result<(), String>> {
    async move {
        let v = ctx.version;
        let client = ctx.client().await?;
        let (text, _) = text_of(&client, "sample", json!({})).await?;
        ctx.note("tools/call sample", &text);
        same!(text, "reference-model: Paris", "the sampled answer");
        let (text, _) = text_of(&client, "roots", json!({})).await?;
        ctx.note("tools/call roots", &text);
        same!(text, "file:///workspace", "the roots");
        let (text, is_error) = text_of(&client, "confirm", json!({})).await?;
        ctx.note("tools/call confirm", &text);
        let seen = ctx.take_seen();
        ctx.note("client handlers saw", &seen);
        if v < V::V2025_06_18 {
            ensure!(
                is_error,
                "elicitation does not exist in {v}, yet the tool got an answer"
            );
            same!(
                seen,
                ["sampling \"Capital of France?\" maxTokens=64"],
                "handler calls"
            );
            return Ok(());
        }
        // The handler answered only `name`; the client filled the default of `notify`.
        let answer: Value = serde_json::from_str(&text).map_err(|e| format!("{text}: {e}"))?;
        same!(
            answer,
            json!({"action": "accept", "content": {"name": "Ada", "notify": true}}),
            "the elicitation answer"
        );
        same!(
            seen,
            [
                "sampling \"Capital of France?\" maxTokens=64",
                "elicitation \"Who is asking?\""
            ],
            "handler calls"
        );
        Ok(())
    }
    .boxed()
}

pub(super) fn tasks(ctx: &mut Ctx) -> BoxFuture<'_, Result<(), String>> {
    async move {
        let v = ctx.version;
        if v < V::V2025_11_25 {
            return Err(skip("tasks exist from 2025-11-25"));
        }
        let client = ctx.client().await?;
        let outcome = client
            .call_tool_as_task("slow", json!({}), Some(60_000))
            .await
            .map_err(err)?;
        let ResultOrFollowUp::Task(created) = outcome else {
            return Err(format!("expected a task, got {outcome:?}"));
        };
        ctx.note("tools/call slow (task)", &created);
        let id = created.task.task_id.clone();
        if v.has_handshake() {
            let payload = client.task_result(&id).await.map_err(err)?;
            let payload = ctx.note("tasks/result", &payload);
            same!(
                payload["content"],
                json!([{"type": "text", "text": "slow done"}]),
                "the task's result"
            );
            let list = client.list_tasks(None).await.map_err(err)?;
            ensure!(
                list.tasks.iter().any(|t| t.task_id == id),
                "tasks/list lacks {id}"
            );
        }
        let done = loop {
            let t = client.get_task(&id).await.map_err(err)?;
            let t = serde_json::to_value(&t).unwrap_or_default();
            if t["status"] != "working" {
                break t;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        };
        ctx.note("tasks/get", &done);
        same!(done["status"], json!("completed"), "the task's status");
        if !v.has_handshake() {
            same!(
                done["result"]["content"],
                json!([{"type": "text", "text": "slow done"}]),
                "the task's result"
            );
        }
        Ok(())
    }
    .boxed()
}
