//! `GET /api/v1/home`: the caller's to-do list as JSON.

use axum::extract::State;
use axum::Json;

use super::service::{self, Home};
use crate::auth::Principal;
use crate::http::{ApiResult, Params};
use crate::AppState;

pub async fn home(State(state): State<AppState>, p: Principal, params: Params) -> ApiResult<Json<Home>> {
    Ok(Json(service::home(&state, &p, &params).await?))
}
