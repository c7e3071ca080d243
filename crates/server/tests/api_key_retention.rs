//! The retention sweep removes keys retired longer than the setting, and
//! nothing else.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;

use common::both_backends;
use common::keys::{insert_key, stored};
use latchkey_api_key::{ApiKeyOptions, ApiKeys};
use latchkey_session::db::Backend;
use time::Duration;

both_backends!(
    sweep_deletes_only_keys_retired_past_retention,
    |backend: Backend| async move {
        let app = test_app!(backend);
        let now = app.clock_now();
        let (long_expired, _) =
            insert_key(&app, "o", |k| k.expires_at = Some(now - Duration::days(8)));
        let (recently_expired, _) =
            insert_key(&app, "o", |k| k.expires_at = Some(now - Duration::days(2)));
        let (long_used_up, _) = insert_key(&app, "o", |k| {
            k.remaining = Some(0);
            k.updated_at = now - Duration::days(9);
        });
        let (refillable, _) = insert_key(&app, "o", |k| {
            k.remaining = Some(0);
            k.refill_amount = Some(5);
            k.refill_interval = Some(1000);
            k.updated_at = now - Duration::days(9);
        });
        let (live, _) = insert_key(&app, "o", |k| k.remaining = Some(3));

        let state = app.auth.state();
        let keep_forever = ApiKeys::from_state(&state, Arc::new(ApiKeyOptions::default()));
        assert_eq!(keep_forever.sweep_retired().await.ok(), Some(0));

        let options = ApiKeyOptions {
            retired_key_retention: Some(Duration::days(7)),
            ..ApiKeyOptions::default()
        };
        let keys = ApiKeys::from_state(&state, Arc::new(options));
        assert_eq!(keys.sweep_retired().await.ok(), Some(2));
        assert!(stored(&app, &long_expired).is_none());
        assert!(stored(&app, &long_used_up).is_none());
        assert!(stored(&app, &recently_expired).is_some());
        assert!(stored(&app, &refillable).is_some());
        assert!(stored(&app, &live).is_some());
    }
);
