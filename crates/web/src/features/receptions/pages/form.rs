//! The reception form: the 公函, the guests (one row each), the activity, each meal (one row
//! each), accommodation, transport, the 接待清单's signer and the reimbursement documents. The
//! checks panel asks `/receptions/check` (htmx) as the clerk types and shows each rule's result
//! or what the input still lacks.

use askama::Template;
use qingfeng_domain::receptions::{GuestFields, MealFields, MealKind, ReceptionFields, VenueKind};
use qingfeng_domain::time::office_today;
use qingfeng_domain::FieldErrors;
use qingfeng_store::receptions as store;

use crate::auth::{Ctx, Principal};
use crate::features::findings::checked_api::Checked;
use crate::features::findings::from_checks::checks_panel;
use crate::features::findings::pages::unit_options;
use crate::features::receptions::service;
use crate::http::{form_errors, render_form, see_other, FormPairs, FormTarget, Nav, Opt, PagePath, PageResult};
use crate::AppState;

/// Blank rows offered below the guests and meals entered.
const BLANK_GUESTS: usize = 3;
const BLANK_MEALS: usize = 2;

struct MealRow {
    m: MealFields,
    kinds: Vec<Opt>,
    venues: Vec<Opt>,
    guests: String,
    accompanying: String,
}

#[derive(Template)]
#[template(path = "receptions/form.html")]
struct FormPage {
    nav: Nav,
    target: FormTarget,
    f: ReceptionFields,
    errors: FieldErrors,
    units: Vec<Opt>,
    guest_count: String,
    guests: Vec<GuestFields>,
    meals: Vec<MealRow>,
}

fn num(v: Option<i64>) -> String {
    v.map(|n| n.to_string()).unwrap_or_default()
}

fn meal_row(m: MealFields) -> MealRow {
    let kind = MealKind::parse(&m.kind);
    let venue = VenueKind::parse(&m.venue_kind);
    MealRow {
        kinds: MealKind::ALL.iter().map(|k| Opt::new(k.key(), k.label(), kind == Some(*k))).collect(),
        venues: VenueKind::ALL.iter().map(|k| Opt::new(k.key(), k.label(), venue == Some(*k))).collect(),
        guests: num(m.guests),
        accompanying: num(m.accompanying),
        m,
    }
}

async fn form_page(
    state: &AppState,
    p: &Principal,
    target: FormTarget,
    f: ReceptionFields,
    errors: FieldErrors,
) -> PageResult {
    let guests = f.guests.iter().cloned().chain(std::iter::repeat_n(GuestFields::default(), BLANK_GUESTS)).collect();
    let meals =
        f.meals.iter().cloned().chain(std::iter::repeat_n(MealFields::default(), BLANK_MEALS)).map(meal_row).collect();
    let refused = !errors.is_empty();
    render_form(
        &FormPage {
            nav: Nav::new(p, "receptions"),
            target,
            units: unit_options(&state.db, &p.scope, f.unit_id).await?,
            guest_count: num(f.guest_count),
            guests,
            meals,
            f,
            errors,
        },
        refused,
    )
}

/// A number as typed: empty is None; anything else that is not a whole number is kept as an
/// impossible count so that validation names the field.
fn count(v: &str) -> Option<i64> {
    match v.trim() {
        "" => None,
        t => Some(t.parse().unwrap_or(i64::MIN)),
    }
}

