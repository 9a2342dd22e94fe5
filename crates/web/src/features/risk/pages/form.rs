//! Proposing a risk point (申报) and changing it while it is a draft or returned. The form offers
//! the measures the point has plus blank rows; each row is a measure, its responsible person and
//! its review date.

use askama::Template;
use axum::http::StatusCode;
use qingfeng_domain::risk::{MeasureFields, RiskCategory, RiskLevel, RiskPointFields};
use qingfeng_domain::FieldErrors;
use qingfeng_store::fulfilment::today;
use qingfeng_store::org::people;
use qingfeng_store::risk as store;
use qingfeng_store::Scope;

use super::{category_options, level_options, year_options};
use crate::auth::{Ctx, Principal};
use crate::features::findings::pages::{leader_opts, people_options, person_opts, unit_options, with_status};
use crate::features::risk::service::{self, this_year};
use crate::http::{form_errors, render, see_other, FormPairs, FormTarget, Nav, Opt, PagePath, PageResult, Params};
use crate::AppState;

/// Blank measure rows offered below the point's measures.
const BLANK_ROWS: usize = 2;

/// One measure row of the form.
pub struct MeasureRow {
    pub text: String,
    pub people: Vec<Opt>,
    pub review_on: String,
}

#[derive(Template)]
#[template(path = "risk/form.html")]
struct PointForm {
    nav: Nav,
    heading: String,
    action: String,
    cancel: String,
    f: RiskPointFields,
    errors: FieldErrors,
    units: Vec<Opt>,
    years: Vec<Opt>,
    categories: Vec<Opt>,
    levels: Vec<Opt>,
    heads: Vec<Opt>,
    leaders: Vec<Opt>,
    measures: Vec<MeasureRow>,
}

async fn point_form(
    state: &AppState,
    p: &Principal,
    target: FormTarget,
    f: RiskPointFields,
    errors: FieldErrors,
) -> PageResult {
    let FormTarget { heading, action, cancel } = target;
    let picks = people_options(state, p).await?;
    let mut measures: Vec<MeasureRow> = f
        .measures
        .iter()
        .map(|m| MeasureRow {
            text: m.text.clone(),
            people: person_opts(&picks, m.person_id),
            review_on: m.review_on.clone(),
        })
        .collect();
    for _ in 0..BLANK_ROWS {
        measures.push(MeasureRow { text: String::new(), people: person_opts(&picks, None), review_on: String::new() });
    }
    let failed = !errors.is_empty();
    let page = PointForm {
        nav: Nav::new(p, "risk"),
        heading,
        action,
        cancel,
        units: unit_options(&state.db, &p.scope, f.unit_id).await?,
        years: year_options(f.year.unwrap_or_else(this_year)),
        categories: category_options(RiskCategory::parse_loose(&f.category)),
        levels: level_options(RiskLevel::parse_loose(&f.level)),
        heads: person_opts(&picks, f.head_id),
        leaders: leader_opts(&picks, f.leader_id),
        measures,
        f,
        errors,
    };
    let res = render(&page)?;
    Ok(if failed { with_status(res, StatusCode::UNPROCESSABLE_ENTITY) } else { res })
}

/// The fields of a submitted form; measure rows come as repeated `measure_text`,
/// `measure_person` and `measure_review`.
fn fields_from(form: &FormPairs) -> RiskPointFields {
    let id = |k: &str| form.get(k).trim().parse::<i64>().ok();
    let (texts, people, reviews) = (form.all("measure_text"), form.all("measure_person"), form.all("measure_review"));
    let measures = texts
        .iter()
        .enumerate()
        .map(|(i, text)| MeasureFields {
            text: text.clone(),
            person_id: people.get(i).and_then(|s| s.trim().parse().ok()),
            review_on: reviews.get(i).cloned().unwrap_or_default(),
        })
        .filter(|m| !m.text.trim().is_empty() || m.person_id.is_some() || !m.review_on.trim().is_empty())
        .collect();
    RiskPointFields {
        unit_id: id("unit_id"),
        year: form.get("year").trim().parse().ok(),
        category: form.get("category"),
        post: form.get("post"),
        power: form.get("power"),
        point: form.get("point"),
        manifestation: form.get("manifestation"),
        level: form.get("level"),
        head_id: id("head_id"),
        leader_id: id("leader_id"),
        measures,
    }
}

fn new_target() -> FormTarget {
    FormTarget::new("申报廉政风险点", "/risk/new", "/risk")
}

fn edit_target(id: i64) -> FormTarget {
    FormTarget::new(format!("修改廉政风险点（编号 {id}）"), format!("/risk/{id}/edit"), format!("/risk/{id}"))
}

pub async fn new_form(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    let mut unit_id = params.int("unit")?;
    if unit_id.is_none() {
        if let Some(me) = p.person_id {
            unit_id = people::get(&state.db, &Scope::all(), me).await.ok().map(|m| m.unit_id);
        }
    }
    let year = params.int("year")?.and_then(|y| i32::try_from(y).ok()).or(Some(this_year()));
    let f = RiskPointFields { unit_id, year, ..Default::default() };
    point_form(&state, &p, new_target(), f, FieldErrors::default()).await
}

pub async fn create(Ctx { state, p }: Ctx, form: FormPairs) -> PageResult {
    let f = fields_from(&form);
    match service::create(&state, &p, &f).await {
        Ok(id) => Ok(see_other(format!("/risk/{id}"))),
        Err(e) => point_form(&state, &p, new_target(), f, form_errors(e, "unit_id")?).await,
    }
}

pub async fn edit_form(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>) -> PageResult {
    let point = store::get(&state.db, &p.scope, id, today()).await?;
    point_form(&state, &p, edit_target(id), point.fields(), FieldErrors::default()).await
}

pub async fn edit(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, form: FormPairs) -> PageResult {
    let point = store::get(&state.db, &p.scope, id, today()).await?;
    let f = fields_from(&form);
    match service::edit(&state, &p, &point, &f).await {
        Ok(()) => Ok(see_other(format!("/risk/{id}"))),
        Err(crate::http::ApiError::Conflict(m)) => {
            let mut e = FieldErrors::default();
            e.push("point", m);
            point_form(&state, &p, edit_target(id), f, e).await
        }
        Err(e) => point_form(&state, &p, edit_target(id), f, form_errors(e, "unit_id")?).await,
    }
}
