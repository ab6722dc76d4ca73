//! The ticket database: SQLite, reached only through a [`TenantStore`].
//!
//! A [`Store`] holds a few connections and runs every query on tokio's blocking pool, so a
//! slow disk never stalls the async runtime. It has no query methods of its own: the only
//! way to read or change a ticket is [`Store::tenant`], which binds a [`TenantStore`] to one
//! [`TenantId`], and every statement a `TenantStore` runs has `tenant = ?1` bound to it. A
//! ticket number of another tenant is therefore indistinguishable from one that does not
//! exist: "not found".

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension, Row, params, params_from_iter};
use tokio::sync::Semaphore;

use super::model::{
    Changes, Comment, NewTicket, Page, QueueSummary, Search, Status, Ticket, TicketDetail,
};
use super::schema;

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// No such ticket in the caller's tenant (whether or not another tenant has it).
    #[error("ticket {0} not found")]
    NotFound(i64),
    /// The named user is not a user of the caller's tenant.
    #[error("no user {0:?} in this tenant")]
    UnknownUser(String),
    /// The named queue is not a queue of the caller's tenant.
    #[error("no queue {0:?} in this tenant")]
    UnknownQueue(String),
    /// The request makes no sense (for example closing through `updateTicket`).
    #[error("{0}")]
    Invalid(&'static str),
    /// SQLite failed.
    #[error("database error: {0}")]
    Database(#[from] rusqlite::Error),
    /// The blocking task running the query panicked or was cancelled.
    #[error("the database worker failed")]
    Worker,
}

/// A tenant's identifier, as carried in the caller's token (`tenant` claim) or configured
/// for a local principal.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TenantId(String);

impl TenantId {
    /// The tenant with this identifier.
    pub fn new(id: impl Into<String>) -> Self {
        Self(id.into())
    }

    /// The identifier.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How a [`Store`] is opened.
#[derive(Clone, Debug)]
pub struct StoreConfig {
    /// The database file (created if missing).
    pub path: PathBuf,
    /// How many connections (and so concurrent queries); at least 1.
    pub connections: usize,
    /// The largest page a search returns, whatever the caller asks.
    pub max_page: u32,
    /// The page size when the caller names none.
    pub default_page: u32,
    /// The most comments a ticket is read with (the latest ones).
    pub max_comments: u32,
    /// Whether to fill an empty database with the demo data.
    pub seed: bool,
}

impl StoreConfig {
    /// Defaults for `path`: 4 connections, pages of 20 up to 50, demo data seeded.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            connections: 4,
            max_page: 50,
            default_page: 20,
            max_comments: 100,
            seed: true,
        }
    }
}

/// The database: a small pool of connections. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    inner: Arc<Pool>,
}

#[derive(Debug)]
struct Pool {
    idle: Mutex<Vec<Connection>>,
    permits: Semaphore,
    max_page: u32,
    default_page: u32,
    max_comments: u32,
}

fn connect(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    // WAL lets readers run beside a writer; a writer waits up to 5 s for another.
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;",
    )?;
    Ok(conn)
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

impl Store {
    /// Opens (or creates) the database, runs the missing migrations and, if configured and
    /// the database is empty, seeds the demo data. Blocking: call before serving, or inside
    /// `spawn_blocking`.
    pub fn open(config: &StoreConfig) -> Result<Self, StoreError> {
        let mut first = connect(&config.path)?;
        schema::migrate(&mut first)?;
        if config.seed {
            schema::seed(&mut first, now())?;
        }
        let count = config.connections.max(1);
        let mut idle = vec![first];
        for _ in 1..count {
            idle.push(connect(&config.path)?);
        }
        Ok(Self {
            inner: Arc::new(Pool {
                idle: Mutex::new(idle),
                permits: Semaphore::new(count),
                max_page: config.max_page.max(1),
                default_page: config.default_page.clamp(1, config.max_page.max(1)),
                max_comments: config.max_comments,
            }),
        })
    }

