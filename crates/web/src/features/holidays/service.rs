//! 节假日安排: which year a request means, entering and removing days, and the calendar the
//! working-day rules count over.

use chrono::{Datelike, NaiveDate};
use qingfeng_domain::calendar::{Calendar, HolidayFields, MAX_YEAR, MIN_YEAR};
use qingfeng_domain::text::{date_error, parse_ymd};
use qingfeng_domain::time::office_today;
use qingfeng_store::holidays::{self as store, Holiday};
use qingfeng_store::now;
use serde::Serialize;

use crate::auth::Principal;
use crate::http::{ApiError, ApiResult, Params};
use crate::AppState;

/// The query parameters of the list and the export.
pub const FILTERS: &[&str] = &["year"];
/// The query parameters of the working-day calculator.
pub const WORKDAY_QUERY: &[&str] = &["from", "to", "add"];

/// The year a request names (`year`), this year by default.
pub fn year_of(params: &Params) -> ApiResult<i32> {
    match params.int("year")? {
        None => Ok(office_today().year()),
        Some(y) if (i64::from(MIN_YEAR)..=i64::from(MAX_YEAR)).contains(&y) => Ok(y as i32),
        Some(_) => Err(ApiError::bad_request(format!("年度应在 {MIN_YEAR}–{MAX_YEAR} 之间"), Some("year"))),
    }
}

/// The calendar every working-day rule counts over.
pub async fn calendar(state: &AppState) -> ApiResult<Calendar> {
    Ok(store::calendar(&state.db).await?)
}

/// What an entry wrote.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Saved {
    pub created: usize,
    pub updated: usize,
    /// the days entered, as stored now
    pub days: Vec<Holiday>,
}

/// Enters a day or a range of days (a day already entered takes the new kind and name).
pub async fn add(state: &AppState, p: &Principal, f: &HolidayFields) -> ApiResult<Saved> {
    let drafts = f.validate()?;
    let written = store::put(&state.db, &p.actor(), &drafts, None, now()).await?;
    let year = drafts[0].day.year();
    let days = store::list(&state.db, Some(year)).await?.into_iter().filter(|h| drafts.iter().any(|d| d.day == h.day));
    Ok(Saved { created: written.created, updated: written.updated, days: days.collect() })
}

/// A date in a path or query (`field` names it in the error).
pub fn day_of(v: &str, field: &str, label: &str) -> ApiResult<NaiveDate> {
    parse_ymd(v.trim()).map_err(|e| ApiError::bad_request(date_error(label, v, e, "2026-10-01"), Some(field)))
}

pub async fn remove(state: &AppState, p: &Principal, day: &str) -> ApiResult<NaiveDate> {
    let day = day_of(day, "day", "日期")?;
    store::delete(&state.db, &p.actor(), day).await?;
    Ok(day)
}

/// The answer of the working-day calculator.
#[derive(Serialize, utoipa::ToSchema)]
pub struct WorkingDays {
    pub from: NaiveDate,
    pub from_is_working_day: bool,
    /// with `to`: the working days `d` with `from <= d < to`
    pub to: Option<NaiveDate>,
    pub working_days: Option<i64>,
    /// with `add`: the day that many working days after `from` (before it when negative)
    pub add: Option<i64>,
    pub result: Option<NaiveDate>,
    /// the years between the two days that have no calendar entered (weekends only)
    pub years_missing: Vec<i32>,
}

pub async fn working_days(state: &AppState, params: &Params) -> ApiResult<WorkingDays> {
    let from = day_of(&params.str("from").unwrap_or_default(), "from", "起始日期")?;
    let to = params.str("to").map(|t| day_of(&t, "to", "截止日期")).transpose()?;
    let add = params.int("add")?;
    if add.is_some_and(|n| n.abs() > 3660) {
        return Err(ApiError::bad_request("加减的工作日数应在 ±3660 以内", Some("add")));
    }
    if to.is_some_and(|t| (t - from).num_days().abs() > 3660) {
        return Err(ApiError::bad_request("两个日期相隔不能超过十年", Some("to")));
    }
    let c = calendar(state).await?;
    let result = add.map(|n| c.add_working_days(from, n));
    let last = [to, result].into_iter().flatten().chain([from]).max().unwrap_or(from);
    let first = [to, result].into_iter().flatten().chain([from]).min().unwrap_or(from);
    let entered = store::years(&state.db).await?;
    let years_missing = (first.year()..=last.year()).filter(|y| !entered.contains(y)).collect();
    Ok(WorkingDays {
        from,
        from_is_working_day: c.is_working_day(from),
        to,
        working_days: to.map(|t| c.working_days_between(from, t)),
        add,
        result,
        years_missing,
    })
}
