//! API keys as sessions (`enableSessionForAPIKeys`): a request carrying a
//! valid key in the key header acts as the key's owner on every
//! `/api/auth` route and host route, ahead of bearer tokens and cookies.

use actix_web::{web, HttpRequest};
use futures_util::future::LocalBoxFuture;
use latchkey_session::db::models::Session;
use latchkey_session::db::queries::users;
use latchkey_session::extract::AuthMethod;
use latchkey_session::{AuthState, CurrentSession, SessionSource, StorageError};

use crate::error::ApiKeyError;
use crate::keys::PlainKey;
use crate::service::verify::VerifyRequest;
use crate::ApiKeyState;

/// The [`SessionSource`] of the API-key plugin.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiKeySessions;

/// The key a request carries in the first configured header that is present.
pub fn presented_key(req: &HttpRequest, headers: &[String]) -> Option<PlainKey> {
    headers.iter().find_map(|name| {
        req.headers()
            .get(name.as_str())
            .and_then(|v| v.to_str().ok())
            .map(|v| PlainKey::presented(v.trim()))
    })
}

async fn resolve(
    req: &HttpRequest,
    state: &AuthState,
) -> Result<Option<CurrentSession>, ApiKeyError> {
    let Some(plugin) = req.app_data::<web::Data<ApiKeyState>>() else {
        return Ok(None);
    };
    let options = plugin.keys.options();
    if !options.enable_session_for_api_keys {
        return Ok(None);
    }
    let Some(key) = presented_key(req, &options.api_key_headers) else {
        return Ok(None);
    };
    if key.len() < options.default_key_length {
        return Err(ApiKeyError::MalformedApiKey);
    }
    let admitted = plugin
        .keys
        .verify(key, VerifyRequest::default())
        .await?
        .map_err(ApiKeyError::Refused)?;
    let owner_id = admitted.reference_id.clone();
    let user = state
        .run(move |conn| users::find_by_id(conn, &owner_id).map_err(StorageError::from))
        .await?
        .ok_or(ApiKeyError::InvalidReferenceId)?;
    let now = state.clock.now();
    let session = Session {
        id: admitted.id.clone(),
        expires_at: admitted
            .expires_at
            .unwrap_or(now + state.config.session_expires_in),
        // Never the key itself: a key session has no token of its own.
        token: String::new(),
        created_at: now,
        updated_at: now,
        ip_address: None,
        user_agent: req
            .headers()
            .get(actix_web::http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        user_id: user.id.clone(),
    };
    Ok(Some(CurrentSession {
        session,
        user,
        display_token: String::new(),
        method: AuthMethod::Plugin("api-key"),
    }))
}

impl SessionSource for ApiKeySessions {
    fn resolve<'a>(
        &'a self,
        req: &'a HttpRequest,
        state: &'a AuthState,
    ) -> LocalBoxFuture<'a, Result<Option<CurrentSession>, actix_web::Error>> {
        Box::pin(async move { resolve(req, state).await.map_err(actix_web::Error::from) })
    }
}
