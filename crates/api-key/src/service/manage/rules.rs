//! The individual checks of create and update, with better-auth's codes.
//! Lengths are counted in UTF-16 code units, as JavaScript's `.length`.

use latchkey_session::AuthError;
use serde::Serialize;
use serde_json::Value;
use time::PrimitiveDateTime;

use super::{KeyChanges, NewKeyInput};
use crate::db::queries::keys::ApiKeyChanges;
use crate::error::ApiKeyError;
use crate::options::ApiKeyOptions;
use crate::rate_limits::{self, RateWindow};

/// better-auth's message for a prefix outside `[a-zA-Z0-9_-]+`.
pub const PREFIX_FORMAT: &str =
    "Invalid prefix format, must be alphanumeric and contain only underscores and hyphens.";

/// Whether a prefix matches `^[a-zA-Z0-9_-]+$`.
pub fn prefix_format_ok(prefix: &str) -> bool {
    !prefix.is_empty()
        && prefix
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn js_len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// JavaScript truthiness (`if (metadata)`).
fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0 && !f.is_nan()),
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

/// Schema issues joined as better-auth does; `Ok` when there are none.
fn schema(issues: Vec<String>) -> Result<(), ApiKeyError> {
    if issues.is_empty() {
        Ok(())
    } else {
        Err(AuthError::Validation(issues.join("; ")).into())
    }
}

fn at_least(issues: &mut Vec<String>, field: &str, value: Option<f64>, min: i32) {
    if value.is_some_and(|v| v < f64::from(min)) {
        issues.push(format!(
            "[body.{field}] Too small: expected number to be >={min}"
        ));
    }
}

/// The request-schema checks of create, for callers of the Rust API (the
/// HTTP layer has made them already, with every issue of the body).
pub fn check_new_key_schema(input: &NewKeyInput) -> Result<(), ApiKeyError> {
    let mut issues = Vec::new();
    at_least(&mut issues, "expiresIn", input.expires_in, 1);
    if input
        .prefix
        .as_deref()
        .is_some_and(|p| !prefix_format_ok(p))
    {
        issues.push(format!("[body.prefix] {PREFIX_FORMAT}"));
    }
    at_least(&mut issues, "remaining", input.remaining.map(f64::from), 0);
    at_least(
        &mut issues,
        "refillAmount",
        input.refill_amount.map(f64::from),
        1,
    );
    window_issues(&mut issues, input.rate_limits.as_deref());
    schema(issues)
}

/// Issues of latchkey's windows, as the body check words them.
fn window_issues(issues: &mut Vec<String>, windows: Option<&[RateWindow]>) {
    for (path, message) in rate_limits::window_issues(windows.unwrap_or_default()) {
        issues.push(format!("[body.{path}] {message}"));
    }
}

/// The request-schema checks of update (see [`check_new_key_schema`]).
pub fn check_changes_schema(changes: &KeyChanges) -> Result<(), ApiKeyError> {
    let mut issues = Vec::new();
    at_least(
        &mut issues,
        "remaining",
        changes.remaining.map(f64::from),
        1,
    );
    at_least(&mut issues, "expiresIn", changes.expires_in.flatten(), 1);
    window_issues(&mut issues, changes.rate_limits.as_deref());
    schema(issues)
}

/// Metadata on create: ignored when falsy; refused when disabled or not an
/// object (arrays are objects in JavaScript); else its JSON text.
pub fn create_metadata(
    opts: &ApiKeyOptions,
    metadata: Option<&Value>,
) -> Result<Option<String>, ApiKeyError> {
    let Some(metadata) = metadata.filter(|m| truthy(m)) else {
        return Ok(None);
    };
    if !opts.enable_metadata {
        return Err(ApiKeyError::MetadataDisabled);
    }
    if !matches!(metadata, Value::Object(_) | Value::Array(_)) {
        return Err(ApiKeyError::InvalidMetadataType);
    }
    json_text(metadata).map(Some)
}

/// Create's refill rule: both or neither (a zero interval counts as none).
pub fn check_refill_pair_on_create(
    amount: Option<i32>,
    interval: Option<i32>,
) -> Result<(), ApiKeyError> {
    let amount = amount.is_some_and(|a| a != 0);
    let interval = interval.is_some_and(|i| i != 0);
    match (amount, interval) {
        (true, false) => Err(ApiKeyError::RefillAmountAndIntervalRequired),
        (false, true) => Err(ApiKeyError::RefillIntervalAndAmountRequired),
        _ => Ok(()),
    }
}

/// `expiresIn` (seconds) against the options, compared in days.
pub fn check_expires_in(opts: &ApiKeyOptions, seconds: f64) -> Result<(), ApiKeyError> {
    if opts.disable_custom_expires_time {
        return Err(ApiKeyError::KeyDisabledExpiration);
    }
    let days = seconds / 86_400.0;
    if days < opts.min_expires_in_days {
        Err(ApiKeyError::ExpiresInTooSmall)
    } else if days > opts.max_expires_in_days {
        Err(ApiKeyError::ExpiresInTooLarge)
    } else {
        Ok(())
    }
}

/// Prefix length bounds.
pub fn check_prefix_length(opts: &ApiKeyOptions, prefix: &str) -> Result<(), ApiKeyError> {
    let len = js_len(prefix);
    if len < opts.minimum_prefix_length || len > opts.maximum_prefix_length {
        Err(ApiKeyError::InvalidPrefixLength)
    } else {
        Ok(())
    }
}

