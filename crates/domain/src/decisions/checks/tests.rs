//! Boundary cases of every R-DEC rule.

use chrono::NaiveDate;

use super::super::*;
use super::*;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 30).unwrap()
}

/// A meeting of `n` members (ids 1..=n, 1 chairs) of whom `present` attend, with one topic of
/// `category` where every present member speaks (chair last) and votes yes.
fn meeting(n: i64, present: i64, category: &str) -> MeetingFields {
    let members = (1..=n)
        .map(|id| MemberFields {
            person_id: Some(id),
            present: id <= present,
            absence_reason: if id <= present { String::new() } else { "出差".into() },
            ..Default::default()
        })
        .collect();
    let mut speakers: Vec<i64> = (2..=present).collect();
    speakers.push(1);
    MeetingFields {
        unit_id: Some(1),
        body: "党组会".into(),
        held_on: "2026-06-01".into(),
        place: "三楼会议室".into(),
        chair_id: Some(1),
        members,
        topics: vec![TopicFields {
            title: "议题一".into(),
            category: category.into(),
            amount: if category == "大额度资金运作" { "80万".into() } else { String::new() },
            voting_method: "举手表决".into(),
            result: "通过".into(),
            speeches: speakers.iter().map(|&p| SpeechFields { person_id: Some(p), view: "同意".into() }).collect(),
            votes: (1..=present).map(|p| VoteFields { person_id: Some(p), vote: "同意".into() }).collect(),
            ..Default::default()
        }],
        ..Default::default()
    }
}

fn run(f: &MeetingFields) -> Vec<Check> {
    checks(&f.validate(today()).expect("valid"))
}

fn rule<'a>(c: &'a [Check], r: &str) -> &'a Check {
    c.iter().find(|x| x.rule == r).expect("rule present")
}

fn set_votes(f: &mut MeetingFields, t: usize, votes: &[(i64, &str)]) {
    f.topics[t].votes = votes.iter().map(|(p, v)| VoteFields { person_id: Some(*p), vote: (*v).into() }).collect();
}

#[test]
fn a_complete_record_passes_every_check_with_its_source() {
    let c = run(&meeting(7, 7, "重大决策事项"));
    assert_eq!(c.len(), 8);
    assert!(c.iter().all(|x| x.ok), "{c:#?}");
    assert!(c.iter().all(|x| !x.source.is_empty() && !x.message.is_empty()));
    assert_eq!(rule(&c, "R-DEC-3").source, "《中国共产党党组工作条例》（2019）第二十七条");
    assert_eq!(rule(&c, "R-DEC-2").source, "《党政领导干部选拔任用工作条例》", "article unconfirmed: title alone");
}

#[test]
fn quorum_is_more_than_half_with_odd_and_even_members() {
    // odd: 7 members, 4 present passes, 3 fails
    assert!(rule(&run(&meeting(7, 4, "")), "R-DEC-1").ok);
    let c = run(&meeting(7, 3, ""));
    assert!(!rule(&c, "R-DEC-1").ok);
    assert!(rule(&c, "R-DEC-1").message.contains("应到会 7 人，实到 3 人"));
    // even: 6 members, exactly half (3) fails, 4 passes
    assert!(!rule(&run(&meeting(6, 3, "")), "R-DEC-1").ok, "exactly half is not more than half");
    assert!(rule(&run(&meeting(6, 4, "")), "R-DEC-1").ok);
}

#[test]
fn appointments_need_exactly_two_thirds_present() {
    // 9 members: 6 present is exactly two thirds (passes), 5 is not
    assert!(rule(&run(&meeting(9, 6, "重要人事任免")), "R-DEC-2").ok);
    let c = run(&meeting(9, 5, "重要人事任免"));
    assert!(!rule(&c, "R-DEC-2").ok);
    assert!(rule(&c, "R-DEC-1").ok, "5 of 9 is a quorum for other topics");
    // 7 members: two thirds is 4.67, so 5 are needed
    assert!(!rule(&run(&meeting(7, 4, "personnel")), "R-DEC-2").ok);
    assert!(rule(&run(&meeting(7, 5, "personnel")), "R-DEC-2").ok);
    // no appointment topic: the rule does not apply
    assert!(rule(&run(&meeting(9, 5, "一般事项")), "R-DEC-2").message.contains("无重要人事任免"));
}

