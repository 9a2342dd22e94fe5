//! Reading rounds and results. A draft round is read only by those the caller says may
//! (`drafts`); results are restricted to the reader's data scope (a result belongs to its unit,
//! and a leader's result also to the leader).

use chrono::{DateTime, NaiveDate, Utc};
use qingfeng_domain::assessment::{Breakdown, Facts, Grade};
use serde::{Deserialize, Serialize};

use super::gather::RecordRef;
use super::{DRAFT, PUBLISHED};
use crate::{args, Db, QueryBuilder, Scope, StoreError, StoreResult};

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Round {
    pub id: i64,
    pub year: i64,
    pub title: String,
    /// `draft` or `published`
    pub state: String,
    /// the day the last computation counted up to
    pub as_of: Option<NaiveDate>,
    pub computed_at: Option<DateTime<Utc>>,
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl Round {
    pub fn published(&self) -> bool {
        self.state == PUBLISHED
    }
}

const ROUND_COLS: &str = "id, year, title, state, as_of, computed_at, published_at, created_at";

/// Every round, newest year first; drafts only when `drafts`.
pub async fn rounds(db: &Db, drafts: bool) -> StoreResult<Vec<Round>> {
    let cond = if drafts { "" } else { " WHERE state = $1" };
    let a = if drafts { vec![] } else { args![PUBLISHED] };
    db.fetch_all(&format!("SELECT {ROUND_COLS} FROM assessment_rounds{cond} ORDER BY year DESC"), a).await
}

/// One round; a draft is NotFound unless `drafts`.
pub async fn round(db: &Db, id: i64, drafts: bool) -> StoreResult<Round> {
    let r: Round =
        db.fetch_one(&format!("SELECT {ROUND_COLS} FROM assessment_rounds WHERE id = $1"), args![id]).await?;
    if r.state == DRAFT && !drafts {
        return Err(StoreError::NotFound);
    }
    Ok(r)
}

/// A result with its breakdown, as the round page and the API show it.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResultRow {
    pub id: i64,
    /// `unit` or `leader`
    pub subject: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub person_id: Option<i64>,
    pub person_name: Option<String>,
    /// the party-building score before adjustments, in hundredths of a point
    pub base_score: i64,
    /// the sum of the adjustments, hundredths
    pub adjustment: i64,
    /// hundredths
    pub total_score: i64,
    /// `good`, `fair`, `pass` or `poor`
    pub grade: String,
    #[sqlx(skip)]
    pub grade_label: String,
    /// the unit's 业务考核得分 (hundredths): as entered while the round is a draft, as frozen once
    /// published
    pub business_score: Option<i64>,
    #[serde(skip)]
    facts_json: String,
    #[serde(skip)]
    breakdown_json: String,
    #[sqlx(skip)]
    pub facts: Facts,
    /// records behind numbers that have no filtered list page
    #[sqlx(skip)]
    pub records: Vec<RecordRef>,
    #[sqlx(skip)]
    pub breakdown: Option<Breakdown>,
}

#[derive(Deserialize, Default)]
struct Counted {
    #[serde(default)]
    facts: Facts,
    #[serde(default)]
    records: Vec<RecordRef>,
}

impl ResultRow {
    fn parsed(mut self) -> Self {
        let c: Counted = serde_json::from_str(&self.facts_json).unwrap_or_default();
        self.facts = c.facts;
        self.records = c.records;
        self.breakdown = serde_json::from_str(&self.breakdown_json).ok();
        self.grade_label = Grade::from_key(&self.grade).map_or("", |g| g.label()).into();
        self
    }

    pub fn is_leader(&self) -> bool {
        self.subject == "leader"
    }
}

fn result_query(round: &Round, scope: &Scope) -> (String, QueryBuilder) {
    let mut q = QueryBuilder::new();
    q.and("r.round_id = ?", args![round.id]);
    scope.restrict(&mut q, "u.path", "u.id", Some("r.person_id"));
    let business = if round.published() {
        "r.business_score"
    } else {
        "(SELECT b.score FROM assessment_business_scores b WHERE b.year = rd.year AND b.unit_id = r.unit_id AND r.subject = 'unit')"
    };
    let sql = format!(
        "SELECT r.id, r.subject, r.unit_id, u.name AS unit_name, r.person_id, p.name AS person_name, r.base_score, \
         r.adjustment, r.total_score, r.grade, {business} AS business_score, r.facts AS facts_json, \
         r.breakdown AS breakdown_json FROM assessment_results r JOIN assessment_rounds rd ON rd.id = r.round_id \
         JOIN units u ON u.id = r.unit_id LEFT JOIN people p ON p.id = r.person_id"
    );
    (sql, q)
}

