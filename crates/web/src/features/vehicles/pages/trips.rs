//! Trip pages: the log per vehicle and month with each trip's flags (the 纪检组's list of trips
//! 待核实 is the same page with `flagged=true`), the trip form whose checks panel asks
//! `/vehicles/trips/check` (htmx) as the clerk types, one trip with its checks and 转为问题, and
//! the 派车单 import.

use askama::Template;
use qingfeng_domain::access::Permission;
use qingfeng_domain::time::office_today;
use qingfeng_domain::vehicles::{CostKind, TripFields};
use qingfeng_domain::FieldErrors;
use qingfeng_store::vehicles::{self as store, Trip, VehicleFilter};

use crate::auth::{Ctx, Principal};
use crate::features::findings::checked_api::Checked;
use crate::features::findings::from_checks::{check_rows, converted_page, review_panel, CheckRow};
use crate::features::vehicles::service;
use crate::http::{
    form_errors, render, render_form, see_other, FormPairs, FormTarget, Nav, Opt, PagePath, PageResult, Pager, Params,
};
use crate::AppState;

async fn vehicle_options(
    state: &AppState,
    p: &Principal,
    chosen: Option<i64>,
) -> Result<Vec<Opt>, crate::http::PageError> {
    Ok(store::list_vehicles(&state.db, &p.scope, &VehicleFilter::default(), None)
        .await?
        .items
        .iter()
        .map(|v| Opt::new(v.id, format!("{}（{}，停放：{}）", v.plate, v.unit_name, v.parking), chosen == Some(v.id)))
        .collect())
}

#[derive(Template)]
#[template(path = "vehicles/trips.html")]
struct TripsPage {
    nav: Nav,
    rows: Vec<Trip>,
    pager: Pager,
    vehicles: Vec<Opt>,
    month: String,
    flagged: bool,
    export_query: String,
    can_write: bool,
    heading: String,
}

pub async fn trips(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    let filter = service::trip_filter(&params)?;
    let page = store::list_trips(&state.db, &p.scope, &filter, Some(params.paging()?), false).await?;
    let keep: Vec<(&str, String)> =
        service::TRIP_FILTERS.iter().filter_map(|k| params.str(k).map(|v| (*k, v))).collect();
    let vehicles = vehicle_options(&state, &p, filter.vehicle_id).await?;
    let mut heading = String::from(if filter.flagged { "待核实的出车记录" } else { "出车记录" });
    if let Some(v) = vehicles.iter().find(|o| o.selected) {
        heading = format!("{heading}：{}", v.label.split('（').next().unwrap_or(""));
    }
    if let Some(m) = params.str("month") {
        heading = format!("{heading}（{m}）");
    }
    render(&TripsPage {
        nav: Nav::new(&p, if filter.flagged { "vehicle-flagged" } else { "vehicle-trips" }),
        pager: Pager::new("/vehicles/trips", &page, &keep),
        export_query: serde_urlencoded::to_string(&keep).unwrap_or_default(),
        rows: page.items,
        vehicles,
        month: params.str("month").unwrap_or_default(),
        flagged: filter.flagged,
        can_write: p.can(Permission::VehicleWrite),
        heading,
    })
}

#[derive(Template)]
#[template(path = "vehicles/trip.html")]
struct TripPage {
    nav: Nav,
    t: Trip,
    checks: Vec<CheckRow>,
    failed: usize,
    can_write: bool,
    can_convert: bool,
    flash: Option<String>,
}

pub async fn trip(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, params: Params) -> PageResult {
    let t = store::get_trip(&state.db, &p.scope, id).await?;
    let checks = check_rows(&t.checks, &t.findings);
    render(&TripPage {
        nav: Nav::new(&p, "vehicle-trips"),
        failed: t.checks.iter().filter(|c| !c.ok).count(),
        checks,
        can_write: p.can(Permission::VehicleWrite) && p.scope.covers_unit(t.unit_id, &t.unit_path),
        can_convert: p.can(Permission::VehicleConvert),
        flash: params.str("refused"),
        t,
    })
}

