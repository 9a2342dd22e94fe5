//! Saving meetings (their checks evaluated on every save, the failed rules kept on the meeting
//! and the 纪检组 told of newly failed ones) and turning a failed check into a finding.

use chrono::{DateTime, Utc};
use qingfeng_domain::access::Permission;
use qingfeng_domain::decisions::{checks, MeetingDraft, Topic, Vote};
use qingfeng_domain::findings::FindingDraft;
use serde_json::{json, Value};

use super::read::Meeting;
use crate::notify::{self, Event};
use crate::{args, audit, Actor, Db, StoreError, StoreResult, Tx};

fn failed_rules(d: &MeetingDraft) -> Vec<String> {
    checks(d).into_iter().filter(|c| !c.ok).map(|c| c.rule).collect()
}

/// The record for the audit trail: people as ids (the trail names them), topics and their
/// votes as sentences.
fn draft_json(d: &MeetingDraft) -> Value {
    let absent: Vec<i64> = d.members.iter().filter(|m| !m.present).map(|m| m.person_id).collect();
    let reasons: Vec<String> = d
        .members
        .iter()
        .filter(|m| !m.present && !m.absence_reason.is_empty())
        .map(|m| m.absence_reason.clone())
        .collect();
    let votes: Vec<String> = d
        .topics
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let n = |v: Vote| t.count(v);
            format!(
                "议题{}：{}，同意{} 不同意{} 弃权{} 缓议{}，回避{}人，发言{}人，{}",
                i + 1,
                t.decided_by.label(),
                n(Vote::Yes),
                n(Vote::No),
                n(Vote::Abstain),
                n(Vote::Defer),
                t.recusals.len(),
                t.speeches.len(),
                t.result.map_or("未记录结果", |r| r.label())
            )
        })
        .collect();
    json!({
        "unit_id": d.unit_id, "body": d.body.key(), "held_on": d.held_on, "place": d.place, "chair_id": d.chair_id,
        "recorder_id": d.recorder_id, "item_by_item": d.item_by_item,
        "members": d.members.iter().map(|m| m.person_id).collect::<Vec<_>>(), "absent": absent,
        "absence_reasons": reasons,
        "topics": d.topics.iter().map(|t| format!("{}（{}）", t.title, t.category.label())).collect::<Vec<_>>(),
        "votes": votes,
    })
}

async fn check_refs(tx: &mut Tx, d: &MeetingDraft) -> StoreResult<()> {
    let unit: Option<(i64,)> = tx.fetch_optional("SELECT id FROM units WHERE id = $1", args![d.unit_id]).await?;
    if unit.is_none() {
        return Err(StoreError::field("unit_id", format!("单位（编号 {}）不存在", d.unit_id)));
    }
    for pid in d.people() {
        let row: Option<(i64,)> = tx.fetch_optional("SELECT id FROM people WHERE id = $1", args![pid]).await?;
        if row.is_none() {
            let field = if Some(pid) == d.recorder_id { "recorder_id" } else { "members" };
            return Err(StoreError::field(field, format!("人员（编号 {pid}）不存在")));
        }
    }
    Ok(())
}

async fn insert_members(tx: &mut Tx, id: i64, d: &MeetingDraft) -> StoreResult<()> {
    tx.execute("DELETE FROM decision_members WHERE meeting_id = $1", args![id]).await?;
    for (i, m) in d.members.iter().enumerate() {
        tx.execute(
            "INSERT INTO decision_members (meeting_id, position, person_id, present, absence_reason, written_opinion) \
             VALUES ($1, $2, $3, $4, $5, $6)",
            args![id, i as i64, m.person_id, m.present, m.absence_reason.clone(), m.written_opinion.clone()],
        )
        .await?;
    }
    Ok(())
}

