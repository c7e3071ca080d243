//! Sign-up and sign-in with e-mail and password.

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel::Connection;

use super::password::{decoy_hash, needs_rehash, Password};
use crate::db::models::{Account, Session, User};
use crate::db::queries::{accounts, sessions, users};
use crate::error::{AuthError, StorageError};
use crate::state::AuthState;
use crate::tokens::{random_id, SessionToken};

/// Who is signing in, for the session row.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    /// Client address.
    pub ip_address: Option<String>,
    /// Client user agent.
    pub user_agent: Option<String>,
}

/// A new session and its user.
#[derive(Debug)]
pub struct SignedIn {
    /// The user.
    pub user: User,
    /// The raw token (answered once, in the body and signed in headers).
    pub token: SessionToken,
}

/// Checks password length against the configured bounds.
pub fn check_password_length(state: &AuthState, password: &Password) -> Result<(), AuthError> {
    let len = password.char_len();
    if len < state.config.min_password_length {
        return Err(AuthError::PasswordTooShort);
    }
    if len > state.config.max_password_length {
        return Err(AuthError::PasswordTooLong);
    }
    Ok(())
}

fn new_session(
    user_id: &str,
    token: &SessionToken,
    state: &AuthState,
    client: ClientInfo,
) -> Session {
    let now = state.clock.now();
    Session {
        id: random_id(),
        expires_at: now + state.config.session_expires_in,
        token: token.stored_form(),
        created_at: now,
        updated_at: now,
        ip_address: client.ip_address,
        user_agent: client.user_agent,
        user_id: user_id.to_owned(),
    }
}

/// Creates a user with a credential account and a first session.
pub async fn sign_up(
    state: &AuthState,
    name: String,
    email: String,
    password: Password,
    image: Option<String>,
    client: ClientInfo,
) -> Result<SignedIn, AuthError> {
    check_password_length(state, &password)?;
    let email = email.to_lowercase();
    let cost = state.config.bcrypt_cost;
    let hash = actix_web::web::block(move || password.hash(cost))
        .await
        .map_err(|_| AuthError::Internal)?
        .map_err(|e| {
            tracing::error!(error = %e, "bcrypt failed");
            AuthError::Internal
        })?;
    let now = state.clock.now();
    let user = User {
        id: random_id(),
        name,
        email,
        email_verified: false,
        image,
        created_at: now,
        updated_at: now,
    };
    let account = Account {
        id: random_id(),
        account_id: user.id.clone(),
        provider_id: accounts::CREDENTIAL_PROVIDER.to_owned(),
        user_id: user.id.clone(),
        password: Some(hash),
        created_at: now,
        updated_at: now,
    };
    let token = SessionToken::generate();
    let session = new_session(&user.id, &token, state, client);
    let stored_user = user.clone();
    let outcome = state
        .run(move |conn| {
            conn.transaction(|conn| {
                if users::find_by_email(conn, &stored_user.email)?.is_some() {
                    return Ok(false);
                }
                users::insert(conn, &stored_user)?;
                accounts::insert(conn, &account)?;
                sessions::insert(conn, &session)?;
                Ok(true)
            })
            .or_else(|e| match e {
                // Two sign-ups raced for one address: the unique index decided.
                DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => Ok(false),
                other => Err(StorageError::from(other)),
            })
        })
        .await?;
    if !outcome {
        return Err(AuthError::UserAlreadyExists);
    }
    Ok(SignedIn { user, token })
}

/// Checks e-mail and password and opens a session. Unknown e-mail and wrong
/// password answer alike, after the same bcrypt work.
pub async fn sign_in(
    state: &AuthState,
    email: String,
    password: Password,
    client: ClientInfo,
) -> Result<SignedIn, AuthError> {
    let email = email.to_lowercase();
    let found = state
        .run(move |conn| {
            let Some(user) = users::find_by_email(conn, &email)? else {
                return Ok::<_, StorageError>(None);
            };
            let hash = accounts::find_password_hash(conn, &user.id)?;
            Ok(Some((user, hash)))
        })
        .await?;
    let cost = state.config.bcrypt_cost;
    let (user, hash) = match found {
        Some((user, Some(hash))) => (Some(user), hash),
        Some((_, None)) | None => (None, decoy_hash(cost)),
    };
    let rehash = needs_rehash(&hash, cost);
    // A hash that matches is written again when it is better-auth's scrypt
    // or bcrypt of another cost (see `needs_rehash`).
    let checked = actix_web::web::block(move || {
        if !password.matches(&hash) {
            return Ok(None);
        }
        if rehash {
            return password.hash(cost).map(Some);
        }
        Ok(Some(String::new()))
    })
    .await
    .map_err(|_| AuthError::Internal)?
    .map_err(|e: bcrypt::BcryptError| {
        tracing::error!(error = %e, "bcrypt failed");
        AuthError::Internal
    })?;
    let (user, upgraded) = match (user, checked) {
        (Some(user), Some(new_hash)) => (user, Some(new_hash).filter(|h| !h.is_empty())),
        _ => return Err(AuthError::InvalidEmailOrPassword),
    };
    if let Some(new_hash) = upgraded {
        let (user_id, now) = (user.id.clone(), state.clock.now());
        state
            .run(move |conn| {
                accounts::update_password_hash(conn, &user_id, &new_hash, now)
                    .map_err(StorageError::from)
            })
            .await?;
        tracing::info!("moved a better-auth password hash to bcrypt");
    }
    let token = SessionToken::generate();
    let session = new_session(&user.id, &token, state, client);
    state
        .run(move |conn| sessions::insert(conn, &session).map_err(StorageError::from))
        .await?;
    Ok(SignedIn { user, token })
}