/// 转为问题 (the 纪检组): the failed check becomes a finding; the page opens it.
pub async fn convert(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, form: FormPairs) -> PageResult {
    converted_page(
        service::Trips::convert(&state, &p, id, form.get("rule").trim()).await,
        &format!("/vehicles/trips/{id}"),
    )
}

#[derive(Template)]
#[template(path = "vehicles/trip_form.html")]
struct TripForm {
    nav: Nav,
    target: FormTarget,
    f: TripFields,
    errors: FieldErrors,
    vehicles: Vec<Opt>,
    cost_kinds: Vec<Opt>,
}

async fn trip_form(
    state: &AppState,
    p: &Principal,
    target: FormTarget,
    f: TripFields,
    errors: FieldErrors,
) -> PageResult {
    let refused = !errors.is_empty();
    let kind = CostKind::parse(&f.cost_kind);
    render_form(
        &TripForm {
            nav: Nav::new(p, "vehicle-trips"),
            target,
            vehicles: vehicle_options(state, p, f.vehicle_id).await?,
            cost_kinds: CostKind::ALL.iter().map(|k| Opt::new(k.key(), k.label(), kind == Some(*k))).collect(),
            f,
            errors,
        },
        refused,
    )
}

fn trip_from(form: &FormPairs) -> TripFields {
    TripFields {
        vehicle_id: form.get("vehicle_id").trim().parse().ok(),
        departed_on: form.get("departed_on"),
        departed_time: form.get("departed_time"),
        returned_on: form.get("returned_on"),
        returned_time: form.get("returned_time"),
        purpose: form.get("purpose"),
        destination: form.get("destination"),
        mileage_start: form.get("mileage_start"),
        mileage_end: form.get("mileage_end"),
        distance_km: form.get("distance_km"),
        cost_kind: form.get("cost_kind"),
        cost: form.get("cost"),
        driver: form.get("driver"),
        approver: form.get("approver"),
        special_approval: form.get("special_approval"),
        note: form.get("note"),
    }
}

fn new_target() -> FormTarget {
    FormTarget::new("出车登记", "/vehicles/trips/new", "/vehicles/trips")
}

pub async fn new_trip_form(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    let f = TripFields {
        vehicle_id: params.int("vehicle")?,
        departed_on: office_today().to_string(),
        ..Default::default()
    };
    trip_form(&state, &p, new_target(), f, FieldErrors::default()).await
}

pub async fn create_trip(Ctx { state, p }: Ctx, form: FormPairs) -> PageResult {
    let f = trip_from(&form);
    match service::Trips::create(&state, &p, &f).await {
        Ok(id) => Ok(see_other(format!("/vehicles/trips/{id}"))),
        Err(e) => trip_form(&state, &p, new_target(), f, form_errors(e, "vehicle_id")?).await,
    }
}

fn edit_target(id: i64) -> FormTarget {
    FormTarget::new("修改出车记录", format!("/vehicles/trips/{id}/edit"), format!("/vehicles/trips/{id}"))
}

pub async fn edit_trip_form(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>) -> PageResult {
    let t = store::get_trip(&state.db, &p.scope, id).await?;
    trip_form(&state, &p, edit_target(id), t.fields(), FieldErrors::default()).await
}

pub async fn edit_trip(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, form: FormPairs) -> PageResult {
    let t = store::get_trip(&state.db, &p.scope, id).await?;
    let f = trip_from(&form);
    match service::Trips::edit(&state, &p, &t, &f).await {
        Ok(()) => Ok(see_other(format!("/vehicles/trips/{id}"))),
        Err(e) => trip_form(&state, &p, edit_target(id), f, form_errors(e, "vehicle_id")?).await,
    }
}

/// `POST /vehicles/trips/check` (htmx): the checks of the form as typed, or what it still lacks.
pub async fn check(Ctx { state, p }: Ctx, form: FormPairs) -> PageResult {
    review_panel(service::Trips::dry_run(&state, &p, &trip_from(&form)).await)
}
