//! `/dashboard`: the key-management page the binary serves beside
//! `/api/auth`, its strict headers, where it is mounted (`--dashboard-path`)
//! and its off switch (`--dashboard false`); and the usage log the binary
//! keeps for its own key-protected route, which the page shows.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod jwt_support;

use std::process::{Command, Stdio};

use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use clap::Parser;
use common::{both_backends, Answer, TestApp};
use latchkey::app::{build_served_app, Served};
use latchkey::cli::Cli;
use latchkey::config::Settings;
use latchkey_api_key::usage::{UsageLog, UsageLogOptions};
use latchkey_dashboard::assets::ASSETS;
use latchkey_session::db::Backend;
use serde_json::json;

/// Settings as `latchkey <args>` would read them.
fn settings(args: &[&str]) -> Settings {
    let mut argv = vec!["latchkey"];
    argv.extend_from_slice(args);
    Cli::try_parse_from(argv).unwrap().settings
}

/// The binary's application over a test app's database, with a usage log
/// that writes only when flushed.
fn served(app: &TestApp, args: &[&str]) -> Served {
    let usage = UsageLog::from_state(
        &app.auth.state(),
        UsageLogOptions {
            flush_interval: std::time::Duration::from_secs(3600),
            ..UsageLogOptions::default()
        },
    )
    .unwrap();
    Served {
        dashboard: settings(args).dashboard().unwrap(),
        usage,
    }
}

async fn send(app: &TestApp, served: &Served, req: TestRequest) -> Answer {
    let service = test::init_service(build_served_app(app.auth.clone(), served)).await;
    Answer::read(test::call_service(&service, req.to_request()).await).await
}

async fn get(app: &TestApp, served: &Served, uri: &str) -> Answer {
    send(app, served, TestRequest::get().uri(uri)).await
}

fn sqlite_app() -> TestApp {
    jwt_support::jwt_app(Backend::Sqlite, |_, _| {}).unwrap().0
}

/// The headers every dashboard answer must carry.
fn assert_strict(answer: &Answer, what: &str) {
    let csp = answer.header("content-security-policy").unwrap_or_default();
    for directive in [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "frame-ancestors 'none'",
        "form-action 'none'",
        "object-src 'none'",
        "base-uri 'none'",
    ] {
        assert!(
            csp.contains(directive),
            "{what}: CSP lacks {directive}: {csp}"
        );
    }
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
        "{csp}"
    );
    assert_eq!(
        answer.header("x-frame-options").as_deref(),
        Some("DENY"),
        "{what}"
    );
    assert_eq!(
        answer.header("referrer-policy").as_deref(),
        Some("no-referrer"),
        "{what}"
    );
    assert_eq!(
        answer.header("x-content-type-options").as_deref(),
        Some("nosniff"),
        "{what}"
    );
}

