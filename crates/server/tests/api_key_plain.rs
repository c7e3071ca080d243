//! Keys with nothing to charge (no `remaining`, no rate limit that applies)
//! are admitted without a write: verify reads the row, then answers from
//! it for the cache TTL (1 s on the manual clock; one verify reads it again
//! in the TTL's last quarter); a change made through
//! this process applies at once, one made elsewhere within the TTL (at
//! once with the cache off), expiry always on the clock; the admissions'
//! `usageCount`/`lastRequest` are counted in memory and written in
//! batches, exactly.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration as StdDuration, Instant};

use common::both_backends;
use common::keys::{burst, insert_key, stored};
use diesel::prelude::*;
use latchkey_api_key::db::schema::apikey;
use latchkey_api_key::{ApiKeyOptions, PlainKey};
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

/// The default cache TTL, on the manual clock.
fn ttl() -> Duration {
    Duration::try_from(ApiKeyOptions::default().key_cache_ttl).unwrap()
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
        for n in 1..=4 {
            app.clock.advance(Duration::milliseconds(5));
            let answer = app.verify(&key).await;
            assert_eq!(answer.json["valid"], json!(true), "{}", answer.text);
            assert_eq!(
                answer.json["key"]["usageCount"],
                json!(n),
                "{}",
                answer.text
            );
        }
        let last = app.clock_now();
        // The first verify went through the statement (the key was not yet
        // known as plain); the other three were answered from its row.
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
        // A row read again after the TTL carries on counting from the table.
        app.clock.advance(ttl());
        let answer = app.verify(&key).await;
        assert_eq!(
            answer.json["key"]["usageCount"],
            json!(5),
            "{}",
            answer.text
        );
        let answer = app.verify(&key).await;
        assert_eq!(
            answer.json["key"]["usageCount"],
            json!(6),
            "{}",
            answer.text
        );
    }
);

/// Three keys disabled, expired and deleted by another process after two
/// admissions each; `wait` is how long this process may not see it.
async fn changes_made_elsewhere(app: &common::TestApp, wait: Duration) {
    let (key, id) = plain_key(app);
    let (other, other_id) = plain_key(app);
    let (gone, gone_id) = plain_key(app);
    for k in [&key, &other, &gone] {
        for _ in 0..2 {
            assert_eq!(app.verify(k).await.json["valid"], json!(true));
        }
    }
    change(app, &id, |c, id| {
        diesel::update(apikey::table.find(id))
            .set(apikey::enabled.eq(Some(false)))
            .execute(c)
            .unwrap();
    });
    let later = app.clock_now() + wait + Duration::seconds(1);
    change(app, &other_id, |c, id| {
        diesel::update(apikey::table.find(id))
            .set(apikey::expires_at.eq(Some(later)))
            .execute(c)
            .unwrap();
    });
    change(app, &gone_id, |c, id| {
        diesel::delete(apikey::table.find(id)).execute(c).unwrap();
    });
    if wait > Duration::ZERO {
        // Within the TTL the rows read before the changes still answer.
        for k in [&key, &other, &gone] {
            assert_eq!(app.verify(k).await.json["valid"], json!(true));
        }
        app.clock.advance(wait);
    }
    assert_eq!(refusal(&app.verify(&key).await), "KEY_DISABLED");
    assert_eq!(app.verify(&other).await.json["valid"], json!(true));
    assert_eq!(refusal(&app.verify(&gone).await), "INVALID_API_KEY");
    app.clock.advance(Duration::seconds(1));
    assert_eq!(refusal(&app.verify(&other).await), "KEY_EXPIRED");
    // Writing the admissions of a deleted key skips it.
    app.flush_key_counters().await;
    let cached = i64::from(wait > Duration::ZERO);
    assert_eq!(stored(app, &key).unwrap().usage_count, 2 + cached);
    assert_eq!(stored(app, &other).unwrap().usage_count, 3 + cached);
    assert!(stored(app, &gone).is_none());
}

both_backends!(
    changes_made_elsewhere_apply_within_the_cache_ttl,
    |backend: Backend| async move {
        let app = test_app!(backend);
        changes_made_elsewhere(&app, ttl()).await;
    }
);

both_backends!(
    without_the_cache_changes_made_elsewhere_apply_at_the_next_verify,
    |backend: Backend| async move {
        let app = test_app!(backend, |_| {}, |o| o.key_cache_ttl = StdDuration::ZERO);
        changes_made_elsewhere(&app, Duration::ZERO).await;
    }
);

