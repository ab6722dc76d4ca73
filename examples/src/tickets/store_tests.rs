//! The store on a temporary database file: migrations, tenant isolation, paging caps.

use super::*;
use crate::tickets::model::Priority;

fn open(dir: &tempfile::TempDir, max_page: u32) -> Store {
    let mut config = StoreConfig::new(dir.path().join("tickets.db"));
    config.max_page = max_page;
    config.default_page = max_page;
    Store::open(&config).expect("open")
}

fn acme(store: &Store) -> TenantStore {
    store.tenant(TenantId::new("acme"))
}

fn globex(store: &Store) -> TenantStore {
    store.tenant(TenantId::new("globex"))
}

/// The number of the first ticket `tenant` sees.
async fn first_id(tenant: &TenantStore) -> i64 {
    let page = tenant.search(Search::default()).await.expect("search");
    page.tickets[0].id
}

/// The number of one of globex's tickets.
async fn a_globex_ticket(store: &Store) -> i64 {
    first_id(&globex(store)).await
}

#[tokio::test]
async fn migrations_run_once_and_seed_only_an_empty_database() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(&dir, 50);
    let before = acme(&store)
        .search(Search::default())
        .await
        .expect("search");
    drop(store);
    // Reopening runs no migration and seeds nothing more.
    let mut conn = Connection::open(dir.path().join("tickets.db")).expect("conn");
    assert_eq!(schema::migrate(&mut conn).expect("migrate"), 0);
    assert!(!schema::seed(&mut conn, 0).expect("seed"));
    let store = open(&dir, 50);
    let after = acme(&store)
        .search(Search::default())
        .await
        .expect("search");
    assert_eq!(before, after);
    assert_eq!(after.tickets.len(), 6);
}

#[tokio::test]
async fn a_tenant_sees_only_its_own_rows() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(&dir, 50);
    let acme_page = acme(&store)
        .search(Search::default())
        .await
        .expect("search");
    let globex_page = globex(&store)
        .search(Search::default())
        .await
        .expect("search");
    assert_eq!(acme_page.tickets.len(), 6);
    assert_eq!(globex_page.tickets.len(), 3);
    let acme_ids: Vec<i64> = acme_page.tickets.iter().map(|t| t.id).collect();
    assert!(
        globex_page
            .tickets
            .iter()
            .all(|t| !acme_ids.contains(&t.id))
    );
    // Text that only globex's tickets contain finds nothing for acme.
    let search = Search {
        text: Some("backup".into()),
        ..Search::default()
    };
    assert!(
        acme(&store)
            .search(search.clone())
            .await
            .expect("search")
            .tickets
            .is_empty()
    );
    assert_eq!(
        globex(&store)
            .search(search)
            .await
            .expect("search")
            .tickets
            .len(),
        1
    );
    let queues: Vec<String> = acme(&store)
        .queues()
        .await
        .expect("queues")
        .into_iter()
        .map(|q| q.name)
        .collect();
    assert_eq!(queues, ["billing", "support"]);
    assert_eq!(
        acme(&store).users().await.expect("users"),
        ["alice", "bob", "dave"]
    );
}

#[tokio::test]
async fn another_tenants_ticket_is_not_found_for_every_operation() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(&dir, 50);
    let id = a_globex_ticket(&store).await;
    let before = globex(&store).get(id).await.expect("globex reads its own");
    let acme = acme(&store);
    assert!(matches!(acme.get(id).await, Err(StoreError::NotFound(n)) if n == id));
    let changes = Changes {
        title: Some("pwned".into()),
        ..Changes::default()
    };
    assert!(matches!(
        acme.update(id, changes).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        acme.assign(id, Some("alice".into())).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        acme.assign(id, None).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(acme.close(id).await, Err(StoreError::NotFound(_))));
    assert!(matches!(
        acme.comment(id, "alice".into(), "hi".into()).await,
        Err(StoreError::NotFound(_))
    ));
    // Nothing changed on globex's side.
    assert_eq!(globex(&store).get(id).await.expect("get"), before);
}

#[tokio::test]
async fn users_and_queues_of_another_tenant_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(&dir, 50);
    let acme = acme(&store);
    let mine = first_id(&acme).await;
    assert!(matches!(
        acme.assign(mine, Some("carol".into())).await,
        Err(StoreError::UnknownUser(u)) if u == "carol"
    ));
    let new = NewTicket {
        queue: "operations".into(),
        title: "t".into(),
        body: "b".into(),
        priority: Priority::Low,
        assignee: None,
    };
    assert!(matches!(
        acme.create(new, "alice".into()).await,
        Err(StoreError::UnknownQueue(q)) if q == "operations"
    ));
}

