//! 重大事项请示报告: a unit asks (请示, which needs an answer) or tells (报告) a higher body
//! about a major matter, and records the answer; and 领导干部插手干预重大事项记录报告, a record
//! of a leader's interference that only the 纪检组 (and its author) may read.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

pub use crate::decisions::TopicCategory as MatterCategory;
use crate::responsibility::keyed_enum;
use crate::text::{check_max, check_past_date, check_required, trim_all};
use crate::FieldErrors;

keyed_enum!(
    /// What kind of record it is.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum MatterKind {
        Request = ("request", "请示"),
        Report = ("report", "报告"),
        Interference = ("interference", "插手干预记录"),
    }
);

impl MatterKind {
    /// Only an interference record is hidden from everyone but the 纪检组 and its author.
    pub fn restricted(self) -> bool {
        self == MatterKind::Interference
    }
}

/// 参数设置: days a higher body has to answer a 请示 before it is listed as overdue (local).
pub const ANSWER_DAYS_SETTING: &str = "major_matter.answer_days";
pub const ANSWER_DAYS_DEFAULT: i64 = 15;

pub const TITLE_MAX: usize = 200;
pub const ADDRESSEE_MAX: usize = 100;
pub const TEXT_MAX: usize = 5000;

/// A request, report or interference record as entered (form, JSON).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct MatterFields {
    /// `request` (请示), `report` (报告) or `interference` (插手干预记录); key or label
    pub kind: String,
    /// the unit that asks or reports (for an interference record: where it happened)
    pub unit_id: Option<i64>,
    /// 请示报告人 / 记录人
    pub person_id: Option<i64>,
    /// 报送对象 (e.g. 县委, 县纪委监委); not used by an interference record
    pub addressee: String,
    /// 三重一大 category key or label, or empty
    pub category: String,
    /// 事项
    pub title: String,
    /// 主要内容
    pub content: String,
    /// 报送日期 / 发生日期, YYYY-MM-DD, not in the future
    pub submitted_on: String,
    /// interference only: the leader who intervened (name and post, as the author knows them)
    pub leader: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatterDraft {
    pub kind: MatterKind,
    pub unit_id: i64,
    pub person_id: i64,
    pub addressee: String,
    pub category: Option<MatterCategory>,
    pub title: String,
    pub content: String,
    pub submitted_on: NaiveDate,
    pub leader: String,
}

impl MatterFields {
    pub fn validate(&self, today: NaiveDate) -> Result<MatterDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        let kind = MatterKind::parse(trim_all(&self.kind));
        if kind.is_none() {
            e.push("kind", format!("类别应为{}之一", MatterKind::label_list()));
        }
        if self.unit_id.is_none() {
            e.push("unit_id", "请选择单位");
        }
        if self.person_id.is_none() {
            e.push("person_id", "请选择请示报告人（记录人）");
        }
        let category = match trim_all(&self.category) {
            "" => None,
            c => MatterCategory::parse(c).or_else(|| {
                e.push("category", format!("议题类别应为{}之一，或不填", MatterCategory::label_list()));
                None
            }),
        };
        check_required(&mut e, "title", "事项", &self.title, TITLE_MAX);
        check_required(&mut e, "content", "主要内容", &self.content, TEXT_MAX);
        let submitted_on = check_past_date(&mut e, "submitted_on", "报送日期", &self.submitted_on, today);
        match kind {
            Some(MatterKind::Interference) => {
                check_required(&mut e, "leader", "插手干预的领导干部", &self.leader, ADDRESSEE_MAX)
            }
            Some(_) => check_required(&mut e, "addressee", "报送对象", &self.addressee, ADDRESSEE_MAX),
            None => {}
        }
        e.into_result()?;
        let interference = kind == Some(MatterKind::Interference);
        Ok(MatterDraft {
            kind: kind.expect("checked"),
            unit_id: self.unit_id.expect("checked"),
            person_id: self.person_id.expect("checked"),
            addressee: if interference { String::new() } else { trim_all(&self.addressee).to_string() },
            category,
            title: trim_all(&self.title).to_string(),
            content: trim_all(&self.content).to_string(),
            submitted_on: submitted_on.expect("checked"),
            leader: if interference { trim_all(&self.leader).to_string() } else { String::new() },
        })
    }
}

