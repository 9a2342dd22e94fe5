//! 问题清单: the list of findings with its filters.

use askama::Template;
use qingfeng_domain::access::Permission;
use qingfeng_domain::findings::{Category, FindingState, Source};
use qingfeng_domain::labels::Labels;
use qingfeng_domain::time::office_today;
use qingfeng_store::findings::{self as store, Finding};

use super::{campaign_options, category_options, state_class, unit_options};
use crate::auth::Ctx;
use crate::features::findings::service::finding_filter;
use crate::features::findings::service::FINDING_FILTERS;
use crate::http::Params;
use crate::http::{render, Nav, Opt, PageResult};

pub struct Row {
    pub id: i64,
    pub found_on: String,
    pub unit: String,
    pub category: String,
    pub description: String,
    pub source: String,
    pub severity: String,
    pub state_label: String,
    pub state_class: &'static str,
    pub measures: String,
    pub overdue: bool,
    pub recurrence_of: Option<i64>,
    pub look_back: String,
}

fn row(labels: &Labels, f: &Finding) -> Row {
    let short: String = f.description.chars().take(60).collect();
    Row {
        id: f.id,
        found_on: f.found_on.to_string(),
        unit: f.unit_name.clone(),
        category: Category::from_key(&f.category).map(|c| labels.category_short(c)).unwrap_or("").to_string(),
        description: if short.chars().count() < f.description.chars().count() { format!("{short}…") } else { short },
        source: f.source_label.clone(),
        severity: f.severity_label.clone(),
        state_label: f.state_label.clone(),
        state_class: state_class(&f.state),
        measures: if f.measure_count > 0 {
            format!("{}/{}", f.measure_count - f.open_measures, f.measure_count)
        } else {
            "—".into()
        },
        overdue: f.overdue,
        recurrence_of: f.recurrence_of,
        look_back: f.look_back_label.clone().unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "findings/findings.html")]
struct ListPage {
    nav: Nav,
    rows: Vec<Row>,
    states: Vec<Opt>,
    categories: Vec<Opt>,
    sources: Vec<Opt>,
    units: Vec<Opt>,
    campaigns: Vec<Opt>,
    q: String,
    overdue: bool,
    voided: bool,
    filtered_note: String,
    query: String,
    total: i64,
    page: i64,
    pages: i64,
    next_after: Option<i64>,
    prev_before: Option<i64>,
    can_write: bool,
    can_export: bool,
    can_import: bool,
    can_campaigns: bool,
}

pub async fn page(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    let filter = finding_filter(&params)?;
    let page = store::list(&state.db, &p.scope, &filter, Some(params.paging()?), office_today()).await?;
    let keep: Vec<(&str, String)> = FINDING_FILTERS.iter().filter_map(|k| params.str(k).map(|v| (*k, v))).collect();
    // filters the form does not show, named so the user sees why the list is narrowed
    let mut notes = Vec::new();
    if let Some(g) = &filter.group {
        notes.push(format!("类别：{g}"));
    }
    if let Some(s) = filter.severity {
        notes.push(format!("严重程度：{}", s.label()));
    }
    if let Some(o) = filter.origin {
        notes.push(o.label().to_string());
    }
    if let Some(lb) = filter.look_back {
        notes.push(lb.label().to_string());
    }
    if filter.recurrence {
        notes.push("回头看后重新登记的反弹问题".into());
    }
    if filter.person_id.is_some() {
        notes.push("指定责任人".into());
    }
    if let Some(r) = filter.risk_point_id {
        notes.push(format!("指向廉政风险点 {r}"));
    }
    let labels = qingfeng_store::dicts::labels(&state.db).await?;
    render(&ListPage {
        nav: Nav::new(&p, "findings"),
        rows: page.items.iter().map(|f| row(&labels, f)).collect(),
        states: FindingState::ALL.iter().map(|s| Opt::new(s.key(), s.label(), filter.state == Some(*s))).collect(),
        categories: category_options(&labels, filter.category),
        sources: Source::ALL.iter().map(|s| Opt::new(s.key(), s.label(), filter.source == Some(*s))).collect(),
        units: unit_options(&state.db, &p.scope, filter.unit_id).await?,
        campaigns: campaign_options(&state.db, filter.campaign_id).await?,
        q: params.str("q").unwrap_or_default(),
        overdue: filter.overdue,
        voided: filter.voided == qingfeng_store::query::Voided::Only,
        filtered_note: notes.join("，"),
        query: serde_urlencoded::to_string(keep).unwrap_or_default(),
        pages: ((page.total + page.per_page - 1) / page.per_page).max(1),
        next_after: page.next_after,
        prev_before: page.prev_before,
        total: page.total,
        page: page.page,
        can_write: p.can(Permission::FindingWrite),
        can_export: p.can(Permission::FindingExport),
        can_import: p.can(Permission::FindingImport),
        can_campaigns: p.can(Permission::CampaignRead),
    })
}
