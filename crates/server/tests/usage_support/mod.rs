//! A host application for the usage-log tests: the real auth routes plus a
//! `/host` scope guarded by `VerifiedKey` and wrapped in a `UsageLog`
//! (one log shared by every app instance, as by HttpServer's workers).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use actix_web::{web, App, HttpResponse};
use latchkey_api_key::db::usage::NewUsage;
use latchkey_api_key::usage::{UsageLog, UsageLogOptions};
use latchkey_api_key::{ApiKeyOptions, VerifiedKey};
use latchkey_session::db::Backend;
use latchkey_session::{time_format, Clock, ManualClock};
use serde_json::json;
use time::PrimitiveDateTime;

use crate::common::{Answer, TestApp, TestUser};
use crate::manage::BASE;

/// A test app with a usage log over its database and manual clock.
pub struct HostApp {
    pub app: TestApp,
    pub usage: UsageLog,
}

/// Options whose flusher never fires on its own during a test: only
/// `flush_now` and `shutdown` write.
pub fn manual_flush() -> UsageLogOptions {
    UsageLogOptions {
        flush_interval: std::time::Duration::from_secs(3600),
        ..UsageLogOptions::default()
    }
}

/// `GET /host/ping` and `POST /host/ping`: 200 for any admitted key.
async fn ping(key: VerifiedKey) -> HttpResponse {
    HttpResponse::Ok().json(json!({ "key": key.key.id }))
}

/// `GET /host/status/{code}`: admitted, then answers that status.
async fn status(_key: VerifiedKey, code: web::Path<u16>) -> HttpResponse {
    HttpResponse::build(StatusCode::from_u16(code.into_inner()).unwrap()).finish()
}

/// `GET /host/slow/{ms}`: admitted, then the manual clock moves `ms`
/// milliseconds before the answer (a response that took that long).
async fn slow(
    _key: VerifiedKey,
    ms: web::Path<i64>,
    clock: web::Data<Arc<ManualClock>>,
) -> HttpResponse {
    clock.advance(time::Duration::milliseconds(ms.into_inner()));
    HttpResponse::Ok().finish()
}

/// `GET /host/open`: no key needed (never recorded).
async fn open() -> HttpResponse {
    HttpResponse::Ok().finish()
}

impl HostApp {
    /// A fresh app (rate limiting off, so calls are not capped at 10 a
    /// day) with a usage log made with `options`.
    pub fn new(backend: Backend, options: UsageLogOptions) -> Option<Self> {
        Self::with_keys(backend, options, |_| {})
    }

    /// [`Self::new`] with API-key options changed by `adjust`.
    pub fn with_keys(
        backend: Backend,
        options: UsageLogOptions,
        adjust: impl FnOnce(&mut ApiKeyOptions),
    ) -> Option<Self> {
        let app = TestApp::with_options(
            backend,
            |_| {},
            |o| {
                o.rate_limit_enabled = false;
                adjust(o);
            },
        )?;
        let usage = UsageLog::from_state(&app.auth.state(), options).unwrap();
        Some(Self { app, usage })
    }

    /// Sends a request to the host app (auth routes plus `/host`).
    pub async fn call(&self, req: TestRequest) -> Answer {
        let auth = self.app.auth.clone();
        let usage = self.usage.clone();
        let clock = web::Data::new(self.app.clock.clone());
        let service = test::init_service(
            App::new().configure(|cfg| auth.configure(cfg)).service(
                web::scope("/host")
                    .wrap(usage)
                    .app_data(clock)
                    .route("/slow/{ms}", web::get().to(slow))
                    .route("/ping", web::get().to(ping))
                    .route("/ping", web::post().to(ping))
                    .route("/status/{code}", web::get().to(status))
                    .route("/open", web::get().to(open)),
            ),
        )
        .await;
        Answer::read(test::call_service(&service, req.to_request()).await).await
    }

    /// `GET <path>` on the host with this key (or none).
    pub async fn host_get(&self, path: &str, key: Option<&str>) -> Answer {
        let mut req = TestRequest::get().uri(path);
        if let Some(key) = key {
            req = req.insert_header(("x-api-key", key.to_owned()));
        }
        self.call(req).await
    }

    /// A key of `user` created through the API; returns (id, secret).
    pub async fn key_of(&self, user: &TestUser, name: &str) -> (String, String) {
        let created = self
            .app
            .create_ok(&user.bearer, json!({ "name": name }))
            .await;
        (
            created["id"].as_str().unwrap().to_owned(),
            created["key"].as_str().unwrap().to_owned(),
        )
    }

    /// Writes the buffer now; returns how many rows.
    pub fn flush(&self) -> usize {
        self.usage.flush_now().unwrap()
    }

    /// `GET /api-key/usage?<query>` as this bearer (or nobody).
    pub async fn usage_of(&self, bearer: Option<&str>, query: &str) -> Answer {
        self.app.get(&format!("{BASE}/usage?{query}"), bearer).await
    }

    /// `GET /api-key/stats` as this bearer (or nobody).
    pub async fn stats(&self, bearer: Option<&str>) -> Answer {
        self.app.get(&format!("{BASE}/stats"), bearer).await
    }

    /// Records `GET /host/ping` (200, 1 ms) with this key at `at` straight
    /// into the log, as the middleware would (for tests that record from
    /// several threads).
    pub fn record_ping(&self, key_id: &str, at: PrimitiveDateTime) {
        self.usage.record(&NewUsage {
            key_id,
            method: "GET",
            path: "/host/ping",
            status: 200,
            duration_ms: 1,
            created_at: at,
        });
    }

    /// The clock's time as the API writes it.
    pub fn now_text(&self) -> String {
        time_format::format(self.app.clock.now())
    }
}
