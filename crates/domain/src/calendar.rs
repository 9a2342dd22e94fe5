//! The official holiday calendar and working-day arithmetic. Every rule that counts working days
//! (RULES.md: R-FAM-1's advance report, a 函询 reply's 15 working days) counts them here.
//!
//! A day is a working day when the calendar says 上班 (a 调休 working day, often a Saturday or
//! Sunday), or when it is Monday to Friday and the calendar does not say 放假 (法定节假日 and
//! the days moved next to them). Years the administrator has not entered count weekends only;
//! the holiday page says so.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::responsibility::keyed_enum;
use crate::text::{check_max, trim_all};
use crate::FieldErrors;

keyed_enum!(
    /// What the official notice makes of a day.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum DayKind {
        /// 放假: a statutory holiday or a day moved next to one
        Holiday = ("holiday", "放假"),
        /// 上班: a 调休 working day on a weekend
        Workday = ("workday", "上班"),
    }
);

/// The source of the calendar, shown next to every working-day check.
pub const SOURCE: &str = "国务院办公厅关于部分节假日安排的通知（逐年发布）";

/// The longest name of a holiday (元旦, 春节, 国庆节 …).
pub const NAME_MAX: usize = 20;

/// The years a calendar may hold.
pub const MIN_YEAR: i32 = 2000;
pub const MAX_YEAR: i32 = 2100;

/// The days the official notices set apart; every other day is a working day Monday to Friday.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Calendar {
    days: BTreeMap<NaiveDate, DayKind>,
}

impl Calendar {
    pub fn new(days: impl IntoIterator<Item = (NaiveDate, DayKind)>) -> Self {
        Calendar { days: days.into_iter().collect() }
    }

    /// What the calendar says of a day, if anything.
    pub fn kind(&self, day: NaiveDate) -> Option<DayKind> {
        self.days.get(&day).copied()
    }

    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        match self.kind(day) {
            Some(DayKind::Holiday) => false,
            Some(DayKind::Workday) => true,
            None => !matches!(day.weekday(), Weekday::Sat | Weekday::Sun),
        }
    }

    /// The day `n` working days after `from` (before it when `n` is negative), counting only
    /// working days: from Friday 2026-05-08, `1` is Saturday 2026-05-09 (调休 上班). `0` is
    /// `from` itself.
    pub fn add_working_days(&self, from: NaiveDate, n: i64) -> NaiveDate {
        let step = if n < 0 { -1 } else { 1 };
        let mut day = from;
        let mut left = n.abs();
        while left > 0 {
            day += Duration::days(step);
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }

    /// The working days `d` with `from <= d < to` (0 when `to` is not after `from`). A report
    /// made on `from` for an event on `to` is made this many working days before it.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        from.iter_days().take_while(|d| *d < to).filter(|d| self.is_working_day(*d)).count() as i64
    }

    /// The last day a report made `n` working days before `event` may be made: the `n`-th
    /// working day before it. A report on that day or earlier is on time.
    pub fn latest_report_day(&self, event: NaiveDate, n: i64) -> NaiveDate {
        self.add_working_days(event, -n.max(0))
    }
}

/// One day of the calendar as entered (a form, JSON or a row of the holiday sheet): a day or a
/// range of days of one kind.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct HolidayFields {
    /// the first day, YYYY-MM-DD
    pub from: String,
    /// the last day of a range (empty: the one day `from`)
    pub to: String,
    /// `holiday` (放假) or `workday` (上班)
    pub kind: String,
    /// 元旦, 春节 … (for a 上班 day: the holiday it makes up for)
    pub name: String,
}

/// A checked day of the calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HolidayDraft {
    pub day: NaiveDate,
    pub kind: DayKind,
    pub name: String,
}

fn parse_day(e: &mut FieldErrors, field: &str, label: &str, v: &str) -> Option<NaiveDate> {
    match crate::text::parse_ymd(v) {
        Ok(d) if (MIN_YEAR..=MAX_YEAR).contains(&d.year()) => Some(d),
        Ok(_) => {
            e.push(field, format!("{label}应在 {MIN_YEAR} 年至 {MAX_YEAR} 年之间"));
            None
        }
        Err(err) => {
            e.push(field, crate::text::date_error(label, v, err, "2026-10-01"));
            None
        }
    }
}

