//! latchkey's several rate-limit windows per key on both backends: set by
//! trusted servers (or by default), every window must have room and then
//! counts the request, exactly under concurrency; a refused request counts
//! in none. Time moves by the manual clock.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod manage;

use common::both_backends;
use common::keys::{burst, insert_key, stored};
use latchkey_api_key::rate_limits::{from_column, to_column, RateWindow, StoredWindow};
use latchkey_api_key::PlainKey;
use latchkey_session::db::Backend;
use manage::*;
use serde_json::{json, Value};

const MINUTE: i64 = 60_000;
const HOUR: i64 = 3_600_000;
const DAY: i64 = 86_400_000;

fn admitted(answers: &[Value]) -> usize {
    answers.iter().filter(|a| a["valid"] == json!(true)).count()
}

fn refused_as(answers: &[Value], code: &str) -> usize {
    answers
        .iter()
        .filter(|a| a["error"]["code"] == json!(code))
        .count()
}

/// The stored windows of a key.
fn windows(app: &common::TestApp, key: &PlainKey) -> Vec<StoredWindow> {
    from_column(stored(app, key).unwrap().rate_limits.as_deref())
}

/// Each stored window's count in the window running now.
fn counts(app: &common::TestApp, key: &PlainKey) -> Vec<i64> {
    let now = latchkey_api_key::rate_limits::epoch_ms(app.clock_now());
    windows(app, key).iter().map(|w| w.count_at(now)).collect()
}

/// A key with only latchkey's windows (better-auth's single one unset).
fn windowed_key(app: &common::TestApp, list: &[RateWindow]) -> PlainKey {
    insert_key(app, "owner", |k| {
        k.rate_limit_time_window = None;
        k.rate_limit_max = None;
        k.rate_limits = to_column(list);
    })
    .0
}

both_backends!(
    three_windows_admit_exactly_the_tightest_budget,
    |backend: Backend| async move {
        let app = test_app!(backend);
        let key = windowed_key(
            &app,
            &[
                RateWindow::new(MINUTE, 5),
                RateWindow::new(HOUR, 8),
                RateWindow::new(DAY, 10),
            ],
        );
        // 300 at once: the minute admits exactly 5.
        let answers = burst(&app, &key, 300).await;
        assert_eq!(admitted(&answers), 5);
        assert_eq!(refused_as(&answers, "RATE_LIMITED"), 295);
        assert_eq!(counts(&app, &key), [5, 5, 5]);
        // A minute later the hour has 3 left.
        app.tick(MINUTE);
        let answers = burst(&app, &key, 300).await;
        assert_eq!(admitted(&answers), 3);
        assert_eq!(counts(&app, &key), [3, 8, 8]);
        // The hour is full: nothing, and the wait is until the hour ends.
        app.tick(MINUTE);
        let answers = burst(&app, &key, 300).await;
        assert_eq!(admitted(&answers), 0);
        assert!(answers
            .iter()
            .all(|a| a["error"]["details"]["tryAgainIn"] == json!(HOUR - 2 * MINUTE)));
        // The next hour: the day has 2 left.
        app.tick(HOUR);
        let answers = burst(&app, &key, 300).await;
        assert_eq!(admitted(&answers), 2);
        assert_eq!(counts(&app, &key), [2, 2, 10]);
        // The next day: a fresh minute of 5.
        app.tick(DAY);
        assert_eq!(admitted(&burst(&app, &key, 300).await), 5);
        // Every admission counted; better-auth's single window is unset,
        // so its requestCount is not.
        let row = stored(&app, &key).unwrap();
        assert_eq!((row.usage_count, row.request_count), (15, Some(0)));
    }
);

both_backends!(
    refused_requests_count_in_no_window,
    |backend: Backend| async move {
        let app = test_app!(backend);
        let key = windowed_key(
            &app,
            &[RateWindow::new(MINUTE, 2), RateWindow::new(DAY, 100)],
        );
        let answers = burst(&app, &key, 12).await;
        assert_eq!(admitted(&answers), 2);
        // The day counted only the two admitted requests.
        assert_eq!(counts(&app, &key), [2, 2]);
        app.tick(MINUTE);
        assert_eq!(admitted(&burst(&app, &key, 12).await), 2);
        assert_eq!(counts(&app, &key), [2, 4]);
        // Refused for another reason (used up): no window counts it either.
        let (used, _) = insert_key(&app, "owner", |k| {
            k.remaining = Some(1);
            k.rate_limits = to_column(&[RateWindow::new(MINUTE, 5)]);
        });
        assert_eq!(admitted(&burst(&app, &used, 4).await), 1);
        assert_eq!(counts(&app, &used), [1]);
        let row = stored(&app, &used).unwrap();
        assert_eq!((row.remaining, row.request_count), (Some(0), Some(1)));
    }
);

