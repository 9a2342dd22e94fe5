//! 督查督办: decisions to implement (决策部署) and the 纪检组's 督办 notes on them.
//!
//! A decision is a passed topic of a 三重一大 meeting or a higher-level document entered by hand
//! (上级决策部署); it breaks down into ordinary work-plan tasks (see [`crate::plans`]). A 督办 is a
//! pressing note with a deadline, addressed to a unit (and optionally a person), answered (反馈)
//! by the addressee and closed (办结) by the 纪检组. This module holds the input validation and
//! the derived state of a note.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::responsibility::keyed_enum;
use crate::text::{check_max, check_past_date, check_required, date_error, parse_ymd, trim_all};
use crate::FieldErrors;

pub const TITLE_MAX: usize = 200;
pub const DOC_NUMBER_MAX: usize = 100;
pub const ISSUER_MAX: usize = 100;
pub const REQUIREMENTS_MAX: usize = 5000;
pub const NOTE_TEXT_MAX: usize = 2000;
pub const ANSWER_MAX: usize = 5000;
pub const CLOSE_NOTE_MAX: usize = 1000;

keyed_enum!(
    /// Where a decision to implement comes from.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Source {
        Topic = ("topic", "三重一大议题"),
        Higher = ("higher", "上级决策部署"),
    }
);

keyed_enum!(
    /// The state of a 督办, derived from its answer, closing and deadline.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum NoteState {
        Open = ("open", "待反馈"),
        Overdue = ("overdue", "逾期未反馈"),
        Answered = ("answered", "已反馈"),
        Closed = ("closed", "已办结"),
    }
);

/// The state of a note on `today`, first matching rule wins: 已办结 when closed; 已反馈 when
/// answered; 逾期未反馈 when `today` is after the deadline (the deadline day is still in time);
/// else 待反馈.
pub fn note_state(
    deadline: NaiveDate,
    answered_on: Option<NaiveDate>,
    closed_on: Option<NaiveDate>,
    today: NaiveDate,
) -> NoteState {
    if closed_on.is_some() {
        NoteState::Closed
    } else if answered_on.is_some() {
        NoteState::Answered
    } else if today > deadline {
        NoteState::Overdue
    } else {
        NoteState::Open
    }
}

/// A decision to implement as entered. For a meeting topic (`topic_id`), the title, date and
/// unit default to the topic's and its meeting's; a 上级决策部署 names its document.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct ImplementationFields {
    /// `topic` (三重一大议题) or `higher` (上级决策部署); key or label. Defaults to `topic` when
    /// `topic_id` is given, else `higher`.
    pub source: String,
    /// the passed topic of a 三重一大 meeting (source `topic`)
    pub topic_id: Option<i64>,
    /// 文号 (required for a 上级决策部署)
    pub doc_number: String,
    /// 发文机关 (required for a 上级决策部署)
    pub issuer: String,
    /// 印发日期 / 会议日期, YYYY-MM-DD, not in the future
    pub issued_on: String,
    /// 决策事项
    pub title: String,
    /// 工作要求
    pub requirements: String,
    /// 落实单位 (牵头): the unit that breaks the decision down
    pub unit_id: Option<i64>,
}

/// A validated decision to implement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImplementationDraft {
    pub source: Source,
    pub topic_id: Option<i64>,
    pub doc_number: String,
    pub issuer: String,
    pub issued_on: NaiveDate,
    pub title: String,
    pub requirements: String,
    pub unit_id: i64,
}

impl ImplementationFields {
    /// The source asked for, or the one the fields imply.
    pub fn source(&self) -> Option<Source> {
        match trim_all(&self.source) {
            "" if self.topic_id.is_some() => Some(Source::Topic),
            "" => Some(Source::Higher),
            s => Source::parse(s),
        }
    }

