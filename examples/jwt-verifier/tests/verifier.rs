//! The example against a real latchkey listening on loopback (SQLite): the
//! JWK set is fetched over HTTP by the verifier, then tokens are checked
//! without calling latchkey again.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use actix_web::test::{call_service, init_service, read_body_json, TestRequest};
use actix_web::{web, App, HttpServer};
use latchkey::app::{assemble_with, build_app, migration_sets};
use latchkey_api_key::ApiKeyOptions;
use latchkey_session::db::Backend;
use latchkey_session::testing::TestDb;
use latchkey_session::AuthConfig;

const SERVER_SECRET: &str = "example-server-secret-0123456789";
use serde_json::{json, Value};

async fn get(base: &str, path: &str, headers: &[(&str, &str)]) -> (u16, Value, Option<String>) {
    let client = awc::Client::default();
    let mut req = client.get(format!("{base}{path}"));
    for (k, v) in headers {
        req = req.insert_header((*k, *v));
    }
    let mut res = req.send().await.unwrap();
    let jwt = res
        .headers()
        .get("set-auth-jwt")
        .map(|v| v.to_str().unwrap().to_owned());
    (
        res.status().as_u16(),
        res.json().await.unwrap_or(Value::Null),
        jwt,
    )
}

#[actix_web::test]
async fn tokens_from_a_running_latchkey_are_checked_with_its_jwk_set() {
    let db = TestDb::new(Backend::Sqlite, &migration_sets()).unwrap();
    let mut config = AuthConfig::new("example-secret-0123456789abcdef0123456789");
    config.bcrypt_cost = 4;
    let auth = assemble_with(
        db.pool.clone(),
        config,
        ApiKeyOptions {
            server_secret: Some(SERVER_SECRET.into()),
            ..ApiKeyOptions::default()
        },
        latchkey_jwt::JwtOptions::default(),
        None,
    );
    let server = HttpServer::new(move || build_app(auth.clone()))
        .workers(1)
        .bind(("127.0.0.1", 0))
        .unwrap();
    let addr = server.addrs()[0];
    let handle = server.run();
    let stop = handle.handle();
    actix_web::rt::spawn(handle);
    let base = format!("http://{addr}");

    // A user signs up; their session JWT comes with get-session.
    let client = awc::Client::default();
    let mut res = client
        .post(format!("{base}/api/auth/sign-up/email"))
        .send_json(
            &json!({"email": "ann@example.com", "password": "correct-horse-42", "name": "Ann"}),
        )
        .await
        .unwrap();
    let bearer = res
        .headers()
        .get("set-auth-token")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let body: Value = res.json().await.unwrap();
    let user_id = body["user"]["id"].as_str().unwrap().to_owned();
    let auth_header = format!("Bearer {bearer}");
    let (status, _, jwt) = get(
        &base,
        "/api/auth/get-session",
        &[("authorization", &auth_header)],
    )
    .await;
    assert_eq!(status, 200);
    let session_jwt = jwt.expect("set-auth-jwt");

    // A trusted server issues Ann an API key with files:read; she exchanges it.
    let mut res = client
        .post(format!("{base}/api/auth/api-key/create"))
        .insert_header(("x-latchkey-server-secret", SERVER_SECRET))
        .send_json(&json!({"userId": user_id, "permissions": {"files": ["read"]}}))
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let key = res.json::<Value>().await.unwrap()["key"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut res = client
        .post(format!("{base}/api/auth/api-key/token"))
        .insert_header(("x-api-key", key))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let key_jwt = res.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();

    // The example service, verifying against the running latchkey.
    let verifier = web::Data::new(latchkey_example_jwt_verifier::verifier(&base, &base));
    let service = init_service(
        App::new()
            .app_data(verifier)
            .configure(latchkey_example_jwt_verifier::routes),
    )
    .await;
    let call = |path: &'static str, token: Option<String>| {
        let mut req = TestRequest::get().uri(path);
        if let Some(t) = token {
            req = req.insert_header(("authorization", format!("Bearer {t}")));
        }
        req.to_request()
    };
    let res = call_service(&service, call("/whoami", Some(session_jwt.clone()))).await;
    assert_eq!(res.status().as_u16(), 200);
    let body: Value = read_body_json(res).await;
    assert_eq!(body["sub"], json!(user_id));
    let res = call_service(&service, call("/files", Some(key_jwt))).await;
    assert_eq!(res.status().as_u16(), 200);
    let body: Value = read_body_json(res).await;
    assert_eq!(body["owner"], json!(user_id));
    // A session JWT is not an API-key JWT; no token is 401.
    let res = call_service(&service, call("/files", Some(session_jwt))).await;
    assert_eq!(res.status().as_u16(), 401);
    let res = call_service(&service, call("/whoami", None)).await;
    assert_eq!(res.status().as_u16(), 401);
    let body: Value = read_body_json(res).await;
    assert_eq!(body["code"], json!("MISSING_TOKEN"));

    stop.stop(false).await;
}
