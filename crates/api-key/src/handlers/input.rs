//! Request bodies of create, update and delete, checked like better-auth's
//! schemas (every issue at once, `[body.field] ...`), and the rules on who
//! may act for whom (session, server credential, `userId`).

use latchkey_session::body::{Field, JsonBody, Validator};
use serde_json::Value;

use crate::error::ApiKeyError;
use crate::permissions;
use crate::rate_limits::rate_limits_field;
use crate::server_auth::Caller;
use crate::service::manage::{prefix_format_ok, KeyChanges, NewKeyInput, PREFIX_FORMAT};

/// A checked create body.
#[derive(Debug, Clone)]
pub struct CreateRequest {
    /// The key to create (its `owner` is set by [`create_owner`]).
    pub input: NewKeyInput,
    /// The `userId` field, if sent.
    pub user_id: Option<String>,
    /// Whether a server-only field was sent (`remaining` only when not null).
    pub uses_server_only: bool,
}

/// A checked update body.
#[derive(Debug, Clone)]
pub struct UpdateRequest {
    /// The key to change.
    pub key_id: String,
    /// What to change.
    pub changes: KeyChanges,
    /// The `userId` field, if sent.
    pub user_id: Option<String>,
    /// Whether a server-only field was sent.
    pub uses_server_only: bool,
}

/// `String(value)` in JavaScript, as zod's `z.coerce.string()` does it.
fn js_string(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 1e21 => format!("{}", f as i64),
            _ => n.to_string(),
        },
        Value::Array(items) => items
            .iter()
            .map(|item| match item {
                Value::Null => String::new(),
                other => js_string(other),
            })
            .collect::<Vec<_>>()
            .join(","),
        Value::Object(_) => "[object Object]".to_owned(),
        other => other.to_string(),
    }
}

/// `z.coerce.string().optional()`.
fn coerced_string(v: &Validator<'_>, field: &str) -> Option<String> {
    match v.raw(field) {
        Field::Absent => None,
        Field::Null => Some("null".to_owned()),
        Field::Value(value) => Some(js_string(value)),
    }
}

/// Narrows a number to the integer columns' type.
fn int(v: &mut Validator<'_>, field: &str, found: Field<f64>) -> Field<i32> {
    match found {
        Field::Value(n) if n.fract() != 0.0 || !n.is_finite() => {
            v.issue(field, "Invalid input: expected int, received number");
            Field::Absent
        }
        Field::Value(n) if n > f64::from(i32::MAX) => {
            v.issue(
                field,
                format!("Too big: expected number to be <={}", i32::MAX),
            );
            Field::Absent
        }
        Field::Value(n) if n < f64::from(i32::MIN) => {
            v.issue(
                field,
                format!("Too small: expected number to be >={}", i32::MIN),
            );
            Field::Absent
        }
        Field::Value(n) => Field::Value(n as i32),
        Field::Null => Field::Null,
        Field::Absent => Field::Absent,
    }
}

fn int_field(v: &mut Validator<'_>, field: &str, min: Option<f64>) -> Option<i32> {
    let found = v.number(field, min);
    int(v, field, found).value()
}

/// Checks `permissions` (a record of string arrays); `null` is an issue
/// unless `nullable`, in which case it is `Some(None)`.
fn permissions_field(
    v: &mut Validator<'_>,
    nullable: bool,
) -> Option<Option<permissions::Permissions>> {
    match v.raw("permissions") {
        Field::Absent => None,
        Field::Null if nullable => Some(None),
        Field::Null => permissions::parse(v, "permissions", &Value::Null).map(Some),
        Field::Value(value) => permissions::parse(v, "permissions", value).map(Some),
    }
}

/// Checks a create body, in the order of better-auth's schema.
pub fn parse_create(body: &JsonBody) -> Result<CreateRequest, ApiKeyError> {
    let mut v = Validator::body(body);
    let _config_id = v.string("configId");
    let name = v.string("name").value();
    let expires_in = v.nullable_number("expiresIn", Some(1.0)).value();
    let prefix = v.string("prefix").value();
    if let Some(p) = prefix.as_deref() {
        if !prefix_format_ok(p) {
            v.issue("prefix", PREFIX_FORMAT);
        }
    }
    let found = v.nullable_number("remaining", Some(0.0));
    let remaining = int(&mut v, "remaining", found);
    let metadata = match v.raw("metadata") {
        Field::Absent => None,
        Field::Null => Some(Value::Null),
        Field::Value(value) => Some(value.clone()),
    };
    let refill_amount = int_field(&mut v, "refillAmount", Some(1.0));
    let refill_interval = int_field(&mut v, "refillInterval", None);
    let rate_limit_time_window = int_field(&mut v, "rateLimitTimeWindow", None);
    let rate_limit_max = int_field(&mut v, "rateLimitMax", None);
    let rate_limit_enabled = v.boolean("rateLimitEnabled").value();
    let rate_limits = rate_limits_field(&mut v, "rateLimits");
    let permissions = permissions_field(&mut v, false).flatten();
    let user_id = coerced_string(&v, "userId");
    let _organization_id = coerced_string(&v, "organizationId");
    v.finish()?;
    let uses_server_only = [
        "refillAmount",
        "refillInterval",
        "rateLimitMax",
        "rateLimitTimeWindow",
        "rateLimitEnabled",
        "rateLimits",
        "permissions",
    ]
    .iter()
    .any(|f| body.0.contains_key(*f))
        || matches!(remaining, Field::Value(_));
    Ok(CreateRequest {
        input: NewKeyInput {
            owner: String::new(),
            name,
            expires_in,
            prefix,
            metadata,
            remaining: remaining.value(),
            refill_amount,
            refill_interval,
            rate_limit_enabled,
            rate_limit_time_window,
            rate_limit_max,
            rate_limits,
            permissions,
        },
        user_id,
        uses_server_only,
    })
}

