//! crates/api-key/src/routes.rs.

use latchkey_api_key::db::queries::keys::SortColumn;
use latchkey_api_key::ApiKeyError;
use serde_json::json;
use utoipa::openapi::schema::{ObjectBuilder, Type};

use super::SESSION;
use crate::errors::{self, of};
use crate::examples;
use crate::op::{schema_ref, string, Op};
use crate::schemas::api_key::{ApiKey, ApiKeyList, CreatedApiKey};
use crate::schemas::api_key_requests::*;
use crate::schemas::server::*;
use crate::schemas::session::Success;

const TAG: &str = "API keys";
const SERVER_TAG: &str = "Trusted servers";

/// Signed-in callers, or a trusted server (alone, or acting with a session).
const SESSION_OR_SERVER: &[&[&str]] = &[
    &["bearerAuth"],
    &["sessionCookie"],
    &["apiKey"],
    &["serverSecret"],
    &["serverSecret", "bearerAuth"],
];

/// The API-key operations.
pub fn operations() -> Vec<Op> {
    vec![
        create(),
        get(),
        list(),
        update(),
        delete(),
        super::api_key_rotate::rotate(),
        verify(),
        delete_expired(),
    ]
}

fn create() -> Op {
    Op::post("/api-key/create", "createApiKey", TAG, "Create an API key")
        .description(
            "Creates a key for the signed-in user and answers it with the full `key`, shown \
             this once. A trusted server (`x-latchkey-server-secret`) may also set the \
             server-only fields and name any `userId` as the owner. A client sending a \
             server-only field gets 400 `SERVER_ONLY_PROPERTY`. With \
             `--api-key-max-keys-per-user`, an owner who already has that many keys (of any \
             state, until deleted) gets 403 `KEY_LIMIT_REACHED`, exactly even under \
             concurrent creates.",
        )
        .security(SESSION_OR_SERVER)
        .body::<CreateApiKeyRequest>(
            false,
            json!({"name": "ci-deploy", "prefix": "lk_", "expiresIn": 2_592_000, "metadata": {"team": "infra"}}),
        )
        .ok(
            "The new key, with its secret.",
            schema_ref::<CreatedApiKey>(),
            examples::created_api_key(),
        )
        .ok_link("GetCreatedKey", "getApiKey", &[("id", "$response.body#/id")], None)
        .ok_link(
            "UpdateCreatedKey",
            "updateApiKey",
            &[],
            Some(json!({"keyId": "$response.body#/id", "name": "renamed"})),
        )
        .ok_link(
            "DeleteCreatedKey",
            "deleteApiKey",
            &[],
            Some(json!({"keyId": "$response.body#/id"})),
        )
        .errors([
            errors::json_body("[body.name] Invalid input: expected string, received number"),
            of([
                ApiKeyError::ServerOnlyProperty,
                ApiKeyError::InvalidMetadataType,
                ApiKeyError::MetadataDisabled,
                ApiKeyError::RefillAmountAndIntervalRequired,
                ApiKeyError::RefillIntervalAndAmountRequired,
                ApiKeyError::ExpiresInTooSmall,
                ApiKeyError::ExpiresInTooLarge,
                ApiKeyError::KeyDisabledExpiration,
                ApiKeyError::InvalidPrefixLength,
                ApiKeyError::InvalidNameLength,
                ApiKeyError::NameRequired,
                ApiKeyError::UnauthorizedSession,
                ApiKeyError::KeyLimitReached { max: 5 },
            ]),
            errors::wrong_server_credential(),
            errors::key_session(),
            errors::origin(),
            errors::unavailable(),
        ])
}

fn get() -> Op {
    Op::get("/api-key/get", "getApiKey", TAG, "One of the caller's keys")
        .description(
            "The key record without its secret. Another user's key answers 404 \
             `KEY_NOT_FOUND`, exactly as a missing one.",
        )
        .security(SESSION)
        .query(
            "id",
            true,
            string(),
            "The key's id.",
            Some(json!(examples::KEY_ID)),
        )
        .query("configId", false, string(), "Accepted and ignored.", None)
        .ok("The key.", schema_ref::<ApiKey>(), examples::api_key())
        .errors([
            errors::query("[query.id] Invalid input: expected string, received undefined"),
            errors::unauthorized(),
            of([ApiKeyError::KeyNotFound]),
            errors::key_session(),
            errors::unavailable(),
        ])
}

fn count() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(0))
        .into()
}

/// `page` (from 1) and `size` (1 to 100) query parameters.
pub fn paging(op: Op) -> Op {
    let page: utoipa::openapi::RefOr<_> = ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(1))
        .into();
    let size: utoipa::openapi::RefOr<_> = ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(1))
        .maximum(Some(100))
        .into();
    // No `default`s: generated clients would then always send them, and an
    // absent page/size means something else (better-auth's answer).
    op.query(
        "page",
        false,
        page,
        "Page number, from 1 (1 when only `size` is given).",
        Some(json!(1)),
    )
    .query(
        "size",
        false,
        size,
        "Page size (10 when only `page` is given).",
        Some(json!(10)),
    )
}

