//! 学习教育与警示教育: a study session is a ledger entry of its kind (专题学习, 警示教育, 党课, or a
//! 会议研究 of a branch meeting type) with what the ledger lacks: organiser, topic, materials and
//! the attendance as the organiser records it. The present attendees are the entry's
//! participants, so the entry is credited by the ledger as any other. No 打卡, no time counters:
//! attendance is what the organiser records (RULES.md, 减负).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ledger::{EntryDraft, EntryFields};
use crate::responsibility::{keyed_enum, EntryKind, ItemTemplate, MeetingType, Period};
use crate::text::{check_max, check_past_date, check_required, trim_all};
use crate::FieldErrors;

pub const TOPIC_MAX: usize = 200;
pub const MATERIALS_MAX: usize = 2000;
pub const NOTE_MAX: usize = 200;
pub const ROWS_MAX: usize = 500;

/// The setting naming the age under which a cadre counts as young (年轻干部).
pub const YOUTH_MAX_AGE_SETTING: &str = "youth.max_age";
pub const YOUTH_MAX_AGE_DEFAULT: i64 = 35;

/// The ledger kinds a study session can be.
pub const SESSION_KINDS: &[EntryKind] =
    &[EntryKind::Study, EntryKind::WarningEducation, EntryKind::PartyLecture, EntryKind::Meeting];

keyed_enum!(
    /// 出席情况 as the organiser records it.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum AttendanceStatus {
        Present = ("present", "出席"),
        Absent = ("absent", "缺席"),
    }
);

keyed_enum!(
    /// 缺席原因.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum AbsenceReason {
        Official = ("official", "公差"),
        Sick = ("sick", "病假"),
        Personal = ("personal", "事假"),
        Other = ("other", "其他"),
    }
);

/// One attendance row as entered.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct AttendanceFields {
    pub person_id: Option<i64>,
    /// present (出席) or absent (缺席); key or label
    pub status: String,
    /// for an absence: 公差, 病假, 事假 or 其他 (key or label)
    pub reason: String,
    pub note: String,
}

/// A study session as entered (form or JSON).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct SessionFields {
    /// study (专题学习), warning_education (警示教育), party_lecture (党课) or meeting (会议研究)
    pub kind: String,
    /// for a meeting: 党员大会, 支委会, 党小组会, 组织生活会 … (key or label)
    pub meeting_type: String,
    pub date: String,
    pub place: String,
    pub topic: String,
    /// 学习材料: titles of documents, films, the education base visited
    pub materials: String,
    /// the person who organised the session
    pub organiser_id: Option<i64>,
    /// the unit or party branch the session belongs to; attendance names only its people
    pub unit_id: Option<i64>,
    pub attendance: Vec<AttendanceFields>,
    /// 典型案例 used (警示教育 only)
    pub cases: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttendanceRow {
    pub person_id: i64,
    pub status: AttendanceStatus,
    pub reason: Option<AbsenceReason>,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SessionDraft {
    /// the ledger entry: participants are the present attendees
    pub entry: EntryDraft,
    pub organiser_id: Option<i64>,
    pub topic: String,
    pub materials: String,
    pub rows: Vec<AttendanceRow>,
}

impl SessionDraft {
    pub fn absent(&self) -> impl Iterator<Item = &AttendanceRow> {
        self.rows.iter().filter(|r| r.status == AttendanceStatus::Absent)
    }
}

fn parse_keyed<T>(v: &str, key: fn(&str) -> Option<T>, label: fn(&str) -> Option<T>) -> Option<T> {
    key(trim_all(v)).or_else(|| label(trim_all(v)))
}

fn attendance(rows: &[AttendanceFields], e: &mut FieldErrors) -> Vec<AttendanceRow> {
    if rows.is_empty() {
        e.push("attendance", "请登记出席情况（至少一人）");
    }
    if rows.len() > ROWS_MAX {
        e.push("attendance", format!("出席情况不能超过 {ROWS_MAX} 人"));
    }
    let mut out: Vec<AttendanceRow> = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let n = i + 1;
        let Some(person_id) = r.person_id else {
            e.push("attendance", format!("第 {n} 行：请选择人员"));
            continue;
        };
        if out.iter().any(|o| o.person_id == person_id) {
            e.push("attendance", format!("第 {n} 行：人员（编号 {person_id}）重复登记"));
            continue;
        }
        let Some(status) = parse_keyed(&r.status, AttendanceStatus::from_key, AttendanceStatus::from_label) else {
            e.push("attendance", format!("第 {n} 行：出席情况应为{}之一", AttendanceStatus::label_list()));
            continue;
        };
        let reason = parse_keyed(&r.reason, AbsenceReason::from_key, AbsenceReason::from_label);
        if status == AttendanceStatus::Absent && reason.is_none() {
            e.push("attendance", format!("第 {n} 行：缺席原因应为{}之一", AbsenceReason::label_list()));
            continue;
        }
        if crate::text::char_len(trim_all(&r.note)) > NOTE_MAX {
            e.push("attendance", format!("第 {n} 行：备注不能超过 {NOTE_MAX} 字"));
            continue;
        }
        out.push(AttendanceRow {
            person_id,
            status,
            reason: reason.filter(|_| status == AttendanceStatus::Absent),
            note: trim_all(&r.note).to_string(),
        });
    }
    out
}

