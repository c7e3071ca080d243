//! JSON request bodies, checked the way better-auth's schemas check them:
//! the same statuses, codes and `[body.field] ...` messages.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::StreamExt;
use serde_json::{Map, Value};

use crate::error::AuthError;
use crate::state::AuthState;

/// The JSON object a POST carries, read within the configured size limit.
#[derive(Debug, Clone, Default)]
pub struct JsonBody(pub Map<String, Value>);

impl FromRequest for JsonBody {
    type Error = AuthError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AuthError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = req
            .app_data::<web::Data<AuthState>>()
            .map(|s| s.config.max_body_bytes)
            .unwrap_or(1024 * 1024);
        let content_type = req
            .headers()
            .get(CONTENT_TYPE)
            .map(|v| v.to_str().unwrap_or("").to_owned());
        let mut payload = payload.take();
        Box::pin(async move {
            let Some(content_type) = content_type else {
                // better-auth treats a POST without a content type as bodiless.
                return Err(undefined_body());
            };
            let essence = content_type
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            if essence != "application/json" {
                return Err(AuthError::UnsupportedMediaType(content_type));
            }
            let mut bytes = web::BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(|_| AuthError::InvalidJson)?;
                if bytes.len() + chunk.len() > limit {
                    return Err(AuthError::PayloadTooLarge(limit));
                }
                bytes.extend_from_slice(&chunk);
            }
            parse_object(&bytes).map(JsonBody)
        })
    }
}

fn undefined_body() -> AuthError {
    AuthError::Validation("[body] Invalid input: expected object, received undefined".into())
}

/// Parses a body that must be a JSON object.
pub fn parse_object(bytes: &[u8]) -> Result<Map<String, Value>, AuthError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(undefined_body());
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(map)) => {
            if let Some(path) = nul_path(&map) {
                return Err(AuthError::Validation(format!("[{path}] {NUL_MESSAGE}")));
            }
            Ok(map)
        }
        Ok(other) => Err(AuthError::Validation(format!(
            "[body] Invalid input: expected object, received {}",
            kind_of(&other)
        ))),
        Err(_) => Err(AuthError::InvalidJson),
    }
}

/// No text latchkey stores may hold a NUL character (PostgreSQL refuses
/// them, and no name, e-mail or id needs one).
pub const NUL_MESSAGE: &str = "Invalid input: text may not contain NUL characters";

/// The `body.a.b` path of the first string (or key) holding a NUL, if any.
fn nul_path(map: &Map<String, Value>) -> Option<String> {
    fn walk(value: &Value, path: &mut Vec<String>) -> bool {
        match value {
            Value::String(s) => s.contains('\0'),
            Value::Array(items) => items.iter().enumerate().any(|(i, v)| {
                path.push(i.to_string());
                let found = walk(v, path);
                if !found {
                    path.pop();
                }
                found
            }),
            Value::Object(map) => map.iter().any(|(k, v)| {
                path.push(k.clone());
                let found = k.contains('\0') || walk(v, path);
                if !found {
                    path.pop();
                }
                found
            }),
            _ => false,
        }
    }
    let mut path = vec!["body".to_owned()];
    walk(&Value::Object(map.clone()), &mut path).then(|| path.join("."))
}

/// Refuses a query string that decodes to text with a NUL character.
pub fn check_query_for_nul(query: &str) -> Result<(), AuthError> {
    let lower = query.to_ascii_lowercase();
    if lower.contains("%00") || query.contains('\0') {
        return Err(AuthError::Validation(format!("[query] {NUL_MESSAGE}")));
    }
    Ok(())
}

/// zod's name for the type of a JSON value.
pub fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// A field as sent: absent, explicit `null`, or a value.
#[derive(Debug, Clone, PartialEq)]
pub enum Field<T> {
    /// Not in the body.
    Absent,
    /// `null`.
    Null,
    /// A value of the expected type.
    Value(T),
}

impl<T> Field<T> {
    /// `Some` for a value, `None` for absent or null.
    pub fn value(self) -> Option<T> {
        match self {
            Field::Value(v) => Some(v),
            _ => None,
        }
    }

    /// True unless absent.
    pub fn is_present(&self) -> bool {
        !matches!(self, Field::Absent)
    }
}

/// Collects schema issues over one body (or query), then fails once with all
/// of them joined by `; `, as better-auth does.
#[derive(Debug)]
pub struct Validator<'a> {
    map: &'a Map<String, Value>,
    scope: &'static str,
    issues: Vec<String>,
}

impl<'a> Validator<'a> {
    /// Validates a request body (`[body.x]` in messages).
    pub fn body(body: &'a JsonBody) -> Self {
        Self::new(&body.0, "body")
    }

    /// Validates any map under a scope name (`body`, `query`).
    pub fn new(map: &'a Map<String, Value>, scope: &'static str) -> Self {
        Self {
            map,
            scope,
            issues: Vec::new(),
        }
    }

    /// Records an issue about `field`.
    pub fn issue(&mut self, field: &str, message: impl std::fmt::Display) {
        self.issues
            .push(format!("[{}.{field}] {message}", self.scope));
    }

    fn expected(&mut self, field: &str, expected: &str, got: &str) {
        self.issue(
            field,
            format!("Invalid input: expected {expected}, received {got}"),
        );
    }