fn list() -> Op {
    let columns: Vec<&str> = SortColumn::ALL.iter().map(|(name, _)| *name).collect();
    let sort_by = ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(columns))
        .into();
    let direction = ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(["asc", "desc"]))
        .default(Some(json!("asc")))
        .into();
    let op = Op::get("/api-key/list", "listApiKeys", TAG, "The caller's keys")
        .description(
            "A page of the caller's keys (never their secrets), sorted and paged by the \
             database. `limit` and `offset` are echoed when given. Without `sortBy` the \
             order is unspecified. (`organizationId` is refused with 500 \
             `ORGANIZATION_PLUGIN_REQUIRED`, as better-auth without its organization plugin.) \
             latchkey also takes `page`/`size` (answered instead of `limit`/`offset`, with \
             which they cannot be combined) and the filters `enabled`, `expired` and \
             `namePrefix`; `total` counts the keys that pass the filters.",
        )
        .security(SESSION)
        .query("limit", false, count(), "Page size.", Some(json!(20)))
        .query("offset", false, count(), "Keys to skip.", Some(json!(0)))
        .query(
            "sortBy",
            false,
            sort_by,
            "Sort column.",
            Some(json!("createdAt")),
        )
        .query(
            "sortDirection",
            false,
            direction,
            "Sort direction (with `sortBy`).",
            Some(json!("desc")),
        )
        .query(
            "configId",
            false,
            string(),
            "Only keys of this configuration.",
            None,
        );
    let flag = || -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(["true", "false"]))
            .into()
    };
    paging(op)
        .query(
            "enabled",
            false,
            flag(),
            "latchkey: only enabled (`true`) or disabled (`false`) keys.",
            None,
        )
        .query(
            "expired",
            false,
            flag(),
            "latchkey: only expired (`true`) or unexpired (`false`) keys.",
            None,
        )
        .query(
            "namePrefix",
            false,
            string(),
            "latchkey: only keys whose name starts with this (case-sensitive).",
            Some(json!("ci-")),
        )
        .ok(
            "The page.",
            schema_ref::<ApiKeyList>(),
            json!({"apiKeys": [examples::api_key()], "total": 1, "limit": 20, "offset": 0}),
        )
        .errors([
            errors::query("[query.limit] Too small: expected number to be >=0"),
            errors::unauthorized(),
            errors::key_session(),
            errors::unavailable(),
        ])
}

fn update() -> Op {
    Op::post(
        "/api-key/update",
        "updateApiKey",
        TAG,
        "Change one of the caller's keys",
    )
    .description(
        "Changes the fields given and answers the new record (without its secret). \
             Another user's key is 404 `KEY_NOT_FOUND` (checked before \"no values\"). \
             A trusted server may change any user's key (naming its `userId`) and the \
             server-only fields.",
    )
    .security(SESSION_OR_SERVER)
    .body::<UpdateApiKeyRequest>(
        true,
        json!({"keyId": examples::KEY_ID, "name": "renamed", "enabled": false}),
    )
    .ok(
        "The changed key.",
        schema_ref::<ApiKey>(),
        examples::api_key(),
    )
    .errors([
        errors::json_body("[body.keyId] Invalid input: expected string, received undefined"),
        of([
            ApiKeyError::ServerOnlyProperty,
            ApiKeyError::NoValuesToUpdate,
            ApiKeyError::InvalidMetadataType,
            ApiKeyError::RefillAmountAndIntervalRequired,
            ApiKeyError::RefillIntervalAndAmountRequired,
            ApiKeyError::ExpiresInTooSmall,
            ApiKeyError::ExpiresInTooLarge,
            ApiKeyError::KeyDisabledExpiration,
            ApiKeyError::UnauthorizedSession,
            ApiKeyError::KeyNotFound,
        ]),
        errors::wrong_server_credential(),
        errors::key_session(),
        errors::origin(),
        errors::unavailable(),
    ])
}

fn delete() -> Op {
    Op::post(
        "/api-key/delete",
        "deleteApiKey",
        TAG,
        "Delete one of the caller's keys",
    )
    .description("Another user's key is 404 `KEY_NOT_FOUND`, as a missing one.")
    .security(SESSION)
    .body::<DeleteApiKeyRequest>(true, json!({"keyId": examples::KEY_ID}))
    .ok(
        "Deleted.",
        schema_ref::<Success>(),
        json!({"success": true}),
    )
    .errors([
        errors::json_body("[body.keyId] Invalid input: expected string, received undefined"),
        errors::unauthorized(),
        of([ApiKeyError::KeyNotFound]),
        errors::key_session(),
        errors::origin(),
        errors::unavailable(),
    ])
}

fn verify() -> Op {
    Op::post(
        "/api-key/verify",
        "verifyApiKey",
        SERVER_TAG,
        "Verify a key",
    )
    .description(
        "Checks, in order: the key exists, configuration, enabled, not expired, \
             permissions, `remaining` (with refill), rate limit; an admitted key is charged \
             exactly once in one atomic statement, a refused one is charged nothing. A \
             refusal is a 200 with `valid: false` (better-auth's in-process answer).",
    )
    .security(&[&["serverSecret"]])
    .body::<VerifyApiKeyRequest>(
        true,
        json!({"key": examples::KEY, "permissions": {"files": ["read"]}}),
    )
    .ok(
        "The verdict.",
        schema_ref::<VerifyApiKeyResponse>(),
        json!({"valid": true, "error": null, "key": examples::server_api_key()}),
    )
    .errors([
        errors::json_body("[body.key] Invalid input: expected string, received undefined"),
        errors::server_only_route(),
        errors::origin(),
        errors::unavailable(),
    ])
}

fn delete_expired() -> Op {
    Op::post(
        "/api-key/delete-all-expired-api-keys",
        "deleteAllExpiredApiKeys",
        SERVER_TAG,
        "Delete every expired key",
    )
    .security(&[&["serverSecret"]])
    .ok(
        "Deleted.",
        schema_ref::<DeleteExpiredResponse>(),
        json!({"success": true, "error": null}),
    )
    .errors([
        errors::server_only_route(),
        errors::origin(),
        errors::unavailable(),
    ])
}
