//! Test helpers: a server with one of everything, a connected raw client, 2026-07-28
//! request metadata, and bounded waits.
#![allow(dead_code, unreachable_pub)]

#[cfg(feature = "auth")]
#[path = "../../../mcp-auth/tests/support/dev_client.rs"]
pub mod dev_client;
#[cfg(feature = "http")]
pub mod http;
/// mcp-auth's test keys and token minting, shared rather than copied.
#[cfg(feature = "auth")]
#[path = "../../../mcp-auth/tests/support/mod.rs"]
pub mod tokens;

use std::time::Duration;

use mcp_protocol::engine::{EngineConfig, RequestOptions};
use mcp_protocol::jsonrpc::NotificationMessage;
use mcp_protocol::method::Request;
use mcp_protocol::methods::*;
use mcp_protocol::rt::{
    self, Incoming, IncomingRequest, IncomingStream, Peer, RequestError, memory,
};
use mcp_protocol::types::*;
use mcp_protocol::{ProtocolVersion, Side};
use mcp_server::{
    Json, NoArgs, PromptDef, RequestContext, ResourceDef, Server, TaskSupport, TemplateDef,
    ToolDef, from_list,
};
use serde_json::{Map, Value, json};
use tokio::task::JoinHandle;

/// Every wait in these tests is bounded by this.
pub const WAIT: Duration = Duration::from_secs(5);

#[derive(serde::Deserialize, schemars::JsonSchema)]
pub struct Echo {
    /// The text to echo.
    pub text: String,
}

#[derive(serde::Deserialize, schemars::JsonSchema)]
pub struct Add {
    pub a: i64,
    pub b: i64,
}

#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct Sum {
    pub sum: i64,
}

#[derive(serde::Deserialize)]
pub struct ItemId {
    pub id: u32,
}

