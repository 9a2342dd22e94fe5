//! 婚丧喜庆 (RULES.md R-FAM-1 … R-FAM-4): the advance report and its deadline in working days,
//! a 丧事 reported afterwards, the size caps, the 廉洁承诺, the actual figures and the gifts from
//! 管理服务对象 that must be handed in. [`flags`] evaluates every rule on a record.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::calendar::Calendar;
use crate::responsibility::keyed_enum;
use crate::text::{check_max, trim_all};
use crate::FieldErrors;

/// The source of R-FAM-1 … R-FAM-3 (local rules) and R-FAM-4.
pub const SOURCE_LOCAL: &str = "本地规定（操办婚丧喜庆事宜报告制度）";
pub const SOURCE_GIFTS: &str = "中国共产党纪律处分条例；本地规定";
pub const PLACE_MAX: usize = 200;
pub const TEXT_MAX: usize = 2000;
/// The 廉洁承诺 the form offers; the person may write their own.
pub const DEFAULT_PLEDGE: &str = "本人承诺：严格遵守婚丧喜庆事宜有关规定，不大操大办，不邀请管理服务对象参加，不收受管理服务对象礼金礼品，不使用公车、不动用公款，如实报告操办情况。";

keyed_enum!(
    /// What is held.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum EventKind {
        Wedding = ("wedding", "婚嫁"),
        Funeral = ("funeral", "丧事"),
        Other = ("other", "其他喜庆（升学、乔迁、寿宴等）"),
    }
);

/// The settings of the rules, with RULES.md's defaults.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// R-FAM-1: working days before the event
    pub advance_working_days: i64,
    /// R-FAM-2: days after a 丧事
    pub funeral_days: i64,
    /// R-FAM-3 caps
    pub max_people: i64,
    pub max_people_joint: i64,
    pub max_tables: i64,
    pub max_cars: i64,
    /// R-FAM-4: days to hand in an improper gift
    pub gift_days: i64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            advance_working_days: 5,
            funeral_days: 10,
            max_people: 200,
            max_people_joint: 300,
            max_tables: 20,
            max_cars: 5,
            gift_days: 15,
        }
    }
}

/// (setting key, default) of each limit, in the order of [`Limits::from_values`].
pub const LIMIT_SETTINGS: [(&str, i64); 7] = [
    ("family.advance_working_days", 5),
    ("family.funeral_days", 10),
    ("family.max_people", 200),
    ("family.max_people_joint", 300),
    ("family.max_tables", 20),
    ("family.max_cars", 5),
    ("family.gift_days", 15),
];

impl Limits {
    pub fn from_values(v: [i64; 7]) -> Self {
        Limits {
            advance_working_days: v[0],
            funeral_days: v[1],
            max_people: v[2],
            max_people_joint: v[3],
            max_tables: v[4],
            max_cars: v[5],
            gift_days: v[6],
        }
    }

    pub fn people_cap(&self, joint: bool) -> i64 {
        if joint {
            self.max_people_joint
        } else {
            self.max_people
        }
    }
}

/// A rule a record breaks, with its source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Flag {
    /// R-FAM-1 …
    pub rule: &'static str,
    /// 事前报告逾期, 超规模 …: what a leader may see
    pub title: &'static str,
    /// the finding with its figures (for the person and the 纪检组)
    pub message: String,
    pub source: &'static str,
}

/// The advance report as entered (form or JSON).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct FamilyEventFields {
    /// whose event (only the 纪检组 files for someone else); empty: the filer's own
    pub person_id: Option<i64>,
    /// `wedding` (婚嫁), `funeral` (丧事) or `other` (key or label)
    pub kind: String,
    /// the day of the event, YYYY-MM-DD
    pub event_date: String,
    pub place: String,
    /// 当事人及与本人关系 (本人、子女 …)
    pub relation: String,
    pub planned_people: Option<i64>,
    pub planned_tables: Option<i64>,
    pub planned_cars: Option<i64>,
    /// 联合操办 (with another family): raises the people cap
    pub joint: bool,
    /// with whom, for a joint event
    pub joint_note: String,
    /// the 廉洁承诺 is made (the box ticked)
    pub pledge: bool,
    /// the 廉洁承诺's text
    pub pledge_text: String,
}

