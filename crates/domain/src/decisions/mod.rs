//! 三重一大: collective-decision meetings (党组会, 办公会, 支委会, 党员大会) with their members
//! who should attend (应到会), who was present, the absent with reasons and written opinions, and
//! topics (议题) with their category, the views in speaking order, the voting method, each
//! member's vote, who stepped aside (回避) and the result. The checks R-DEC-1…7 and R-DEC-9
//! ([`checks`]) are evaluated on every save; R-DEC-8 is the register of spending and
//! appointments above the local threshold ([`register`]).
//!
//! Validation ([`MeetingFields::validate`]) refuses only what cannot be true of a record (votes
//! from someone absent or recused, more votes than members, a chair who is not a member, a
//! meeting in the future); a record that breaks a rule is kept and its checks say so.

mod checks;
pub mod register;

use std::collections::HashSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use checks::{checks, outcome, Check, Outcome, THRESHOLD_SOURCE};

use crate::responsibility::keyed_enum;
use crate::text::{check_max, check_past_date, trim_all};
use crate::FieldErrors;

keyed_enum!(
    /// The body that meets (决策机构).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Body {
        PartyGroup = ("party_group", "党组会"),
        Office = ("office", "办公会"),
        BranchCommittee = ("branch_committee", "支委会"),
        BranchAssembly = ("branch_assembly", "党员大会"),
        Other = ("other", "其他会议"),
    }
);

keyed_enum!(
    /// 议题类别: the four 三重一大 kinds, or 一般事项.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum TopicCategory {
        Decision = ("decision", "重大决策事项"),
        Personnel = ("personnel", "重要人事任免"),
        Project = ("project", "重大项目安排"),
        Funds = ("funds", "大额度资金运作"),
        General = ("general", "一般事项"),
    }
);

impl TopicCategory {
    /// One of the 三重一大 kinds.
    pub fn is_major(self) -> bool {
        self != TopicCategory::General
    }
}

keyed_enum!(
    /// How a topic was decided: only a meeting is a collective decision (R-DEC-7).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum DecidedBy {
        Meeting = ("meeting", "会议集体讨论"),
        Circulation = ("circulation", "文件圈阅"),
        Individual = ("individual", "个别征求意见"),
        OnSite = ("on_site", "现场办公会"),
    }
);

keyed_enum!(
    /// 表决方式.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum VotingMethod {
        ShowOfHands = ("show_of_hands", "举手表决"),
        Oral = ("oral", "口头表决"),
        RollCall = ("roll_call", "记名投票"),
        Secret = ("secret_ballot", "无记名投票"),
    }
);

keyed_enum!(
    /// One member's vote on a topic.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Vote {
        Yes = ("yes", "同意"),
        No = ("no", "不同意"),
        Abstain = ("abstain", "弃权"),
        Defer = ("defer", "缓议"),
    }
);

keyed_enum!(
    /// The result the record states for a topic.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum TopicResult {
        Passed = ("passed", "通过"),
        Rejected = ("rejected", "未通过"),
        Deferred = ("deferred", "暂缓决定"),
    }
);

pub const TITLE_MAX: usize = 200;
pub const TEXT_MAX: usize = 2000;
pub const PLACE_MAX: usize = 100;
pub const MEMBERS_MAX: usize = 200;
pub const TOPICS_MAX: usize = 50;

/// A member who should attend (应到会), as entered.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = DecisionMemberFields))]
#[serde(default, deny_unknown_fields)]
pub struct MemberFields {
    pub person_id: Option<i64>,
    /// present (true, the default) or absent
    pub present: bool,
    /// 缺席原因 (an absent member)
    pub absence_reason: String,
    /// 书面意见 of an absent member (not a vote)
    pub written_opinion: String,
}

impl Default for MemberFields {
    fn default() -> Self {
        MemberFields { person_id: None, present: true, absence_reason: String::new(), written_opinion: String::new() }
    }
}

