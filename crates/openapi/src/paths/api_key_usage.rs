//! The usage log's routes in crates/api-key/src/routes.rs: a key's recent
//! requests and the caller's figures.

use latchkey_api_key::ApiKeyError;
use serde_json::json;

use super::api_key::paging;
use super::SESSION;
use crate::errors::{self, of};
use crate::examples;
use crate::op::{schema_ref, string, Op};
use crate::schemas::api_key_usage::{ApiKeyStats, UsagePage};

const TAG: &str = "API keys";

/// The usage-log operations.
pub fn operations() -> Vec<Op> {
    vec![usage(), stats()]
}

fn usage() -> Op {
    let op = Op::get(
        "/api-key/usage",
        "listApiKeyUsage",
        TAG,
        "A key's recent requests",
    )
    .description(
        "The requests one of the caller's keys got admitted on routes a host application \
         wraps in the usage log, newest first. The log is written in batches off the \
         request path (about two seconds behind, by default) and pruned after the \
         retention (`--api-key-usage-retention-days`). Another user's key answers 404 \
         `KEY_NOT_FOUND`, as a missing one.",
    )
    .security(SESSION)
    .query(
        "keyId",
        true,
        string(),
        "The key's id.",
        Some(json!(examples::KEY_ID)),
    );
    paging(op)
        .ok(
            "The page.",
            schema_ref::<UsagePage>(),
            json!({
                "usage": [{
                    "id": 42,
                    "keyId": examples::KEY_ID,
                    "method": "GET",
                    "path": "/api/reports",
                    "status": 200,
                    "durationMs": 3,
                    "createdAt": examples::AT,
                }],
                "total": 1,
                "page": 1,
                "size": 10,
            }),
        )
        .errors([
            errors::query("[query.size] Too big: expected number to be <=100"),
            errors::unauthorized(),
            of([ApiKeyError::KeyNotFound]),
            errors::key_session(),
            errors::unavailable(),
        ])
}

fn stats() -> Op {
    Op::get(
        "/api-key/stats",
        "getApiKeyStats",
        TAG,
        "The caller's usage figures",
    )
    .description(
        "Active keys (enabled and not expired); calls, success rate (status below 400) \
         and mean response time from the usage log; and per key its `usageCount` \
         (every admitted verify over the key's life, kept by verification) and its \
         `lastRequest` as `lastUsed`, beside its logged calls.",
    )
    .security(SESSION)
    .ok(
        "The figures.",
        schema_ref::<ApiKeyStats>(),
        json!({
            "activeApiKeys": 1,
            "totalApiCalls": 100,
            "apiUsage": {"successRate": 95.0, "avgResponseTimeMs": 3.25},
            "apiKeys": [{
                "id": examples::KEY_ID,
                "name": "ci-deploy",
                "enabled": true,
                "active": true,
                "usageCount": 100,
                "lastUsed": examples::AT,
                "calls": 100,
                "successRate": 95.0,
                "avgResponseTimeMs": 3.25,
            }],
        }),
    )
    .errors([
        errors::unauthorized(),
        errors::key_session(),
        errors::unavailable(),
    ])
}
