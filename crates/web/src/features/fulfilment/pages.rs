//! 落实情况: the pressure-transmission dashboard. The same figures are printed in tables (every
//! number drills down) and drawn by ECharts from `/api/v1/fulfilment` (assets/app.js).

use askama::Template;
use axum::response::{IntoResponse, Redirect};

use super::service::{report, Flagged, PersonReport, Report, ScopeReport, TallyView};
use crate::auth::Ctx;
use crate::http::Params;
use crate::http::{render, Nav, PageResult};

pub struct Flag {
    pub item_id: i64,
    pub owner: String,
    pub text: String,
    pub done: i64,
    pub required: i64,
    /// what is missing ("第二、三季度未开展"), or else the due date
    pub missing: String,
}

#[derive(Template)]
#[template(path = "fulfilment/dashboard.html")]
struct Dashboard {
    nav: Nav,
    year: i64,
    years: Vec<i64>,
    as_of: String,
    lead_days: u64,
    unit_id: Option<i64>,
    unit_name: Option<String>,
    unit_q: String,
    up_link: Option<String>,
    api: String,
    total_rate: String,
    total_items: u64,
    red_total: i64,
    yellow_total: i64,
    /// (from, to, amount, what it is, flagged)
    pressure: Vec<(String, String, String, &'static str, bool)>,
    /// (id, name, items, rate, overdue, due_soon)
    units: Vec<(i64, String, u64, String, u64, u64)>,
    /// (key, label, items, rate, overdue, due_soon)
    levels: Vec<(String, String, u64, String, u64, u64)>,
    red: Vec<Flag>,
    yellow: Vec<Flag>,
}

/// How the fulfilment rate changes from one level to the next, in words: a drop (落差), a
/// rise (the lower level does better), or no change.
fn describe_drop(points: f64) -> (String, &'static str) {
    if points >= 0.05 {
        (format!("{points:.1} 个百分点"), "落实率落差")
    } else if points <= -0.05 {
        (format!("{:.1} 个百分点", -points), "落实率不降反升")
    } else {
        ("0 个百分点".to_string(), "落实率持平")
    }
}

fn rate(t: &TallyView) -> String {
    t.rate.map(|r| format!("{r:.1}%")).unwrap_or_else(|| "—".into())
}

fn flags(f: &Flagged) -> Vec<Flag> {
    f.items
        .iter()
        .map(|f| Flag {
            item_id: f.item_id,
            owner: match &f.person_name {
                Some(p) => format!("{}（{}）", p, f.unit_name),
                None => f.unit_name.clone(),
            },
            text: f.text.clone(),
            done: f.done,
            required: f.required,
            missing: match (f.missing.is_empty(), f.next_due) {
                (false, _) => f.missing.clone(),
                (true, Some(d)) => format!("{d}截止"),
                (true, None) => String::new(),
            },
        })
        .collect()
}

/// (items, rate, overdue, due soon) of a tally, as the tables print them.
fn columns(t: &TallyView) -> (u64, String, u64, u64) {
    (t.items.into(), rate(t), t.overdue.into(), t.due_soon.into())
}

pub async fn page(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    // a scope of one's own records only (仅本人) holds no unit to roll up: one's own items,
    // with their states, are the dashboard
    if let Some(me) = p.scope.person_id.filter(|_| p.scope.is_self_only()) {
        let year = params.int("year")?.map(|y| format!("year={y}&")).unwrap_or_default();
        return Ok(Redirect::to(&format!("/responsibility/items?{year}person={me}")).into_response());
    }
    let nav = Nav::new(&p, "dashboard");
    match report(&state, &p, &params).await? {
        Report::Scope(r) => render(&dashboard(nav, &r)),
        Report::Person(r) => render(&person_dashboard(nav, &r)),
    }
}

fn years() -> Vec<i64> {
    let this = qingfeng_store::fulfilment::this_year();
    (this - 3..=this).rev().collect()
}

fn dashboard(nav: Nav, r: &ScopeReport) -> Dashboard {
    let year = r.year;
    let unit_id = r.unit.as_ref().map(|u| u.id);
    let unit_q = unit_id.map(|u| format!("&unit={u}")).unwrap_or_default();
    let units = r
        .by_unit
        .iter()
        .map(|u| {
            let (items, rt, red, yellow) = columns(&u.tally);
            (u.unit_id, u.unit_name.clone(), items, rt, red, yellow)
        })
        .collect();
    let levels = r
        .by_level
        .iter()
        .map(|l| {
            let (items, rt, red, yellow) = columns(&l.tally);
            (l.level.to_string(), l.label.to_string(), items, rt, red, yellow)
        })
        .collect();
    let pressure = r
        .pressure
        .iter()
        .map(|d| {
            let (amount, what) = describe_drop(d.drop_points);
            (d.from.to_string(), d.to.to_string(), amount, what, d.flagged)
        })
        .collect();
    let up_link = r.unit.as_ref().map(|u| match u.parent_id {
        Some(pid) => format!("/dashboard?year={year}&unit={pid}"),
        None => format!("/dashboard?year={year}"),
    });
    Dashboard {
        nav,
        year,
        years: years(),
        as_of: r.as_of.to_string(),
        lead_days: r.lead_days.into(),
        unit_name: r.unit.as_ref().map(|u| u.name.clone()),
        api: format!("/api/v1/fulfilment?year={year}{unit_q}"),
        unit_q,
        unit_id,
        up_link,
        total_rate: rate(&r.total),
        total_items: r.total.items.into(),
        red_total: r.red.total,
        yellow_total: r.yellow.total,
        pressure,
        units,
        levels,
        red: flags(&r.red),
        yellow: flags(&r.yellow),
    }
}

/// `?person=`: the person's totals only (their items are listed by the responsibility pages).
fn person_dashboard(nav: Nav, r: &PersonReport) -> Dashboard {
    let year = r.year;
    Dashboard {
        nav,
        year,
        years: years(),
        as_of: r.as_of.to_string(),
        lead_days: 5,
        unit_id: None,
        unit_name: None,
        unit_q: String::new(),
        up_link: None,
        api: format!("/api/v1/fulfilment?year={year}"),
        total_rate: rate(&r.total),
        total_items: r.total.items.into(),
        red_total: 0,
        yellow_total: 0,
        pressure: Vec::new(),
        units: Vec::new(),
        levels: Vec::new(),
        red: Vec::new(),
        yellow: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::describe_drop;

    #[test]
    fn drops_rises_and_no_change_read_as_such() {
        assert_eq!(describe_drop(16.23), ("16.2 个百分点".to_string(), "落实率落差"));
        assert_eq!(describe_drop(-1.0), ("1.0 个百分点".to_string(), "落实率不降反升"));
        assert_eq!(describe_drop(0.0), ("0 个百分点".to_string(), "落实率持平"));
        assert_eq!(describe_drop(-0.01), ("0 个百分点".to_string(), "落实率持平"));
    }
}
