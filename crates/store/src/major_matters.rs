//! 重大事项请示报告: requests, reports and interference records, read through the data scope;
//! an interference record only by those the caller says may read it (the 纪检组, its author).

use chrono::{DateTime, NaiveDate, Utc};
use qingfeng_domain::access::Permission;
use qingfeng_domain::major_matters::{AnswerDraft, MatterCategory, MatterDraft, MatterKind};
use serde::Serialize;
use serde_json::{json, Value};

use crate::notify::{self, Event};
use crate::query::{fetch_page, like_contains};
use crate::{args, audit, Actor, Db, Page, Paging, QueryBuilder, Scope, StoreError, StoreResult};

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MatterRow {
    pub id: i64,
    /// `request`, `report` or `interference`
    pub kind: String,
    /// 请示, 报告, 插手干预记录
    #[sqlx(skip)]
    pub kind_label: String,
    pub unit_id: i64,
    pub unit_name: String,
    #[serde(skip)]
    pub unit_path: String,
    pub person_id: i64,
    pub person_name: String,
    pub addressee: String,
    /// 三重一大 category key, if the matter is one
    pub category: Option<String>,
    #[sqlx(skip)]
    pub category_label: String,
    pub title: String,
    pub content: String,
    pub submitted_on: NaiveDate,
    /// a 请示's answer is due by then
    pub answer_due: Option<NaiveDate>,
    pub answer: String,
    pub answered_on: Option<NaiveDate>,
    pub leader: String,
    /// the account that recorded it
    pub account_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// a 请示 past its due date without an answer (as of the day it was read)
    #[sqlx(skip)]
    pub overdue: bool,
}

impl MatterRow {
    fn labelled(mut self, today: NaiveDate) -> Self {
        self.kind_label = MatterKind::from_key(&self.kind).map(|k| k.label()).unwrap_or("").into();
        self.category_label =
            self.category.as_deref().and_then(MatterCategory::from_key).map(|c| c.label()).unwrap_or("").into();
        self.overdue = self.answered_on.is_none() && self.answer_due.is_some_and(|d| d < today);
        self
    }

    /// The stored record as a draft (to compare with an edit, or patch).
    pub fn draft(&self) -> Option<MatterDraft> {
        Some(MatterDraft {
            kind: MatterKind::from_key(&self.kind)?,
            unit_id: self.unit_id,
            person_id: self.person_id,
            addressee: self.addressee.clone(),
            category: self.category.as_deref().and_then(MatterCategory::from_key),
            title: self.title.clone(),
            content: self.content.clone(),
            submitted_on: self.submitted_on,
            leader: self.leader.clone(),
        })
    }
}

const COLS: &str = "m.id, m.kind, m.unit_id, u.name AS unit_name, u.path AS unit_path, m.person_id, \
    p.name AS person_name, m.addressee, m.category, m.title, m.content, m.submitted_on, m.answer_due, m.answer, \
    m.answered_on, m.leader, m.account_id, m.created_at, m.updated_at";
const FROM: &str = " FROM major_matters m JOIN units u ON u.id = m.unit_id JOIN people p ON p.id = m.person_id";

/// Who may read interference records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Restricted {
    /// the 纪检组: every one
    All,
    /// anyone else: those this account recorded
    #[default]
    None,
    Own(i64),
}

#[derive(Debug, Clone, Default)]
pub struct MatterFilter {
    pub kind: Option<MatterKind>,
    pub year: Option<i64>,
    /// 请示 without an answer yet
    pub unanswered: bool,
    /// 请示 whose answer is overdue on this day
    pub overdue_on: Option<NaiveDate>,
    /// 请示 on a 三重一大 matter with no meeting of the unit on or after the day it was sent
    pub without_meeting: bool,
    pub q: Option<String>,
    pub restricted: Restricted,
}

fn restrict(q: &mut QueryBuilder, scope: &Scope, restricted: Restricted) {
    scope.restrict(q, "u.path", "u.id", Some("m.person_id"));
    match restricted {
        Restricted::All => {}
        Restricted::None => {
            q.and("m.kind <> 'interference'", vec![]);
        }
        Restricted::Own(account) => {
            q.and("(m.kind <> 'interference' OR m.account_id = ?)", args![account]);
        }
    }
}

