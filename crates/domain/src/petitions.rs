//! 信访举报 and 问题线索: what a report says and who filed it, the evidence it may carry, the
//! clue it becomes and the four dispositions (监督执纪工作规则: 谈话函询, 初步核实, 暂存待查,
//! 予以了结). The reporter's identity is validated here and sealed by the store.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::responsibility::keyed_enum;
use crate::text::{check_max, check_past_date, check_required, parse_ymd, trim_all};
use crate::FieldErrors;

keyed_enum!(
    /// Where a report or clue came from.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Source {
        Online = ("online", "网上举报"),
        Letter = ("letter", "来信"),
        Visit = ("visit", "来访"),
        Phone = ("phone", "12388 电话"),
        Higher = ("higher", "上级转办"),
        Supervision = ("supervision", "监督检查发现"),
    }
);

impl Source {
    /// The sources a hand-entered report may name (the public page is `online`; a clue found in
    /// supervision is entered as a clue, not a report).
    pub const BY_HAND: &'static [Source] = &[Source::Letter, Source::Visit, Source::Phone, Source::Higher];
}

keyed_enum!(
    /// 问题线索处置方式 (四类处置).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Disposition {
        TalkInquiry = ("talk_inquiry", "谈话函询"),
        PreliminaryCheck = ("preliminary_check", "初步核实"),
        Shelve = ("shelve", "暂存待查"),
        Close = ("close", "予以了结"),
    }
);

impl Disposition {
    /// The state a clue enters under this disposition.
    pub fn state(self) -> ClueState {
        match self {
            Disposition::TalkInquiry => ClueState::Inquiring,
            Disposition::PreliminaryCheck => ClueState::Checking,
            Disposition::Shelve => ClueState::Shelved,
            Disposition::Close => ClueState::Closed,
        }
    }
}

keyed_enum!(
    /// Where a clue stands.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum ClueState {
        Pending = ("pending", "待处置"),
        Inquiring = ("inquiring", "谈话函询中"),
        Checking = ("checking", "初步核实中"),
        Shelved = ("shelved", "暂存待查"),
        Closed = ("closed", "已办结"),
        Merged = ("merged", "已并入其他线索"),
    }
);

impl ClueState {
    /// A disposition may be chosen for a clue not yet disposed or shelved.
    pub fn may_dispose(self) -> bool {
        matches!(self, ClueState::Pending | ClueState::Shelved)
    }
    /// A conclusion (the 函询 reply or the check's result) ends a clue under inquiry or check.
    pub fn may_conclude(self) -> bool {
        matches!(self, ClueState::Inquiring | ClueState::Checking)
    }
    /// What the filer of a report reads on the status page (nothing more).
    pub fn public_label(self) -> &'static str {
        match self {
            ClueState::Pending | ClueState::Merged => "已受理，正在办理",
            ClueState::Inquiring | ClueState::Checking | ClueState::Shelved => "正在办理",
            ClueState::Closed => "已办结",
        }
    }
}

pub const NAME_MAX: usize = 50;
pub const UNIT_MAX: usize = 100;
pub const POST_MAX: usize = 50;
pub const CONTENT_MIN: usize = 10;
pub const CONTENT_MAX: usize = 5000;
pub const HAPPENED_MAX: usize = 100;
pub const CONTACT_MAX: usize = 100;
pub const NOTE_MAX: usize = 2000;
pub const QUERY_PASSWORD_MIN: usize = 6;
pub const QUERY_PASSWORD_MAX: usize = 64;

/// A report as filed on the public page or entered by hand (form, JSON).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct PetitionFields {
    /// letter | visit | phone | higher (来信, 来访, 12388 电话, 上级转办), key or label; the public page
    /// files `online`
    pub source: String,
    /// 被反映人姓名
    pub subject_name: String,
    /// 被反映人单位
    pub subject_unit: String,
    /// 被反映人职务
    pub subject_post: String,
    /// the person in the system the report is about, when the 纪检组 matches one (optional)
    pub person_id: Option<i64>,
    /// 反映的主要问题
    pub content: String,
    /// when it happened (free text: 2026年3月, 去年春节前后)
    pub happened: String,
    /// 收到日期 YYYY-MM-DD (hand entry; the public page files today)
    pub received_on: String,
    /// 举报人姓名 (optional: anonymous reports are accepted); encrypted at rest
    pub reporter_name: String,
    /// 举报人联系方式 (optional); encrypted at rest
    pub reporter_contact: String,
}

/// The reporter's identity, sealed by the store before it is written.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Identity {
    pub name: String,
    pub contact: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PetitionDraft {
    pub source: Source,
    pub subject_name: String,
    pub subject_unit: String,
    pub subject_post: String,
    pub person_id: Option<i64>,
    pub content: String,
    pub happened: String,
    pub received_on: NaiveDate,
    /// None: anonymous
    pub identity: Option<Identity>,
}

