//! The checks of a collective-decision record (R-DEC-1…7 and R-DEC-9), each with its rule, a
//! Chinese message and its source. One entry per rule for the whole meeting; a rule that
//! applies per topic names the topics that fail.

use serde::Serialize;

pub use crate::rules::{check, Check};

use super::{DecidedBy, MeetingDraft, Topic, TopicCategory, TopicResult, Vote};

/// 《中国共产党党组工作条例》, whose Art. 27 sets the voting rules.
const PARTY_GROUP: &str = "《中国共产党党组工作条例》（2019）";
const PARTY_GROUP_ART_27: &str = "《中国共产党党组工作条例》（2019）第二十七条";
const APPOINTMENT: &str = "《党政领导干部选拔任用工作条例》";
const COMMENTARY: &str = "《中国共产党党组工作条例》释义";
const PRACTICE: &str = "会议记录规范（工作惯例）";
/// The source of R-DEC-8 (the register).
pub const THRESHOLD_SOURCE: &str = "“三重一大”决策制度；本单位大额度资金限额（参数设置）";

/// What the votes decide under R-DEC-3: passed only with yes votes from more than half of the
/// members who should attend; recused members' votes are not cast, absentees' written
/// opinions are not votes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Outcome {
    Passed,
    NotPassed,
    /// no votes recorded
    NotVoted,
}

pub fn outcome(d: &MeetingDraft, t: &Topic) -> Outcome {
    if t.votes.is_empty() {
        Outcome::NotVoted
    } else if 2 * t.count(Vote::Yes) > d.members.len() {
        Outcome::Passed
    } else {
        Outcome::NotPassed
    }
}

fn topic_name(i: usize, t: &Topic) -> String {
    format!("第 {} 项议题“{}”", i + 1, t.title)
}

fn by_meeting(d: &MeetingDraft) -> impl Iterator<Item = (usize, &Topic)> {
    d.topics.iter().enumerate().filter(|(_, t)| t.decided_by == DecidedBy::Meeting)
}

/// Every check of the record, in rule order.
pub fn checks(d: &MeetingDraft) -> Vec<Check> {
    vec![
        quorum(d),
        appointments(d),
        majority(d),
        chair_last(d),
        item_by_item(d),
        recusals(d),
        meeting_record(d),
        complete(d),
    ]
}

/// R-DEC-1: more than half of 应到会 present, for the meeting and for each topic once the
/// members who stepped aside are left out.
fn quorum(d: &MeetingDraft) -> Check {
    let (m, p) = (d.members.len(), d.present());
    if 2 * p <= m {
        return check("R-DEC-1", false, format!("应到会 {m} 人，实到 {p} 人，未超过半数，会议不得召开"), PARTY_GROUP);
    }
    let short: Vec<String> = by_meeting(d)
        .filter(|(_, t)| 2 * d.present_for(t) <= m)
        .map(|(i, t)| {
            format!(
                "{}有 {} 人回避，参加议事 {} 人，未超过应到会半数",
                topic_name(i, t),
                t.recusals.len(),
                d.present_for(t)
            )
        })
        .collect();
    if short.is_empty() {
        check("R-DEC-1", true, format!("应到会 {m} 人，实到 {p} 人，超过半数"), PARTY_GROUP)
    } else {
        check("R-DEC-1", false, format!("应到会 {m} 人，实到 {p} 人；{}", short.join("；")), PARTY_GROUP)
    }
}

/// R-DEC-2: at least two thirds present for a topic of 干部任免.
fn appointments(d: &MeetingDraft) -> Check {
    let m = d.members.len();
    let topics: Vec<(usize, &Topic)> = by_meeting(d).filter(|(_, t)| t.category == TopicCategory::Personnel).collect();
    if topics.is_empty() {
        return check("R-DEC-2", true, "本次会议无重要人事任免议题".into(), APPOINTMENT);
    }
    let short: Vec<String> = topics
        .iter()
        .filter(|(_, t)| 3 * d.present_for(t) < 2 * m)
        .map(|(i, t)| format!("{}到会 {} 人，不足应到会 {m} 人的三分之二", topic_name(*i, t), d.present_for(t)))
        .collect();
    if short.is_empty() {
        check("R-DEC-2", true, format!("干部任免议题到会人数达到应到会 {m} 人的三分之二"), APPOINTMENT)
    } else {
        check("R-DEC-2", false, short.join("；"), APPOINTMENT)
    }
}

/// R-DEC-3: a topic recorded as passed has yes votes from more than half of 应到会.
fn majority(d: &MeetingDraft) -> Check {
    let m = d.members.len();
    let mut bad = Vec::new();
    let mut said = Vec::new();
    for (i, t) in by_meeting(d) {
        let yes = t.count(Vote::Yes);
        let verdict = match outcome(d, t) {
            Outcome::Passed => "按规则通过",
            Outcome::NotPassed => "按规则未通过",
            Outcome::NotVoted => "未表决",
        };
        said.push(format!("{}同意 {yes} 票（{verdict}）", topic_name(i, t)));
        if t.result == Some(TopicResult::Passed) && outcome(d, t) != Outcome::Passed {
            bad.push(format!(
                "{}记为通过，但同意票 {yes} 票未超过应到会 {m} 人的半数（缺席人员的书面意见、回避人员均不计票）",
                topic_name(i, t)
            ));
        }
    }
    match (bad.is_empty(), said.is_empty()) {
        (false, _) => check("R-DEC-3", false, bad.join("；"), PARTY_GROUP_ART_27),
        (true, true) => check("R-DEC-3", true, "无经会议表决的议题".into(), PARTY_GROUP_ART_27),
        (true, false) => check("R-DEC-3", true, said.join("；"), PARTY_GROUP_ART_27),
    }
}

