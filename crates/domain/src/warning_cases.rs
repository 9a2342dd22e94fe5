//! 典型案例 for 警示教育: the library of warning cases a 警示教育 session names (RULES.md:
//! the six disciplines, party and government sanctions).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::responsibility::keyed_enum;
use crate::text::{check_max, check_past_date, check_required, trim_all};
use crate::FieldErrors;

keyed_enum!(
    /// The six disciplines (六大纪律) a case broke.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Discipline {
        Political = ("political", "政治纪律"),
        Organizational = ("organizational", "组织纪律"),
        Integrity = ("integrity", "廉洁纪律"),
        Mass = ("mass", "群众纪律"),
        Work = ("work", "工作纪律"),
        Life = ("life", "生活纪律"),
    }
);

pub const TITLE_MAX: usize = 200;
pub const SANCTION_MAX: usize = 200;
pub const SOURCE_MAX: usize = 200;
pub const TEXT_MAX: usize = 5000;

/// A warning case as entered (form, JSON or a row of the case sheet).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct WarningCaseFields {
    /// 案例名称
    pub title: String,
    /// 通报或处理日期, YYYY-MM-DD
    pub case_date: String,
    /// 违反的纪律: a key (`integrity`) or its label (廉洁纪律)
    pub discipline: String,
    /// 处理结果 (e.g. 党内严重警告、政务记大过)
    pub sanction: String,
    /// 基本案情
    pub summary: String,
    /// 警示意义 / 教训
    pub lesson: String,
    /// 来源文件 (通报文号或出处)
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WarningCaseDraft {
    pub title: String,
    pub case_date: NaiveDate,
    pub discipline: Discipline,
    pub sanction: String,
    pub summary: String,
    pub lesson: String,
    pub source: String,
}

impl WarningCaseFields {
    pub fn validate(&self, today: NaiveDate) -> Result<WarningCaseDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        check_required(&mut e, "title", "案例名称", &self.title, TITLE_MAX);
        let case_date = check_past_date(&mut e, "case_date", "通报日期", &self.case_date, today);
        let discipline = Discipline::parse(trim_all(&self.discipline));
        if trim_all(&self.discipline).is_empty() {
            e.push("discipline", "请选择违反的纪律");
        } else if discipline.is_none() {
            e.push("discipline", format!("违反的纪律应为{}之一", Discipline::label_list()));
        }
        check_max(&mut e, "sanction", "处理结果", trim_all(&self.sanction), SANCTION_MAX);
        check_required(&mut e, "summary", "基本案情", &self.summary, TEXT_MAX);
        check_max(&mut e, "lesson", "警示意义", trim_all(&self.lesson), TEXT_MAX);
        check_max(&mut e, "source", "来源文件", trim_all(&self.source), SOURCE_MAX);
        e.into_result()?;
        Ok(WarningCaseDraft {
            title: trim_all(&self.title).to_string(),
            case_date: case_date.expect("checked"),
            discipline: discipline.expect("checked"),
            sanction: trim_all(&self.sanction).to_string(),
            summary: trim_all(&self.summary).to_string(),
            lesson: trim_all(&self.lesson).to_string(),
            source: trim_all(&self.source).to_string(),
        })
    }
}

impl WarningCaseDraft {
    /// The fields as entered, for a form or a merge patch over a stored case.
    pub fn fields(&self) -> WarningCaseFields {
        WarningCaseFields {
            title: self.title.clone(),
            case_date: self.case_date.to_string(),
            discipline: self.discipline.key().to_string(),
            sanction: self.sanction.clone(),
            summary: self.summary.clone(),
            lesson: self.lesson.clone(),
            source: self.source.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
    }

    #[test]
    fn a_case_needs_title_date_discipline_and_summary() {
        let e = WarningCaseFields::default().validate(today()).unwrap_err();
        for f in ["title", "case_date", "discipline", "summary"] {
            assert!(e.for_field(f).is_some(), "{f}");
        }
        let f = WarningCaseFields {
            title: " 某局长违规收受礼金案 ".into(),
            case_date: "2026-05-08".into(),
            discipline: "廉洁纪律".into(),
            summary: "收受管理服务对象礼金".into(),
            ..Default::default()
        };
        let d = f.validate(today()).unwrap();
        assert_eq!((d.title.as_str(), d.discipline), ("某局长违规收受礼金案", Discipline::Integrity));
        assert_eq!(d.fields().validate(today()).unwrap(), d);
    }

    #[test]
    fn future_dates_and_unknown_disciplines_are_named() {
        let f = WarningCaseFields {
            title: "案".into(),
            case_date: "2027-01-01".into(),
            discipline: "财经纪律".into(),
            summary: "x".into(),
            ..Default::default()
        };
        let e = f.validate(today()).unwrap_err();
        assert_eq!(e.for_field("case_date"), Some("通报日期不能晚于今天"));
        assert!(e.for_field("discipline").unwrap().contains("政治纪律、组织纪律、廉洁纪律"));
    }
}
