//! 问题清单 → 整改 → 验收销号 → 回头看: the dictionaries of a finding, input validation, and the
//! flow of a finding as a pure state machine.
//!
//! ```text
//! 已登记 recorded ──反馈──▶ 已反馈 fed_back ──制定整改措施──▶ 整改中 rectifying
//!      (a self-check finding starts here ▲)                     │  ▲
//!                                        申请验收销号 (all measures completed)
//!                                                               ▼  │ 退回 (with a reason)
//!                                                    待验收 sign_off_requested
//!                                                               │ 验收销号
//!                                                               ▼
//!                                                      已销号 signed_off ──回头看──▶ held | recurred
//! ```
//!
//! A recurrence found at the look-back reopens the problem as a new finding linked to the old one
//! (`recurrence_of`); the old one stays signed off with the look-back result `recurred`.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::responsibility::keyed_enum;
use crate::text::{check_max, check_required, trim_all};
use crate::FieldErrors;

pub const DESCRIPTION_MAX: usize = 2000;
pub const MEASURE_TEXT_MAX: usize = 1000;
pub const UPDATE_TEXT_MAX: usize = 2000;
pub const EVIDENCE_MAX: usize = 1000;
pub const NOTE_MAX: usize = 1000;
pub const CAMPAIGN_NAME_MAX: usize = 100;
pub const CAMPAIGN_GOALS_MAX: usize = 2000;

/// Setting: months from sign-off to the look-back (回头看).
pub const LOOK_BACK_MONTHS_SETTING: &str = "finding.look_back_months";
pub const DEFAULT_LOOK_BACK_MONTHS: u32 = 6;

/// The look-back months from the setting's text: a whole number from 1 to 60, else the default.
pub fn look_back_months(setting: Option<&str>) -> u32 {
    setting
        .and_then(|s| trim_all(s).parse::<u32>().ok())
        .filter(|m| (1..=60).contains(m))
        .unwrap_or(DEFAULT_LOOK_BACK_MONTHS)
}

/// When the look-back of a finding signed off on `signed_off_on` falls due. A sign-off on the
/// 31st whose target month is shorter falls due on that month's last day.
pub fn look_back_due(signed_off_on: NaiveDate, months: u32) -> NaiveDate {
    signed_off_on.checked_add_months(Months::new(months)).unwrap_or(signed_off_on)
}

keyed_enum!(
    /// 问题来源
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Source {
        Visit = ("visit", "走访调研"),
        Inspection = ("inspection", "监督检查"),
        Patrol = ("patrol", "巡察"),
        Audit = ("audit", "审计"),
        Petition = ("petition", "信访举报"),
        SelfCheck = ("self_check", "自查自纠"),
        HigherFeedback = ("higher_feedback", "上级反馈"),
    }
);

keyed_enum!(
    /// 问题类别: the 四风 categories of the CCDI monthly report (形式主义官僚主义 and the
    /// sub-types of 享乐主义奢靡之风), 主体责任落实, the six disciplines and 作风建设.
    /// Labels are unique; [`Category::parse`] also accepts the short sub-type name ("违规公款吃喝").
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Category {
        Formalism = ("formalism", "形式主义官僚主义"),
        Inaction = ("inaction", "形式主义官僚主义：不担当不作为乱作为假作为"),
        Gifts = ("gifts", "享乐主义奢靡之风：违规收送名贵特产和礼品礼金"),
        PublicDining = ("public_dining", "享乐主义奢靡之风：违规公款吃喝"),
        ClientBanquets = ("client_banquets", "享乐主义奢靡之风：违规接受管理和服务对象宴请"),
        Allowances = ("allowances", "享乐主义奢靡之风：违规发放津补贴或福利"),
        FamilyEvents = ("family_events", "享乐主义奢靡之风：违规操办婚丧喜庆"),
        PublicTravel = ("public_travel", "享乐主义奢靡之风：公款旅游"),
        Vehicles = ("vehicles", "享乐主义奢靡之风：违规配备使用公务用车"),
        Buildings = ("buildings", "享乐主义奢靡之风：楼堂馆所违规问题"),
        Reception = ("reception", "享乐主义奢靡之风：提供或接受超标准接待"),
        HedonismOther = ("hedonism_other", "享乐主义奢靡之风：其他"),
        PrimaryResponsibility = ("primary_responsibility", "主体责任落实"),
        Political = ("political", "政治纪律"),
        Organizational = ("organizational", "组织纪律"),
        Integrity = ("integrity", "廉洁纪律"),
        Mass = ("mass", "群众纪律"),
        Work = ("work", "工作纪律"),
        Life = ("life", "生活纪律"),
        Conduct = ("conduct", "作风建设"),
    }
);