/// One view on a topic; the order of `speeches` is the speaking order.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct SpeechFields {
    pub person_id: Option<i64>,
    /// the view stated (发表意见)
    pub view: String,
}

/// One member's vote on a topic.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct VoteFields {
    pub person_id: Option<i64>,
    /// 同意 / 不同意 / 弃权 / 缓议 (key or label)
    pub vote: String,
}

/// A member who stepped aside (回避) on a topic, and why.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct RecusalFields {
    pub person_id: Option<i64>,
    pub reason: String,
}

/// A topic (议题) as entered.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct TopicFields {
    pub title: String,
    /// 重大决策事项 / 重要人事任免 / 重大项目安排 / 大额度资金运作 / 一般事项 (key or label)
    pub category: String,
    /// amount in 元 (required for 大额度资金运作), e.g. "850000" or "85.5万"
    pub amount: String,
    /// how it was decided: meeting (default), circulation (文件圈阅), individual (个别征求意见), on_site
    pub decided_by: String,
    /// 举手表决 / 口头表决 / 记名投票 / 无记名投票
    pub voting_method: String,
    /// 通过 / 未通过 / 暂缓决定
    pub result: String,
    /// views in speaking order
    pub speeches: Vec<SpeechFields>,
    pub votes: Vec<VoteFields>,
    pub recusals: Vec<RecusalFields>,
}

/// A meeting as entered (form or JSON): the body of create, update and the dry-run check.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct MeetingFields {
    /// the unit whose body meets (a party branch for 支委会 and 党员大会)
    pub unit_id: Option<i64>,
    /// 党组会 / 办公会 / 支委会 / 党员大会 / 其他会议 (key or label)
    pub body: String,
    /// YYYY-MM-DD, not in the future
    pub held_on: String,
    pub place: String,
    /// 主持人, one of the members
    pub chair_id: Option<i64>,
    /// 记录人
    pub recorder_id: Option<i64>,
    /// several topics voted one by one (逐项表决); false when they were voted together
    pub item_by_item: bool,
    /// 应到会 with attendance; empty for a party branch's 支委会 or 党员大会 fills in its committee
    /// or its members on the day
    pub members: Vec<MemberFields>,
    pub topics: Vec<TopicFields>,
}