    pub fn validate(&self, today: NaiveDate) -> Result<ImplementationDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        let source = self.source();
        match source {
            None => e.push("source", format!("来源应为{}之一", Source::label_list())),
            Some(Source::Topic) if self.topic_id.is_none() => e.push("topic_id", "请选择三重一大会议的议题"),
            Some(Source::Higher) => {
                if self.topic_id.is_some() {
                    e.push("topic_id", "上级决策部署不关联会议议题");
                }
                check_required(&mut e, "doc_number", "文号", &self.doc_number, DOC_NUMBER_MAX);
                check_required(&mut e, "issuer", "发文机关", &self.issuer, ISSUER_MAX);
            }
            Some(Source::Topic) => {
                check_max(&mut e, "doc_number", "文号", trim_all(&self.doc_number), DOC_NUMBER_MAX);
                check_max(&mut e, "issuer", "决策机构", trim_all(&self.issuer), ISSUER_MAX);
            }
        }
        let issued_on = check_past_date(&mut e, "issued_on", "印发（决策）日期", &self.issued_on, today);
        check_required(&mut e, "title", "决策事项", &self.title, TITLE_MAX);
        check_max(&mut e, "requirements", "工作要求", trim_all(&self.requirements), REQUIREMENTS_MAX);
        if self.unit_id.is_none() {
            e.push("unit_id", "请选择落实单位");
        }
        e.into_result()?;
        Ok(ImplementationDraft {
            source: source.expect("checked"),
            topic_id: self.topic_id,
            doc_number: trim_all(&self.doc_number).to_string(),
            issuer: trim_all(&self.issuer).to_string(),
            issued_on: issued_on.expect("checked"),
            title: trim_all(&self.title).to_string(),
            requirements: trim_all(&self.requirements).to_string(),
            unit_id: self.unit_id.expect("checked"),
        })
    }
}

impl ImplementationDraft {
    /// The title of the work plan that holds the decision's tasks (at most 100 characters).
    pub fn plan_title(&self) -> String {
        let full = format!("落实：{}", self.title);
        if full.chars().count() <= crate::plans::PLAN_TITLE_MAX {
            full
        } else {
            let mut s: String = full.chars().take(crate::plans::PLAN_TITLE_MAX - 1).collect();
            s.push('…');
            s
        }
    }
}

/// A 督办 as entered.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct NoteFields {
    /// the decision pressed on
    pub implementation_id: Option<i64>,
    /// one of its tasks, when the note presses on a task
    pub task_id: Option<i64>,
    /// 督办事项
    pub text: String,
    /// 反馈期限, YYYY-MM-DD, not before today
    pub deadline: String,
    /// 督办对象 (unit)
    pub unit_id: Option<i64>,
    /// 督办对象 (person, optional)
    pub person_id: Option<i64>,
}

/// A validated 督办.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NoteDraft {
    pub implementation_id: i64,
    pub task_id: Option<i64>,
    pub text: String,
    pub deadline: NaiveDate,
    pub unit_id: i64,
    pub person_id: Option<i64>,
}

impl NoteFields {
    pub fn validate(&self, today: NaiveDate) -> Result<NoteDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        if self.implementation_id.is_none() {
            e.push("implementation_id", "请选择督办的决策部署");
        }
        check_required(&mut e, "text", "督办事项", &self.text, NOTE_TEXT_MAX);
        let v = trim_all(&self.deadline);
        let deadline = match parse_ymd(v) {
            Ok(d) if d < today => {
                e.push("deadline", "反馈期限不能早于今天");
                None
            }
            Ok(d) => Some(d),
            Err(_) if v.is_empty() => {
                e.push("deadline", "反馈期限不能为空");
                None
            }
            Err(err) => {
                e.push("deadline", date_error("反馈期限", v, err, "2026-06-30"));
                None
            }
        };
        if self.unit_id.is_none() {
            e.push("unit_id", "请选择督办对象（单位）");
        }
        e.into_result()?;
        Ok(NoteDraft {
            implementation_id: self.implementation_id.expect("checked"),
            task_id: self.task_id,
            text: trim_all(&self.text).to_string(),
            deadline: deadline.expect("checked"),
            unit_id: self.unit_id.expect("checked"),
            person_id: self.person_id,
        })
    }
}