impl Category {
    /// The group a category is reported under: 形式主义官僚主义, 享乐主义奢靡之风, 主体责任落实,
    /// 六项纪律 or 作风建设.
    pub fn group(self) -> &'static str {
        use Category::*;
        match self {
            Formalism | Inaction => "形式主义官僚主义",
            Gifts | PublicDining | ClientBanquets | Allowances | FamilyEvents | PublicTravel | Vehicles | Buildings
            | Reception | HedonismOther => "享乐主义奢靡之风",
            PrimaryResponsibility => "主体责任落实",
            Political | Organizational | Integrity | Mass | Work | Life => "六项纪律",
            Conduct => "作风建设",
        }
    }

    /// Whether the category is one of the 四风.
    pub fn is_four_winds(self) -> bool {
        matches!(self.group(), "形式主义官僚主义" | "享乐主义奢靡之风")
    }

    /// The label without its group ("违规公款吃喝").
    pub fn short_label(self) -> &'static str {
        let l = self.label();
        l.split_once('：').map_or(l, |(_, s)| s)
    }

    /// Key, full label, or the short label of a sub-type; full-width or ASCII colon, spaces ignored.
    pub fn parse_loose(s: &str) -> Option<Self> {
        let s: String =
            trim_all(s).replace([':', '-', '—', '－'], "：").chars().filter(|c| !c.is_whitespace()).collect();
        if let Some(c) = Self::parse(&s) {
            return Some(c);
        }
        let short = s.rsplit_once('：').map_or(s.as_str(), |(_, x)| x);
        let mut hits = Self::ALL.iter().filter(|c| c.short_label() == short);
        match (hits.next(), hits.next()) {
            (Some(c), None) => Some(*c),
            _ => None,
        }
    }
}

keyed_enum!(
    /// 严重程度
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Severity {
        General = ("general", "一般"),
        Serious = ("serious", "较重"),
        Grave = ("grave", "严重"),
    }
);

keyed_enum!(
    /// Who found the problem: the discipline-inspection group, or the unit itself (自查).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Origin {
        Supervision = ("supervision", "纪检监察组发现"),
        SelfCheck = ("self", "本单位自查"),
    }
);

keyed_enum!(
    /// The state of a finding.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum FindingState {
        Recorded = ("recorded", "已登记"),
        FedBack = ("fed_back", "已反馈"),
        Rectifying = ("rectifying", "整改中"),
        SignOffRequested = ("sign_off_requested", "待验收"),
        SignedOff = ("signed_off", "已销号"),
    }
);

keyed_enum!(
    /// What an evidence file (整改佐证材料) of a finding supports.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum EvidencePart {
        Measure = ("measure", "整改措施"),
        Progress = ("progress", "整改进展"),
        Request = ("request", "销号申请"),
    }
);

impl EvidencePart {
    /// Whether the part is about one measure (which must then be named).
    pub fn needs_measure(self) -> bool {
        matches!(self, EvidencePart::Measure | EvidencePart::Progress)
    }
}

/// Evidence is added while the unit rectifies: after feedback and until sign-off. Once signed
/// off the file of the finding is closed, as a superseded ledger version is.
pub fn evidence_open(state: FindingState) -> bool {
    matches!(state, FindingState::FedBack | FindingState::Rectifying | FindingState::SignOffRequested)
}

impl FindingState {
    /// The state a new finding starts in: a self-check finding is fed back already (the unit
    /// found it itself); a supervision finding waits for the group's feedback.
    pub fn initial(origin: Origin) -> Self {
        match origin {
            Origin::Supervision => FindingState::Recorded,
            Origin::SelfCheck => FindingState::FedBack,
        }
    }
}

keyed_enum!(
    /// The conclusion of a look-back (回头看).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum LookBackResult {
        Held = ("held", "整改成果巩固"),
        Recurred = ("recurred", "问题反弹"),
    }
);

keyed_enum!(
    /// The look-back (回头看) filter of the finding list (`look_back=`); the label is the note
    /// the list shows while the filter is on.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum LookBackFilter {
        /// looked back, the rectification held
        Held = ("held", "回头看：整改成果巩固"),
        /// looked back, the problem recurred
        Recurred = ("recurred", "回头看：问题反弹"),
        /// signed off, the look-back date reached, not yet looked back
        Due = ("due", "已到回头看时间"),
        /// looked back, whatever the result
        Done = ("done", "已回头看"),
    }
);

impl LookBackFilter {
    /// "held、recurred、due、done": the accepted values, for the error on an unknown one.
    pub fn key_list() -> String {
        Self::ALL.iter().map(|v| v.key()).collect::<Vec<_>>().join("、")
    }

    /// The look-back result this filter selects, for `held` and `recurred`.
    pub fn result(self) -> Option<LookBackResult> {
        match self {
            LookBackFilter::Held => Some(LookBackResult::Held),
            LookBackFilter::Recurred => Some(LookBackResult::Recurred),
            LookBackFilter::Due | LookBackFilter::Done => None,
        }
    }
}

keyed_enum!(
    /// One step of a finding's timeline (finding_steps.step).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Step {
        Recorded = ("recorded", "登记问题"),
        Edited = ("edited", "修改问题"),
        FedBack = ("fed_back", "反馈问题"),
        MeasureAdded = ("measure_added", "制定整改措施"),
        Progress = ("progress", "报告整改进展"),
        MeasureCompleted = ("measure_completed", "整改措施完成"),
        SignOffRequested = ("sign_off_requested", "申请验收销号"),
        Returned = ("returned", "退回整改"),
        SignedOff = ("signed_off", "验收销号"),
        LookBackHeld = ("look_back_held", "回头看：整改成果巩固"),
        LookBackRecurred = ("look_back_recurred", "回头看：问题反弹"),
        Reopened = ("reopened", "问题反弹，重新登记"),
    }
);

/// What someone asks to do with a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// 修改 (only while recorded)
    Edit,
    /// 反馈 to the unit
    Feedback,
    /// 制定整改措施 (adds one measure to the plan)
    AddMeasure,
    /// 报告整改进展 on a measure
    ReportProgress,
    /// 申请验收销号
    RequestSignOff,
    /// 验收销号
    SignOff,
    /// 退回整改
    Return,
    /// 回头看
    LookBack(LookBackResult),
}

