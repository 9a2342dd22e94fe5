//! JSON handlers of 婚丧喜庆.

use axum::extract::Multipart;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use qingfeng_domain::family::{ActualFields, FamilyEventFields};
use qingfeng_store::private_files::PrivateFile;
use qingfeng_store::Page;

use super::service::{self, event_filter, EventView, HandInFields};
use super::sheets;
use crate::auth::Ctx;
use crate::features::personal_reports::service::add_file;
use crate::http::{xlsx, ApiJson, ApiResult, Params, Path};

/// `GET /api/v1/family-events`
pub async fn list(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Json<Page<EventView>>> {
    Ok(Json(service::list(&state, &p, &event_filter(&params)?, Some(params.paging()?)).await?))
}

/// `POST /api/v1/family-events`
pub async fn create(
    Ctx { state, p }: Ctx,
    ApiJson(f): ApiJson<FamilyEventFields>,
) -> ApiResult<(StatusCode, Json<EventView>)> {
    let id = service::create(&state, &p, &f).await?;
    Ok((StatusCode::CREATED, Json(service::detail(&state, &p, id).await?)))
}

/// `GET /api/v1/family-events/{id}` (404 for anyone but the person and the group)
pub async fn get(Ctx { state, p }: Ctx, Path(id): Path<i64>) -> ApiResult<Json<EventView>> {
    Ok(Json(service::detail(&state, &p, id).await?))
}

/// `POST /api/v1/family-events/{id}/actual`
pub async fn actual(
    Ctx { state, p }: Ctx,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<ActualFields>,
) -> ApiResult<Json<EventView>> {
    service::report_actual(&state, &p, id, &f).await?;
    Ok(Json(service::detail(&state, &p, id).await?))
}

/// `POST /api/v1/family-events/{id}/hand-in`
pub async fn hand_in(
    Ctx { state, p }: Ctx,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<HandInFields>,
) -> ApiResult<Json<EventView>> {
    service::hand_in(&state, &p, id, &f).await?;
    Ok(Json(service::detail(&state, &p, id).await?))
}

/// `POST /api/v1/family-events/{id}/attachments` (multipart `file`)
pub async fn add_attachment(
    Ctx { state, p }: Ctx,
    Path(id): Path<i64>,
    m: Multipart,
) -> ApiResult<(StatusCode, Json<PrivateFile>)> {
    let e = service::readable(&state, &p, id).await?;
    Ok((StatusCode::CREATED, Json(add_file(&state, &p, service::FILES, id, e.person_id, m).await?)))
}

/// `GET /api/v1/family-events/export.xlsx` (same filters as the list; cut as the list is)
pub async fn export(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Response> {
    let filter = event_filter(&params)?;
    Ok(xlsx(sheets::export(&state, &p, &filter).await?, "婚丧喜庆事宜报告台账.xlsx"))
}
