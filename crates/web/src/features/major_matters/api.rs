//! JSON handlers of 重大事项请示报告.

use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use qingfeng_domain::major_matters::{AnswerFields, MatterFields};
use qingfeng_store::major_matters::MatterRow;
use qingfeng_store::Page;
use serde_json::Value;

use super::{service, sheets};
use crate::auth::Ctx;
use crate::http::{merge_patch, xlsx, ApiJson, ApiResult, Params, Path};

/// `GET /api/v1/major-matters?kind=&year=&state=&q=`
pub async fn list(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Json<Page<MatterRow>>> {
    Ok(Json(service::list(&state, &p, &params, Some(params.paging()?)).await?))
}

/// `POST /api/v1/major-matters` (a 请示 or 报告)
pub async fn create(
    Ctx { state, p }: Ctx,
    ApiJson(f): ApiJson<MatterFields>,
) -> ApiResult<(StatusCode, Json<MatterRow>)> {
    let id = service::create(&state, &p, &f).await?;
    Ok((StatusCode::CREATED, Json(service::get(&state, &p, id).await?)))
}

/// `POST /api/v1/major-matters/interference`: the author is the caller's own person.
pub async fn interference(
    Ctx { state, p }: Ctx,
    ApiJson(f): ApiJson<MatterFields>,
) -> ApiResult<(StatusCode, Json<MatterRow>)> {
    let id = service::record_interference(&state, &p, &f).await?;
    Ok((StatusCode::CREATED, Json(service::get(&state, &p, id).await?)))
}

/// `GET /api/v1/major-matters/{id}` (404 for a record the caller may not read)
pub async fn get(Ctx { state, p }: Ctx, Path(id): Path<i64>) -> ApiResult<Json<MatterRow>> {
    Ok(Json(service::get(&state, &p, id).await?))
}

/// `PATCH /api/v1/major-matters/{id}` (JSON merge patch of the fields)
pub async fn update(
    Ctx { state, p }: Ctx,
    Path(id): Path<i64>,
    ApiJson(patch): ApiJson<Value>,
) -> ApiResult<Json<MatterRow>> {
    let fields = merge_patch(&service::fields_of(&state, &p, id).await?, patch)?;
    service::update(&state, &p, id, &fields).await?;
    Ok(Json(service::get(&state, &p, id).await?))
}

/// `POST /api/v1/major-matters/{id}/answer`
pub async fn answer(
    Ctx { state, p }: Ctx,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<AnswerFields>,
) -> ApiResult<Json<MatterRow>> {
    service::answer(&state, &p, id, &f).await?;
    Ok(Json(service::get(&state, &p, id).await?))
}

/// `GET /api/v1/major-matters/export.xlsx` (same filters as the list)
pub async fn export(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Response> {
    let rows = service::list(&state, &p, &params, None).await?.items;
    Ok(xlsx(sheets::export(&state.db, &p.scope, &rows).await?, "重大事项请示报告台账.xlsx"))
}
