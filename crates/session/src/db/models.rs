//! Rows of the core tables.

use diesel::prelude::*;
use serde::Serialize;
use time::PrimitiveDateTime;

use super::schema::{accounts, sessions, users};
use crate::time_format::iso8601;

/// A `user` row, serialised as better-auth answers it.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize, PartialEq)]
#[diesel(table_name = users)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// 32-character random id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Lower-cased e-mail address.
    pub email: String,
    /// Always false: latchkey sends no verification mail yet.
    pub email_verified: bool,
    /// Avatar URL.
    pub image: Option<String>,
    /// Creation time.
    #[serde(with = "iso8601")]
    pub created_at: PrimitiveDateTime,
    /// Last change.
    #[serde(with = "iso8601")]
    pub updated_at: PrimitiveDateTime,
}

/// A `session` row. `token` holds the stored form (see `tokens`), never
/// the secret a client presents, so it is not serialised from here.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, PartialEq)]
#[diesel(table_name = sessions)]
pub struct Session {
    /// 32-character random id.
    pub id: String,
    /// When the session stops working.
    pub expires_at: PrimitiveDateTime,
    /// Stored token form.
    pub token: String,
    /// Creation time.
    pub created_at: PrimitiveDateTime,
    /// Last change (also bumped when the expiry is pushed forward).
    pub updated_at: PrimitiveDateTime,
    /// Client address as seen by the server.
    pub ip_address: Option<String>,
    /// Client user agent.
    pub user_agent: Option<String>,
    /// Owner.
    pub user_id: String,
}

/// An `account` row for the credential provider (the password hash lives here).
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = accounts)]
pub struct Account {
    /// 32-character random id.
    pub id: String,
    /// For credentials: the user id.
    pub account_id: String,
    /// `credential` for e-mail and password.
    pub provider_id: String,
    /// Owner.
    pub user_id: String,
    /// bcrypt hash.
    pub password: Option<String>,
    /// Creation time.
    pub created_at: PrimitiveDateTime,
    /// Last change.
    pub updated_at: PrimitiveDateTime,
}
