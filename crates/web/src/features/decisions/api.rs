//! JSON handlers of 三重一大 (`/api/v1/decision-meetings`, `/api/v1/decision-register`).

use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use qingfeng_domain::decisions::register::RegisterFields;
use qingfeng_store::decisions::register::{self as reg, RegisterEntry};
use qingfeng_store::decisions::{self as store, MeetingSummary};
use qingfeng_store::{Page, Scope};

use super::{service, sheets};
use crate::auth::Ctx;
pub use crate::features::findings::from_checks::{CheckAnswer, ConvertFields, Converted};
use crate::http::{merge_patch, xlsx, ApiJson, ApiResult, Params, Path};

/// `GET /api/v1/decision-meetings?year=&unit=&body=&category=&failed=&q=`
pub async fn list(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Json<Page<MeetingSummary>>> {
    let f = service::meeting_filter(&params)?;
    Ok(Json(store::list(&state.db, &p.scope, &f, Some(params.paging()?)).await?))
}

/// `GET /api/v1/decision-meetings/export.xlsx`: 三重一大事项决策台账 (same filters as the list).
pub async fn export(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Response> {
    let f = service::meeting_filter(&params)?;
    Ok(xlsx(sheets::ledger(&state, &p, &f).await?, "三重一大事项决策台账.xlsx"))
}

/// `GET /api/v1/decision-meetings/{id}/minutes.docx`: 会议纪要.
pub async fn minutes(Ctx { state, p }: Ctx, Path(id): Path<i64>) -> ApiResult<Response> {
    let m = store::get(&state.db, &p.scope, id).await?;
    sheets::minutes_response(&m)
}

/// `GET /api/v1/decision-register?year=&unit=&kind=&flagged=&q=`
pub async fn register(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Json<Page<RegisterEntry>>> {
    let f = service::register_filter(&params)?;
    Ok(Json(reg::list(&state.db, &p.scope, &f, Some(params.paging()?)).await?))
}

/// `POST /api/v1/decision-register`
pub async fn create_entry(
    Ctx { state, p }: Ctx,
    ApiJson(f): ApiJson<RegisterFields>,
) -> ApiResult<(StatusCode, Json<RegisterEntry>)> {
    let id = service::create_entry(&state, &p, &f).await?;
    Ok((StatusCode::CREATED, Json(reg::get(&state.db, &Scope::all(), id).await?)))
}

/// `GET /api/v1/decision-register/{id}`
pub async fn get_entry(Ctx { state, p }: Ctx, Path(id): Path<i64>) -> ApiResult<Json<RegisterEntry>> {
    Ok(Json(reg::get(&state.db, &p.scope, id).await?))
}

/// `PATCH /api/v1/decision-register/{id}` (e.g. `{"topic_id": 12}` links the decision)
pub async fn update_entry(
    Ctx { state, p }: Ctx,
    Path(id): Path<i64>,
    ApiJson(patch): ApiJson<serde_json::Value>,
) -> ApiResult<Json<RegisterEntry>> {
    let e = reg::get(&state.db, &p.scope, id).await?;
    let f: RegisterFields = merge_patch(&e.fields(), patch)?;
    service::edit_entry(&state, &p, &e, &f).await?;
    Ok(Json(reg::get(&state.db, &p.scope, id).await?))
}
