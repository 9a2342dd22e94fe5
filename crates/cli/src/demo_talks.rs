//! Demo 谈心谈话: the first branch's secretary talks with the committee and half the members,
//! and a few members talk with each other, so that branch's coverage matrix shows the missing
//! pairs to plan; the second branch is fully covered by its secretary; the 纪检组 holds a
//! 提醒谈话 (its summary hidden from others) and a new post gets its 任前廉政谈话.

use chrono::{Datelike, NaiveDate};
use qingfeng_domain::responsibility::EntryKind;
use qingfeng_domain::talks::{FollowUp, TalkDraft, TalkKind};
use qingfeng_store::org::branches;
use qingfeng_store::{args, talks, Actor, Db};

async fn record(db: &Db, actor: &Actor, d: TalkDraft, today: NaiveDate) -> anyhow::Result<usize> {
    if d.date > today || d.counterparts.is_empty() || d.talkers.is_empty() {
        return Ok(0);
    }
    let f = d.entry_fields();
    let entry = f.validate(today, false).map_err(|e| anyhow::anyhow!("demo talk: {e:?}"))?;
    debug_assert_eq!(entry.kind, EntryKind::Talk);
    talks::create(db, actor, &d, &entry).await?;
    Ok(1)
}

#[allow(clippy::too_many_arguments)]
fn talk(
    kind: TalkKind,
    date: NaiveDate,
    unit_id: i64,
    talkers: Vec<i64>,
    counterparts: Vec<i64>,
    topics: &str,
    summary: &str,
) -> TalkDraft {
    let sorted = |mut v: Vec<i64>| {
        v.sort_unstable();
        v.dedup();
        v
    };
    let (talkers, counterparts) = (sorted(talkers), sorted(counterparts));
    TalkDraft {
        kind,
        date,
        place: "谈话室".into(),
        unit_id,
        talkers,
        counterparts,
        topics: topics.into(),
        summary: summary.into(),
        follow_ups: vec![],
    }
}

