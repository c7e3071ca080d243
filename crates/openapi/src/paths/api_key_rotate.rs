//! `POST /api-key/rotate` (crates/api-key/src/routes.rs), latchkey's rotation
//! that keeps the id.

use latchkey_api_key::ApiKeyError;
use serde_json::{json, Value};

use crate::errors::{self, of};
use crate::examples;
use crate::op::{schema_ref, Op};
use crate::schemas::api_key::RotatedApiKey;
use crate::schemas::api_key_requests::RotateApiKeyRequest;

/// A rotated key: the record with its new `start`, the new key, and the
/// end of the old key's grace period.
pub fn rotated_api_key() -> Value {
    let mut key = examples::api_key();
    let new_key = "lk_QwErTyUiOpAsDfGhJkLzXcVbNmQwErTyUiOpAsDfGhJkLzXcVbNmQwErTyUiOpAsDf";
    key["start"] = json!(&new_key[..6]);
    key["key"] = json!(new_key);
    key["updatedAt"] = json!("2026-01-20T12:00:00.000Z");
    key["previousKeyExpiresAt"] = json!("2026-01-20T13:00:00.000Z");
    key
}

/// The rotate operation.
pub fn rotate() -> Op {
    Op::post(
        "/api-key/rotate",
        "rotateApiKey",
        "API keys",
        "Give one of the caller's keys a new secret",
    )
    .description(
        "latchkey (not in better-auth): a new secret for the same key. The id, name, \
         prefix, metadata, permissions, counters and rate-limit windows stay; `start` \
         changes, and the new full `key` is in this answer only. Without `gracePeriod` the \
         old key stops verifying at once; with one (seconds, at most 30 days) both verify \
         until `previousKeyExpiresAt`, then only the new one. A rotation is one atomic \
         statement: a concurrent verify sees the key wholly before or after it. Another \
         user's key is 404 `KEY_NOT_FOUND`; a trusted server may rotate any user's key, \
         naming its `userId`.",
    )
    .security(&[
        &["bearerAuth"],
        &["sessionCookie"],
        &["apiKey"],
        &["serverSecret"],
        &["serverSecret", "bearerAuth"],
    ])
    .body::<RotateApiKeyRequest>(
        true,
        json!({"keyId": examples::KEY_ID, "gracePeriod": 3600}),
    )
    .ok(
        "The key with its new secret.",
        schema_ref::<RotatedApiKey>(),
        rotated_api_key(),
    )
    .errors([
        errors::json_body("[body.gracePeriod] Too big: expected number to be <=2592000"),
        of([ApiKeyError::UnauthorizedSession, ApiKeyError::KeyNotFound]),
        errors::wrong_server_credential(),
        errors::key_session(),
        errors::origin(),
        errors::unavailable(),
    ])
}
