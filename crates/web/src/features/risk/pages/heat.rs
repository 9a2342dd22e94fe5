//! 廉政风险热力图: a year's accepted points by unit × level and unit × 风险类别 (ECharts, drawn
//! from `/api/v1/risk-points/heat-map`, and the same counts as tables for print and without
//! script); each cell opens the register narrowed to it. Units with high-level points and no
//! measure due for review are flagged.

use askama::Template;
use qingfeng_domain::risk::{RiskCategory, RiskLevel};
use qingfeng_store::fulfilment::today;
use qingfeng_store::risk::{self as store, FlaggedUnit, HeatMap};

use super::year_options;
use crate::auth::Ctx;
use crate::features::risk::service::{risk_filter, this_year};
use crate::http::{render, Nav, Opt, PageResult, Params};

/// One line of a count table: the unit and its count per column (None shows as empty).
pub struct Line {
    pub unit_id: i64,
    pub unit: String,
    pub cells: Vec<(String, i64)>,
}

#[derive(Template)]
#[template(path = "risk/heat.html")]
struct HeatPage {
    nav: Nav,
    year: i32,
    years: Vec<Opt>,
    levels: Vec<(String, String)>,
    categories: Vec<(String, String)>,
    by_level: Vec<Line>,
    by_category: Vec<Line>,
    flagged: Vec<FlaggedUnit>,
    api: String,
}

fn lines(m: &HeatMap, cells: &[qingfeng_store::risk::HeatCell], keys: &[(String, String)]) -> Vec<Line> {
    m.units
        .iter()
        .map(|u| Line {
            unit_id: u.id,
            unit: u.name.clone(),
            cells: keys
                .iter()
                .map(|(k, _)| {
                    let n = cells.iter().find(|c| c.unit_id == u.id && &c.key == k).map(|c| c.count).unwrap_or(0);
                    (k.clone(), n)
                })
                .collect(),
        })
        .collect()
}

pub async fn heat_map(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    let year = risk_filter(&params, Some(this_year()))?.year.unwrap_or_else(this_year);
    let m = store::heat_map(&state.db, &p.scope, year, today()).await?;
    let levels: Vec<(String, String)> =
        RiskLevel::ALL.iter().rev().map(|l| (l.key().to_string(), l.label().to_string())).collect();
    let categories: Vec<(String, String)> =
        RiskCategory::ALL.iter().map(|c| (c.key().to_string(), c.label().to_string())).collect();
    render(&HeatPage {
        nav: Nav::new(&p, "risk"),
        year,
        years: year_options(year),
        by_level: lines(&m, &m.by_level, &levels),
        by_category: lines(&m, &m.by_category, &categories),
        levels,
        categories,
        flagged: m.flagged,
        api: format!("/api/v1/risk-points/heat-map?year={year}"),
    })
}