/// R-DEC-4: the chair states a view last on each topic the chair did not step aside from.
fn chair_last(d: &MeetingDraft) -> Check {
    let mut bad = Vec::new();
    for (i, t) in by_meeting(d).filter(|(_, t)| !t.recused(d.chair_id)) {
        match t.speeches.iter().position(|s| s.person_id == d.chair_id) {
            None => bad.push(format!("{}未记录主持人表态", topic_name(i, t))),
            Some(k) if k + 1 != t.speeches.len() => {
                bad.push(format!("{}主持人第 {} 个发言，不是末位表态", topic_name(i, t), k + 1))
            }
            Some(_) => {}
        }
    }
    if bad.is_empty() {
        check("R-DEC-4", true, "主持人在各议题均末位表态".into(), PARTY_GROUP_ART_27)
    } else {
        check("R-DEC-4", false, bad.join("；"), PARTY_GROUP_ART_27)
    }
}

/// R-DEC-5: several topics are voted one by one, each with its own votes.
fn item_by_item(d: &MeetingDraft) -> Check {
    let topics: Vec<(usize, &Topic)> = by_meeting(d).collect();
    if topics.len() < 2 {
        return check("R-DEC-5", true, "仅一项议题经会议表决".into(), PARTY_GROUP_ART_27);
    }
    if !d.item_by_item {
        return check("R-DEC-5", false, format!("{} 项议题合并表决，应逐项表决", topics.len()), PARTY_GROUP_ART_27);
    }
    let unvoted: Vec<String> =
        topics.iter().filter(|(_, t)| t.votes.is_empty()).map(|(i, t)| topic_name(*i, t)).collect();
    if unvoted.is_empty() {
        check("R-DEC-5", true, format!("{} 项议题逐项表决", topics.len()), PARTY_GROUP_ART_27)
    } else {
        check("R-DEC-5", false, format!("{}没有单独的表决记录", unvoted.join("、")), PARTY_GROUP_ART_27)
    }
}

/// R-DEC-6: each recusal is recorded with its reason (the recused member's vote is refused at
/// entry and the member does not count as present for the topic).
fn recusals(d: &MeetingDraft) -> Check {
    let all: Vec<(usize, &Topic, &super::Recusal)> =
        d.topics.iter().enumerate().flat_map(|(i, t)| t.recusals.iter().map(move |r| (i, t, r))).collect();
    if all.is_empty() {
        return check("R-DEC-6", true, "本次会议无回避情形".into(), PARTY_GROUP);
    }
    let missing: Vec<String> =
        all.iter().filter(|(_, _, r)| r.reason.is_empty()).map(|(i, t, _)| topic_name(*i, t)).collect();
    if missing.is_empty() {
        check("R-DEC-6", true, format!("{} 人次回避，已记录理由，其表决不计入", all.len()), PARTY_GROUP)
    } else {
        check("R-DEC-6", false, format!("{}的回避未记录理由", missing.join("、")), PARTY_GROUP)
    }
}

/// R-DEC-7: a 三重一大 topic is decided by a meeting, not by 圈阅, 个别征求意见 or 现场办公会.
fn meeting_record(d: &MeetingDraft) -> Check {
    let bad: Vec<String> = d
        .topics
        .iter()
        .enumerate()
        .filter(|(_, t)| t.category.is_major() && t.decided_by != DecidedBy::Meeting)
        .map(|(i, t)| format!("{}属于{}，以{}方式决定", topic_name(i, t), t.category.label(), t.decided_by.label()))
        .collect();
    if bad.is_empty() {
        check("R-DEC-7", true, "三重一大事项均经会议集体讨论决定".into(), COMMENTARY)
    } else {
        check("R-DEC-7", false, format!("{}，须经会议集体讨论决定", bad.join("；")), COMMENTARY)
    }
}

/// R-DEC-9: the record holds time, place, attendance, chair, topics, each member's view, the
/// voting method and the counts.
fn complete(d: &MeetingDraft) -> Check {
    let mut missing = Vec::new();
    if d.place.is_empty() {
        missing.push("会议地点".to_string());
    }
    if d.present() == 0 {
        missing.push("参加人员".to_string());
    }
    if d.topics.is_empty() {
        missing.push("议题".to_string());
    }
    for (i, t) in by_meeting(d) {
        let n = i + 1;
        if t.voting_method.is_none() {
            missing.push(format!("第 {n} 项议题的表决方式"));
        }
        if t.votes.is_empty() {
            missing.push(format!("第 {n} 项议题的表决票"));
        }
        if t.result.is_none() {
            missing.push(format!("第 {n} 项议题的表决结果"));
        }
        let silent = d
            .members
            .iter()
            .filter(|m| m.present && !t.recused(m.person_id))
            .filter(|m| !t.speeches.iter().any(|s| s.person_id == m.person_id && !s.view.is_empty()))
            .count();
        if silent > 0 {
            missing.push(format!("第 {n} 项议题 {silent} 名成员的表态"));
        }
    }
    if missing.is_empty() {
        check("R-DEC-9", true, "会议记录要素齐全".into(), PRACTICE)
    } else {
        check("R-DEC-9", false, format!("会议记录缺少：{}", missing.join("、")), PRACTICE)
    }
}

#[cfg(test)]
mod tests;