/// A checked advance report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FamilyEventDraft {
    pub kind: EventKind,
    pub event_date: NaiveDate,
    pub place: String,
    pub relation: String,
    pub planned_people: i64,
    pub planned_tables: i64,
    pub planned_cars: i64,
    pub joint: bool,
    pub joint_note: String,
    pub pledge_text: String,
}

fn count(e: &mut FieldErrors, field: &str, label: &str, v: Option<i64>, required: bool) -> i64 {
    match v {
        None if required => {
            e.push(field, format!("请填写{label}"));
            0
        }
        None => 0,
        Some(n) if !(0..=100_000).contains(&n) => {
            e.push(field, format!("{label}应为 0–100000 之间的整数"));
            0
        }
        Some(n) => n,
    }
}

impl FamilyEventFields {
    pub fn validate(&self) -> Result<FamilyEventDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        let kind = EventKind::parse(&self.kind);
        if kind.is_none() {
            e.push("kind", format!("事项类别应为{}之一", EventKind::label_list()));
        }
        let v = trim_all(&self.event_date);
        let event_date = match crate::text::parse_ymd(v) {
            Ok(d) => Some(d),
            Err(_) if v.is_empty() => {
                e.push("event_date", "操办日期不能为空");
                None
            }
            Err(err) => {
                e.push("event_date", crate::text::date_error("操办日期", v, err, "2026-10-18"));
                None
            }
        };
        let place = trim_all(&self.place);
        if place.is_empty() {
            e.push("place", "操办地点不能为空");
        }
        check_max(&mut e, "place", "操办地点", place, PLACE_MAX);
        check_max(&mut e, "relation", "当事人及与本人关系", trim_all(&self.relation), PLACE_MAX);
        let planned_people = count(&mut e, "planned_people", "拟邀请人数", self.planned_people, true);
        let planned_tables = count(&mut e, "planned_tables", "拟设桌数", self.planned_tables, true);
        let planned_cars = count(&mut e, "planned_cars", "拟用车辆数", self.planned_cars, false);
        let joint_note = trim_all(&self.joint_note);
        if self.joint && joint_note.is_empty() {
            e.push("joint_note", "联合操办须写明与谁联合操办");
        }
        check_max(&mut e, "joint_note", "联合操办说明", joint_note, PLACE_MAX);
        let pledge_text = trim_all(&self.pledge_text);
        if !self.pledge {
            e.push("pledge", "须作出廉洁承诺（勾选“本人承诺”）");
        } else if pledge_text.is_empty() {
            e.push("pledge_text", "廉洁承诺内容不能为空");
        }
        check_max(&mut e, "pledge_text", "廉洁承诺", pledge_text, TEXT_MAX);
        e.into_result()?;
        Ok(FamilyEventDraft {
            kind: kind.expect("checked"),
            event_date: event_date.expect("checked"),
            place: place.to_string(),
            relation: trim_all(&self.relation).to_string(),
            planned_people,
            planned_tables,
            planned_cars,
            joint: self.joint,
            joint_note: joint_note.to_string(),
            pledge_text: pledge_text.to_string(),
        })
    }
}

/// The actual figures after the event, as entered.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct ActualFields {
    pub actual_people: Option<i64>,
    pub actual_tables: Option<i64>,
    pub actual_cars: Option<i64>,
    /// gifts of money or goods from 管理服务对象 were received
    pub client_gifts: bool,
    /// what was received and from whom (required when received)
    pub gift_note: String,
    /// the day they were handed in (上交), YYYY-MM-DD; empty: not yet
    pub gifts_handed_in_on: String,
}

/// Checked actual figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActualDraft {
    pub actual_people: i64,
    pub actual_tables: i64,
    pub actual_cars: i64,
    pub client_gifts: bool,
    pub gift_note: String,
    pub gifts_handed_in_on: Option<NaiveDate>,
}

