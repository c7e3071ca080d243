//! Example values shown in the document (consistent ids across operations).

use serde_json::{json, Value};

/// A user id.
pub const USER_ID: &str = "N1pDg0a3cXk8sQ2vT7yW4zB6eH9jL5mR";
/// An API key id.
pub const KEY_ID: &str = "aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF";
/// A full API key (prefix + 64 letters).
pub const KEY: &str = "lk_hPqXzVbNmKjLwErTyUiOpAsDfGhJkLzXcVbNmQwErTyUiOpAsDfGhJkLzXcVbNmQwE";
/// A raw session token.
pub const TOKEN: &str = "sR4nD0mT0k3nV4lu3Xy12AbCdEfGhIjK";
/// A timestamp as latchkey writes them.
pub const AT: &str = "2026-01-15T09:30:00.000Z";

/// A user.
pub fn user() -> Value {
    json!({
        "id": USER_ID,
        "name": "Alice",
        "email": "alice@example.com",
        "emailVerified": false,
        "image": null,
        "createdAt": AT,
        "updatedAt": AT,
    })
}

/// A session.
pub fn session() -> Value {
    json!({
        "id": "Ss0Ss1Ss2Ss3Ss4Ss5Ss6Ss7Ss8Ss9Ss",
        "token": TOKEN,
        "userId": USER_ID,
        "expiresAt": "2026-01-22T09:30:00.000Z",
        "createdAt": AT,
        "updatedAt": AT,
        "ipAddress": "127.0.0.1",
        "userAgent": "curl/8.5.0",
    })
}

/// A key record (no secret).
pub fn api_key() -> Value {
    json!({
        "id": KEY_ID,
        "configId": "default",
        "name": "ci-deploy",
        "start": &KEY[..6],
        "referenceId": USER_ID,
        "userId": USER_ID,
        "prefix": "lk_",
        "refillInterval": null,
        "refillAmount": null,
        "lastRefillAt": null,
        "enabled": true,
        "rateLimitEnabled": true,
        "rateLimitTimeWindow": 86_400_000,
        "rateLimitMax": 10,
        "requestCount": 0,
        "usageCount": 0,
        "remaining": null,
        "lastRequest": null,
        "expiresAt": "2026-02-14T09:30:00.000Z",
        "createdAt": AT,
        "updatedAt": AT,
        "permissions": null,
        "metadata": {"team": "infra"},
    })
}

/// The answer of create: the record and the full key.
pub fn created_api_key() -> Value {
    let mut key = api_key();
    key["key"] = json!(KEY);
    key
}

/// A key a trusted server created with a budget, a refill and permissions.
pub fn server_api_key() -> Value {
    let mut key = api_key();
    key["remaining"] = json!(100);
    key["refillAmount"] = json!(100);
    key["refillInterval"] = json!(3_600_000);
    key["permissions"] = json!({"files": ["read", "write"]});
    key
}
