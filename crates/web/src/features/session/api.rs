//! JSON handlers of the session: sign in, sign out, who am I.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use qingfeng_store::accounts::{self};
use serde::{Deserialize, Serialize};

use super::service::{self, LoginOutcome};
use super::service::{clear_cookie, session_cookie};
use crate::auth::{ClientAddress, Ctx, Principal};
use crate::http::{ApiError, ApiResult};
use crate::http::{ApiJson, Done};
use crate::AppState;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

/// `POST /api/v1/session`
pub async fn login(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    ApiJson(c): ApiJson<Credentials>,
) -> ApiResult<Response> {
    match service::attempt(&state.db, &c.username, &c.password, &address).await? {
        LoginOutcome::Success { token, session, account } => Ok((
            [(header::SET_COOKIE, session_cookie(&state, &token))],
            Json(SignedIn {
                username: account.username,
                csrf_token: session.csrf_token,
                must_change_password: account.must_change_password,
            }),
        )
            .into_response()),
        LoginOutcome::Refused(message) => Err(ApiError::LoginFailed(message)),
        LoginOutcome::Invalid(message) => Err(ApiError::bad_request(message, Some("username"))),
    }
}

/// `DELETE /api/v1/session`
pub async fn logout(Ctx { state, p }: Ctx) -> ApiResult<Response> {
    if let Some(s) = &p.session {
        accounts::end_session(&state.db, &p.actor(), s).await?;
    }
    Ok(([(header::SET_COOKIE, clear_cookie(&state))], Json(Done::OK)).into_response())
}

/// `GET /api/v1/me`
pub async fn me(p: Principal) -> Json<Me> {
    Json(Me {
        csrf_token: p.csrf_token().to_string(),
        account_id: p.account_id,
        username: p.username,
        person_id: p.person_id,
        roles: p.roles,
        permissions: p.permissions,
    })
}

/// The answer to signing in: who, the CSRF token for later writes, and whether the password
/// must be changed first.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SignedIn {
    pub username: String,
    pub csrf_token: String,
    pub must_change_password: bool,
}

/// The signed-in account: its person, roles and permissions (keys such as `finding:read`).
#[derive(Serialize, utoipa::ToSchema)]
pub struct Me {
    pub account_id: i64,
    pub username: String,
    pub person_id: Option<i64>,
    pub roles: Vec<String>,
    #[schema(value_type = Vec<String>)]
    pub permissions: Vec<qingfeng_domain::access::Permission>,
    pub csrf_token: String,
}
