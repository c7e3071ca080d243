//! latchkey's one error body: `{message, code, details?}`.

use utoipa::ToSchema;

/// Every error answer: a stable machine-readable `code` and a human
/// `message` (never containing a key, password or token). Each operation
/// lists, per status, the codes it can answer, with an example of each.
#[derive(ToSchema)]
#[schema(example = json!({"message": "API Key not found", "code": "KEY_NOT_FOUND"}))]
#[allow(dead_code)]
pub struct Error {
    /// Human-readable; validation errors list `[body.field] ...` issues joined by `; `.
    pub message: String,
    /// Stable code, e.g. `KEY_NOT_FOUND`, `VALIDATION_ERROR`, `RATE_LIMITED`.
    pub code: String,
    /// Only with `RATE_LIMITED`.
    #[schema(nullable = false)]
    pub details: Option<ErrorDetails>,
}

/// Extra facts about an error.
#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct ErrorDetails {
    /// Milliseconds until the rate-limit window resets.
    pub try_again_in: i64,
}