    /// The store of one tenant: the only way to reach any row.
    pub fn tenant(&self, tenant: TenantId) -> TenantStore {
        TenantStore {
            store: self.clone(),
            tenant,
        }
    }

    /// The largest page a search returns.
    pub fn max_page(&self) -> u32 {
        self.inner.max_page
    }

    /// Runs `work` on a pooled connection on the blocking pool.
    async fn run<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let permit = self
            .inner
            .permits
            .acquire()
            .await
            .map_err(|_| StoreError::Worker)?;
        let conn = self
            .inner
            .idle
            .lock()
            .map_err(|_| StoreError::Worker)?
            .pop()
            .ok_or(StoreError::Worker)?;
        let joined = tokio::task::spawn_blocking(move || {
            let mut conn = conn;
            let result = work(&mut conn);
            (conn, result)
        })
        .await;
        match joined {
            Ok((conn, result)) => {
                if let Ok(mut idle) = self.inner.idle.lock() {
                    idle.push(conn);
                }
                drop(permit);
                result
            }
            Err(_) => {
                // The connection went down with the task: the pool is one smaller for good.
                permit.forget();
                Err(StoreError::Worker)
            }
        }
    }
}

/// The longest title, in characters.
pub const MAX_TITLE: usize = 200;
/// The longest description or comment, in characters.
pub const MAX_TEXT: usize = 10_000;

/// Refuses a title or text over its cap.
fn check_sizes(title: Option<&str>, text: Option<&str>) -> Result<(), StoreError> {
    if title.is_some_and(|t| t.chars().count() > MAX_TITLE) {
        return Err(StoreError::Invalid(
            "the title is longer than 200 characters",
        ));
    }
    if text.is_some_and(|t| t.chars().count() > MAX_TEXT) {
        return Err(StoreError::Invalid(
            "the text is longer than 10000 characters",
        ));
    }
    Ok(())
}

/// One tenant's view of the store: every statement is bound to its tenant.
#[derive(Clone, Debug)]
pub struct TenantStore {
    store: Store,
    tenant: TenantId,
}

const TICKET_COLUMNS: &str =
    "id, queue, title, body, status, priority, assignee, reporter, created_at, updated_at";

fn ticket_from_row(row: &Row<'_>) -> rusqlite::Result<Ticket> {
    let word = |index: usize, text: String| {
        rusqlite::Error::FromSqlConversionFailure(
            index,
            rusqlite::types::Type::Text,
            format!("unknown value {text:?}").into(),
        )
    };
    let status: String = row.get(4)?;
    let priority: String = row.get(5)?;
    Ok(Ticket {
        id: row.get(0)?,
        queue: row.get(1)?,
        title: row.get(2)?,
        body: row.get(3)?,
        status: status.parse().map_err(|_| word(4, status))?,
        priority: priority.parse().map_err(|_| word(5, priority))?,
        assignee: row.get(6)?,
        reporter: row.get(7)?,
        created_at: row.get(8)?,
        updated_at: row.get(9)?,
    })
}

fn load(conn: &Connection, tenant: &str, id: i64) -> Result<Ticket, StoreError> {
    conn.query_row(
        &format!("SELECT {TICKET_COLUMNS} FROM tickets WHERE tenant = ?1 AND id = ?2"),
        params![tenant, id],
        ticket_from_row,
    )
    .optional()?
    .ok_or(StoreError::NotFound(id))
}

/// Whether `sql` (bound to the tenant and one key) finds a row.
fn exists(conn: &Connection, sql: &str, tenant: &str, key: &str) -> rusqlite::Result<bool> {
    Ok(conn
        .query_row(sql, params![tenant, key], |_| Ok(()))
        .optional()?
        .is_some())
}