impl Action {
    pub const ALL: &'static [Action] = &[
        Action::Edit,
        Action::Feedback,
        Action::AddMeasure,
        Action::ReportProgress,
        Action::RequestSignOff,
        Action::SignOff,
        Action::Return,
        Action::LookBack(LookBackResult::Held),
        Action::LookBack(LookBackResult::Recurred),
    ];

    /// Whether only the discipline-inspection group may take this action.
    pub fn needs_discipline_group(self) -> bool {
        matches!(self, Action::Feedback | Action::SignOff | Action::Return | Action::LookBack(_))
    }
}

/// What the state machine needs to know about a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    pub state: FindingState,
    /// number of rectification measures in the plan
    pub measures: usize,
    /// of those, not yet completed
    pub open_measures: usize,
    pub look_back: Option<LookBackResult>,
}

/// A step the flow allows: the new state and the step to record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    pub to: FindingState,
    pub step: Step,
}

/// Why the flow refuses a step, in Chinese for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal(pub String);

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn refuse<T>(message: impl Into<String>) -> Result<T, Refusal> {
    Err(Refusal(message.into()))
}

/// The state machine: what `action` does to a finding with these `facts`, or why it may not.
/// Who may act (the discipline-inspection group, the unit) is checked by the caller.
pub fn transition(facts: &Facts, action: Action) -> Result<Transition, Refusal> {
    use FindingState as S;
    let state = facts.state;
    let to = |to: S, step: Step| Ok(Transition { to, step });
    match action {
        Action::Edit => match state {
            S::Recorded => to(S::Recorded, Step::Edited),
            _ => refuse(format!("问题{}，不能再修改；只有已登记、尚未反馈的问题可以修改", state_phrase(state))),
        },
        Action::Feedback => match state {
            S::Recorded => to(S::FedBack, Step::FedBack),
            _ => refuse(format!("问题{}，不需要再反馈", state_phrase(state))),
        },
        Action::AddMeasure => match state {
            S::Recorded => refuse("问题尚未反馈给责任单位，不能制定整改措施"),
            S::FedBack | S::Rectifying => to(S::Rectifying, Step::MeasureAdded),
            S::SignOffRequested => refuse("问题已申请验收销号，等待纪检监察组验收，不能再增加整改措施"),
            S::SignedOff => refuse("问题已验收销号，不能再增加整改措施"),
        },
        Action::ReportProgress => match state {
            S::Rectifying => to(S::Rectifying, Step::Progress),
            S::Recorded | S::FedBack => refuse("问题尚未制定整改措施，不能报告整改进展"),
            S::SignOffRequested => refuse("问题已申请验收销号，等待纪检监察组验收；如被退回可继续报告进展"),
            S::SignedOff => refuse("问题已验收销号，不能再报告整改进展"),
        },
        Action::RequestSignOff => match state {
            S::Recorded => refuse("问题尚未反馈给责任单位，不能申请验收销号"),
            S::FedBack => refuse("尚未制定整改方案（至少一项整改措施），不能申请验收销号"),
            S::Rectifying if facts.measures == 0 => refuse("尚未制定整改方案（至少一项整改措施），不能申请验收销号"),
            S::Rectifying if facts.open_measures > 0 => {
                refuse(format!("还有 {} 项整改措施未完成，全部完成后才能申请验收销号", facts.open_measures))
            }
            S::Rectifying => to(S::SignOffRequested, Step::SignOffRequested),
            S::SignOffRequested => refuse("问题已申请验收销号，请等待纪检监察组验收"),
            S::SignedOff => refuse("问题已验收销号"),
        },
        Action::SignOff => match state {
            _ if facts.open_measures > 0 && state != S::SignedOff => {
                refuse(format!("还有 {} 项整改措施未完成，不能验收销号", facts.open_measures))
            }
            S::SignOffRequested if facts.measures == 0 => refuse("问题没有整改措施，不能验收销号"),
            S::SignOffRequested => to(S::SignedOff, Step::SignedOff),
            S::SignedOff => refuse("问题已验收销号，不能重复销号"),
            _ => refuse(format!("问题{}，责任单位尚未申请验收销号，不能验收销号", state_phrase(state))),
        },
        Action::Return => match state {
            S::SignOffRequested => to(S::Rectifying, Step::Returned),
            S::SignedOff => refuse("问题已验收销号，不能退回；如问题反弹，请在回头看时登记"),
            _ => refuse(format!("问题{}，只有待验收的问题可以退回整改", state_phrase(state))),
        },
        Action::LookBack(result) => match (state, facts.look_back) {
            (S::SignedOff, None) => to(
                S::SignedOff,
                match result {
                    LookBackResult::Held => Step::LookBackHeld,
                    LookBackResult::Recurred => Step::LookBackRecurred,
                },
            ),
            (S::SignedOff, Some(done)) => {
                refuse(format!("该问题已完成回头看（结论：{}），不能重复回头看", done.label()))
            }
            _ => refuse(format!("问题{}，只有已验收销号的问题才能回头看", state_phrase(state))),
        },
    }
}

/// "已反馈" → "处于“已反馈”状态"-like phrases for messages.
fn state_phrase(state: FindingState) -> String {
    match state {
        FindingState::Recorded => "尚未反馈".into(),
        FindingState::FedBack => "已反馈、尚未制定整改措施".into(),
        FindingState::Rectifying => "正在整改".into(),
        FindingState::SignOffRequested => "已申请验收销号".into(),
        FindingState::SignedOff => "已验收销号".into(),
    }
}

