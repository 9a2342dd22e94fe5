//! JSON handlers of 廉政档案 and 党风廉政意见回复.

use axum::http::StatusCode;
use axum::Json;
use qingfeng_domain::integrity::ReplyFields;
use qingfeng_store::integrity::IntegrityReply;
use serde_json::Value;

use super::{replies, service};
use crate::auth::Ctx;
use crate::http::{merge_patch, ApiJson, ApiResult, Path};

/// `GET /api/v1/integrity-files/{person}` (404 and an audit row for anyone who may not open it)
pub async fn file(Ctx { state, p }: Ctx, Path(person): Path<i64>) -> ApiResult<Json<service::IntegrityFile>> {
    let (person, viewer) = service::open(&state, &p, person).await?;
    Ok(Json(service::assemble(&state, &p, person, viewer).await?))
}

/// `POST /api/v1/integrity-files/{person}/replies`: a draft in the standard wording (or `body`)
pub async fn generate(
    Ctx { state, p }: Ctx,
    Path(person): Path<i64>,
    ApiJson(f): ApiJson<ReplyFields>,
) -> ApiResult<(StatusCode, Json<IntegrityReply>)> {
    let id = replies::generate(&state, &p, person, &f).await?;
    Ok((StatusCode::CREATED, Json(replies::get(&state, &p, id).await?)))
}

/// `GET /api/v1/integrity-replies/{id}`
pub async fn reply(Ctx { state, p }: Ctx, Path(id): Path<i64>) -> ApiResult<Json<IntegrityReply>> {
    Ok(Json(replies::get(&state, &p, id).await?))
}

/// `PATCH /api/v1/integrity-replies/{id}` (merge patch; a signed reply answers 409)
pub async fn update(
    Ctx { state, p }: Ctx,
    Path(id): Path<i64>,
    ApiJson(patch): ApiJson<Value>,
) -> ApiResult<Json<IntegrityReply>> {
    let fields = merge_patch(&replies::fields_of(&replies::get(&state, &p, id).await?), patch)?;
    replies::update(&state, &p, id, &fields).await?;
    Ok(Json(replies::get(&state, &p, id).await?))
}

/// `POST /api/v1/integrity-replies/{id}/sign`
pub async fn sign(Ctx { state, p }: Ctx, Path(id): Path<i64>) -> ApiResult<Json<IntegrityReply>> {
    replies::sign(&state, &p, id).await?;
    Ok(Json(replies::get(&state, &p, id).await?))
}
