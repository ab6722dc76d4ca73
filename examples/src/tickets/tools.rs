//! The seven tools. Each has an output schema and answers with structured content marked
//! untrusted ([`Untrusted`]); descriptions are static text. `closeTicket` is destructive:
//! it carries `destructiveHint` and asks the user to confirm through elicitation (a
//! server-to-client request in the session era, MRTR in 2026-07-28) before it changes
//! anything. In 2026-07-28 that confirmation makes the call two HTTP requests (the call,
//! answered `input_required`, then the retry carrying the user's answer), and the per-caller
//! rate limit counts both, as it counts every request: a client that closes tickets spends
//! two tokens of its bucket per ticket.

use mcp_protocol::methods::ToolAnnotations;
use mcp_protocol::methods::{ElicitAction, ElicitFormParams};
use mcp_server::{RequestContext, State, ToolDef};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::access::{Caller, ToolError};
use super::model::{
    Changes, Comment, NewTicket, Page, Priority, Search, Status, Ticket, TicketDetail,
};
use super::{App, Untrusted};

/// Arguments of `searchTickets`.
#[derive(Debug, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchArgs {
    /// Only tickets in this status.
    pub status: Option<Status>,
    /// Only tickets assigned to this user; "me" is the caller.
    pub assignee: Option<String>,
    /// Only tickets of this priority.
    pub priority: Option<Priority>,
    /// Only tickets of this queue.
    pub queue: Option<String>,
    /// Only tickets whose title or description contains this text.
    pub text: Option<String>,
    /// The nextCursor of the previous page.
    pub cursor: Option<String>,
    /// At most this many tickets (the server caps it).
    pub limit: Option<u32>,
}

/// Arguments naming one ticket.
#[derive(Debug, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TicketId {
    /// The ticket's number.
    pub id: i64,
}

/// Arguments of `createTicket`.
#[derive(Debug, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateArgs {
    /// The queue (see the tickets://queues resource).
    pub queue: String,
    /// One line.
    pub title: String,
    /// The description.
    pub body: String,
    /// How urgent (default normal).
    pub priority: Option<Priority>,
    /// Who works on it; "me" is the caller.
    pub assignee: Option<String>,
}

/// Arguments of `updateTicket`.
#[derive(Debug, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateArgs {
    /// The ticket's number.
    pub id: i64,
    /// A new title.
    pub title: Option<String>,
    /// A new description.
    pub body: Option<String>,
    /// A new priority.
    pub priority: Option<Priority>,
    /// open or pending (closing is closeTicket).
    pub status: Option<Status>,
    /// Another queue.
    pub queue: Option<String>,
}

/// Arguments of `assignTicket`.
#[derive(Debug, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignArgs {
    /// The ticket's number.
    pub id: i64,
    /// The user to assign it to ("me" is the caller); absent or null unassigns it.
    pub assignee: Option<String>,
}

/// Arguments of `addComment`.
#[derive(Debug, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentArgs {
    /// The ticket's number.
    pub id: i64,
    /// The comment.
    pub body: String,
}

/// The result of a tool that returns one ticket.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct TicketResult {
    /// The ticket after the call.
    pub ticket: Ticket,
}

/// The result of `addComment`.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct CommentResult {
    /// The new comment.
    pub comment: Comment,
}

/// The confirmation form of `closeTicket`: one boolean, `confirm`.
fn confirmation(ticket: &Ticket) -> ElicitFormParams {
    // A fixed form; the ticket's (untrusted) title is quoted as data, never as the question.
    let form = json!({
        "message": format!(
            "Close ticket #{} ({:?})? This cannot be undone by the agent.",
            ticket.id, ticket.title
        ),
        "requestedSchema": {
            "type": "object",
            "properties": {
                "confirm": {"type": "boolean", "title": "Close the ticket", "default": false}
            },
            "required": ["confirm"]
        }
    });
    serde_json::from_value(form).expect("a fixed, valid form")
}

/// Asks the user to confirm closing `ticket`; `Ok(())` only on an explicit yes.
async fn confirm_close(ctx: &RequestContext, ticket: &Ticket) -> Result<(), ToolError> {
    let answer = ctx
        .elicit_as("confirm_close", confirmation(ticket))
        .await
        .map_err(|e| {
            ToolError::NotConfirmed(format!(
                "closing needs the user's confirmation and the client cannot ask ({e})"
            ))
        })?;
    let yes = answer.action == ElicitAction::Accept
        && answer
            .content
            .as_ref()
            .and_then(|c| c.get("confirm"))
            .and_then(serde_json::Value::as_bool)
            == Some(true);
    if yes {
        Ok(())
    } else {
        Err(ToolError::NotConfirmed("the user did not confirm".into()))
    }
}

fn search(caller: &Caller, args: SearchArgs) -> Result<Search, ToolError> {
    let after = match args.cursor {
        Some(c) => Some(c.parse().map_err(|_| ToolError::BadCursor)?),
        None => None,
    };
    Ok(Search {
        status: args.status,
        assignee: args.assignee.map(|a| caller.resolve(a)),
        priority: args.priority,
        queue: args.queue,
        text: args.text,
        after,
        limit: args.limit,
    })
}

