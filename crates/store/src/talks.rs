//! 谈心谈话: a talk is a ledger entry of kind `talk` (so it is credited to the participants'
//! items, one record, every list) with its extra fields per entry version: the talk kind, who
//! talked (talker) with whom (counterpart), topics, summary and follow-ups.

use chrono::{DateTime, NaiveDate, Utc};
use qingfeng_domain::ledger::EntryDraft;
use qingfeng_domain::talks::TalkDraft;
use serde::Serialize;
use serde_json::json;

use crate::ledger::Named;
use crate::{args, audit, Actor, Db, Page, Paging, QueryBuilder, Scope, StoreResult, Tx};

/// A talk as the list shows it (the current version of its ledger entry).
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TalkRow {
    /// the ledger entry (version) id
    pub id: i64,
    pub entry_key: i64,
    /// TalkKind key (heart, pre_appointment, collective, reminder, admonition, interview)
    pub talk_kind: String,
    pub entry_date: NaiveDate,
    pub place: String,
    pub unit_id: i64,
    pub unit_name: String,
    #[serde(skip)]
    pub unit_path: String,
    pub topics: String,
    /// the summary as stored; callers blank it for readers who may not see it
    pub summary: String,
    pub author: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A follow-up of a talk: who does what by when.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowUpRow {
    pub id: i64,
    pub entry_id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub deadline: NaiveDate,
    pub content: String,
}

const COLS: &str = "e.id, e.entry_key, t.talk_kind, e.entry_date, e.place, e.unit_id, u.name AS unit_name, \
    u.path AS unit_path, t.topics, t.summary, a.username AS author, e.created_at";
const FROM: &str = " FROM talks t JOIN ledger_entries e ON e.id = t.entry_id JOIN units u ON u.id = e.unit_id \
    LEFT JOIN accounts a ON a.id = e.account_id";
const CURRENT: &str = crate::ledger::LIVE;
/// what a 仅本人 reader sees: the talks they took part in
const SELF_COND: &str = "e.id IN (SELECT entry_id FROM talk_people WHERE person_id = ?)";

#[derive(Debug, Clone, Default)]
pub struct TalkFilter {
    pub year: Option<i64>,
    /// TalkKind key
    pub kind: Option<String>,
    /// talks this person took part in (either side)
    pub person_id: Option<i64>,
}

/// Current talks in the scope, newest first.
pub async fn list(db: &Db, scope: &Scope, f: &TalkFilter, paging: Option<Paging>) -> StoreResult<Page<TalkRow>> {
    let mut q = QueryBuilder::new();
    q.and(CURRENT, vec![]);
    scope.restrict_with(&mut q, "u.path", "u.id", Some(SELF_COND));
    if let Some(y) = f.year {
        q.and("e.entry_year = ?", args![y]);
    }
    if let Some(k) = &f.kind {
        q.and("t.talk_kind = ?", args![k.clone()]);
    }
    if let Some(p) = f.person_id {
        q.and("e.id IN (SELECT entry_id FROM talk_people WHERE person_id = ?)", args![p]);
    }
    let from = format!("{FROM}{}", q.where_clause());
    crate::query::fetch_page(db, COLS, &from, "e.entry_date DESC, e.id DESC", q.args(), paging).await
}

/// A talk by its entry (version) id, or NotFound when outside the scope or not a talk.
pub async fn get(db: &Db, scope: &Scope, id: i64) -> StoreResult<TalkRow> {
    let mut q = QueryBuilder::new();
    q.and("e.id = ?", args![id]);
    scope.restrict_with(&mut q, "u.path", "u.id", Some(SELF_COND));
    db.fetch_one(&format!("SELECT {COLS}{FROM}{}", q.where_clause()), q.args()).await
}

/// The people on one side (`talker` or `counterpart`) of a talk.
pub async fn people(db: &Db, entry_id: i64, role: &str) -> StoreResult<Vec<Named>> {
    db.fetch_all(
        "SELECT p.id, p.name FROM talk_people t JOIN people p ON p.id = t.person_id \
         WHERE t.entry_id = $1 AND t.role = $2 ORDER BY p.id",
        args![entry_id, role.to_string()],
    )
    .await
}

pub async fn follow_ups(db: &Db, entry_id: i64) -> StoreResult<Vec<FollowUpRow>> {
    db.fetch_all(
        "SELECT f.id, f.entry_id, f.person_id, p.name AS person_name, f.deadline, f.content \
         FROM talk_follow_ups f JOIN people p ON p.id = f.person_id WHERE f.entry_id = $1 ORDER BY f.deadline, f.id",
        args![entry_id],
    )
    .await
}

/// Records a talk: its ledger entry (credited as every entry is) and the talk's own fields,
/// audited, in one transaction. `entry` is the checked ledger entry of `d`.
pub async fn create(db: &Db, actor: &Actor, d: &TalkDraft, entry: &EntryDraft) -> StoreResult<i64> {
    let mut tx = db.begin().await?;
    let id = create_in(&mut tx, actor, d, entry).await?;
    tx.commit().await?;
    Ok(id)
}

/// [`create`] inside a caller's transaction (an import writes all its rows in one).
pub(crate) async fn create_in(tx: &mut Tx, actor: &Actor, d: &TalkDraft, entry: &EntryDraft) -> StoreResult<i64> {
    let id = crate::ledger::create_in(tx, actor, entry).await?;
    write_talk(tx, id, d).await?;
    let mut record = talk_json(d);
    record["entry_id"] = json!(id);
    audit::append(tx, actor, "create", "talk", id, &audit::diff(&json!({}), &record)).await?;
    Ok(id)
}

/// The audit record of a talk's own fields: a discipline talk's topics are for the 纪检组 and
/// the people concerned, not the trail.
fn talk_json(d: &TalkDraft) -> serde_json::Value {
    let mut record = json!({"talk_kind": d.kind.key(), "talkers": d.talkers, "counterparts": d.counterparts,
        "place": d.place, "date": d.date, "follow_ups": d.follow_ups.len()});
    if !d.kind.restricted() {
        record["topics"] = json!(d.topics);
    }
    record
}

/// The fields of a stored talk (version `id`) as a draft, for the edit form and the audit.
pub async fn draft_of(db: &Db, row: &TalkRow) -> StoreResult<Option<TalkDraft>> {
    let Some(kind) = qingfeng_domain::talks::TalkKind::from_key(&row.talk_kind) else { return Ok(None) };
    let ids = |v: Vec<Named>| v.into_iter().map(|n| n.id).collect::<Vec<_>>();
    Ok(Some(TalkDraft {
        kind,
        date: row.entry_date,
        place: row.place.clone(),
        unit_id: row.unit_id,
        talkers: ids(people(db, row.id, "talker").await?),
        counterparts: ids(people(db, row.id, "counterpart").await?),
        topics: row.topics.clone(),
        summary: row.summary.clone(),
        follow_ups: follow_ups(db, row.id)
            .await?
            .into_iter()
            .map(|f| qingfeng_domain::talks::FollowUp {
                person_id: f.person_id,
                deadline: f.deadline,
                content: f.content,
            })
            .collect(),
    }))
}

/// Corrects a talk: a new version of its ledger entry (`entry`, with the reason) carrying the
/// talk's new fields, the change audited, in one transaction. `current` must be the current
/// version; `before` its fields.
pub async fn correct(
    db: &Db,
    actor: &Actor,
    current: &crate::ledger::Entry,
    before: &TalkDraft,
    d: &TalkDraft,
    entry: &EntryDraft,
) -> StoreResult<i64> {
    let mut tx = db.begin().await?;
    let id = crate::ledger::new_version_in(&mut tx, actor, current, entry, false).await?;
    write_talk(&mut tx, id, d).await?;
    let mut diff = audit::diff(&talk_json(before), &talk_json(d));
    diff["entry_id"] = json!(id);
    diff["corrects"] = json!(current.id);
    diff["reason"] = json!(entry.reason);
    audit::append(&mut tx, actor, "update", "talk", id, &diff).await?;
    tx.commit().await?;
    Ok(id)
}

async fn write_talk(tx: &mut Tx, id: i64, d: &TalkDraft) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO talks (entry_id, talk_kind, topics, summary) VALUES ($1, $2, $3, $4)",
        args![id, d.kind.key(), d.topics.clone(), d.summary.clone()],
    )
    .await?;
    for (role, ids) in [("talker", &d.talkers), ("counterpart", &d.counterparts)] {
        for p in ids {
            tx.execute(
                "INSERT INTO talk_people (entry_id, person_id, role) VALUES ($1, $2, $3)",
                args![id, *p, role.to_string()],
            )
            .await?;
        }
    }
    for f in &d.follow_ups {
        tx.execute(
            "INSERT INTO talk_follow_ups (entry_id, person_id, deadline, content) VALUES ($1, $2, $3, $4)",
            args![id, f.person_id, f.deadline, f.content.clone()],
        )
        .await?;
    }
    Ok(())
}

