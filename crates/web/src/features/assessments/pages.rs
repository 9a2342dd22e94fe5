//! 考核 pages: the rounds, a round's results (units with party-building score, business score
//! and grade; leaders), a result's breakdown with its drill-down links and adjustments, and
//! the business scores with their entry form and import.

use askama::Template;
use qingfeng_domain::access::Permission;
use qingfeng_domain::assessment::{AdjustmentFields, Rules};
use qingfeng_domain::FieldErrors;
use qingfeng_store::assessments::{Adjustment, BusinessScore, Round};

use super::service::{self, BusinessFields, ResultView, RoundFields};
use crate::auth::{Ctx, Principal};
use crate::http::{form_errors, render, see_other, FormPairs, Nav, Opt, PagePath, PageResult, Params};
use crate::AppState;

/// The help text every page shows: what is scored, and what never is.
const NO_ACTIVITY: &str = "考核只依据责任落实、任务完成、问题整改和集体决策等实绩，不统计登录次数、在线时长、上传数量等活动情况（整治形式主义为基层减负若干规定禁止按活动排名）。";

#[derive(Template)]
#[template(path = "assessments/list.html")]
struct ListPage {
    nav: Nav,
    help: &'static str,
    rounds: Vec<Round>,
    can_manage: bool,
    f: RoundFields,
    year: String,
    errors: FieldErrors,
}

async fn list_page(state: &AppState, p: &Principal, f: RoundFields, errors: FieldErrors) -> PageResult {
    render(&ListPage {
        nav: Nav::new(p, "assessments"),
        help: NO_ACTIVITY,
        rounds: service::rounds(state, p).await?,
        can_manage: p.can(Permission::AssessmentManage),
        year: f.year.map(|y| y.to_string()).unwrap_or_default(),
        f,
        errors,
    })
}

pub async fn list(Ctx { state, p }: Ctx) -> PageResult {
    let year = i64::from(chrono::Datelike::year(&qingfeng_domain::time::office_today()));
    list_page(&state, &p, RoundFields { year: Some(year), title: String::new() }, FieldErrors::default()).await
}

pub async fn create(Ctx { state, p }: Ctx, form: FormPairs) -> PageResult {
    let f = RoundFields { year: form.get("year").trim().parse().ok(), title: form.get("title") };
    match service::create(&state, &p, &f).await {
        Ok(id) => Ok(see_other(format!("/assessments/{id}"))),
        Err(e) => list_page(&state, &p, f, form_errors(e, "year")?).await,
    }
}

#[derive(Template)]
#[template(path = "assessments/round.html")]
struct RoundPage {
    nav: Nav,
    help: &'static str,
    round: Round,
    units: Vec<ResultView>,
    leaders: Vec<ResultView>,
    rules: Rules,
    weights: Vec<(String, i64)>,
    can_manage: bool,
}

pub async fn round(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>) -> PageResult {
    let d = service::detail(&state, &p, id).await?;
    render(&RoundPage {
        nav: Nav::new(&p, "assessments"),
        help: NO_ACTIVITY,
        can_manage: p.can(Permission::AssessmentManage) && !d.round.published(),
        weights: qingfeng_domain::assessment::Indicator::ALL
            .iter()
            .map(|i| (i.label().to_string(), d.rules.weight(*i)))
            .collect(),
        round: d.round,
        units: d.units,
        leaders: d.leaders,
        rules: d.rules,
    })
}

pub async fn compute(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>) -> PageResult {
    service::compute(&state, &p, id).await?;
    Ok(see_other(format!("/assessments/{id}")))
}

pub async fn publish(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>) -> PageResult {
    service::publish(&state, &p, id).await?;
    Ok(see_other(format!("/assessments/{id}")))
}

#[derive(Template)]
#[template(path = "assessments/result.html")]
struct ResultPage {
    nav: Nav,
    help: &'static str,
    round: Round,
    r: ResultView,
    adjustments: Vec<Adjustment>,
    can_adjust: bool,
    f: AdjustmentFields,
    errors: FieldErrors,
    adjust_max: i64,
}

