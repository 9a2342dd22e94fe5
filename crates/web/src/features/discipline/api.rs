//! JSON handlers of 四种形态 and sanctions.

use axum::http::StatusCode;
use axum::Json;
use qingfeng_domain::discipline::RecordFields;
use qingfeng_store::discipline::DisciplineRecord;
use qingfeng_store::Page;
use serde_json::Value;

use super::service;
use crate::auth::Ctx;
use crate::http::{merge_patch, ApiJson, ApiResult, Params, Path};

/// `GET /api/v1/discipline-records` (the 纪检组: its scope; anyone else: their own)
pub async fn list(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Json<Page<DisciplineRecord>>> {
    Ok(Json(service::list(&state, &p, &params, Some(params.paging()?)).await?))
}

/// `POST /api/v1/discipline-records`
pub async fn create(
    Ctx { state, p }: Ctx,
    ApiJson(f): ApiJson<RecordFields>,
) -> ApiResult<(StatusCode, Json<DisciplineRecord>)> {
    let id = service::create(&state, &p, &f).await?;
    Ok((StatusCode::CREATED, Json(service::get(&state, &p, id).await?)))
}

/// `GET /api/v1/discipline-records/{id}` (404 for anyone who may not read it)
pub async fn get(Ctx { state, p }: Ctx, Path(id): Path<i64>) -> ApiResult<Json<DisciplineRecord>> {
    Ok(Json(service::get(&state, &p, id).await?))
}

/// `PATCH /api/v1/discipline-records/{id}` (JSON merge patch of the fields)
pub async fn update(
    Ctx { state, p }: Ctx,
    Path(id): Path<i64>,
    ApiJson(patch): ApiJson<Value>,
) -> ApiResult<Json<DisciplineRecord>> {
    let fields = merge_patch(&service::fields_of(&state, &p, id).await?, patch)?;
    service::update(&state, &p, id, &fields).await?;
    Ok(Json(service::get(&state, &p, id).await?))
}
