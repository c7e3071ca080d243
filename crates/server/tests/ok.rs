//! `GET /ok` and `GET /ready`, on both backends.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use actix_web::http::StatusCode;
use common::both_backends;
use latchkey_session::db::Backend;
use serde_json::json;

both_backends!(ok_and_ready_answer, |backend: Backend| async move {
    let app = test_app!(backend);
    let ok = app.get("/api/auth/ok", None).await;
    assert_eq!(ok.status, StatusCode::OK);
    assert_eq!(ok.json, json!({"ok": true}));
    let ready = app.get("/api/auth/ready", None).await;
    assert_eq!(ready.status, StatusCode::OK);
    assert_eq!(ready.json, json!({"ready": true}));
});
