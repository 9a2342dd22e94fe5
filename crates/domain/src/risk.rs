//! 廉政风险防控: risk points (廉政风险点) of a unit's posts and business processes, their level,
//! control measures (防控措施, each with a responsible person) and the yearly review (排查):
//! a unit proposes its points, the 纪检监察组 returns them with a reason or accepts them, and the
//! accepted points are the year's register (廉政风险防控台账).

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::findings::parse_date;
use crate::responsibility::keyed_enum;
use crate::text::{check_max, check_required, trim_all};
use crate::FieldErrors;

keyed_enum!(
    /// 风险等级, ordered low to high.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum RiskLevel {
        Low = ("low", "低"),
        Medium = ("medium", "中"),
        High = ("high", "高"),
    }
);

impl RiskLevel {
    /// One level up; None for 高.
    pub fn raised(self) -> Option<RiskLevel> {
        match self {
            RiskLevel::Low => Some(RiskLevel::Medium),
            RiskLevel::Medium => Some(RiskLevel::High),
            RiskLevel::High => None,
        }
    }

    /// Accepts 高/中/低, 高风险, the key, or A/B/C... as offices write them.
    pub fn parse_loose(s: &str) -> Option<RiskLevel> {
        let s = trim_all(s);
        RiskLevel::parse(s).or_else(|| RiskLevel::parse(s.trim_end_matches("风险").trim_end_matches('级')))
    }
}

keyed_enum!(
    /// 风险类别, as offices classify their points.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum RiskCategory {
        Post = ("post", "岗位职责风险"),
        Process = ("process", "业务流程风险"),
        System = ("system", "制度机制风险"),
        Moral = ("moral", "思想道德风险"),
        External = ("external", "外部环境风险"),
    }
);

impl RiskCategory {
    /// The key, the label, or the label without 风险 (岗位职责).
    pub fn parse_loose(s: &str) -> Option<RiskCategory> {
        let s = trim_all(s);
        RiskCategory::parse(s)
            .or_else(|| RiskCategory::ALL.iter().copied().find(|c| c.label().trim_end_matches("风险") == s))
    }
}

keyed_enum!(
    /// Where a point is in the yearly review.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum RiskState {
        Draft = ("draft", "草稿"),
        Submitted = ("submitted", "待审核"),
        Returned = ("returned", "已退回"),
        Accepted = ("accepted", "已确认"),
    }
);

impl RiskState {
    /// The unit may still change the point (and submit it).
    pub fn editable(self) -> bool {
        matches!(self, RiskState::Draft | RiskState::Returned)
    }
}

/// The setting naming the month by whose end units must have proposed the year's points.
pub const REVIEW_MONTH_SETTING: &str = "risk.review_month";

/// The review deadline of `year`: the last day of the set month (default March).
pub fn review_deadline(year: i32, setting: Option<&str>) -> NaiveDate {
    let month = setting.and_then(|s| s.trim().parse::<u32>().ok()).filter(|m| (1..=12).contains(m)).unwrap_or(3);
    let first = NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(NaiveDate::MIN);
    first.checked_add_months(Months::new(1)).and_then(|d| d.pred_opt()).unwrap_or(first)
}

/// Findings since this day make a point 已发生 (the last 12 months).
pub fn occurred_since(today: NaiveDate) -> NaiveDate {
    today.checked_sub_months(Months::new(12)).unwrap_or(today)
}

/// The year of a register: this year when not given, from 2000 to next year.
fn check_year(e: &mut FieldErrors, year: Option<i32>, today: NaiveDate) -> i32 {
    let year = year.unwrap_or(today.year());
    if !(2000..=today.year() + 1).contains(&year) {
        e.push("year", format!("年度应在 2000 至 {} 之间", today.year() + 1));
    }
    year
}

const POINT_MAX: usize = 300;
const TEXT_MAX: usize = 1000;
const MEASURE_MAX: usize = 500;

