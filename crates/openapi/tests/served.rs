//! Every documented operation is served, and every served route is
//! documented: the routes are read from each crate's `routes.rs` (the route
//! tables) and probed on the real application.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::path::Path;

use actix_web::http::header::{CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use actix_web::test::{self, TestRequest};
use latchkey::app::{assemble_with, build_app, migration_sets};
use latchkey_api_key::ApiKeyOptions;
use latchkey_jwt::JwtOptions;
use latchkey_session::db::Backend;
use latchkey_session::testing::TestDb;
use latchkey_session::AuthConfig;
use serde_json::{json, Value};

type Route = (String, String);

/// `(METHOD, /api/auth/path)` of every operation in the document.
fn documented() -> BTreeSet<Route> {
    let doc: Value = serde_json::from_str(latchkey_openapi::json()).unwrap();
    let mut routes = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                routes.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    routes
}

/// Reads `route("/path", web::get()...)` entries from a routes.rs, and
/// fails on any registration it cannot read (so a new style is noticed).
fn routes_in(file: &Path) -> Vec<Route> {
    let text = std::fs::read_to_string(file).unwrap();
    let compact: String = text.split_whitespace().collect();
    let mut found = Vec::new();
    let mut rest = compact.as_str();
    while let Some(at) = rest.find("route(\"") {
        rest = &rest[at + "route(\"".len()..];
        let Some(end) = rest.find('"') else { break };
        let path = &rest[..end];
        let after = &rest[end + 1..];
        let method = ["get", "post", "put", "patch", "delete"]
            .into_iter()
            .find(|m| after.starts_with(&format!(",web::{m}()")))
            .unwrap_or_else(|| panic!("{}: cannot read the method of {path}", file.display()));
        found.push((method.to_uppercase(), format!("/api/auth{path}")));
    }
    let handlers = compact.matches(".to(").count();
    assert_eq!(
        handlers,
        found.len(),
        "{}: {handlers} handlers registered but {} routes read; teach this test the new form",
        file.display(),
        found.len()
    );
    found
}

/// Every route of every crate's routes.rs.
fn served() -> BTreeSet<Route> {
    let crates = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let mut routes = BTreeSet::new();
    let mut files = 0;
    for entry in std::fs::read_dir(crates).unwrap() {
        let file = entry.unwrap().path().join("src/routes.rs");
        if file.exists() {
            files += 1;
            routes.extend(routes_in(&file));
        }
    }
    assert!(
        files >= 4,
        "expected the session, api-key, jwt and openapi route tables"
    );
    routes
}

#[test]
fn every_served_route_is_documented_and_every_documented_one_served() {
    let documented = documented();
    let served = served();
    let undocumented: Vec<_> = served.difference(&documented).collect();
    let unserved: Vec<_> = documented.difference(&served).collect();
    assert!(
        undocumented.is_empty() && unserved.is_empty(),
        "served but not in the document: {undocumented:?}\n\
         in the document but in no routes.rs: {unserved:?}"
    );
}

fn app_db() -> (latchkey_session::Auth, TestDb) {
    let db = TestDb::new(Backend::Sqlite, &migration_sets()).unwrap();
    let mut config = AuthConfig::new("openapi-test-secret-0123456789abcdef");
    config.bcrypt_cost = 4;
    let options = ApiKeyOptions {
        server_secret: Some("server-secret".into()),
        enable_metadata: true,
        enable_session_for_api_keys: true,
        ..ApiKeyOptions::default()
    };
    let auth = assemble_with(
        db.pool.clone(),
        config,
        options,
        JwtOptions::default(),
        None,
    );
    (auth, db)
}

#[actix_web::test]
async fn every_documented_operation_is_answered_by_the_real_app() {
    let (auth, _db) = app_db();
    let app = test::init_service(build_app(auth)).await;
    for (method, path) in documented() {
        let req = match method.as_str() {
            "GET" => TestRequest::get().uri(&format!("{path}?id=x")),
            "POST" => TestRequest::post().uri(&path).set_json(json!({})),
            other => panic!("{other} {path}: no probe for this method"),
        };
        let res = test::call_service(&app, req.to_request()).await;
        let status = res.status().as_u16();
        let body = test::read_body(res).await;
        assert!(
            status != 405 && !(status == 404 && body.is_empty()),
            "{method} {path} is documented but not served ({status})"
        );
    }
    // And an undocumented route is not.
    let res = test::call_service(
        &app,
        TestRequest::get()
            .uri("/api/auth/no-such-route")
            .to_request(),
    )
    .await;
    assert_eq!(res.status().as_u16(), 404);
}

#[actix_web::test]
async fn the_document_and_its_reference_page_are_served() {
    let (auth, _db) = app_db();
    let app = test::init_service(build_app(auth)).await;
    let req = TestRequest::get().uri("/api/auth/open-api/generate-schema");
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.headers().get(CONTENT_TYPE).unwrap(), "application/json");
    let served: Value = serde_json::from_slice(&test::read_body(res).await).unwrap();
    let committed: Value = serde_norway::from_str(latchkey_openapi::yaml()).unwrap();
    assert!(
        served == committed,
        "the served document is not openapi.yaml's"
    );

    let req = TestRequest::get().uri("/api/auth/reference");
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(res.status().as_u16(), 200);
    assert!(res
        .headers()
        .get(CONTENT_TYPE)
        .unwrap()
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let csp = res
        .headers()
        .get(CONTENT_SECURITY_POLICY)
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.starts_with("default-src 'none'; script-src 'sha256-"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe"), "{csp}");
    let html = String::from_utf8(test::read_body(res).await.to_vec()).unwrap();
    assert!(html.contains("<script type=\"application/json\" id=\"openapi\">"));
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "the page loads nothing from elsewhere"
    );
    // The embedded document cannot close its script element.
    let start = html.find("id=\"openapi\">").unwrap();
    let embedded = &html[start + "id=\"openapi\">".len()..];
    let embedded = &embedded[..embedded.find("</script>").unwrap()];
    let parsed: Value = serde_json::from_str(embedded).unwrap();
    assert_eq!(parsed["info"]["title"], "latchkey");
}