impl SessionFields {
    /// Validates against `today`. The ledger entry's content is the topic (and the materials).
    pub fn validate(&self, today: NaiveDate) -> Result<SessionDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        let kind = parse_keyed(&self.kind, EntryKind::from_key, EntryKind::from_label);
        if !kind.is_some_and(|k| SESSION_KINDS.contains(&k)) {
            let labels: Vec<&str> = SESSION_KINDS.iter().map(|k| k.label()).collect();
            e.push("kind", format!("学习类型应为{}之一", labels.join("、")));
        }
        check_required(&mut e, "topic", "主题", &self.topic, TOPIC_MAX);
        check_max(&mut e, "materials", "学习材料", trim_all(&self.materials), MATERIALS_MAX);
        let rows = attendance(&self.attendance, &mut e);
        let topic = trim_all(&self.topic).to_string();
        let materials = trim_all(&self.materials).to_string();
        let content = if materials.is_empty() { topic.clone() } else { format!("{topic}\n学习材料：{materials}") };
        let fields = EntryFields {
            kind: kind.map(|k| k.key().to_string()).unwrap_or_else(|| "study".into()),
            meeting_type: self.meeting_type.clone(),
            date: self.date.clone(),
            place: self.place.clone(),
            content: if topic.is_empty() { "-".into() } else { content },
            unit_id: self.unit_id,
            participants: rows.iter().filter(|r| r.status == AttendanceStatus::Present).map(|r| r.person_id).collect(),
            cases: self.cases.clone(),
            ..EntryFields::default()
        };
        let entry = match fields.validate(today, false) {
            Ok(d) => Some(d),
            Err(errs) => {
                e.0.extend(errs.0.into_iter().filter(|x| x.field != "content"));
                None
            }
        };
        e.into_result()?;
        Ok(SessionDraft { entry: entry.expect("checked"), organiser_id: self.organiser_id, topic, materials, rows })
    }
}

/// 补学: a make-up study for an absence, recorded later (append-only).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct MakeupFields {
    pub person_id: Option<i64>,
    /// the day of the make-up study
    pub date: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MakeupDraft {
    pub person_id: i64,
    pub date: NaiveDate,
    pub note: String,
}

impl MakeupFields {
    /// Validates against the session's day and `today`: a make-up lies between them.
    pub fn validate(&self, session_date: NaiveDate, today: NaiveDate) -> Result<MakeupDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        if self.person_id.is_none() {
            e.push("person_id", "请选择补学人员");
        }
        let date = check_past_date(&mut e, "date", "补学日期", &self.date, today);
        if date.is_some_and(|d| d < session_date) {
            e.push("date", format!("补学日期不能早于学习日期（{session_date}）"));
        }
        check_max(&mut e, "note", "补学说明", trim_all(&self.note), NOTE_MAX);
        e.into_result()?;
        Ok(MakeupDraft {
            person_id: self.person_id.expect("checked"),
            date: date.expect("checked"),
            note: trim_all(&self.note).to_string(),
        })
    }
}