impl PetitionFields {
    /// Validates a report. `online`: filed on the public page (source online, received today).
    pub fn validate(&self, today: NaiveDate, online: bool) -> Result<PetitionDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        let source = if online {
            Some(Source::Online)
        } else {
            let s = Source::parse(&self.source).filter(|s| Source::BY_HAND.contains(s));
            if s.is_none() {
                let allowed: Vec<&str> = Source::BY_HAND.iter().map(|s| s.label()).collect();
                e.push("source", format!("来源应为{}之一", allowed.join("、")));
            }
            s
        };
        check_required(&mut e, "subject_name", "被反映人", &self.subject_name, NAME_MAX);
        check_max(&mut e, "subject_unit", "被反映人单位", trim_all(&self.subject_unit), UNIT_MAX);
        check_max(&mut e, "subject_post", "被反映人职务", trim_all(&self.subject_post), POST_MAX);
        let content = trim_all(&self.content);
        if content.chars().count() < CONTENT_MIN {
            e.push("content", format!("反映的主要问题不能为空，且至少写{CONTENT_MIN}个字"));
        }
        check_max(&mut e, "content", "反映的主要问题", content, CONTENT_MAX);
        check_max(&mut e, "happened", "发生时间", trim_all(&self.happened), HAPPENED_MAX);
        check_max(&mut e, "reporter_name", "举报人姓名", trim_all(&self.reporter_name), NAME_MAX);
        check_max(&mut e, "reporter_contact", "联系方式", trim_all(&self.reporter_contact), CONTACT_MAX);
        let received_on = if online {
            Some(today)
        } else {
            check_past_date(&mut e, "received_on", "收到日期", &self.received_on, today)
        };
        e.into_result()?;
        let (name, contact) = (trim_all(&self.reporter_name), trim_all(&self.reporter_contact));
        Ok(PetitionDraft {
            source: source.unwrap_or(Source::Online),
            subject_name: trim_all(&self.subject_name).into(),
            subject_unit: trim_all(&self.subject_unit).into(),
            subject_post: trim_all(&self.subject_post).into(),
            person_id: self.person_id,
            content: content.into(),
            happened: trim_all(&self.happened).into(),
            received_on: received_on.unwrap_or(today),
            identity: (!name.is_empty() || !contact.is_empty())
                .then(|| Identity { name: name.into(), contact: contact.into() }),
        })
    }
}

/// Checks the query password a filer sets on the public page.
pub fn check_query_password(e: &mut FieldErrors, password: &str, again: &str) {
    let n = password.chars().count();
    if !(QUERY_PASSWORD_MIN..=QUERY_PASSWORD_MAX).contains(&n) {
        e.push(
            "password",
            format!("查询密码应为{QUERY_PASSWORD_MIN}至{QUERY_PASSWORD_MAX}个字符，请牢记，凭受理编号和查询密码查询办理情况"),
        );
    } else if password != again {
        e.push("password_again", "两次输入的查询密码不一致");
    }
}

/// A disposition step (JSON, form).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct DisposeFields {
    /// talk_inquiry | preliminary_check | shelve | close (谈话函询, 初步核实, 暂存待查, 予以了结)
    pub disposition: String,
    /// 初步核实: the deadline YYYY-MM-DD (谈话函询: the reply's due day is computed, 15 working days)
    pub due_on: String,
    /// what was decided and why; required for 予以了结 (the reason)
    pub note: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DisposeDraft {
    pub disposition: Disposition,
    pub due_on: Option<NaiveDate>,
    pub note: String,
}

impl DisposeFields {
    pub fn validate(&self, today: NaiveDate) -> Result<DisposeDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        let d = Disposition::parse(&self.disposition);
        if d.is_none() {
            e.push("disposition", format!("处置方式应为{}之一", Disposition::label_list()));
        }
        let note = trim_all(&self.note);
        check_max(&mut e, "note", "处置意见", note, NOTE_MAX);
        if d == Some(Disposition::Close) && note.is_empty() {
            e.push("note", "予以了结须写明了结的理由");
        }
        let due = trim_all(&self.due_on);
        let mut due_on = None;
        if d == Some(Disposition::PreliminaryCheck) {
            match parse_ymd(due) {
                Ok(day) if day < today => e.push("due_on", "核实期限不能早于今天"),
                Ok(day) => due_on = Some(day),
                Err(_) => e.push("due_on", "初步核实须填写核实期限（如 2026-06-30）"),
            }
        }
        e.into_result()?;
        Ok(DisposeDraft { disposition: d.unwrap_or(Disposition::Shelve), due_on, note: note.into() })
    }
}

/// The reply of a 谈话函询 or the conclusion of a 初步核实 (JSON, form).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct ConcludeFields {
    /// 办理结果: what the reply said or the check found, and what follows
    pub result: String,
    /// the answer the filer of an online report reads on the status page (optional)
    pub answer: String,
}

impl ConcludeFields {
    pub fn validate(&self) -> Result<(String, String), FieldErrors> {
        let mut e = FieldErrors::default();
        check_required(&mut e, "result", "办理结果", &self.result, NOTE_MAX);
        check_max(&mut e, "answer", "答复举报人", trim_all(&self.answer), NOTE_MAX);
        e.into_result()?;
        Ok((trim_all(&self.result).into(), trim_all(&self.answer).into()))
    }
}