/// The addressee's answer (反馈) to a 督办.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct NoteAnswerFields {
    /// 落实情况
    pub answer: String,
}

impl NoteAnswerFields {
    pub fn validate(&self) -> Result<String, FieldErrors> {
        let mut e = FieldErrors::default();
        check_required(&mut e, "answer", "反馈情况", &self.answer, ANSWER_MAX);
        e.into_result()?;
        Ok(trim_all(&self.answer).to_string())
    }
}

/// The 纪检组 closes (办结) a 督办, with an optional note.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct NoteCloseFields {
    /// 办结意见
    pub note: String,
}

impl NoteCloseFields {
    pub fn validate(&self) -> Result<String, FieldErrors> {
        let mut e = FieldErrors::default();
        check_max(&mut e, "note", "办结意见", trim_all(&self.note), CLOSE_NOTE_MAX);
        e.into_result()?;
        Ok(trim_all(&self.note).to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn note_state_rules_in_order() {
        let dl = d("2026-06-30");
        assert_eq!(note_state(dl, None, None, d("2026-06-30")), NoteState::Open);
        assert_eq!(note_state(dl, None, None, d("2026-07-01")), NoteState::Overdue);
        assert_eq!(note_state(dl, Some(d("2026-07-02")), None, d("2026-07-03")), NoteState::Answered);
        assert_eq!(note_state(dl, Some(d("2026-06-02")), Some(d("2026-06-03")), d("2026-08-01")), NoteState::Closed);
        assert_eq!(NoteState::parse("逾期未反馈"), Some(NoteState::Overdue));
    }

    #[test]
    fn a_higher_decision_names_its_document() {
        let today = d("2026-06-30");
        let f = ImplementationFields {
            title: "关于加强基层减负的通知".into(),
            issued_on: "2026-06-01".into(),
            unit_id: Some(1),
            ..Default::default()
        };
        let e = f.validate(today).unwrap_err();
        assert!(e.for_field("doc_number").is_some() && e.for_field("issuer").is_some(), "{e:?}");
        let ok = ImplementationFields {
            doc_number: "县委办发〔2026〕3号".into(), issuer: "县委办公室".into(), ..f
        };
        let draft = ok.validate(today).unwrap();
        assert_eq!((draft.source, draft.plan_title().as_str()), (Source::Higher, "落实：关于加强基层减负的通知"));
        let future = ImplementationFields { issued_on: "2026-07-01".into(), ..ok.clone() };
        assert!(future.validate(today).unwrap_err().for_field("issued_on").is_some());
        let topic = ImplementationFields { source: "三重一大议题".into(), ..ok };
        assert!(topic.validate(today).unwrap_err().for_field("topic_id").is_some());
        let long = ImplementationDraft { title: "很".repeat(150), ..draft };
        assert_eq!(long.plan_title().chars().count(), crate::plans::PLAN_TITLE_MAX);
    }

    #[test]
    fn a_note_has_a_deadline_not_before_today() {
        let today = d("2026-06-30");
        let f = NoteFields {
            implementation_id: Some(1),
            text: "请于期限前报送落实情况".into(),
            deadline: "2026-06-29".into(),
            unit_id: Some(2),
            ..Default::default()
        };
        assert!(f.validate(today).unwrap_err().for_field("deadline").is_some());
        let ok = NoteFields { deadline: "2026-06-30".into(), ..f.clone() };
        assert_eq!(ok.validate(today).unwrap().deadline, today);
        let bad = NoteFields { deadline: "6/30".into(), text: " ".into(), unit_id: None, ..f };
        let e = bad.validate(today).unwrap_err();
        for field in ["deadline", "text", "unit_id"] {
            assert!(e.for_field(field).is_some(), "{field}");
        }
        assert!(NoteAnswerFields { answer: " ".into() }.validate().is_err());
    }
}