both_backends!(
    windows_apply_beside_better_auths_window,
    |backend: Backend| async move {
        let app = test_app!(backend);
        // better-auth's window: 3 an hour; latchkey's: 5 a minute.
        let (key, _) = insert_key(&app, "owner", |k| {
            k.rate_limit_time_window = Some(HOUR as i32);
            k.rate_limit_max = Some(3);
            k.rate_limits = to_column(&[RateWindow::new(MINUTE, 5)]);
        });
        assert_eq!(admitted(&burst(&app, &key, 20).await), 3);
        assert_eq!(counts(&app, &key), [3]);
        // The minute resets but the hour is full: wait for the hour.
        app.tick(MINUTE);
        let refused = app.verify(&key).await;
        assert_eq!(
            refused.json["error"]["details"]["tryAgainIn"],
            json!(HOUR - MINUTE)
        );
        // Rate limiting off for the key, or for the plugin: no window applies.
        let (off, _) = insert_key(&app, "owner", |k| {
            k.rate_limit_enabled = Some(false);
            k.rate_limits = to_column(&[RateWindow::new(MINUTE, 1)]);
        });
        assert_eq!(admitted(&burst(&app, &off, 5).await), 5);
        let app = test_app!(backend, |_| {}, |o| o.rate_limit_enabled = false);
        let key = windowed_key(&app, &[RateWindow::new(MINUTE, 1)]);
        assert_eq!(admitted(&burst(&app, &key, 5).await), 5);
    }
);

both_backends!(
    servers_set_windows_and_clients_may_not,
    |backend: Backend| async move {
        let app = keys_app!(backend);
        let alice = app.sign_up("Alice").await;
        let windows = json!([{"window": 60000, "max": 100}, {"window": 3600000, "max": 1000}]);
        let created = app
            .server_post("create", json!({"userId": alice.id, "rateLimits": windows}))
            .await;
        assert_eq!(created.status.as_u16(), 200, "{}", created.text);
        assert_eq!(created.json["rateLimits"], windows);
        let id = created.json["id"].clone();
        // Clients may neither set nor change them.
        assert_server_only(
            &app.create_key(Some(&alice.bearer), json!({"rateLimits": windows}))
                .await,
        );
        assert_server_only(
            &app.update_key(Some(&alice.bearer), json!({"keyId": id, "rateLimits": []}))
                .await,
        );
        // Keys without windows answer no `rateLimits`, as better-auth.
        let plain = app.create_ok(&alice.bearer, json!({})).await;
        assert!(plain.get("rateLimits").is_none());
        // An update replaces the windows and starts them afresh.
        let key = PlainKey::presented(created.json["key"].as_str().unwrap());
        assert!(app.verify(&key).await.json["valid"] == json!(true));
        let updated = app
            .server_post(
                "update",
                json!({"keyId": id, "userId": alice.id, "rateLimits": [{"window": 1000, "max": 2}]}),
            )
            .await;
        assert_eq!(
            updated.json["rateLimits"],
            json!([{"window": 1000, "max": 2}])
        );
        assert_eq!(counts(&app, &key), [0]);
        // null removes them.
        let cleared = app
            .server_post(
                "update",
                json!({"keyId": id, "userId": alice.id, "rateLimits": null}),
            )
            .await;
        assert_eq!(cleared.status.as_u16(), 200, "{}", cleared.text);
        assert!(cleared.json.get("rateLimits").is_none());
        assert_eq!(stored(&app, &key).unwrap().rate_limits, None);
        // Bad windows are refused with every issue.
        assert_validation(
            &app.server_post(
                "create",
                json!({"userId": alice.id, "rateLimits": [{"window": 0, "max": 1}, {"window": 60000}]}),
            )
            .await,
            "[body.rateLimits.1.max] Invalid input: expected number, received undefined",
        );
        assert_validation(
            &app.server_post(
                "create",
                json!({"userId": alice.id, "rateLimits": [{"window": 1000, "max": 0}, {"window": 1000, "max": 1}]}),
            )
            .await,
            "[body.rateLimits.0.max] Too small: expected number to be >=1; \
             [body.rateLimits.1.window] Each window length may appear once; 1000 ms is repeated",
        );
    }
);

both_backends!(
    configured_windows_are_written_into_new_keys,
    |backend: Backend| async move {
        let defaults = vec![RateWindow::new(MINUTE, 100), RateWindow::new(DAY, 10_000)];
        let configured = defaults.clone();
        let app = keys_app!(backend, move |o| o.default_rate_limits = configured);
        let alice = app.sign_up("Alice").await;
        let created = app.create_ok(&alice.bearer, json!({})).await;
        assert_eq!(
            created["rateLimits"],
            json!([{"window": 60000, "max": 100}, {"window": 86400000, "max": 10000}])
        );
        // A server may give a key none at all.
        let none = app
            .server_post("create", json!({"userId": alice.id, "rateLimits": []}))
            .await;
        assert!(none.json.get("rateLimits").is_none(), "{}", none.text);
        let key = PlainKey::presented(created["key"].as_str().unwrap());
        assert_eq!(app.verify(&key).await.json["valid"], json!(true));
        assert_eq!(counts(&app, &key), [1, 1]);
    }
);