/// A clue's register number: 线索〔2026〕第3号.
pub fn register_number(year: i64, number: i64) -> String {
    format!("线索〔{year}〕第{number}号")
}

pub const EVIDENCE_TYPES: &str = "图片（jpg、png、gif）、pdf、docx、xlsx";

/// The content type of an evidence file, by its first bytes (never by its name alone):
/// images, pdf, and docx/xlsx (a zip holding an Office document). Executables and anything
/// else are refused with a message naming the file.
pub fn sniff_evidence(name: &str, bytes: &[u8]) -> Result<&'static str, String> {
    let starts = |m: &[u8]| bytes.starts_with(m);
    if starts(b"MZ")
        || starts(b"\x7fELF")
        || starts(b"#!")
        || starts(&[0xCF, 0xFA, 0xED, 0xFE])
        || starts(b"\xCA\xFE\xBA\xBE")
    {
        return Err(format!("证据材料“{name}”是可执行文件，不能上传"));
    }
    let lower = name.to_lowercase();
    let found = if starts(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if starts(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if starts(b"GIF87a") || starts(b"GIF89a") {
        Some("image/gif")
    } else if starts(b"%PDF-") {
        Some("application/pdf")
    } else if starts(b"PK\x03\x04") && contains(bytes, b"[Content_Types].xml") {
        if contains(bytes, b"word/") && lower.ends_with(".docx") {
            Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        } else if contains(bytes, b"xl/") && lower.ends_with(".xlsx") {
            Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        } else {
            None
        }
    } else {
        None
    };
    found.ok_or_else(|| format!("证据材料“{name}”的类型不支持：只接受{EVIDENCE_TYPES}"))
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// 参数设置 keys of the public page's limits and the 函询 period, with their defaults.
pub const MAX_REPORTS_SETTING: (&str, i64) = ("petition.max_reports", 3);
pub const REPORT_WINDOW_SETTING: (&str, i64) = ("petition.window_minutes", 10);
pub const MAX_QUERY_FAILURES_SETTING: (&str, i64) = ("petition.max_query_failures", 5);
pub const QUERY_LOCK_SETTING: (&str, i64) = ("petition.lock_minutes", 30);
pub const MAX_FILES_SETTING: (&str, i64) = ("petition.max_files", 5);
pub const MAX_FILE_MB_SETTING: (&str, i64) = ("petition.max_file_mb", 10);
pub const REPLY_DAYS_SETTING: (&str, i64) = ("clue.reply_working_days", 15);

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn reports_need_whom_and_what() {
        let f = PetitionFields { subject_name: "张三".into(), content: "太短".into(), ..Default::default() };
        let e = f.validate(day("2026-05-01"), true).unwrap_err();
        assert!(e.for_field("content").unwrap().contains("至少"));
        let f = PetitionFields {
            subject_name: " 张三 ".into(),
            content: "<script>alert(1)</script> 收受礼金".into(),
            ..Default::default()
        };
        let d = f.validate(day("2026-05-01"), true).unwrap();
        assert_eq!((d.source, d.identity, d.subject_name.as_str()), (Source::Online, None, "张三"));
        let long = PetitionFields { content: "字".repeat(CONTENT_MAX + 1), ..f.clone() };
        assert!(long.validate(day("2026-05-01"), true).unwrap_err().for_field("content").unwrap().contains("5000"));
        let by_hand = PetitionFields { source: "网上举报".into(), ..f };
        let e = by_hand.validate(day("2026-05-01"), false).unwrap_err();
        assert!(e.for_field("source").is_some() && e.for_field("received_on").is_some());
    }

    #[test]
    fn closing_needs_a_reason_and_a_check_a_deadline() {
        let t = day("2026-05-01");
        let close = DisposeFields { disposition: "予以了结".into(), ..Default::default() };
        assert!(close.validate(t).unwrap_err().for_field("note").is_some());
        let check = DisposeFields { disposition: "preliminary_check".into(), ..Default::default() };
        assert!(check.validate(t).unwrap_err().for_field("due_on").is_some());
        let check = DisposeFields { due_on: "2026-06-30".into(), ..check };
        assert_eq!(check.validate(t).unwrap().due_on, Some(day("2026-06-30")));
    }

    #[test]
    fn evidence_is_sniffed_not_trusted_by_name() {
        assert!(sniff_evidence("a.pdf", b"MZ\x90\x00").unwrap_err().contains("可执行"));
        assert!(sniff_evidence("a.jpg", b"\x7fELF\x02").unwrap_err().contains("可执行"));
        assert_eq!(sniff_evidence("scan.bin", b"%PDF-1.7 ..."), Ok("application/pdf"));
        assert_eq!(sniff_evidence("x.png", b"\x89PNG\r\n\x1a\n...."), Ok("image/png"));
        assert!(sniff_evidence("a.pdf", b"hello").unwrap_err().contains("不支持"));
    }
}