#[actix_web::test]
async fn the_page_and_every_file_are_served_with_strict_headers() {
    let app = sqlite_app();
    let served = served(&app, &[]);
    for uri in ["/dashboard", "/dashboard/"] {
        let page = get(&app, &served, uri).await;
        assert_eq!(page.status, StatusCode::OK, "{uri}");
        assert_eq!(
            page.header("content-type").as_deref(),
            Some("text/html; charset=utf-8")
        );
        assert_strict(&page, uri);
        assert!(page
            .text
            .contains(r#"<script type="module" src="/dashboard/assets/main.js"></script>"#));
        assert!(page
            .text
            .contains(r#"<meta name="latchkey-api" content="/api/auth">"#));
    }
    for asset in ASSETS {
        let uri = format!("/dashboard/assets/{}", asset.name);
        let answer = get(&app, &served, &uri).await;
        assert_eq!(answer.status, StatusCode::OK, "{uri}");
        assert_eq!(
            answer.header("content-type").as_deref(),
            Some(asset.content_type())
        );
        assert_eq!(answer.text.as_bytes(), asset.body, "{uri}");
        assert_strict(&answer, &uri);
    }
    let missing = get(&app, &served, "/dashboard/assets/secret.txt").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_strict(&missing, "a missing file");
    // The API is where it was.
    let ok = get(&app, &served, "/api/auth/ok").await;
    assert_eq!(ok.json, json!({"ok": true}));
}

#[actix_web::test]
async fn dashboard_path_moves_the_page_and_its_files() {
    let app = sqlite_app();
    let served = served(&app, &["--dashboard-path", "/admin/keys/"]);
    let page = get(&app, &served, "/admin/keys").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_strict(&page, "/admin/keys");
    assert!(page.text.contains(r#"src="/admin/keys/assets/main.js""#));
    let script = get(&app, &served, "/admin/keys/assets/main.js").await;
    assert_eq!(script.status, StatusCode::OK);
    assert_eq!(
        get(&app, &served, "/dashboard").await.status,
        StatusCode::NOT_FOUND
    );

    let at_root = served_at_root(&app);
    let page = get(&app, &at_root, "/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains(r#"src="/assets/main.js""#));
    assert_eq!(
        get(&app, &at_root, "/assets/app.css").await.status,
        StatusCode::OK
    );
    assert_eq!(
        get(&app, &at_root, "/api/auth/ok").await.status,
        StatusCode::OK
    );
}

fn served_at_root(app: &TestApp) -> Served {
    served(app, &["--dashboard-path", "/"])
}

#[actix_web::test]
async fn the_dashboard_switch_turns_it_off_and_on() {
    assert!(
        settings(&[]).dashboard().unwrap().is_some(),
        "on by default"
    );
    assert!(settings(&["--dashboard"]).dashboard().unwrap().is_some());
    assert!(settings(&["--dashboard", "true"])
        .dashboard()
        .unwrap()
        .is_some());
    assert!(settings(&["--dashboard", "false"])
        .dashboard()
        .unwrap()
        .is_none());
    assert!(Cli::try_parse_from(["latchkey", "--dashboard", "maybe"]).is_err());

    let app = sqlite_app();
    let off = served(&app, &["--dashboard", "false"]);
    for uri in ["/dashboard", "/dashboard/assets/main.js"] {
        assert_eq!(
            get(&app, &off, uri).await.status,
            StatusCode::NOT_FOUND,
            "{uri}"
        );
    }
    assert_eq!(get(&app, &off, "/api/auth/ok").await.status, StatusCode::OK);
}

#[test]
fn unusable_dashboard_paths_are_refused_in_words() {
    let message = |args: &[&str]| settings(args).dashboard().unwrap_err().to_string();
    assert_eq!(
        message(&["--dashboard-path", "dashboard"]),
        "--dashboard-path: the dashboard path must start with `/`, not `dashboard`"
    );
    assert_eq!(
        message(&["--dashboard-path", "/api/auth/keys"]),
        "--dashboard-path: the dashboard path `/api/auth/keys` lies inside the API's base path `/api/auth`"
    );
    assert!(message(&["--dashboard-path", "/a b"]).contains("may hold only letters"));
    // Refused even while turned off, so the typo is found before it matters.
    assert!(settings(&["--dashboard", "false", "--dashboard-path", "x"])
        .dashboard()
        .is_err());
}

#[test]
fn the_binary_refuses_an_unusable_path_at_start_up() {
    let dir = std::env::temp_dir().join(format!("latchkey-dashboard-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_latchkey"))
        .args(["--dashboard-path", "/api/auth/dash", "migrate"])
        .current_dir(&dir)
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", dir.join("t.db").display()),
        )
        .env_remove("LATCHKEY_DASHBOARD")
        .env_remove("LATCHKEY_ENV")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.lines().any(|l| l
            == "latchkey: --dashboard-path: the dashboard path `/api/auth/dash` lies inside the API's base path `/api/auth`"),
        "{stderr}"
    );
}

both_backends!(
    key_exchanges_are_recorded_as_usage,
    |backend: Backend| async move {
        let Some((app, _)) = jwt_support::jwt_app(backend, |_, _| {}) else {
            return;
        };
        let served = served(&app, &[]);
        let user = app.sign_up("Dana").await;
        let created = app
            .post(
                "/api/auth/api-key/create",
                Some(&user.bearer),
                json!({"name": "ci"}),
            )
            .await;
        assert_eq!(created.status, StatusCode::OK, "{}", created.text);
        let (id, key) = (
            created.json["id"].as_str().unwrap().to_owned(),
            created.json["key"].as_str().unwrap().to_owned(),
        );
        let exchange = |key: &str| {
            TestRequest::post()
                .uri("/api/auth/api-key/token")
                .insert_header(("x-api-key", key.to_owned()))
        };
        for _ in 0..2 {
            let answer = send(&app, &served, exchange(&key)).await;
            assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
        }
        // A refused key is nobody's usage; requests without a key neither.
        let refused = send(&app, &served, exchange("not-a-key")).await;
        assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
        get(&app, &served, "/dashboard").await;
        assert_eq!(served.usage.flush_now().unwrap(), 2);

        let usage = app
            .get(
                &format!("/api/auth/api-key/usage?keyId={id}"),
                Some(&user.bearer),
            )
            .await;
        assert_eq!(usage.status, StatusCode::OK, "{}", usage.text);
        assert_eq!(usage.json["total"], json!(2));
        let row = &usage.json["usage"][0];
        assert_eq!(row["method"], json!("POST"));
        assert_eq!(row["path"], json!("/api/auth/api-key/token"));
        assert_eq!(row["status"], json!(200));
        let stats = app.get("/api/auth/api-key/stats", Some(&user.bearer)).await;
        assert_eq!(stats.json["totalApiCalls"], json!(2), "{}", stats.text);
        assert_eq!(stats.json["apiKeys"][0]["successRate"], json!(100.0));
    }
);
