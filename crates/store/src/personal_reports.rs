//! 个人有关事项 (R-PER-1, R-PER-2): the reports, the people the administrator marks as having to
//! report, and who owes the year's annual report. Who may read a report is the caller's
//! [`Reader`]: the 纪检监察组 within its scope, anyone else only their own. The audit trail keeps
//! the facts of each step (kind, dates, result) and never the reported contents.

use chrono::{DateTime, NaiveDate, Utc};
use qingfeng_domain::personal::{LifeEvent, PersonalReportDraft, ReportKind, Review};
use serde::Serialize;
use serde_json::json;

use crate::query::fetch_page;
use crate::{args, audit, Actor, Db, Page, Paging, QueryBuilder, Scope, StoreError, StoreResult};

pub use crate::query::Reader;

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonalReport {
    pub id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub unit_id: i64,
    pub unit_name: String,
    /// `annual` or `event`
    pub kind: String,
    #[sqlx(skip)]
    pub kind_label: String,
    pub year: i64,
    /// the life event's key (event reports)
    pub event_kind: String,
    #[sqlx(skip)]
    pub event_kind_label: String,
    pub event_date: Option<NaiveDate>,
    pub content: String,
    pub reported_on: NaiveDate,
    pub due_on: NaiveDate,
    /// filed after its due day
    #[sqlx(skip)]
    pub late: bool,
    /// `truthful`, `untruthful` or "" (not reviewed yet)
    pub review: String,
    #[sqlx(skip)]
    pub review_label: String,
    pub review_note: String,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl PersonalReport {
    fn labelled(mut self) -> Self {
        self.kind_label = ReportKind::from_key(&self.kind).map(ReportKind::label).unwrap_or("").into();
        self.event_kind_label = LifeEvent::from_key(&self.event_kind).map(LifeEvent::label).unwrap_or("").into();
        self.review_label = Review::from_key(&self.review).map(Review::label).unwrap_or("待核查").into();
        self.late = self.reported_on > self.due_on;
        self
    }
}

const COLS: &str = "r.id, r.person_id, p.name AS person_name, p.unit_id, u.name AS unit_name, r.kind, r.year, \
    r.event_kind, r.event_date, r.content, r.reported_on, r.due_on, r.review, r.review_note, r.reviewed_at, r.created_at";
const FROM: &str = " FROM personal_reports r JOIN people p ON p.id = r.person_id JOIN units u ON u.id = p.unit_id";

#[derive(Debug, Clone, Default)]
pub struct ReportFilter {
    pub year: Option<i64>,
    pub kind: Option<ReportKind>,
    pub person_id: Option<i64>,
    /// `pending` (not reviewed), or a review key
    pub review: Option<String>,
    pub late: Option<bool>,
}

/// Reports the reader may open, newest first. `paging` None returns every match (exports).
pub async fn list(
    db: &Db,
    reader: Reader<'_>,
    f: &ReportFilter,
    paging: Option<Paging>,
) -> StoreResult<Page<PersonalReport>> {
    let mut q = QueryBuilder::new();
    reader.restrict(&mut q);
    if let Some(y) = f.year {
        q.and("r.year = ?", args![y]);
    }
    if let Some(k) = f.kind {
        q.and("r.kind = ?", args![k.key()]);
    }
    if let Some(pid) = f.person_id {
        q.and("r.person_id = ?", args![pid]);
    }
    match f.review.as_deref() {
        Some("pending") => {
            q.and("r.review = ''", vec![]);
        }
        Some(r) => {
            q.and("r.review = ?", args![r]);
        }
        None => {}
    }
    match f.late {
        Some(true) => {
            q.and("r.reported_on > r.due_on", vec![]);
        }
        Some(false) => {
            q.and("r.reported_on <= r.due_on", vec![]);
        }
        None => {}
    }
    let from = format!("{FROM}{}", q.where_clause());
    let mut page: Page<PersonalReport> =
        fetch_page(db, COLS, &from, "r.reported_on DESC, r.id DESC", q.args(), paging).await?;
    page.items = page.items.into_iter().map(PersonalReport::labelled).collect();
    Ok(page)
}

/// One report, if the reader may open it (otherwise `NotFound`, as if it did not exist).
pub async fn get(db: &Db, reader: Reader<'_>, id: i64) -> StoreResult<PersonalReport> {
    let mut q = QueryBuilder::new();
    q.and("r.id = ?", args![id]);
    reader.restrict(&mut q);
    let r: PersonalReport = db.fetch_one(&format!("SELECT {COLS}{FROM}{}", q.where_clause()), q.args()).await?;
    Ok(r.labelled())
}

/// Files a report for `person_id`; the audit record names its facts, not its contents.
pub async fn create(db: &Db, actor: &Actor, person_id: i64, d: &PersonalReportDraft) -> StoreResult<i64> {
    let mut tx = db.begin().await?;
    let (id,): (i64,) = tx
        .fetch_one(
            "INSERT INTO personal_reports (person_id, kind, year, event_kind, event_date, content, reported_on, due_on, \
             account_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
            args![person_id, d.kind.key(), i64::from(d.year), d.event_kind.map_or("", |k| k.key()), d.event_date,
                  d.content.clone(), d.reported_on, d.due_on, actor.account_id, crate::now()],
        )
        .await?;
    let facts = json!({"person_id": person_id, "kind": d.kind.key(), "year": d.year,
        "event_kind": d.event_kind.map(|k| k.key()), "event_date": d.event_date, "reported_on": d.reported_on,
        "due_on": d.due_on});
    audit::append(&mut tx, actor, "create", "personal_report", id, &facts).await?;
    tx.commit().await?;
    Ok(id)
}

/// The 纪检组's review (如实 / 不如实 with a note); a later review replaces it, both audited.
pub async fn review(db: &Db, actor: &Actor, id: i64, result: Review, note: &str) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    let n = tx
        .execute(
            "UPDATE personal_reports SET review = $1, review_note = $2, reviewed_by = $3, reviewed_at = $4 WHERE id = $5",
            args![result.key(), note, actor.account_id, crate::now(), id],
        )
        .await?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    audit::append(&mut tx, actor, "review", "personal_report", id, &json!({"review": result.key()})).await?;
    tx.commit().await
}

