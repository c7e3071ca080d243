//! Wire shapes of the session routes (users, sessions, sign-up/in/out).
//! Never constructed: they exist to describe what the handlers write by hand.

use utoipa::ToSchema;

/// A user, as better-auth answers it.
#[derive(ToSchema)]
#[schema(example = json!(crate::examples::user()))]
#[schema(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct User {
    /// 32-character random id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// E-mail address, lower-cased.
    #[schema(format = Email)]
    pub email: String,
    /// Always `false`: latchkey sends no verification mail.
    pub email_verified: bool,
    /// Avatar URL.
    #[schema(required = true)]
    pub image: Option<String>,
    /// Creation time (ISO 8601, UTC, milliseconds).
    #[schema(format = DateTime)]
    pub created_at: String,
    /// Last change.
    #[schema(format = DateTime)]
    pub updated_at: String,
}

/// A session. `token` is the token the caller presented (empty for a
/// session made from an API key: latchkey never echoes a key).
#[derive(ToSchema)]
#[schema(example = json!(crate::examples::session()))]
#[schema(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct Session {
    /// Session id (for an API-key session: the key's id).
    pub id: String,
    /// The raw session token, or `""` for API-key sessions.
    pub token: String,
    /// Owner.
    pub user_id: String,
    /// When the session stops working.
    #[schema(format = DateTime)]
    pub expires_at: String,
    /// Creation time.
    #[schema(format = DateTime)]
    pub created_at: String,
    /// Last change (also when the expiry was pushed forward).
    #[schema(format = DateTime)]
    pub updated_at: String,
    /// Client address as the server saw it at sign-in.
    #[schema(required = true)]
    pub ip_address: Option<String>,
    /// Client user agent at sign-in.
    #[schema(required = true)]
    pub user_agent: Option<String>,
}

/// `get-session` when signed in.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct SessionAndUser {
    /// The session.
    pub session: Session,
    /// Its user.
    pub user: User,
}

/// `POST /sign-up/email` body.
#[derive(ToSchema)]
#[schema(example = json!({"name": "Alice", "email": "alice@example.com", "password": "correct-horse-42"}))]
#[allow(dead_code)]
pub struct SignUpRequest {
    /// Display name.
    pub name: String,
    /// E-mail address (`local@domain.tld`); stored lower-cased.
    #[schema(format = Email)]
    pub email: String,
    /// 8 to 128 characters (the defaults).
    #[schema(min_length = 8, max_length = 128)]
    pub password: String,
    /// Avatar URL.
    #[schema(nullable = false)]
    pub image: Option<String>,
}

/// `POST /sign-in/email` body.
#[derive(ToSchema)]
#[schema(example = json!({"email": "alice@example.com", "password": "correct-horse-42"}))]
#[schema(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct SignInRequest {
    /// E-mail address.
    #[schema(format = Email)]
    pub email: String,
    /// Password.
    pub password: String,
    /// Accepted for better-auth clients; sessions last 7 days either way.
    #[schema(nullable = false)]
    pub remember_me: Option<bool>,
}

/// `POST /sign-up/email` answer. The token is also in the `set-auth-token`
/// header (signed, for `Authorization: Bearer`) and the session cookie.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct SignUpResponse {
    /// The raw session token (use the signed `set-auth-token` header value as bearer).
    pub token: String,
    /// The new user.
    pub user: User,
}

/// `POST /sign-in/email` answer.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct SignInResponse {
    /// Always `false` (no redirect for e-mail sign-in).
    pub redirect: bool,
    /// The raw session token (use the signed `set-auth-token` header value as bearer).
    pub token: String,
    /// The user.
    pub user: User,
}

/// `POST /revoke-session` body.
#[derive(ToSchema)]
#[schema(example = json!({"token": "aTokenFromListSessions0123456789"}))]
#[allow(dead_code)]
pub struct RevokeSessionRequest {
    /// The session's `token` as `list-sessions` shows it.
    pub token: String,
}

/// `{"success": true}`.
#[derive(ToSchema)]
#[schema(example = json!({"success": true}))]
#[allow(dead_code)]
pub struct Success {
    /// Always `true`.
    pub success: bool,
}

/// `{"status": true}`.
#[derive(ToSchema)]
#[schema(example = json!({"status": true}))]
#[allow(dead_code)]
pub struct Status {
    /// Always `true`.
    pub status: bool,
}

/// `GET /ok`.
#[derive(ToSchema)]
#[schema(example = json!({"ok": true}))]
#[allow(dead_code)]
pub struct Liveness {
    /// Always `true`.
    pub ok: bool,
}

/// `GET /ready`.
#[derive(ToSchema)]
#[schema(example = json!({"ready": true}))]
#[allow(dead_code)]
pub struct Readiness {
    /// Always `true` (an unreachable database answers 503).
    pub ready: bool,
}