impl HolidayFields {
    /// The days entered, one draft each; a range is at most 31 days, of one year.
    pub fn validate(&self) -> Result<Vec<HolidayDraft>, FieldErrors> {
        let mut e = FieldErrors::default();
        let from_v = trim_all(&self.from);
        let from = if from_v.is_empty() {
            e.push("from", "日期不能为空");
            None
        } else {
            parse_day(&mut e, "from", "日期", from_v)
        };
        let to_v = trim_all(&self.to);
        let to = if to_v.is_empty() { from } else { parse_day(&mut e, "to", "结束日期", to_v) };
        let kind = DayKind::parse(&self.kind);
        if trim_all(&self.kind).is_empty() {
            e.push("kind", "请选择放假或上班");
        } else if kind.is_none() {
            e.push("kind", format!("类型应为{}之一", DayKind::label_list()));
        }
        let name = trim_all(&self.name);
        if name.is_empty() {
            e.push("name", "节日名称不能为空");
        }
        check_max(&mut e, "name", "节日名称", name, NAME_MAX);
        if let (Some(f), Some(t)) = (from, to) {
            if t < f {
                e.push("to", "结束日期不能早于开始日期");
            } else if (t - f).num_days() > 30 || t.year() != f.year() {
                e.push("to", "一次最多录入同一年内连续 31 天");
            }
        }
        e.into_result()?;
        let (from, to, kind) = (from.expect("checked"), to.expect("checked"), kind.expect("checked"));
        Ok(from
            .iter_days()
            .take_while(|d| *d <= to)
            .map(|day| HolidayDraft { day, kind, name: name.to_string() })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// 劳动节 2026: 5/1–5/5 放假, Saturday 5/9 上班 (国办 2025-11-04).
    fn may_2026() -> Calendar {
        let mut days: Vec<(NaiveDate, DayKind)> = (1..=5).map(|x| (d(2026, 5, x), DayKind::Holiday)).collect();
        days.push((d(2026, 5, 9), DayKind::Workday));
        Calendar::new(days)
    }

    #[test]
    fn weekends_rest_unless_the_calendar_says_otherwise() {
        let empty = Calendar::default();
        assert!(empty.is_working_day(d(2026, 5, 1)), "a Friday with no calendar");
        assert!(!empty.is_working_day(d(2026, 5, 9)), "a Saturday with no calendar");
        let c = may_2026();
        assert!(!c.is_working_day(d(2026, 5, 1)));
        assert!(c.is_working_day(d(2026, 5, 9)));
        assert!(!c.is_working_day(d(2026, 5, 10)));
    }

    #[test]
    fn adding_working_days_skips_the_holiday_and_counts_the_makeup_saturday() {
        let c = may_2026();
        // Thursday 4/30 + 1 → Wednesday 5/6 (5/1–5/5 rest)
        assert_eq!(c.add_working_days(d(2026, 4, 30), 1), d(2026, 5, 6));
        // Friday 5/8 + 1 → Saturday 5/9 (调休 上班)
        assert_eq!(c.add_working_days(d(2026, 5, 8), 1), d(2026, 5, 9));
        assert_eq!(c.add_working_days(d(2026, 5, 8), 2), d(2026, 5, 11));
        // and back again
        assert_eq!(c.add_working_days(d(2026, 5, 6), -1), d(2026, 4, 30));
        assert_eq!(c.add_working_days(d(2026, 5, 11), -1), d(2026, 5, 9));
        assert_eq!(c.add_working_days(d(2026, 5, 11), 0), d(2026, 5, 11));
    }

    #[test]
    fn counting_working_days_between_is_half_open() {
        let c = may_2026();
        // 4/29, 4/30, 5/6, 5/7, 5/8, 5/9 before Monday 5/11
        assert_eq!(c.working_days_between(d(2026, 4, 29), d(2026, 5, 11)), 6);
        assert_eq!(c.working_days_between(d(2026, 5, 11), d(2026, 5, 11)), 0);
        assert_eq!(c.working_days_between(d(2026, 5, 12), d(2026, 5, 11)), 0);
        for n in 0..20 {
            let back = c.latest_report_day(d(2026, 5, 12), n);
            assert_eq!(c.working_days_between(back, d(2026, 5, 12)), n, "{n}");
        }
        // five working days before Tuesday 5/12: 5/6 (5/6, 5/7, 5/8, 5/9, 5/11)
        assert_eq!(c.latest_report_day(d(2026, 5, 12), 5), d(2026, 5, 6));
    }

    #[test]
    fn a_range_becomes_days_and_bad_input_names_the_field() {
        let f = HolidayFields {
            from: "2026-10-01".into(),
            to: "2026-10-07".into(),
            kind: "放假".into(),
            name: "国庆节".into(),
        };
        let days = f.validate().unwrap();
        assert_eq!(days.len(), 7);
        assert_eq!(days[6].day, d(2026, 10, 7));
        let bad = HolidayFields { from: "2026-02-30".into(), kind: "休息".into(), ..Default::default() };
        let e = bad.validate().unwrap_err();
        assert_eq!(e.for_field("from"), Some("日期“2026-02-30”日期不存在"));
        assert!(e.for_field("kind").unwrap().contains("放假、上班"));
        assert!(e.for_field("name").is_some());
        let back = HolidayFields {
            from: "2026-10-07".into(),
            to: "2026-10-01".into(),
            kind: "holiday".into(),
            name: "x".into(),
        };
        assert!(back.validate().unwrap_err().for_field("to").is_some());
    }
}
