//! Who may call what: the scope each tool needs, the caller a handler works for, and the
//! errors a call can end with. [`App::call`](super::App) runs every tool through here.

use std::time::Duration;

use mcp_auth::{Principal, ScopePolicy, Target};

use super::store::{StoreError, TenantStore};

/// Reading tickets.
pub const READ: &str = "tickets:read";
/// Opening, changing, assigning and commenting on tickets.
pub const WRITE: &str = "tickets:write";
/// Closing tickets; implies the other two.
pub const ADMIN: &str = "tickets:admin";
/// The destructive tool: it needs [`ADMIN`] and a recent sign-in.
pub const CLOSE_TICKET: &str = "closeTicket";
/// How recent a sign-in `closeTicket` needs by default (RFC 9470 `max_age`).
pub const RECENT_AUTH: Duration = Duration::from_secs(300);
/// Every scope, least first.
pub const SCOPES: [&str; 3] = [READ, WRITE, ADMIN];

/// The scope each tool needs (least privilege: reads need only [`READ`], closing needs
/// [`ADMIN`]).
pub const TOOL_SCOPES: [(&str, &str); 7] = [
    ("searchTickets", READ),
    ("getTicket", READ),
    ("createTicket", WRITE),
    ("updateTicket", WRITE),
    ("assignTicket", WRITE),
    ("addComment", WRITE),
    (CLOSE_TICKET, ADMIN),
];

/// The policy of [`TOOL_SCOPES`]: [`ADMIN`] implies [`WRITE`] and [`READ`], [`WRITE`]
/// implies [`READ`]; resources, prompts and anything else need [`READ`]. `closeTicket` also
/// needs a sign-in at most [`RECENT_AUTH`] old (checked by the HTTP endpoint: over stdio the
/// local user is at the keyboard).
pub fn scope_policy() -> ScopePolicy {
    let mut policy = ScopePolicy::new()
        .recent_authentication(CLOSE_TICKET, RECENT_AUTH)
        .default_scopes([READ])
        .implies(ADMIN, [WRITE, READ])
        .implies(WRITE, [READ]);
    for (tool, scope) in TOOL_SCOPES {
        policy = policy.tool(tool, [scope]);
    }
    policy
}

/// Why a tool call failed. Its text is what the model sees (`isError: true`); a database
/// failure says no more than that.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ToolError {
    /// No identity: over HTTP the transport authenticates, over stdio one is configured.
    #[error("not authenticated")]
    Unauthenticated,
    /// The identity carries no tenant, so no row can be reached.
    #[error("the caller's identity names no tenant")]
    NoTenant,
    /// The token lacks the tool's scope.
    #[error("insufficient_scope: {tool} needs the scope {scope}")]
    InsufficientScope {
        /// The tool, or the method (`resources/read`, `prompts/get`).
        tool: String,
        /// The scopes it needs, space-separated.
        scope: String,
    },
    /// Over the caller's rate limit.
    #[error("rate limit exceeded: retry after {retry_after_secs} s")]
    RateLimited {
        /// When a call will be admitted again.
        retry_after_secs: u64,
    },
    /// Over the caller's cap on calls in flight.
    #[error("too many calls in flight for this caller (at most {0}); retry when one finishes")]
    TooManyInFlight(usize),
    /// The call ran past the per-call timeout and was stopped.
    #[error("the call took longer than {0:?} and was stopped")]
    Timeout(Duration),
    /// `cursor` is not one this server gave out.
    #[error("invalid cursor")]
    BadCursor,
    /// A destructive call the user did not confirm; nothing changed.
    #[error("not done: {0}")]
    NotConfirmed(String),
    /// The store refused or failed.
    #[error("{}", public(.0))]
    Store(#[from] StoreError),
}

/// What the model may see of a store error: its own mistakes in full, our failures not.
fn public(error: &StoreError) -> String {
    match error {
        StoreError::Database(_) | StoreError::Worker => "internal error".to_owned(),
        other => other.to_string(),
    }
}

/// The caller a tool works for: a principal with a tenant, and that tenant's store.
#[derive(Clone, Debug)]
pub struct Caller {
    /// Who called (the principal's subject is the meaning of `"me"`).
    pub principal: Principal,
    /// The caller's tenant's store; the only store a handler gets.
    pub store: TenantStore,
}

impl Caller {
    /// The caller's subject.
    pub fn subject(&self) -> &str {
        &self.principal.subject
    }

    /// `"me"` is the caller; anything else is taken as a subject.
    pub fn resolve(&self, who: String) -> String {
        if who == "me" {
            self.subject().to_owned()
        } else {
            who
        }
    }
}

/// Checks that `principal` may call the tool, or the method, `target` under `policy`.
pub fn check(
    policy: &ScopePolicy,
    principal: &Principal,
    target: Target<'_>,
) -> Result<(), ToolError> {
    policy
        .check(principal, target, "")
        .map_err(|_| ToolError::InsufficientScope {
            tool: match target {
                Target::Tool(name)
                | Target::Method(name)
                | Target::Prompt(name)
                | Target::Resource(name) => name.to_owned(),
                _ => String::new(),
            },
            scope: policy
                .required(target)
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join(" "),
        })
}