/// Who a created key belongs to. A client may not send server-only fields
/// (400) nor any `userId` (401) and needs a session; a trusted server acts
/// for its session's user or for `userId` (and the two must agree).
pub fn create_owner(
    caller: Caller,
    session_user: Option<&str>,
    request: &CreateRequest,
) -> Result<String, ApiKeyError> {
    match caller {
        Caller::Client => {
            if request.uses_server_only {
                return Err(ApiKeyError::ServerOnlyProperty);
            }
            if request.user_id.is_some() {
                return Err(ApiKeyError::UnauthorizedSession);
            }
            session_user
                .map(str::to_owned)
                .ok_or(ApiKeyError::UnauthorizedSession)
        }
        Caller::Server => server_owner(session_user, request.user_id.as_deref()),
    }
}

/// The owner a trusted server acts for: its session's user or `userId`
/// (the two must agree).
pub(crate) fn server_owner(
    session_user: Option<&str>,
    user_id: Option<&str>,
) -> Result<String, ApiKeyError> {
    match (session_user, user_id.filter(|u| !u.is_empty())) {
        (Some(session), Some(user)) if session != user => Err(ApiKeyError::UnauthorizedSession),
        (Some(owner), _) | (None, Some(owner)) => Ok(owner.to_owned()),
        (None, None) => Err(ApiKeyError::UnauthorizedSession),
    }
}

/// Checks an update body, in the order of better-auth's schema.
pub fn parse_update(body: &JsonBody) -> Result<UpdateRequest, ApiKeyError> {
    let mut v = Validator::body(body);
    let _config_id = v.string("configId");
    let key_id = v.required_string("keyId");
    let user_id = coerced_string(&v, "userId");
    let name = v.string("name").value();
    let enabled = v.boolean("enabled").value();
    let remaining = int_field(&mut v, "remaining", Some(1.0));
    // As on create: a refill of nothing would admit a used-up key.
    let refill_amount = int_field(&mut v, "refillAmount", Some(1.0));
    let refill_interval = int_field(&mut v, "refillInterval", None);
    let metadata = match v.raw("metadata") {
        Field::Absent => None,
        Field::Null => Some(Value::Null),
        Field::Value(value) => Some(value.clone()),
    };
    let expires_in = match v.nullable_number("expiresIn", Some(1.0)) {
        Field::Absent => None,
        Field::Null => Some(None),
        Field::Value(seconds) => Some(Some(seconds)),
    };
    let rate_limit_enabled = v.boolean("rateLimitEnabled").value();
    let rate_limit_time_window = int_field(&mut v, "rateLimitTimeWindow", None);
    let rate_limit_max = int_field(&mut v, "rateLimitMax", None);
    let rate_limits = rate_limits_field(&mut v, "rateLimits");
    let permissions = permissions_field(&mut v, true);
    v.finish()?;
    let uses_server_only = [
        "refillAmount",
        "refillInterval",
        "rateLimitMax",
        "rateLimitTimeWindow",
        "rateLimitEnabled",
        "rateLimits",
        "remaining",
        "permissions",
    ]
    .iter()
    .any(|f| body.0.contains_key(*f));
    Ok(UpdateRequest {
        key_id: key_id.unwrap_or_default(),
        changes: KeyChanges {
            name,
            enabled,
            expires_in,
            metadata,
            remaining,
            refill_amount,
            refill_interval,
            rate_limit_enabled,
            rate_limit_time_window,
            rate_limit_max,
            rate_limits,
            permissions,
        },
        user_id,
        uses_server_only,
    })
}

/// Whose key an update changes: a client needs a session (its own
/// `userId` may be repeated, another is 401) and may not send server-only
/// fields; a trusted server acts for its session's user or for `userId`.
pub fn update_owner(
    caller: Caller,
    session_user: Option<&str>,
    request: &UpdateRequest,
) -> Result<String, ApiKeyError> {
    let owner = match caller {
        Caller::Client => {
            let owner = session_user.ok_or(ApiKeyError::UnauthorizedSession)?;
            let other = request
                .user_id
                .as_deref()
                .filter(|u| !u.is_empty() && *u != owner);
            if other.is_some() {
                return Err(ApiKeyError::UnauthorizedSession);
            }
            owner.to_owned()
        }
        Caller::Server => server_owner(session_user, request.user_id.as_deref())?,
    };
    if caller == Caller::Client && request.uses_server_only {
        return Err(ApiKeyError::ServerOnlyProperty);
    }
    Ok(owner)
}

/// Checks a delete body: `{keyId, configId?}`.
pub fn parse_delete(body: &JsonBody) -> Result<String, ApiKeyError> {
    let mut v = Validator::body(body);
    let _config_id = v.string("configId");
    let key_id = v.required_string("keyId");
    v.finish()?;
    Ok(key_id.unwrap_or_default())
}
