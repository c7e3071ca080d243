//! Storage tests of [`super`] against `&mut DbConnection`, once per backend.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use latchkey_session::db::{Backend, DbConnection, CORE_MIGRATIONS};
use latchkey_session::testing::TestDb;
use latchkey_session::tokens::random_id;
use time::{Duration, OffsetDateTime, PrimitiveDateTime};

use super::*;

fn row(owner: &str, name: Option<&str>, at: PrimitiveDateTime) -> ApiKey {
    ApiKey {
        id: random_id(),
        config_id: "default".into(),
        name: name.map(str::to_owned),
        start: None,
        reference_id: owner.to_owned(),
        prefix: None,
        key: random_id(),
        refill_interval: None,
        refill_amount: None,
        last_refill_at: None,
        enabled: Some(true),
        rate_limit_enabled: Some(true),
        rate_limit_time_window: Some(86_400_000),
        rate_limit_max: Some(10),
        request_count: Some(0),
        remaining: None,
        last_request: None,
        expires_at: None,
        created_at: at,
        updated_at: at,
        permissions: None,
        metadata: None,
        rate_limit_window_start: None,
        rate_limits: None,
        usage_count: 0,
    }
}

fn names(rows: &[ApiKey]) -> Vec<Option<&str>> {
    rows.iter().map(|r| r.name.as_deref()).collect()
}

fn filter<'a>(owner: &'a str) -> ListFilter<'a> {
    ListFilter {
        owner,
        config_id: None,
        filters: KeyFilters::default(),
        sort: None,
        limit: None,
        offset: None,
    }
}

/// Five keys of "alice" (one in another configuration), one of "bob".
fn seed(conn: &mut DbConnection) -> Vec<ApiKey> {
    let now = OffsetDateTime::now_utc();
    let t0 = PrimitiveDateTime::new(now.date(), now.time())
        .replace_nanosecond(0)
        .unwrap();
    let mut rows = Vec::new();
    for (i, name) in [None, Some("b"), Some("a"), None, Some("c")]
        .into_iter()
        .enumerate()
    {
        let mut r = row("alice", name, t0 + Duration::milliseconds(i as i64));
        if i == 3 {
            r.config_id = "other".into();
        }
        insert(conn, &r).unwrap();
        rows.push(r);
    }
    insert(conn, &row("bob", Some("z"), t0)).unwrap();
    rows
}

fn with_db(backend: Backend, test: impl FnOnce(&mut DbConnection)) {
    let Some(db) = TestDb::new(backend, &[CORE_MIGRATIONS, crate::db::MIGRATIONS]) else {
        return;
    };
    let mut conn = db.pool.get().unwrap();
    test(&mut conn);
}

latchkey_session::both_backends!(
    lists_sort_and_page_in_the_database,
    |backend: Backend| async move {
        with_db(backend, |conn| {
            seed(conn);
            assert_eq!(count_owned(conn, "alice", None).unwrap(), 5);
            assert_eq!(count_owned(conn, "alice", Some("other")).unwrap(), 1);
            assert_eq!(count_owned(conn, "nobody", None).unwrap(), 0);
            let all = list_owned(conn, &filter("alice")).unwrap();
            assert_eq!(names(&all), [None, Some("b"), Some("a"), None, Some("c")]);
            let asc = ListFilter {
                sort: Some((SortColumn::Name, false)),
                ..filter("alice")
            };
            assert_eq!(
                names(&list_owned(conn, &asc).unwrap()),
                [Some("a"), Some("b"), Some("c"), None, None]
            );
            let desc = ListFilter {
                sort: Some((SortColumn::Name, true)),
                ..filter("alice")
            };
            assert_eq!(
                names(&list_owned(conn, &desc).unwrap()),
                [None, None, Some("c"), Some("b"), Some("a")]
            );
            let page = ListFilter {
                limit: Some(2),
                offset: Some(1),
                ..filter("alice")
            };
            assert_eq!(
                names(&list_owned(conn, &page).unwrap()),
                [Some("b"), Some("a")]
            );
            let tail = ListFilter {
                offset: Some(3),
                ..filter("alice")
            };
            assert_eq!(names(&list_owned(conn, &tail).unwrap()), [None, Some("c")]);
            let other = ListFilter {
                config_id: Some("other"),
                ..filter("alice")
            };
            assert_eq!(list_owned(conn, &other).unwrap().len(), 1);
            let newest = ListFilter {
                sort: Some((SortColumn::CreatedAt, true)),
                limit: Some(1),
                ..filter("alice")
            };
            assert_eq!(names(&list_owned(conn, &newest).unwrap()), [Some("c")]);
        });
    }
);

latchkey_session::both_backends!(
    changes_only_reach_the_owners_keys,
    |backend: Backend| async move {
        with_db(backend, |conn| {
            let rows = seed(conn);
            let id = &rows[1].id;
            let changes = ApiKeyChanges {
                name: Some(None),
                remaining: Some(Some(5)),
                permissions: Some(Some("{\"files\":[\"read\"]}".into())),
                ..ApiKeyChanges::default()
            };
            assert!(!changes.is_empty());
            assert!(ApiKeyChanges {
                updated_at: Some(rows[0].created_at),
                ..ApiKeyChanges::default()
            }
            .is_empty());
            assert_eq!(update_owned(conn, id, "bob", &changes).unwrap(), None);
            assert_eq!(
                find_owned(conn, id, "alice")
                    .unwrap()
                    .unwrap()
                    .name
                    .as_deref(),
                Some("b")
            );
            let updated = update_owned(conn, id, "alice", &changes).unwrap().unwrap();
            assert_eq!(updated.name, None);
            assert_eq!(updated.remaining, Some(5));
            assert_eq!(updated.rate_limit_max, Some(10));
            assert_eq!(find_owned(conn, id, "alice").unwrap(), Some(updated));
            assert!(!delete_owned(conn, id, "bob").unwrap());
            assert!(delete_owned(conn, id, "alice").unwrap());
            assert!(!delete_owned(conn, id, "alice").unwrap());
            assert_eq!(count_owned(conn, "alice", None).unwrap(), 4);
            assert_eq!(count_owned(conn, "bob", None).unwrap(), 1);
        });
    }
);