/// A branch duty the calendar shows: the item code, what satisfies it, and its period.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CalendarRule {
    pub code: &'static str,
    pub label: &'static str,
    /// owned by the branch (R-BR-1…4) or by its secretary (R-BR-6)
    pub by_secretary: bool,
}

/// R-BR-1…4 and R-BR-6 (RULES.md): 党员大会 quarterly, 支委会 and 党小组会 monthly, 组织生活会 and
/// 党课 yearly. The requirement and the source come from the item template.
pub const CALENDAR_RULES: &[CalendarRule] = &[
    CalendarRule { code: "R-BR-1", label: "党员大会", by_secretary: false },
    CalendarRule { code: "R-BR-2", label: "支委会", by_secretary: false },
    CalendarRule { code: "R-BR-3", label: "党小组会", by_secretary: false },
    CalendarRule { code: "R-BR-4", label: "组织生活会", by_secretary: false },
    CalendarRule { code: "R-BR-6", label: "党课", by_secretary: true },
];

impl CalendarRule {
    pub fn template(self) -> &'static ItemTemplate {
        ItemTemplate::find(self.code).expect("calendar rules name built-in items")
    }
    pub fn meeting_type(self) -> Option<MeetingType> {
        match self.code {
            "R-BR-1" => Some(MeetingType::PartyCongress),
            "R-BR-2" => Some(MeetingType::BranchCommittee),
            "R-BR-3" => Some(MeetingType::PartyGroup),
            "R-BR-4" => Some(MeetingType::OrganizationalLife),
            _ => None,
        }
    }
}

/// The state of one period of a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SlotState {
    /// enough entries were credited in the period
    Met,
    /// the period is over without enough
    Missed,
    /// the period is under way (or to come) and not yet met
    Open,
}

impl SlotState {
    pub fn label(self) -> &'static str {
        match self {
            SlotState::Met => "已落实",
            SlotState::Missed => "未落实",
            SlotState::Open => "进行中",
        }
    }
}

/// One month, quarter or year of a rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Slot {
    pub label: String,
    pub count: i64,
    pub state: SlotState,
}

/// The periods of `per` in `year` with the counts credited in each, given counts per month
/// (`monthly[0]` is January). A period is missed once it has ended before `today`.
pub fn slots(per: Period, need: u32, year: i32, monthly: &[i64; 12], today: NaiveDate) -> Vec<Slot> {
    use chrono::Datelike;
    let len = per.months();
    (1..=per.per_year())
        .map(|i| {
            let first = (i - 1) * len;
            let count: i64 = monthly[first as usize..(first + len) as usize].iter().sum();
            let last_month = first + len; // 1-based month that ends the period
            let ended = year < today.year() || (year == today.year() && last_month < today.month());
            let state = if count >= i64::from(need) {
                SlotState::Met
            } else if ended {
                SlotState::Missed
            } else {
                SlotState::Open
            };
            Slot { label: per.window_label(i), count, state }
        })
        .collect()
}

