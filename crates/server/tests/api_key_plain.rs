//! Keys with nothing to charge (no `remaining`, no rate limit that applies)
//! are admitted without a write: verify reads the row, so a key disabled,
//! expired, deleted or given a budget elsewhere is decided at once, and
//! the admissions' `usageCount`/`lastRequest` are counted in memory and
//! written in batches, exactly.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration as StdDuration, Instant};

use common::both_backends;
use common::keys::{burst, insert_key, stored};
use diesel::prelude::*;
use latchkey_api_key::db::schema::apikey;
use latchkey_api_key::PlainKey;
use latchkey_session::db::Backend;
use serde_json::json;
use time::Duration;

fn refusal(answer: &common::Answer) -> &str {
    answer.json["error"]["code"].as_str().unwrap_or("")
}

/// A key with no budget and its rate limit off.
fn plain_key(app: &common::TestApp) -> (PlainKey, String) {
    let (key, row) = insert_key(app, "o", |k| k.rate_limit_enabled = Some(false));
    (key, row.id)
}

/// Changes a key's row directly, as another server process would.
fn change(
    app: &common::TestApp,
    id: &str,
    change: impl FnOnce(&mut latchkey_session::db::DbConnection, &str),
) {
    let mut conn = app.db.pool.get().unwrap();
    change(&mut conn, id);
}

both_backends!(
    plain_admissions_are_written_in_batches,
    |backend: Backend| async move {
        let app = test_app!(backend);
        let (key, _) = plain_key(&app);
        for _ in 0..4 {
            app.clock.advance(Duration::milliseconds(5));
            let answer = app.verify(&key).await;
            assert_eq!(answer.json["valid"], json!(true), "{}", answer.text);
        }
        let last = app.clock_now();
        // The first verify went through the statement (the key was not yet
        // known as plain); the other three only read the row.
        let row = stored(&app, &key).unwrap();
        assert_eq!(row.usage_count, 1);
        assert_eq!(row.last_request, Some(last - Duration::milliseconds(15)));
        app.flush_key_counters().await;
        let row = stored(&app, &key).unwrap();
        assert_eq!((row.usage_count, row.request_count), (4, Some(0)));
        assert_eq!(row.last_request, Some(last));
        assert_eq!(row.updated_at, last);
        assert_eq!(row.remaining, None);
        // Nothing left to write.
        app.flush_key_counters().await;
        assert_eq!(stored(&app, &key).unwrap().usage_count, 4);
    }
);

both_backends!(
    changes_made_elsewhere_apply_at_the_next_verify,
    |backend: Backend| async move {
        let app = test_app!(backend);
        let (key, id) = plain_key(&app);
        let (other, other_id) = plain_key(&app);
        let (gone, gone_id) = plain_key(&app);
        for k in [&key, &other, &gone] {
            for _ in 0..2 {
                assert_eq!(app.verify(k).await.json["valid"], json!(true));
            }
        }
        // Disabled, expired and deleted by another process: refused at once.
        change(&app, &id, |c, id| {
            diesel::update(apikey::table.find(id))
                .set(apikey::enabled.eq(Some(false)))
                .execute(c)
                .unwrap();
        });
        assert_eq!(refusal(&app.verify(&key).await), "KEY_DISABLED");
        let soon = app.clock_now() + Duration::seconds(1);
        change(&app, &other_id, |c, id| {
            diesel::update(apikey::table.find(id))
                .set(apikey::expires_at.eq(Some(soon)))
                .execute(c)
                .unwrap();
        });
        assert_eq!(app.verify(&other).await.json["valid"], json!(true));
        app.clock.advance(Duration::seconds(1));
        assert_eq!(refusal(&app.verify(&other).await), "KEY_EXPIRED");
        change(&app, &gone_id, |c, id| {
            diesel::delete(apikey::table.find(id)).execute(c).unwrap();
        });
        assert_eq!(refusal(&app.verify(&gone).await), "INVALID_API_KEY");
        // Writing the admissions of a deleted key skips it.
        app.flush_key_counters().await;
        assert_eq!(stored(&app, &key).unwrap().usage_count, 2);
        assert_eq!(stored(&app, &other).unwrap().usage_count, 3);
        assert!(stored(&app, &gone).is_none());
    }
);

