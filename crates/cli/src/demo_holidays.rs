//! Demo 节假日安排: the 2026 calendar of 国务院办公厅关于2026年部分节假日安排的通知
//! (2025-11-04, published by 新华社), so working-day deadlines count the real holidays and
//! 调休 working days.

use chrono::NaiveDate;
use qingfeng_domain::calendar::{DayKind, HolidayDraft};
use qingfeng_store::{holidays, now, Actor, Db};

/// (month, day) of 2026.
type Day = (u32, u32);

/// (first day, last day, kind, name): the notice's seven holidays and six 调休 working days.
const NOTICE_2026: &[(Day, Day, DayKind, &str)] = &[
    ((1, 1), (1, 3), DayKind::Holiday, "元旦"),
    ((1, 4), (1, 4), DayKind::Workday, "元旦"),
    ((2, 14), (2, 14), DayKind::Workday, "春节"),
    ((2, 15), (2, 23), DayKind::Holiday, "春节"),
    ((2, 28), (2, 28), DayKind::Workday, "春节"),
    ((4, 4), (4, 6), DayKind::Holiday, "清明节"),
    ((5, 1), (5, 5), DayKind::Holiday, "劳动节"),
    ((5, 9), (5, 9), DayKind::Workday, "劳动节"),
    ((6, 19), (6, 21), DayKind::Holiday, "端午节"),
    ((9, 20), (9, 20), DayKind::Workday, "国庆节"),
    ((9, 25), (9, 27), DayKind::Holiday, "中秋节"),
    ((10, 1), (10, 7), DayKind::Holiday, "国庆节"),
    ((10, 10), (10, 10), DayKind::Workday, "国庆节"),
];

/// The days of the 2026 notice.
pub fn days_2026() -> Vec<HolidayDraft> {
    let d = |(m, day): Day| NaiveDate::from_ymd_opt(2026, m, day).expect("a day of 2026");
    NOTICE_2026
        .iter()
        .flat_map(|(from, to, kind, name)| {
            d(*from).iter_days().take_while(move |x| *x <= d(*to)).map(move |day| HolidayDraft {
                day,
                kind: *kind,
                name: name.to_string(),
            })
        })
        .collect()
}

/// Enters the 2026 calendar; answers how many days were written.
pub async fn seed(db: &Db, actor: &Actor) -> anyhow::Result<usize> {
    Ok(holidays::put(db, actor, &days_2026(), None, now()).await?.created)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_2026_notice_has_33_holidays_and_6_working_weekend_days() {
        let days = days_2026();
        let rest = days.iter().filter(|d| d.kind == DayKind::Holiday).count();
        let work = days.iter().filter(|d| d.kind == DayKind::Workday).count();
        // 3 + 9 + 3 + 5 + 3 + 3 + 7
        assert_eq!((rest, work), (33, 6));
        let mut sorted: Vec<_> = days.iter().map(|d| d.day).collect();
        sorted.dedup();
        assert_eq!(sorted.len(), days.len());
    }
}