/// A server with one of everything.
pub fn everything_server(builder: mcp_server::ServerBuilder) -> Server {
    let server = builder.build();
    server
        .add_tool(
            ToolDef::new("echo", |a: Echo, _: RequestContext| async move { a.text })
                .description("Echoes")
                .title("Echo"),
        )
        .unwrap();
    server
        .add_tool(
            ToolDef::new("simple", |_: NoArgs, _: RequestContext| async {
                "This is a simple text response for testing."
            })
            .description("No arguments"),
        )
        .unwrap();
    server
        .add_tool(
            ToolDef::new("add", |a: Add, _: RequestContext| async move {
                Json(Sum { sum: a.a + a.b })
            })
            .description("Adds"),
        )
        .unwrap();
    server
        .add_tool(
            ToolDef::new("fail", |_: NoArgs, _: RequestContext| async {
                Err::<String, _>("this tool intentionally fails")
            })
            .description("Fails"),
        )
        .unwrap();
    server
        .add_tool(
            ToolDef::new("panic", |_: NoArgs, _: RequestContext| async {
                if true {
                    panic!("boom");
                }
                "never"
            })
            .description("Panics"),
        )
        .unwrap();
    server
        .add_tool(
            ToolDef::new("wait_cancel", |_: NoArgs, ctx: RequestContext| async move {
                ctx.cancelled().await;
                CANCELLED.store(true, std::sync::atomic::Ordering::SeqCst);
                "cancelled"
            })
            .description("Waits for cancellation"),
        )
        .unwrap();
    server
        .add_tool(
            ToolDef::new("progress", |_: NoArgs, ctx: RequestContext| async move {
                for p in [0.0, 50.0, 100.0] {
                    ctx.progress(p, Some(100.0), None);
                }
                "done"
            })
            .description("Reports progress"),
        )
        .unwrap();
    server
        .add_tool(
            ToolDef::new("log", |_: NoArgs, ctx: RequestContext| async move {
                let sent = [LoggingLevel::Debug, LoggingLevel::Info, LoggingLevel::Error]
                    .into_iter()
                    .filter(|l| ctx.log(l.clone(), format!("{l:?}")))
                    .count();
                format!("sent {sent}")
            })
            .description("Logs at three levels"),
        )
        .unwrap();
    server
        .add_tool(
            ToolDef::new("ask", |_: NoArgs, ctx: RequestContext| async move {
                let schema = RequestedSchema::new();
                let answer = ctx
                    .elicit(ElicitFormParams::new("Your name?", schema))
                    .await
                    .map_err(|e| e.to_string())?;
                let reply = ctx
                    .create_message(CreateMessageParams::new(
                        vec![SamplingMessage::user_text("Capital of France?")],
                        100,
                    ))
                    .await
                    .map_err(|e| e.to_string())?;
                let text = reply
                    .content
                    .blocks()
                    .first()
                    .and_then(|b| b.as_text())
                    .unwrap_or_default()
                    .to_owned();
                Ok::<_, String>(format!(
                    "action={:?} content={} model={text}",
                    answer.action,
                    serde_json::to_string(&answer.content).unwrap()
                ))
            })
            .description("Elicits then samples"),
        )
        .unwrap();
    server
        .add_tool(
            ToolDef::new("slow_task", |_: NoArgs, ctx: RequestContext| async move {
                tokio::select! {
                    () = tokio::time::sleep(Duration::from_millis(100)) => "slow done",
                    () = ctx.cancelled() => "cancelled",
                }
            })
            .description("Takes a while")
            .task_support(TaskSupport::Optional),
        )
        .unwrap();
    server
        .add_tool(
            ToolDef::new(
                "confirm_task",
                |_: NoArgs, ctx: RequestContext| async move {
                    let r = ctx
                        .elicit(ElicitFormParams::new("Sure?", RequestedSchema::new()))
                        .await
                        .map_err(|e| e.to_string())?;
                    Ok::<_, String>(format!("confirmed: {:?}", r.action))
                },
            )
            .description("Asks inside a task")
            .task_support(TaskSupport::Optional),
        )
        .unwrap();

    server
        .add_resource(ResourceDef::text(
            Resource::new("test://static-text", "static").with_mime_type("text/plain"),
            "This is the content of the static text resource.",
        ))
        .expect("a handler without state is always accepted");
    server
        .add_resource(ResourceDef::text(
            Resource::new("test://watched-resource", "watched").with_mime_type("text/plain"),
            "watched",
        ))
        .expect("a handler without state is always accepted");
    server
        .add_resource_template(
            TemplateDef::new(
                ResourceTemplate::new("test://template/{id}/data", "data"),
                |uri: String, item: ItemId, _ctx| async move {
                    Ok(vec![ResourceContents::text(
                        uri,
                        json!({"id": item.id.to_string(), "templateTest": true}).to_string(),
                    )])
                },
            )
            .unwrap()
            .complete("id", from_list(["1", "12", "123", "2"])),
        )
        .expect("a handler without state is always accepted");
    server
        .add_prompt(
            PromptDef::new(
                Prompt::new("test_prompt_with_arguments")
                    .with_description("Two arguments")
                    .with_argument(PromptArgument::required("arg1"))
                    .with_argument(PromptArgument::required("arg2")),
                |args, _ctx| async move {
                    Ok(GetPromptResult::new(vec![PromptMessage::user_text(
                        format!(
                            "Prompt with arguments: arg1='{}', arg2='{}'",
                            args["arg1"], args["arg2"]
                        ),
                    )]))
                },
            )
            .complete("arg1", from_list(["test", "testing", "other"])),
        )
        .expect("a handler without state is always accepted");
    server
}

/// Set by `wait_cancel` when its context saw the cancellation.
pub static CANCELLED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// A client connected to a server over an in-memory pair.
pub struct Harness {
    pub server: Server,
    pub client: Peer,
    pub incoming: IncomingStream,
    pub serving: JoinHandle<Result<(), mcp_server::ServeError>>,
}

impl Harness {
    pub fn connect(server: &Server, mode: memory::Mode) -> Self {
        let (a, b) = memory::pair(mode);
        let serving = tokio::spawn({
            let server = server.clone();
            async move { server.serve(b).await }
        });
        let (client, incoming) = rt::connect(a, Side::Client, EngineConfig::new());
        Self {
            server: server.clone(),
            client,
            incoming,
            serving,
        }
    }