/// Records the demo talks of the current year; answers how many.
pub async fn seed(db: &Db) -> anyhow::Result<usize> {
    let actor = Actor::system();
    let today = qingfeng_store::fulfilment::today();
    let y = today.year();
    let day = |m: u32, d: u32| NaiveDate::from_ymd_opt(y, m, d).expect("valid demo date");
    let branch_ids: Vec<(i64,)> = db
        .fetch_all(
            "SELECT id FROM units WHERE kind = 'branch' AND code IN ('XWB-DZB1', 'XWB-DZB2') ORDER BY code",
            args![],
        )
        .await?;
    let mut n = 0;
    for (i, (b,)) in branch_ids.iter().enumerate() {
        let roll = branches::members_on(db, *b, today).await?;
        let Some(secretary) = roll.iter().find(|m| m.post.as_deref() == Some("secretary")).map(|m| m.person_id) else {
            continue;
        };
        let others: Vec<i64> = roll.iter().map(|m| m.person_id).filter(|p| *p != secretary).collect();
        let committee: Vec<i64> =
            roll.iter().filter(|m| m.post.is_some()).map(|m| m.person_id).filter(|p| *p != secretary).collect();
        // the second branch: the secretary with everyone, the committee with everyone
        // the first: the secretary with the committee and half the members; two member pairs
        let reached: Vec<i64> =
            if i == 1 { others.clone() } else { others.iter().step_by(2).copied().chain(committee.clone()).collect() };
        let topics = "思想状况、工作作风、廉洁自律";
        let d = talk(
            TalkKind::Heart,
            day(3, 18),
            *b,
            vec![secretary],
            reached,
            topics,
            "交流思想，听取对支部工作的意见建议。",
        );
        n += record(db, &actor, d, today).await?;
        let members: Vec<i64> = others.iter().filter(|p| !committee.contains(p)).copied().collect();
        for c in &committee {
            let theirs = if i == 1 { members.clone() } else { members.iter().take(2).copied().collect() };
            let d = talk(
                TalkKind::Heart,
                day(5, 20),
                *b,
                vec![*c],
                theirs,
                "学习体会、岗位风险",
                "支委与党员谈心，了解思想和工作情况。",
            );
            n += record(db, &actor, d, today).await?;
        }
        for pair in members.chunks(2).take(if i == 1 { usize::MAX } else { 2 }) {
            if let [a, rest @ ..] = pair {
                let d = talk(
                    TalkKind::Heart,
                    day(6, 12),
                    *b,
                    vec![*a],
                    rest.to_vec(),
                    "互相提醒、共同进步",
                    "党员之间交流学习和工作体会。",
                );
                n += record(db, &actor, d, today).await?;
            }
        }
    }
    // the 纪检组 leader's 提醒谈话 with the head of the lagging 信息科, with a follow-up
    let pick = |sql: &'static str| async move {
        let row: Option<(i64, i64)> = db.fetch_optional(sql, args![]).await?;
        anyhow::Ok(row)
    };
    let leader = pick("SELECT p.id, p.unit_id FROM people p JOIN units u ON u.id = p.unit_id WHERE u.code = 'XWB-PZZ' ORDER BY p.id LIMIT 1").await?;
    let head = pick("SELECT p.id, p.unit_id FROM people p JOIN units u ON u.id = p.unit_id WHERE u.code = 'XWB-XXK' AND p.title LIKE '%科长%' ORDER BY p.id LIMIT 1").await?;
    if let (Some((leader, _)), Some((head, unit))) = (leader, head) {
        let mut d = talk(
            TalkKind::Reminder,
            day(9, 10),
            unit,
            vec![leader],
            vec![head],
            "科室会议研究党风廉政建设不经常、干部学习参加不全",
            "指出二季度起未按要求召开科室会议研究党风廉政建设，干部参加廉政学习不全；要求限期补上并书面说明。",
        );
        d.follow_ups =
            vec![FollowUp {
                person_id: head, deadline: day(12, 20).max(today), content: "书面说明整改情况".into()
            }];
        n += record(db, &actor, d, today).await?;
    }
    n += new_posts(db, &actor, today).await?;
    Ok(n)
}

/// Two 一级科员 appointed 副科长 today: 综合科's has had the 任前廉政谈话 with the 主要负责人;
/// 信息科's has not, so it is due on the 我的待办 of the leader in charge of 信息科 (fenguan).
async fn new_posts(db: &Db, actor: &Actor, today: NaiveDate) -> anyhow::Result<usize> {
    let mut n = 0;
    for (code, held) in [("XWB-ZHK", true), ("XWB-XXK", false)] {
        let row: Option<(i64, i64, String)> = db
            .fetch_optional(
                "SELECT p.id, p.unit_id, u.name FROM people p JOIN units u ON u.id = p.unit_id \
                 WHERE u.code = $1 AND p.title LIKE '%科员%' AND p.status = 'active' ORDER BY p.id DESC LIMIT 1",
                args![code],
            )
            .await?;
        let Some((person, unit, unit_name)) = row else { continue };
        qingfeng_store::org::people::appoint(db, actor, person, &format!("{unit_name}副科长"), "提任").await?;
        let principal: Option<(i64,)> = db
            .fetch_optional("SELECT id FROM people WHERE roles LIKE '%principal%' ORDER BY id LIMIT 1", args![])
            .await?;
        if let (true, Some((principal,))) = (held, principal) {
            let d = talk(
                TalkKind::PreAppointment,
                today,
                unit,
                vec![principal],
                vec![person],
                "新岗位廉政风险和纪律要求",
                "讲清副科长岗位的权力运行风险点，提出廉洁从政要求，本人作出廉洁承诺。",
            );
            n += record(db, actor, d, today).await?;
        }
    }
    Ok(n)
}
