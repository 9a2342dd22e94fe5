//! 廉政风险防控台账: the register of a year with its filters, and the unit's 排查 actions
//! (提交审核, 复制上年度台账).

use askama::Template;
use axum::http::StatusCode;
use qingfeng_domain::access::Permission;
use qingfeng_domain::risk::{review_deadline, RiskState, UnitYearFields, REVIEW_MONTH_SETTING};
use qingfeng_store::fulfilment::today;
use qingfeng_store::risk::{self as store, RiskPoint};

use super::{category_options, level_class, level_options, state_class, year_options};
use crate::auth::{Ctx, Principal};
use crate::features::findings::pages::{unit_options, with_status};
use crate::features::risk::service::{self, risk_filter, this_year, RISK_FILTERS};
use crate::http::{render, see_other, ApiError, FormPairs, Nav, Opt, PageError, PageResult, Params};
use crate::AppState;

/// One measure as the register shows it.
pub struct MeasureRow {
    pub text: String,
    pub person: String,
    pub review_on: String,
}

pub struct Row {
    pub id: i64,
    pub unit: String,
    pub post: String,
    pub power: String,
    pub category: String,
    pub point: String,
    pub manifestation: String,
    pub level: String,
    pub level_class: &'static str,
    pub raised: bool,
    pub occurred: bool,
    pub measures: Vec<MeasureRow>,
    pub head: String,
    pub leader: String,
    pub state_label: String,
    pub state_class: &'static str,
    /// still a draft after its year's review deadline (逾期未提交)
    pub late: bool,
}

pub fn row(r: &RiskPoint) -> Row {
    Row {
        id: r.id,
        unit: r.unit_name.clone(),
        post: r.post.clone(),
        power: r.power.clone(),
        category: r.category_label.clone(),
        point: r.point.clone(),
        manifestation: r.manifestation.clone(),
        level: r.level_label.clone(),
        level_class: level_class(&r.level),
        raised: !r.raised_from.is_empty(),
        occurred: r.occurred(),
        measures: r
            .measures
            .iter()
            .map(|m| MeasureRow {
                text: m.text.clone(),
                person: m.person_name.clone(),
                review_on: m.review_on.map(|d| d.to_string()).unwrap_or_default(),
            })
            .collect(),
        head: r.head_name.clone().unwrap_or_default(),
        leader: r.leader_name.clone().unwrap_or_default(),
        state_label: r.state_label.clone(),
        state_class: state_class(&r.state),
        late: false,
    }
}

#[derive(Template)]
#[template(path = "risk/register.html")]
struct RegisterPage {
    nav: Nav,
    year: i32,
    deadline: String,
    past_deadline: bool,
    rows: Vec<Row>,
    years: Vec<Opt>,
    units: Vec<Opt>,
    levels: Vec<Opt>,
    categories: Vec<Opt>,
    states: Vec<Opt>,
    q: String,
    occurred: bool,
    query: String,
    total: i64,
    page: i64,
    pages: i64,
    can_write: bool,
    notice: String,
    error: String,
    /// the units the writer may submit or copy for (排查 panel)
    write_units: Vec<Opt>,
}

/// The words of a step just done (`done` and `n` in the query), never taken from the query as text.
fn notice(params: &Params) -> String {
    let n = params.str("n").and_then(|n| n.parse::<usize>().ok()).unwrap_or(0);
    match params.str("done").as_deref() {
        Some("submit") => format!("已提交 {n} 个风险点，等待纪检监察组审核。"),
        Some("carry") => format!("已从上年度台账复制 {n} 个风险点为本年度草稿，请逐项核对后提交审核。"),
        _ => String::new(),
    }
}