/// The actions the flow allows on a finding now (for showing the forms a user may use).
pub fn allowed(facts: &Facts) -> Vec<Action> {
    Action::ALL.iter().copied().filter(|a| transition(facts, *a).is_ok()).collect()
}

/// A measure is overdue on `today` when it is not completed and its deadline has passed
/// (the deadline day itself is still in time).
pub fn measure_overdue(deadline: NaiveDate, completed_on: Option<NaiveDate>, today: NaiveDate) -> bool {
    completed_on.is_none() && today > deadline
}

/// 整改率 in percent with one decimal: signed off / due; None when nothing is due.
pub fn rectification_rate(signed_off: u64, due: u64) -> Option<f64> {
    if due == 0 {
        None
    } else {
        Some(((signed_off.min(due) as f64) * 1000.0 / due as f64).round() / 10.0)
    }
}

/// Whether a finding counts as due for the rectification rate: signed off, or its plan's last
/// deadline has passed (a finding without measures is not yet due).
pub fn finding_due(state: FindingState, last_deadline: Option<NaiveDate>, today: NaiveDate) -> bool {
    state == FindingState::SignedOff || last_deadline.is_some_and(|d| today > d)
}

// ------------------------------------------------------------------ input

pub(crate) fn parse_date(
    e: &mut FieldErrors,
    field: &str,
    label: &str,
    value: &str,
    required: bool,
) -> Option<NaiveDate> {
    let v = trim_all(value);
    if v.is_empty() {
        if required {
            e.push(field, format!("{label}不能为空"));
        }
        return None;
    }
    match crate::text::parse_ymd(v) {
        Ok(d) if d < NaiveDate::from_ymd_opt(2000, 1, 1).expect("valid date") => {
            e.push(field, format!("{label}不能早于 2000 年"));
            None
        }
        Ok(d) if d > NaiveDate::from_ymd_opt(2100, 12, 31).expect("valid date") => {
            e.push(field, format!("{label}不能晚于 2100 年"));
            None
        }
        Ok(d) => Some(d),
        Err(err) => {
            e.push(field, crate::text::date_error(label, v, err, "2026-03-01"));
            None
        }
    }
}

/// A finding as entered (form, JSON or a spreadsheet row).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct FindingFields {
    pub unit_id: Option<i64>,
    pub source: String,
    pub category: String,
    pub description: String,
    pub severity: String,
    pub found_on: String,
    pub responsible_leader_id: Option<i64>,
    pub responsible_person_id: Option<i64>,
    pub campaign_id: Option<i64>,
    /// the 廉政风险点 of the unit this finding shows (optional)
    pub risk_point_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FindingDraft {
    pub unit_id: i64,
    pub source: Source,
    pub category: Category,
    pub description: String,
    pub severity: Severity,
    pub found_on: NaiveDate,
    pub responsible_leader_id: Option<i64>,
    pub responsible_person_id: Option<i64>,
    pub campaign_id: Option<i64>,
    pub risk_point_id: Option<i64>,
}

impl FindingFields {
    /// Validates against `today` (a problem cannot be found in the future). A missing severity
    /// is 一般; a missing source is 自查自纠 for a self-check finding. A self-check finding's
    /// source must be 自查自纠.
    pub fn validate(&self, today: NaiveDate, origin: Origin) -> Result<FindingDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        if self.unit_id.is_none() {
            e.push("unit_id", "责任单位不能为空");
        }
        let source = match trim_all(&self.source) {
            "" if origin == Origin::SelfCheck => Some(Source::SelfCheck),
            "" => {
                e.push("source", "问题来源不能为空");
                None
            }
            s => match (Source::parse(s), origin) {
                (None, _) => {
                    e.push("source", format!("问题来源应为{}之一", Source::label_list()));
                    None
                }
                (Some(Source::SelfCheck), Origin::SelfCheck) => Some(Source::SelfCheck),
                (Some(src), Origin::SelfCheck) => {
                    e.push(
                        "source",
                        format!("本单位登记的问题来源应为“自查自纠”（“{}”发现的问题由纪检监察组登记）", src.label()),
                    );
                    None
                }
                (Some(src), Origin::Supervision) => Some(src),
            },
        };
        let category = Category::parse_loose(&self.category);
        if category.is_none() {
            if trim_all(&self.category).is_empty() {
                e.push("category", "问题类别不能为空");
            } else {
                e.push("category", format!("问题类别“{}”不在问题类别字典中", trim_all(&self.category)));
            }
        }
        check_required(&mut e, "description", "问题描述", &self.description, DESCRIPTION_MAX);
        let severity = match trim_all(&self.severity) {
            "" => Some(Severity::General),
            s => Severity::parse(s),
        };
        if severity.is_none() {
            e.push("severity", format!("严重程度应为{}之一", Severity::label_list()));
        }
        let found_on = parse_date(&mut e, "found_on", "发现日期", &self.found_on, true);
        let found_on = match found_on {
            Some(d) if d > today => {
                e.push("found_on", "发现日期不能晚于今天");
                None
            }
            other => other,
        };
        e.into_result()?;
        Ok(FindingDraft {
            unit_id: self.unit_id.expect("checked"),
            source: source.expect("checked"),
            category: category.expect("checked"),
            description: trim_all(&self.description).to_string(),
            severity: severity.expect("checked"),
            found_on: found_on.expect("checked"),
            responsible_leader_id: self.responsible_leader_id,
            responsible_person_id: self.responsible_person_id,
            campaign_id: self.campaign_id,
            risk_point_id: self.risk_point_id,
        })
    }
}