/// A control measure as entered.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = RiskMeasureFields))]
#[serde(default, deny_unknown_fields)]
pub struct MeasureFields {
    /// 防控措施
    pub text: String,
    /// the person responsible for the measure
    pub person_id: Option<i64>,
    /// when the measure is next reviewed (YYYY-MM-DD), optional
    pub review_on: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeasureDraft {
    pub text: String,
    pub person_id: i64,
    pub review_on: Option<NaiveDate>,
}

/// A risk point as entered (form, JSON or a spreadsheet row).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct RiskPointFields {
    pub unit_id: Option<i64>,
    /// the year of the review; this year when empty
    pub year: Option<i32>,
    /// 风险类别 (key or label)
    pub category: String,
    /// 岗位 or 业务流程
    pub post: String,
    /// the power or matter the point attaches to (职权事项)
    pub power: String,
    /// 风险点
    pub point: String,
    /// 表现形式
    pub manifestation: String,
    /// 风险等级 高/中/低 (may be empty in a proposal; required to be accepted)
    pub level: String,
    /// 部门负责人
    pub head_id: Option<i64>,
    /// 责任领导
    pub leader_id: Option<i64>,
    /// 防控措施 (may be empty in a proposal; one at least to be accepted)
    pub measures: Vec<MeasureFields>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RiskPointDraft {
    pub unit_id: i64,
    pub year: i32,
    pub category: RiskCategory,
    pub post: String,
    pub power: String,
    pub point: String,
    pub manifestation: String,
    pub level: Option<RiskLevel>,
    pub head_id: Option<i64>,
    pub leader_id: Option<i64>,
    pub measures: Vec<MeasureDraft>,
}

impl RiskPointFields {
    /// Validates a proposal. Blank measure rows are left out; a measure names its person.
    pub fn validate(&self, today: NaiveDate) -> Result<RiskPointDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        if self.unit_id.is_none() {
            e.push("unit_id", "单位不能为空");
        }
        let year = check_year(&mut e, self.year, today);
        let category = RiskCategory::parse_loose(&self.category);
        if category.is_none() {
            match trim_all(&self.category) {
                "" => e.push("category", "风险类别不能为空"),
                c => e.push("category", format!("风险类别“{c}”应为{}之一", RiskCategory::label_list())),
            }
        }
        check_required(&mut e, "post", "岗位或业务流程", &self.post, 100);
        check_max(&mut e, "power", "职权事项", trim_all(&self.power), 200);
        check_required(&mut e, "point", "风险点", &self.point, POINT_MAX);
        check_max(&mut e, "manifestation", "表现形式", trim_all(&self.manifestation), TEXT_MAX);
        let level = match trim_all(&self.level) {
            "" => None,
            l => {
                let parsed = RiskLevel::parse_loose(l);
                if parsed.is_none() {
                    e.push("level", format!("风险等级应为{}之一", RiskLevel::label_list()));
                }
                parsed
            }
        };
        let measures = self.measures(&mut e);
        e.into_result()?;
        Ok(RiskPointDraft {
            unit_id: self.unit_id.expect("checked"),
            year,
            category: category.expect("checked"),
            post: trim_all(&self.post).to_string(),
            power: trim_all(&self.power).to_string(),
            point: trim_all(&self.point).to_string(),
            manifestation: trim_all(&self.manifestation).to_string(),
            level,
            head_id: self.head_id,
            leader_id: self.leader_id,
            measures,
        })
    }

    fn measures(&self, e: &mut FieldErrors) -> Vec<MeasureDraft> {
        let mut out = Vec::new();
        let rows = self.measures.iter().filter(|m| !trim_all(&m.text).is_empty() || m.person_id.is_some());
        for (i, m) in rows.enumerate() {
            let n = i + 1;
            let text = trim_all(&m.text);
            if text.is_empty() {
                e.push("measures", format!("第 {n} 条防控措施的内容不能为空"));
            } else if text.chars().count() > MEASURE_MAX {
                e.push("measures", format!("第 {n} 条防控措施不能超过{MEASURE_MAX}个字"));
            }
            if m.person_id.is_none() {
                e.push("measures", format!("第 {n} 条防控措施“{text}”的责任人不能为空"));
            }
            let review_on = parse_date(e, "measures", &format!("第 {n} 条防控措施的复查日期"), &m.review_on, false);
            if let Some(person_id) = m.person_id.filter(|_| !text.is_empty()) {
                out.push(MeasureDraft { text: text.to_string(), person_id, review_on });
            }
        }
        out
    }
}

/// Whether the 纪检监察组 may accept a point: it has a level and at least one control measure.
/// The refusal names what is missing.
pub fn acceptance_check(level: Option<RiskLevel>, measures: usize) -> Result<(), String> {
    let mut missing = Vec::new();
    if level.is_none() {
        missing.push("风险等级");
    }
    if measures == 0 {
        missing.push("防控措施");
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!("不能确认：该风险点缺少{}，请退回单位补充后再确认", missing.join("和")))
    }
}

