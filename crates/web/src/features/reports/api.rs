//! The .docx download of every report kind.

use axum::response::Response;

use super::service;
use crate::auth::Ctx;
use crate::http::{ApiResult, Params, Path};

/// `GET /api/v1/reports/{kind}.docx?year=&person=&id=`
pub async fn docx(Ctx { state, p }: Ctx, Path(file): Path<String>, params: Params) -> ApiResult<Response> {
    let (bytes, name) = service::document(&state, &p, &file, &params).await?;
    Ok(crate::http::docx(bytes, &name))
}