/// The age in whole years on `on` of someone born on `birth`.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> i32 {
    use chrono::Datelike;
    let mut age = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn row(p: i64, status: &str, reason: &str) -> AttendanceFields {
        AttendanceFields { person_id: Some(p), status: status.into(), reason: reason.into(), note: String::new() }
    }

    #[test]
    fn present_attendees_are_the_participants() {
        let f = SessionFields {
            kind: "warning_education".into(),
            date: "2026-03-02".into(),
            topic: "观看警示教育片".into(),
            unit_id: Some(3),
            attendance: vec![row(1, "出席", ""), row(2, "absent", "病假"), row(5, "present", "事假")],
            ..Default::default()
        };
        let s = f.validate(d("2026-06-01")).unwrap();
        assert_eq!(s.entry.participants, vec![1, 5]);
        assert_eq!(s.rows[1].reason, Some(AbsenceReason::Sick));
        assert_eq!(s.rows[2].reason, None, "a present row keeps no reason");
        assert_eq!(s.entry.kind, EntryKind::WarningEducation);
    }

    #[test]
    fn bad_input_names_the_field() {
        let f = SessionFields {
            kind: "inspection".into(),
            date: "2099-01-01".into(),
            unit_id: Some(3),
            attendance: vec![row(1, "present", ""), row(1, "present", ""), row(2, "absent", "")],
            ..Default::default()
        };
        let e = f.validate(d("2026-06-01")).unwrap_err();
        for field in ["kind", "topic", "attendance", "date"] {
            assert!(e.for_field(field).is_some(), "{field}: {e:?}");
        }
        let msgs: Vec<&str> = e.0.iter().filter(|x| x.field == "attendance").map(|x| x.message.as_str()).collect();
        assert!(msgs.iter().any(|m| m.contains("重复")), "{msgs:?}");
        assert!(msgs.iter().any(|m| m.contains("缺席原因")), "{msgs:?}");
        let none = SessionFields { kind: "study".into(), topic: "x".into(), ..Default::default() };
        assert!(none.validate(d("2026-06-01")).unwrap_err().for_field("attendance").is_some());
    }

    #[test]
    fn a_meeting_session_needs_its_type() {
        let f = SessionFields {
            kind: "meeting".into(),
            date: "2026-03-02".into(),
            topic: "支委会".into(),
            unit_id: Some(3),
            attendance: vec![row(1, "present", "")],
            ..Default::default()
        };
        assert!(f.validate(d("2026-06-01")).unwrap_err().for_field("meeting_type").is_some());
        let ok = SessionFields { meeting_type: "支委会".into(), ..f };
        assert_eq!(ok.validate(d("2026-06-01")).unwrap().entry.meeting_type, Some(MeetingType::BranchCommittee));
    }

    #[test]
    fn makeup_lies_between_session_and_today() {
        let m = MakeupFields { person_id: Some(2), date: "2026-02-01".into(), note: String::new() };
        assert!(m.validate(d("2026-03-02"), d("2026-06-01")).unwrap_err().for_field("date").is_some());
        let m = MakeupFields { person_id: None, date: "2026-03-05".into(), note: String::new() };
        assert!(m.validate(d("2026-03-02"), d("2026-06-01")).unwrap_err().for_field("person_id").is_some());
        let m = MakeupFields { person_id: Some(2), date: "2026-03-05".into(), note: String::new() };
        assert_eq!(m.validate(d("2026-03-02"), d("2026-06-01")).unwrap().date, d("2026-03-05"));
    }

    #[test]
    fn slots_meet_miss_or_stay_open() {
        let mut m = [0i64; 12];
        m[0] = 1; // January
        m[4] = 2; // May
        let s = slots(Period::Quarter, 1, 2026, &m, d("2026-07-15"));
        let states: Vec<SlotState> = s.iter().map(|x| x.state).collect();
        assert_eq!(states, vec![SlotState::Met, SlotState::Met, SlotState::Open, SlotState::Open]);
        assert_eq!(s[1].count, 2);
        let s = slots(Period::Month, 1, 2026, &m, d("2026-07-15"));
        assert_eq!(s[1].state, SlotState::Missed);
        assert_eq!(s[6].state, SlotState::Open);
        assert_eq!(slots(Period::Year, 1, 2025, &[0; 12], d("2026-01-02"))[0].state, SlotState::Missed);
        for r in CALENDAR_RULES {
            assert_eq!(r.template().code, r.code);
        }
    }

    #[test]
    fn age_counts_whole_years() {
        assert_eq!(age_on(d("1991-06-02"), d("2026-06-01")), 34);
        assert_eq!(age_on(d("1991-06-01"), d("2026-06-01")), 35);
    }
}