/// Records in the scope, newest first. `paging` None returns every match (exports).
pub async fn list(
    db: &Db,
    scope: &Scope,
    f: &MatterFilter,
    paging: Option<Paging>,
    today: NaiveDate,
) -> StoreResult<Page<MatterRow>> {
    let mut q = QueryBuilder::new();
    restrict(&mut q, scope, f.restricted);
    if let Some(k) = f.kind {
        q.and("m.kind = ?", args![k.key()]);
    }
    if let Some(y) = f.year {
        let (from, to) = (NaiveDate::from_ymd_opt(y as i32, 1, 1), NaiveDate::from_ymd_opt(y as i32, 12, 31));
        q.and("m.submitted_on >= ? AND m.submitted_on <= ?", args![from, to]);
    }
    if f.unanswered {
        q.and("m.kind = 'request' AND m.answered_on IS NULL", vec![]);
    }
    if let Some(day) = f.overdue_on {
        q.and("m.kind = 'request' AND m.answered_on IS NULL AND m.answer_due < ?", args![day]);
    }
    if f.without_meeting {
        q.and(
            "m.kind = 'request' AND m.category IS NOT NULL AND m.category <> 'general' AND NOT EXISTS \
             (SELECT 1 FROM decision_meetings dm WHERE dm.unit_id = m.unit_id AND dm.held_on >= m.submitted_on)",
            vec![],
        );
    }
    if let Some(t) = f.q.as_deref().filter(|s| !s.is_empty()) {
        let pat = like_contains(t);
        q.and("(m.title LIKE ? ESCAPE '\\' OR m.addressee LIKE ? ESCAPE '\\')", args![pat.clone(), pat]);
    }
    let from = format!("{FROM}{}", q.where_clause());
    let mut page: Page<MatterRow> =
        fetch_page(db, COLS, &from, "m.submitted_on DESC, m.id DESC", q.args(), paging).await?;
    page.items = page.items.into_iter().map(|m| m.labelled(today)).collect();
    Ok(page)
}

/// One record, or NotFound when it is outside the scope or a restricted record the reader
/// may not see (as if it did not exist).
pub async fn get(db: &Db, scope: &Scope, restricted: Restricted, id: i64, today: NaiveDate) -> StoreResult<MatterRow> {
    let mut q = QueryBuilder::new();
    q.and("m.id = ?", args![id]);
    restrict(&mut q, scope, restricted);
    let m: MatterRow = db.fetch_one(&format!("SELECT {COLS}{FROM}{}", q.where_clause()), q.args()).await?;
    Ok(m.labelled(today))
}

/// What the audit trail keeps of a record: an interference record's matter and leader are for
/// the 纪检组, not for everyone who reads the trail.
fn draft_json(d: &MatterDraft) -> Value {
    let mut v = json!({"kind": d.kind.key(), "unit_id": d.unit_id, "person_id": d.person_id,
        "submitted_on": d.submitted_on, "category": d.category.map(|c| c.key())});
    if !d.kind.restricted() {
        v["addressee"] = json!(d.addressee);
        v["title"] = json!(d.title);
    }
    v
}

/// The values of a record's own columns, in the order INSERT and UPDATE name them ($1 … $10).
fn draft_args(d: &MatterDraft, answer_due: Option<NaiveDate>) -> Vec<crate::Arg> {
    args![
        d.kind.key(),
        d.unit_id,
        d.person_id,
        d.addressee.clone(),
        d.category.map(|c| c.key()),
        d.title.clone(),
        d.content.clone(),
        d.submitted_on,
        answer_due,
        d.leader.clone()
    ]
}

pub async fn create(db: &Db, actor: &Actor, d: &MatterDraft, answer_due: Option<NaiveDate>) -> StoreResult<i64> {
    let mut tx = db.begin().await?;
    let now = crate::now();
    let (id,): (i64,) = tx
        .fetch_one(
            "INSERT INTO major_matters (kind, unit_id, person_id, addressee, category, title, content, submitted_on, \
             answer_due, leader, account_id, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id",
            [draft_args(d, answer_due), args![actor.account_id, now]].concat(),
        )
        .await?;
    audit::append(&mut tx, actor, "create", "major_matter", id, &audit::diff(&json!({}), &draft_json(d))).await?;
    if d.kind.restricted() {
        // the 纪检组 covering the unit: the role, or a custom role that signs findings off there
        let accounts = notify::group_accounts(&mut tx, d.unit_id, Permission::FindingSignOff).await?;
        let (unit_name,): (String,) = tx.fetch_one("SELECT name FROM units WHERE id = $1", args![d.unit_id]).await?;
        notify::tell(&mut tx, actor, &accounts, &Event::InterferenceRecorded { matter_id: id, unit_name }).await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// Saves an edit of the record's own fields (not its answer); records what changed.
pub async fn update(
    db: &Db,
    actor: &Actor,
    id: i64,
    before: &MatterDraft,
    d: &MatterDraft,
    answer_due: Option<NaiveDate>,
) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    let n = tx
        .execute(
            "UPDATE major_matters SET kind = $1, unit_id = $2, person_id = $3, addressee = $4, category = $5, \
             title = $6, content = $7, submitted_on = $8, answer_due = $9, leader = $10, updated_at = $11 WHERE id = $12",
            [draft_args(d, answer_due), args![crate::now(), id]].concat(),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    audit::append(&mut tx, actor, "update", "major_matter", id, &audit::diff(&draft_json(before), &draft_json(d)))
        .await?;
    tx.commit().await
}

/// Records the higher body's answer to a 请示.
pub async fn answer(db: &Db, actor: &Actor, id: i64, a: &AnswerDraft) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    tx.execute(
        "UPDATE major_matters SET answer = $1, answered_on = $2, updated_at = $3 WHERE id = $4",
        args![a.answer.clone(), a.answered_on, crate::now(), id],
    )
    .await?;
    audit::append(&mut tx, actor, "answer", "major_matter", id, &json!({"answered_on": a.answered_on})).await?;
    tx.commit().await
}
