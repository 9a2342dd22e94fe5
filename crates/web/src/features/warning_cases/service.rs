//! 典型案例: the filters, saving a case, and where a case was used as the reader may see it.

use qingfeng_domain::time::office_today;
use qingfeng_domain::warning_cases::{Discipline, WarningCaseFields};
use qingfeng_store::ledger::{self, Entry, EntryFilter};
use qingfeng_store::warning_cases::{self as store, CaseFilter, WarningCase};
use qingfeng_store::{now, Paging};
use serde::Serialize;

use crate::auth::Principal;
use crate::http::{ApiError, ApiResult, Params};
use crate::AppState;

/// The query parameters [`case_filter`] reads.
pub const CASE_FILTERS: &[&str] = &["discipline", "year", "q"];

pub fn case_filter(params: &Params) -> ApiResult<CaseFilter> {
    let discipline = match params.str("discipline") {
        None => None,
        Some(d) => Some(Discipline::parse(&d).ok_or_else(|| {
            ApiError::bad_request(format!("违反的纪律应为{}之一", Discipline::label_list()), Some("discipline"))
        })?),
    };
    Ok(CaseFilter { discipline, year: params.int("year")?, q: params.str("q") })
}

/// A case with the 警示教育 entries that used it: those in the reader's scope, and how many
/// others there are.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CaseDetail {
    #[serde(flatten)]
    pub case: WarningCase,
    pub uses: Vec<Entry>,
    pub hidden_uses: i64,
}

pub async fn detail(state: &AppState, p: &Principal, id: i64) -> ApiResult<CaseDetail> {
    let case = store::get(&state.db, id).await?;
    let filter = EntryFilter { case_id: Some(id), ..Default::default() };
    let uses = ledger::list(&state.db, &p.scope, &filter, Some(Paging::new(Some(1), Some(200)))).await?;
    let hidden_uses = (case.use_count - uses.total).max(0);
    Ok(CaseDetail { case, uses: uses.items, hidden_uses })
}

pub async fn create(state: &AppState, p: &Principal, f: &WarningCaseFields) -> ApiResult<i64> {
    let d = f.validate(office_today())?;
    Ok(store::create(&state.db, &p.actor(), &d, now()).await?)
}

pub async fn update(state: &AppState, p: &Principal, id: i64, f: &WarningCaseFields) -> ApiResult<()> {
    let d = f.validate(office_today())?;
    Ok(store::update(&state.db, &p.actor(), id, &d, now()).await?)
}

/// The stored case's fields, for the edit form and a merge patch.
pub async fn fields_of(state: &AppState, id: i64) -> ApiResult<WarningCaseFields> {
    let c = store::get(&state.db, id).await?;
    c.draft().map(|d| d.fields()).ok_or_else(|| ApiError::Internal(format!("warning case {id}: unknown discipline")))
}