async fn register_page(state: &AppState, p: &Principal, params: &Params, error: String) -> PageResult {
    let filter = risk_filter(params, Some(this_year()))?;
    let year = filter.year.unwrap_or_else(this_year);
    let page = store::list(&state.db, &p.scope, &filter, Some(params.paging()?), today()).await?;
    let setting = qingfeng_store::settings::get(&state.db, REVIEW_MONTH_SETTING).await?;
    let deadline = review_deadline(year, setting.as_deref());
    let mut keep: Vec<(&str, String)> = RISK_FILTERS.iter().filter_map(|k| params.str(k).map(|v| (*k, v))).collect();
    if params.str("year").is_none() {
        keep.push(("year", year.to_string()));
    }
    let can_write = p.can(Permission::RiskWrite);
    let failed = !error.is_empty();
    let res = render(&RegisterPage {
        nav: Nav::new(p, "risk"),
        year,
        deadline: deadline.to_string(),
        past_deadline: today() > deadline,
        rows: page
            .items
            .iter()
            .map(|r| Row {
                late: r.state() == RiskState::Draft
                    && i32::try_from(r.year).is_ok_and(|y| today() > review_deadline(y, setting.as_deref())),
                ..row(r)
            })
            .collect(),
        years: year_options(year),
        units: unit_options(&state.db, &p.scope, filter.unit_id).await?,
        levels: level_options(filter.level),
        categories: category_options(filter.category),
        states: RiskState::ALL.iter().map(|s| Opt::new(s.key(), s.label(), filter.state == Some(*s))).collect(),
        q: params.str("q").unwrap_or_default(),
        occurred: filter.occurred,
        query: serde_urlencoded::to_string(keep).unwrap_or_default(),
        pages: ((page.total + page.per_page - 1) / page.per_page).max(1),
        total: page.total,
        page: page.page,
        can_write,
        notice: notice(params),
        error,
        write_units: if can_write { unit_options(&state.db, &p.scope, filter.unit_id).await? } else { vec![] },
    })?;
    Ok(if failed { with_status(res, StatusCode::CONFLICT) } else { res })
}

pub async fn register(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    register_page(&state, &p, &params, String::new()).await
}

fn unit_year(form: &FormPairs) -> UnitYearFields {
    UnitYearFields { unit_id: form.get("unit_id").trim().parse().ok(), year: form.get("year").trim().parse().ok() }
}

/// After 提交审核 or 复制上年度: back to the unit's register with the outcome, or the register
/// with the refusal.
async fn after(
    state: &AppState,
    p: &Principal,
    f: &UnitYearFields,
    done: &str,
    r: Result<usize, ApiError>,
) -> PageResult {
    let year = f.year.unwrap_or_else(this_year);
    let unit = f.unit_id.map(|u| format!("&unit={u}&include_sub=false")).unwrap_or_default();
    let mut back = std::collections::HashMap::from([("year".to_string(), year.to_string())]);
    if let Some(u) = f.unit_id {
        back.insert("unit".into(), u.to_string());
        back.insert("include_sub".into(), "false".into());
    }
    let back = Params(back);
    match r {
        Ok(n) => Ok(see_other(format!("/risk?year={year}{unit}&done={done}&n={n}"))),
        Err(ApiError::Invalid(e)) => {
            let msg = e.0.iter().map(|x| x.message.clone()).collect::<Vec<_>>().join("；");
            register_page(state, p, &back, msg).await
        }
        Err(ApiError::Conflict(m) | ApiError::Forbidden(m)) => register_page(state, p, &back, m).await,
        Err(other) => Err(PageError(other)),
    }
}

/// `POST /risk/submit`: 提交审核 of a unit's register of a year.
pub async fn submit(Ctx { state, p }: Ctx, form: FormPairs) -> PageResult {
    let f = unit_year(&form);
    let r = service::submit(&state, &p, &f).await;
    after(&state, &p, &f, "submit", r).await
}

/// `POST /risk/carry-forward`: 复制上年度台账.
pub async fn carry_forward(Ctx { state, p }: Ctx, form: FormPairs) -> PageResult {
    let f = unit_year(&form);
    let r = service::carry_forward(&state, &p, &f).await;
    after(&state, &p, &f, "carry", r).await
}
