//! R-DEC-8: the register of spending and appointments that need a collective decision. An
//! entry needs one when it is an appointment or its amount reaches the threshold (a setting,
//! read when the register is read, so changing it re-flags the register); an entry that needs
//! one and points at no decision topic is flagged, and the 纪检组 is told when it is entered.

use chrono::{DateTime, NaiveDate, Utc};
use qingfeng_domain::access::Permission;
use qingfeng_domain::decisions::format_amount;
use qingfeng_domain::decisions::register::{
    needs_decision, threshold_cents, EntryKind, RegisterDraft, THRESHOLD_SETTING,
};
use serde::Serialize;
use serde_json::{json, Value};

use crate::notify::{self, Event};
use crate::query::{fetch_page, like_contains};
use crate::{args, audit, Actor, Db, Page, Paging, QueryBuilder, Scope, StoreError, StoreResult, Tx};

/// One entry of the register.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = DecisionRegisterEntry))]
pub struct RegisterEntry {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    #[serde(skip)]
    pub unit_path: String,
    /// spending or appointment
    pub kind: String,
    pub occurred_on: NaiveDate,
    pub matter: String,
    /// cents
    pub amount_cents: Option<i64>,
    pub reference: String,
    /// the decision topic that covers it
    pub topic_id: Option<i64>,
    pub topic_title: Option<String>,
    pub meeting_id: Option<i64>,
    pub meeting_held_on: Option<NaiveDate>,
    pub note: String,
    pub recorded_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[sqlx(skip)]
    pub kind_label: String,
    /// 元, formatted
    #[sqlx(skip)]
    pub amount: String,
    /// an appointment, or spending at or above the threshold
    #[sqlx(skip)]
    pub needs_decision: bool,
    /// needs a decision and has none linked (R-DEC-8)
    #[sqlx(skip)]
    pub flagged: bool,
}

impl RegisterEntry {
    fn complete(&mut self, threshold: i64) {
        let kind = EntryKind::from_key(&self.kind).unwrap_or(EntryKind::Spending);
        self.kind_label = kind.label().into();
        self.amount = self.amount_cents.map(format_amount).unwrap_or_default();
        self.needs_decision = needs_decision(kind, self.amount_cents, threshold);
        self.flagged = self.needs_decision && self.topic_id.is_none();
    }

    pub fn draft(&self) -> RegisterDraft {
        RegisterDraft {
            unit_id: self.unit_id,
            kind: EntryKind::from_key(&self.kind).unwrap_or(EntryKind::Spending),
            occurred_on: self.occurred_on,
            matter: self.matter.clone(),
            amount_cents: self.amount_cents,
            reference: self.reference.clone(),
            topic_id: self.topic_id,
            note: self.note.clone(),
        }
    }

    pub fn fields(&self) -> qingfeng_domain::decisions::register::RegisterFields {
        qingfeng_domain::decisions::register::RegisterFields {
            unit_id: Some(self.unit_id),
            kind: self.kind.clone(),
            occurred_on: self.occurred_on.to_string(),
            matter: self.matter.clone(),
            amount: self.amount_cents.map(|c| format!("{}.{:02}", c / 100, c % 100)).unwrap_or_default(),
            reference: self.reference.clone(),
            topic_id: self.topic_id,
            note: self.note.clone(),
        }
    }
}

/// The threshold in force (cents).
pub async fn threshold(db: &Db) -> StoreResult<i64> {
    Ok(threshold_cents(crate::settings::get(db, THRESHOLD_SETTING).await?.as_deref()))
}

/// Filters of the register.
#[derive(Debug, Clone, Default)]
pub struct RegisterFilter {
    pub year: Option<i32>,
    pub unit_id: Option<i64>,
    pub include_sub: bool,
    pub kind: Option<EntryKind>,
    /// only entries that need a decision and have none (R-DEC-8)
    pub flagged: bool,
    pub q: Option<String>,
}

const COLS: &str = "r.id, r.unit_id, u.name AS unit_name, u.path AS unit_path, r.kind, r.occurred_on, r.matter, \
    r.amount_cents, r.reference, r.topic_id, t.title AS topic_title, t.meeting_id, m.held_on AS meeting_held_on, \
    r.note, a.username AS recorded_by, r.created_at, r.updated_at";
const FROM: &str = " FROM decision_register r JOIN units u ON u.id = r.unit_id \
    LEFT JOIN decision_topics t ON t.id = r.topic_id LEFT JOIN decision_meetings m ON m.id = t.meeting_id \
    LEFT JOIN accounts a ON a.id = r.account_id";

/// Entries in scope, newest first.
pub async fn list(
    db: &Db,
    scope: &Scope,
    f: &RegisterFilter,
    paging: Option<Paging>,
) -> StoreResult<Page<RegisterEntry>> {
    let limit = threshold(db).await?;
    let mut q = QueryBuilder::new();
    scope.restrict(&mut q, "u.path", "u.id", None);
    if let Some(y) = f.year {
        let from = NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or_default();
        let to = NaiveDate::from_ymd_opt(y + 1, 1, 1).unwrap_or_default();
        q.and("r.occurred_on >= ? AND r.occurred_on < ?", args![from, to]);
    }
    if let Some(u) = f.unit_id {
        crate::query::restrict_to_unit(db, &mut q, "u.path", "r.unit_id", u, f.include_sub).await?;
    }
    if let Some(k) = f.kind {
        q.and("r.kind = ?", args![k.key()]);
    }
    if f.flagged {
        q.and("(r.kind = 'appointment' OR r.amount_cents >= ?) AND r.topic_id IS NULL", args![limit]);
    }
    if let Some(text) = f.q.as_deref().filter(|s| !s.is_empty()) {
        let pat = like_contains(text);
        q.and("(r.matter LIKE ? ESCAPE '\\' OR r.reference LIKE ? ESCAPE '\\')", args![pat.clone(), pat]);
    }
    let from = format!("{FROM}{}", q.where_clause());
    let mut page: Page<RegisterEntry> =
        fetch_page(db, COLS, &from, "r.occurred_on DESC, r.id DESC", q.args(), paging).await?;
    for e in &mut page.items {
        e.complete(limit);
    }
    Ok(page)
}