    /// Session era: `initialize` at `version` with `caps`, then `notifications/initialized`.
    pub async fn initialize(
        &self,
        version: ProtocolVersion,
        caps: ClientCapabilities,
    ) -> InitializeResult {
        let params = InitializeParams::new(version, caps, Implementation::new("test-client", "0"));
        let result = self.call::<Initialize>(&params).await.expect("initialize");
        self.client
            .notify::<Initialized>(&NotificationParams::default())
            .unwrap();
        result
    }

    /// A request, bounded by [`WAIT`].
    pub async fn call<R: Request>(&self, params: &R::Params) -> Result<R::Result, RequestError> {
        tokio::time::timeout(
            WAIT,
            self.client.request::<R>(params, RequestOptions::new()),
        )
        .await
        .expect("an answer in time")
    }

    /// A request with raw params, raw result, bounded by [`WAIT`].
    pub async fn raw(&self, method: &'static str, params: Value) -> Result<Value, RequestError> {
        let raw = serde_json::value::to_raw_value(&params).unwrap();
        let fut = self
            .client
            .request_raw(method, Some(raw), RequestOptions::new());
        let out = tokio::time::timeout(WAIT, fut)
            .await
            .expect("an answer in time")?;
        Ok(serde_json::from_str(out.get()).unwrap())
    }

    /// The next notification named `method` (others are skipped), bounded by [`WAIT`].
    pub async fn notification(&mut self, method: &str) -> NotificationMessage {
        next_notification(&mut self.incoming, method).await
    }

    /// The next server-to-client request, bounded by [`WAIT`].
    pub async fn server_request(&mut self) -> IncomingRequest {
        loop {
            match tokio::time::timeout(WAIT, self.incoming.next()).await {
                Ok(Some(Incoming::Request(r))) => return r,
                Ok(Some(_)) => continue,
                other => panic!("expected a server request, got {other:?}"),
            }
        }
    }

    /// Whether a notification named `method` arrives within `within`.
    pub async fn sees(&mut self, method: &str, within: Duration) -> bool {
        tokio::time::timeout(within, async {
            loop {
                match self.incoming.next().await {
                    Some(Incoming::Notification(n)) if n.method == method => return true,
                    None => return false,
                    _ => {}
                }
            }
        })
        .await
        .unwrap_or(false)
    }
}

pub async fn next_notification(incoming: &mut IncomingStream, method: &str) -> NotificationMessage {
    tokio::time::timeout(WAIT, async {
        loop {
            match incoming.next().await {
                Some(Incoming::Notification(n)) if n.method == method => return n,
                Some(_) => {}
                None => panic!("connection closed while waiting for {method}"),
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no {method} in time"))
}

/// `_meta` of a 2026-07-28 request with `caps`.
pub fn meta_2026(caps: Value) -> Meta {
    let mut m = Meta::new();
    m.0.insert(Meta::PROTOCOL_VERSION.into(), json!("2026-07-28"));
    m.0.insert(Meta::CLIENT_CAPABILITIES.into(), caps);
    m.0.insert(
        Meta::CLIENT_INFO.into(),
        json!({"name": "test-client", "version": "0"}),
    );
    m
}

/// The params of a 2026-07-28 request: `params` plus `_meta`.
pub fn params_2026(mut params: Value, caps: Value) -> Value {
    params["_meta"] = serde_json::to_value(meta_2026(caps)).unwrap();
    params
}

/// Client capabilities with elicitation (form), sampling and roots.
pub fn full_caps() -> ClientCapabilities {
    serde_json::from_value(json!({"elicitation": {"form": {}}, "sampling": {}, "roots": {}}))
        .unwrap()
}

pub fn args(v: Value) -> Map<String, Value> {
    v.as_object().cloned().unwrap_or_default()
}

/// The text of a tool result's first content block.
pub fn text(r: &CallToolResult) -> &str {
    r.content
        .first()
        .and_then(ContentBlock::as_text)
        .unwrap_or_default()
}