/// The views, votes and recusals of a topic (replacing what it had).
async fn insert_topic_parts(tx: &mut Tx, topic_id: i64, t: &Topic) -> StoreResult<()> {
    for table in ["decision_speeches", "decision_votes", "decision_recusals"] {
        tx.execute(&format!("DELETE FROM {table} WHERE topic_id = $1"), args![topic_id]).await?;
    }
    for (i, s) in t.speeches.iter().enumerate() {
        tx.execute(
            "INSERT INTO decision_speeches (topic_id, position, person_id, view) VALUES ($1, $2, $3, $4)",
            args![topic_id, i as i64, s.person_id, s.view.clone()],
        )
        .await?;
    }
    for (pid, v) in &t.votes {
        tx.execute(
            "INSERT INTO decision_votes (topic_id, person_id, vote) VALUES ($1, $2, $3)",
            args![topic_id, *pid, v.key()],
        )
        .await?;
    }
    for r in &t.recusals {
        tx.execute(
            "INSERT INTO decision_recusals (topic_id, person_id, reason) VALUES ($1, $2, $3)",
            args![topic_id, r.person_id, r.reason.clone()],
        )
        .await?;
    }
    Ok(())
}

fn topic_args(t: &Topic) -> Vec<crate::Arg> {
    args![
        t.title.clone(),
        t.category.key(),
        t.amount_cents,
        t.decided_by.key(),
        t.voting_method.map_or("", |v| v.key()),
        t.result.map_or("", |r| r.key())
    ]
}

/// Writes the topics at their positions: a topic at a position that existed keeps its id;
/// topics past the new end are removed unless a register entry points at them.
async fn write_topics(tx: &mut Tx, id: i64, d: &MeetingDraft) -> StoreResult<()> {
    let existing: Vec<(i64, i64)> = tx
        .fetch_all("SELECT id, position FROM decision_topics WHERE meeting_id = $1 ORDER BY position", args![id])
        .await?;
    for (i, t) in d.topics.iter().enumerate() {
        let topic_id = match existing.iter().find(|(_, p)| *p == i as i64) {
            Some((tid, _)) => {
                let mut a = topic_args(t);
                a.push((*tid).into());
                tx.execute(
                    "UPDATE decision_topics SET title = $1, category = $2, amount_cents = $3, decided_by = $4, \
                     voting_method = $5, result = $6 WHERE id = $7",
                    a,
                )
                .await?;
                *tid
            }
            None => {
                let mut a = topic_args(t);
                a.extend(args![id, i as i64]);
                let (tid,): (i64,) = tx
                    .fetch_one(
                        "INSERT INTO decision_topics (title, category, amount_cents, decided_by, voting_method, result, \
                         meeting_id, position) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                        a,
                    )
                    .await?;
                tid
            }
        };
        insert_topic_parts(tx, topic_id, t).await?;
    }
    for (tid, pos) in existing.iter().filter(|(_, p)| *p >= d.topics.len() as i64) {
        let (linked,): (i64,) =
            tx.fetch_one("SELECT COUNT(*) FROM decision_register WHERE topic_id = $1", args![*tid]).await?;
        if linked > 0 {
            return Err(StoreError::field(
                "topics",
                format!("第 {} 项议题已被 {linked} 条大额资金或人事任免台账关联，不能删除", pos + 1),
            ));
        }
        for table in ["decision_speeches", "decision_votes", "decision_recusals"] {
            tx.execute(&format!("DELETE FROM {table} WHERE topic_id = $1"), args![*tid]).await?;
        }
        tx.execute("DELETE FROM decision_topics WHERE id = $1", args![*tid]).await?;
    }
    Ok(())
}

/// Tells the 纪检组 over the unit of the rules that newly fail.
async fn tell_failed(tx: &mut Tx, actor: &Actor, id: i64, d: &MeetingDraft, newly: Vec<String>) -> StoreResult<()> {
    if newly.is_empty() {
        return Ok(());
    }
    let (unit_name,): (String,) = tx.fetch_one("SELECT name FROM units WHERE id = $1", args![d.unit_id]).await?;
    let accounts = notify::group_accounts(tx, d.unit_id, Permission::DecisionConvert).await?;
    let event = Event::DecisionChecksFailed {
        meeting_id: id,
        unit_name,
        body: d.body.label().to_string(),
        held_on: d.held_on,
        rules: newly,
    };
    notify::tell(tx, actor, &accounts, &event).await.map(|_| ())
}

