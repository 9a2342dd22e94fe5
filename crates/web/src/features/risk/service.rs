//! 廉政风险防控: validation, scope checks and who may take each step of the yearly review
//! 申报（草稿）→ 提交审核 → 确认 / 退回 → 提升等级, shared by the API and the pages.
//!
//! A point is read through its unit (仅本人: where the person is its 部门负责人, 责任领导 or
//! responsible for a measure). Proposing, editing, submitting and copying last year's register
//! need `risk:write` and the point's unit in the writer's scope; accepting, returning and raising
//! need `risk:review` (the 纪检监察组) and the point in the reviewer's scope.

use chrono::Datelike;
use qingfeng_domain::risk::{
    ReasonFields, RiskCategory, RiskLevel, RiskPointDraft, RiskPointFields, RiskState, UnitYearFields,
};
use qingfeng_store::fulfilment::today;
use qingfeng_store::now;
use qingfeng_store::risk::{self as store, RiskFilter, RiskPoint};

use crate::auth::Principal;
use crate::features::findings::service::{check_responsible, check_unit_scope};
use crate::http::{ApiError, ApiResult, Params};
use crate::AppState;

/// The query parameters [`risk_filter`] reads (list, export and the register page).
pub const RISK_FILTERS: &[&str] = &["year", "unit", "include_sub", "level", "category", "state", "occurred", "q"];

fn bad_param(key: &str, allowed: String) -> ApiError {
    ApiError::bad_request(format!("参数 {key} 应为{allowed}之一"), Some(key))
}

/// The register's filters from the query string (keys or Chinese labels); `default_year` when
/// none is given (the pages show this year, the API every year).
pub fn risk_filter(params: &Params, default_year: Option<i32>) -> ApiResult<RiskFilter> {
    let year = match params.int("year")? {
        Some(y) if (2000..=2100).contains(&y) => Some(y as i32),
        Some(_) => return Err(ApiError::bad_request("参数 year 应为 2000 至 2100 之间的年份", Some("year"))),
        None => default_year,
    };
    let level = match params.str("level") {
        None => None,
        Some(s) => Some(RiskLevel::parse_loose(&s).ok_or_else(|| bad_param("level", RiskLevel::label_list()))?),
    };
    let category = match params.str("category") {
        None => None,
        Some(s) => {
            Some(RiskCategory::parse_loose(&s).ok_or_else(|| bad_param("category", RiskCategory::label_list()))?)
        }
    };
    let state = match params.str("state") {
        None => None,
        Some(s) => Some(RiskState::parse(&s).ok_or_else(|| bad_param("state", RiskState::label_list()))?),
    };
    Ok(RiskFilter {
        year,
        unit_id: params.int("unit")?,
        include_sub: params.bool("include_sub")?.unwrap_or(true),
        level,
        category,
        state,
        occurred: params.bool("occurred")?.unwrap_or(false),
        q: params.str("q"),
    })
}

/// The current year of the office.
pub fn this_year() -> i32 {
    today().year()
}

/// Validates a proposal for the caller: its unit in scope, the people named ones the caller sees
/// or of the unit (and its units above).
pub async fn validate(state: &AppState, p: &Principal, f: &RiskPointFields) -> ApiResult<RiskPointDraft> {
    let d = f.validate(today())?;
    check_unit_scope(state, p, d.unit_id).await?;
    let unit = qingfeng_store::org::units::get(&state.db, d.unit_id).await?;
    check_responsible(state, p, &unit.path, "head_id", "部门负责人", d.head_id).await?;
    check_responsible(state, p, &unit.path, "leader_id", "责任领导", d.leader_id).await?;
    for m in &d.measures {
        check_responsible(state, p, &unit.path, "measures", "防控措施的责任人", Some(m.person_id)).await?;
    }
    Ok(d)
}

/// 申报 a risk point (a draft).
pub async fn create(state: &AppState, p: &Principal, f: &RiskPointFields) -> ApiResult<i64> {
    let d = validate(state, p, f).await?;
    Ok(store::create(&state.db, &p.actor(), &d, now()).await?)
}

/// The point, which the caller must be able to change: in scope for writing, a draft or returned.
fn check_editable(p: &Principal, point: &RiskPoint) -> ApiResult<()> {
    if !p.scope.covers_unit(point.unit_id, &point.unit_path) {
        return Err(ApiError::Forbidden("该风险点的单位不在您的数据范围内，不能修改".into()));
    }
    if !point.state().editable() {
        return Err(ApiError::Conflict(format!(
            "风险点{}，不能再修改；只有草稿或已退回的风险点可以修改",
            if point.state() == RiskState::Accepted { "已确认" } else { "已提交审核" }
        )));
    }
    Ok(())
}

/// Changes a draft or returned point.
pub async fn edit(state: &AppState, p: &Principal, point: &RiskPoint, f: &RiskPointFields) -> ApiResult<()> {
    check_editable(p, point)?;
    let d = validate(state, p, f).await?;
    Ok(store::update(&state.db, &p.actor(), point.id, &point.draft(), &d, now()).await?)
}

/// 提交审核 of a unit's register of a year; returns how many points were submitted.
pub async fn submit(state: &AppState, p: &Principal, f: &UnitYearFields) -> ApiResult<usize> {
    let (unit_id, year) = f.validate(today())?;
    check_unit_scope(state, p, unit_id).await?;
    Ok(store::submit(&state.db, &p.actor(), unit_id, year, now()).await?)
}

/// 复制上年度台账 into a unit's register of a year; returns how many points were copied.
pub async fn carry_forward(state: &AppState, p: &Principal, f: &UnitYearFields) -> ApiResult<usize> {
    let (unit_id, year) = f.validate(today())?;
    check_unit_scope(state, p, unit_id).await?;
    Ok(store::carry_forward(&state.db, &p.actor(), unit_id, year, now()).await?)
}

/// The point a reviewer acts on: NotFound outside the reviewer's scope.
async fn reviewed(state: &AppState, p: &Principal, id: i64) -> ApiResult<RiskPoint> {
    Ok(store::get(&state.db, &p.scope, id, today()).await?)
}

/// 确认 (the 纪检监察组).
pub async fn accept(state: &AppState, p: &Principal, id: i64) -> ApiResult<()> {
    reviewed(state, p, id).await?;
    Ok(store::accept(&state.db, &p.actor(), id, now()).await?)
}

/// 退回 with a reason (the 纪检监察组).
pub async fn return_point(state: &AppState, p: &Principal, id: i64, f: &ReasonFields) -> ApiResult<()> {
    reviewed(state, p, id).await?;
    let reason = f.validate("退回理由")?;
    Ok(store::return_point(&state.db, &p.actor(), id, &reason, now()).await?)
}

/// 提升等级 of an occurred point, with the reason (the 纪检监察组).
pub async fn raise(state: &AppState, p: &Principal, id: i64, f: &ReasonFields) -> ApiResult<RiskLevel> {
    reviewed(state, p, id).await?;
    let reason = f.validate("提升理由")?;
    Ok(store::raise(&state.db, &p.actor(), id, &reason, today(), now()).await?)
}
