//! 三公经费: validation and scope checks shared by the API and the pages. A budget or a ledger
//! line names a unit, which must lie in the writer's scope; reads go through the scope.

use chrono::Datelike;
use qingfeng_domain::budgets::{BudgetDraft, BudgetFields, SpendingDraft, SpendingFields};
use qingfeng_domain::time::office_today;
use qingfeng_store::budgets::{self as store, Execution};
use qingfeng_store::fulfilment::today;

use crate::auth::Principal;
use crate::features::findings::service::check_unit_scope;
use crate::http::{ApiError, ApiResult, Params};
use crate::AppState;

/// The query parameters the execution list reads.
pub const FILTERS: &[&str] = &["year", "unit"];

/// The year asked for (this year when none).
pub fn year(params: &Params) -> ApiResult<i32> {
    match params.int("year")? {
        Some(y) if (2000..=2100).contains(&y) => Ok(y as i32),
        Some(_) => Err(ApiError::bad_request("参数 year 应为 2000 至 2100 之间的年份", Some("year"))),
        None => Ok(office_today().year()),
    }
}

pub async fn execution(state: &AppState, p: &Principal, params: &Params) -> ApiResult<Vec<Execution>> {
    Ok(store::execution(&state.db, &p.scope, year(params)?, params.int("unit")?).await?)
}

pub async fn validate_budget(state: &AppState, p: &Principal, f: &BudgetFields) -> ApiResult<BudgetDraft> {
    let d = f.validate()?;
    check_unit_scope(state, p, d.unit_id).await?;
    Ok(d)
}

/// Enters or changes a budget; answers its execution.
pub async fn put_budget(state: &AppState, p: &Principal, f: &BudgetFields) -> ApiResult<Execution> {
    let d = validate_budget(state, p, f).await?;
    store::put_budget(&state.db, &p.actor(), &d).await?;
    let rows = store::execution(&state.db, &p.scope, d.year, Some(d.unit_id)).await?;
    rows.into_iter()
        .find(|r| r.category == d.category.key())
        .ok_or_else(|| ApiError::Internal("a budget just entered is missing".into()))
}

pub async fn validate_line(state: &AppState, p: &Principal, f: &SpendingFields) -> ApiResult<SpendingDraft> {
    let d = f.validate(today())?;
    check_unit_scope(state, p, d.unit_id).await?;
    Ok(d)
}

/// Records one ledger line; answers its id.
pub async fn add_line(state: &AppState, p: &Principal, f: &SpendingFields) -> ApiResult<i64> {
    let d = validate_line(state, p, f).await?;
    let ids = store::add_spending(&state.db, &p.actor(), &[d], "create").await?;
    ids.first().copied().ok_or_else(|| ApiError::Internal("no line written".into()))
}
