//! The .docx download of every report kind.

use axum::extract::State;
use axum::response::Response;

use super::service;
use crate::auth::Principal;
use crate::http::{ApiResult, Params, Path};
use crate::AppState;

/// `GET /api/v1/reports/{kind}.docx?year=&person=&id=`
pub async fn docx(
    State(state): State<AppState>,
    p: Principal,
    Path(file): Path<String>,
    params: Params,
) -> ApiResult<Response> {
    let (bytes, name) = service::document(&state, &p, &file, &params).await?;
    Ok(crate::http::docx(bytes, &name))
}
