//! Diesel schema of better-auth's `apikey` table plus latchkey's columns.

diesel::table! {
    apikey (id) {
        id -> Text,
        #[sql_name = "configId"]
        config_id -> Text,
        name -> Nullable<Text>,
        start -> Nullable<Text>,
        #[sql_name = "referenceId"]
        reference_id -> Text,
        prefix -> Nullable<Text>,
        /// The SHA-256 of the full key (base64url, no padding).
        key -> Text,
        #[sql_name = "refillInterval"]
        refill_interval -> Nullable<Integer>,
        #[sql_name = "refillAmount"]
        refill_amount -> Nullable<Integer>,
        #[sql_name = "lastRefillAt"]
        last_refill_at -> Nullable<Timestamp>,
        enabled -> Nullable<Bool>,
        #[sql_name = "rateLimitEnabled"]
        rate_limit_enabled -> Nullable<Bool>,
        #[sql_name = "rateLimitTimeWindow"]
        rate_limit_time_window -> Nullable<Integer>,
        #[sql_name = "rateLimitMax"]
        rate_limit_max -> Nullable<Integer>,
        #[sql_name = "requestCount"]
        request_count -> Nullable<Integer>,
        remaining -> Nullable<Integer>,
        #[sql_name = "lastRequest"]
        last_request -> Nullable<Timestamp>,
        #[sql_name = "expiresAt"]
        expires_at -> Nullable<Timestamp>,
        #[sql_name = "createdAt"]
        created_at -> Timestamp,
        #[sql_name = "updatedAt"]
        updated_at -> Timestamp,
        permissions -> Nullable<Text>,
        metadata -> Nullable<Text>,
        #[sql_name = "rateLimitWindowStart"]
        rate_limit_window_start -> Nullable<Timestamp>,
        /// latchkey: the hash of the secret the last rotation replaced.
        #[sql_name = "previousKey"]
        previous_key -> Nullable<Text>,
        /// latchkey: until when `previousKey` still verifies.
        #[sql_name = "previousKeyExpiresAt"]
        previous_key_expires_at -> Nullable<Timestamp>,
        /// latchkey: JSON array of rate-limit windows with their state.
        #[sql_name = "rateLimits"]
        rate_limits -> Nullable<Text>,
        /// latchkey: admitted verifies over the key's life.
        #[sql_name = "usageCount"]
        usage_count -> BigInt,
    }
}
