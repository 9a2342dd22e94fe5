//! 典型案例: the library of warning cases, open to every reader (cases are published
//! material, not records of the office's own people), and where each was used.

use chrono::{DateTime, NaiveDate, Utc};
use qingfeng_domain::warning_cases::{Discipline, WarningCaseDraft};
use serde::Serialize;
use serde_json::{json, Value};

use crate::query::{fetch_page, like_contains};
use crate::{args, audit, Actor, Db, Page, Paging, QueryBuilder, StoreError, StoreResult, Tx};

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WarningCase {
    pub id: i64,
    pub title: String,
    pub case_date: NaiveDate,
    /// key of the discipline broken (`integrity`)
    pub discipline: String,
    /// 廉洁纪律
    #[sqlx(skip)]
    pub discipline_label: String,
    pub sanction: String,
    pub summary: String,
    pub lesson: String,
    pub source: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// how many current 警示教育 ledger entries used the case (all units)
    pub use_count: i64,
}

impl WarningCase {
    fn labelled(mut self) -> Self {
        self.discipline_label = Discipline::from_key(&self.discipline).map(|d| d.label()).unwrap_or("").to_string();
        self
    }
}

const COLS: &str = "c.id, c.title, c.case_date, c.discipline, c.sanction, c.summary, c.lesson, c.source, \
    c.created_at, c.updated_at, (SELECT COUNT(*) FROM ledger_case_links l JOIN ledger_entries e ON e.id = l.entry_id \
    WHERE l.case_id = c.id AND e.superseded = FALSE AND e.voided_at IS NULL) AS use_count";

#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub discipline: Option<Discipline>,
    pub year: Option<i64>,
    pub q: Option<String>,
}

/// Cases, newest first. `paging` None returns every match (exports).
pub async fn list(db: &Db, f: &CaseFilter, paging: Option<Paging>) -> StoreResult<Page<WarningCase>> {
    let mut q = QueryBuilder::new();
    if let Some(d) = f.discipline {
        q.and("c.discipline = ?", args![d.key()]);
    }
    if let Some(y) = f.year {
        let (from, to) = (NaiveDate::from_ymd_opt(y as i32, 1, 1), NaiveDate::from_ymd_opt(y as i32, 12, 31));
        q.and("c.case_date >= ? AND c.case_date <= ?", args![from, to]);
    }
    if let Some(t) = f.q.as_deref().filter(|s| !s.is_empty()) {
        let pat = like_contains(t);
        q.and(
            "(c.title LIKE ? ESCAPE '\\' OR c.summary LIKE ? ESCAPE '\\' OR c.sanction LIKE ? ESCAPE '\\')",
            args![pat.clone(), pat.clone(), pat],
        );
    }
    let from = format!("FROM warning_cases c{}", q.where_clause());
    let mut page: Page<WarningCase> =
        fetch_page(db, COLS, &from, "c.case_date DESC, c.id DESC", q.args(), paging).await?;
    page.items = page.items.into_iter().map(WarningCase::labelled).collect();
    Ok(page)
}

pub async fn get(db: &Db, id: i64) -> StoreResult<WarningCase> {
    let c: WarningCase =
        db.fetch_one(&format!("SELECT {COLS} FROM warning_cases c WHERE c.id = $1"), args![id]).await?;
    Ok(c.labelled())
}

fn draft_json(d: &WarningCaseDraft) -> Value {
    json!({"title": d.title, "case_date": d.case_date, "discipline": d.discipline.key(), "sanction": d.sanction,
           "summary": d.summary, "lesson": d.lesson, "source": d.source})
}

impl WarningCase {
    /// The stored case as a draft (to compare with an edit, or patch).
    pub fn draft(&self) -> Option<WarningCaseDraft> {
        Some(WarningCaseDraft {
            title: self.title.clone(),
            case_date: self.case_date,
            discipline: Discipline::from_key(&self.discipline)?,
            sanction: self.sanction.clone(),
            summary: self.summary.clone(),
            lesson: self.lesson.clone(),
            source: self.source.clone(),
        })
    }
}

pub async fn create(db: &Db, actor: &Actor, d: &WarningCaseDraft, at: DateTime<Utc>) -> StoreResult<i64> {
    let mut tx = db.begin().await?;
    let id = insert(&mut tx, actor, d, at).await?;
    tx.commit().await?;
    Ok(id)
}

/// Saves an edit; records only the fields that changed (nothing when none did).
pub async fn update(db: &Db, actor: &Actor, id: i64, d: &WarningCaseDraft, at: DateTime<Utc>) -> StoreResult<()> {
    let current = get(db, id).await?;
    let Some(before) = current.draft() else { return Err(StoreError::NotFound) };
    let mut tx = db.begin().await?;
    apply_update(&mut tx, actor, id, &before, d, at).await?;
    tx.commit().await
}

pub(crate) async fn insert(tx: &mut Tx, actor: &Actor, d: &WarningCaseDraft, at: DateTime<Utc>) -> StoreResult<i64> {
    let (id,): (i64,) = tx
        .fetch_one(
            "INSERT INTO warning_cases (title, case_date, discipline, sanction, summary, lesson, source, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
            args![d.title.clone(), d.case_date, d.discipline.key(), d.sanction.clone(), d.summary.clone(),
                  d.lesson.clone(), d.source.clone(), at],
        )
        .await?;
    audit::append(tx, actor, "create", "warning_case", id, &draft_json(d)).await?;
    Ok(id)
}

/// Writes `after` over `before` when they differ, with the changed fields in the audit trail;
/// answers whether anything changed.
pub(crate) async fn apply_update(
    tx: &mut Tx,
    actor: &Actor,
    id: i64,
    before: &WarningCaseDraft,
    after: &WarningCaseDraft,
    at: DateTime<Utc>,
) -> StoreResult<bool> {
    let changes = audit::diff(&draft_json(before), &draft_json(after));
    if changes.as_object().is_some_and(|m| m.is_empty()) {
        return Ok(false);
    }
    let d = after;
    tx.execute(
        "UPDATE warning_cases SET title = $1, case_date = $2, discipline = $3, sanction = $4, summary = $5, \
         lesson = $6, source = $7, updated_at = $8 WHERE id = $9",
        args![
            d.title.clone(),
            d.case_date,
            d.discipline.key(),
            d.sanction.clone(),
            d.summary.clone(),
            d.lesson.clone(),
            d.source.clone(),
            at,
            id
        ],
    )
    .await?;
    audit::append(tx, actor, "update", "warning_case", id, &changes).await?;
    Ok(true)
}

/// Every case as (id, title), newest first: what a 警示教育 entry's form offers.
pub async fn choices(db: &Db) -> StoreResult<Vec<(i64, String)>> {
    db.fetch_all("SELECT id, title FROM warning_cases ORDER BY case_date DESC, id DESC", vec![]).await
}
