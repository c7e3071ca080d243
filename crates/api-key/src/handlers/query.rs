//! Query strings of get and list, checked like better-auth's schemas
//! (`[query.limit] Too small: expected number to be >=0`).

use actix_web::{web, HttpRequest};
use latchkey_session::body::{Field, Validator};
use serde_json::{Map, Value};

use crate::db::queries::keys::SortColumn;
use crate::error::ApiKeyError;
use crate::service::manage::SortDirection;

/// The query as better-call sees it: one string per name, or an array of
/// strings for a repeated name.
pub fn query_map(req: &HttpRequest) -> Map<String, Value> {
    let pairs = web::Query::<Vec<(String, String)>>::from_query(req.query_string())
        .map(web::Query::into_inner)
        .unwrap_or_default();
    let mut map = Map::new();
    for (name, value) in pairs {
        match map.get_mut(&name) {
            Some(Value::Array(items)) => items.push(Value::String(value)),
            Some(first) => *first = Value::Array(vec![first.take(), Value::String(value)]),
            None => {
                map.insert(name, Value::String(value));
            }
        }
    }
    map
}

/// JavaScript's `Number(text)` for a query value (arrays give NaN).
fn js_number(value: &Value) -> f64 {
    let Value::String(text) = value else {
        return f64::NAN;
    };
    let text = text.trim();
    if text.is_empty() {
        return 0.0;
    }
    for (prefix, radix) in [
        ("0x", 16),
        ("0X", 16),
        ("0o", 8),
        ("0O", 8),
        ("0b", 2),
        ("0B", 2),
    ] {
        if let Some(digits) = text.strip_prefix(prefix) {
            return u64::from_str_radix(digits, radix).map_or(f64::NAN, |n| n as f64);
        }
    }
    match text {
        "Infinity" | "+Infinity" => return f64::INFINITY,
        "-Infinity" => return f64::NEG_INFINITY,
        _ => {}
    }
    let numeric = text
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E'));
    if numeric {
        text.parse().unwrap_or(f64::NAN)
    } else {
        f64::NAN
    }
}

/// `z.coerce.number().int().nonnegative().optional()`.
fn count(v: &mut Validator<'_>, map: &Map<String, Value>, field: &str) -> Option<u64> {
    let raw = map.get(field)?;
    let n = js_number(raw);
    if n.is_nan() {
        v.issue(field, "Invalid input: expected number, received NaN");
    } else if !n.is_finite() || n.fract() != 0.0 {
        v.issue(field, "Invalid input: expected int, received number");
    } else if n < 0.0 {
        v.issue(field, "Too small: expected number to be >=0");
    } else {
        return Some(n as u64);
    }
    None
}

/// `z.coerce.number().int().min(min).max(max).optional()` (latchkey's
/// `page`/`size`).
pub fn bounded(
    v: &mut Validator<'_>,
    map: &Map<String, Value>,
    field: &str,
    min: u64,
    max: Option<u64>,
) -> Option<u64> {
    let raw = map.get(field)?;
    let n = js_number(raw);
    if n.is_nan() {
        v.issue(field, "Invalid input: expected number, received NaN");
    } else if !n.is_finite() || n.fract() != 0.0 {
        v.issue(field, "Invalid input: expected int, received number");
    } else if n < min as f64 {
        v.issue(field, format!("Too small: expected number to be >={min}"));
    } else if let Some(max) = max.filter(|max| n > *max as f64) {
        v.issue(field, format!("Too big: expected number to be <={max}"));
    } else {
        return Some(n as u64);
    }
    None
}

/// Largest `size` of latchkey's pages.
pub const MAX_PAGE_SIZE: u64 = 100;
/// `size` when only `page` is given (seed 000's default).
pub const DEFAULT_PAGE_SIZE: u64 = 10;

/// `page` (from 1) and `size` (1 to 100); `None` when neither was given.
pub fn page_and_size(v: &mut Validator<'_>, map: &Map<String, Value>) -> Option<(u64, u64)> {
    let page = bounded(v, map, "page", 1, None);
    let size = bounded(v, map, "size", 1, Some(MAX_PAGE_SIZE));
    if map.contains_key("page") || map.contains_key("size") {
        Some((page.unwrap_or(1), size.unwrap_or(DEFAULT_PAGE_SIZE)))
    } else {
        None
    }
}

/// `"true"` or `"false"` (latchkey's list filters).
fn flag(v: &mut Validator<'_>, field: &str) -> Option<bool> {
    match v.raw(field) {
        Field::Absent => None,
        Field::Value(Value::String(s)) if s == "true" => Some(true),
        Field::Value(Value::String(s)) if s == "false" => Some(false),
        _ => {
            v.issue(field, options_message(&["true", "false"]));
            None
        }
    }
}

/// `GET /api-key/get`'s query: the key id.
pub fn parse_get(map: &Map<String, Value>) -> Result<String, ApiKeyError> {
    let mut v = Validator::new(map, "query");
    let id = v.required_string("id");
    let _config_id = v.string("configId");
    v.finish()?;
    Ok(id.unwrap_or_default())
}

/// `GET /api-key/list`'s query.
#[derive(Debug, Clone, Default)]
pub struct ListParams {
    /// Only keys of this configuration.
    pub config_id: Option<String>,
    /// Organization-owned keys (needs the organization plugin).
    pub organization_id: Option<String>,
    /// Page size, if given.
    pub limit: Option<u64>,
    /// Page start, if given.
    pub offset: Option<u64>,
    /// Sort column and direction, if `sortBy` was given.
    pub sort: Option<(SortColumn, SortDirection)>,
    /// latchkey: `page` (from 1) and `size`, if either was given (then
    /// `limit`/`offset` are derived from them and may not be sent).
    pub page: Option<(u64, u64)>,
    /// latchkey: `enabled=true|false`.
    pub enabled: Option<bool>,
    /// latchkey: `expired=true|false`.
    pub expired: Option<bool>,
    /// latchkey: `namePrefix`.
    pub name_prefix: Option<String>,
}

