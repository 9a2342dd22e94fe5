//! 四种形态 and sanctions. Who reads is the caller's [`Reader`]: the 纪检监察组 within its
//! scope, a person their own records only. The audit trail keeps who and when, never the measure
//! (those who read the trail are not all allowed to know it).

use chrono::{DateTime, NaiveDate, Utc};
use qingfeng_domain::discipline::{Form, Measure, RecordDraft};
use qingfeng_domain::findings::Category;
use serde::Serialize;
use serde_json::json;

use crate::query::{fetch_page, like_contains, Reader};
use crate::{args, audit, Actor, Db, Page, Paging, QueryBuilder, Scope, StoreError, StoreResult};

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DisciplineRecord {
    pub id: i64,
    pub person_id: i64,
    pub person_name: String,
    /// the person's unit when the record was made
    pub unit_id: i64,
    pub unit_name: String,
    /// `first` … `fourth`
    pub form: String,
    #[sqlx(skip)]
    pub form_label: String,
    pub measure: String,
    #[sqlx(skip)]
    pub measure_label: String,
    /// a party or government sanction (党纪政务处分)
    pub sanction: bool,
    pub decided_on: NaiveDate,
    pub deciding_body: String,
    pub finding_id: Option<i64>,
    /// the 问题线索 behind it, if any
    pub clue_id: Option<i64>,
    /// the finding's 问题类别 key, if there is a finding
    pub finding_category: Option<String>,
    pub basis: String,
    /// the last day the record affects promotion (none: no 影响期)
    pub effect_until: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// still within its 影响期 on the day it was read
    #[sqlx(skip)]
    pub in_effect: bool,
}

impl DisciplineRecord {
    fn labelled(mut self, today: NaiveDate) -> Self {
        self.form_label = Form::from_key(&self.form).map_or("", |f| f.label()).into();
        self.measure_label = Measure::from_key(&self.measure).map_or("", |m| m.label()).into();
        self.in_effect = self.effect_until.is_some_and(|d| d >= today);
        self
    }

    /// The stored record as a draft (to compare with an edit, or patch).
    pub fn draft(&self) -> Option<RecordDraft> {
        Some(RecordDraft {
            person_id: self.person_id,
            form: Form::from_key(&self.form)?,
            measure: Measure::from_key(&self.measure)?,
            decided_on: self.decided_on,
            deciding_body: self.deciding_body.clone(),
            finding_id: self.finding_id,
            clue_id: self.clue_id,
            basis: self.basis.clone(),
        })
    }
}

const COLS: &str = "r.id, r.person_id, p.name AS person_name, r.unit_id, u.name AS unit_name, r.form, r.measure, \
    r.sanction, r.decided_on, r.deciding_body, r.finding_id, r.clue_id, f.category AS finding_category, r.basis, \
    r.effect_until, r.created_at, r.updated_at";
const FROM: &str = " FROM discipline_records r JOIN people p ON p.id = r.person_id JOIN units u ON u.id = r.unit_id \
    LEFT JOIN findings f ON f.id = r.finding_id";

#[derive(Debug, Clone, Default)]
pub struct RecordFilter {
    pub person_id: Option<i64>,
    pub form: Option<Form>,
    /// decided in `[from, to]`
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// the finding behind it is of one of these categories
    pub categories: Option<Vec<Category>>,
    pub sanctions_only: bool,
    /// still affecting promotion on this day
    pub in_effect_on: Option<NaiveDate>,
    pub q: Option<String>,
}

fn conditions(q: &mut QueryBuilder, reader: Reader, f: &RecordFilter) {
    reader.restrict(q);
    if let Some(id) = f.person_id {
        q.and("r.person_id = ?", args![id]);
    }
    if let Some(form) = f.form {
        q.and("r.form = ?", args![form.key()]);
    }
    if let Some(d) = f.from {
        q.and("r.decided_on >= ?", args![d]);
    }
    if let Some(d) = f.to {
        q.and("r.decided_on <= ?", args![d]);
    }
    if let Some(cs) = &f.categories {
        in_categories(q, "f.category", cs);
    }
    if f.sanctions_only {
        q.and("r.sanction = ?", args![true]);
    }
    if let Some(d) = f.in_effect_on {
        q.and("r.effect_until >= ?", args![d]);
    }
    if let Some(t) = f.q.as_deref().filter(|s| !s.is_empty()) {
        let pat = like_contains(t);
        q.and("(p.name LIKE ? ESCAPE '\\' OR r.deciding_body LIKE ? ESCAPE '\\')", args![pat.clone(), pat]);
    }
}

/// Records the reader may see, newest decision first. `paging` None returns every match.
pub async fn list(
    db: &Db,
    reader: Reader<'_>,
    f: &RecordFilter,
    paging: Option<Paging>,
    today: NaiveDate,
) -> StoreResult<Page<DisciplineRecord>> {
    let mut q = QueryBuilder::new();
    conditions(&mut q, reader, f);
    let from = format!("{FROM}{}", q.where_clause());
    let mut page: Page<DisciplineRecord> =
        fetch_page(db, COLS, &from, "r.decided_on DESC, r.id DESC", q.args(), paging).await?;
    page.items = page.items.into_iter().map(|r| r.labelled(today)).collect();
    Ok(page)
}