both_backends!(
    a_cached_key_expires_on_the_clock,
    |backend: Backend| async move {
        let app = test_app!(backend);
        let at = app.clock_now() + Duration::milliseconds(300);
        let (key, _) = insert_key(&app, "o", |k| {
            k.rate_limit_enabled = Some(false);
            k.expires_at = Some(at);
        });
        assert_eq!(app.verify(&key).await.json["valid"], json!(true));
        assert_eq!(app.verify(&key).await.json["valid"], json!(true));
        app.clock.advance(Duration::milliseconds(300));
        assert!(Duration::milliseconds(300) < ttl());
        assert_eq!(refusal(&app.verify(&key).await), "KEY_EXPIRED");
    }
);

both_backends!(
    changes_made_through_this_process_apply_at_once,
    |backend: Backend| async move {
        let app = test_app!(backend);
        let alice = app.sign_up("alice").await;
        let owned = |app: &common::TestApp| {
            insert_key(app, &alice.id, |k| k.rate_limit_enabled = Some(false))
        };
        let (disabled, disabled_row) = owned(&app);
        let (rotated, rotated_row) = owned(&app);
        let (deleted, deleted_row) = owned(&app);
        let (budgeted, budgeted_row) = owned(&app);
        for k in [&disabled, &rotated, &deleted, &budgeted] {
            for _ in 0..2 {
                assert_eq!(app.verify(k).await.json["valid"], json!(true));
            }
        }
        let bearer = Some(alice.bearer.as_str());
        let changes = [
            (
                "update",
                &disabled,
                json!({"keyId": disabled_row.id, "enabled": false}),
                "KEY_DISABLED",
            ),
            (
                "rotate",
                &rotated,
                json!({"keyId": rotated_row.id}),
                "INVALID_API_KEY",
            ),
            (
                "delete",
                &deleted,
                json!({"keyId": deleted_row.id}),
                "INVALID_API_KEY",
            ),
        ];
        for (route, key, body, code) in changes {
            let answer = app
                .post(&format!("/api/auth/api-key/{route}"), bearer, body)
                .await;
            assert_eq!(answer.status, 200, "{route}: {}", answer.text);
            assert_eq!(refusal(&app.verify(key).await), code, "after {route}");
        }
        // A trusted server gives a key a budget of 1: charged from the next verify.
        let answer = app
            .call(
                actix_web::test::TestRequest::post()
                    .uri("/api/auth/api-key/update")
                    .insert_header(("x-latchkey-server-secret", common::SERVER_SECRET))
                    .set_json(
                        json!({"keyId": budgeted_row.id, "userId": alice.id, "remaining": 1}),
                    ),
            )
            .await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        let answers = burst(&app, &budgeted, 10).await;
        let admitted = answers.iter().filter(|a| a["valid"] == json!(true)).count();
        assert_eq!(admitted, 1);
        assert_eq!(stored(&app, &budgeted).unwrap().remaining, Some(0));
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
        // Another process gives it a budget of 2: once this process's row
        // of it is older than the TTL, every verify is charged in the one
        // statement.
        change(&app, &id, |c, id| {
            diesel::update(apikey::table.find(id))
                .set(apikey::remaining.eq(Some(2)))
                .execute(c)
                .unwrap();
        });
        app.clock.advance(ttl());
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
        app.clock.advance(ttl());
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

both_backends!(
    one_verify_reads_the_row_again_before_the_ttl_ends,
    |backend: Backend| async move {
        let app = test_app!(backend);
        let (key, id) = plain_key(&app);
        assert_eq!(app.verify(&key).await.json["valid"], json!(true));
        let set_enabled = |enabled: bool| {
            change(&app, &id, move |c, id| {
                diesel::update(apikey::table.find(id))
                    .set(apikey::enabled.eq(Some(enabled)))
                    .execute(c)
                    .unwrap();
            });
        };
        set_enabled(false);
        app.clock.advance(ttl() * 3 / 4 - Duration::milliseconds(1));
        assert_eq!(
            app.verify(&key).await.json["valid"],
            json!(true),
            "before the last quarter the cached row answers"
        );
        app.clock.advance(Duration::milliseconds(1));
        assert_eq!(
            refusal(&app.verify(&key).await),
            "KEY_DISABLED",
            "the first verify in the last quarter reads the row again"
        );
        // The row it read answers from now on, for a whole TTL.
        set_enabled(true);
        assert_eq!(refusal(&app.verify(&key).await), "KEY_DISABLED");
        app.clock.advance(ttl() * 3 / 4 - Duration::milliseconds(1));
        assert_eq!(refusal(&app.verify(&key).await), "KEY_DISABLED");
        app.clock.advance(Duration::milliseconds(1));
        let answer = app.verify(&key).await;
        assert_eq!(answer.json["valid"], json!(true), "{}", answer.text);
        // Three admissions in all: the refusals counted nothing.
        app.flush_key_counters().await;
        assert_eq!(stored(&app, &key).unwrap().usage_count, 3);
    }
);
