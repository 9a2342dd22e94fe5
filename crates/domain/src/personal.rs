//! 领导干部报告个人有关事项 (RULES.md R-PER-1, R-PER-2): who must report, when the annual
//! report and a life-event report are due, and the 纪检组's review.

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::dict::Rank;
use crate::responsibility::keyed_enum;
use crate::text::{check_max, check_past_date, trim_all};
use crate::FieldErrors;

/// The source of R-PER-1 and R-PER-2.
pub const SOURCE: &str = "领导干部报告个人有关事项规定（2017）";
/// Setting: the day of the year the annual report is due (MM-DD).
pub const ANNUAL_DUE_SETTING: &str = "personal.annual_due";
pub const DEFAULT_ANNUAL_DUE: &str = "01-31";
/// Setting: days after a life event within which it is reported.
pub const EVENT_DAYS_SETTING: &str = "personal.event_days";
pub const DEFAULT_EVENT_DAYS: i64 = 30;
pub const CONTENT_MAX: usize = 5000;
pub const NOTE_MAX: usize = 1000;

keyed_enum!(
    /// 年度集中报告 or a report of a life event (随时报告).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum ReportKind {
        Annual = ("annual", "年度集中报告"),
        Event = ("event", "事项报告"),
    }
);

keyed_enum!(
    /// The life events reported after they happen (规定 Art. 3–4 items that change during the year).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum LifeEvent {
        Marriage = ("marriage", "本人婚姻变化"),
        Passport = ("passport", "因私出国（境）证件变化"),
        TravelAbroad = ("travel_abroad", "因私出国（境）"),
        ChildMarriage = ("child_marriage", "子女与外国人、港澳台居民通婚"),
        Emigration = ("emigration", "配偶、子女移居国（境）外"),
        Employment = ("employment", "配偶、子女从业情况变化"),
        Business = ("business", "配偶、子女经商办企业"),
        Other = ("other", "其他应报告事项"),
    }
);

keyed_enum!(
    /// The 纪检组's finding on a report.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Review {
        Truthful = ("truthful", "如实"),
        Untruthful = ("untruthful", "不如实"),
    }
);

/// Who must report: 县处级副职 and above (规定 Art. 2; the office's 职级 dictionary maps 正处级
/// and 副处级 to the level 县处级), and anyone the administrator marks.
pub fn must_report(rank: &str, marked: bool) -> bool {
    marked || Rank::parse(rank) == Some(Rank::County)
}

/// Reads the setting `personal.annual_due` ("MM-DD"); None when it is not a day of the year.
pub fn parse_month_day(v: &str) -> Option<(u32, u32)> {
    let (m, d) = trim_all(v).split_once('-')?;
    let (m, d): (u32, u32) = (m.parse().ok()?, d.parse().ok()?);
    // a day every year has (02-29 is refused)
    NaiveDate::from_ymd_opt(2025, m, d).map(|_| (m, d))
}

/// The day the annual report of `year` is due.
pub fn annual_due(year: i32, month_day: (u32, u32)) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month_day.0, month_day.1)
        .or_else(|| NaiveDate::from_ymd_opt(year, 1, 31))
        .expect("a valid day")
}

/// The day a life event must be reported by.
pub fn event_due(event: NaiveDate, days: i64) -> NaiveDate {
    event + Duration::days(days.max(0))
}

/// A report as entered (form or JSON). `person_id` empty: the filer's own report.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct PersonalReportFields {
    /// whose report (only the 纪检组 files for someone else); empty: the filer's own
    pub person_id: Option<i64>,
    /// `annual` (年度集中报告) or `event` (事项报告)
    pub kind: String,
    /// the year of an annual report
    pub year: Option<i64>,
    /// the kind of life event (key or label), for an event report
    pub event_kind: String,
    /// the day the event happened, YYYY-MM-DD
    pub event_date: String,
    /// what is reported
    pub content: String,
}

/// A checked report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PersonalReportDraft {
    pub kind: ReportKind,
    pub year: i32,
    pub event_kind: Option<LifeEvent>,
    pub event_date: Option<NaiveDate>,
    pub content: String,
    pub reported_on: NaiveDate,
    pub due_on: NaiveDate,
}

impl PersonalReportDraft {
    /// Filed after its due day (R-PER-1 / R-PER-2).
    pub fn late(&self) -> bool {
        self.reported_on > self.due_on
    }
}