#[tokio::test]
async fn create_update_assign_comment_close_round_trip() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(&dir, 50);
    let acme = acme(&store);
    let new = NewTicket {
        queue: "support".into(),
        title: "Printer on fire".into(),
        body: "Smoke".into(),
        priority: Priority::Urgent,
        assignee: Some("bob".into()),
    };
    let created = acme.create(new, "alice".into()).await.expect("create");
    assert_eq!(
        (created.status, created.reporter.as_str()),
        (Status::Open, "alice")
    );
    let changes = Changes {
        status: Some(Status::Pending),
        queue: Some("billing".into()),
        ..Changes::default()
    };
    let updated = acme.update(created.id, changes).await.expect("update");
    assert_eq!(
        (updated.status, updated.queue.as_str()),
        (Status::Pending, "billing")
    );
    let closing = Changes {
        status: Some(Status::Closed),
        ..Changes::default()
    };
    assert!(matches!(
        acme.update(created.id, closing).await,
        Err(StoreError::Invalid(_))
    ));
    let assigned = acme.assign(created.id, None).await.expect("assign");
    assert_eq!(assigned.assignee, None);
    let comment = acme
        .comment(created.id, "alice".into(), "Extinguished".into())
        .await
        .expect("comment");
    let closed = acme.close(created.id).await.expect("close");
    assert_eq!(closed.status, Status::Closed);
    let detail = acme.get(created.id).await.expect("get");
    assert_eq!(detail.comments, [comment]);
    assert!(
        globex(&store)
            .search(Search::default())
            .await
            .expect("search")
            .tickets
            .iter()
            .all(|t| t.id != created.id)
    );
}

#[tokio::test]
async fn pages_are_capped_and_chained_by_cursor() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(&dir, 4);
    let acme = acme(&store);
    // Asking for a thousand gets the cap.
    let first = acme
        .search(Search {
            limit: Some(1000),
            ..Search::default()
        })
        .await
        .expect("search");
    assert_eq!(first.tickets.len(), 4);
    let cursor = first.next_cursor.clone().expect("a next page");
    let second = acme
        .search(Search {
            after: Some(cursor.parse().expect("numeric cursor")),
            ..Search::default()
        })
        .await
        .expect("search");
    assert_eq!(second.tickets.len(), 2);
    assert_eq!(second.next_cursor, None);
    let mut ids: Vec<i64> = first
        .tickets
        .iter()
        .chain(&second.tickets)
        .map(|t| t.id)
        .collect();
    let all = ids.clone();
    ids.dedup();
    assert_eq!(ids, all);
    assert_eq!(ids.len(), 6);
    // A limit of zero still returns one ticket, never an empty page with a cursor.
    let one = acme
        .search(Search {
            limit: Some(0),
            ..Search::default()
        })
        .await
        .expect("search");
    assert_eq!(one.tickets.len(), 1);
}

#[tokio::test]
async fn filters_combine() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(&dir, 50);
    let page = acme(&store)
        .search(Search {
            status: Some(Status::Open),
            assignee: Some("alice".into()),
            ..Search::default()
        })
        .await
        .expect("search");
    assert_eq!(page.tickets.len(), 2);
    assert!(
        page.tickets
            .iter()
            .all(|t| t.status == Status::Open && t.assignee.as_deref() == Some("alice"))
    );
    let urgent = acme(&store)
        .search(Search {
            priority: Some(Priority::Urgent),
            text: Some("INVOICE".into()),
            ..Search::default()
        })
        .await
        .expect("search");
    assert_eq!(urgent.tickets.len(), 1);
}

#[tokio::test]
async fn oversized_text_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(&dir, 50);
    let acme = acme(&store);
    let id = first_id(&acme).await;
    let long = "x".repeat(MAX_TEXT + 1);
    assert!(matches!(
        acme.comment(id, "alice".into(), long.clone()).await,
        Err(StoreError::Invalid(_))
    ));
    let changes = Changes {
        title: Some("t".repeat(MAX_TITLE + 1)),
        ..Changes::default()
    };
    assert!(matches!(
        acme.update(id, changes).await,
        Err(StoreError::Invalid(_))
    ));
    let new = NewTicket {
        queue: "support".into(),
        title: "t".into(),
        body: long,
        priority: Priority::Low,
        assignee: None,
    };
    assert!(matches!(
        acme.create(new, "alice".into()).await,
        Err(StoreError::Invalid(_))
    ));
    assert_eq!(acme.get(id).await.expect("get").comments, []);
}

#[tokio::test]
async fn a_ticket_is_read_with_its_latest_comments_only() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = StoreConfig::new(dir.path().join("tickets.db"));
    config.max_comments = 2;
    let store = Store::open(&config).expect("open");
    let acme = acme(&store);
    let id = first_id(&acme).await;
    for n in 0..3 {
        acme.comment(id, "alice".into(), format!("c{n}"))
            .await
            .expect("comment");
    }
    let detail = acme.get(id).await.expect("get");
    let bodies: Vec<&str> = detail.comments.iter().map(|c| c.body.as_str()).collect();
    assert_eq!(bodies, ["c1", "c2"]);
    assert_eq!(detail.omitted_comments, 1);
}
