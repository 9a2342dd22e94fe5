//! 公务用车: validation, scope checks and the steps shared by the API and the pages.
//!
//! A vehicle and its trips are read through the vehicle's unit. Registering a vehicle or a trip
//! needs `vehicle:write` and the vehicle's unit in the writer's scope; a trip that fails a rule
//! check is saved and flagged, never refused. Turning a failed check into a finding needs
//! `vehicle:convert` (the 纪检组).

use chrono::{Datelike, NaiveDate};
use qingfeng_domain::decisions::Check;
use qingfeng_domain::findings::{Category, FindingDraft, Severity, Source};
use qingfeng_domain::vehicles::{checks, TripDraft, TripFields, VehicleDraft, VehicleFields};
use qingfeng_store::fulfilment::today;
use qingfeng_store::vehicles::{self as store, Trip, TripFilter, Vehicle, VehicleFilter};
use qingfeng_store::{now, Scope, StoreError};

use crate::auth::Principal;
use crate::features::findings::checked_api::Checked;
use crate::features::findings::from_checks::failed_check;
use crate::features::findings::service::check_unit_scope;
use crate::http::{ApiError, ApiResult, Params};
use crate::AppState;

/// The query parameters [`vehicle_filter`] reads.
pub const VEHICLE_FILTERS: &[&str] = &["unit", "q"];
/// The query parameters [`trip_filter`] reads.
pub const TRIP_FILTERS: &[&str] = &["vehicle", "unit", "month", "year", "flagged", "rule", "q"];

pub fn vehicle_filter(params: &Params) -> ApiResult<VehicleFilter> {
    Ok(VehicleFilter { unit_id: params.int("unit")?, q: params.str("q") })
}

/// A month `YYYY-MM`: its first and last day.
pub fn month_bounds(v: &str) -> Option<(NaiveDate, NaiveDate)> {
    let (y, m) = v.trim().split_once('-')?;
    let first = NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, 1)?;
    let next = if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
    }?;
    Some((first, next.pred_opt()?))
}

pub fn trip_filter(params: &Params) -> ApiResult<TripFilter> {
    let mut f = TripFilter {
        vehicle_id: params.int("vehicle")?,
        unit_id: params.int("unit")?,
        flagged: params.bool("flagged")?.unwrap_or(false),
        q: params.str("q"),
        ..Default::default()
    };
    if let Some(m) = params.str("month") {
        let (from, to) = month_bounds(&m)
            .filter(|(d, _)| (2000..=2100).contains(&d.year()))
            .ok_or_else(|| ApiError::bad_request("参数 month 应为年月，如 2026-05", Some("month")))?;
        (f.from, f.to) = (Some(from), Some(to));
    }
    match params.int("year")? {
        Some(y) if (2000..=2100).contains(&y) => {
            let (from, to) = store::year_bounds(y as i32);
            (f.from, f.to) = (f.from.or(Some(from)), f.to.or(Some(to)));
        }
        Some(_) => return Err(ApiError::bad_request("参数 year 应为 2000 至 2100 之间的年份", Some("year"))),
        None => {}
    }
    if let Some(r) = params.str("rule") {
        if !matches!(r.as_str(), "R-CAR-1" | "R-CAR-2" | "R-CAR-3" | "R-CAR-4") {
            return Err(ApiError::bad_request("参数 rule 应为 R-CAR-1 至 R-CAR-4 之一", Some("rule")));
        }
        f.rule = Some(r);
    }
    Ok(f)
}

/// Validates a vehicle for the caller: its unit in scope.
pub async fn validate_vehicle(state: &AppState, p: &Principal, f: &VehicleFields) -> ApiResult<VehicleDraft> {
    let d = f.validate()?;
    check_unit_scope(state, p, d.unit_id).await?;
    Ok(d)
}

pub async fn create_vehicle(state: &AppState, p: &Principal, f: &VehicleFields) -> ApiResult<i64> {
    let d = validate_vehicle(state, p, f).await?;
    Ok(store::create_vehicle(&state.db, &p.actor(), &d).await?)
}

/// Changes a vehicle the caller may write.
pub async fn edit_vehicle(state: &AppState, p: &Principal, v: &Vehicle, f: &VehicleFields) -> ApiResult<()> {
    if !p.scope.covers_unit(v.unit_id, &v.unit_path) {
        return Err(ApiError::Forbidden("该车辆的单位不在您的数据范围内，不能修改".into()));
    }
    let before = v.fields().validate()?;
    let d = validate_vehicle(state, p, f).await?;
    Ok(store::update_vehicle(&state.db, &p.actor(), v.id, &before, &d).await?)
}