impl ActualFields {
    /// Checks the figures of an event held on `event_date`, entered on `today`.
    pub fn validate(&self, event_date: NaiveDate, today: NaiveDate) -> Result<ActualDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        if event_date > today {
            e.push("actual_people", format!("操办日期（{event_date}）之后才能报告实际情况"));
        }
        let actual_people = count(&mut e, "actual_people", "实际人数", self.actual_people, true);
        let actual_tables = count(&mut e, "actual_tables", "实际桌数", self.actual_tables, true);
        let actual_cars = count(&mut e, "actual_cars", "实际用车数", self.actual_cars, false);
        let gift_note = trim_all(&self.gift_note);
        if self.client_gifts && gift_note.is_empty() {
            e.push("gift_note", "收受管理服务对象礼金礼品的，须写明来源、金额或物品");
        }
        check_max(&mut e, "gift_note", "礼金礼品说明", gift_note, TEXT_MAX);
        let v = trim_all(&self.gifts_handed_in_on);
        let handed_in = if v.is_empty() {
            None
        } else {
            crate::text::check_past_date(&mut e, "gifts_handed_in_on", "上交日期", v, today)
        };
        if handed_in.is_some() && !self.client_gifts {
            e.push("gifts_handed_in_on", "没有收受管理服务对象礼金礼品时不填上交日期");
        }
        e.into_result()?;
        Ok(ActualDraft {
            actual_people,
            actual_tables,
            actual_cars,
            client_gifts: self.client_gifts,
            gift_note: gift_note.to_string(),
            gifts_handed_in_on: handed_in,
        })
    }
}

/// What [`flags`] reads of a record.
#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    pub kind: EventKind,
    pub event_date: NaiveDate,
    pub reported_on: NaiveDate,
    pub joint: bool,
    pub planned: (i64, i64, i64),
    /// (people, tables, cars) after the event
    pub actual: Option<(i64, i64, i64)>,
    pub client_gifts: bool,
    pub gifts_handed_in_on: Option<NaiveDate>,
}

/// The day a report of `kind` held on `event` is due: the N-th working day before the event
/// (R-FAM-1), or N days after a 丧事 (R-FAM-2).
pub fn report_due(kind: EventKind, event: NaiveDate, limits: &Limits, calendar: &Calendar) -> NaiveDate {
    match kind {
        EventKind::Funeral => event + Duration::days(limits.funeral_days),
        _ => calendar.latest_report_day(event, limits.advance_working_days),
    }
}

/// The day improper gifts must be handed in by (R-FAM-4).
pub fn gifts_due(event: NaiveDate, limits: &Limits) -> NaiveDate {
    event + Duration::days(limits.gift_days)
}

