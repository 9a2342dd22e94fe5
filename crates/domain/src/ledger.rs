//! 履职台账: validation of a ledger entry as entered.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::responsibility::{EntryKind, MeetingType};
use crate::text::{check_max, check_required, trim_all};
use crate::FieldErrors;

pub const CONTENT_MAX: usize = 5000;
pub const PLACE_MAX: usize = 100;
pub const REASON_MAX: usize = 500;
/// Attachments: at most this many bytes each, of these types.
pub const ATTACHMENT_MAX_BYTES: usize = 10 * 1024 * 1024;
pub const ATTACHMENT_TYPES: &[(&str, &str)] = &[
    ("pdf", "application/pdf"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("png", "image/png"),
    ("doc", "application/msword"),
    ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("xls", "application/vnd.ms-excel"),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("wps", "application/vnd.ms-works"),
];

/// The content type for a file name, if the type is accepted.
pub fn attachment_type(filename: &str) -> Option<&'static str> {
    let ext = filename.rsplit_once('.')?.1.to_ascii_lowercase();
    ATTACHMENT_TYPES.iter().find(|(e, _)| *e == ext).map(|(_, t)| *t)
}

/// A ledger entry as entered (form or JSON).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct EntryFields {
    pub kind: String,
    /// 会议类型 (党员大会, 支委会 …; key or label): required when `kind` is 会议研究, ignored
    /// otherwise
    pub meeting_type: String,
    pub date: String,
    pub place: String,
    pub content: String,
    pub unit_id: Option<i64>,
    pub participants: Vec<i64>,
    /// responsibility items this entry serves beyond those matched automatically
    pub items: Vec<i64>,
    pub tasks: Vec<i64>,
    /// 典型案例 a 警示教育 entry used (ignored for other kinds)
    #[serde(default)]
    pub cases: Vec<i64>,
    /// required for a new version of a submitted entry
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntryDraft {
    pub kind: EntryKind,
    /// Some for every new 会议研究 entry; None for other kinds (and for meetings recorded
    /// before meeting types existed, which count toward every meeting item as they did)
    pub meeting_type: Option<MeetingType>,
    pub date: NaiveDate,
    pub place: String,
    pub content: String,
    pub unit_id: i64,
    pub participants: Vec<i64>,
    pub items: Vec<i64>,
    pub tasks: Vec<i64>,
    /// 典型案例 used: only on a 警示教育 entry
    pub cases: Vec<i64>,
    pub reason: String,
}

fn dedup(v: &[i64]) -> Vec<i64> {
    let mut v = v.to_vec();
    v.sort_unstable();
    v.dedup();
    v
}

impl EntryFields {
    /// Validates against `today` (no entries dated in the future). `correction` requires a reason.
    pub fn validate(&self, today: NaiveDate, correction: bool) -> Result<EntryDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        let kind = EntryKind::parse(trim_all(&self.kind));
        if trim_all(&self.kind).is_empty() {
            e.push("kind", "请选择记录类型");
        } else if kind.is_none() {
            e.push("kind", format!("记录类型应为{}之一", EntryKind::label_list()));
        }
        let meeting_type = MeetingType::parse(&self.meeting_type);
        if kind == Some(EntryKind::Meeting) {
            if trim_all(&self.meeting_type).is_empty() {
                e.push("meeting_type", "请选择会议类型");
            } else if meeting_type.is_none() {
                e.push("meeting_type", format!("会议类型应为{}之一", MeetingType::label_list()));
            }
        }
        let date = match crate::text::parse_ymd(trim_all(&self.date)) {
            Ok(d) if d > today => {
                e.push("date", "日期不能晚于今天");
                None
            }
            Ok(d) if d < NaiveDate::from_ymd_opt(2000, 1, 1).expect("valid date") => {
                e.push("date", "日期不能早于 2000 年");
                None
            }
            Ok(d) => Some(d),
            Err(_) if trim_all(&self.date).is_empty() => {
                e.push("date", "日期不能为空");
                None
            }
            Err(err) => {
                e.push("date", crate::text::date_error("日期", trim_all(&self.date), err, "2026-03-01"));
                None
            }
        };
        check_max(&mut e, "place", "地点", trim_all(&self.place), PLACE_MAX);
        check_required(&mut e, "content", "内容", &self.content, CONTENT_MAX);
        if self.unit_id.is_none() {
            e.push("unit_id", "所属单位不能为空");
        }
        if correction {
            check_required(&mut e, "reason", "更正理由", &self.reason, REASON_MAX);
        } else {
            check_max(&mut e, "reason", "更正理由", trim_all(&self.reason), REASON_MAX);
        }
        if self.participants.len() > 500 {
            e.push("participants", "参加人员不能超过 500 人");
        }
        e.into_result()?;
        Ok(EntryDraft {
            kind: kind.expect("checked"),
            meeting_type: meeting_type.filter(|_| kind == Some(EntryKind::Meeting)),
            date: date.expect("checked"),
            place: trim_all(&self.place).to_string(),
            content: trim_all(&self.content).to_string(),
            unit_id: self.unit_id.expect("checked"),
            participants: dedup(&self.participants),
            items: dedup(&self.items),
            tasks: dedup(&self.tasks),
            cases: if kind == Some(EntryKind::WarningEducation) { dedup(&self.cases) } else { Vec::new() },
            reason: trim_all(&self.reason).to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 5, 1).unwrap()
    }

    fn fields() -> EntryFields {
        EntryFields {
            kind: "会议研究".into(),
            meeting_type: "专题会议".into(),
            date: "2026-04-30".into(),
            content: "专题研究党风廉政建设".into(),
            unit_id: Some(1),
            participants: vec![3, 2, 3],
            ..Default::default()
        }
    }

    #[test]
    fn valid_entry_dedups_people() {
        let d = fields().validate(today(), false).unwrap();
        assert_eq!(d.kind, EntryKind::Meeting);
        assert_eq!(d.participants, vec![2, 3]);
    }

    #[test]
    fn future_dates_and_missing_fields_are_named() {
        let mut f = fields();
        f.date = "2026-05-02".into();
        f.kind = "聚餐".into();
        f.content = " ".into();
        let e = f.validate(today(), false).unwrap_err();
        assert_eq!(e.for_field("date"), Some("日期不能晚于今天"));
        assert!(e.for_field("kind").is_some() && e.for_field("content").is_some());
    }

    #[test]
    fn a_meeting_names_its_type() {
        assert_eq!(fields().validate(today(), false).unwrap().meeting_type, Some(MeetingType::Special));
        let mut f = fields();
        f.meeting_type = "".into();
        assert_eq!(f.validate(today(), false).unwrap_err().for_field("meeting_type"), Some("请选择会议类型"));
        f.meeting_type = "茶话会".into();
        assert!(f.validate(today(), false).unwrap_err().for_field("meeting_type").unwrap().contains("党员大会"));
        // other kinds carry no meeting type
        f.kind = "study".into();
        assert_eq!(f.validate(today(), false).unwrap().meeting_type, None);
    }

    #[test]
    fn a_correction_needs_a_reason() {
        assert!(fields().validate(today(), true).unwrap_err().for_field("reason").is_some());
        let mut f = fields();
        f.reason = "参会人员漏记".into();
        assert!(f.validate(today(), true).is_ok());
    }

    #[test]
    fn attachment_types_are_limited() {
        assert_eq!(attachment_type("会议纪要.PDF"), Some("application/pdf"));
        assert_eq!(attachment_type("x.exe"), None);
        assert_eq!(attachment_type("noext"), None);
    }
}