impl PersonalReportFields {
    /// Checks a report filed on `today` with the settings in force.
    pub fn validate(
        &self,
        today: NaiveDate,
        month_day: (u32, u32),
        event_days: i64,
    ) -> Result<PersonalReportDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        let kind = ReportKind::parse(&self.kind);
        if kind.is_none() {
            e.push("kind", format!("报告类型应为{}之一", ReportKind::label_list()));
        }
        let mut year = today.year();
        let (mut event_kind, mut event_date) = (None, None);
        match kind {
            Some(ReportKind::Annual) => match self.year {
                Some(y) if (2000..=i64::from(today.year()) + 1).contains(&y) => year = y as i32,
                Some(_) => e.push("year", format!("报告年度应在 2000–{} 之间", today.year() + 1)),
                None => e.push("year", "请填写报告年度"),
            },
            Some(ReportKind::Event) => {
                event_kind = LifeEvent::parse(&self.event_kind);
                if event_kind.is_none() {
                    e.push("event_kind", format!("事项类别应为{}之一", LifeEvent::label_list()));
                }
                event_date = check_past_date(&mut e, "event_date", "事项发生日期", &self.event_date, today);
                if let Some(d) = event_date {
                    year = d.year();
                }
            }
            None => {}
        }
        let content = trim_all(&self.content);
        if content.is_empty() {
            e.push("content", "报告内容不能为空");
        }
        check_max(&mut e, "content", "报告内容", content, CONTENT_MAX);
        e.into_result()?;
        let due_on = match event_date {
            Some(d) => event_due(d, event_days),
            None => annual_due(year, month_day),
        };
        Ok(PersonalReportDraft {
            kind: kind.expect("checked"),
            year,
            event_kind,
            event_date,
            content: content.to_string(),
            reported_on: today,
            due_on,
        })
    }
}

/// The 纪检组's review as entered.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct ReviewFields {
    /// `truthful` (如实) or `untruthful` (不如实)
    pub result: String,
    /// required for 不如实
    pub note: String,
}

impl ReviewFields {
    pub fn validate(&self) -> Result<(Review, String), FieldErrors> {
        let mut e = FieldErrors::default();
        let result = Review::parse(&self.result);
        let note = trim_all(&self.note);
        match result {
            None => e.push("result", format!("核查结果应为{}之一", Review::label_list())),
            Some(Review::Untruthful) if note.is_empty() => e.push("note", "核查为不如实时须写明情况"),
            _ => {}
        }
        check_max(&mut e, "note", "核查说明", note, NOTE_MAX);
        e.into_result()?;
        Ok((result.expect("checked"), note.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn county_level_and_marked_people_report() {
        assert!(must_report("county", false));
        assert!(!must_report("township", false));
        assert!(must_report("township", true));
    }

    #[test]
    fn the_annual_day_is_a_setting_and_events_count_days() {
        assert_eq!(parse_month_day("01-31"), Some((1, 31)));
        assert_eq!(parse_month_day("02-29"), None);
        assert_eq!(parse_month_day("13-01"), None);
        assert_eq!(annual_due(2026, (1, 31)), d(2026, 1, 31));
        assert_eq!(event_due(d(2026, 3, 2), 30), d(2026, 4, 1));
    }

    #[test]
    fn an_event_report_is_late_one_day_after_its_due_day() {
        let f = PersonalReportFields {
            kind: "event".into(),
            event_kind: "本人婚姻变化".into(),
            event_date: "2026-03-02".into(),
            content: "登记结婚".into(),
            ..Default::default()
        };
        let on_time = f.validate(d(2026, 4, 1), (1, 31), 30).unwrap();
        assert!(!on_time.late());
        assert!(f.validate(d(2026, 4, 2), (1, 31), 30).unwrap().late());
        let bad = PersonalReportFields { kind: "event".into(), event_date: "2026-02-30".into(), ..Default::default() };
        let e = bad.validate(d(2026, 4, 2), (1, 31), 30).unwrap_err();
        for field in ["event_kind", "event_date", "content"] {
            assert!(e.for_field(field).is_some(), "{field}");
        }
        let annual =
            PersonalReportFields { kind: "annual".into(), year: Some(2026), content: "x".into(), ..Default::default() };
        let a = annual.validate(d(2026, 2, 1), (1, 31), 30).unwrap();
        assert_eq!((a.due_on, a.late()), (d(2026, 1, 31), true));
    }

    #[test]
    fn untruthful_needs_a_note() {
        let r = ReviewFields { result: "不如实".into(), note: " ".into() };
        assert!(r.validate().unwrap_err().for_field("note").is_some());
        assert_eq!(
            ReviewFields { result: "truthful".into(), note: String::new() }.validate().unwrap().0,
            Review::Truthful
        );
    }
}
