//! A database written by better-auth keeps working under latchkey: its
//! users sign in with their scrypt passwords (moved to bcrypt on the way),
//! and its raw-token sessions are accepted.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use actix_web::http::StatusCode;
use common::{both_backends, TEST_SECRET};
use diesel::prelude::*;
use latchkey_session::db::models::{Account, Session, User};
use latchkey_session::db::queries::{accounts, sessions, users};
use latchkey_session::db::schema::accounts as accounts_table;
use latchkey_session::db::Backend;
use latchkey_session::tokens::SessionToken;
use serde_json::json;
use time::Duration;

/// better-auth's hash of "correct-horse-42" (scrypt, made with Node's crypto).
const BETTER_AUTH_HASH: &str = "8c6f5d0f3f0a4b9e2d1c7a6b5e4f3a2b:54243519392d636f7e20192e10a193d6ac1d5cabda4b7892f1c4ba0c8fd08a27d4c32cb21e769a26540164e999860680205865e292b8c7ac7270e8a9237350b5";

fn import_user(app: &common::TestApp) -> User {
    let now = app.clock_now();
    let user = User {
        id: "baUser000000000000000000000000001".into(),
        name: "Imported".into(),
        email: "imported@example.com".into(),
        email_verified: true,
        image: None,
        created_at: now,
        updated_at: now,
    };
    let account = Account {
        id: "baAccount0000000000000000000000001".into(),
        account_id: user.id.clone(),
        provider_id: "credential".into(),
        user_id: user.id.clone(),
        password: Some(BETTER_AUTH_HASH.into()),
        created_at: now,
        updated_at: now,
    };
    let mut conn = app.db.pool.get().unwrap();
    users::insert(&mut conn, &user).unwrap();
    accounts::insert(&mut conn, &account).unwrap();
    user
}

both_backends!(
    better_auth_passwords_sign_in_and_move_to_bcrypt,
    |backend: Backend| async move {
        let app = test_app!(backend);
        let user = import_user(&app);
        let body = json!({"email": "imported@example.com", "password": "correct-horse-42"});
        let wrong = app
            .post(
                "/api/auth/sign-in/email",
                None,
                json!({"email": "imported@example.com", "password": "correct-horse-43"}),
            )
            .await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
        let first = app
            .post("/api/auth/sign-in/email", None, body.clone())
            .await;
        assert_eq!(first.status, StatusCode::OK, "{}", first.text);
        assert_eq!(first.json["user"]["id"], json!(user.id));
        let stored: Option<String> = accounts_table::table
            .filter(accounts_table::user_id.eq(&user.id))
            .select(accounts_table::password)
            .first(&mut app.db.pool.get().unwrap())
            .unwrap();
        assert!(
            stored.unwrap().starts_with("$2"),
            "the scrypt hash was replaced by bcrypt"
        );
        let again = app.post("/api/auth/sign-in/email", None, body).await;
        assert_eq!(again.status, StatusCode::OK);
    }
);

both_backends!(
    better_auth_raw_token_sessions_are_accepted,
    |backend: Backend| async move {
        let app = test_app!(backend);
        let user = import_user(&app);
        let now = app.clock_now();
        // better-auth stores the raw token in `session.token`.
        let token = SessionToken::generate();
        let session = Session {
            id: "baSession000000000000000000000001".into(),
            expires_at: now + Duration::days(7),
            token: token.expose().to_owned(),
            created_at: now,
            updated_at: now,
            ip_address: None,
            user_agent: None,
            user_id: user.id.clone(),
        };
        sessions::insert(&mut app.db.pool.get().unwrap(), &session).unwrap();
        for bearer in [token.expose().to_owned(), token.signed(TEST_SECRET)] {
            let answer = app.get("/api/auth/get-session", Some(&bearer)).await;
            assert_eq!(answer.json["user"]["id"], json!(user.id), "{bearer}");
            assert_eq!(answer.json["session"]["token"], json!(token.expose()));
        }
    }
);