/// Every rule the record breaks as of `today`, each naming its rule and source.
pub fn flags(f: &Facts, limits: &Limits, calendar: &Calendar, today: NaiveDate) -> Vec<Flag> {
    let mut out = Vec::new();
    let due = report_due(f.kind, f.event_date, limits, calendar);
    if f.reported_on > due {
        let (rule, title, message) = if f.kind == EventKind::Funeral {
            (
                "R-FAM-2",
                "丧事报告逾期",
                format!("丧事应在 {} 天内（{due} 前）报告，{} 才报告", limits.funeral_days, f.reported_on),
            )
        } else {
            (
                "R-FAM-1",
                "事前报告逾期",
                format!("应提前 {} 个工作日（{due} 前）报告，{} 才报告", limits.advance_working_days, f.reported_on),
            )
        };
        out.push(Flag { rule, title, message, source: SOURCE_LOCAL });
    }
    let (what, (people, tables, cars)) = match f.actual {
        Some(a) => ("实际", a),
        None => ("拟", f.planned),
    };
    let cap = limits.people_cap(f.joint);
    let joint = if f.joint { "（联合操办）" } else { "" };
    for (n, cap, unit, noun) in
        [(people, cap, "人", "人数"), (tables, limits.max_tables, "桌", "桌数"), (cars, limits.max_cars, "辆", "车辆")]
    {
        if n > cap {
            let message =
                format!("{what}{noun} {n} {unit}，超过上限 {cap} {unit}{}", if noun == "人数" { joint } else { "" });
            out.push(Flag { rule: "R-FAM-3", title: "超规模", message, source: SOURCE_LOCAL });
        }
    }
    if f.client_gifts {
        let due = gifts_due(f.event_date, limits);
        let late = match f.gifts_handed_in_on {
            Some(d) if d > due => Some(format!("{d} 才上交")),
            Some(_) => None,
            None if today > due => Some("至今未上交".to_string()),
            None => None,
        };
        if let Some(l) = late {
            let message = format!("收受管理服务对象礼金礼品，应在 {} 天内（{due} 前）上交，{l}", limits.gift_days);
            out.push(Flag { rule: "R-FAM-4", title: "礼金礼品未按期上交", message, source: SOURCE_GIFTS });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::DayKind;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn may() -> Calendar {
        let mut days: Vec<(NaiveDate, DayKind)> = (1..=5).map(|x| (d(2026, 5, x), DayKind::Holiday)).collect();
        days.push((d(2026, 5, 9), DayKind::Workday));
        Calendar::new(days)
    }

    fn wedding(event: NaiveDate, reported: NaiveDate) -> Facts {
        Facts {
            kind: EventKind::Wedding,
            event_date: event,
            reported_on: reported,
            joint: false,
            planned: (150, 15, 3),
            actual: None,
            client_gifts: false,
            gifts_handed_in_on: None,
        }
    }

    #[test]
    fn the_advance_report_counts_working_days_across_the_holiday() {
        let (l, c) = (Limits::default(), may());
        // a wedding on Tuesday 5/12: 5/11, 5/9 (调休), 5/8, 5/7, 5/6 → due 5/6
        assert_eq!(report_due(EventKind::Wedding, d(2026, 5, 12), &l, &c), d(2026, 5, 6));
        assert!(flags(&wedding(d(2026, 5, 12), d(2026, 5, 6)), &l, &c, d(2026, 5, 6)).is_empty());
        let late = flags(&wedding(d(2026, 5, 12), d(2026, 5, 7)), &l, &c, d(2026, 5, 7));
        assert_eq!(late.len(), 1);
        assert_eq!(late[0].rule, "R-FAM-1");
        assert!(late[0].message.contains("2026-05-06"), "{}", late[0].message);
    }

    #[test]
    fn a_funeral_is_reported_within_ten_days_after() {
        let (l, c) = (Limits::default(), may());
        let mut f = wedding(d(2026, 6, 1), d(2026, 6, 11));
        f.kind = EventKind::Funeral;
        assert!(flags(&f, &l, &c, d(2026, 6, 11)).is_empty());
        f.reported_on = d(2026, 6, 12);
        assert_eq!(flags(&f, &l, &c, d(2026, 6, 12))[0].rule, "R-FAM-2");
    }

    #[test]
    fn caps_count_actual_figures_and_joint_hosting_raises_the_people_cap() {
        let (l, c) = (Limits::default(), may());
        let mut f = wedding(d(2026, 6, 1), d(2026, 5, 20));
        f.actual = Some((200, 20, 5));
        assert!(flags(&f, &l, &c, d(2026, 6, 2)).is_empty(), "exactly at the caps");
        f.actual = Some((201, 21, 6));
        let got: Vec<&str> = flags(&f, &l, &c, d(2026, 6, 2)).iter().map(|x| x.rule).collect();
        assert_eq!(got, ["R-FAM-3", "R-FAM-3", "R-FAM-3"]);
        f.actual = Some((260, 20, 5));
        f.joint = true;
        assert!(flags(&f, &l, &c, d(2026, 6, 2)).is_empty(), "joint cap 300");
    }

    #[test]
    fn gifts_are_handed_in_within_fifteen_days() {
        let (l, c) = (Limits::default(), may());
        let mut f = wedding(d(2026, 6, 1), d(2026, 5, 20));
        f.client_gifts = true;
        assert!(flags(&f, &l, &c, d(2026, 6, 16)).is_empty(), "day 15, not yet due");
        assert_eq!(flags(&f, &l, &c, d(2026, 6, 17))[0].rule, "R-FAM-4");
        f.gifts_handed_in_on = Some(d(2026, 6, 16));
        assert!(flags(&f, &l, &c, d(2026, 7, 1)).is_empty());
        f.gifts_handed_in_on = Some(d(2026, 6, 17));
        assert_eq!(flags(&f, &l, &c, d(2026, 7, 1))[0].rule, "R-FAM-4");
    }

    #[test]
    fn the_form_needs_the_pledge_and_sizes() {
        let e = FamilyEventFields { kind: "婚礼".into(), event_date: "2026-02-30".into(), ..Default::default() }
            .validate()
            .unwrap_err();
        for field in ["kind", "event_date", "place", "planned_people", "planned_tables", "pledge"] {
            assert!(e.for_field(field).is_some(), "{field}");
        }
        let f = FamilyEventFields {
            kind: "婚嫁".into(),
            event_date: "2026-10-18".into(),
            place: "县城某酒店".into(),
            planned_people: Some(-1),
            planned_tables: Some(10),
            joint: true,
            pledge: true,
            pledge_text: DEFAULT_PLEDGE.into(),
            ..Default::default()
        };
        let e = f.validate().unwrap_err();
        assert!(e.for_field("planned_people").is_some() && e.for_field("joint_note").is_some());
    }
}
