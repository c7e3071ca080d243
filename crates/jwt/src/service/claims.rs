//! What the tokens say. Session JWTs carry better-auth's default payload
//! (the user object, `sub` = user id); API-key JWTs carry the key's owner,
//! id, configuration and permissions.

use latchkey_api_key::db::models::{parse_json_column, ApiKey};
use latchkey_session::db::models::User;
use serde_json::{json, Map, Value};
use time::{Duration, PrimitiveDateTime};

use crate::options::JwtOptions;

/// Seconds since the Unix epoch.
pub fn unix(at: PrimitiveDateTime) -> i64 {
    at.assume_utc().unix_timestamp()
}

fn registered(
    mut claims: Map<String, Value>,
    sub: &str,
    iat: PrimitiveDateTime,
    exp: PrimitiveDateTime,
    options: &JwtOptions,
    origin: &str,
) -> Map<String, Value> {
    claims.insert("iat".into(), json!(unix(iat)));
    claims.insert("sub".into(), json!(sub));
    claims.insert("exp".into(), json!(unix(exp)));
    claims.insert("iss".into(), json!(options.issuer_for(origin)));
    claims.insert("aud".into(), options.audience_for(origin));
    claims
}

/// better-auth's session JWT: `iat`, the user's fields, `sub`, `exp`, `iss`,
/// `aud`; `exp` no later than the session's own expiry (a token must not
/// outlive what it stands for; better-auth does not cut it).
pub fn for_session(
    user: &User,
    session_expires_at: PrimitiveDateTime,
    now: PrimitiveDateTime,
    options: &JwtOptions,
    origin: &str,
) -> Map<String, Value> {
    let fields = match serde_json::to_value(user) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    };
    let exp = (now + options.expires_in).min(session_expires_at);
    registered(fields, &user.id, now, exp, options, origin)
}

/// The expiry of an API-key JWT: its lifetime, cut where the secret it was
/// exchanged for stops verifying (the key's expiry, or an old secret's grace).
pub fn api_key_expiry(
    key_expires_at: Option<PrimitiveDateTime>,
    now: PrimitiveDateTime,
    lifetime: Duration,
) -> PrimitiveDateTime {
    let exp = now + lifetime;
    key_expires_at.map_or(exp, |key_exp| exp.min(key_exp))
}

/// An API-key JWT: `sub` = the key's owner, `apiKeyId`, `configId`,
/// `permissions`; it expires at `exp` (see [`api_key_expiry`]).
pub fn for_api_key(
    key: &ApiKey,
    exp: PrimitiveDateTime,
    now: PrimitiveDateTime,
    options: &JwtOptions,
    origin: &str,
) -> Map<String, Value> {
    let mut fields = Map::new();
    fields.insert("apiKeyId".into(), json!(key.id));
    fields.insert("configId".into(), json!(key.config_id));
    fields.insert(
        "permissions".into(),
        parse_json_column(key.permissions.as_deref()),
    );
    registered(fields, &key.reference_id, now, exp, options, origin)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn api_key_tokens_never_outlive_their_key() {
        let now = datetime!(2026-01-01 0:00);
        let five = Duration::minutes(5);
        assert_eq!(api_key_expiry(None, now, five), now + five);
        let soon = now + Duration::minutes(2);
        assert_eq!(api_key_expiry(Some(soon), now, five), soon);
        let later = now + Duration::days(1);
        assert_eq!(api_key_expiry(Some(later), now, five), now + five);
    }
}
