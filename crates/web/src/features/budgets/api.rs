//! JSON handlers of 三公经费 (`/api/v1/budgets`).

use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use qingfeng_domain::budgets::{BudgetFields, SpendingFields};
use qingfeng_store::budgets::{self as store, Execution, SpendingLine};
use qingfeng_store::Page;

use super::{service, sheets};
use crate::auth::Ctx;
use crate::http::{xlsx, ApiJson, ApiResult, Params};

/// `GET /api/v1/budgets?year=&unit=`: one row per unit and category with a budget or spending.
pub async fn list(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Json<Page<Execution>>> {
    let rows = service::execution(&state, &p, &params).await?;
    let paging = params.paging()?;
    let total = rows.len() as i64;
    let items = rows.into_iter().skip(paging.offset() as usize).take(paging.per_page as usize).collect();
    Ok(Json(Page::new(items, total, paging.page, paging.per_page)))
}

/// `POST /api/v1/budgets`: enters or replaces the budget of a unit, year and category.
pub async fn put(Ctx { state, p }: Ctx, ApiJson(f): ApiJson<BudgetFields>) -> ApiResult<Json<Execution>> {
    Ok(Json(service::put_budget(&state, &p, &f).await?))
}

/// `GET /api/v1/budgets/export.xlsx?year=&unit=`
pub async fn export(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Response> {
    let year = service::year(&params)?;
    let rows = service::execution(&state, &p, &params).await?;
    Ok(xlsx(sheets::execution(&state, &p, year, &rows).await?, &format!("三公经费预算执行情况（{year}年）.xlsx")))
}

/// `GET /api/v1/budgets/spending?year=`
pub async fn ledger(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Json<Page<SpendingLine>>> {
    let year = service::year(&params)?;
    Ok(Json(store::ledger(&state.db, &p.scope, year, Some(params.paging()?)).await?))
}

/// `POST /api/v1/budgets/spending`
pub async fn add(
    Ctx { state, p }: Ctx,
    ApiJson(f): ApiJson<SpendingFields>,
) -> ApiResult<(StatusCode, Json<SpendingLine>)> {
    let id = service::add_line(&state, &p, &f).await?;
    Ok((StatusCode::CREATED, Json(store::line(&state.db, id).await?)))
}
