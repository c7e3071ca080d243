//! Replays the reference transcripts of the key-management endpoints
//! (create, get, list, update, delete, server-only, cross-user) against
//! latchkey on both backends, after `sessions.json` (which signs up the
//! users they use), comparing status, error code, headers, and every
//! field's type and value.
//!
//! Two adjustments, both stated here:
//! - latchkey's key records carry `userId` (= `referenceId`) besides
//!   better-auth's fields, for clients of the older reference (seed 002), so
//!   the expected bodies get that one field added.
//! - The harness's trusted-server calls (`/admin/...`) go to the same
//!   `/api/auth/api-key/*` routes with the server credential header.
//!
//! The test clock moves 1 ms before every exchange, as real time did during
//! the capture, so keys are listed in creation order.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::both_backends;
use common::transcript::{self, Plan, Replayer, Request};
use common::{TestApp, SERVER_SECRET};
use latchkey_session::db::Backend;
use serde_json::Value;
use time::Duration;

/// The files replayed, in capture order (later files use keys and ids
/// bound by earlier ones).
const FILES: &[&str] = &[
    "create.json",
    "get.json",
    "list.json",
    "update.json",
    "delete.json",
    "server-only.json",
    "cross-user.json",
];

/// The latchkey route of a capture-harness trusted-server call.
fn server_route(harness_path: &str) -> Option<&'static str> {
    Some(match harness_path {
        "/admin/create-api-key" => "/api/auth/api-key/create",
        "/admin/update-api-key" => "/api/auth/api-key/update",
        "/admin/verify-api-key" => "/api/auth/api-key/verify",
        "/admin/delete-all-expired" => "/api/auth/api-key/delete-all-expired-api-keys",
        _ => return None,
    })
}

fn as_trusted_server(request: Request, _: &transcript::Bindings) -> Option<Request> {
    let route = server_route(&request.path)?;
    Some(
        request
            .to(route)
            .header("x-latchkey-server-secret", SERVER_SECRET),
    )
}

/// Adds `userId` beside every `referenceId` of a key record; true if any.
fn add_user_ids(value: &mut Value) -> bool {
    match value {
        Value::Object(map) => {
            let mut changed = false;
            if let Some(reference) = map.get("referenceId").cloned() {
                map.insert("userId".to_owned(), reference);
                changed = true;
            }
            for child in map.values_mut() {
                changed |= add_user_ids(child);
            }
            changed
        }
        Value::Array(items) => {
            let mut changed = false;
            for item in items {
                changed |= add_user_ids(item);
            }
            changed
        }
        _ => false,
    }
}

/// The plan for one file: server calls mapped, the clock moving, and
/// `userId` expected in key records.
fn plan_for(file: &str) -> Plan {
    let mut plan = Plan::new()
        .map_server_only(as_trusted_server)
        .extra_field("usageCount");
    for exchange in transcript::load(file).exchanges {
        plan = plan.before(&exchange.name, |app: &TestApp, _| {
            app.clock.advance(Duration::milliseconds(1));
        });
        if exchange.divergence.is_some() {
            continue;
        }
        let mut response = exchange.response.clone();
        if add_user_ids(&mut response["body"]) {
            plan = plan.expect_response(&exchange.name, response);
        }
    }
    plan
}

both_backends!(api_key_transcripts_replay, |backend: Backend| async move {
    // The reference server's configuration: metadata and key sessions on.
    let Some(app) = TestApp::with_options(
        backend,
        |_| {},
        |o| {
            o.enable_metadata = true;
            o.enable_session_for_api_keys = true;
        },
    ) else {
        return;
    };
    let mut replay = Replayer::new(&app);
    // Setup only (it signs up Alice and Bob and binds their tokens); its
    // own strict replay is transcripts_sessions.rs, so other plugins'
    // headers on the session routes are not this test's business.
    let setup = Plan::new().types_only().allow_header("access-control-");
    replay.run("sessions.json", setup).await;
    let mut sent = 0;
    for file in FILES {
        let report = replay.run(file, plan_for(file)).await;
        assert!(
            report.skipped.is_empty(),
            "{file}: nothing may be skipped: {:?}",
            report.skipped
        );
        sent += report.sent.len();
    }
    // create 34, get 5, list 11, update 31, delete 8, server-only 22, cross-user 7.
    assert_eq!(sent, 118);
    // The bindings are latchkey's own values: Alice's first key is hers.
    let alice = replay.bindings().signed_token(3).unwrap().to_owned();
    let first = replay.bindings().id(4).unwrap().to_owned();
    let got = app
        .get(&format!("/api/auth/api-key/get?id={first}"), Some(&alice))
        .await;
    assert_eq!(got.json["referenceId"], replay.bindings().id(1).unwrap());
});

#[test]
fn harness_routes_map_to_latchkey_routes() {
    assert_eq!(
        server_route("/admin/update-api-key"),
        Some("/api/auth/api-key/update")
    );
    assert_eq!(server_route("/admin/other"), None);
    let mut body = serde_json::json!({"apiKeys": [{"referenceId": "<id:1>"}], "total": 1});
    assert!(add_user_ids(&mut body));
    assert_eq!(body["apiKeys"][0]["userId"], "<id:1>");
    assert!(!add_user_ids(&mut serde_json::json!({"success": true})));
}
