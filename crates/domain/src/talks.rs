//! 谈心谈话: a talk is a ledger entry of kind 谈心谈话 with extra fields: its kind, who talked
//! with whom, topics, a summary and follow-ups. 提醒谈话 and 诫勉谈话 are discipline records
//! (第一种形态): their summary is shown only to the 纪检组 and the people concerned.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ledger::EntryFields;
use crate::responsibility::{keyed_enum, EntryKind};
use crate::text::{check_max, check_past_date, trim_all};
use crate::FieldErrors;

keyed_enum!(
    /// The kinds of talk (谈话类型).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum TalkKind {
        Heart = ("heart", "谈心谈话"),
        PreAppointment = ("pre_appointment", "任前廉政谈话"),
        Collective = ("collective", "集体廉政谈话"),
        Reminder = ("reminder", "提醒谈话"),
        Admonition = ("admonition", "诫勉谈话"),
        Interview = ("interview", "约谈"),
    }
);

impl TalkKind {
    /// 提醒谈话 and 诫勉谈话: discipline records whose summary only the 纪检组 and the people
    /// concerned read.
    pub fn restricted(self) -> bool {
        matches!(self, TalkKind::Reminder | TalkKind::Admonition)
    }

    /// Only the 纪检组 records it.
    pub fn group_only(self) -> bool {
        self == TalkKind::Admonition
    }
}

pub const TOPICS_MAX: usize = 500;
pub const SUMMARY_MAX: usize = 5000;
pub const FOLLOW_UP_MAX: usize = 500;
pub const PLACE_MAX: usize = 100;

/// A follow-up as entered: who does what by when.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct FollowUpFields {
    pub person_id: Option<i64>,
    /// 完成期限, YYYY-MM-DD
    pub deadline: String,
    pub content: String,
}

/// A talk as entered (form or JSON).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct TalkFields {
    /// 谈话类型: a key (`heart`) or its label (谈心谈话)
    pub talk_kind: String,
    /// YYYY-MM-DD, not in the future
    pub date: String,
    pub place: String,
    /// the unit the talk is recorded for (所属单位)
    pub unit_id: Option<i64>,
    /// 谈话人
    pub talkers: Vec<i64>,
    /// 谈话对象
    pub counterparts: Vec<i64>,
    /// 谈话主题
    pub topics: String,
    /// 谈话内容摘要
    pub summary: String,
    pub follow_ups: Vec<FollowUpFields>,
    /// 更正理由: required when a recorded talk is corrected, ignored otherwise
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FollowUp {
    pub person_id: i64,
    pub deadline: NaiveDate,
    pub content: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TalkDraft {
    pub kind: TalkKind,
    pub date: NaiveDate,
    pub place: String,
    pub unit_id: i64,
    pub talkers: Vec<i64>,
    pub counterparts: Vec<i64>,
    pub topics: String,
    pub summary: String,
    pub follow_ups: Vec<FollowUp>,
}

fn dedup(v: &[i64]) -> Vec<i64> {
    let mut v = v.to_vec();
    v.sort_unstable();
    v.dedup();
    v
}

impl TalkFields {
    pub fn validate(&self, today: NaiveDate) -> Result<TalkDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        let kind = TalkKind::parse(trim_all(&self.talk_kind));
        if trim_all(&self.talk_kind).is_empty() {
            e.push("talk_kind", "请选择谈话类型");
        } else if kind.is_none() {
            e.push("talk_kind", format!("谈话类型应为{}之一", TalkKind::label_list()));
        }
        let date = check_past_date(&mut e, "date", "谈话日期", &self.date, today);
        check_max(&mut e, "place", "地点", trim_all(&self.place), PLACE_MAX);
        if self.unit_id.is_none() {
            e.push("unit_id", "所属单位不能为空");
        }
        if self.talkers.is_empty() {
            e.push("talkers", "请选择谈话人");
        }
        if self.counterparts.is_empty() {
            e.push("counterparts", "请选择谈话对象");
        }
        if self.talkers.len() + self.counterparts.len() > 500 {
            e.push("counterparts", "谈话人员不能超过 500 人");
        }
        check_max(&mut e, "topics", "谈话主题", trim_all(&self.topics), TOPICS_MAX);
        check_max(&mut e, "summary", "谈话内容摘要", trim_all(&self.summary), SUMMARY_MAX);
        let mut follow_ups = Vec::new();
        for (i, f) in self.follow_ups.iter().enumerate() {
            let n = i + 1;
            if f.person_id.is_none() && trim_all(&f.deadline).is_empty() && trim_all(&f.content).is_empty() {
                continue;
            }
            let Some(person_id) = f.person_id else {
                e.push("follow_ups", format!("第 {n} 项后续事项未选择责任人"));
                continue;
            };
            let Ok(deadline) = crate::text::parse_ymd(trim_all(&f.deadline)) else {
                e.push("follow_ups", format!("第 {n} 项后续事项的期限应为日期，如 2026-03-01"));
                continue;
            };
            if trim_all(&f.content).is_empty() {
                e.push("follow_ups", format!("第 {n} 项后续事项的内容不能为空"));
                continue;
            }
            check_max(&mut e, "follow_ups", "后续事项", trim_all(&f.content), FOLLOW_UP_MAX);
            follow_ups.push(FollowUp { person_id, deadline, content: trim_all(&f.content).to_string() });
        }
        e.into_result()?;
        Ok(TalkDraft {
            kind: kind.expect("checked"),
            date: date.expect("checked"),
            place: trim_all(&self.place).to_string(),
            unit_id: self.unit_id.expect("checked"),
            talkers: dedup(&self.talkers),
            counterparts: dedup(&self.counterparts),
            topics: trim_all(&self.topics).to_string(),
            summary: trim_all(&self.summary).to_string(),
            follow_ups,
        })
    }
}

