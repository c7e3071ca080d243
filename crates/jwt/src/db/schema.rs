//! Diesel schema of better-auth's `jwks` table (camelCase columns in SQL).

diesel::table! {
    jwks (id) {
        id -> Text,
        #[sql_name = "publicKey"]
        public_key -> Text,
        #[sql_name = "privateKey"]
        private_key -> Text,
        #[sql_name = "createdAt"]
        created_at -> Timestamp,
        #[sql_name = "expiresAt"]
        expires_at -> Nullable<Timestamp>,
        alg -> Nullable<Text>,
        crv -> Nullable<Text>,
    }
}