impl Default for MeetingFields {
    fn default() -> Self {
        MeetingFields {
            unit_id: None,
            body: String::new(),
            held_on: String::new(),
            place: String::new(),
            chair_id: None,
            recorder_id: None,
            item_by_item: true,
            members: Vec::new(),
            topics: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Member {
    pub person_id: i64,
    pub present: bool,
    pub absence_reason: String,
    pub written_opinion: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Speech {
    pub person_id: i64,
    pub view: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recusal {
    pub person_id: i64,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Topic {
    pub title: String,
    pub category: TopicCategory,
    /// 分 (cents); required for 大额度资金运作
    pub amount_cents: Option<i64>,
    pub decided_by: DecidedBy,
    pub voting_method: Option<VotingMethod>,
    pub result: Option<TopicResult>,
    pub speeches: Vec<Speech>,
    pub votes: Vec<(i64, Vote)>,
    pub recusals: Vec<Recusal>,
}

impl Topic {
    pub fn recused(&self, person_id: i64) -> bool {
        self.recusals.iter().any(|r| r.person_id == person_id)
    }

    pub fn count(&self, v: Vote) -> usize {
        self.votes.iter().filter(|(_, x)| *x == v).count()
    }
}

/// A validated meeting.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeetingDraft {
    pub unit_id: i64,
    pub body: Body,
    pub held_on: NaiveDate,
    pub place: String,
    pub chair_id: i64,
    pub recorder_id: Option<i64>,
    pub item_by_item: bool,
    pub members: Vec<Member>,
    pub topics: Vec<Topic>,
}

impl MeetingDraft {
    pub fn member(&self, person_id: i64) -> Option<&Member> {
        self.members.iter().find(|m| m.person_id == person_id)
    }

    pub fn present(&self) -> usize {
        self.members.iter().filter(|m| m.present).count()
    }

    /// Present and not stepped aside: who counts as present for the topic (R-DEC-6).
    pub fn present_for(&self, t: &Topic) -> usize {
        self.members.iter().filter(|m| m.present && !t.recused(m.person_id)).count()
    }

    /// Every person the record names (members, chair, recorder), for scope checks.
    pub fn people(&self) -> Vec<i64> {
        let mut all: Vec<i64> = self.members.iter().map(|m| m.person_id).collect();
        all.push(self.chair_id);
        all.extend(self.recorder_id);
        all.sort_unstable();
        all.dedup();
        all
    }
}

/// Reads an amount in 元 ("850000", "850,000.50", "85万", "85.5 万元") as cents.
pub fn parse_amount(s: &str) -> Result<Option<i64>, String> {
    let t: String = trim_all(s).chars().filter(|c| !c.is_whitespace() && *c != ',' && *c != '，').collect();
    if t.is_empty() {
        return Ok(None);
    }
    let t = t.trim_end_matches('元');
    let (num, factor) = match t.strip_suffix('万') {
        Some(n) => (n, 10_000.0),
        None => (t, 1.0),
    };
    let v: f64 = num.parse().map_err(|_| format!("金额“{s}”应为数字（元），如 850000 或 85万"))?;
    if !v.is_finite() || v < 0.0 || v * factor > 1e13 {
        return Err(format!("金额“{s}”超出范围"));
    }
    Ok(Some((v * factor * 100.0).round() as i64))
}

/// Cents as 元 with two decimals and thousands separators ("850,000.00").
pub fn format_amount(cents: i64) -> String {
    let yuan = cents / 100;
    let digits = yuan.abs().to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{}{grouped}.{:02}", if cents < 0 { "-" } else { "" }, (cents % 100).abs())
}

fn parse_keyed<T>(
    e: &mut FieldErrors,
    field: &str,
    label: &str,
    v: &str,
    parse: fn(&str) -> Option<T>,
    list: fn() -> String,
) -> Option<T> {
    let v = trim_all(v);
    if v.is_empty() {
        return None;
    }
    let out = parse(v);
    if out.is_none() {
        e.push(field, format!("{label}“{v}”应为{}之一", list()));
    }
    out
}

impl MeetingFields {
    /// Validates a meeting against `today`.
    pub fn validate(&self, today: NaiveDate) -> Result<MeetingDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        if self.unit_id.is_none() {
            e.push("unit_id", "单位不能为空");
        }
        let body = parse_keyed(&mut e, "body", "会议类型", &self.body, Body::parse, Body::label_list);
        if trim_all(&self.body).is_empty() {
            e.push("body", "请选择会议类型（党组会、办公会、支委会、党员大会等）");
        }
        let held_on = check_past_date(&mut e, "held_on", "会议日期", &self.held_on, today);
        check_max(&mut e, "place", "会议地点", trim_all(&self.place), PLACE_MAX);
        let members = self.members(&mut e);
        let ids: Vec<i64> = members.iter().map(|m| m.person_id).collect();
        match self.chair_id {
            None => e.push("chair_id", "主持人不能为空"),
            Some(c) if !members.is_empty() && !ids.contains(&c) => e.push("chair_id", "主持人须是应到会成员之一"),
            Some(_) => {}
        }
        if self.topics.len() > TOPICS_MAX {
            e.push("topics", format!("一次会议的议题不能超过 {TOPICS_MAX} 项"));
        }
        let mut topics = Vec::new();
        for (i, t) in self.topics.iter().enumerate() {
            if t == &TopicFields::default() {
                continue;
            }
            if let Some(t) = t.validate(&mut e, i, &members) {
                topics.push(t);
            }
        }
        e.into_result()?;
        Ok(MeetingDraft {
            unit_id: self.unit_id.expect("checked"),
            body: body.expect("checked"),
            held_on: held_on.expect("checked"),
            place: trim_all(&self.place).to_string(),
            chair_id: self.chair_id.expect("checked"),
            recorder_id: self.recorder_id,
            item_by_item: self.item_by_item,
            members,
            topics,
        })
    }

    fn members(&self, e: &mut FieldErrors) -> Vec<Member> {
        if self.members.len() > MEMBERS_MAX {
            e.push("members", format!("应到会人员不能超过 {MEMBERS_MAX} 人"));
            return Vec::new();
        }
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for (i, m) in self.members.iter().enumerate() {
            let n = i + 1;
            let Some(pid) = m.person_id else {
                if !trim_all(&m.absence_reason).is_empty() || !trim_all(&m.written_opinion).is_empty() {
                    e.push("members", format!("第 {n} 名应到会人员未选择人员"));
                }
                continue;
            };
            if !seen.insert(pid) {
                e.push("members", format!("第 {n} 名应到会人员重复"));
                continue;
            }
            check_max(e, "members", "缺席原因", trim_all(&m.absence_reason), TITLE_MAX);
            check_max(e, "members", "书面意见", trim_all(&m.written_opinion), TEXT_MAX);
            out.push(Member {
                person_id: pid,
                present: m.present,
                absence_reason: if m.present { String::new() } else { trim_all(&m.absence_reason).to_string() },
                written_opinion: if m.present { String::new() } else { trim_all(&m.written_opinion).to_string() },
            });
        }
        if out.is_empty() {
            e.push("members", "请列出应到会人员");
        }
        out
    }
}

impl TopicFields {
    fn validate(&self, e: &mut FieldErrors, i: usize, members: &[Member]) -> Option<Topic> {
        let n = i + 1;
        let f = |k: &str| format!("topics[{i}].{k}");
        let before = e.0.len();
        let title = trim_all(&self.title);
        if title.is_empty() {
            e.push(&f("title"), format!("第 {n} 项议题的名称不能为空"));
        }
        check_max(e, &f("title"), &format!("第 {n} 项议题的名称"), title, TITLE_MAX);
        let category = match trim_all(&self.category) {
            "" => Some(TopicCategory::General),
            c => parse_keyed(e, &f("category"), "议题类别", c, TopicCategory::parse, TopicCategory::label_list),
        };
        let amount_cents = match parse_amount(&self.amount) {
            Ok(a) => a,
            Err(m) => {
                e.push(&f("amount"), format!("第 {n} 项议题：{m}"));
                None
            }
        };
        if category == Some(TopicCategory::Funds) && amount_cents.is_none() && trim_all(&self.amount).is_empty() {
            e.push(&f("amount"), format!("第 {n} 项议题属于大额度资金运作，请填写金额（元）"));
        }
        let decided_by = match trim_all(&self.decided_by) {
            "" => Some(DecidedBy::Meeting),
            d => parse_keyed(e, &f("decided_by"), "决策方式", d, DecidedBy::parse, DecidedBy::label_list),
        };
        let voting_method = parse_keyed(
            e,
            &f("voting_method"),
            "表决方式",
            &self.voting_method,
            VotingMethod::parse,
            VotingMethod::label_list,
        );
        let result =
            parse_keyed(e, &f("result"), "表决结果", &self.result, TopicResult::parse, TopicResult::label_list);
        let recusals = self.recusals(e, i, members);
        let speeches = self.speeches(e, i, members, &recusals);
        let votes = self.votes(e, i, members, &recusals);
        if e.0.len() > before {
            return None;
        }
        Some(Topic {
            title: title.to_string(),
            category: category?,
            amount_cents,
            decided_by: decided_by?,
            voting_method,
            result,
            speeches,
            votes,
            recusals,
        })
    }

    fn recusals(&self, e: &mut FieldErrors, i: usize, members: &[Member]) -> Vec<Recusal> {
        let n = i + 1;
        let field = format!("topics[{i}].recusals");
        let mut out: Vec<Recusal> = Vec::new();
        for r in &self.recusals {
            let Some(pid) = r.person_id else { continue };
            if !members.iter().any(|m| m.person_id == pid) {
                e.push(&field, format!("第 {n} 项议题的回避人员（编号 {pid}）不是应到会成员"));
            } else if out.iter().any(|x| x.person_id == pid) {
                e.push(&field, format!("第 {n} 项议题的回避人员（编号 {pid}）重复"));
            } else {
                check_max(e, &field, "回避理由", trim_all(&r.reason), TITLE_MAX);
                out.push(Recusal { person_id: pid, reason: trim_all(&r.reason).to_string() });
            }
        }
        out
    }

    fn speeches(&self, e: &mut FieldErrors, i: usize, members: &[Member], recusals: &[Recusal]) -> Vec<Speech> {
        let n = i + 1;
        let field = format!("topics[{i}].speeches");
        let mut out: Vec<Speech> = Vec::new();
        for s in &self.speeches {
            let Some(pid) = s.person_id else { continue };
            match members.iter().find(|m| m.person_id == pid) {
                None => e.push(&field, format!("第 {n} 项议题的发言人（编号 {pid}）不是应到会成员")),
                Some(m) if !m.present => {
                    e.push(&field, format!("第 {n} 项议题的发言人（编号 {pid}）缺席，其意见应作为书面意见记录"))
                }
                Some(_) if recusals.iter().any(|r| r.person_id == pid) => {
                    e.push(&field, format!("第 {n} 项议题的发言人（编号 {pid}）已回避，不应发表意见"))
                }
                Some(_) if out.iter().any(|x| x.person_id == pid) => {
                    e.push(&field, format!("第 {n} 项议题的发言人（编号 {pid}）重复，每人记录一次表态"))
                }
                Some(_) => {
                    check_max(e, &field, "发言意见", trim_all(&s.view), TEXT_MAX);
                    out.push(Speech { person_id: pid, view: trim_all(&s.view).to_string() });
                }
            }
        }
        out
    }

    fn votes(&self, e: &mut FieldErrors, i: usize, members: &[Member], recusals: &[Recusal]) -> Vec<(i64, Vote)> {
        let n = i + 1;
        let field = format!("topics[{i}].votes");
        let cast: Vec<&VoteFields> =
            self.votes.iter().filter(|v| v.person_id.is_some() || !trim_all(&v.vote).is_empty()).collect();
        if cast.len() > members.len() {
            e.push(&field, format!("第 {n} 项议题的表决票数（{}）多于应到会人数（{}）", cast.len(), members.len()));
            return Vec::new();
        }
        let mut out: Vec<(i64, Vote)> = Vec::new();
        for v in cast {
            let Some(pid) = v.person_id else {
                e.push(&field, format!("第 {n} 项议题有一张表决票未写明表决人"));
                continue;
            };
            let Some(vote) = Vote::parse(&v.vote) else {
                e.push(&field, format!("第 {n} 项议题的表决意见应为{}之一", Vote::label_list()));
                continue;
            };
            match members.iter().find(|m| m.person_id == pid) {
                None => e.push(&field, format!("第 {n} 项议题的表决人（编号 {pid}）不是应到会成员")),
                Some(m) if !m.present => e.push(
                    &field,
                    format!("第 {n} 项议题的表决人（编号 {pid}）缺席会议，不能表决（书面意见不计入表决票）"),
                ),
                Some(_) if recusals.iter().any(|r| r.person_id == pid) => {
                    e.push(&field, format!("第 {n} 项议题的表决人（编号 {pid}）已回避，不能表决"))
                }
                Some(_) if out.iter().any(|x| x.0 == pid) => {
                    e.push(&field, format!("第 {n} 项议题的表决人（编号 {pid}）重复表决"))
                }
                Some(_) => out.push((pid, vote)),
            }
        }
        out
    }
}