/// A rectification measure as entered.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct MeasureFields {
    pub text: String,
    pub responsible_leader_id: Option<i64>,
    pub responsible_person_id: Option<i64>,
    pub deadline: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeasureDraft {
    pub text: String,
    pub responsible_leader_id: Option<i64>,
    pub responsible_person_id: i64,
    pub deadline: NaiveDate,
}

impl MeasureFields {
    /// Every measure has a responsible person and a deadline not before the finding's date.
    pub fn validate(&self, found_on: NaiveDate) -> Result<MeasureDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        check_required(&mut e, "text", "整改措施", &self.text, MEASURE_TEXT_MAX);
        if self.responsible_person_id.is_none() {
            e.push("responsible_person_id", "每项整改措施都要有责任人");
        }
        let deadline = parse_date(&mut e, "deadline", "整改时限", &self.deadline, true);
        if let Some(d) = deadline {
            if d < found_on {
                e.push("deadline", format!("整改时限（{d}）不能早于问题发现日期（{found_on}）"));
            }
        }
        e.into_result()?;
        Ok(MeasureDraft {
            text: trim_all(&self.text).to_string(),
            responsible_leader_id: self.responsible_leader_id,
            responsible_person_id: self.responsible_person_id.expect("checked"),
            deadline: deadline.expect("checked"),
        })
    }
}

/// A progress update on a measure as entered.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = MeasureUpdateFields))]
#[serde(default, deny_unknown_fields)]
pub struct UpdateFields {
    pub update_date: String,
    pub text: String,
    pub evidence: String,
    pub completes: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UpdateDraft {
    pub update_date: NaiveDate,
    pub text: String,
    pub evidence: String,
    pub completes: bool,
}

impl UpdateFields {
    /// The date lies between the finding's date and today.
    pub fn validate(&self, found_on: NaiveDate, today: NaiveDate) -> Result<UpdateDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        let date = parse_date(&mut e, "update_date", "进展日期", &self.update_date, true);
        match date {
            Some(d) if d > today => e.push("update_date", "进展日期不能晚于今天"),
            Some(d) if d < found_on => e.push("update_date", format!("进展日期不能早于问题发现日期（{found_on}）")),
            _ => {}
        }
        check_required(&mut e, "text", "整改进展", &self.text, UPDATE_TEXT_MAX);
        check_max(&mut e, "evidence", "佐证材料", trim_all(&self.evidence), EVIDENCE_MAX);
        e.into_result()?;
        Ok(UpdateDraft {
            update_date: date.expect("checked"),
            text: trim_all(&self.text).to_string(),
            evidence: trim_all(&self.evidence).to_string(),
            completes: self.completes,
        })
    }
}

/// 反馈: an optional note to the unit.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct FeedbackFields {
    pub note: String,
}

/// 申请验收销号: the evidence of the rectification (required) and a note.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct SignOffRequestFields {
    pub evidence: String,
    pub note: String,
}

/// 验收销号: an optional note (the verification's conclusion).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct SignOffFields {
    pub note: String,
}

/// 退回整改: the reason is required.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct ReturnFields {
    pub reason: String,
}

/// 回头看: held or recurred, with a note (required when it recurred).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct LookBackFields {
    pub result: String,
    pub note: String,
}

impl FeedbackFields {
    pub fn validate(&self) -> Result<String, FieldErrors> {
        let mut e = FieldErrors::default();
        check_max(&mut e, "note", "反馈意见", trim_all(&self.note), NOTE_MAX);
        e.into_result().map(|_| trim_all(&self.note).to_string())
    }
}

impl SignOffFields {
    pub fn validate(&self) -> Result<String, FieldErrors> {
        let mut e = FieldErrors::default();
        check_max(&mut e, "note", "验收意见", trim_all(&self.note), NOTE_MAX);
        e.into_result().map(|_| trim_all(&self.note).to_string())
    }
}

impl SignOffRequestFields {
    /// (evidence, note)
    pub fn validate(&self) -> Result<(String, String), FieldErrors> {
        let mut e = FieldErrors::default();
        check_required(&mut e, "evidence", "整改佐证材料", &self.evidence, EVIDENCE_MAX);
        check_max(&mut e, "note", "说明", trim_all(&self.note), NOTE_MAX);
        e.into_result().map(|_| (trim_all(&self.evidence).to_string(), trim_all(&self.note).to_string()))
    }
}

impl ReturnFields {
    pub fn validate(&self) -> Result<String, FieldErrors> {
        let mut e = FieldErrors::default();
        check_required(&mut e, "reason", "退回理由", &self.reason, NOTE_MAX);
        e.into_result().map(|_| trim_all(&self.reason).to_string())
    }
}

impl LookBackFields {
    pub fn validate(&self) -> Result<(LookBackResult, String), FieldErrors> {
        let mut e = FieldErrors::default();
        let result = LookBackResult::parse(&self.result);
        if result.is_none() {
            e.push("result", "回头看结论应为 held（整改成果巩固）或 recurred（问题反弹）");
        }
        if result == Some(LookBackResult::Recurred) {
            check_required(&mut e, "note", "反弹情况", &self.note, NOTE_MAX);
        } else {
            check_max(&mut e, "note", "回头看情况", trim_all(&self.note), NOTE_MAX);
        }
        e.into_result().map(|_| (result.expect("checked"), trim_all(&self.note).to_string()))
    }
}

/// A campaign (专项整治) as entered.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct CampaignFields {
    pub name: String,
    pub start_date: String,
    pub end_date: String,
    pub goals: String,
    pub unit_ids: Vec<i64>,
    pub task_ids: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CampaignDraft {
    pub name: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub goals: String,
    pub unit_ids: Vec<i64>,
    pub task_ids: Vec<i64>,
}