/// Records a meeting; returns its id.
pub async fn create(db: &Db, actor: &Actor, d: &MeetingDraft, at: DateTime<Utc>) -> StoreResult<i64> {
    let mut tx = db.begin().await?;
    check_refs(&mut tx, d).await?;
    let failed = failed_rules(d);
    let (id,): (i64,) = tx
        .fetch_one(
            "INSERT INTO decision_meetings (unit_id, body, held_on, place, chair_id, recorder_id, item_by_item, \
             failed_rules, account_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) \
             RETURNING id",
            args![
                d.unit_id,
                d.body.key(),
                d.held_on,
                d.place.clone(),
                d.chair_id,
                d.recorder_id,
                d.item_by_item,
                failed.join(","),
                actor.account_id,
                at
            ],
        )
        .await?;
    insert_members(&mut tx, id, d).await?;
    write_topics(&mut tx, id, d).await?;
    let mut diff = audit::diff(&json!({}), &draft_json(d));
    diff["failed_rules"] = json!(failed);
    audit::append(&mut tx, actor, "create", "decision_meeting", id, &diff).await?;
    tell_failed(&mut tx, actor, id, d, failed).await?;
    tx.commit().await?;
    Ok(id)
}

/// Changes a meeting's record; `before` is the stored meeting.
pub async fn update(db: &Db, actor: &Actor, before: &Meeting, d: &MeetingDraft, at: DateTime<Utc>) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    check_refs(&mut tx, d).await?;
    let failed = failed_rules(d);
    let n = tx
        .execute(
            "UPDATE decision_meetings SET unit_id = $1, body = $2, held_on = $3, place = $4, chair_id = $5, \
             recorder_id = $6, item_by_item = $7, failed_rules = $8, updated_at = $9 WHERE id = $10 AND updated_at = $11",
            args![d.unit_id, d.body.key(), d.held_on, d.place.clone(), d.chair_id, d.recorder_id, d.item_by_item,
                  failed.join(","), at, before.id, before.updated_at],
        )
        .await?;
    if n != 1 {
        return Err(StoreError::Refused("会议记录已被他人修改，请刷新页面后重试".into()));
    }
    insert_members(&mut tx, before.id, d).await?;
    write_topics(&mut tx, before.id, d).await?;
    let old = before.draft();
    let mut diff = audit::diff(&draft_json(&old), &draft_json(d));
    let old_failed = failed_rules(&old);
    if old_failed != failed {
        diff["failed_rules"] = json!([old_failed, failed]);
    }
    audit::append(&mut tx, actor, "update", "decision_meeting", before.id, &diff).await?;
    let newly: Vec<String> = failed.into_iter().filter(|r| !old_failed.contains(r)).collect();
    tell_failed(&mut tx, actor, before.id, d, newly).await?;
    tx.commit().await
}

/// Where the findings raised from meetings' checks are linked.
pub const CHECK_LINK: crate::findings::CheckLink = crate::findings::CheckLink {
    table: "decision_findings",
    record_col: "meeting_id",
    entity: "decision_meeting",
    what: "该会议",
};

/// Records a finding for a failed check of a meeting (once per meeting and rule) in one
/// transaction with the link; returns the finding's id.
pub async fn link_finding(
    db: &Db,
    actor: &Actor,
    meeting_id: i64,
    rule: &str,
    finding: &FindingDraft,
    at: DateTime<Utc>,
) -> StoreResult<i64> {
    crate::findings::link_check(db, actor, &CHECK_LINK, meeting_id, rule, finding, at).await
}
