//! `GET /api/v1/fulfilment`.

use axum::Json;

use super::service::{report, Report};
use crate::auth::Ctx;
use crate::http::ApiResult;
use crate::http::Params;

pub async fn get(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Json<Report>> {
    Ok(Json(report(&state, &p, &params).await?))
}