/// A correction of a talk's ledger entry keeps the talk's fields: copied to the new version.
pub(crate) async fn carry_forward(tx: &mut Tx, from: i64, to: i64) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO talks (entry_id, talk_kind, topics, summary) SELECT $2, talk_kind, topics, summary FROM talks WHERE entry_id = $1",
        args![from, to],
    )
    .await?;
    tx.execute(
        "INSERT INTO talk_people (entry_id, person_id, role) SELECT $2, person_id, role FROM talk_people WHERE entry_id = $1",
        args![from, to],
    )
    .await?;
    tx.execute(
        "INSERT INTO talk_follow_ups (entry_id, person_id, deadline, content) \
         SELECT $2, person_id, deadline, content FROM talk_follow_ups WHERE entry_id = $1",
        args![from, to],
    )
    .await
    .map(|_| ())
}

/// Who talked with whom in `year` (current talks, every kind): (talker, counterpart) pairs.
pub async fn pairs(db: &Db, year: i64) -> StoreResult<Vec<(i64, i64)>> {
    db.fetch_all(
        &format!(
            "SELECT DISTINCT a.person_id, b.person_id FROM talk_people a \
             JOIN talk_people b ON b.entry_id = a.entry_id AND b.role = 'counterpart' \
             JOIN ledger_entries e ON e.id = a.entry_id \
             WHERE a.role = 'talker' AND e.entry_year = $1 AND {CURRENT}"
        ),
        args![year],
    )
    .await
}

