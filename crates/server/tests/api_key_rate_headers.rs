//! Rate-limit headers on a host's key-protected routes, on both backends:
//! `X-RateLimit-*` for the tightest window, the IETF `RateLimit` and
//! `RateLimit-Policy` fields for every window, `Retry-After` beside them on
//! a 429, and nothing for keys without a limit or requests without a key.
//! Time moves by the manual clock, so every reset is exact.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use actix_web::test::{self, TestRequest};
use actix_web::{web, App, HttpResponse};
use common::keys::insert_key;
use common::{both_backends, Answer, TestApp};
use latchkey_api_key::rate_limits::{epoch_ms, to_column, RateWindow};
use latchkey_api_key::{PlainKey, RateLimitHeaders, VerifiedKey};
use latchkey_session::db::Backend;

const MINUTE: i64 = 60_000;
const HOUR: i64 = 3_600_000;

const HEADERS: [&str; 5] = [
    "x-ratelimit-limit",
    "x-ratelimit-remaining",
    "x-ratelimit-reset",
    "ratelimit-policy",
    "ratelimit",
];

async fn ping(_key: VerifiedKey) -> HttpResponse {
    HttpResponse::Ok().finish()
}

/// `GET /host/ping` with this key (or none), through the auth routes plus
/// a `/host` scope wrapped in [`RateLimitHeaders`].
async fn host_get(app: &TestApp, key: Option<&PlainKey>) -> Answer {
    let auth = app.auth.clone();
    let service = test::init_service(
        App::new().configure(|cfg| auth.configure(cfg)).service(
            web::scope("/host")
                .wrap(RateLimitHeaders)
                .route("/ping", web::get().to(ping)),
        ),
    )
    .await;
    let mut req = TestRequest::get().uri("/host/ping");
    if let Some(key) = key {
        req = req.insert_header(("x-api-key", key.expose().to_owned()));
    }
    Answer::read(test::call_service(&service, req.to_request()).await).await
}

/// The `X-RateLimit-Reset` expected for a window ending at `end_ms`.
fn reset_secs(end_ms: i64) -> String {
    ((end_ms + 999).div_euclid(1000)).to_string()
}

fn header<'a>(answer: &'a Answer, name: &str) -> &'a str {
    answer
        .headers
        .get(name)
        .unwrap_or_else(|| panic!("no {name} header"))
        .to_str()
        .unwrap()
}

fn assert_no_rate_headers(answer: &Answer) {
    for name in HEADERS {
        assert!(answer.headers.get(name).is_none(), "unexpected {name}");
    }
}

both_backends!(
    windows_report_the_tightest_and_every_policy,
    |backend: Backend| async move {
        let app = test_app!(backend);
        let (key, _) = insert_key(&app, "owner", |k| {
            k.rate_limit_time_window = None;
            k.rate_limit_max = None;
            k.rate_limits = to_column(&[RateWindow::new(MINUTE, 3), RateWindow::new(HOUR, 5)]);
        });
        let start = epoch_ms(app.clock_now());

        let first = host_get(&app, Some(&key)).await;
        assert_eq!(first.status, 200);
        assert_eq!(header(&first, "x-ratelimit-limit"), "3");
        assert_eq!(header(&first, "x-ratelimit-remaining"), "2");
        assert_eq!(
            header(&first, "x-ratelimit-reset"),
            reset_secs(start + MINUTE)
        );
        assert_eq!(
            header(&first, "ratelimit-policy"),
            "\"1m\";q=3;w=60, \"1h\";q=5;w=3600"
        );
        assert_eq!(
            header(&first, "ratelimit"),
            "\"1m\";r=2;t=60, \"1h\";r=4;t=3600"
        );
        assert!(first.headers.get("retry-after").is_none());

        // Ten seconds on, the same windows are running: `t` counts down.
        app.clock.advance(time::Duration::seconds(10));
        host_get(&app, Some(&key)).await;
        let third = host_get(&app, Some(&key)).await;
        assert_eq!(third.status, 200);
        assert_eq!(header(&third, "x-ratelimit-remaining"), "0");
        assert_eq!(
            header(&third, "ratelimit"),
            "\"1m\";r=0;t=50, \"1h\";r=2;t=3590"
        );

        // The minute is full: a 429 with the same fields and Retry-After.
        let refused = host_get(&app, Some(&key)).await;
        assert_eq!(refused.status, 429);
        assert_eq!(refused.code(), "RATE_LIMITED");
        assert_eq!(header(&refused, "retry-after"), "50");
        assert_eq!(header(&refused, "x-ratelimit-limit"), "3");
        assert_eq!(header(&refused, "x-ratelimit-remaining"), "0");
        assert_eq!(
            header(&refused, "x-ratelimit-reset"),
            reset_secs(start + MINUTE)
        );
        assert_eq!(
            header(&refused, "ratelimit"),
            "\"1m\";r=0;t=50, \"1h\";r=2;t=3590"
        );

        // A new minute: the hour, with 2 left before this request, is now
        // the tightest window.
        app.clock.advance(time::Duration::seconds(50));
        let later = host_get(&app, Some(&key)).await;
        assert_eq!(later.status, 200);
        assert_eq!(header(&later, "x-ratelimit-limit"), "5");
        assert_eq!(header(&later, "x-ratelimit-remaining"), "1");
        assert_eq!(
            header(&later, "x-ratelimit-reset"),
            reset_secs(start + HOUR)
        );
        assert_eq!(
            header(&later, "ratelimit"),
            "\"1m\";r=2;t=60, \"1h\";r=1;t=3540"
        );
    }
);