async fn result_page(
    state: &AppState,
    p: &Principal,
    id: i64,
    subject: (Option<i64>, Option<i64>),
    f: AdjustmentFields,
    errors: FieldErrors,
) -> PageResult {
    let d = service::result(state, p, id, subject.0, subject.1).await?;
    let rules = qingfeng_store::assessments::rules(&state.db).await?;
    render(&ResultPage {
        nav: Nav::new(p, "assessments"),
        help: NO_ACTIVITY,
        can_adjust: p.can(Permission::AssessmentManage) && !d.round.published(),
        round: d.round,
        r: d.result,
        adjustments: d.adjustments,
        f,
        adjust_max: rules.adjust_max,
        errors,
    })
}

pub async fn unit_result(Ctx { state, p }: Ctx, PagePath((id, unit)): PagePath<(i64, i64)>) -> PageResult {
    result_page(&state, &p, id, (Some(unit), None), AdjustmentFields::default(), FieldErrors::default()).await
}

pub async fn leader_result(Ctx { state, p }: Ctx, PagePath((id, person)): PagePath<(i64, i64)>) -> PageResult {
    result_page(&state, &p, id, (None, Some(person)), AdjustmentFields::default(), FieldErrors::default()).await
}

/// Saves a deduction or addition from a breakdown page and returns to it.
pub async fn adjust(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, form: FormPairs) -> PageResult {
    let num = |k: &str| form.get(k).trim().parse::<i64>().ok();
    let f = AdjustmentFields {
        unit_id: num("unit_id"),
        person_id: num("person_id"),
        points: form.get("points"),
        reason: form.get("reason"),
    };
    let subject = if f.person_id.is_some() { (None, f.person_id) } else { (f.unit_id, None) };
    match service::adjust(&state, &p, id, &f).await {
        Ok(_) => Ok(see_other(match f.person_id {
            Some(pid) => format!("/assessments/{id}/leaders/{pid}"),
            None => format!("/assessments/{id}/units/{}", f.unit_id.unwrap_or(0)),
        })),
        Err(e) => {
            let errors = form_errors(e, "points")?;
            let mut res = result_page(&state, &p, id, subject, f, errors).await?;
            *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
    }
}

#[derive(Template)]
#[template(path = "assessments/business.html")]
struct BusinessPage {
    nav: Nav,
    year: i32,
    rows: Vec<BusinessScore>,
    can_manage: bool,
    units: Vec<Opt>,
    f: BusinessFields,
    errors: FieldErrors,
}

async fn business_page(
    state: &AppState,
    p: &Principal,
    year: i32,
    f: BusinessFields,
    errors: FieldErrors,
) -> PageResult {
    let rows = service::business_scores(state, p, year).await?;
    render(&BusinessPage {
        nav: Nav::new(p, "assessment-business"),
        year,
        can_manage: p.can(Permission::AssessmentManage),
        units: rows.iter().map(|b| Opt::new(b.unit_id, &b.unit_name, f.unit_id == Some(b.unit_id))).collect(),
        rows,
        f,
        errors,
    })
}

pub async fn business(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    let year = service::year_param(&params)?;
    let f = BusinessFields { year: Some(i64::from(year)), ..Default::default() };
    business_page(&state, &p, year, f, FieldErrors::default()).await
}

pub async fn set_business(Ctx { state, p }: Ctx, form: FormPairs) -> PageResult {
    let f = BusinessFields {
        year: form.get("year").trim().parse().ok(),
        unit_id: form.get("unit_id").trim().parse().ok(),
        score: form.get("score"),
        note: form.get("note"),
    };
    let year = f.year.filter(|y| (2000..=2100).contains(y)).unwrap_or(2000) as i32;
    match service::set_business(&state, &p, &f).await {
        Ok(()) => Ok(see_other(format!("/assessments/business?year={year}"))),
        Err(e) => {
            let errors = form_errors(e, "unit_id")?;
            let mut res = business_page(&state, &p, year, f, errors).await?;
            *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
    }
}
