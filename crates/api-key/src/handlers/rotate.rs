//! `POST /api-key/rotate` (latchkey): `{keyId, gracePeriod?, userId?}` →
//! the key record with a new secret, the same id, and the new full `key`
//! shown this once. Who may rotate which key follows update's rules: the
//! owner's session, or a trusted server for any `userId`.

use actix_web::{web, HttpResponse};
use latchkey_session::body::{JsonBody, Validator};
use latchkey_session::MaybeSession;
use time::Duration;

use super::input;
use crate::error::ApiKeyError;
use crate::server_auth::Caller;
use crate::service::rotate::MAX_GRACE_PERIOD;
use crate::ApiKeyState;

/// A checked rotate body.
#[derive(Debug, Clone)]
pub struct RotateRequest {
    /// The key to rotate.
    pub key_id: String,
    /// How long the old secret keeps verifying (seconds in the body; 0 by default).
    pub grace: Duration,
    /// The `userId` field, if sent.
    pub user_id: Option<String>,
}

/// Checks a rotate body: `keyId` (required), `gracePeriod` (seconds, from 0
/// to 30 days), `userId` and `configId` (optional strings).
pub fn parse_rotate(body: &JsonBody) -> Result<RotateRequest, ApiKeyError> {
    let mut v = Validator::body(body);
    let _config_id = v.string("configId");
    let key_id = v.required_string("keyId");
    let max = MAX_GRACE_PERIOD.whole_seconds();
    let grace = match v.number("gracePeriod", Some(0.0)).value() {
        Some(seconds) if seconds > max as f64 => {
            v.issue(
                "gracePeriod",
                format!("Too big: expected number to be <={max}"),
            );
            Duration::ZERO
        }
        Some(seconds) => Duration::seconds_f64(seconds),
        None => Duration::ZERO,
    };
    let user_id = v.string("userId").value();
    v.finish()?;
    Ok(RotateRequest {
        key_id: key_id.unwrap_or_default(),
        grace,
        user_id,
    })
}

/// Whose key is rotated: a client needs a session (repeating its own
/// `userId` is fine, another is 401); a trusted server acts for its
/// session's user or for `userId`.
fn rotate_owner(
    caller: Caller,
    session_user: Option<&str>,
    user_id: Option<&str>,
) -> Result<String, ApiKeyError> {
    match caller {
        Caller::Client => {
            let owner = session_user.ok_or(ApiKeyError::UnauthorizedSession)?;
            if user_id.is_some_and(|u| !u.is_empty() && u != owner) {
                return Err(ApiKeyError::UnauthorizedSession);
            }
            Ok(owner.to_owned())
        }
        Caller::Server => input::server_owner(session_user, user_id),
    }
}

/// Rotates a key; another user's key is `KEY_NOT_FOUND`, as a missing one.
pub async fn rotate_api_key(
    body: JsonBody,
    caller: Caller,
    session: MaybeSession,
    state: web::Data<ApiKeyState>,
) -> Result<HttpResponse, ApiKeyError> {
    let request = parse_rotate(&body)?;
    let session_user = session.0.as_ref().map(|s| s.user.id.as_str());
    let owner = rotate_owner(caller, session_user, request.user_id.as_deref())?;
    let rotated = state
        .keys
        .rotate(&request.key_id, &owner, request.grace)
        .await?;
    Ok(HttpResponse::Ok().json(rotated.to_json()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(body: serde_json::Value) -> Result<RotateRequest, String> {
        let body = JsonBody(body.as_object().cloned().unwrap_or_default());
        parse_rotate(&body).map_err(|e| e.to_string())
    }

    #[test]
    fn bodies_are_checked_like_better_auths() {
        let ok = parse(json!({"keyId": "k", "gracePeriod": 90})).map(|r| (r.key_id, r.grace));
        assert_eq!(ok, Ok(("k".to_owned(), Duration::seconds(90))));
        assert_eq!(
            parse(json!({"keyId": "k"})).map(|r| r.grace),
            Ok(Duration::ZERO)
        );
        assert_eq!(
            parse(json!({})).err().as_deref(),
            Some("[body.keyId] Invalid input: expected string, received undefined")
        );
        assert_eq!(
            parse(json!({"keyId": "k", "gracePeriod": -1}))
                .err()
                .as_deref(),
            Some("[body.gracePeriod] Too small: expected number to be >=0")
        );
        assert_eq!(
            parse(json!({"keyId": "k", "gracePeriod": 2_592_001}))
                .err()
                .as_deref(),
            Some("[body.gracePeriod] Too big: expected number to be <=2592000")
        );
        assert_eq!(
            parse(json!({"keyId": "k", "gracePeriod": "60"}))
                .err()
                .as_deref(),
            Some("[body.gracePeriod] Invalid input: expected number, received string")
        );
    }

    #[test]
    fn clients_rotate_their_own_keys_only() {
        assert_eq!(
            rotate_owner(Caller::Client, Some("u"), Some("u")).ok(),
            Some("u".to_owned())
        );
        assert!(rotate_owner(Caller::Client, Some("u"), Some("v")).is_err());
        assert!(rotate_owner(Caller::Client, None, None).is_err());
        assert_eq!(
            rotate_owner(Caller::Server, None, Some("v")).ok(),
            Some("v".to_owned())
        );
    }
}