both_backends!(
    a_plain_key_given_a_budget_is_charged_exactly,
    |backend: Backend| async move {
        let app = test_app!(backend);
        let (key, id) = plain_key(&app);
        for _ in 0..3 {
            assert_eq!(app.verify(&key).await.json["valid"], json!(true));
        }
        // Another process gives it a budget of 2: from now on every verify
        // is charged in the one statement.
        change(&app, &id, |c, id| {
            diesel::update(apikey::table.find(id))
                .set(apikey::remaining.eq(Some(2)))
                .execute(c)
                .unwrap();
        });
        let answers = burst(&app, &key, 20).await;
        let admitted = answers.iter().filter(|a| a["valid"] == json!(true)).count();
        assert_eq!(admitted, 2);
        app.flush_key_counters().await;
        let row = stored(&app, &key).unwrap();
        assert_eq!(row.remaining, Some(0));
        assert_eq!(row.usage_count, 5);
        // And a rate limit (better-auth's window) works as well.
        change(&app, &id, |c, id| {
            diesel::update(apikey::table.find(id))
                .set((
                    apikey::remaining.eq(None::<i32>),
                    apikey::rate_limit_enabled.eq(Some(true)),
                    apikey::rate_limit_max.eq(Some(3)),
                ))
                .execute(c)
                .unwrap();
        });
        let answers = burst(&app, &key, 20).await;
        let admitted = answers.iter().filter(|a| a["valid"] == json!(true)).count();
        assert_eq!(admitted, 3);
        assert_eq!(stored(&app, &key).unwrap().request_count, Some(3));
    }
);

both_backends!(
    concurrent_plain_admissions_are_all_counted,
    |backend: Backend| async move {
        let app = test_app!(backend);
        let (key, _) = plain_key(&app);
        let answers = burst(&app, &key, 300).await;
        assert!(answers.iter().all(|a| a["valid"] == json!(true)));
        // A key read of this process shows every admission.
        app.flush_key_counters().await;
        assert_eq!(stored(&app, &key).unwrap().usage_count, 300);
    }
);

both_backends!(
    permissions_of_a_plain_key_are_checked_on_the_row,
    |backend: Backend| async move {
        let app = test_app!(backend);
        let (key, row) = insert_key(&app, "o", |k| {
            k.rate_limit_enabled = Some(false);
            k.permissions = Some(r#"{"files":["read"]}"#.into());
        });
        let read = json!({"permissions": {"files": ["read"]}});
        assert_eq!(
            app.verify_with(&key, read.clone()).await.json["valid"],
            json!(true)
        );
        assert_eq!(
            app.verify_with(&key, read.clone()).await.json["valid"],
            json!(true)
        );
        change(&app, &row.id, |c, id| {
            diesel::update(apikey::table.find(id))
                .set(apikey::permissions.eq(Some(r#"{"files":["write"]}"#)))
                .execute(c)
                .unwrap();
        });
        assert_eq!(refusal(&app.verify_with(&key, read).await), "KEY_NOT_FOUND");
    }
);

both_backends!(
    the_flusher_writes_within_its_interval,
    |backend: Backend| async move {
        let app = test_app!(backend, |_| {}, |o| {
            o.counter_flush_interval = StdDuration::from_millis(50);
        });
        let (key, _) = plain_key(&app);
        for _ in 0..3 {
            assert_eq!(app.verify(&key).await.json["valid"], json!(true));
        }
        let deadline = Instant::now() + StdDuration::from_secs(10);
        while stored(&app, &key).unwrap().usage_count < 3 {
            assert!(Instant::now() < deadline, "not written within 10 s");
            std::thread::sleep(StdDuration::from_millis(20));
        }
        assert_eq!(stored(&app, &key).unwrap().usage_count, 3);
    }
);

both_backends!(
    dropping_the_server_writes_what_is_left,
    |backend: Backend| async move {
        let app = test_app!(backend);
        let (key, _) = plain_key(&app);
        for _ in 0..3 {
            assert_eq!(app.verify(&key).await.json["valid"], json!(true));
        }
        let common::TestApp { auth, db, .. } = app;
        drop(auth);
        let mut conn = db.pool.get().unwrap();
        let row = latchkey_api_key::db::queries::keys::find_by_hash(&mut conn, &key.hash())
            .unwrap()
            .unwrap();
        assert_eq!(row.usage_count, 3);
    }
);
