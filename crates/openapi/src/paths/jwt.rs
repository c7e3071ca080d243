//! crates/jwt/src/routes.rs.

use serde_json::json;

use super::{PUBLIC, SESSION};
use crate::errors;
use crate::examples;
use crate::op::{schema_ref, Op};
use crate::schemas::jwt::{ApiKeyJwt, Jwks, SessionJwt};

const TAG: &str = "JWT";
const JWT: &str = "eyJhbGciOiJFZERTQSIsImtpZCI6IjEyMyJ9.eyJzdWIiOiJOMXBEZzBhMyJ9.c2lnbmF0dXJl";

/// The jwt operations.
pub fn operations() -> Vec<Op> {
    vec![token(), jwks(), api_key_token()]
}

fn token() -> Op {
    Op::get("/token", "getToken", TAG, "A JWT for the signed-in user")
        .security(SESSION)
        .ok(
            "The JWT.",
            schema_ref::<SessionJwt>(),
            json!({"token": JWT}),
        )
        .errors([
            errors::unauthorized(),
            errors::key_session(),
            errors::unavailable(),
        ])
}

fn jwks() -> Op {
    Op::get("/jwks", "getJwks", TAG, "The JWK set")
        .description("The public keys that verify latchkey's JWTs (retired keys stay during their grace period).")
        .security(PUBLIC)
        .ok(
            "The JWK set.",
            schema_ref::<Jwks>(),
            json!({"keys": [{"alg": "EdDSA", "crv": "Ed25519", "x": "wax6K7V9Ey9_t5TS1zZxNQraSBglJ2SS0gwsNfKU6hk", "kty": "OKP", "kid": "k1"}]}),
        )
        .errors([errors::unavailable()])
}

fn api_key_token() -> Op {
    Op::post(
        "/api-key/token",
        "exchangeApiKey",
        TAG,
        "Exchange an API key for a JWT",
    )
    .description(
        "The key in `x-api-key` is verified and charged once, exactly as a verify, and \
             exchanged for a short-lived JWT (never outliving the key). No body.",
    )
    .security(&[&["apiKey"]])
    .ok(
        "The JWT.",
        schema_ref::<ApiKeyJwt>(),
        json!({"token": JWT, "expiresAt": examples::AT}),
    )
    .errors([
        errors::key_required(),
        errors::origin(),
        errors::unavailable(),
    ])
}
