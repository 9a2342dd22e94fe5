//! JSON handlers of the 典型案例 library.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use qingfeng_domain::warning_cases::WarningCaseFields;
use qingfeng_store::warning_cases::{self as store, WarningCase};
use qingfeng_store::Page;
use serde_json::Value;

use super::service::{self, case_filter, CaseDetail};
use super::sheets;
use crate::auth::Ctx;
use crate::http::{merge_patch, xlsx, ApiJson, ApiResult, Params, Path};
use crate::AppState;

/// `GET /api/v1/warning-cases?discipline=&year=&q=`
pub async fn list(State(state): State<AppState>, params: Params) -> ApiResult<Json<Page<WarningCase>>> {
    Ok(Json(store::list(&state.db, &case_filter(&params)?, Some(params.paging()?)).await?))
}

/// `POST /api/v1/warning-cases`
pub async fn create(
    Ctx { state, p }: Ctx,
    ApiJson(f): ApiJson<WarningCaseFields>,
) -> ApiResult<(StatusCode, Json<WarningCase>)> {
    let id = service::create(&state, &p, &f).await?;
    Ok((StatusCode::CREATED, Json(store::get(&state.db, id).await?)))
}

/// `GET /api/v1/warning-cases/{id}`: the case and the 警示教育 entries that used it.
pub async fn get(Ctx { state, p }: Ctx, Path(id): Path<i64>) -> ApiResult<Json<CaseDetail>> {
    Ok(Json(service::detail(&state, &p, id).await?))
}

/// `PATCH /api/v1/warning-cases/{id}` (JSON merge patch of the fields)
pub async fn update(
    Ctx { state, p }: Ctx,
    Path(id): Path<i64>,
    ApiJson(patch): ApiJson<Value>,
) -> ApiResult<Json<WarningCase>> {
    let fields = merge_patch(&service::fields_of(&state, id).await?, patch)?;
    service::update(&state, &p, id, &fields).await?;
    Ok(Json(store::get(&state.db, id).await?))
}

/// `GET /api/v1/warning-cases/export.xlsx` (same filters as the list)
pub async fn export(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Response> {
    let filter = case_filter(&params)?;
    Ok(xlsx(sheets::export(&state.db, &p.scope, &filter).await?, "典型案例库.xlsx"))
}
