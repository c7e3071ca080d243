//! `POST /sign-in/email`.

use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::json;

use super::client_info;
use super::sign_up::email_field;
use crate::body::{JsonBody, Validator};
use crate::cookies::attach_session;
use crate::error::AuthError;
use crate::service::credentials;
use crate::service::password::Password;
use crate::state::AuthState;

/// Checks e-mail and password and opens a session.
pub async fn sign_in_email(
    req: HttpRequest,
    state: web::Data<AuthState>,
    body: JsonBody,
) -> Result<HttpResponse, AuthError> {
    let mut v = Validator::body(&body);
    let email = email_field(&mut v);
    let password = v.required_string("password");
    let _remember_me = v.boolean("rememberMe");
    v.finish()?;
    let (Some(email), Some(password)) = (email, password) else {
        return Err(AuthError::Internal);
    };
    let signed_in =
        credentials::sign_in(&state, email, Password::new(password), client_info(&req)).await?;
    let mut response = HttpResponse::Ok();
    attach_session(&mut response, &state.config, &signed_in.token);
    Ok(response.json(json!({
        "redirect": false,
        "token": signed_in.token.expose(),
        "user": signed_in.user,
    })))
}