/// The day of each current 任前廉政谈话 a person was the counterpart of, latest first.
pub async fn pre_appointment_talks(db: &Db, person_id: i64) -> StoreResult<Vec<NaiveDate>> {
    let rows: Vec<(NaiveDate,)> = db
        .fetch_all(
            &format!(
                "SELECT e.entry_date FROM talks t JOIN ledger_entries e ON e.id = t.entry_id \
                 JOIN talk_people c ON c.entry_id = t.entry_id AND c.role = 'counterpart' \
                 WHERE t.talk_kind = 'pre_appointment' AND c.person_id = $1 AND {CURRENT} ORDER BY e.entry_date DESC"
            ),
            args![person_id],
        )
        .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// A talk before this many days ahead of a post change still counts as its 任前廉政谈话 (the
/// talk is held before the new post takes effect; the change is recorded when it does).
pub const PRE_TALK_BEFORE_DAYS: i64 = 30;
/// Post changes older than this are no longer asked for a 任前廉政谈话.
pub const PRE_TALK_LOOK_BACK_DAYS: i64 = 365;

/// A post change (新任职: another unit, or a new 职务 in the person's history) whose
/// 任前廉政谈话 is not recorded yet.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PostChange {
    /// the row of the person's history
    pub transfer_id: i64,
    pub person_id: i64,
    pub person_name: String,
    /// the unit of the new post
    pub unit_id: i64,
    pub unit_name: String,
    #[serde(skip)]
    pub unit_path: String,
    pub from_unit_name: Option<String>,
    pub from_title: String,
    /// the new 职务 ('' when only the unit changed)
    pub to_title: String,
    pub changed_at: DateTime<Utc>,
}

