//! `GET /api/v1/home`: the caller's to-do list as JSON.

use axum::Json;

use super::service::{self, Home};
use crate::auth::Ctx;
use crate::http::{ApiResult, Params};

pub async fn home(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Json<Home>> {
    Ok(Json(service::home(&state, &p, &params).await?))
}