/// The results of a round within the reader's scope: units in tree order, then leaders.
pub async fn results(db: &Db, scope: &Scope, round: &Round) -> StoreResult<Vec<ResultRow>> {
    let (sql, q) = result_query(round, scope);
    let rows: Vec<ResultRow> = db
        .fetch_all(&format!("{sql}{} ORDER BY r.subject DESC, u.sort_path, r.person_id", q.where_clause()), q.args())
        .await?;
    Ok(rows.into_iter().map(ResultRow::parsed).collect())
}

/// One result (a unit's, or a leader's when `person_id`), NotFound outside the reader's scope.
pub async fn result(
    db: &Db,
    scope: &Scope,
    round: &Round,
    unit_id: Option<i64>,
    person_id: Option<i64>,
) -> StoreResult<ResultRow> {
    let (sql, mut q) = result_query(round, scope);
    match (person_id, unit_id) {
        (Some(p), _) => q.and("r.person_id = ?", args![p]),
        (None, Some(u)) => q.and("r.subject = 'unit' AND r.unit_id = ?", args![u]),
        (None, None) => return Err(StoreError::NotFound),
    };
    let row: ResultRow = db.fetch_one(&format!("{sql}{}", q.where_clause()), q.args()).await?;
    Ok(row.parsed())
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Adjustment {
    pub id: i64,
    /// hundredths; negative deducts
    pub points: i64,
    pub reason: String,
    pub username: String,
    pub created_at: DateTime<Utc>,
}

/// The adjustments of one result, oldest first.
pub async fn adjustments(db: &Db, round_id: i64, unit_id: i64, person_id: Option<i64>) -> StoreResult<Vec<Adjustment>> {
    db.fetch_all(
        "SELECT id, points, reason, username, created_at FROM assessment_adjustments WHERE round_id = $1 AND unit_id = $2 \
         AND ((person_id IS NULL AND $3 = 0) OR person_id = $3) ORDER BY id",
        args![round_id, unit_id, person_id.unwrap_or(0)],
    )
    .await
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BusinessScore {
    pub unit_id: i64,
    pub unit_name: String,
    /// hundredths; none when not entered
    pub score: Option<i64>,
    pub note: Option<String>,
}

/// Every assessed unit in the reader's scope (party branches are not assessed) with its
/// business score of `year`, if entered; tree order.
pub async fn business_scores(db: &Db, scope: &Scope, year: i32) -> StoreResult<Vec<BusinessScore>> {
    let mut q = QueryBuilder::new();
    q.bind(i64::from(year));
    q.and("u.kind <> 'branch'", vec![]);
    scope.restrict(&mut q, "u.path", "u.id", None);
    db.fetch_all(
        &format!(
            "SELECT u.id AS unit_id, u.name AS unit_name, b.score, b.note FROM units u \
             LEFT JOIN assessment_business_scores b ON b.unit_id = u.id AND b.year = $1{} ORDER BY u.sort_path",
            q.where_clause()
        ),
        q.args(),
    )
    .await
}

/// A published result as other features show it (the integrity file, reports).
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublishedResult {
    pub round_id: i64,
    pub year: i64,
    pub unit_id: i64,
    pub unit_name: String,
    /// hundredths of a point
    pub total_score: i64,
    /// `good` … `poor`
    pub grade: String,
    #[sqlx(skip)]
    pub grade_label: String,
    /// hundredths; unit results only
    pub business_score: Option<i64>,
}

const PUBLISHED_SQL: &str = "SELECT r.round_id, rd.year, r.unit_id, u.name AS unit_name, r.total_score, r.grade, \
    r.business_score FROM assessment_results r JOIN assessment_rounds rd ON rd.id = r.round_id \
    JOIN units u ON u.id = r.unit_id WHERE rd.state = 'published'";

fn labelled(rows: Vec<PublishedResult>) -> Vec<PublishedResult> {
    rows.into_iter()
        .map(|mut r| {
            r.grade_label = Grade::from_key(&r.grade).map_or("", |g| g.label()).into();
            r
        })
        .collect()
}

/// A person's published assessments as a 班子成员 (year, total score, grade), newest year
/// first. No scope: the caller decides who may read the person's file.
pub async fn for_person(db: &Db, person_id: i64) -> StoreResult<Vec<PublishedResult>> {
    let rows =
        db.fetch_all(&format!("{PUBLISHED_SQL} AND r.person_id = $1 ORDER BY rd.year DESC"), args![person_id]).await?;
    Ok(labelled(rows))
}

/// A unit's published assessments (year, total, grade, business score), newest year first.
pub async fn for_unit(db: &Db, unit_id: i64) -> StoreResult<Vec<PublishedResult>> {
    let rows = db
        .fetch_all(
            &format!("{PUBLISHED_SQL} AND r.subject = 'unit' AND r.unit_id = $1 ORDER BY rd.year DESC"),
            args![unit_id],
        )
        .await?;
    Ok(labelled(rows))
}
