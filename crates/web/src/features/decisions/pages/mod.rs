//! 三重一大 pages: the meeting list, a meeting with its checks (and the 纪检组's 转为问题), the
//! meeting form with its live checks, and the R-DEC-8 register.

mod form;
mod register;

use askama::Template;
use chrono::Datelike;
use qingfeng_domain::access::Permission;
use qingfeng_domain::decisions::Body;
use qingfeng_store::decisions::{self as store, Meeting, MeetingSummary};

pub use form::{check, create, edit, edit_form, new_form};
pub use register::{create_entry, link_entry, register};

use super::service;
use crate::auth::Ctx;
use crate::features::findings::checked_api::Checked;
use crate::features::findings::from_checks::{check_rows, converted_page, CheckRow};
use crate::http::{render, FormPairs, Nav, Opt, PagePath, PageResult, Pager, Params};

fn body_options(chosen: Option<Body>) -> Vec<Opt> {
    Body::ALL.iter().map(|b| Opt::new(b.key(), b.label(), chosen == Some(*b))).collect()
}

#[derive(Template)]
#[template(path = "decisions/list.html")]
struct ListPage {
    nav: Nav,
    rows: Vec<MeetingSummary>,
    bodies: Vec<Opt>,
    year: String,
    failed: bool,
    export_query: String,
    pager: Pager,
    can_write: bool,
}

pub async fn list(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    let filter = service::meeting_filter(&params)?;
    let page = store::list(&state.db, &p.scope, &filter, Some(params.paging()?)).await?;
    let keep: Vec<(&str, String)> =
        service::MEETING_FILTERS.iter().filter_map(|k| params.str(k).map(|v| (*k, v))).collect();
    render(&ListPage {
        nav: Nav::new(&p, "decisions"),
        pager: Pager::new("/decisions", &page, &keep),
        export_query: serde_urlencoded::to_string(&keep).unwrap_or_default(),
        rows: page.items,
        bodies: body_options(filter.body),
        year: params.str("year").unwrap_or_default(),
        failed: filter.failed,
        can_write: p.can(Permission::DecisionWrite),
    })
}

#[derive(Template)]
#[template(path = "decisions/detail.html")]
struct DetailPage {
    nav: Nav,
    m: Meeting,
    checks: Vec<CheckRow>,
    failed: usize,
    can_write: bool,
    can_convert: bool,
    flash: Option<String>,
    /// may break a passed topic down into tasks (督查督办)
    can_implement: bool,
    /// (topic id, decision id) of the topics already broken down
    implemented: Vec<(i64, i64)>,
}

impl DetailPage {
    /// The decision made of a topic, if it was broken down.
    fn implementation_of(&self, topic: &i64) -> Option<i64> {
        self.implemented.iter().find(|(t, _)| t == topic).map(|(_, d)| *d)
    }
}

pub async fn detail(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, params: Params) -> PageResult {
    let m = store::get(&state.db, &p.scope, id).await?;
    let checks = check_rows(&m.checks, &m.findings);
    render(&DetailPage {
        nav: Nav::new(&p, "decisions"),
        failed: m.failed().len(),
        checks,
        can_write: p.can(Permission::DecisionWrite) && p.scope.covers_unit(m.unit_id, &m.unit_path),
        can_convert: p.can(Permission::DecisionConvert),
        flash: params.str("refused"),
        can_implement: p.can(Permission::ImplementationWrite),
        implemented: if p.can(Permission::SupervisionRead) {
            qingfeng_store::supervision::topics_implemented(&state.db, m.id).await?
        } else {
            Vec::new()
        },
        m,
    })
}

/// 转为问题 (the 纪检组): the failed check becomes a finding; the page opens it.
pub async fn convert(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, form: FormPairs) -> PageResult {
    converted_page(
        service::Meetings::convert(&state, &p, id, form.get("rule").trim()).await,
        &format!("/decisions/{id}"),
    )
}

/// The year of the office today (the dashboard counts this year's meetings).
pub fn this_year_start() -> chrono::NaiveDate {
    let y = qingfeng_domain::time::office_today().year();
    chrono::NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or_default()
}
