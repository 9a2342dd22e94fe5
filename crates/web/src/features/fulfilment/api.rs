//! `GET /api/v1/fulfilment`.

use super::service::report;
use crate::auth::Principal;
use crate::http::ApiResult;
use crate::http::Params;
use crate::AppState;
use axum::extract::State;
use axum::Json;
use serde_json::Value;

pub async fn get(State(state): State<AppState>, p: Principal, params: Params) -> ApiResult<Json<Value>> {
    Ok(Json(report(&state, &p, &params).await?))
}
