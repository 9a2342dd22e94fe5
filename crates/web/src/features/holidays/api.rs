//! JSON handlers of the holiday calendar.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use qingfeng_domain::calendar::HolidayFields;
use qingfeng_store::holidays::{self as store, Holiday};
use qingfeng_store::Page;

use super::service::{self, Saved, WorkingDays};
use super::sheets;
use crate::auth::Ctx;
use crate::http::{xlsx, ApiJson, ApiResult, Done, Params, Path};
use crate::AppState;

/// `GET /api/v1/holidays?year=` (this year by default)
pub async fn list(State(state): State<AppState>, params: Params) -> ApiResult<Json<Page<Holiday>>> {
    let year = service::year_of(&params)?;
    let paging = params.paging()?;
    let all = store::list(&state.db, Some(year)).await?;
    let total = all.len() as i64;
    let items = all.into_iter().skip(paging.offset() as usize).take(paging.per_page as usize).collect();
    Ok(Json(Page::new(items, total, paging.page, paging.per_page)))
}

/// `POST /api/v1/holidays`
pub async fn add(Ctx { state, p }: Ctx, ApiJson(f): ApiJson<HolidayFields>) -> ApiResult<(StatusCode, Json<Saved>)> {
    Ok((StatusCode::CREATED, Json(service::add(&state, &p, &f).await?)))
}

/// `DELETE /api/v1/holidays/{day}`
pub async fn remove(Ctx { state, p }: Ctx, Path(day): Path<String>) -> ApiResult<Json<Done>> {
    service::remove(&state, &p, &day).await?;
    Ok(Json(Done::OK))
}

/// `GET /api/v1/holidays/working-days?from=&to=&add=`
pub async fn working_days(State(state): State<AppState>, params: Params) -> ApiResult<Json<WorkingDays>> {
    Ok(Json(service::working_days(&state, &params).await?))
}

/// `GET /api/v1/holidays/export.xlsx?year=`
pub async fn export(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Response> {
    let year = service::year_of(&params)?;
    Ok(xlsx(sheets::export(&state.db, &p.scope, year).await?, &format!("{year}年节假日安排.xlsx")))
}