impl TalkDraft {
    /// Everyone in the talk: the ledger entry's participants, so the talk is credited to each
    /// one's items that accept 谈心谈话 (R-BR-5 and the others).
    pub fn participants(&self) -> Vec<i64> {
        let mut all = self.talkers.clone();
        all.extend(&self.counterparts);
        dedup(&all)
    }

    /// The ledger entry's content: the kind and the topics; a discipline talk's topics stay in
    /// the talk record, so the ledger (read more widely) shows only that a talk took place.
    pub fn entry_content(&self) -> String {
        if self.kind.restricted() || self.topics.is_empty() {
            self.kind.label().to_string()
        } else {
            format!("{}：{}", self.kind.label(), self.topics)
        }
    }

    /// The ledger entry as entered, for the ledger's own checks (scope, people).
    pub fn entry_fields(&self) -> EntryFields {
        EntryFields {
            kind: EntryKind::Talk.key().to_string(),
            date: self.date.format("%Y-%m-%d").to_string(),
            place: self.place.clone(),
            content: self.entry_content(),
            unit_id: Some(self.unit_id),
            participants: self.participants(),
            ..Default::default()
        }
    }
}

/// The kind of a pair a coverage count asks for (R-BR-5 and the leadership duties).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PairKind {
    /// 支委–支委
    CommitteeCommittee,
    /// 支委–党员
    CommitteeMember,
    /// 党员–党员
    MemberMember,
    /// 主要负责人–班子成员
    PrincipalLeader,
    /// 班子成员–分管科室负责人
    LeaderHead,
}

impl PairKind {
    pub fn label(self) -> &'static str {
        match self {
            PairKind::CommitteeCommittee => "支委–支委",
            PairKind::CommitteeMember => "支委–党员",
            PairKind::MemberMember => "党员–党员",
            PairKind::PrincipalLeader => "主要负责人–班子成员",
            PairKind::LeaderHead => "班子成员–分管科室负责人",
        }
    }
}