/// One entry; NotFound outside the scope.
pub async fn get(db: &Db, scope: &Scope, id: i64) -> StoreResult<RegisterEntry> {
    let limit = threshold(db).await?;
    let mut q = QueryBuilder::new();
    q.and("r.id = ?", args![id]);
    scope.restrict(&mut q, "u.path", "u.id", None);
    let mut e: RegisterEntry = db.fetch_one(&format!("SELECT {COLS}{FROM}{}", q.where_clause()), q.args()).await?;
    e.complete(limit);
    Ok(e)
}

fn draft_json(d: &RegisterDraft) -> Value {
    json!({"unit_id": d.unit_id, "kind": d.kind.key(), "occurred_on": d.occurred_on, "matter": d.matter,
           "amount_cents": d.amount_cents, "reference": d.reference, "topic_id": d.topic_id, "note": d.note})
}

async fn check_refs(tx: &mut Tx, d: &RegisterDraft) -> StoreResult<()> {
    let unit: Option<(i64,)> = tx.fetch_optional("SELECT id FROM units WHERE id = $1", args![d.unit_id]).await?;
    if unit.is_none() {
        return Err(StoreError::field("unit_id", format!("单位（编号 {}）不存在", d.unit_id)));
    }
    if let Some(t) = d.topic_id {
        let row: Option<(i64,)> = tx.fetch_optional("SELECT id FROM decision_topics WHERE id = $1", args![t]).await?;
        if row.is_none() {
            return Err(StoreError::field("topic_id", format!("会议议题（编号 {t}）不存在")));
        }
    }
    Ok(())
}

async fn tell_unrecorded(tx: &mut Tx, actor: &Actor, id: i64, d: &RegisterDraft, limit: i64) -> StoreResult<()> {
    if d.topic_id.is_some() || !needs_decision(d.kind, d.amount_cents, limit) {
        return Ok(());
    }
    let (unit_name,): (String,) = tx.fetch_one("SELECT name FROM units WHERE id = $1", args![d.unit_id]).await?;
    let accounts = notify::group_accounts(tx, d.unit_id, Permission::DecisionConvert).await?;
    let event = Event::DecisionUnrecorded {
        entry_id: id,
        unit_name,
        matter: d.matter.clone(),
        amount: d.amount_cents.map(format_amount).unwrap_or_default(),
    };
    notify::tell(tx, actor, &accounts, &event).await.map(|_| ())
}

/// Inserts an entry inside `tx` (the import writes many in one transaction).
pub async fn insert(tx: &mut Tx, actor: &Actor, d: &RegisterDraft, limit: i64, at: DateTime<Utc>) -> StoreResult<i64> {
    check_refs(tx, d).await?;
    let (id,): (i64,) = tx
        .fetch_one(
            "INSERT INTO decision_register (unit_id, kind, occurred_on, matter, amount_cents, reference, topic_id, note, \
             account_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
            args![d.unit_id, d.kind.key(), d.occurred_on, d.matter.clone(), d.amount_cents, d.reference.clone(),
                  d.topic_id, d.note.clone(), actor.account_id, at],
        )
        .await?;
    audit::append(tx, actor, "create", "decision_register", id, &audit::diff(&json!({}), &draft_json(d))).await?;
    tell_unrecorded(tx, actor, id, d, limit).await?;
    Ok(id)
}

/// Enters one entry.
pub async fn create(db: &Db, actor: &Actor, d: &RegisterDraft, at: DateTime<Utc>) -> StoreResult<i64> {
    let limit = threshold(db).await?;
    let mut tx = db.begin().await?;
    let id = insert(&mut tx, actor, d, limit, at).await?;
    tx.commit().await?;
    Ok(id)
}

/// Enters every row of an accepted import in one transaction.
pub async fn create_many(db: &Db, actor: &Actor, rows: &[RegisterDraft], at: DateTime<Utc>) -> StoreResult<usize> {
    let limit = threshold(db).await?;
    let mut tx = db.begin().await?;
    for d in rows {
        insert(&mut tx, actor, d, limit, at).await?;
    }
    tx.commit().await?;
    Ok(rows.len())
}

/// Changes an entry (e.g. links the decision that covers it).
pub async fn update(
    db: &Db,
    actor: &Actor,
    before: &RegisterEntry,
    d: &RegisterDraft,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    check_refs(&mut tx, d).await?;
    tx.execute(
        "UPDATE decision_register SET unit_id = $1, kind = $2, occurred_on = $3, matter = $4, amount_cents = $5, \
         reference = $6, topic_id = $7, note = $8, updated_at = $9 WHERE id = $10",
        args![
            d.unit_id,
            d.kind.key(),
            d.occurred_on,
            d.matter.clone(),
            d.amount_cents,
            d.reference.clone(),
            d.topic_id,
            d.note.clone(),
            at,
            before.id
        ],
    )
    .await?;
    let diff = audit::diff(&draft_json(&before.draft()), &draft_json(d));
    audit::append(&mut tx, actor, "update", "decision_register", before.id, &diff).await?;
    tx.commit().await
}
