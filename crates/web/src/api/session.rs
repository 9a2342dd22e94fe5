//! Login and logout over JSON.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use qingfeng_store::accounts;
use serde::Deserialize;
use serde_json::json;

use super::ApiJson;
use crate::auth::{ClientAddress, Principal, SESSION_COOKIE};
use crate::http::{ApiError, ApiResult};
use crate::services::login::{self, LoginOutcome};
use crate::AppState;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

pub fn session_cookie(state: &AppState, token: &str) -> String {
    let secure = if state.config.secure_cookies { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax{secure}")
}

pub fn clear_cookie(state: &AppState) -> String {
    let secure = if state.config.secure_cookies { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}")
}

/// `POST /api/v1/session`
pub async fn login(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    ApiJson(c): ApiJson<Credentials>,
) -> ApiResult<Response> {
    match login::attempt(&state.db, &c.username, &c.password, &address).await? {
        LoginOutcome::Success { token, session, account } => Ok((
            [(header::SET_COOKIE, session_cookie(&state, &token))],
            Json(json!({
                "username": account.username,
                "csrf_token": session.csrf_token,
                "must_change_password": account.must_change_password,
            })),
        )
            .into_response()),
        LoginOutcome::Refused(message) => Err(ApiError::LoginFailed(message)),
        LoginOutcome::Invalid(message) => Err(ApiError::bad_request(message, Some("username"))),
    }
}

/// `DELETE /api/v1/session`
pub async fn logout(State(state): State<AppState>, p: Principal) -> ApiResult<Response> {
    if let Some(s) = &p.session {
        accounts::end_session(&state.db, &p.actor(), s).await?;
    }
    Ok(([(header::SET_COOKIE, clear_cookie(&state))], Json(json!({"ok": true}))).into_response())
}

/// `GET /api/v1/me`
pub async fn me(p: Principal) -> impl IntoResponse {
    Json(json!({
        "account_id": p.account_id,
        "username": p.username,
        "person_id": p.person_id,
        "roles": p.roles,
        "permissions": p.permissions,
        "csrf_token": p.csrf_token(),
    }))
}