    fn typed<T>(
        &mut self,
        field: &str,
        expected: &str,
        nullable: bool,
        pick: impl FnOnce(&'a Value) -> Option<T>,
    ) -> Field<T> {
        match self.map.get(field) {
            None => Field::Absent,
            Some(Value::Null) if nullable => Field::Null,
            Some(value) => match pick(value) {
                Some(v) => Field::Value(v),
                None => {
                    self.expected(field, expected, kind_of(value));
                    Field::Absent
                }
            },
        }
    }

    /// An optional string (`null` is an issue).
    pub fn string(&mut self, field: &str) -> Field<String> {
        self.typed(field, "string", false, |v| v.as_str().map(str::to_owned))
    }

    /// A required string.
    pub fn required_string(&mut self, field: &str) -> Option<String> {
        match self.string(field) {
            Field::Value(v) => Some(v),
            Field::Absent if !self.map.contains_key(field) => {
                self.expected(field, "string", "undefined");
                None
            }
            _ => None,
        }
    }

    /// An optional boolean (`null` is an issue).
    pub fn boolean(&mut self, field: &str) -> Field<bool> {
        self.typed(field, "boolean", false, Value::as_bool)
    }

    /// An optional, nullable boolean.
    pub fn nullable_boolean(&mut self, field: &str) -> Field<bool> {
        self.typed(field, "boolean", true, Value::as_bool)
    }

    /// An optional number, `min` inclusive (`null` is an issue).
    pub fn number(&mut self, field: &str, min: Option<f64>) -> Field<f64> {
        self.number_inner(field, min, false)
    }

    /// An optional, nullable number, `min` inclusive.
    pub fn nullable_number(&mut self, field: &str, min: Option<f64>) -> Field<f64> {
        self.number_inner(field, min, true)
    }

    fn number_inner(&mut self, field: &str, min: Option<f64>, nullable: bool) -> Field<f64> {
        let found = self.typed(field, "number", nullable, Value::as_f64);
        if let (Field::Value(n), Some(min)) = (&found, min) {
            if *n < min {
                self.issue(field, format!("Too small: expected number to be >={min}"));
                return Field::Absent;
            }
        }
        found
    }

    /// Any JSON value, as sent.
    pub fn raw(&self, field: &str) -> Field<&'a Value> {
        match self.map.get(field) {
            None => Field::Absent,
            Some(Value::Null) => Field::Null,
            Some(v) => Field::Value(v),
        }
    }

    /// Fails with every issue found, or succeeds when there were none.
    pub fn finish(self) -> Result<(), AuthError> {
        if self.issues.is_empty() {
            Ok(())
        } else {
            Err(AuthError::Validation(self.issues.join("; ")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    #[test]
    fn body_shapes_give_better_auths_messages() {
        assert!(matches!(
            parse_object(b"{\"name\": \"x\","),
            Err(AuthError::InvalidJson)
        ));
        let msg = |b: &[u8]| {
            parse_object(b)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default()
        };
        assert_eq!(
            msg(b"[]"),
            "[body] Invalid input: expected object, received array"
        );
        assert_eq!(
            msg(b"\"name\""),
            "[body] Invalid input: expected object, received string"
        );
        assert_eq!(
            msg(b""),
            "[body] Invalid input: expected object, received undefined"
        );
        assert!(parse_object(b"{}").is_ok());
    }

    #[test]
    fn nul_characters_are_refused_with_their_path() {
        let msg = |b: &[u8]| {
            parse_object(b)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default()
        };
        assert_eq!(
            msg(br#"{"name": "a\u0000b"}"#),
            format!("[body.name] {NUL_MESSAGE}")
        );
        assert_eq!(
            msg(br#"{"permissions": {"files": ["read", "x\u0000"]}}"#),
            format!("[body.permissions.files.1] {NUL_MESSAGE}")
        );
        assert!(parse_object(br#"{"name": "fine"}"#).is_ok());
        assert!(check_query_for_nul("id=a%00b").is_err());
        assert!(check_query_for_nul("id=a%2500b").is_ok());
    }

    #[test]
    fn issues_are_collected_and_joined() {
        let m = map(json!({"name": 5, "enabled": "yes", "expiresIn": 0}));
        let mut v = Validator::new(&m, "body");
        assert_eq!(v.string("name"), Field::Absent);
        assert_eq!(v.boolean("enabled"), Field::Absent);
        assert_eq!(v.nullable_number("expiresIn", Some(1.0)), Field::Absent);
        assert_eq!(v.required_string("keyId"), None);
        let err = v.finish().err().map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(
            err,
            "[body.name] Invalid input: expected string, received number; \
             [body.enabled] Invalid input: expected boolean, received string; \
             [body.expiresIn] Too small: expected number to be >=1; \
             [body.keyId] Invalid input: expected string, received undefined"
        );
    }

    #[test]
    fn null_is_kept_apart_from_absent() {
        let m = map(json!({"expiresIn": null, "name": null}));
        let mut v = Validator::new(&m, "body");
        assert_eq!(v.nullable_number("expiresIn", Some(1.0)), Field::Null);
        assert_eq!(v.nullable_number("remaining", None), Field::Absent);
        assert_eq!(v.string("name"), Field::Absent);
        assert!(v.finish().is_err());
    }
}
