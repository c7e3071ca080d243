//! crates/session/src/routes.rs.

use latchkey_session::AuthError;
use serde_json::json;
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, OneOfBuilder, Schema, Type};
use utoipa::openapi::RefOr;

use super::{OPTIONAL_SESSION, PUBLIC, SESSION};
use crate::errors::{self, of};
use crate::examples;
use crate::op::{schema_ref, Op};
use crate::schemas::session::*;

const TAG: &str = "Sessions";

const SET_AUTH_TOKEN: &str =
    "The signed session token: send it as `Authorization: Bearer <value>`. \
     The same value is set in the `better-auth.session_token` cookie.";

/// The session operations.
pub fn operations() -> Vec<Op> {
    vec![
        sign_up(),
        sign_in(),
        get_session(),
        sign_out(),
        list_sessions(),
        revoke_session(),
        revoke_other_sessions(),
        ok(),
        ready(),
    ]
}

fn sign_up() -> Op {
    Op::post(
        "/sign-up/email",
        "signUpEmail",
        TAG,
        "Create a user and sign in",
    )
    .description(
        "Creates a user with an e-mail and password and opens a session. The signed \
             token for `Authorization: Bearer` is in the `set-auth-token` header.",
    )
    .security(PUBLIC)
    .body::<SignUpRequest>(
        true,
        json!({"name": "Alice", "email": "alice@example.com", "password": "correct-horse-42"}),
    )
    .ok(
        "Signed up and signed in.",
        schema_ref::<SignUpResponse>(),
        json!({"token": examples::TOKEN, "user": examples::user()}),
    )
    .ok_header("set-auth-token", SET_AUTH_TOKEN)
    .errors([
        errors::json_body("[body.email] Invalid email address"),
        of([
            AuthError::PasswordTooShort,
            AuthError::PasswordTooLong,
            AuthError::UserAlreadyExists,
        ]),
        errors::origin(),
        errors::unavailable(),
    ])
}

fn sign_in() -> Op {
    Op::post(
        "/sign-in/email",
        "signInEmail",
        TAG,
        "Sign in with e-mail and password",
    )
    .description(
        "Opens a session. The signed token for `Authorization: Bearer` is in the \
             `set-auth-token` header. A wrong password and an unknown e-mail answer alike.",
    )
    .security(PUBLIC)
    .body::<SignInRequest>(
        true,
        json!({"email": "alice@example.com", "password": "correct-horse-42"}),
    )
    .ok(
        "Signed in.",
        schema_ref::<SignInResponse>(),
        json!({"redirect": false, "token": examples::TOKEN, "user": examples::user()}),
    )
    .ok_header("set-auth-token", SET_AUTH_TOKEN)
    .errors([
        errors::json_body("[body.password] Invalid input: expected string, received undefined"),
        of([AuthError::InvalidEmailOrPassword]),
        errors::origin(),
        errors::unavailable(),
    ])
}

fn get_session() -> Op {
    let nullable = OneOfBuilder::new()
        .item(schema_ref::<SessionAndUser>())
        .item(ObjectBuilder::new().schema_type(Type::Null))
        .build();
    Op::get("/get-session", "getSession", TAG, "The caller's session")
        .description(
            "The current session and its user, or JSON `null` when there is none (never \
             401). A session older than a day gets its expiry pushed forward. With the jwt \
             plugin, the answer carries the session's JWT in the `set-auth-jwt` header.",
        )
        .security(OPTIONAL_SESSION)
        .ok(
            "The session and user, or `null`.",
            RefOr::T(Schema::OneOf(nullable)),
            json!({"session": examples::session(), "user": examples::user()}),
        )
        .ok_header(
            "set-auth-jwt",
            "A JWT for the session's user (when signed in).",
        )
        .errors([errors::key_session(), errors::unavailable()])
}

fn sign_out() -> Op {
    Op::post("/sign-out", "signOut", TAG, "End the caller's session")
        .description(
            "Deletes the session named by the bearer token or cookie and expires the cookies. \
             Without any session token: 400 `FAILED_TO_GET_SESSION`.",
        )
        .security(OPTIONAL_SESSION)
        .ok(
            "Signed out.",
            schema_ref::<Success>(),
            json!({"success": true}),
        )
        .errors([
            of([AuthError::FailedToGetSession]),
            errors::key_session(),
            errors::origin(),
            errors::unavailable(),
        ])
}

fn list_sessions() -> Op {
    let list = ArrayBuilder::new().items(schema_ref::<Session>()).build();
    Op::get(
        "/list-sessions",
        "listSessions",
        TAG,
        "The caller's live sessions",
    )
    .description(
        "Other sessions show their stored token form (latchkey keeps only a digest); \
             it names the session for `revoke-session`.",
    )
    .security(SESSION)
    .ok("The sessions.", list.into(), json!([examples::session()]))
    .errors([
        errors::unauthorized(),
        errors::key_session(),
        errors::unavailable(),
    ])
}

fn revoke_session() -> Op {
    Op::post(
        "/revoke-session",
        "revokeSession",
        TAG,
        "Revoke one of the caller's sessions",
    )
    .description("Answers `{status: true}` whether or not the token named a session.")
    .security(SESSION)
    .body::<RevokeSessionRequest>(true, json!({"token": examples::TOKEN}))
    .ok("Revoked.", schema_ref::<Status>(), json!({"status": true}))
    .errors([
        errors::json_body("[body.token] Invalid input: expected string, received undefined"),
        errors::unauthorized(),
        errors::key_session(),
        errors::origin(),
        errors::unavailable(),
    ])
}

fn revoke_other_sessions() -> Op {
    Op::post(
        "/revoke-other-sessions",
        "revokeOtherSessions",
        TAG,
        "Revoke every session of the caller but the current one",
    )
    .security(SESSION)
    .ok("Revoked.", schema_ref::<Status>(), json!({"status": true}))
    .errors([
        errors::unauthorized(),
        errors::key_session(),
        errors::origin(),
        errors::unavailable(),
    ])
}

fn ok() -> Op {
    Op::get("/ok", "ok", "Health", "Liveness")
        .description("`{ok: true}` while the process serves.")
        .security(PUBLIC)
        .ok("Alive.", schema_ref::<Liveness>(), json!({"ok": true}))
}

fn ready() -> Op {
    Op::get("/ready", "ready", "Health", "Readiness")
        .description("`{ready: true}` when the database answers a query, else 503.")
        .security(PUBLIC)
        .ok("Ready.", schema_ref::<Readiness>(), json!({"ready": true}))
        .errors([errors::unavailable()])
}
