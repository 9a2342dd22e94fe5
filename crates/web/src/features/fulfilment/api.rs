//! `GET /api/v1/fulfilment`.

use axum::extract::State;
use axum::Json;

use super::service::{report, Report};
use crate::auth::Principal;
use crate::http::ApiResult;
use crate::http::Params;
use crate::AppState;

pub async fn get(State(state): State<AppState>, p: Principal, params: Params) -> ApiResult<Json<Report>> {
    Ok(Json(report(&state, &p, &params).await?))
}