#[test]
fn passed_needs_yes_from_more_than_half_of_members_ties_and_abstentions_do_not_pass() {
    let mut f = meeting(6, 6, "重大项目安排");
    // a tie: 3 yes 3 no of 6
    set_votes(&mut f, 0, &[(1, "同意"), (2, "同意"), (3, "同意"), (4, "不同意"), (5, "不同意"), (6, "不同意")]);
    let d = f.validate(today()).unwrap();
    assert_eq!(outcome(&d, &d.topics[0]), Outcome::NotPassed);
    let c = checks(&d);
    assert!(!rule(&c, "R-DEC-3").ok, "recorded 通过 on a tie");
    f.topics[0].result = "未通过".into();
    assert!(rule(&run(&f), "R-DEC-3").ok, "recorded as not passed: consistent");
    // all abstaining
    set_votes(&mut f, 0, &[(1, "弃权"), (2, "弃权"), (3, "弃权"), (4, "弃权"), (5, "弃权"), (6, "弃权")]);
    f.topics[0].result = "通过".into();
    let d = f.validate(today()).unwrap();
    assert_eq!(outcome(&d, &d.topics[0]), Outcome::NotPassed);
    assert!(!rule(&checks(&d), "R-DEC-3").ok);
    // 4 yes of 6: passes even though 2 members were absent from the count of present
    let mut f = meeting(6, 4, "重大项目安排");
    set_votes(&mut f, 0, &[(1, "同意"), (2, "同意"), (3, "同意"), (4, "同意")]);
    assert!(rule(&run(&f), "R-DEC-3").ok);
    // 3 yes of 6 present members plus an absentee's written agreement: still not passed
    let mut f = meeting(6, 4, "重大项目安排");
    f.members[5].written_opinion = "同意".into();
    set_votes(&mut f, 0, &[(1, "同意"), (2, "同意"), (3, "同意"), (4, "缓议")]);
    let c = run(&f);
    assert!(!rule(&c, "R-DEC-3").ok);
    assert!(rule(&c, "R-DEC-3").message.contains("书面意见"));
}

#[test]
fn a_recusal_changes_the_outcome_and_the_topic_quorum() {
    // 5 members, 4 present, all yes: passes
    let mut f = meeting(5, 4, "大额度资金运作");
    assert!(rule(&run(&f), "R-DEC-3").ok);
    // members 3 and 4 step aside: they neither vote nor count as present for the topic
    f.topics[0].recusals = vec![
        RecusalFields { person_id: Some(3), reason: "其亲属为合同相对方".into() },
        RecusalFields { person_id: Some(4), reason: "本人分管并提出".into() },
    ];
    f.topics[0].speeches.retain(|s| !matches!(s.person_id, Some(3 | 4)));
    set_votes(&mut f, 0, &[(1, "同意"), (2, "同意")]);
    let d = f.validate(today()).unwrap();
    assert_eq!(d.present_for(&d.topics[0]), 2);
    assert_eq!(outcome(&d, &d.topics[0]), Outcome::NotPassed, "2 yes of 5 members");
    let c = checks(&d);
    assert!(!rule(&c, "R-DEC-3").ok);
    assert!(!rule(&c, "R-DEC-1").ok, "2 present for the topic of 5");
    assert!(rule(&c, "R-DEC-1").message.contains("回避"));
    assert!(rule(&c, "R-DEC-6").ok);
    // a recusal without a reason fails R-DEC-6
    f.topics[0].recusals[1].reason.clear();
    assert!(!rule(&run(&f), "R-DEC-6").ok);
}

#[test]
fn the_chair_speaks_last_or_the_check_fails() {
    assert!(rule(&run(&meeting(5, 5, "")), "R-DEC-4").ok);
    let mut f = meeting(5, 5, "");
    f.topics[0].speeches.rotate_right(1); // the chair first
    let c = run(&f);
    assert!(!rule(&c, "R-DEC-4").ok);
    assert!(rule(&c, "R-DEC-4").message.contains("第 1 个发言"));
    f.topics[0].speeches.retain(|s| s.person_id != Some(1));
    assert!(rule(&run(&f), "R-DEC-4").message.contains("未记录主持人表态"));
}