/// One record, or NotFound when the reader may not see it (as if it did not exist).
pub async fn get(db: &Db, reader: Reader<'_>, id: i64, today: NaiveDate) -> StoreResult<DisciplineRecord> {
    let mut q = QueryBuilder::new();
    q.and("r.id = ?", args![id]);
    reader.restrict(&mut q);
    let r: DisciplineRecord = db.fetch_one(&format!("SELECT {COLS}{FROM}{}", q.where_clause()), q.args()).await?;
    Ok(r.labelled(today))
}

/// The values of a record's own columns, in the order INSERT and UPDATE name them ($1 … $11).
fn draft_args(d: &RecordDraft, unit_id: i64, effect_until: Option<NaiveDate>) -> Vec<crate::Arg> {
    args![
        d.person_id,
        unit_id,
        d.form.key(),
        d.measure.key(),
        d.measure.is_sanction(),
        d.decided_on,
        d.deciding_body.clone(),
        d.finding_id,
        d.basis.clone(),
        effect_until,
        d.clue_id
    ]
}

/// What the audit trail keeps: the person and the day, not the measure.
fn audit_json(d: &RecordDraft) -> serde_json::Value {
    json!({"person_id": d.person_id, "decided_on": d.decided_on, "finding_id": d.finding_id, "clue_id": d.clue_id})
}

pub async fn create(
    db: &Db,
    actor: &Actor,
    d: &RecordDraft,
    unit_id: i64,
    effect_until: Option<NaiveDate>,
) -> StoreResult<i64> {
    let mut tx = db.begin().await?;
    let now = crate::now();
    let (id,): (i64,) = tx
        .fetch_one(
            "INSERT INTO discipline_records (person_id, unit_id, form, measure, sanction, decided_on, deciding_body, \
             finding_id, basis, effect_until, clue_id, account_id, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id",
            [draft_args(d, unit_id, effect_until), args![actor.account_id, now]].concat(),
        )
        .await?;
    audit::append(&mut tx, actor, "create", "discipline_record", id, &audit::diff(&json!({}), &audit_json(d))).await?;
    tx.commit().await?;
    Ok(id)
}

/// Saves a correction of a record (the person's unit is kept as recorded).
pub async fn update(
    db: &Db,
    actor: &Actor,
    id: i64,
    before: &DisciplineRecord,
    d: &RecordDraft,
    effect_until: Option<NaiveDate>,
) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    let n = tx
        .execute(
            "UPDATE discipline_records SET person_id = $1, unit_id = $2, form = $3, measure = $4, sanction = $5, \
             decided_on = $6, deciding_body = $7, finding_id = $8, basis = $9, effect_until = $10, clue_id = $11, \
             updated_at = $12 WHERE id = $13",
            [draft_args(d, before.unit_id, effect_until), args![crate::now(), id]].concat(),
        )
        .await?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    let old = before.draft().map_or(json!({}), |b| audit_json(&b));
    let mut changed = audit::diff(&old, &audit_json(d));
    if before.measure != d.measure.key() || before.form != d.form.key() {
        changed["measure"] = json!("已更正");
    }
    audit::append(&mut tx, actor, "update", "discipline_record", id, &changed).await?;
    tx.commit().await
}

/// Records that someone without the permission asked for a record (the 纪检组 sees who tried).
pub async fn log_refused_view(db: &Db, actor: &Actor, id: i64) -> StoreResult<()> {
    audit::refused_view(db, actor, "discipline_record", id).await
}

fn in_categories(q: &mut QueryBuilder, col: &str, cs: &[Category]) {
    if cs.is_empty() {
        q.and("1 = 0", vec![]);
    } else {
        let marks = vec!["?"; cs.len()].join(", ");
        q.and(&format!("{col} IN ({marks})"), cs.iter().map(|c| crate::Arg::from(c.key())).collect());
    }
}

/// One cell group of the 四风 report: findings found in a period, and the people handled (and
/// sanctioned) in the period for findings of the same categories.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FourWindsTally {
    /// 问题数
    pub problems: i64,
    /// 批评教育和处理人数 (each person once)
    pub handled: i64,
    /// 其中党纪政务处分人数
    pub sanctioned: i64,
}

/// The tally of `categories` for `[from, to]` within the scope: findings by the day they were
/// found; people by the day the decision about them was taken, each counted once.
pub async fn four_winds_tally(
    db: &Db,
    scope: &Scope,
    categories: &[Category],
    from: NaiveDate,
    to: NaiveDate,
) -> StoreResult<FourWindsTally> {
    let mut q = QueryBuilder::new();
    scope.restrict(&mut q, "u.path", "u.id", None);
    in_categories(&mut q, "f.category", categories);
    q.and("f.found_on >= ? AND f.found_on <= ? AND f.voided_at IS NULL", args![from, to]);
    let sql = format!("SELECT COUNT(*) FROM findings f JOIN units u ON u.id = f.unit_id{}", q.where_clause());
    let (problems,): (i64,) = db.fetch_one(&sql, q.args()).await?;
    let mut q = QueryBuilder::new();
    scope.restrict(&mut q, "u.path", "u.id", None);
    in_categories(&mut q, "f.category", categories);
    q.and("r.decided_on >= ? AND r.decided_on <= ?", args![from, to]);
    let sql = format!(
        "SELECT COUNT(DISTINCT r.person_id), COUNT(DISTINCT CASE WHEN r.sanction THEN r.person_id END) \
         FROM discipline_records r JOIN findings f ON f.id = r.finding_id JOIN units u ON u.id = r.unit_id{}",
        q.where_clause()
    );
    let (handled, sanctioned): (i64, i64) = db.fetch_one(&sql, q.args()).await?;
    Ok(FourWindsTally { problems, handled, sanctioned })
}
