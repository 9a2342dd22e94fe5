//! 公务用车 pages: the vehicles (list, registration, edit), and in `trips` the trip log per
//! vehicle and month with its flags, the trip form with live checks, one trip with its checks
//! (and the 纪检组's 转为问题) and the 派车单 import.

mod trips;

use askama::Template;
use qingfeng_domain::access::Permission;
use qingfeng_domain::vehicles::{VehicleFields, VehicleKind};
use qingfeng_domain::FieldErrors;
use qingfeng_store::vehicles::{self as store, Vehicle};

pub use trips::{check, convert, create_trip, edit_trip, edit_trip_form, new_trip_form, trip, trips};

use super::service;
use crate::auth::{Ctx, Principal};
use crate::features::findings::pages::unit_options;
use crate::http::{
    form_errors, render_form, see_other, FormPairs, FormTarget, Nav, Opt, PagePath, PageResult, Pager, Params,
};
use crate::AppState;

fn kind_options(chosen: &str) -> Vec<Opt> {
    let chosen = VehicleKind::parse(chosen).unwrap_or(VehicleKind::General);
    VehicleKind::ALL.iter().map(|k| Opt::new(k.key(), k.label(), *k == chosen)).collect()
}

#[derive(Template)]
#[template(path = "vehicles/list.html")]
struct ListPage {
    nav: Nav,
    rows: Vec<Vehicle>,
    pager: Pager,
    q: String,
    can_write: bool,
    target: FormTarget,
    f: VehicleFields,
    errors: FieldErrors,
    units: Vec<Opt>,
    kinds: Vec<Opt>,
}

async fn list_page(
    state: &AppState,
    p: &Principal,
    params: &Params,
    f: VehicleFields,
    errors: FieldErrors,
) -> PageResult {
    let filter = service::vehicle_filter(params)?;
    let page = store::list_vehicles(&state.db, &p.scope, &filter, Some(params.paging()?)).await?;
    let keep: Vec<(&str, String)> =
        service::VEHICLE_FILTERS.iter().filter_map(|k| params.str(k).map(|v| (*k, v))).collect();
    let refused = !errors.is_empty();
    render_form(
        &ListPage {
            nav: Nav::new(p, "vehicles"),
            pager: Pager::new("/vehicles", &page, &keep),
            rows: page.items,
            q: params.str("q").unwrap_or_default(),
            can_write: p.can(Permission::VehicleWrite),
            target: FormTarget::new("登记公务用车", "/vehicles", "/vehicles"),
            units: unit_options(&state.db, &p.scope, f.unit_id).await?,
            kinds: kind_options(&f.kind),
            f,
            errors,
        },
        refused,
    )
}

pub async fn list(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    list_page(&state, &p, &params, VehicleFields::default(), FieldErrors::default()).await
}

fn vehicle_from(form: &FormPairs) -> VehicleFields {
    VehicleFields {
        unit_id: form.get("unit_id").trim().parse().ok(),
        plate: form.get("plate"),
        kind: form.get("kind"),
        parking: form.get("parking"),
        note: form.get("note"),
    }
}

pub async fn create(Ctx { state, p }: Ctx, params: Params, form: FormPairs) -> PageResult {
    let f = vehicle_from(&form);
    match service::create_vehicle(&state, &p, &f).await {
        Ok(_) => Ok(see_other("/vehicles")),
        Err(e) => list_page(&state, &p, &params, f, form_errors(e, "unit_id")?).await,
    }
}

#[derive(Template)]
#[template(path = "vehicles/vehicle_form.html")]
struct VehicleForm {
    nav: Nav,
    target: FormTarget,
    f: VehicleFields,
    errors: FieldErrors,
    units: Vec<Opt>,
    kinds: Vec<Opt>,
}

async fn vehicle_form(state: &AppState, p: &Principal, id: i64, f: VehicleFields, errors: FieldErrors) -> PageResult {
    let refused = !errors.is_empty();
    render_form(
        &VehicleForm {
            nav: Nav::new(p, "vehicles"),
            target: FormTarget::new("修改公务用车", format!("/vehicles/{id}/edit"), "/vehicles"),
            units: unit_options(&state.db, &p.scope, f.unit_id).await?,
            kinds: kind_options(&f.kind),
            f,
            errors,
        },
        refused,
    )
}

pub async fn edit_form(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>) -> PageResult {
    let v = store::get_vehicle(&state.db, &p.scope, id).await?;
    vehicle_form(&state, &p, id, v.fields(), FieldErrors::default()).await
}

pub async fn edit(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, form: FormPairs) -> PageResult {
    let v = store::get_vehicle(&state.db, &p.scope, id).await?;
    let f = vehicle_from(&form);
    match service::edit_vehicle(&state, &p, &v, &f).await {
        Ok(()) => Ok(see_other("/vehicles")),
        Err(e) => vehicle_form(&state, &p, id, f, form_errors(e, "unit_id")?).await,
    }
}