both_backends!(
    better_auths_single_window_has_headers_too,
    |backend: Backend| async move {
        let app = test_app!(backend);
        // better-auth's creation default: 10 a day.
        let (key, _) = insert_key(&app, "owner", |_| {});
        let start = epoch_ms(app.clock_now());
        let answer = host_get(&app, Some(&key)).await;
        assert_eq!(answer.status, 200);
        assert_eq!(header(&answer, "x-ratelimit-limit"), "10");
        assert_eq!(header(&answer, "x-ratelimit-remaining"), "9");
        assert_eq!(
            header(&answer, "x-ratelimit-reset"),
            reset_secs(start + 86_400_000)
        );
        assert_eq!(header(&answer, "ratelimit-policy"), "\"1d\";q=10;w=86400");
        assert_eq!(header(&answer, "ratelimit"), "\"1d\";r=9;t=86400");
    }
);

both_backends!(
    no_headers_without_a_limit_or_a_key,
    |backend: Backend| async move {
        let app = test_app!(backend);
        let (unlimited, _) = insert_key(&app, "owner", |k| {
            k.rate_limit_enabled = Some(false);
        });
        let answer = host_get(&app, Some(&unlimited)).await;
        assert_eq!(answer.status, 200);
        assert_no_rate_headers(&answer);

        let missing = host_get(&app, None).await;
        assert_eq!(missing.status, 401);
        assert_no_rate_headers(&missing);

        // A refusal that is not about the rate (a disabled key) says
        // nothing about windows either.
        let (disabled, _) = insert_key(&app, "owner", |k| k.enabled = Some(false));
        let refused = host_get(&app, Some(&disabled)).await;
        assert_eq!(refused.status, 403);
        assert_no_rate_headers(&refused);
    }
);

both_backends!(
    rate_limiting_off_for_the_plugin_means_no_headers,
    |backend: Backend| async move {
        let app = test_app!(backend, |_| {}, |o| o.rate_limit_enabled = false);
        let (key, _) = insert_key(&app, "owner", |k| {
            k.rate_limits = to_column(&[RateWindow::new(MINUTE, 3)]);
        });
        let answer = host_get(&app, Some(&key)).await;
        assert_eq!(answer.status, 200);
        assert_no_rate_headers(&answer);
    }
);

both_backends!(
    a_used_up_key_says_when_its_refill_comes,
    |backend: Backend| async move {
        let app = test_app!(backend);
        let (refilled, _) = insert_key(&app, "owner", |k| {
            k.remaining = Some(1);
            k.refill_amount = Some(5);
            k.refill_interval = Some(HOUR as i32);
            k.rate_limit_enabled = Some(false);
        });
        assert_eq!(host_get(&app, Some(&refilled)).await.status, 200);
        app.clock.advance(time::Duration::milliseconds(1_500));
        let refused = host_get(&app, Some(&refilled)).await;
        assert_eq!(refused.status, 429);
        assert_eq!(refused.json["code"], "USAGE_EXCEEDED");
        // An hour from creation, 1.5 s gone: 3,598.5 s, rounded up.
        assert_eq!(header(&refused, "retry-after"), "3599");
        assert_eq!(refused.json.get("details"), None, "{}", refused.text);
        app.clock
            .advance(time::Duration::milliseconds(HOUR - 1_500));
        assert_eq!(host_get(&app, Some(&refilled)).await.status, 200);

        // Without a refill there is no time to wait for.
        let (spent, _) = insert_key(&app, "owner", |k| {
            k.remaining = Some(0);
            k.rate_limit_enabled = Some(false);
        });
        let refused = host_get(&app, Some(&spent)).await;
        assert_eq!(refused.status, 429);
        assert!(refused.headers.get("retry-after").is_none());
    }
);
