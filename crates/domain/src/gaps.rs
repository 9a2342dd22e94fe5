//! What a responsibility item still lacks, in words: "第二、三季度未开展" rather than the next
//! due date. Read from the item's [`ItemStatus`] (its frequency's windows and the entries credited
//! to each), so the home page, the item lists and the item page say the same thing.
//!
//! # Rule
//!
//! For the windows that have started, in order:
//! - windows past their due date with no entry at all are *missing*: "第二、三季度未开展";
//! - windows past their due date with some entries but fewer than required are *short*:
//!   "第一季度只开展1次（要求2次）";
//! - a window due within the lead days and not met is *due soon*: "第四季度尚未开展，12月31日截止"
//!   or "第四季度已开展1次，尚差1次，12月31日截止".
//!
//! Windows not yet due and not yet close to due are not gaps (work still in time), and a met
//! window never is.

use chrono::Datelike;

use crate::fulfilment::{ItemStatus, PeriodStatus, State};
use crate::responsibility::Period;

const CN: [&str; 4] = ["一", "二", "三", "四"];

/// Several windows of one period named together: "第二、三季度", "3、5月", "上、下半年", "全年".
pub fn windows_label(per: Period, indices: &[u32]) -> String {
    match (per, indices) {
        (_, []) => String::new(),
        (_, [one]) => per.window_label(*one),
        (Period::Quarter, many) => {
            let names: Vec<&str> =
                many.iter().map(|i| CN.get(i.saturating_sub(1) as usize).copied().unwrap_or("?")).collect();
            format!("第{}季度", names.join("、"))
        }
        (Period::HalfYear, _) => "上、下半年".to_string(),
        (Period::Month, many) => {
            let names: Vec<String> = many.iter().map(u32::to_string).collect();
            format!("{}月", names.join("、"))
        }
        (Period::Year, _) => per.window_label(1),
    }
}

fn short(per: Period, p: &PeriodStatus) -> String {
    format!("{}只开展{}次（要求{}次）", per.window_label(p.index), p.entries, p.required)
}

fn due_soon(per: Period, p: &PeriodStatus) -> String {
    let when = format!("{}月{}日截止", p.due.month(), p.due.day());
    match p.entries {
        0 => format!("{}尚未开展，{when}", per.window_label(p.index)),
        n => format!("{}已开展{n}次，尚差{}次，{when}", per.window_label(p.index), p.required.saturating_sub(n)),
    }
}

/// The item's gaps as phrases, in the order above; empty when nothing is missing or due soon.
pub fn gaps(per: Period, status: &ItemStatus) -> Vec<String> {
    let overdue = || status.periods.iter().filter(|p| p.state == State::Overdue);
    let missing: Vec<u32> = overdue().filter(|p| p.entries == 0).map(|p| p.index).collect();
    let mut out = Vec::new();
    if !missing.is_empty() {
        out.push(format!("{}未开展", windows_label(per, &missing)));
    }
    out.extend(overdue().filter(|p| p.entries > 0).map(|p| short(per, p)));
    out.extend(status.periods.iter().filter(|p| p.state == State::DueSoon).map(|p| due_soon(per, p)));
    out
}

