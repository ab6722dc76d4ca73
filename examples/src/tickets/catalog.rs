//! The resources and the prompt: `tickets://queues` (the caller's queues with counts),
//! `tickets://{id}` (one ticket with its comments), and `summarizeQueue`, with completions
//! for statuses and assignees. Resource contents are JSON marked untrusted as tool text is.
//!
//! Completers get no request context (mcp-server's `CompletionQuery` carries only the
//! argument), so they cannot know the caller's tenant: `assignee` suggests only `"me"`
//! rather than leak another tenant's user names.

use mcp_protocol::methods::{
    GetPromptResult, Prompt, PromptArgument, PromptMessage, Resource, ResourceTemplate,
};
use mcp_protocol::types::ResourceContents;
use mcp_server::{
    Error, PromptArguments, PromptDef, RequestContext, ResourceDef, State, TemplateDef, from_list,
};
use serde::Deserialize;

use super::access::ToolError;
use super::model::{Search, Status, UnknownWord};
use super::store::StoreError;
use super::{App, untrusted_meta, untrusted_text};

/// The URI of the queue list.
pub const QUEUES_URI: &str = "tickets://queues";

/// A JSON-RPC error for a resource or prompt that failed as a tool would have.
fn rpc_error(uri: &str, error: ToolError) -> Error {
    match error {
        ToolError::Store(StoreError::NotFound(_)) => Error::resource_not_found(uri),
        ToolError::Store(StoreError::Database(_) | StoreError::Worker) => {
            Error::internal("internal error")
        }
        other => Error::invalid_params(other.to_string()),
    }
}

/// The MIME type of the resources: the JSON wrapped as untrusted data is plain text.
const CONTENTS_MIME: &str = "text/plain";

/// `value` as JSON, marked untrusted as tool results are: wrapped in `<untrusted-data>`
/// after the warning, with [`UNTRUSTED_META`](super::UNTRUSTED_META) in `_meta` (queue names
/// and ticket text are both written by users).
fn untrusted_contents(uri: String, value: &impl serde::Serialize) -> Vec<ResourceContents> {
    let json = serde_json::to_string(value).unwrap_or_default();
    let mut contents = ResourceContents::text(uri, untrusted_text(&json));
    if let ResourceContents::Text(t) = &mut contents {
        t.mime_type = Some(CONTENTS_MIME.to_owned());
        t.meta = Some(untrusted_meta());
    }
    vec![contents]
}

/// `tickets://queues`: the caller's queues with their open, pending and closed counts.
pub fn queues() -> ResourceDef {
    ResourceDef::with_state(
        Resource::new(QUEUES_URI, "queues")
            .with_description(
                "The caller's ticket queues, with how many tickets each has per status",
            )
            .with_mime_type(CONTENTS_MIME),
        |State(app): State<App>, uri: String, ctx: RequestContext| async move {
            let queues = app
                .read(&ctx, "resources/read", &uri, |caller| async move {
                    Ok(caller.store.queues().await?)
                })
                .await
                .map_err(|e| rpc_error(&uri, e))?;
            Ok(untrusted_contents(uri, &queues))
        },
    )
}

#[derive(Debug, Deserialize)]
struct TicketVars {
    id: i64,
}

/// `tickets://{id}`: one ticket of the caller's tenant with its comments (another tenant's
/// number is "not found").
pub fn ticket() -> TemplateDef {
    let mut template = ResourceTemplate::new("tickets://{id}", "ticket")
        .with_description("One ticket with its comments (JSON marked as untrusted data)");
    template.mime_type = Some(CONTENTS_MIME.to_owned());
    TemplateDef::with_state(
        template,
        |State(app): State<App>, uri: String, vars: TicketVars, ctx: RequestContext| async move {
            let detail = app
                .read(&ctx, "resources/read", &uri, |caller| async move {
                    Ok(caller.store.get(vars.id).await?)
                })
                .await
                .map_err(|e| rpc_error(&uri, e))?;
            Ok(untrusted_contents(uri, &detail))
        },
    )
    .expect("a valid URI template")
}

/// `summarizeQueue {queue, status?, assignee?}`: asks the model to summarise the queue's
/// tickets, given as untrusted data.
pub fn summarize_queue() -> PromptDef {
    let mut prompt = Prompt::new("summarizeQueue")
        .with_description("Summarise the tickets of one queue")
        .with_argument(PromptArgument::required("queue").with_description("The queue"))
        .with_argument(
            PromptArgument::new("status").with_description("Only this status (default open)"),
        )
        .with_argument(
            PromptArgument::new("assignee").with_description("Only this assignee; \"me\" is you"),
        );
    prompt.title = Some("Summarise a queue".to_owned());
    PromptDef::with_state(
        prompt,
        |State(app): State<App>, args: PromptArguments, ctx: RequestContext| async move {
            let uri = "summarizeQueue";
            let status = match args.get("status") {
                Some(s) => s
                    .parse()
                    .map_err(|e: UnknownWord| Error::invalid_params(e.to_string()))?,
                None => Status::Open,
            };
            let queue = args.get("queue").cloned().unwrap_or_default();
            let assignee = args.get("assignee").cloned();
            let search_queue = queue.clone();
            let page = app
                .read(&ctx, "prompts/get", uri, |caller| async move {
                    let search = Search {
                        status: Some(status),
                        queue: Some(search_queue),
                        assignee: assignee.map(|a| caller.resolve(a)),
                        ..Search::default()
                    };
                    Ok(caller.store.search(search).await?)
                })
                .await
                .map_err(|e| rpc_error(uri, e))?;
            let data = serde_json::to_string(&page.tickets).unwrap_or_default();
            Ok(GetPromptResult::new(vec![PromptMessage::user_text(format!(
                "Summarise the {status} tickets of the {queue:?} queue: the main themes, what is \
                 urgent, and who is overloaded.\n\n{}",
                untrusted_text(&data)
            ))]))
        },
    )
    .complete("status", from_list(Status::ALL.map(Status::as_str)))
    .complete("assignee", from_list(["me"]))
}