fn options_message(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    format!("Invalid option: expected one of {}", quoted.join("|"))
}

/// Checks the list query, in the order of better-auth's schema. An unknown
/// `sortBy` is refused here (better-auth passes it to the database adapter,
/// which fails).
pub fn parse_list(map: &Map<String, Value>) -> Result<ListParams, ApiKeyError> {
    let mut v = Validator::new(map, "query");
    let config_id = v.string("configId").value();
    let organization_id = v.string("organizationId").value();
    let limit = count(&mut v, map, "limit");
    let offset = count(&mut v, map, "offset");
    let sort_by = match v.string("sortBy").value() {
        Some(name) => match SortColumn::from_name(&name) {
            Some(column) => Some(column),
            None => {
                let names: Vec<&str> = SortColumn::ALL.iter().map(|(n, _)| *n).collect();
                v.issue("sortBy", options_message(&names));
                None
            }
        },
        None => None,
    };
    let direction = match v.raw("sortDirection") {
        Field::Absent => SortDirection::Asc,
        Field::Value(Value::String(d)) if d == "asc" => SortDirection::Asc,
        Field::Value(Value::String(d)) if d == "desc" => SortDirection::Desc,
        _ => {
            v.issue("sortDirection", options_message(&["asc", "desc"]));
            SortDirection::Asc
        }
    };
    let page = page_and_size(&mut v, map);
    if page.is_some() && (map.contains_key("limit") || map.contains_key("offset")) {
        v.issue("page", "page/size cannot be combined with limit/offset");
    }
    let enabled = flag(&mut v, "enabled");
    let expired = flag(&mut v, "expired");
    let name_prefix = v.string("namePrefix").value();
    v.finish()?;
    let (limit, offset) = match page {
        Some((page, size)) => (Some(size), Some((page - 1).saturating_mul(size))),
        None => (limit, offset),
    };
    Ok(ListParams {
        config_id,
        organization_id,
        limit,
        offset,
        sort: sort_by.map(|column| (column, direction)),
        page,
        enabled,
        expired,
        name_prefix,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_coerce_like_javascript() {
        assert_eq!(js_number(&json!("12")), 12.0);
        assert_eq!(js_number(&json!(" 7 ")), 7.0);
        assert_eq!(js_number(&json!("")), 0.0);
        assert_eq!(js_number(&json!("0x10")), 16.0);
        assert_eq!(js_number(&json!("1e2")), 100.0);
        assert!(js_number(&json!("abc")).is_nan());
        assert!(js_number(&json!("inf")).is_nan());
        assert!(js_number(&json!(["1", "2"])).is_nan());
    }

    fn list_error(query: Value) -> String {
        let map = query.as_object().cloned().unwrap_or_default();
        parse_list(&map)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    }

    #[test]
    fn list_query_issues_read_like_better_auths() {
        assert_eq!(
            list_error(json!({"limit": "-1"})),
            "[query.limit] Too small: expected number to be >=0"
        );
        assert_eq!(
            list_error(json!({"offset": "abc"})),
            "[query.offset] Invalid input: expected number, received NaN"
        );
        assert_eq!(
            list_error(json!({"limit": "1.5"})),
            "[query.limit] Invalid input: expected int, received number"
        );
        assert_eq!(
            list_error(json!({"sortDirection": "sideways"})),
            "[query.sortDirection] Invalid option: expected one of \"asc\"|\"desc\""
        );
        assert!(list_error(json!({"sortBy": "key"})).starts_with("[query.sortBy] Invalid option"));
    }

    #[test]
    fn latchkey_list_params_are_read_and_checked() {
        let map = json!({"page": "3", "size": "20", "enabled": "false", "expired": "true", "namePrefix": "ci-"});
        let params = parse_list(map.as_object().unwrap_or(&Map::new()))
            .ok()
            .unwrap_or_default();
        assert_eq!(params.page, Some((3, 20)));
        assert_eq!((params.limit, params.offset), (Some(20), Some(40)));
        assert_eq!((params.enabled, params.expired), (Some(false), Some(true)));
        assert_eq!(params.name_prefix.as_deref(), Some("ci-"));
        let only_page = json!({"page": "2"});
        let params = parse_list(only_page.as_object().unwrap_or(&Map::new()))
            .ok()
            .unwrap_or_default();
        assert_eq!(params.page, Some((2, DEFAULT_PAGE_SIZE)));
        assert_eq!(
            list_error(json!({"size": "101"})),
            "[query.size] Too big: expected number to be <=100"
        );
        assert_eq!(
            list_error(json!({"page": "1", "limit": "1"})),
            "[query.page] page/size cannot be combined with limit/offset"
        );
        assert_eq!(
            list_error(json!({"enabled": "1"})),
            "[query.enabled] Invalid option: expected one of \"true\"|\"false\""
        );
    }

    #[test]
    fn list_query_values_are_read() {
        let map = json!({"limit": "2", "offset": "1", "sortBy": "name", "sortDirection": "desc"});
        let params = parse_list(map.as_object().unwrap_or(&Map::new())).ok();
        let params = params.unwrap_or_default();
        assert_eq!(params.limit, Some(2));
        assert_eq!(params.offset, Some(1));
        assert_eq!(params.sort, Some((SortColumn::Name, SortDirection::Desc)));
    }
}