/// The gaps in one sentence ("第二、三季度未开展；第四季度尚未开展，12月31日截止"), `None` when
/// there are none.
pub fn gap_text(per: Period, status: &ItemStatus) -> Option<String> {
    let parts = gaps(per, status);
    (!parts.is_empty()).then(|| parts.join("；"))
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::fulfilment::evaluate;
    use crate::responsibility::Requirement;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn text(req: Requirement, entries: &[NaiveDate], as_of: NaiveDate) -> Option<String> {
        gap_text(req.per, &evaluate(2026, req, entries, as_of, 5))
    }

    #[test]
    fn labels_of_several_windows() {
        assert_eq!(windows_label(Period::Quarter, &[2, 3]), "第二、三季度");
        assert_eq!(windows_label(Period::Quarter, &[1, 2, 3, 4]), "第一、二、三、四季度");
        assert_eq!(windows_label(Period::Quarter, &[4]), "第四季度");
        assert_eq!(windows_label(Period::Month, &[3, 5]), "3、5月");
        assert_eq!(windows_label(Period::Month, &[11]), "11月");
        assert_eq!(windows_label(Period::HalfYear, &[1]), "上半年");
        assert_eq!(windows_label(Period::HalfYear, &[1, 2]), "上、下半年");
        assert_eq!(windows_label(Period::Year, &[1]), "全年");
        assert_eq!(windows_label(Period::Quarter, &[]), "");
    }

    #[test]
    fn december_names_the_missing_quarters_not_a_past_due_date() {
        let q = Requirement::new(1, Period::Quarter);
        // the case: first quarter done, second and third not, December
        let t = text(q, &[d(2026, 2, 10)], d(2026, 12, 1));
        assert_eq!(t.as_deref(), Some("第二、三季度未开展"));
        // within the lead days of the fourth quarter's end, it is named too
        let t = text(q, &[d(2026, 2, 10)], d(2026, 12, 28));
        assert_eq!(t.as_deref(), Some("第二、三季度未开展；第四季度尚未开展，12月31日截止"));
        // all done so far: nothing missing
        assert_eq!(text(q, &[d(2026, 2, 10), d(2026, 5, 1), d(2026, 8, 1)], d(2026, 12, 1)), None);
        // after the year, the fourth quarter is missing as well
        let t = text(q, &[d(2026, 2, 10), d(2026, 5, 1)], d(2027, 1, 5));
        assert_eq!(t.as_deref(), Some("第三、四季度未开展"));
    }

    #[test]
    fn short_windows_say_how_many_were_done() {
        let q2 = Requirement::new(2, Period::Quarter);
        let t = text(q2, &[d(2026, 1, 5)], d(2026, 4, 2));
        assert_eq!(t.as_deref(), Some("第一季度只开展1次（要求2次）"));
        let t = text(q2, &[d(2026, 6, 1)], d(2026, 6, 27));
        assert_eq!(t.as_deref(), Some("第一季度未开展；第二季度已开展1次，尚差1次，6月30日截止"));
    }

    #[test]
    fn months_half_years_and_years() {
        let m = Requirement::new(1, Period::Month);
        let t = text(m, &[d(2026, 1, 3), d(2026, 2, 3), d(2026, 4, 3)], d(2026, 6, 10));
        assert_eq!(t.as_deref(), Some("3、5月未开展"));
        let h = Requirement::new(1, Period::HalfYear);
        assert_eq!(text(h, &[], d(2026, 7, 1)).as_deref(), Some("上半年未开展"));
        assert_eq!(text(h, &[], d(2026, 3, 1)), None, "still in time");
        let y = Requirement::new(1, Period::Year);
        assert_eq!(text(y, &[], d(2026, 12, 31)).as_deref(), Some("全年未开展"));
        assert_eq!(text(y, &[], d(2026, 12, 27)).as_deref(), Some("全年尚未开展，12月31日截止"));
    }

    #[test]
    fn a_gap_is_named_exactly_when_the_item_is_red_or_yellow() {
        for per in Period::ALL {
            let req = Requirement::new(1, *per);
            for entries in [vec![], vec![d(2026, 1, 20)], vec![d(2026, 3, 3), d(2026, 9, 9)]] {
                for as_of in d(2026, 1, 1).iter_days().take(400).step_by(3) {
                    let s = evaluate(2026, req, &entries, as_of, 5);
                    let red_or_yellow = matches!(s.state, State::Overdue | State::DueSoon);
                    assert_eq!(gap_text(*per, &s).is_some(), red_or_yellow, "{per:?} {as_of}");
                }
            }
        }
    }
}
