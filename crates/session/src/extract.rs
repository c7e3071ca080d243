//! Who is calling: session resolution from plugins, bearer tokens and
//! cookies, and the extractors handlers and host applications use.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header::AUTHORIZATION;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};

use crate::db::models::{Session, User};
use crate::db::queries::sessions;
use crate::error::{AuthError, StorageError};
use crate::state::AuthState;
use crate::tokens::{verify_signed, SessionToken};

/// How the current session was established.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMethod {
    /// `Authorization: Bearer`.
    Bearer,
    /// The signed session cookie.
    Cookie,
    /// A plugin's session source (for example an API key).
    Plugin(&'static str),
}

/// A signed-in caller.
#[derive(Debug, Clone)]
pub struct CurrentSession {
    /// The session row (synthetic for plugin sessions).
    pub session: Session,
    /// Its user.
    pub user: User,
    /// What `session.token` shows in answers: the token the caller presented
    /// (never a stored digest, never an API key).
    pub display_token: String,
    /// How it was established.
    pub method: AuthMethod,
}

/// The outcome of looking at a request's credentials, cached per request.
#[derive(Debug, Clone, Default)]
struct Resolution {
    session: Option<CurrentSession>,
    /// A credential was presented but did not lead to a session.
    rejected: bool,
    /// This request pushed the session's expiry forward (`updateAge`).
    refreshed: bool,
}

/// True when resolving this request's session pushed its expiry forward
/// (get-session then re-sends the cookie, as better-auth does, so a browser's
/// cookie lives as long as the session).
pub fn session_refreshed(req: &HttpRequest) -> bool {
    req.extensions()
        .get::<Resolution>()
        .is_some_and(|r| r.refreshed)
}

/// Resolves (once per request) the caller's session.
pub async fn resolve_session(
    req: &HttpRequest,
) -> Result<Option<CurrentSession>, actix_web::Error> {
    Ok(resolve(req).await?.session)
}

/// True when the request presented a session token that led to no live
/// session (the cookies are then cleared, as better-auth does). A bearer
/// with a bad signature is ignored, not rejected.
pub fn credential_rejected(req: &HttpRequest) -> bool {
    req.extensions()
        .get::<Resolution>()
        .is_some_and(|r| r.rejected)
}

async fn resolve(req: &HttpRequest) -> Result<Resolution, actix_web::Error> {
    if let Some(cached) = req.extensions().get::<Resolution>() {
        return Ok(cached.clone());
    }
    let state = req
        .app_data::<web::Data<AuthState>>()
        .ok_or(AuthError::Internal)?
        .clone();
    let resolution = resolve_uncached(req, &state).await?;
    req.extensions_mut().insert(resolution.clone());
    Ok(resolution)
}

async fn resolve_uncached(
    req: &HttpRequest,
    state: &AuthState,
) -> Result<Resolution, actix_web::Error> {
    for source in state.session_sources.iter() {
        if let Some(session) = source.resolve(req, state).await? {
            return Ok(Resolution {
                session: Some(session),
                rejected: false,
                refreshed: false,
            });
        }
    }
    let (token, method) = match presented_token(
        req,
        &state.config.secret,
        state.config.session_cookie_name(),
    ) {
        Presented::Token(token, method) => (token, method),
        Presented::Nothing => return Ok(Resolution::default()),
        Presented::Unknown => {
            return Ok(Resolution {
                rejected: true,
                ..Resolution::default()
            })
        }
    };
    let session = load_session(state, token.clone()).await?;
    Ok(Resolution {
        rejected: session.is_none(),
        refreshed: session.as_ref().is_some_and(|(_, _, refreshed)| *refreshed),
        session: session.map(|(session, user, _)| CurrentSession {
            session,
            user,
            display_token: token.expose().to_owned(),
            method,
        }),
    })
}

/// What a request presents as its session, as better-auth's bearer plugin
/// and cookie reader see it.
enum Presented {
    /// Nothing usable: no credential, another scheme, an empty bearer, or a
    /// signature that does not verify (all ignored, nothing to clear).
    Nothing,
    /// A raw bearer value that cannot be a token (better-auth signs it, looks
    /// it up and finds nothing).
    Unknown,
    /// A token to look up.
    Token(SessionToken, AuthMethod),
}

/// The token a request presents: a bearer token (signed or raw), else the
/// signed cookie. A bearer whose signature does not verify is ignored, and
/// the cookie is used as if it were absent.
fn presented_token(req: &HttpRequest, secret: &str, cookie_name: &str) -> Presented {
    let bearer = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, credential)| credential.trim())
        .filter(|credential| !credential.is_empty());
    if let Some(credential) = bearer {
        if !(credential.contains('.') || credential.contains('%')) {
            return match SessionToken::from_presented(credential) {
                Some(token) => Presented::Token(token, AuthMethod::Bearer),
                None => Presented::Unknown,
            };
        }
        if let Some(token) = verify_signed(secret, credential) {
            return Presented::Token(token, AuthMethod::Bearer);
        }
    }
    req.cookie(cookie_name)
        .and_then(|cookie| verify_signed(secret, cookie.value()))
        .map_or(Presented::Nothing, |token| {
            Presented::Token(token, AuthMethod::Cookie)
        })
}

/// Loads a live session and refreshes its expiry when `updateAge` has
/// passed; the flag says whether this call refreshed it.
async fn load_session(
    state: &AuthState,
    token: SessionToken,
) -> Result<Option<(Session, User, bool)>, AuthError> {
    let now = state.clock.now();
    let expires_in = state.config.session_expires_in;
    let update_age = state.config.session_update_age;
    state
        .run(move |conn| {
            let Some((mut session, user)) = sessions::find_live_by_token(conn, &token, now)? else {
                return Ok(None);
            };
            // better-auth: refresh once the session is `updateAge` old.
            let mut refreshed = false;
            if session.expires_at - expires_in + update_age <= now {
                let new_expiry = now + expires_in;
                if sessions::extend(conn, &session.id, session.expires_at, new_expiry, now)? {
                    session.expires_at = new_expiry;
                    session.updated_at = now;
                    refreshed = true;
                }
            }
            Ok::<_, StorageError>(Some((session, user, refreshed)))
        })
        .await
        .map_err(AuthError::from)
}

/// Extractor: the caller's session, or 401 `UNAUTHORIZED`.
#[derive(Debug, Clone)]
pub struct AuthenticatedUser(pub CurrentSession);

impl FromRequest for AuthenticatedUser {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, actix_web::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            match resolve_session(&req).await? {
                Some(session) => Ok(AuthenticatedUser(session)),
                None => Err(AuthError::Unauthorized.into()),
            }
        })
    }
}

/// Extractor: the caller's session if there is one.
#[derive(Debug, Clone)]
pub struct MaybeSession(pub Option<CurrentSession>);

impl FromRequest for MaybeSession {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, actix_web::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { Ok(MaybeSession(resolve_session(&req).await?)) })
    }
}
