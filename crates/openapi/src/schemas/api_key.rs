//! Wire shapes of the API-key routes. `ApiKey::to_json` (crates/api-key
//! db/models.rs) writes the key record; these mirror it field by field.

use std::collections::BTreeMap;

use utoipa::openapi::schema::{
    AdditionalProperties, ArrayBuilder, ObjectBuilder, OneOfBuilder, Schema, SchemaType, Type,
};
use utoipa::openapi::RefOr;
use utoipa::ToSchema;

/// Defines a key-record struct: every field of `ApiKey::to_json`, plus `$extra`.
macro_rules! key_record {
    ($(#[$meta:meta])* $name:ident { $($extra:tt)* }) => {
        #[derive(ToSchema)]
        $(#[$meta])*
        #[schema(rename_all = "camelCase")]
        #[allow(dead_code)]
        pub struct $name {
            $($extra)*
            /// 32-character random id.
            pub id: String,
            /// The configuration the key belongs to (always `"default"`).
            pub config_id: String,
            /// Display name.
            #[schema(required = true)]
            pub name: Option<String>,
            /// The first characters of the full key (6 by default), for display.
            #[schema(required = true)]
            pub start: Option<String>,
            /// Owner: the user id for user-owned keys.
            pub reference_id: String,
            /// Same as `referenceId` (latchkey's addition, for clients written
            /// against better-auth's older reference, where keys have a `userId`).
            pub user_id: String,
            /// The key's prefix.
            #[schema(required = true)]
            pub prefix: Option<String>,
            /// Refill period in milliseconds (server-only to set).
            #[schema(required = true)]
            pub refill_interval: Option<i32>,
            /// What `remaining` is reset to on each refill (server-only to set).
            #[schema(required = true)]
            pub refill_amount: Option<i32>,
            /// Last refill.
            #[schema(required = true, format = DateTime)]
            pub last_refill_at: Option<String>,
            /// A disabled key fails verification with `KEY_DISABLED`.
            pub enabled: bool,
            /// Per-key rate limiting (server-only to set).
            pub rate_limit_enabled: bool,
            /// Rate-limit window in milliseconds (server-only to set).
            #[schema(required = true)]
            pub rate_limit_time_window: Option<i32>,
            /// Admissions per window (server-only to set).
            #[schema(required = true)]
            pub rate_limit_max: Option<i32>,
            /// Admissions in the current rate-limit window (better-auth's
            /// counter: it stays 0 for a key whose rate limit is off).
            pub request_count: i32,
            /// latchkey: admitted verifies over the key's whole life, rate
            /// limit or not (better-auth has no such counter). For keys
            /// without `remaining` or a rate limit it is written in batches:
            /// other server processes may show it (and `lastRequest`) up to
            /// a second late.
            #[schema(minimum = 0)]
            pub usage_count: i64,
            /// Uses left; `null` is unlimited (server-only to set).
            #[schema(required = true)]
            pub remaining: Option<i32>,
            /// Last admitted request.
            #[schema(required = true, format = DateTime)]
            pub last_request: Option<String>,
            /// Expiry; `null` never expires.
            #[schema(required = true, format = DateTime)]
            pub expires_at: Option<String>,
            /// Creation time.
            #[schema(format = DateTime)]
            pub created_at: String,
            /// Last change.
            #[schema(format = DateTime)]
            pub updated_at: String,
            /// Resource → allowed actions (server-only to set).
            #[schema(required = true)]
            pub permissions: Option<BTreeMap<String, Vec<String>>>,
            /// Free-form JSON the owner attached (an object; better-auth also
            /// keeps arrays).
            #[schema(required = true, value_type = Option<Metadata>)]
            pub metadata: Option<serde_json::Value>,
            /// latchkey: the key's several rate-limit windows, besides
            /// better-auth's one (server-only to set); every window must have
            /// room for a request to be admitted. Absent on keys without any.
            #[schema(nullable = false)]
            pub rate_limits: Option<Vec<RateLimitWindow>>,
        }
    };
}

key_record!(
    /// An API key record. The secret is never in it: only `start`, the first characters.
    #[schema(example = json!(crate::examples::api_key()))]
    ApiKey {}
);

key_record!(
    /// The answer of create: the record plus, this once, the full key.
    #[schema(example = json!(crate::examples::created_api_key()))]
    CreatedApiKey {
        /// The full key. Shown once: latchkey stores only its SHA-256 hash.
        pub key: String,
    }
);

key_record!(
    /// The answer of rotate (latchkey): the record with its new `start`, the
    /// new full key, and until when the old key still verifies.
    #[schema(example = json!(crate::paths::api_key_rotate::rotated_api_key()))]
    RotatedApiKey {
        /// The new full key. Shown once: latchkey stores only its SHA-256 hash.
        pub key: String,
        /// Until when the replaced key still verifies (`gracePeriod`);
        /// `null`: it stopped at once.
        #[schema(required = true, format = DateTime)]
        pub previous_key_expires_at: Option<String>,
    }
);

/// latchkey: one rate-limit window of a key, at most `max` admitted
/// requests per fixed window of `window` milliseconds.
#[derive(ToSchema)]
#[schema(example = json!({"window": 60000, "max": 100}))]
#[allow(dead_code)]
pub struct RateLimitWindow {
    /// Window length in milliseconds (1 ms to 366 days).
    #[schema(minimum = 1, maximum = 31_622_400_000_i64)]
    pub window: i64,
    /// Admissions per window.
    #[schema(minimum = 1, maximum = 2_147_483_647)]
    pub max: i64,
}

/// Free-form JSON attached to a key: an object (or an array, as better-auth
/// accepts). Requires the server's `--api-key-metadata`.
#[allow(dead_code)]
pub struct Metadata(serde_json::Value);

impl utoipa::PartialSchema for Metadata {
    fn schema() -> RefOr<Schema> {
        let any = || -> RefOr<Schema> {
            ObjectBuilder::new()
                .schema_type(SchemaType::AnyValue)
                .into()
        };
        let object = ObjectBuilder::new()
            .schema_type(Type::Object)
            .additional_properties(Some(AdditionalProperties::FreeForm(true)));
        let array = ArrayBuilder::new().items(any());
        OneOfBuilder::new()
            .item(object)
            .item(array)
            .description(Some(
                "Free-form JSON attached to a key: an object (better-auth also keeps arrays). \
                 Needs the server's `--api-key-metadata`, else create answers 400 `METADATA_DISABLED`.",
            ))
            .examples([serde_json::json!({"team": "infra", "tier": 2})])
            .into()
    }
}

impl ToSchema for Metadata {}

/// Resource → list of actions, e.g. `{"files": ["read", "write"]}`.
#[derive(ToSchema)]
#[schema(example = json!({"files": ["read", "write"]}))]
#[allow(dead_code)]
pub struct Permissions(BTreeMap<String, Vec<String>>);

/// `GET /api-key/list` answer.
#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct ApiKeyList {
    /// This page of keys (never their secrets).
    pub api_keys: Vec<ApiKey>,
    /// How many keys match, over all pages.
    #[schema(minimum = 0)]
    pub total: i64,
    /// The `limit` given (absent when none was).
    #[schema(nullable = false, minimum = 0)]
    pub limit: Option<i64>,
    /// The `offset` given (absent when none was).
    #[schema(nullable = false, minimum = 0)]
    pub offset: Option<i64>,
    /// latchkey: the `page` given (absent unless `page` or `size` was);
    /// then `limit`/`offset` are absent.
    #[schema(nullable = false, minimum = 1)]
    pub page: Option<i64>,
    /// latchkey: the page size (with `page`).
    #[schema(nullable = false, minimum = 1, maximum = 100)]
    pub size: Option<i64>,
}
