//! The monthly 四风 report page: the month chosen, every number a link to what it counts (the
//! people counts only for the 纪检组, who may read the records behind them).

use askama::Template;

use super::service::{self, FourWindsLine, FourWindsReport};
use crate::auth::Ctx;
use crate::features::discipline::service::is_group;
use crate::http::{render, Nav, PageResult, Params};

/// A number of the report and the list it counts.
pub struct Cell {
    pub n: i64,
    pub href: String,
}

pub struct Line {
    pub level: &'static str,
    pub label: String,
    pub cells: Vec<Cell>,
}

#[derive(Template)]
#[template(path = "four_winds/report.html")]
struct ReportPage {
    nav: Nav,
    r: FourWindsReport,
    lines: Vec<Line>,
    group: bool,
}

/// The query that narrows a list to a line's categories.
fn category_query(l: &FourWindsLine) -> String {
    match (l.category, l.group) {
        (Some(c), _) => format!("category={c}"),
        (None, Some(g)) => format!("group={g}"),
        (None, None) => "four_winds=true".into(),
    }
}

fn cells(l: &FourWindsLine, r: &FourWindsReport) -> Vec<Cell> {
    let cat = category_query(l);
    // the findings list knows a category or a group; the total links to nothing narrower
    let findings = |from| match l.level {
        "total" => String::new(),
        _ => format!("/findings?{cat}&from={from}&to={}", r.to),
    };
    let people = |from, extra: &str| format!("/discipline-records?{cat}&from={from}&to={}{extra}", r.to);
    let (m, y) = (l.month, l.year);
    vec![
        Cell { n: m.problems, href: findings(r.from) },
        Cell { n: m.handled, href: people(r.from, "") },
        Cell { n: m.sanctioned, href: people(r.from, "&sanctions=true") },
        Cell { n: y.problems, href: findings(r.year_from) },
        Cell { n: y.handled, href: people(r.year_from, "") },
        Cell { n: y.sanctioned, href: people(r.year_from, "&sanctions=true") },
    ]
}

pub async fn report(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    let r = service::report(&state, &p, &params).await?;
    let group = is_group(&state, &p).await?;
    let lines = r
        .lines
        .iter()
        .map(|l| {
            let mut cs = cells(l, &r);
            if !group {
                for (i, c) in cs.iter_mut().enumerate() {
                    if i % 3 != 0 {
                        c.href.clear();
                    }
                }
            }
            Line { level: l.level, label: l.label.clone(), cells: cs }
        })
        .collect();
    render(&ReportPage { nav: Nav::new(&p, "four-winds"), r, lines, group })
}