/// The fields of a submitted form; blank guest and meal rows are dropped.
fn fields_from(form: &FormPairs) -> ReceptionFields {
    let (gu, gn, gp) = (form.all("g_unit"), form.all("g_name"), form.all("g_post"));
    let guests = (0..gn.len())
        .map(|i| GuestFields {
            unit: gu.get(i).cloned().unwrap_or_default(),
            name: gn[i].clone(),
            post: gp.get(i).cloned().unwrap_or_default(),
        })
        .filter(|g| g != &GuestFields::default())
        .collect();
    let col = |k: &str| form.all(k);
    let (date, kind, gs, acc, cost, alcohol, premium, vk, venue) = (
        col("m_date"),
        col("m_kind"),
        col("m_guests"),
        col("m_acc"),
        col("m_cost"),
        col("m_alcohol"),
        col("m_premium"),
        col("m_venue_kind"),
        col("m_venue"),
    );
    let at = |v: &Vec<String>, i: usize| v.get(i).cloned().unwrap_or_default();
    let meals = (0..date.len())
        .map(|i| MealFields {
            date: at(&date, i),
            kind: at(&kind, i),
            guests: count(&at(&gs, i)),
            accompanying: count(&at(&acc, i)),
            diners: None,
            cost: at(&cost, i),
            alcohol: at(&alcohol, i) == "1",
            premium: at(&premium, i) == "1",
            venue_kind: at(&vk, i),
            venue: at(&venue, i),
        })
        .filter(|m| !m.date.trim().is_empty() || m.guests.is_some() || !m.cost.trim().is_empty())
        .collect();
    ReceptionFields {
        unit_id: form.get("unit_id").trim().parse().ok(),
        letter_ref: form.get("letter_ref"),
        letter_date: form.get("letter_date"),
        letter_unit: form.get("letter_unit"),
        guest_city: form.get("guest_city"),
        guest_count: count(&form.get("guest_count")),
        guests,
        purpose: form.get("purpose"),
        starts_on: form.get("starts_on"),
        ends_on: form.get("ends_on"),
        venues: form.get("venues"),
        meals,
        accommodation: form.get("accommodation"),
        accommodation_cost: form.get("accommodation_cost"),
        transport: form.get("transport"),
        transport_cost: form.get("transport_cost"),
        list_signed_by: form.get("list_signed_by"),
        has_invoice: form.get("has_invoice") == "1",
        has_letter_copy: form.get("has_letter_copy") == "1",
        has_list: form.get("has_list") == "1",
        has_approval: form.get("has_approval") == "1",
    }
}

fn new_target() -> FormTarget {
    FormTarget::new("登记公务接待", "/receptions/new", "/receptions")
}

fn edit_target(id: i64) -> FormTarget {
    FormTarget::new(format!("修改公务接待（编号 {id}）"), format!("/receptions/{id}/edit"), format!("/receptions/{id}"))
}

pub async fn new_form(Ctx { state, p }: Ctx) -> PageResult {
    let today = office_today().to_string();
    let f = ReceptionFields { starts_on: today.clone(), ends_on: today, ..Default::default() };
    form_page(&state, &p, new_target(), f, FieldErrors::default()).await
}

pub async fn create(Ctx { state, p }: Ctx, form: FormPairs) -> PageResult {
    let f = fields_from(&form);
    if form.get("_refresh") == "1" {
        return form_page(&state, &p, new_target(), f, FieldErrors::default()).await;
    }
    match service::Receptions::create(&state, &p, &f).await {
        Ok(id) => Ok(see_other(format!("/receptions/{id}"))),
        Err(e) => form_page(&state, &p, new_target(), f, form_errors(e, "unit_id")?).await,
    }
}

pub async fn edit_form(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>) -> PageResult {
    let r = store::get(&state.db, &p.scope, id).await?;
    form_page(&state, &p, edit_target(id), r.fields(), FieldErrors::default()).await
}

pub async fn edit(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, form: FormPairs) -> PageResult {
    let r = store::get(&state.db, &p.scope, id).await?;
    let f = fields_from(&form);
    if form.get("_refresh") == "1" {
        return form_page(&state, &p, edit_target(id), f, FieldErrors::default()).await;
    }
    match service::Receptions::edit(&state, &p, &r, &f).await {
        Ok(()) => Ok(see_other(format!("/receptions/{id}"))),
        Err(e) => form_page(&state, &p, edit_target(id), f, form_errors(e, "unit_id")?).await,
    }
}

/// `POST /receptions/check` (htmx): the checks of the form as typed, or what it still lacks.
pub async fn check(Ctx { state, p }: Ctx, form: FormPairs) -> PageResult {
    checks_panel(service::Receptions::dry_run(&state, &p, &fields_from(&form)).await)
}