fn annotations(read_only: bool, destructive: bool, idempotent: bool) -> ToolAnnotations {
    {
        let mut tool_annotations = ToolAnnotations::default();
        tool_annotations.read_only_hint = Some(read_only);
        tool_annotations.destructive_hint = Some(destructive);
        tool_annotations.idempotent_hint = Some(idempotent);
        tool_annotations.open_world_hint = Some(false);
        tool_annotations
    }
}

/// Every tool. Each handler gets the [`App`] as [`State`] (the server is built with it, see
/// [`server`](super::server)) and runs through [`App::call`]: caller, scope, limits, timeout
/// and audit around the tool's own work, whose ticket text is marked [`Untrusted`].
pub fn all() -> Vec<ToolDef> {
    vec![
        ToolDef::with_state(
            "searchTickets",
            |State(app): State<App>, args: SearchArgs, ctx: RequestContext| async move {
                app.call(&ctx, "searchTickets", args, |caller, args| async move {
                    let query = search(&caller, args)?;
                    Ok::<Page, ToolError>(caller.store.search(query).await?)
                })
                .await
                .map(Untrusted)
            },
        )
        .description(
            "Search the caller's tickets. Filters: status, assignee (\"me\" is the caller), \
             priority, queue, text; paged with cursor and limit.",
        )
        .annotations(annotations(true, false, true)),
        ToolDef::with_state(
            "getTicket",
            |State(app): State<App>, args: TicketId, ctx: RequestContext| async move {
                app.call(&ctx, "getTicket", args, |caller, args| async move {
                    Ok::<TicketDetail, ToolError>(caller.store.get(args.id).await?)
                })
                .await
                .map(Untrusted)
            },
        )
        .description("One ticket with its comments.")
        .annotations(annotations(true, false, true)),
        ToolDef::with_state(
            "createTicket",
            |State(app): State<App>, args: CreateArgs, ctx: RequestContext| async move {
                app.call(&ctx, "createTicket", args, |caller, args| async move {
                    let new = NewTicket {
                        queue: args.queue,
                        title: args.title,
                        body: args.body,
                        priority: args.priority.unwrap_or(Priority::Normal),
                        assignee: args.assignee.map(|a| caller.resolve(a)),
                    };
                    let reporter = caller.subject().to_owned();
                    let ticket = caller.store.create(new, reporter).await?;
                    Ok::<TicketResult, ToolError>(TicketResult { ticket })
                })
                .await
                .map(Untrusted)
            },
        )
        .description("Open a ticket in one of the caller's queues.")
        .annotations(annotations(false, false, false)),
        ToolDef::with_state(
            "updateTicket",
            |State(app): State<App>, args: UpdateArgs, ctx: RequestContext| async move {
                app.call(&ctx, "updateTicket", args, |caller, args| async move {
                    let changes = Changes {
                        title: args.title,
                        body: args.body,
                        priority: args.priority,
                        status: args.status,
                        queue: args.queue,
                    };
                    let ticket = caller.store.update(args.id, changes).await?;
                    Ok::<TicketResult, ToolError>(TicketResult { ticket })
                })
                .await
                .map(Untrusted)
            },
        )
        .description("Change a ticket's title, description, priority, status (open or pending) or queue.")
        .annotations(annotations(false, false, true)),
        ToolDef::with_state(
            "assignTicket",
            |State(app): State<App>, args: AssignArgs, ctx: RequestContext| async move {
                app.call(&ctx, "assignTicket", args, |caller, args| async move {
                    let assignee = args.assignee.map(|a| caller.resolve(a));
                    let ticket = caller.store.assign(args.id, assignee).await?;
                    Ok::<TicketResult, ToolError>(TicketResult { ticket })
                })
                .await
                .map(Untrusted)
            },
        )
        .description("Assign a ticket to a user of the caller's organisation (\"me\" is the caller), or unassign it.")
        .annotations(annotations(false, false, true)),
        ToolDef::with_state(
            "addComment",
            |State(app): State<App>, args: CommentArgs, ctx: RequestContext| async move {
                app.call(&ctx, "addComment", args, |caller, args| async move {
                    let author = caller.subject().to_owned();
                    let comment = caller.store.comment(args.id, author, args.body).await?;
                    Ok::<CommentResult, ToolError>(CommentResult { comment })
                })
                .await
                .map(Untrusted)
            },
        )
        .description("Add a comment to a ticket.")
        .annotations(annotations(false, false, false)),
        ToolDef::with_state(
            "closeTicket",
            |State(app): State<App>, args: TicketId, ctx: RequestContext| async move {
                let confirm_with = &ctx;
                app.call(&ctx, "closeTicket", args, |caller, args| async move {
                    // Read first (not found stays not found), then ask, then close.
                    let ticket = caller.store.get(args.id).await?.ticket;
                    confirm_close(confirm_with, &ticket).await?;
                    let ticket = caller.store.close(args.id).await?;
                    Ok::<TicketResult, ToolError>(TicketResult { ticket })
                })
                .await
                .map(Untrusted)
            },
        )
        .description("Close a ticket. Destructive: the user is asked to confirm.")
        .annotations(annotations(false, true, true)),
    ]
}