fn check_user(conn: &Connection, tenant: &str, subject: &str) -> Result<(), StoreError> {
    let sql = "SELECT 1 FROM users WHERE tenant = ?1 AND subject = ?2";
    match exists(conn, sql, tenant, subject)? {
        true => Ok(()),
        false => Err(StoreError::UnknownUser(subject.to_owned())),
    }
}

fn check_queue(conn: &Connection, tenant: &str, queue: &str) -> Result<(), StoreError> {
    let sql = "SELECT 1 FROM queues WHERE tenant = ?1 AND name = ?2";
    match exists(conn, sql, tenant, queue)? {
        true => Ok(()),
        false => Err(StoreError::UnknownQueue(queue.to_owned())),
    }
}

impl TenantStore {
    /// The tenant this store is bound to.
    pub fn tenant(&self) -> &TenantId {
        &self.tenant
    }

    /// Runs `work` with this tenant's id on a pooled connection.
    async fn with<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection, &str) -> Result<T, StoreError> + Send + 'static,
    {
        let tenant = self.tenant.0.clone();
        self.store.run(move |conn| work(conn, &tenant)).await
    }

    /// The tickets matching `search`, one page (capped at the store's page size), by
    /// ascending number.
    pub async fn search(&self, search: Search) -> Result<Page, StoreError> {
        let pool = &self.store.inner;
        let limit = search
            .limit
            .unwrap_or(pool.default_page)
            .clamp(1, pool.max_page);
        self.with(move |conn, tenant| {
            let mut sql = format!("SELECT {TICKET_COLUMNS} FROM tickets WHERE tenant = ?1");
            let mut args = vec![SqlValue::Text(tenant.to_owned())];
            let mut filter = |clause: &str, value: SqlValue| {
                args.push(value);
                sql.push_str(&clause.replace('?', &format!("?{}", args.len())));
            };
            if let Some(status) = search.status {
                filter(" AND status = ?", SqlValue::Text(status.as_str().into()));
            }
            if let Some(priority) = search.priority {
                filter(
                    " AND priority = ?",
                    SqlValue::Text(priority.as_str().into()),
                );
            }
            if let Some(assignee) = search.assignee {
                filter(" AND assignee = ?", SqlValue::Text(assignee));
            }
            if let Some(queue) = search.queue {
                filter(" AND queue = ?", SqlValue::Text(queue));
            }
            if let Some(text) = search.text {
                filter(
                    " AND (instr(lower(title), lower(?)) > 0 OR instr(lower(body), lower(?)) > 0)",
                    SqlValue::Text(text),
                );
            }
            if let Some(after) = search.after {
                filter(" AND id > ?", SqlValue::Integer(after));
            }
            // One more than asked tells whether there is a next page.
            filter(
                " ORDER BY id LIMIT ?",
                SqlValue::Integer(i64::from(limit) + 1),
            );
            let mut statement = conn.prepare(&sql)?;
            let mut tickets = statement
                .query_map(params_from_iter(args), ticket_from_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let more = tickets.len() > limit as usize;
            tickets.truncate(limit as usize);
            let next_cursor = more
                .then(|| tickets.last().map(|t| t.id.to_string()))
                .flatten();
            Ok(Page {
                tickets,
                next_cursor,
            })
        })
        .await
    }

    /// One ticket with its latest comments (at most the store's cap; the rest are counted).
    pub async fn get(&self, id: i64) -> Result<TicketDetail, StoreError> {
        let cap = i64::from(self.store.inner.max_comments);
        self.with(move |conn, tenant| {
            let ticket = load(conn, tenant, id)?;
            let total: i64 = conn.query_row(
                "SELECT count(*) FROM comments WHERE tenant = ?1 AND ticket = ?2",
                params![tenant, id],
                |row| row.get(0),
            )?;
            let mut statement = conn.prepare(
                "SELECT id, author, body, created_at FROM comments
                 WHERE tenant = ?1 AND ticket = ?2 ORDER BY id DESC LIMIT ?3",
            )?;
            let mut comments = statement
                .query_map(params![tenant, id, cap], |row| {
                    Ok(Comment {
                        id: row.get(0)?,
                        author: row.get(1)?,
                        body: row.get(2)?,
                        created_at: row.get(3)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            comments.reverse();
            Ok(TicketDetail {
                ticket,
                omitted_comments: total - comments.len() as i64,
                comments,
            })
        })
        .await
    }

    /// Opens a ticket reported by `reporter`.
    pub async fn create(&self, new: NewTicket, reporter: String) -> Result<Ticket, StoreError> {
        check_sizes(Some(&new.title), Some(&new.body))?;
        self.with(move |conn, tenant| {
            let tx = conn.transaction()?;
            check_queue(&tx, tenant, &new.queue)?;
            if let Some(assignee) = &new.assignee {
                check_user(&tx, tenant, assignee)?;
            }
            let at = now();
            // A random number, not the next of one counter shared by every tenant: a global
            // sequence would tell each tenant how many tickets the others open (auth.md B6).
            // Random among 2^53 - 2^32 values (integers a JSON client reads exactly); a
            // collision, about never, takes the next draw.
            let mut id = random_ticket_id();
            while tx
                .query_row("SELECT 1 FROM tickets WHERE id = ?1", params![id], |_| {
                    Ok(())
                })
                .optional()?
                .is_some()
            {
                id = random_ticket_id();
            }
            tx.execute(
                "INSERT INTO tickets (id, tenant, queue, title, body, status, priority, assignee,
                                      reporter, created_at, updated_at)
                 VALUES (?9, ?1, ?2, ?3, ?4, 'open', ?5, ?6, ?7, ?8, ?8)",
                params![
                    tenant,
                    new.queue,
                    new.title,
                    new.body,
                    new.priority.as_str(),
                    new.assignee,
                    reporter,
                    at,
                    id
                ],
            )?;
            let ticket = load(&tx, tenant, id)?;
            tx.commit()?;
            Ok(ticket)
        })
        .await
    }

    /// Changes a ticket's title, body, priority, status (open or pending) or queue.
    pub async fn update(&self, id: i64, changes: Changes) -> Result<Ticket, StoreError> {
        check_sizes(changes.title.as_deref(), changes.body.as_deref())?;
        if changes.status == Some(Status::Closed) {
            return Err(StoreError::Invalid(
                "a ticket is closed with closeTicket, not updateTicket",
            ));
        }
        self.with(move |conn, tenant| {
            let tx = conn.transaction()?;
            let mut ticket = load(&tx, tenant, id)?;
            if let Some(queue) = changes.queue {
                check_queue(&tx, tenant, &queue)?;
                ticket.queue = queue;
            }
            ticket.title = changes.title.unwrap_or(ticket.title);
            ticket.body = changes.body.unwrap_or(ticket.body);
            ticket.priority = changes.priority.unwrap_or(ticket.priority);
            ticket.status = changes.status.unwrap_or(ticket.status);
            ticket.updated_at = now();
            tx.execute(
                "UPDATE tickets SET queue = ?3, title = ?4, body = ?5, priority = ?6,
                        status = ?7, updated_at = ?8
                 WHERE tenant = ?1 AND id = ?2",
                params![
                    tenant,
                    id,
                    ticket.queue,
                    ticket.title,
                    ticket.body,
                    ticket.priority.as_str(),
                    ticket.status.as_str(),
                    ticket.updated_at
                ],
            )?;
            tx.commit()?;
            Ok(ticket)
        })
        .await
    }

    /// Assigns a ticket to a user of the tenant, or unassigns it (`None`).
    pub async fn assign(&self, id: i64, assignee: Option<String>) -> Result<Ticket, StoreError> {
        self.with(move |conn, tenant| {
            let tx = conn.transaction()?;
            if let Some(user) = &assignee {
                check_user(&tx, tenant, user)?;
            }
            let changed = tx.execute(
                "UPDATE tickets SET assignee = ?3, updated_at = ?4 WHERE tenant = ?1 AND id = ?2",
                params![tenant, id, assignee, now()],
            )?;
            if changed == 0 {
                return Err(StoreError::NotFound(id));
            }
            let ticket = load(&tx, tenant, id)?;
            tx.commit()?;
            Ok(ticket)
        })
        .await
    }

    /// Closes a ticket (closing a closed ticket changes nothing).
    pub async fn close(&self, id: i64) -> Result<Ticket, StoreError> {
        self.with(move |conn, tenant| {
            let tx = conn.transaction()?;
            let changed = tx.execute(
                "UPDATE tickets SET status = 'closed', updated_at = ?3
                 WHERE tenant = ?1 AND id = ?2 AND status != 'closed'",
                params![tenant, id, now()],
            )?;
            let ticket = load(&tx, tenant, id)?;
            if changed > 0 {
                tx.commit()?;
            }
            Ok(ticket)
        })
        .await
    }

    /// Adds a comment by `author` to a ticket.
    pub async fn comment(
        &self,
        id: i64,
        author: String,
        body: String,
    ) -> Result<Comment, StoreError> {
        check_sizes(None, Some(&body))?;
        self.with(move |conn, tenant| {
            let tx = conn.transaction()?;
            load(&tx, tenant, id)?;
            let at = now();
            tx.execute(
                "INSERT INTO comments (tenant, ticket, author, body, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![tenant, id, author, body, at],
            )?;
            let comment = Comment {
                id: tx.last_insert_rowid(),
                author,
                body,
                created_at: at,
            };
            tx.execute(
                "UPDATE tickets SET updated_at = ?3 WHERE tenant = ?1 AND id = ?2",
                params![tenant, id, at],
            )?;
            tx.commit()?;
            Ok(comment)
        })
        .await
    }

    /// The tenant's queues with their ticket counts, by name.
    pub async fn queues(&self) -> Result<Vec<QueueSummary>, StoreError> {
        self.with(|conn, tenant| {
            let mut statement = conn.prepare(
                "SELECT q.name,
                        count(CASE WHEN t.status = 'open' THEN 1 END),
                        count(CASE WHEN t.status = 'pending' THEN 1 END),
                        count(CASE WHEN t.status = 'closed' THEN 1 END)
                 FROM queues q
                 LEFT JOIN tickets t ON t.tenant = q.tenant AND t.queue = q.name
                 WHERE q.tenant = ?1
                 GROUP BY q.name ORDER BY q.name",
            )?;
            let queues = statement
                .query_map(params![tenant], |row| {
                    Ok(QueueSummary {
                        name: row.get(0)?,
                        open: row.get(1)?,
                        pending: row.get(2)?,
                        closed: row.get(3)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(queues)
        })
        .await
    }

    /// The subjects of the tenant's users, sorted.
    pub async fn users(&self) -> Result<Vec<String>, StoreError> {
        self.with(|conn, tenant| {
            let mut statement =
                conn.prepare("SELECT subject FROM users WHERE tenant = ?1 ORDER BY subject")?;
            let users = statement
                .query_map(params![tenant], |row| row.get(0))?
                .collect::<rusqlite::Result<Vec<String>>>()?;
            Ok(users)
        })
        .await
    }
}

#[cfg(test)]
#[path = "store_tests.rs"]
mod tests;

/// A ticket number for a new ticket: uniform in [2^32, 2^53), so it is above every seeded
/// number and exact as a JSON number (IEEE double).
fn random_ticket_id() -> i64 {
    const LOW: u64 = 1 << 32;
    const HIGH: u64 = 1 << 53;
    let mut bytes = [0u8; 8];
    // Without an OS random source no unguessable number can be made; that is fatal here.
    getrandom::fill(&mut bytes).expect("the OS random source failed");
    let n = LOW + u64::from_le_bytes(bytes) % (HIGH - LOW);
    i64::try_from(n).unwrap_or(i64::MAX)
}