fn dedup(v: &[i64]) -> Vec<i64> {
    let mut v = v.to_vec();
    v.sort_unstable();
    v.dedup();
    v
}

impl CampaignFields {
    pub fn validate(&self) -> Result<CampaignDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        check_required(&mut e, "name", "专项整治名称", &self.name, CAMPAIGN_NAME_MAX);
        let start = parse_date(&mut e, "start_date", "开始日期", &self.start_date, true);
        let end = parse_date(&mut e, "end_date", "结束日期", &self.end_date, true);
        if let (Some(s), Some(t)) = (start, end) {
            if t < s {
                e.push("end_date", "结束日期不能早于开始日期");
            }
        }
        check_max(&mut e, "goals", "整治目标", trim_all(&self.goals), CAMPAIGN_GOALS_MAX);
        if self.unit_ids.is_empty() {
            e.push("unit_ids", "请选择专项整治范围内的单位");
        }
        e.into_result()?;
        Ok(CampaignDraft {
            name: trim_all(&self.name).to_string(),
            start_date: start.expect("checked"),
            end_date: end.expect("checked"),
            goals: trim_all(&self.goals).to_string(),
            unit_ids: dedup(&self.unit_ids),
            task_ids: dedup(&self.task_ids),
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn look_back_filter_keys() {
        assert_eq!(LookBackFilter::key_list(), "held、recurred、due、done");
        assert_eq!(LookBackFilter::from_key("due"), Some(LookBackFilter::Due));
        assert_eq!(LookBackFilter::from_key("soon"), None);
        assert_eq!(LookBackFilter::Held.result(), Some(LookBackResult::Held));
        assert_eq!(LookBackFilter::Done.result(), None);
    }

    use super::*;
    use FindingState as S;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn facts(state: S, measures: usize, open: usize) -> Facts {
        Facts { state, measures, open_measures: open, look_back: None }
    }

    fn ok(f: &Facts, a: Action) -> Transition {
        transition(f, a).unwrap_or_else(|r| panic!("{a:?} from {:?} refused: {r}", f.state))
    }

    fn refused(f: &Facts, a: Action) -> String {
        match transition(f, a) {
            Ok(t) => panic!("{a:?} from {:?} should be refused, went to {:?}", f.state, t.to),
            Err(r) => r.0,
        }
    }

    #[test]
    fn the_whole_flow_of_a_supervision_finding() {
        let mut f = facts(FindingState::initial(Origin::Supervision), 0, 0);
        assert_eq!(f.state, S::Recorded);
        assert_eq!(ok(&f, Action::Edit), Transition { to: S::Recorded, step: Step::Edited });
        f.state = ok(&f, Action::Feedback).to;
        assert_eq!(f.state, S::FedBack);
        let t = ok(&f, Action::AddMeasure);
        assert_eq!(t, Transition { to: S::Rectifying, step: Step::MeasureAdded });
        f = Facts { state: t.to, measures: 1, open_measures: 1, look_back: None };
        assert_eq!(ok(&f, Action::ReportProgress).to, S::Rectifying);
        f.open_measures = 0;
        f.state = ok(&f, Action::RequestSignOff).to;
        assert_eq!(f.state, S::SignOffRequested);
        assert_eq!(ok(&f, Action::Return), Transition { to: S::Rectifying, step: Step::Returned });
        f.state = ok(&f, Action::SignOff).to;
        assert_eq!(f.state, S::SignedOff);
        let t = ok(&f, Action::LookBack(LookBackResult::Recurred));
        assert_eq!(t, Transition { to: S::SignedOff, step: Step::LookBackRecurred });
        f.look_back = Some(LookBackResult::Recurred);
        assert!(refused(&f, Action::LookBack(LookBackResult::Held)).contains("不能重复回头看"));
    }

    #[test]
    fn a_self_check_finding_starts_fed_back() {
        let f = facts(FindingState::initial(Origin::SelfCheck), 0, 0);
        assert_eq!(f.state, S::FedBack);
        assert!(refused(&f, Action::Feedback).contains("不需要再反馈"));
        assert!(refused(&f, Action::Edit).contains("不能再修改"));
        assert_eq!(ok(&f, Action::AddMeasure).to, S::Rectifying);
    }

    /// Every (state, action) pair: exactly the listed ones are allowed, with the listed target.
    #[test]
    fn exhaustive_transition_table() {
        let held = Action::LookBack(LookBackResult::Held);
        let recurred = Action::LookBack(LookBackResult::Recurred);
        // (state, measures, open) -> allowed actions and targets
        let expected: Vec<(Facts, Vec<(Action, S)>)> = vec![
            (facts(S::Recorded, 0, 0), vec![(Action::Edit, S::Recorded), (Action::Feedback, S::FedBack)]),
            (facts(S::FedBack, 0, 0), vec![(Action::AddMeasure, S::Rectifying)]),
            (
                facts(S::Rectifying, 2, 1),
                vec![(Action::AddMeasure, S::Rectifying), (Action::ReportProgress, S::Rectifying)],
            ),
            (
                facts(S::Rectifying, 2, 0),
                vec![
                    (Action::AddMeasure, S::Rectifying),
                    (Action::ReportProgress, S::Rectifying),
                    (Action::RequestSignOff, S::SignOffRequested),
                ],
            ),
            (
                facts(S::Rectifying, 0, 0),
                vec![(Action::AddMeasure, S::Rectifying), (Action::ReportProgress, S::Rectifying)],
            ),
            (facts(S::SignOffRequested, 2, 0), vec![(Action::SignOff, S::SignedOff), (Action::Return, S::Rectifying)]),
            (facts(S::SignOffRequested, 2, 1), vec![(Action::Return, S::Rectifying)]),
            (facts(S::SignedOff, 2, 0), vec![(held, S::SignedOff), (recurred, S::SignedOff)]),
            (Facts { look_back: Some(LookBackResult::Held), ..facts(S::SignedOff, 2, 0) }, vec![]),
        ];
        for (f, allowed_here) in expected {
            for a in Action::ALL {
                let want = allowed_here.iter().find(|(x, _)| x == a).map(|(_, s)| *s);
                match (transition(&f, *a), want) {
                    (Ok(t), Some(s)) => assert_eq!(t.to, s, "{a:?} from {f:?}"),
                    (Err(r), None) => assert!(!r.0.is_empty() && r.0.chars().any(|c| c > '\u{4e00}'), "{r}"),
                    (got, want) => panic!("{a:?} from {f:?}: got {got:?}, want {want:?}"),
                }
            }
            assert_eq!(allowed(&f), allowed_here.iter().map(|(a, _)| *a).collect::<Vec<_>>(), "{f:?}");
        }
    }

    #[test]
    fn refusals_say_why() {
        assert!(refused(&facts(S::FedBack, 0, 0), Action::RequestSignOff).contains("尚未制定整改方案"));
        assert!(refused(&facts(S::Rectifying, 3, 2), Action::RequestSignOff).contains("还有 2 项整改措施未完成"));
        assert!(refused(&facts(S::Rectifying, 3, 2), Action::SignOff).contains("还有 2 项整改措施未完成"));
        assert!(refused(&facts(S::Rectifying, 3, 0), Action::SignOff).contains("尚未申请验收销号"));
        assert!(refused(&facts(S::Recorded, 0, 0), Action::AddMeasure).contains("尚未反馈"));
        assert!(refused(&facts(S::SignOffRequested, 1, 0), Action::AddMeasure).contains("等待纪检监察组验收"));
        assert!(refused(&facts(S::SignedOff, 1, 0), Action::SignOff).contains("不能重复销号"));
        assert!(refused(&facts(S::SignedOff, 1, 0), Action::Return).contains("不能退回"));
        assert!(refused(&facts(S::Rectifying, 1, 0), Action::LookBack(LookBackResult::Held)).contains("已验收销号"));
        assert!(refused(&facts(S::FedBack, 0, 0), Action::ReportProgress).contains("尚未制定整改措施"));
    }

    #[test]
    fn only_the_group_feeds_back_signs_off_returns_and_looks_back() {
        let group: Vec<Action> = Action::ALL.iter().copied().filter(|a| a.needs_discipline_group()).collect();
        assert_eq!(group.len(), 5);
        assert!(!Action::AddMeasure.needs_discipline_group() && !Action::RequestSignOff.needs_discipline_group());
    }

    #[test]
    fn look_back_due_months_later() {
        assert_eq!(look_back_due(d("2026-01-15"), 6), d("2026-07-15"));
        assert_eq!(look_back_due(d("2025-08-31"), 6), d("2026-02-28"));
        assert_eq!(look_back_months(None), 6);
        assert_eq!(look_back_months(Some(" 3 ")), 3);
        assert_eq!(look_back_months(Some("0")), 6);
        assert_eq!(look_back_months(Some("半年")), 6);
    }

    #[test]
    fn overdue_and_rate() {
        assert!(!measure_overdue(d("2026-05-01"), None, d("2026-05-01")));
        assert!(measure_overdue(d("2026-05-01"), None, d("2026-05-02")));
        assert!(!measure_overdue(d("2026-05-01"), Some(d("2026-05-09")), d("2026-06-01")));
        assert_eq!(rectification_rate(0, 0), None);
        assert_eq!(rectification_rate(2, 3), Some(66.7));
        assert_eq!(rectification_rate(3, 3), Some(100.0));
        assert!(finding_due(S::SignedOff, None, d("2026-01-01")));
        assert!(!finding_due(S::FedBack, None, d("2026-01-01")));
        assert!(finding_due(S::Rectifying, Some(d("2025-12-31")), d("2026-01-01")));
        assert!(!finding_due(S::Rectifying, Some(d("2026-01-01")), d("2026-01-01")));
    }

    #[test]
    fn categories_cover_the_four_winds_and_parse_loosely() {
        assert_eq!(Category::ALL.len(), 20);
        let hedonism = Category::ALL.iter().filter(|c| c.group() == "享乐主义奢靡之风").count();
        assert_eq!(hedonism, 10);
        assert_eq!(Category::parse_loose("违规公款吃喝"), Some(Category::PublicDining));
        assert_eq!(Category::parse_loose("享乐主义奢靡之风:违规公款吃喝"), Some(Category::PublicDining));
        assert_eq!(Category::parse_loose("不担当不作为乱作为假作为"), Some(Category::Inaction));
        assert_eq!(Category::parse_loose("廉洁纪律"), Some(Category::Integrity));
        assert_eq!(Category::parse_loose("public_dining"), Some(Category::PublicDining));
        assert_eq!(Category::parse_loose("其他"), Some(Category::HedonismOther));
        assert_eq!(Category::parse_loose("打牌"), None);
        assert!(Category::Inaction.is_four_winds() && !Category::Integrity.is_four_winds());
        // labels are unique, so a label always parses back to its category
        for c in Category::ALL {
            assert_eq!(Category::parse_loose(c.label()), Some(*c));
        }
    }

    fn finding() -> FindingFields {
        FindingFields {
            unit_id: Some(3),
            source: "巡察".into(),
            category: "违规公款吃喝".into(),
            description: " 以调研名义安排公款宴请 ".into(),
            severity: String::new(),
            found_on: "2026-03-01".into(),
            ..Default::default()
        }
    }

    #[test]
    fn finding_input() {
        let today = d("2026-05-01");
        let f = finding().validate(today, Origin::Supervision).unwrap();
        assert_eq!((f.source, f.category, f.severity), (Source::Patrol, Category::PublicDining, Severity::General));
        assert_eq!(f.description, "以调研名义安排公款宴请");
        // a unit's own finding is a self-check finding
        let e = finding().validate(today, Origin::SelfCheck).unwrap_err();
        assert!(e.for_field("source").unwrap().contains("自查自纠"));
        let own = FindingFields { source: String::new(), ..finding() }.validate(today, Origin::SelfCheck).unwrap();
        assert_eq!(own.source, Source::SelfCheck);
        let e = FindingFields { source: String::new(), ..finding() }.validate(today, Origin::Supervision).unwrap_err();
        assert!(e.for_field("source").is_some());
        let bad = FindingFields {
            unit_id: None,
            category: "打牌".into(),
            description: " ".into(),
            severity: "特别严重".into(),
            found_on: "2026-05-02".into(),
            ..finding()
        };
        let e = bad.validate(today, Origin::Supervision).unwrap_err();
        for field in ["unit_id", "category", "description", "severity", "found_on"] {
            assert!(e.for_field(field).is_some(), "{field}: {e:?}");
        }
        let e = FindingFields { found_on: "2026/3/1".into(), ..finding() }.validate(today, Origin::Supervision);
        assert!(e.unwrap_err().for_field("found_on").unwrap().contains("格式"));
    }

    #[test]
    fn measure_input_names_the_field() {
        let found = d("2026-03-01");
        let m = MeasureFields {
            text: "建立公务接待审批台账".into(),
            responsible_leader_id: Some(1),
            responsible_person_id: Some(2),
            deadline: "2026-03-01".into(),
        };
        assert_eq!(m.validate(found).unwrap().deadline, found);
        let e = MeasureFields { deadline: "2026-02-28".into(), ..m.clone() }.validate(found).unwrap_err();
        assert!(e.for_field("deadline").unwrap().contains("不能早于问题发现日期"));
        let e = MeasureFields { responsible_person_id: None, ..m.clone() }.validate(found).unwrap_err();
        assert_eq!(e.first().unwrap().field, "responsible_person_id");
        let e = MeasureFields::default().validate(found).unwrap_err();
        for field in ["text", "responsible_person_id", "deadline"] {
            assert!(e.for_field(field).is_some(), "{field}");
        }
    }

    #[test]
    fn update_and_step_input() {
        let (found, today) = (d("2026-03-01"), d("2026-05-01"));
        let u = UpdateFields { update_date: "2026-04-01".into(), text: "已整改".into(), ..Default::default() };
        assert!(u.validate(found, today).is_ok());
        let e = UpdateFields { update_date: "2026-05-02".into(), ..u.clone() }.validate(found, today).unwrap_err();
        assert!(e.for_field("update_date").is_some());
        let e = UpdateFields { update_date: "2026-02-01".into(), ..u.clone() }.validate(found, today).unwrap_err();
        assert!(e.for_field("update_date").is_some());
        assert!(SignOffRequestFields::default().validate().unwrap_err().for_field("evidence").is_some());
        assert!(ReturnFields { reason: " ".into() }.validate().unwrap_err().for_field("reason").is_some());
        assert!(LookBackFields { result: "maybe".into(), note: String::new() }.validate().is_err());
        let e = LookBackFields { result: "recurred".into(), note: String::new() }.validate().unwrap_err();
        assert!(e.for_field("note").is_some());
        assert_eq!(
            LookBackFields { result: "问题反弹".into(), note: "又有违规吃喝".into() }.validate().unwrap().0,
            LookBackResult::Recurred
        );
        assert_eq!(
            LookBackFields { result: "held".into(), note: String::new() }.validate().unwrap().0,
            LookBackResult::Held
        );
    }

    #[test]
    fn campaign_input() {
        let c = CampaignFields {
            name: "违规吃喝专项整治".into(),
            start_date: "2026-03-01".into(),
            end_date: "2026-12-31".into(),
            unit_ids: vec![3, 2, 3],
            ..Default::default()
        };
        assert_eq!(c.validate().unwrap().unit_ids, vec![2, 3]);
        let e = CampaignFields { end_date: "2026-02-01".into(), ..c.clone() }.validate().unwrap_err();
        assert!(e.for_field("end_date").is_some());
        let e = CampaignFields { unit_ids: vec![], ..c }.validate().unwrap_err();
        assert!(e.for_field("unit_ids").is_some());
    }

    #[test]
    fn evidence_is_added_while_rectifying() {
        assert!(!evidence_open(FindingState::Recorded));
        assert!(evidence_open(FindingState::FedBack) && evidence_open(FindingState::SignOffRequested));
        assert!(!evidence_open(FindingState::SignedOff));
        assert_eq!(EvidencePart::parse("销号申请"), Some(EvidencePart::Request));
        assert!(EvidencePart::Progress.needs_measure() && !EvidencePart::Request.needs_measure());
    }
}