/// A person who must report, and their annual report of the year (if filed).
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Obligation {
    pub person_id: i64,
    pub person_name: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub title: String,
    pub rank: String,
    /// marked by the administrator (reason), or "" when the 职级 alone decides
    pub mark_reason: Option<String>,
    /// the year's annual report
    pub report_id: Option<i64>,
    pub reported_on: Option<NaiveDate>,
}

/// The active people in `scope` who must report (县处级, or marked), with the annual report of
/// `year` when filed; by unit path and name.
pub async fn obligations(db: &Db, scope: &Scope, year: i64) -> StoreResult<Vec<Obligation>> {
    let mut q = QueryBuilder::new();
    q.and("p.status = 'active' AND p.voided_at IS NULL AND (p.rank = 'county' OR m.person_id IS NOT NULL)", vec![]);
    scope.restrict(&mut q, "u.path", "u.id", Some("p.id"));
    let y = q.bind(year);
    let sql = format!(
        "SELECT p.id AS person_id, p.name AS person_name, p.unit_id, u.name AS unit_name, p.title, p.rank, \
         m.reason AS mark_reason, r.id AS report_id, r.reported_on FROM people p JOIN units u ON u.id = p.unit_id \
         LEFT JOIN personal_report_marks m ON m.person_id = p.id \
         LEFT JOIN personal_reports r ON r.id = (SELECT MIN(x.id) FROM personal_reports x WHERE x.person_id = p.id \
         AND x.kind = 'annual' AND x.year = {y}){} ORDER BY u.path, p.name, p.id",
        q.where_clause()
    );
    db.fetch_all(&sql, q.args()).await
}

/// Whether a person must report (for one person, e.g. the home page).
pub async fn must_report(db: &Db, person_id: i64) -> StoreResult<bool> {
    let row: Option<(String, Option<i64>)> = db
        .fetch_optional(
            "SELECT p.rank, m.person_id FROM people p LEFT JOIN personal_report_marks m ON m.person_id = p.id \
             WHERE p.id = $1 AND p.status = 'active' AND p.voided_at IS NULL",
            args![person_id],
        )
        .await?;
    Ok(row.is_some_and(|(rank, mark)| qingfeng_domain::personal::must_report(&rank, mark.is_some())))
}

/// The annual report of `year` a person filed, if any.
pub async fn annual_of(db: &Db, person_id: i64, year: i64) -> StoreResult<Option<(i64, NaiveDate)>> {
    db.fetch_optional(
        "SELECT id, reported_on FROM personal_reports WHERE person_id = $1 AND kind = 'annual' AND year = $2 ORDER BY id LIMIT 1",
        args![person_id, year],
    )
    .await
}

/// Marks a person as having to report (with the reason), or changes the reason.
pub async fn mark(db: &Db, actor: &Actor, person_id: i64, reason: &str) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    tx.execute(
        "INSERT INTO personal_report_marks (person_id, reason, marked_at) VALUES ($1, $2, $3) \
         ON CONFLICT (person_id) DO UPDATE SET reason = excluded.reason",
        args![person_id, reason, crate::now()],
    )
    .await?;
    audit::append(&mut tx, actor, "mark", "person", person_id, &json!({"personal_report_reason": reason})).await?;
    tx.commit().await
}

/// Removes a person's mark.
pub async fn unmark(db: &Db, actor: &Actor, person_id: i64) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    let n = tx.execute("DELETE FROM personal_report_marks WHERE person_id = $1", args![person_id]).await?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    audit::append(&mut tx, actor, "unmark", "person", person_id, &json!({})).await?;
    tx.commit().await
}