/// Name length bounds.
pub fn check_name_length(opts: &ApiKeyOptions, name: &str) -> Result<(), ApiKeyError> {
    let len = js_len(name);
    if len < opts.minimum_name_length || len > opts.maximum_name_length {
        Err(ApiKeyError::InvalidNameLength)
    } else {
        Ok(())
    }
}

/// A value as the JSON text stored in a column.
pub fn json_text(value: &impl Serialize) -> Result<String, ApiKeyError> {
    serde_json::to_string(value).map_err(|e| {
        tracing::error!(error = %e, "cannot serialise a JSON column");
        ApiKeyError::Auth(AuthError::Internal)
    })
}

/// Update's checks, in better-auth's order, and the columns they change.
/// `expiry` turns seconds from now into the new `expiresAt`.
pub fn changeset(
    opts: &ApiKeyOptions,
    changes: KeyChanges,
    expiry: impl Fn(f64) -> Result<PrimitiveDateTime, ApiKeyError>,
) -> Result<ApiKeyChanges, ApiKeyError> {
    let mut set = ApiKeyChanges::default();
    if let Some(name) = changes.name {
        check_name_length(opts, &name)?;
        set.name = Some(Some(name));
    }
    set.enabled = changes.enabled.map(Some);
    if let Some(expires_in) = changes.expires_in {
        if opts.disable_custom_expires_time {
            return Err(ApiKeyError::KeyDisabledExpiration);
        }
        set.expires_at = Some(match expires_in {
            Some(seconds) => {
                check_expires_in(opts, seconds)?;
                Some(expiry(seconds)?)
            }
            None => None,
        });
    }
    if let Some(metadata) = changes.metadata.filter(|_| opts.enable_metadata) {
        set.metadata = Some(match metadata {
            Value::Null => None,
            Value::Object(_) | Value::Array(_) => Some(json_text(&metadata)?),
            _ => return Err(ApiKeyError::InvalidMetadataType),
        });
    }
    set.remaining = changes.remaining.map(Some);
    match (changes.refill_amount, changes.refill_interval) {
        (Some(_), None) => return Err(ApiKeyError::RefillAmountAndIntervalRequired),
        (None, Some(_)) => return Err(ApiKeyError::RefillIntervalAndAmountRequired),
        (amount, interval) => {
            set.refill_amount = amount.map(Some);
            set.refill_interval = interval.map(Some);
        }
    }
    set.rate_limit_enabled = changes.rate_limit_enabled.map(Some);
    set.rate_limit_time_window = changes.rate_limit_time_window.map(Some);
    set.rate_limit_max = changes.rate_limit_max.map(Some);
    set.rate_limits = changes
        .rate_limits
        .map(|windows| rate_limits::to_column(&windows));
    if let Some(permissions) = changes.permissions {
        set.permissions = Some(match permissions {
            Some(p) => Some(json_text(&p)?),
            None => None,
        });
    }
    Ok(set)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn prefix_format_is_better_auths_regex() {
        assert!(prefix_format_ok("lk_live-2"));
        assert!(!prefix_format_ok(""));
        assert!(!prefix_format_ok("bad prefix!"));
        assert!(!prefix_format_ok("ключ"));
    }

    #[test]
    fn lengths_count_utf16_units_like_javascript() {
        let opts = ApiKeyOptions::default();
        assert!(check_name_length(&opts, &"😀".repeat(16)).is_ok());
        assert!(check_name_length(&opts, &"😀".repeat(17)).is_err());
    }

    #[test]
    fn create_metadata_follows_javascript_truthiness() {
        let mut opts = ApiKeyOptions::default();
        assert!(matches!(
            create_metadata(&opts, Some(&json!({"a": 1}))),
            Err(ApiKeyError::MetadataDisabled)
        ));
        assert!(matches!(create_metadata(&opts, Some(&json!(0))), Ok(None)));
        opts.enable_metadata = true;
        assert!(matches!(create_metadata(&opts, Some(&json!(""))), Ok(None)));
        assert!(matches!(
            create_metadata(&opts, Some(&json!("x"))),
            Err(ApiKeyError::InvalidMetadataType)
        ));
        assert_eq!(
            create_metadata(&opts, Some(&json!([1, 2]))).ok().flatten(),
            Some("[1,2]".to_owned())
        );
    }

    #[test]
    fn expiry_bounds_are_in_days() {
        let opts = ApiKeyOptions::default();
        assert!(check_expires_in(&opts, 86_400.0).is_ok());
        assert!(matches!(
            check_expires_in(&opts, 86_399.0),
            Err(ApiKeyError::ExpiresInTooSmall)
        ));
        assert!(check_expires_in(&opts, 365.0 * 86_400.0).is_ok());
        assert!(matches!(
            check_expires_in(&opts, 366.0 * 86_400.0),
            Err(ApiKeyError::ExpiresInTooLarge)
        ));
    }

    #[test]
    fn empty_changes_are_empty() {
        let opts = ApiKeyOptions::default();
        let unchanged = |c: KeyChanges| {
            changeset(&opts, c, |_| Err(ApiKeyError::ExpiresInTooLarge)).map(|s| s.is_empty())
        };
        assert!(matches!(unchanged(KeyChanges::default()), Ok(true)));
        // Metadata is silently dropped while metadata is disabled.
        let metadata = KeyChanges {
            metadata: Some(json!({"a": 1})),
            ..KeyChanges::default()
        };
        assert!(matches!(unchanged(metadata), Ok(true)));
        let enabled = KeyChanges {
            enabled: Some(false),
            ..KeyChanges::default()
        };
        assert!(matches!(unchanged(enabled), Ok(false)));
    }
}