impl PostChange {
    /// The office day of the change.
    pub fn changed_on(&self) -> NaiveDate {
        qingfeng_domain::time::office_date(self.changed_at)
    }

    /// "综合科科长" (the title alone when it names the unit) or "综合科" when only the unit
    /// changed.
    pub fn post(&self) -> String {
        let title = self.to_title.trim();
        if title.starts_with(&self.unit_name) {
            title.to_string()
        } else {
            format!("{}{title}", self.unit_name)
        }
    }
}

/// The 任前廉政谈话 still due as of `today` (of one person, or of everyone): for each person
/// still serving, their latest post change of the last [`PRE_TALK_LOOK_BACK_DAYS`] days, unless
/// a current 任前廉政谈话 with them as counterpart is dated at most [`PRE_TALK_BEFORE_DAYS`]
/// days before it, or after it.
pub async fn pre_appointment_due(db: &Db, today: NaiveDate, person: Option<i64>) -> StoreResult<Vec<PostChange>> {
    let since = qingfeng_domain::time::office_day_start(today - chrono::Duration::days(PRE_TALK_LOOK_BACK_DAYS));
    let mut q = QueryBuilder::new();
    q.and("t.changed_at >= ?", args![since]);
    q.and(
        "t.from_unit_id IS NOT NULL AND t.to_status = 'active' AND p.status = 'active' AND p.voided_at IS NULL",
        vec![],
    );
    q.and("(t.from_unit_id <> t.to_unit_id OR (t.to_title <> '' AND t.from_title <> t.to_title))", vec![]);
    if let Some(id) = person {
        q.and("t.person_id = ?", args![id]);
    }
    let rows: Vec<PostChange> = db
        .fetch_all(
            &format!(
                "SELECT t.id AS transfer_id, t.person_id, p.name AS person_name, t.to_unit_id AS unit_id, \
                 u.name AS unit_name, u.path AS unit_path, fu.name AS from_unit_name, t.from_title, t.to_title, \
                 t.changed_at FROM person_transfers t JOIN people p ON p.id = t.person_id \
                 JOIN units u ON u.id = t.to_unit_id LEFT JOIN units fu ON fu.id = t.from_unit_id{} \
                 ORDER BY t.person_id, t.changed_at DESC, t.id DESC",
                q.where_clause()
            ),
            q.args(),
        )
        .await?;
    let mut out: Vec<PostChange> = Vec::new();
    for change in rows {
        // the latest change of each person only
        if out.last().is_some_and(|c| c.person_id == change.person_id) {
            continue;
        }
        let from = change.changed_on() - chrono::Duration::days(PRE_TALK_BEFORE_DAYS);
        let held = pre_appointment_talks(db, change.person_id).await?;
        if !held.iter().any(|d| *d >= from) {
            out.push(change);
        }
    }
    out.sort_by_key(|c| (c.changed_at, c.transfer_id));
    Ok(out)
}

/// A follow-up of a current talk, with the talk it comes from.
#[derive(Debug, Clone, sqlx::FromRow, PartialEq)]
pub struct FollowUpDue {
    pub entry_id: i64,
    pub entry_key: i64,
    pub talk_kind: String,
    pub entry_date: NaiveDate,
    pub unit_id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub deadline: NaiveDate,
    pub content: String,
}

/// The follow-ups of current talks whose deadline lies in `from..=to`, earliest first.
pub async fn follow_ups_between(db: &Db, from: NaiveDate, to: NaiveDate) -> StoreResult<Vec<FollowUpDue>> {
    db.fetch_all(
        &format!(
            "SELECT e.id AS entry_id, e.entry_key, t.talk_kind, e.entry_date, e.unit_id, f.person_id, \
             p.name AS person_name, f.deadline, f.content FROM talk_follow_ups f \
             JOIN talks t ON t.entry_id = f.entry_id JOIN ledger_entries e ON e.id = f.entry_id \
             JOIN people p ON p.id = f.person_id \
             WHERE f.deadline >= $1 AND f.deadline <= $2 AND {CURRENT} ORDER BY f.deadline, f.id"
        ),
        args![from, to],
    )
    .await
}
