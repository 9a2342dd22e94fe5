//! 整改统计: rectification rate, overdue, by category, look-back.

use askama::Template;
use qingfeng_domain::access::Permission;
use qingfeng_store::findings::{self as store, Stats, Tally};
use qingfeng_store::fulfilment::today;

use super::{campaign_options, rate_text, state_class, unit_options};
use crate::auth::Ctx;
use crate::features::findings::service::finding_filter;
use crate::http::Params;
use crate::http::{render, Nav, Opt, PageResult};

pub struct TallyRow {
    pub label: String,
    /// query for the drill-down links, e.g. "category=gifts"
    pub q: String,
    pub total: u64,
    pub signed_off: u64,
    pub due: u64,
    pub rate: String,
    pub open: u64,
    pub overdue_findings: u64,
    pub overdue_measures: u64,
}

pub(super) fn tally_row(label: &str, q: String, t: &Tally) -> TallyRow {
    TallyRow {
        label: label.to_string(),
        q,
        total: t.total,
        signed_off: t.signed_off,
        due: t.due,
        rate: rate_text(t),
        open: t.open,
        overdue_findings: t.overdue_findings,
        overdue_measures: t.overdue_measures,
    }
}

#[derive(Template)]
#[template(path = "findings/stats.html")]
struct Dashboard {
    nav: Nav,
    as_of: String,
    /// "&unit=3&campaign=1": the dashboard's own filters, kept by every drill-down link
    base_q: String,
    /// "&campaign=1": kept by the unit rows (which name their own unit)
    campaign_q: String,
    api: String,
    units: Vec<Opt>,
    campaigns: Vec<Opt>,
    total: TallyRow,
    states: Vec<(String, String, u64, &'static str)>,
    groups: Vec<TallyRow>,
    categories: Vec<TallyRow>,
    sources: Vec<TallyRow>,
    by_unit: Vec<TallyRow>,
    lb_signed_off: u64,
    lb_done: u64,
    lb_held: u64,
    lb_recurred: u64,
    lb_due: u64,
    lb_reopened: u64,
    lb_rate: String,
    look_back_months: u32,
    can_campaigns: bool,
}

pub(super) fn dashboard_rows(s: &Stats) -> (Vec<TallyRow>, Vec<TallyRow>, Vec<TallyRow>, Vec<TallyRow>) {
    let enc = |k: &str, v: &str| serde_urlencoded::to_string([(k, v)]).unwrap_or_default();
    (
        s.by_group.iter().map(|g| tally_row(&g.label, enc("group", &g.key), &g.tally)).collect(),
        s.by_category.iter().map(|c| tally_row(&c.label, enc("category", &c.key), &c.tally)).collect(),
        s.by_source.iter().map(|c| tally_row(&c.label, enc("source", &c.key), &c.tally)).collect(),
        s.by_unit
            .iter()
            .map(|u| tally_row(&u.unit_name, format!("unit={}&include_sub=false", u.unit_id), &u.tally))
            .collect(),
    )
}

pub async fn dashboard(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    let filter = finding_filter(&params)?;
    let s = store::stats(&state.db, &p.scope, &filter, today()).await?;
    let keep: Vec<(&str, String)> =
        ["unit", "campaign"].iter().filter_map(|k| params.str(k).map(|v| (*k, v))).collect();
    let base = serde_urlencoded::to_string(&keep).unwrap_or_default();
    let base_q = if base.is_empty() { String::new() } else { format!("&{base}") };
    let campaign_q = filter.campaign_id.map(|c| format!("&campaign={c}")).unwrap_or_default();
    let (groups, categories, sources, by_unit) = dashboard_rows(&s);
    render(&Dashboard {
        nav: Nav::new(&p, "finding-stats"),
        as_of: s.as_of.to_string(),
        api: format!("/api/v1/findings/stats?{base}"),
        units: unit_options(&state.db, &p.scope, filter.unit_id).await?,
        campaigns: campaign_options(&state.db, filter.campaign_id).await?,
        total: tally_row("合计", String::new(), &s.total),
        states: s.by_state.iter().map(|c| (c.state.clone(), c.label.clone(), c.count, state_class(&c.state))).collect(),
        groups,
        categories,
        sources,
        by_unit,
        lb_signed_off: s.look_back.signed_off,
        lb_done: s.look_back.done,
        lb_held: s.look_back.held,
        lb_recurred: s.look_back.recurred,
        lb_due: s.look_back.due_now,
        lb_reopened: s.look_back.reopened,
        lb_rate: s.look_back.recurrence_rate.map(|r| format!("{r:.1}%")).unwrap_or_else(|| "—".into()),
        look_back_months: store::look_back_setting(&state.db).await?,
        can_campaigns: p.can(Permission::CampaignRead),
        base_q,
        campaign_q,
    })
}