/// One pair that should have talked in the year, and whether a talk of the year had one as
/// talker and the other as counterpart (either direction).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CoveragePair {
    pub a: i64,
    pub b: i64,
    pub kind: PairKind,
    pub done: bool,
}

/// Whether `a` and `b` talked: `talked` holds (talker, counterpart) pairs.
pub fn talked(talked: &std::collections::HashSet<(i64, i64)>, a: i64, b: i64) -> bool {
    talked.contains(&(a, b)) || talked.contains(&(b, a))
}

/// The R-BR-5 pairs of a branch: every two members (`(person, on the committee)`, in roll
/// order), each pair once, 支委–支委, 支委–党员 or 党员–党员.
pub fn branch_pairs(roll: &[(i64, bool)], done: &std::collections::HashSet<(i64, i64)>) -> Vec<CoveragePair> {
    let mut out = Vec::new();
    for (i, &(a, a_committee)) in roll.iter().enumerate() {
        for &(b, b_committee) in &roll[i + 1..] {
            let kind = match (a_committee, b_committee) {
                (true, true) => PairKind::CommitteeCommittee,
                (false, false) => PairKind::MemberMember,
                _ => PairKind::CommitteeMember,
            };
            out.push(CoveragePair { a, b, kind, done: talked(done, a, b) });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 5, 1).unwrap()
    }

    fn fields() -> TalkFields {
        TalkFields {
            talk_kind: "谈心谈话".into(),
            date: "2026-04-30".into(),
            unit_id: Some(1),
            talkers: vec![2],
            counterparts: vec![3, 3],
            topics: "工作作风".into(),
            ..Default::default()
        }
    }

    #[test]
    fn valid_talk_and_its_entry() {
        let d = fields().validate(today()).unwrap();
        assert_eq!(d.kind, TalkKind::Heart);
        assert_eq!(d.participants(), vec![2, 3]);
        assert_eq!(d.entry_content(), "谈心谈话：工作作风");
        let mut f = fields();
        f.talk_kind = "admonition".into();
        let d = f.validate(today()).unwrap();
        assert!(d.kind.restricted() && d.kind.group_only());
        assert_eq!(d.entry_content(), "诫勉谈话");
    }

    #[test]
    fn bad_input_names_the_field() {
        let mut f = fields();
        f.counterparts.clear();
        f.date = "2026-05-02".into();
        f.talk_kind = "闲聊".into();
        f.follow_ups = vec![FollowUpFields { person_id: Some(2), deadline: "明天".into(), content: "x".into() }];
        let e = f.validate(today()).unwrap_err();
        assert_eq!(e.for_field("counterparts"), Some("请选择谈话对象"));
        assert_eq!(e.for_field("date"), Some("谈话日期不能晚于今天"));
        assert!(e.for_field("talk_kind").unwrap().contains("诫勉谈话"));
        assert!(e.for_field("follow_ups").unwrap().contains("第 1 项"));
    }

    #[test]
    fn branch_pairs_by_kind_either_direction() {
        // 1 and 2 on the committee, 3 and 4 plain members
        let roll = [(1, true), (2, true), (3, false), (4, false)];
        let done: std::collections::HashSet<(i64, i64)> = [(2, 1), (1, 3), (4, 3)].into_iter().collect();
        let pairs = branch_pairs(&roll, &done);
        assert_eq!(pairs.len(), 6);
        let count = |k: PairKind| pairs.iter().filter(|p| p.kind == k).count();
        assert_eq!(
            (count(PairKind::CommitteeCommittee), count(PairKind::CommitteeMember), count(PairKind::MemberMember)),
            (1, 4, 1)
        );
        let done_pairs: Vec<(i64, i64)> = pairs.iter().filter(|p| p.done).map(|p| (p.a, p.b)).collect();
        assert_eq!(done_pairs, vec![(1, 2), (1, 3), (3, 4)]);
    }
}