impl MatterDraft {
    /// The fields as entered, for the edit form and a merge patch.
    pub fn fields(&self) -> MatterFields {
        MatterFields {
            kind: self.kind.key().into(),
            unit_id: Some(self.unit_id),
            person_id: Some(self.person_id),
            addressee: self.addressee.clone(),
            category: self.category.map(|c| c.key().to_string()).unwrap_or_default(),
            title: self.title.clone(),
            content: self.content.clone(),
            submitted_on: self.submitted_on.to_string(),
            leader: self.leader.clone(),
        }
    }

    /// When a 请示 should have its answer (`answer_days` after it was sent); reports and
    /// interference records wait for none.
    pub fn answer_due(&self, answer_days: i64) -> Option<NaiveDate> {
        (self.kind == MatterKind::Request).then(|| self.submitted_on + Duration::days(answer_days))
    }
}

/// The higher body's answer to a 请示, as entered.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct AnswerFields {
    /// 批复意见
    pub answer: String,
    /// 批复日期, YYYY-MM-DD: not before the 请示 and not in the future
    pub answered_on: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnswerDraft {
    pub answer: String,
    pub answered_on: NaiveDate,
}

impl AnswerFields {
    pub fn validate(&self, submitted_on: NaiveDate, today: NaiveDate) -> Result<AnswerDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        check_required(&mut e, "answer", "批复意见", &self.answer, TEXT_MAX);
        let answered_on = check_past_date(&mut e, "answered_on", "批复日期", &self.answered_on, today);
        if let Some(d) = answered_on.filter(|d| *d < submitted_on) {
            e.push("answered_on", format!("批复日期（{d}）不能早于请示报送日期（{submitted_on}）"));
        }
        check_max(&mut e, "answer", "批复意见", trim_all(&self.answer), TEXT_MAX);
        e.into_result()?;
        Ok(AnswerDraft { answer: trim_all(&self.answer).to_string(), answered_on: answered_on.expect("checked") })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
    }

    fn request() -> MatterFields {
        MatterFields {
            kind: "请示".into(),
            unit_id: Some(2),
            person_id: Some(5),
            addressee: " 县委 ".into(),
            category: "重要人事任免".into(),
            title: "关于调整班子成员分工的请示".into(),
            content: "拟调整分工".into(),
            submitted_on: "2026-11-20".into(),
            leader: "ignored".into(),
        }
    }

    #[test]
    fn a_request_waits_for_its_answer_and_a_report_does_not() {
        let d = request().validate(today()).unwrap();
        assert_eq!(
            (d.kind, d.category, d.addressee.as_str(), d.leader.as_str()),
            (MatterKind::Request, Some(MatterCategory::Personnel), "县委", "")
        );
        assert_eq!(d.answer_due(15), NaiveDate::from_ymd_opt(2026, 12, 5));
        let report = MatterFields { kind: "report".into(), ..request() }.validate(today()).unwrap();
        assert_eq!(report.answer_due(15), None);
        assert_eq!(d.fields().validate(today()).unwrap(), d);
    }

    #[test]
    fn every_missing_or_wrong_field_is_named() {
        let e = MatterFields::default().validate(today()).unwrap_err();
        for f in ["kind", "unit_id", "person_id", "title", "content", "submitted_on"] {
            assert!(e.for_field(f).is_some(), "{f}");
        }
        let f = MatterFields { category: "重大事项".into(), submitted_on: "2026-12-02".into(), ..request() };
        let e = f.validate(today()).unwrap_err();
        assert!(e.for_field("category").unwrap().contains("重大决策事项"));
        assert_eq!(e.for_field("submitted_on"), Some("报送日期不能晚于今天"));
        let f = MatterFields { kind: "interference".into(), leader: String::new(), ..request() };
        assert!(f.validate(today()).unwrap_err().for_field("leader").is_some());
    }

    #[test]
    fn an_answer_lies_between_the_request_and_today() {
        let sent = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let early = AnswerFields { answer: "同意".into(), answered_on: "2026-11-19".into() };
        assert!(early.validate(sent, today()).unwrap_err().for_field("answered_on").unwrap().contains("不能早于"));
        let ok = AnswerFields { answer: "同意".into(), answered_on: "2026-11-20".into() };
        assert_eq!(ok.validate(sent, today()).unwrap().answered_on, sent);
    }
}