/// Validates a trip for the caller: its vehicle in the caller's scope.
pub async fn validate_trip(state: &AppState, p: &Principal, f: &TripFields) -> ApiResult<TripDraft> {
    let d = f.validate()?;
    match store::get_vehicle(&state.db, &p.scope, d.vehicle_id).await {
        Ok(_) => Ok(d),
        Err(StoreError::NotFound) => {
            Err(StoreError::field("vehicle_id", format!("车辆（编号 {}）不存在或不在您的数据范围内", d.vehicle_id))
                .into())
        }
        Err(e) => Err(e.into()),
    }
}

/// 出车记录 as a record with checks: what the JSON handlers of [`crate::features::findings::checked_api`]
/// and the pages call.
pub struct Trips;

impl Checked for Trips {
    type Record = Trip;
    type Fields = TripFields;

    async fn get(state: &AppState, scope: &Scope, id: i64) -> ApiResult<Trip> {
        Ok(store::get_trip(&state.db, scope, id).await?)
    }

    fn fields(record: &Trip) -> TripFields {
        record.fields()
    }

    /// The dry run: every check of the trip as entered, against the vehicle's trip before it;
    /// nothing is written.
    async fn dry_run(state: &AppState, p: &Principal, f: &TripFields) -> ApiResult<Vec<Check>> {
        let d = validate_trip(state, p, f).await?;
        let time = d.departed.format("%H:%M").to_string();
        let prev = store::previous_trip(&state.db, d.vehicle_id, d.departed.date(), &time, i64::MAX).await?;
        Ok(checks(&d, prev, &store::trip_rules(&state.db).await?))
    }

    async fn create(state: &AppState, p: &Principal, f: &TripFields) -> ApiResult<i64> {
        let d = validate_trip(state, p, f).await?;
        Ok(store::create_trip(&state.db, &p.actor(), &d).await?)
    }

    /// Changes a trip the caller may write.
    async fn edit(state: &AppState, p: &Principal, t: &Trip, f: &TripFields) -> ApiResult<()> {
        if !p.scope.covers_unit(t.unit_id, &t.unit_path) {
            return Err(ApiError::Forbidden("该出车记录的单位不在您的数据范围内，不能修改".into()));
        }
        let before = t.fields().validate()?;
        let d = validate_trip(state, p, f).await?;
        Ok(store::update_trip(&state.db, &p.actor(), t.id, &before, &d).await?)
    }

    /// 转为问题: a failed check of a trip in the caller's scope becomes a finding of the 纪检组.
    async fn convert(state: &AppState, p: &Principal, id: i64, rule: &str) -> ApiResult<i64> {
        let t = store::get_trip(&state.db, &p.scope, id).await?;
        let c = failed_check(&t.checks, rule, "出车记录", "该出车记录")?;
        let d = finding_for(&t, c);
        Ok(qingfeng_store::findings::link_check(&state.db, &p.actor(), &store::CHECK_LINK, id, rule, &d, now()).await?)
    }
}

/// The finding a failed check becomes: the vehicle's unit, 监督检查, 违规配备使用公务用车,
/// describing the trip and citing the rule.
fn finding_for(t: &Trip, c: &Check) -> FindingDraft {
    let back = match (t.returned_on, t.returned_time.as_str()) {
        (Some(d), time) => format!("{d} {time}"),
        (None, _) => "未登记".into(),
    };
    FindingDraft {
        unit_id: t.unit_id,
        source: Source::Inspection,
        category: Category::Vehicles,
        description: format!(
            "公务用车：{} {}，{} {} 出车、{} 收车，事由“{}”，目的地“{}”，驾驶员{}，审批人{}（出车记录 #{}）。{} 检查：{}。依据：{}。",
            t.unit_name,
            t.plate,
            t.departed_on,
            t.departed_time,
            back,
            t.purpose,
            t.destination,
            if t.driver.is_empty() { "未登记" } else { &t.driver },
            if t.approver.is_empty() { "未登记" } else { &t.approver },
            t.id,
            c.rule,
            c.message,
            c.source
        ),
        severity: Severity::General,
        found_on: today(),
        responsible_leader_id: None,
        responsible_person_id: None,
        campaign_id: None,
        risk_point_id: None,
    }
}
