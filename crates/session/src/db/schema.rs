//! Diesel schema of better-auth's core tables (camelCase columns in SQL).
//! Timestamps are `Timestamp` (UTC by construction: every Postgres connection
//! runs with `TimeZone = 'UTC'`, so `timestamptz` columns round-trip).

diesel::table! {
    #[sql_name = "user"]
    users (id) {
        id -> Text,
        name -> Text,
        email -> Text,
        #[sql_name = "emailVerified"]
        email_verified -> Bool,
        image -> Nullable<Text>,
        #[sql_name = "createdAt"]
        created_at -> Timestamp,
        #[sql_name = "updatedAt"]
        updated_at -> Timestamp,
    }
}

diesel::table! {
    #[sql_name = "session"]
    sessions (id) {
        id -> Text,
        #[sql_name = "expiresAt"]
        expires_at -> Timestamp,
        token -> Text,
        #[sql_name = "createdAt"]
        created_at -> Timestamp,
        #[sql_name = "updatedAt"]
        updated_at -> Timestamp,
        #[sql_name = "ipAddress"]
        ip_address -> Nullable<Text>,
        #[sql_name = "userAgent"]
        user_agent -> Nullable<Text>,
        #[sql_name = "userId"]
        user_id -> Text,
    }
}

diesel::table! {
    #[sql_name = "account"]
    accounts (id) {
        id -> Text,
        #[sql_name = "accountId"]
        account_id -> Text,
        #[sql_name = "providerId"]
        provider_id -> Text,
        #[sql_name = "userId"]
        user_id -> Text,
        password -> Nullable<Text>,
        #[sql_name = "createdAt"]
        created_at -> Timestamp,
        #[sql_name = "updatedAt"]
        updated_at -> Timestamp,
    }
}

diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(accounts -> users (user_id));
diesel::allow_tables_to_appear_in_same_query!(users, sessions, accounts);
