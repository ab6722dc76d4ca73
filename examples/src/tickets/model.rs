//! What the ticket system holds: tickets, comments, queues, and the closed vocabularies of
//! status and priority. These types are both the rows the store returns and the structured
//! content the tools answer with (their JSON Schemas are the tools' output schemas).

use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Where a ticket is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// New or being worked on.
    Open,
    /// Waiting on the customer or a third party.
    Pending,
    /// Done; only `closeTicket` gets a ticket here.
    Closed,
}

impl Status {
    /// Every status, in their natural order.
    pub const ALL: [Self; 3] = [Self::Open, Self::Pending, Self::Closed];

    /// The wire and database spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Pending => "pending",
            Self::Closed => "closed",
        }
    }
}

/// How urgent a ticket is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    /// Whenever.
    Low,
    /// The default.
    Normal,
    /// Soon.
    High,
    /// Now.
    Urgent,
}

impl Priority {
    /// Every priority, lowest first.
    pub const ALL: [Self; 4] = [Self::Low, Self::Normal, Self::High, Self::Urgent];

    /// The wire and database spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Normal => "normal",
            Self::High => "high",
            Self::Urgent => "urgent",
        }
    }
}

/// A word that is not one of a closed vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} {value:?}")]
pub struct UnknownWord {
    /// `status` or `priority`.
    pub kind: &'static str,
    /// What was given.
    pub value: String,
}

macro_rules! word_parsing {
    ($ty:ty, $kind:literal) => {
        impl FromStr for $ty {
            type Err = UnknownWord;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::ALL
                    .into_iter()
                    .find(|w| w.as_str() == s)
                    .ok_or_else(|| UnknownWord {
                        kind: $kind,
                        value: s.to_owned(),
                    })
            }
        }
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
word_parsing!(Status, "status");
word_parsing!(Priority, "priority");

/// A ticket as stored (its comments come with [`TicketDetail`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Ticket {
    /// The ticket's number (unique across the system; another tenant's number is "not found").
    pub id: i64,
    /// The queue (team) that owns the ticket.
    pub queue: String,
    /// One line. Written by a customer or agent: untrusted text.
    pub title: String,
    /// The description. Written by a customer or agent: untrusted text.
    pub body: String,
    /// Where the ticket is in its life.
    pub status: Status,
    /// How urgent it is.
    pub priority: Priority,
    /// The user it is assigned to (the subject of their identity), if any.
    pub assignee: Option<String>,
    /// Who opened it.
    pub reporter: String,
    /// When it was opened (seconds since the Unix epoch).
    pub created_at: i64,
    /// When it last changed (seconds since the Unix epoch).
    pub updated_at: i64,
}

/// A comment on a ticket.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Comment {
    /// The comment's number.
    pub id: i64,
    /// Who wrote it.
    pub author: String,
    /// The text. Untrusted.
    pub body: String,
    /// When (seconds since the Unix epoch).
    pub created_at: i64,
}

/// A ticket with its latest comments, oldest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TicketDetail {
    /// The ticket.
    pub ticket: Ticket,
    /// Its latest comments (at most the server's cap), oldest first.
    pub comments: Vec<Comment>,
    /// How many older comments were left out by the cap.
    pub omitted_comments: i64,
}

/// A queue and how many of its tickets are in each status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct QueueSummary {
    /// The queue's name.
    pub name: String,
    /// Tickets open.
    pub open: i64,
    /// Tickets pending.
    pub pending: i64,
    /// Tickets closed.
    pub closed: i64,
}

/// A search: every filter is optional; all that are given must match.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Search {
    /// Only this status.
    pub status: Option<Status>,
    /// Only tickets assigned to this subject.
    pub assignee: Option<String>,
    /// Only this priority.
    pub priority: Option<Priority>,
    /// Only this queue.
    pub queue: Option<String>,
    /// Only tickets whose title or body contains this text (case-insensitive for ASCII).
    pub text: Option<String>,
    /// Only tickets after this one (the `nextCursor` of the previous page).
    pub after: Option<i64>,
    /// At most this many (capped by the store's page-size cap).
    pub limit: Option<u32>,
}

/// One page of search results.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Page {
    /// The tickets, by ascending number.
    pub tickets: Vec<Ticket>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// A new ticket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewTicket {
    /// The queue (must be one of the tenant's queues).
    pub queue: String,
    /// One line.
    pub title: String,
    /// The description.
    pub body: String,
    /// How urgent.
    pub priority: Priority,
    /// The assignee, if any (must be a user of the tenant).
    pub assignee: Option<String>,
}

/// Changes to a ticket; `None` leaves a field as it is. Closing is not a change: it is
/// [`crate::tickets::store::TenantStore::close`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Changes {
    /// A new title.
    pub title: Option<String>,
    /// A new description.
    pub body: Option<String>,
    /// A new priority.
    pub priority: Option<Priority>,
    /// Open or pending (not closed).
    pub status: Option<Status>,
    /// Another of the tenant's queues.
    pub queue: Option<String>,
}
