//! The golden scenarios: short scripted exchanges of the reference client with the
//! reference server, one request at a time so that their order on the wire is fixed.
//! Each ignores what its calls return — the transcript is what is judged — and only
//! stops early when the connection itself is gone.

use futures::FutureExt;
use futures::future::BoxFuture;
use std::time::Duration;

use mcp_client::{CallOptions, Client, ServerNotification};
use mcp_protocol::methods::{CallToolParams, CompleteParams, CompletionReference};
use mcp_protocol::types::{LoggingLevel, ResultOrFollowUp};
use mcp_protocol::{ProtocolVersion, Request, Shape};
use serde_json::{Map, Value, json};

/// One scripted exchange, after the connection is made (the handshake is in every
/// transcript).
pub(crate) type Script = for<'a> fn(&'a Client, ProtocolVersion) -> BoxFuture<'a, ()>;

/// A golden scenario: its name, its script, and how its transcripts are judged.
pub(crate) struct Golden {
    /// `golden/<file name without .jsonl>`, also its name in `mcp-conformance run`.
    pub(crate) name: &'static str,
    /// What it exchanges.
    pub(crate) script: Script,
    /// It sends invalid requests on purpose: the schema check judges its client requests
    /// by the JSON-RPC envelope only.
    pub(crate) invalid_on_purpose: bool,
    /// The versions it has a transcript for.
    pub(crate) applies: fn(ProtocolVersion) -> bool,
}

impl Golden {
    /// Its file name under `golden/<version>/`, without `.jsonl`.
    pub(crate) fn stem(&self) -> &'static str {
        self.name.trim_start_matches("golden/")
    }
}

fn every_version(_: ProtocolVersion) -> bool {
    true
}

/// Tasks as 2025-11-25 has them. In 2026-07-28 (the `io.modelcontextprotocol/tasks`
/// extension) the server sends no `notifications/tasks/status` on this connection, so the
/// client learns that a task finished only by polling `tasks/get`, and how many polls that
/// takes depends on timing: no fixed transcript exists for it (the `reference/tasks`
/// scenario of `run` checks it instead). The extension's results are not in the core
/// schema either.
fn has_tasks(v: ProtocolVersion) -> bool {
    v == ProtocolVersion::V2025_11_25
}

/// Every golden scenario, each run for every protocol version it applies to.
pub(crate) fn all() -> [Golden; 8] {
    [
        Golden {
            name: "golden/handshake",
            script: handshake,
            invalid_on_purpose: false,
            applies: every_version,
        },
        Golden {
            name: "golden/tools",
            script: tools,
            invalid_on_purpose: false,
            applies: every_version,
        },
        Golden {
            name: "golden/resources",
            script: resources,
            invalid_on_purpose: false,
            applies: every_version,
        },
        Golden {
            name: "golden/prompts",
            script: prompts,
            invalid_on_purpose: false,
            applies: every_version,
        },
        Golden {
            name: "golden/notifications",
            script: notifications,
            invalid_on_purpose: false,
            applies: every_version,
        },
        Golden {
            name: "golden/client-input",
            script: client_input,
            invalid_on_purpose: false,
            applies: every_version,
        },
        Golden {
            name: "golden/errors",
            script: errors,
            invalid_on_purpose: true,
            applies: every_version,
        },
        Golden {
            name: "golden/tasks",
            script: tasks,
            invalid_on_purpose: false,
            applies: has_tasks,
        },
    ]
}

/// Session era: a ping; 2026-07-28: `server/discover`.
fn handshake(client: &Client, v: ProtocolVersion) -> BoxFuture<'_, ()> {
    async move {
        if v.has_handshake() {
            let _ = client.ping().await;
        } else {
            let _ = client.discover().await;
        }
    }
    .boxed()
}

/// Listing, a call, structured output (`add`, 2025-06-18 on), a tool error, invalid
/// arguments and an unknown tool.
fn tools(client: &Client, _: ProtocolVersion) -> BoxFuture<'_, ()> {
    async move {
        let _ = client.list_tools(None).await;
        let _ = client
            .call_tool("echo", json!({"text": "héllo wörld"}))
            .await;
        let _ = client.call_tool("add", json!({"a": 40, "b": 2})).await;
        let _ = client.call_tool("fail", json!({})).await;
        let _ = client.call_tool("echo", json!({"text": 7})).await;
        let _ = client.call_tool("no-such-tool", json!({})).await;
    }
    .boxed()
}