/// The level a point is raised to: only a point that has occurred (findings in the last 12
/// months) and is not already 高.
pub fn raise_check(level: Option<RiskLevel>, occurred: bool) -> Result<RiskLevel, String> {
    if !occurred {
        return Err("只有近 12 个月内有问题发生（已发生）的风险点可以提升等级".into());
    }
    match level {
        None => Err("该风险点尚未评定风险等级，不能提升".into()),
        Some(l) => l.raised().ok_or_else(|| "该风险点已是高风险，不能再提升".into()),
    }
}

/// A reason (退回理由, 提升理由).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = RiskReasonFields))]
#[serde(default, deny_unknown_fields)]
pub struct ReasonFields {
    pub reason: String,
}

impl ReasonFields {
    pub fn validate(&self, label: &str) -> Result<String, FieldErrors> {
        let mut e = FieldErrors::default();
        check_required(&mut e, "reason", label, &self.reason, TEXT_MAX);
        e.into_result()?;
        Ok(trim_all(&self.reason).to_string())
    }
}

/// A unit's register of one year: what 提交审核 and 复制上年度 act on.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct UnitYearFields {
    pub unit_id: Option<i64>,
    /// this year when empty
    pub year: Option<i32>,
}

impl UnitYearFields {
    pub fn validate(&self, today: NaiveDate) -> Result<(i64, i32), FieldErrors> {
        let mut e = FieldErrors::default();
        if self.unit_id.is_none() {
            e.push("unit_id", "单位不能为空");
        }
        let year = check_year(&mut e, self.year, today);
        e.into_result()?;
        Ok((self.unit_id.expect("checked"), year))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn point() -> RiskPointFields {
        RiskPointFields {
            unit_id: Some(3),
            category: "岗位职责".into(),
            post: "财务报销".into(),
            point: "虚报冒领".into(),
            level: "高".into(),
            measures: vec![MeasureFields {
                text: "双人审核".into(),
                person_id: Some(5),
                review_on: "2026-06-30".into(),
            }],
            ..Default::default()
        }
    }

    #[test]
    fn a_proposal_validates_and_blank_measure_rows_are_left_out() {
        let mut f = point();
        f.measures.push(MeasureFields::default());
        let d = f.validate(day("2026-03-01")).unwrap();
        assert_eq!((d.year, d.category, d.level), (2026, RiskCategory::Post, Some(RiskLevel::High)));
        assert_eq!(d.measures.len(), 1);
        assert_eq!(d.measures[0].review_on, Some(day("2026-06-30")));
    }

    #[test]
    fn a_measure_without_person_and_a_bad_level_are_named() {
        let mut f = point();
        f.level = "特高".into();
        f.measures[0].person_id = None;
        let e = f.validate(day("2026-03-01")).unwrap_err();
        assert!(e.for_field("level").unwrap().contains("高、中、低") || e.for_field("level").unwrap().contains("低"));
        assert!(e.for_field("measures").unwrap().contains("责任人"));
        let e = RiskPointFields::default().validate(day("2026-03-01")).unwrap_err();
        assert!(
            e.for_field("unit_id").is_some() && e.for_field("point").is_some() && e.for_field("category").is_some()
        );
    }

    #[test]
    fn acceptance_names_what_is_missing() {
        assert!(acceptance_check(Some(RiskLevel::Low), 1).is_ok());
        assert!(acceptance_check(None, 1).unwrap_err().contains("风险等级"));
        let both = acceptance_check(None, 0).unwrap_err();
        assert!(both.contains("风险等级和防控措施"), "{both}");
        assert!(acceptance_check(Some(RiskLevel::High), 0).unwrap_err().contains("防控措施"));
    }

    #[test]
    fn raising_needs_an_occurrence_and_stops_at_high() {
        assert_eq!(raise_check(Some(RiskLevel::Low), true), Ok(RiskLevel::Medium));
        assert!(raise_check(Some(RiskLevel::Low), false).is_err());
        assert!(raise_check(Some(RiskLevel::High), true).unwrap_err().contains("已是高风险"));
        assert_eq!(RiskLevel::parse_loose("高风险"), Some(RiskLevel::High));
        assert_eq!(RiskCategory::parse_loose("业务流程"), Some(RiskCategory::Process));
    }

    #[test]
    fn the_review_deadline_is_the_end_of_the_set_month() {
        assert_eq!(review_deadline(2026, None), day("2026-03-31"));
        assert_eq!(review_deadline(2026, Some("2")), day("2026-02-28"));
        assert_eq!(review_deadline(2026, Some("12")), day("2026-12-31"));
        assert_eq!(review_deadline(2026, Some("13")), day("2026-03-31"));
        assert_eq!(occurred_since(day("2026-12-02")), day("2025-12-02"));
    }
}