#[test]
fn several_topics_are_voted_one_by_one() {
    let mut f = meeting(5, 5, "");
    let second = TopicFields { title: "议题二".into(), ..f.topics[0].clone() };
    f.topics.push(second);
    assert!(rule(&run(&f), "R-DEC-5").ok);
    f.item_by_item = false;
    assert!(!rule(&run(&f), "R-DEC-5").ok, "voted together");
    f.item_by_item = true;
    f.topics[1].votes.clear();
    let c = run(&f);
    assert!(!rule(&c, "R-DEC-5").ok);
    assert!(rule(&c, "R-DEC-5").message.contains("议题二"));
    assert!(!rule(&c, "R-DEC-9").ok, "the second topic lacks its votes");
}

#[test]
fn a_major_topic_decided_by_circulation_needs_a_meeting() {
    let mut f = meeting(5, 5, "大额度资金运作");
    f.topics[0].decided_by = "文件圈阅".into();
    let c = run(&f);
    assert!(!rule(&c, "R-DEC-7").ok);
    assert!(rule(&c, "R-DEC-7").message.contains("文件圈阅"));
    f.topics[0].decided_by = "individual".into();
    assert!(rule(&run(&f), "R-DEC-7").message.contains("个别征求意见"));
    // a general matter may be circulated
    let mut f = meeting(5, 5, "一般事项");
    f.topics[0].decided_by = "circulation".into();
    assert!(rule(&run(&f), "R-DEC-7").ok);
}

#[test]
fn the_record_names_what_it_lacks() {
    let mut f = meeting(4, 4, "");
    f.place.clear();
    f.topics[0].voting_method.clear();
    f.topics[0].speeches.remove(0);
    let c = run(&f);
    let m = &rule(&c, "R-DEC-9").message;
    assert!(m.contains("会议地点") && m.contains("表决方式") && m.contains("1 名成员的表态"), "{m}");
}

#[test]
fn bad_input_names_the_field() {
    let field =
        |f: &MeetingFields| f.validate(today()).unwrap_err().0.iter().map(|e| e.field.clone()).collect::<Vec<_>>();
    // a vote from an absent member
    let mut f = meeting(5, 4, "");
    f.topics[0].votes.push(VoteFields { person_id: Some(5), vote: "同意".into() });
    assert_eq!(field(&f), ["topics[0].votes"]);
    // a vote from a recused member
    let mut f = meeting(5, 5, "");
    f.topics[0].recusals = vec![RecusalFields { person_id: Some(2), reason: "亲属".into() }];
    f.topics[0].speeches.retain(|s| s.person_id != Some(2));
    assert_eq!(field(&f), ["topics[0].votes"]);
    // more votes than members
    let mut f = meeting(3, 3, "");
    f.topics[0].votes.push(VoteFields { person_id: Some(9), vote: "同意".into() });
    let e = f.validate(today()).unwrap_err();
    assert!(e.0[0].message.contains("多于应到会人数"), "{e:?}");
    // a chair who is not a member
    let mut f = meeting(3, 3, "");
    f.chair_id = Some(42);
    assert_eq!(field(&f), ["chair_id"]);
    // a meeting in the future
    let mut f = meeting(3, 3, "");
    f.held_on = "2026-07-01".into();
    assert_eq!(field(&f), ["held_on"]);
    // a funds topic without its amount
    let mut f = meeting(3, 3, "大额度资金运作");
    f.topics[0].amount.clear();
    assert_eq!(field(&f), ["topics[0].amount"]);
}

#[test]
fn amounts_read_as_offices_write_them() {
    assert_eq!(parse_amount("850000"), Ok(Some(85_000_000)));
    assert_eq!(parse_amount("85万"), Ok(Some(85_000_000)));
    assert_eq!(parse_amount(" 85.5 万元"), Ok(Some(85_500_000)));
    assert_eq!(parse_amount("1,200.50元"), Ok(Some(120_050)));
    assert_eq!(parse_amount(""), Ok(None));
    assert!(parse_amount("八十万").is_err());
    assert!(parse_amount("-5").is_err());
    assert_eq!(format_amount(85_000_000), "850,000.00");
    assert_eq!(format_amount(120_050), "1,200.50");
}