/// Resources, templates, a templated read and a missing resource.
fn resources(client: &Client, _: ProtocolVersion) -> BoxFuture<'_, ()> {
    async move {
        let _ = client.list_resources(None).await;
        let _ = client.read_resource("test://static-text").await;
        let _ = client.list_resource_templates(None).await;
        let _ = client.read_resource("test://items/42").await;
        let _ = client.read_resource("test://missing").await;
    }
    .boxed()
}

/// Prompts, an unknown prompt, and completion of a prompt argument and a template
/// variable.
fn prompts(client: &Client, _: ProtocolVersion) -> BoxFuture<'_, ()> {
    async move {
        let _ = client.list_prompts(None).await;
        let _ = client.get_prompt("greet", [("name", "Ada")]).await;
        let _ = client.get_prompt("nope", [("name", "x")]).await;
        let prompt = CompletionReference::prompt("greet");
        let _ = client
            .complete(CompleteParams::new(prompt, "name", "A"))
            .await;
        let template = CompletionReference::resource("test://items/{id}");
        let _ = client
            .complete(CompleteParams::new(template, "id", "1"))
            .await;
    }
    .boxed()
}

/// Logging (session era: `logging/setLevel`; 2026-07-28: the level in each request's
/// `_meta`) and progress.
fn notifications(client: &Client, v: ProtocolVersion) -> BoxFuture<'_, ()> {
    async move {
        if v.has_handshake() {
            let _ = client.set_log_level(LoggingLevel::Info).await;
        }
        let _ = client.call_tool("log", json!({})).await;
        let options = CallOptions::new().on_progress(|_| {});
        let _ = client
            .call_tool_with(CallToolParams::new("progress"), options)
            .await;
    }
    .boxed()
}

/// The server asks the client: sampling, roots, elicitation (2025-06-18 on; as MRTR input
/// rounds in 2026-07-28).
fn client_input(client: &Client, _: ProtocolVersion) -> BoxFuture<'_, ()> {
    async move {
        for tool in ["sample", "roots", "confirm"] {
            let _ = client.call_tool(tool, json!({})).await;
        }
    }
    .boxed()
}

/// A tool call as a task: created, then, once the server has announced that it finished
/// (waiting for that keeps the announcement from racing the result), its result
/// (`tasks/result`), its final state and the task list.
fn tasks(client: &Client, _: ProtocolVersion) -> BoxFuture<'_, ()> {
    async move {
        let mut notes = client.notifications();
        let created = client
            .call_tool_as_task("slow", json!({}), Some(60_000))
            .await;
        let Ok(ResultOrFollowUp::Task(created)) = created else {
            return;
        };
        let finished = async {
            while let Some(n) = notes.next().await {
                if let ServerNotification::TaskStatus(p) = n
                    && serde_json::to_value(&p).unwrap_or_default()["status"] != "working"
                {
                    return;
                }
            }
        };
        if tokio::time::timeout(Duration::from_secs(5), finished)
            .await
            .is_err()
        {
            return;
        }
        let id = created.task.task_id;
        let _ = client.task_result(&id).await;
        let _ = client.get_task(&id).await;
        let _ = client.list_tasks(None).await;
    }
    .boxed()
}

/// Protocol errors: an unknown method, and `tools/call` without a tool name.
fn errors(client: &Client, _: ProtocolVersion) -> BoxFuture<'_, ()> {
    async move {
        let _ = client.request::<Unknown>(Free::default()).await;
        let no_name = json!({"arguments": {}}).as_object().cloned();
        let _ = client
            .request::<NamelessCall>(Free(no_name.unwrap_or_default()))
            .await;
    }
    .boxed()
}

/// Any params or result, as they are.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
struct Free(Map<String, Value>);

impl Shape for Free {
    fn shape(&mut self, _: ProtocolVersion) {}
}

/// A client request of `method` whose params and result are [`Free`].
macro_rules! free_request {
    ($(#[$doc:meta])* $name:ident = $method:literal) => {
        $(#[$doc])*
        struct $name;

        impl Request for $name {
            const METHOD: &'static str = $method;
            const SINCE: ProtocolVersion = ProtocolVersion::V2024_11_05;
            type Params = Free;
            type Result = Free;
        }

        impl mcp_protocol::method::ClientRequest for $name {}
    };
}

free_request!(
    /// A method no version has.
    Unknown = "golden/no-such-method"
);
free_request!(
    /// `tools/call` with params of any shape (the typed call always names a tool).
    NamelessCall = "tools/call"
);
