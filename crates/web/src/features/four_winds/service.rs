//! The monthly 四风 report in the layout of the CCDI's monthly figures: by category and
//! sub-type, 问题数, 批评教育和处理人数 and 其中党纪政务处分人数, for the month and the year to
//! date, every number with the list it counts.

use chrono::{Datelike, NaiveDate};
use qingfeng_domain::findings::Category;
use qingfeng_domain::time::office_today;
use qingfeng_store::discipline::{four_winds_tally, FourWindsTally};
use serde::Serialize;

use crate::auth::Principal;
use crate::http::{ApiError, ApiResult, Params};
use crate::AppState;

/// One line of the report.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FourWindsLine {
    /// `total`, `group` or `item`
    pub level: &'static str,
    /// 类别 as the report prints it
    pub label: String,
    /// the category key of an item line
    pub category: Option<&'static str>,
    /// the group of a group or item line
    pub group: Option<&'static str>,
    /// 当月
    pub month: FourWindsTally,
    /// 本年累计 (1 January to the end of the month)
    pub year: FourWindsTally,
}

/// The report of one month.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FourWindsReport {
    /// `YYYY-MM`
    pub month: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub year_from: NaiveDate,
    pub lines: Vec<FourWindsLine>,
}

pub const GROUPS: [&str; 2] = ["形式主义官僚主义", "享乐主义奢靡之风"];

/// `month=YYYY-MM` (default: the last complete month, the one a report is filed for), not after
/// this month.
pub fn month_param(params: &Params) -> ApiResult<NaiveDate> {
    let today = office_today();
    let first = match params.str("month") {
        None => today.with_day(1).and_then(|d| d.checked_sub_months(chrono::Months::new(1))).unwrap_or(today),
        Some(s) => NaiveDate::parse_from_str(&format!("{s}-01"), "%Y-%m-%d")
            .map_err(|_| ApiError::bad_request("参数 month 应为年月，如 2026-11", Some("month")))?,
    };
    if first > today {
        return Err(ApiError::bad_request("参数 month 不能晚于本月", Some("month")));
    }
    Ok(first)
}

fn last_day(first: NaiveDate) -> NaiveDate {
    first.checked_add_months(chrono::Months::new(1)).and_then(|d| d.pred_opt()).unwrap_or(first)
}

fn four_winds() -> Vec<Category> {
    Category::ALL.iter().copied().filter(|c| c.is_four_winds()).collect()
}

/// What an item line prints: the sub-type, or for the general category of a group "其他…问题".
fn item_label(c: Category) -> String {
    if c.short_label() == c.group() {
        format!("其他{}问题", c.group())
    } else {
        c.short_label().to_string()
    }
}

pub async fn report(state: &AppState, p: &Principal, params: &Params) -> ApiResult<FourWindsReport> {
    let from = month_param(params)?;
    let to = last_day(from);
    let year_from = NaiveDate::from_ymd_opt(from.year(), 1, 1).unwrap_or(from);
    let mut lines = Vec::new();
    let mut line = |level, label: String, category, group, cs: Vec<Category>| {
        lines.push((
            FourWindsLine { level, label, category, group, month: Default::default(), year: Default::default() },
            cs,
        ));
    };
    line("total", "合计".into(), None, None, four_winds());
    for g in GROUPS {
        let cs: Vec<Category> = four_winds().into_iter().filter(|c| c.group() == g).collect();
        line("group", g.to_string(), None, Some(g), cs.clone());
        for c in cs {
            line("item", item_label(c), Some(c.key()), Some(g), vec![c]);
        }
    }
    let mut out = Vec::with_capacity(lines.len());
    for (mut l, cs) in lines {
        l.month = four_winds_tally(&state.db, &p.scope, &cs, from, to).await?;
        l.year = four_winds_tally(&state.db, &p.scope, &cs, year_from, to).await?;
        out.push(l);
    }
    Ok(FourWindsReport { month: from.format("%Y-%m").to_string(), from, to, year_from, lines: out })
}
