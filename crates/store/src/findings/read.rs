//! Reading findings: the 问题清单 with its filters, one finding, its timeline, measures and
//! progress updates.

use chrono::{DateTime, NaiveDate, Utc};
use qingfeng_domain::findings::{
    measure_overdue, Category, Facts, FindingDraft, FindingState, LookBackFilter, LookBackResult, Origin, Severity,
    Source, Step,
};
use qingfeng_domain::labels::Labels;
use serde::Serialize;

use super::label_of;
use crate::query::{fetch_seek_page, like_contains, ListSql, SeekOrder};
use crate::{args, Arg, Db, Page, Paging, QueryBuilder, Scope, StoreResult};

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Finding {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub unit_code: String,
    #[serde(skip)]
    pub unit_path: String,
    pub source: String,
    pub category: String,
    pub description: String,
    pub severity: String,
    pub found_on: NaiveDate,
    pub responsible_leader_id: Option<i64>,
    pub responsible_leader_name: Option<String>,
    pub responsible_person_id: Option<i64>,
    pub responsible_person_name: Option<String>,
    pub campaign_id: Option<i64>,
    pub campaign_name: Option<String>,
    /// The 廉政风险点 this finding shows.
    pub risk_point_id: Option<i64>,
    pub risk_point_name: Option<String>,
    /// The finding this one reopens (a recurrence found at a look-back).
    pub recurrence_of: Option<i64>,
    pub origin: String,
    pub state: String,
    pub fed_back_on: Option<NaiveDate>,
    pub signed_off_on: Option<NaiveDate>,
    pub look_back_due: Option<NaiveDate>,
    pub look_back_result: Option<String>,
    pub recorded_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// voided (作废): hidden from lists and counts until restored
    pub voided: bool,
    pub measure_count: i64,
    pub open_measures: i64,
    /// The earliest deadline of the measures not yet completed.
    pub next_deadline: Option<NaiveDate>,
    /// The latest deadline of all measures: the plan's end.
    pub last_deadline: Option<NaiveDate>,
    /// Some measure is past its deadline and not completed.
    #[sqlx(skip)]
    pub overdue: bool,
    #[sqlx(skip)]
    pub state_label: String,
    #[sqlx(skip)]
    pub category_label: String,
    #[sqlx(skip)]
    pub source_label: String,
    #[sqlx(skip)]
    pub severity_label: String,
    #[sqlx(skip)]
    pub origin_label: String,
    #[sqlx(skip)]
    pub look_back_label: Option<String>,
}

impl Finding {
    /// Fills the derived fields; the category reads as the office names it (字典管理).
    fn complete(&mut self, today: NaiveDate, labels: &Labels) {
        self.overdue = self.state != FindingState::SignedOff.key()
            && self.next_deadline.is_some_and(|d| measure_overdue(d, None, today));
        [self.state_label, self.category_label, self.source_label, self.severity_label] =
            finding_labels(labels, &self.state, &self.category, &self.source, &self.severity);
        self.origin_label = label_of(&self.origin, Origin::from_key, Origin::label);
        self.look_back_label =
            self.look_back_result.as_deref().map(|k| label_of(k, LookBackResult::from_key, LookBackResult::label));
    }

    pub fn state(&self) -> FindingState {
        FindingState::from_key(&self.state).unwrap_or(FindingState::Recorded)
    }

    pub fn origin(&self) -> Origin {
        Origin::from_key(&self.origin).unwrap_or(Origin::Supervision)
    }

    pub fn facts(&self) -> Facts {
        Facts {
            state: self.state(),
            measures: self.measure_count.max(0) as usize,
            open_measures: self.open_measures.max(0) as usize,
            look_back: self.look_back_result.as_deref().and_then(LookBackResult::from_key),
        }
    }

    /// The finding as a draft (its stored values), for diffs.
    pub fn draft(&self) -> FindingDraft {
        FindingDraft {
            unit_id: self.unit_id,
            source: Source::from_key(&self.source).unwrap_or(Source::Inspection),
            category: Category::from_key(&self.category).unwrap_or(Category::Conduct),
            description: self.description.clone(),
            severity: Severity::from_key(&self.severity).unwrap_or(Severity::General),
            found_on: self.found_on,
            responsible_leader_id: self.responsible_leader_id,
            responsible_person_id: self.responsible_person_id,
            campaign_id: self.campaign_id,
            risk_point_id: self.risk_point_id,
        }
    }

    /// The fields as entered, for PATCH and the edit form.
    pub fn fields(&self) -> qingfeng_domain::findings::FindingFields {
        qingfeng_domain::findings::FindingFields {
            unit_id: Some(self.unit_id),
            source: self.source.clone(),
            category: self.category.clone(),
            description: self.description.clone(),
            severity: self.severity.clone(),
            found_on: self.found_on.to_string(),
            responsible_leader_id: self.responsible_leader_id,
            responsible_person_id: self.responsible_person_id,
            campaign_id: self.campaign_id,
            risk_point_id: self.risk_point_id,
        }
    }
}

/// How a finding's state, category, source and severity read: the category as the office
/// names it (字典管理), the others by their fixed labels.
pub(super) fn finding_labels(
    labels: &Labels,
    state: &str,
    category: &str,
    source: &str,
    severity: &str,
) -> [String; 4] {
    let category = match labels.category_of(category) {
        "" => category.to_string(),
        name => name.to_string(),
    };
    [
        label_of(state, FindingState::from_key, FindingState::label),
        category,
        label_of(source, Source::from_key, Source::label),
        label_of(severity, Severity::from_key, Severity::label),
    ]
}

const COLS: &str = "f.id, f.unit_id, u.name AS unit_name, u.code AS unit_code, u.path AS unit_path, f.source, f.category, \
    f.description, f.severity, f.found_on, f.responsible_leader_id, pl.name AS responsible_leader_name, \
    f.responsible_person_id, pp.name AS responsible_person_name, f.campaign_id, c.name AS campaign_name, f.risk_point_id, rp.point AS risk_point_name, f.recurrence_of, \
    f.origin, f.state, f.fed_back_on, f.signed_off_on, f.look_back_due, f.look_back_result, a.username AS recorded_by, \
    f.created_at, f.updated_at, f.voided_at IS NOT NULL AS voided, \
    (SELECT COUNT(*) FROM rectification_measures m WHERE m.finding_id = f.id) AS measure_count, \
    (SELECT COUNT(*) FROM rectification_measures m WHERE m.finding_id = f.id AND m.completed_on IS NULL) AS open_measures, \
    f.next_deadline, \
    (SELECT MAX(m.deadline) FROM rectification_measures m WHERE m.finding_id = f.id) AS last_deadline";
/// `LEFT JOIN units`: every finding has its unit (`unit_id` NOT NULL, a foreign key), so the join
/// adds one row to each finding and drops none, as an inner join would; written so, a key query
/// that names no unit column (a reader who sees every unit) leaves it out (`query::prune_joins`):
/// page 1,000 by offset read 50,000 units for nothing (1.7 s; 3 ms without).
pub(super) const FROM: &str = " FROM findings f LEFT JOIN units u ON u.id = f.unit_id \
    LEFT JOIN people pl ON pl.id = f.responsible_leader_id LEFT JOIN people pp ON pp.id = f.responsible_person_id \
    LEFT JOIN campaigns c ON c.id = f.campaign_id LEFT JOIN accounts a ON a.id = f.account_id \
    LEFT JOIN risk_points rp ON rp.id = f.risk_point_id";
/// Newest first: the order of the 问题清单 and of its export.
pub(super) const ORDER: SeekOrder = SeekOrder { keys: &["f.found_on", "f.id"], desc: true };
/// 仅本人: findings where the person is the responsible person or leader, of the finding or of
/// one of its measures.
/// Every `?` is compared by `= ?`, so a 支部书记's scope reads its members as one set (see
/// `Scope::restrict_with`).
const SELF_COND: &str = "(f.responsible_person_id = ? OR f.responsible_leader_id = ? OR f.id IN \
    (SELECT mx.finding_id FROM rectification_measures mx WHERE mx.responsible_person_id = ? OR mx.responsible_leader_id = ?))";

/// Filters of the 问题清单 (all optional; keys or labels accepted by the caller's parser).
#[derive(Debug, Clone, Default)]
pub struct FindingFilter {
    pub state: Option<FindingState>,
    pub category: Option<Category>,
    /// a category group: 形式主义官僚主义, 享乐主义奢靡之风, 主体责任落实, 六项纪律, 作风建设
    pub group: Option<String>,
    pub source: Option<Source>,
    pub severity: Option<Severity>,
    pub origin: Option<Origin>,
    pub unit_id: Option<i64>,
    pub include_sub: bool,
    pub campaign_id: Option<i64>,
    /// findings with a measure past its deadline and not completed
    pub overdue: bool,
    /// a [`LookBackFilter`] key: `held`, `recurred`, `due` (signed off, look-back date reached,
    /// not yet looked back) or `done`; another value does not narrow the list
    pub look_back: Option<LookBackFilter>,
    /// findings that reopen an earlier one
    pub recurrence: bool,
    /// responsible (person or leader) for the finding or one of its measures
    pub person_id: Option<i64>,
    /// findings that show this 廉政风险点
    pub risk_point_id: Option<i64>,
    pub q: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// live (the default), voided (作废) or both
    pub voided: crate::query::Voided,
}

pub(super) async fn finding_query(
    db: &Db,
    scope: &Scope,
    f: &FindingFilter,
    today: NaiveDate,
) -> StoreResult<QueryBuilder> {
    let mut q = QueryBuilder::new();
    scope.restrict_with(&mut q, "u.path", "u.id", Some(SELF_COND));
    f.voided.restrict(&mut q, "f.voided_at");
    if let Some(s) = f.state {
        q.and("f.state = ?", args![s.key()]);
    }
    if let Some(c) = f.category {
        q.and("f.category = ?", args![c.key()]);
    }
    if let Some(g) = &f.group {
        let keys: Vec<Arg> = Category::ALL.iter().filter(|c| c.group() == g).map(|c| Arg::from(c.key())).collect();
        if keys.is_empty() {
            q.and("1 = 0", vec![]);
        } else {
            q.and(&format!("f.category IN ({})", vec!["?"; keys.len()].join(", ")), keys);
        }
    }
    if let Some(s) = f.source {
        q.and("f.source = ?", args![s.key()]);
    }
    if let Some(s) = f.severity {
        q.and("f.severity = ?", args![s.key()]);
    }
    if let Some(o) = f.origin {
        q.and("f.origin = ?", args![o.key()]);
    }
    if let Some(u) = f.unit_id {
        crate::query::restrict_to_unit(db, &mut q, "u.path", "f.unit_id", u, f.include_sub).await?;
    }
    if let Some(c) = f.campaign_id {
        q.and("f.campaign_id = ?", args![c]);
    }
    if f.overdue {
        q.and(
            // next_deadline: kept by every step that adds or completes a measure; written as
            // the partial index `findings_open_due` is, for SQLite to see that it applies
            "f.state <> 'signed_off' AND f.next_deadline IS NOT NULL AND f.next_deadline < ?",
            args![today],
        );
    }
    match f.look_back {
        Some(lb @ (LookBackFilter::Held | LookBackFilter::Recurred)) => {
            q.and("f.look_back_result = ?", args![lb.result().map(|r| r.key().to_string())]);
        }
        Some(LookBackFilter::Due) => {
            q.and("f.state = 'signed_off' AND f.look_back_result IS NULL AND f.look_back_due <= ?", args![today]);
        }
        Some(LookBackFilter::Done) => {
            q.and("f.look_back_result IS NOT NULL", vec![]);
        }
        None => {}
    }
    if f.recurrence {
        q.and("f.recurrence_of IS NOT NULL", vec![]);
    }
    if let Some(p) = f.person_id {
        q.and(
            "f.id IN (SELECT fx.id FROM findings fx LEFT JOIN rectification_measures mx ON mx.finding_id = fx.id \
             WHERE ? IN (fx.responsible_person_id, fx.responsible_leader_id, mx.responsible_person_id, mx.responsible_leader_id))",
            args![p],
        );
    }
    if let Some(r) = f.risk_point_id {
        q.and("f.risk_point_id = ?", args![r]);
    }
    if let Some(text) = f.q.as_deref().filter(|s| !s.is_empty()) {
        let pat = like_contains(text);
        q.and(
            "(f.description LIKE ? ESCAPE '\\' OR u.name LIKE ? ESCAPE '\\' OR pp.name LIKE ? ESCAPE '\\' OR pl.name LIKE ? ESCAPE '\\')",
            args![pat.clone(), pat.clone(), pat.clone(), pat],
        );
    }
    if let Some(d) = f.from {
        q.and("f.found_on >= ?", args![d]);
    }
    if let Some(d) = f.to {
        q.and("f.found_on <= ?", args![d]);
    }
    Ok(q)
}

/// Findings in scope, newest first. `paging` None returns every match (exports).
pub async fn list(
    db: &Db,
    scope: &Scope,
    f: &FindingFilter,
    paging: Option<Paging>,
    today: NaiveDate,
) -> StoreResult<Page<Finding>> {
    let q = finding_query(db, scope, f, today).await?;
    let mut page: Page<Finding> =
        fetch_seek_page(db, ListSql { cols: COLS, from: FROM, q, order: ORDER }, paging).await?;
    let labels = crate::dicts::labels(db).await?;
    for i in &mut page.items {
        i.complete(today, &labels);
    }
    Ok(page)
}

/// One finding, or NotFound when it is outside the scope.
pub async fn get(db: &Db, scope: &Scope, id: i64, today: NaiveDate) -> StoreResult<Finding> {
    let mut q = QueryBuilder::new();
    q.and("f.id = ?", args![id]);
    scope.restrict_with(&mut q, "u.path", "u.id", Some(SELF_COND));
    let mut f: Finding = db.fetch_one(&format!("SELECT {COLS}{FROM}{}", q.where_clause()), q.args()).await?;
    f.complete(today, &crate::dicts::labels(db).await?);
    Ok(f)
}

/// The findings that reopen `id` (recurrences found at its look-back): (id, state).
pub async fn recurrences(db: &Db, id: i64) -> StoreResult<Vec<(i64, String)>> {
    db.fetch_all("SELECT id, state FROM findings WHERE recurrence_of = $1 ORDER BY id", args![id]).await
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StepRecord {
    pub id: i64,
    pub step: String,
    #[sqlx(skip)]
    pub label: String,
    pub note: String,
    pub username: String,
    /// the name of the person behind the account, or the username when none is linked
    pub name: String,
    pub at: DateTime<Utc>,
}

/// The timeline of a finding, oldest first.
pub async fn steps(db: &Db, finding_id: i64) -> StoreResult<Vec<StepRecord>> {
    let mut rows: Vec<StepRecord> = db
        .fetch_all(
            "SELECT s.id, s.step, s.note, s.username, COALESCE(p.name, s.username) AS name, s.at FROM finding_steps s \
             LEFT JOIN accounts a ON a.id = s.account_id LEFT JOIN people p ON p.id = a.person_id \
             WHERE s.finding_id = $1 ORDER BY s.at, s.id",
            args![finding_id],
        )
        .await?;
    for r in &mut rows {
        r.label = label_of(&r.step, Step::from_key, Step::label);
    }
    Ok(rows)
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Measure {
    pub id: i64,
    pub finding_id: i64,
    pub text: String,
    pub responsible_leader_id: Option<i64>,
    pub responsible_leader_name: Option<String>,
    pub responsible_person_id: i64,
    pub responsible_person_name: String,
    pub deadline: NaiveDate,
    pub completed_on: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub update_count: i64,
    pub latest_update: Option<String>,
    /// of the finding
    pub unit_id: i64,
    pub unit_name: String,
    #[serde(skip)]
    pub unit_path: String,
    pub finding_description: String,
    pub finding_state: String,
    pub found_on: NaiveDate,
    #[sqlx(skip)]
    pub overdue: bool,
    /// Completed after its deadline.
    #[sqlx(skip)]
    pub completed_late: bool,
    /// 已完成 / 逾期未完成 / 整改中
    #[sqlx(skip)]
    pub status_label: String,
}

impl Measure {
    fn complete(&mut self, today: NaiveDate) {
        (self.overdue, self.completed_late, self.status_label) =
            measure_status(self.deadline, self.completed_on, today);
    }
}

/// A measure's (overdue, completed late, status label: 已完成 / 逾期未完成 / 整改中).
pub(super) fn measure_status(
    deadline: NaiveDate,
    completed_on: Option<NaiveDate>,
    today: NaiveDate,
) -> (bool, bool, String) {
    let overdue = measure_overdue(deadline, completed_on, today);
    let late = completed_on.is_some_and(|c| c > deadline);
    let label = match (completed_on, overdue) {
        (Some(c), _) if late => format!("已完成（{c}，逾期完成）"),
        (Some(c), _) => format!("已完成（{c}）"),
        (None, true) => "逾期未完成".into(),
        (None, false) => "整改中".into(),
    };
    (overdue, late, label)
}

const M_COLS: &str = "m.id, m.finding_id, m.text, m.responsible_leader_id, pl.name AS responsible_leader_name, \
    m.responsible_person_id, pp.name AS responsible_person_name, m.deadline, m.completed_on, m.created_at, \
    (SELECT COUNT(*) FROM rectification_updates r WHERE r.measure_id = m.id) AS update_count, \
    (SELECT r.text FROM rectification_updates r WHERE r.measure_id = m.id ORDER BY r.update_date DESC, r.id DESC LIMIT 1) AS latest_update, \
    f.unit_id, u.name AS unit_name, u.path AS unit_path, f.description AS finding_description, f.state AS finding_state, f.found_on";
const M_FROM: &str =
    " FROM rectification_measures m JOIN findings f ON f.id = m.finding_id JOIN units u ON u.id = f.unit_id \
    LEFT JOIN people pl ON pl.id = m.responsible_leader_id JOIN people pp ON pp.id = m.responsible_person_id";
/// 仅本人: measures the person answers for (or whose finding they answer for).
const M_SELF_COND: &str =
    "(m.responsible_person_id = ? OR m.responsible_leader_id = ? OR f.responsible_person_id = ? OR f.responsible_leader_id = ?)";

/// The measures of a finding, in the order they were made.
pub async fn measures(db: &Db, finding_id: i64, today: NaiveDate) -> StoreResult<Vec<Measure>> {
    let mut rows: Vec<Measure> = db
        .fetch_all(&format!("SELECT {M_COLS}{M_FROM} WHERE m.finding_id = $1 ORDER BY m.id"), args![finding_id])
        .await?;
    for m in &mut rows {
        m.complete(today);
    }
    Ok(rows)
}

#[derive(Debug, Clone, Default)]
pub struct MeasureFilter {
    pub finding_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub campaign_id: Option<i64>,
    pub person_id: Option<i64>,
    /// not completed and past the deadline (of findings not signed off)
    pub overdue: bool,
    /// not completed
    pub open: bool,
    pub q: Option<String>,
}

/// Measures in scope, by deadline. `paging` None returns every match.
pub async fn list_measures(
    db: &Db,
    scope: &Scope,
    f: &MeasureFilter,
    paging: Option<Paging>,
    today: NaiveDate,
) -> StoreResult<Page<Measure>> {
    let mut q = QueryBuilder::new();
    scope.restrict_with(&mut q, "u.path", "u.id", Some(M_SELF_COND));
    if let Some(id) = f.finding_id {
        q.and("m.finding_id = ?", args![id]);
    }
    if let Some(u) = f.unit_id {
        crate::query::restrict_to_unit(db, &mut q, "u.path", "u.id", u, true).await?;
    }
    if let Some(c) = f.campaign_id {
        q.and("f.campaign_id = ?", args![c]);
    }
    if let Some(p) = f.person_id {
        q.and("? IN (m.responsible_person_id, m.responsible_leader_id)", args![p]);
    }
    if f.overdue {
        q.and("f.state <> 'signed_off' AND m.completed_on IS NULL AND m.deadline < ?", args![today]);
    }
    if f.open {
        q.and("m.completed_on IS NULL", vec![]);
    }
    if let Some(text) = f.q.as_deref().filter(|s| !s.is_empty()) {
        let pat = like_contains(text);
        q.and("(m.text LIKE ? ESCAPE '\\' OR f.description LIKE ? ESCAPE '\\')", args![pat.clone(), pat]);
    }
    let order = SeekOrder { keys: &["m.deadline", "m.id"], desc: false };
    let mut page: Page<Measure> = fetch_seek_page(db, ListSql { cols: M_COLS, from: M_FROM, q, order }, paging).await?;
    for m in &mut page.items {
        m.complete(today);
    }
    Ok(page)
}

/// One measure, or NotFound when outside the scope.
pub async fn get_measure(db: &Db, scope: &Scope, id: i64, today: NaiveDate) -> StoreResult<Measure> {
    let mut q = QueryBuilder::new();
    q.and("m.id = ?", args![id]);
    scope.restrict_with(&mut q, "u.path", "u.id", Some(M_SELF_COND));
    let mut m: Measure = db.fetch_one(&format!("SELECT {M_COLS}{M_FROM}{}", q.where_clause()), q.args()).await?;
    m.complete(today);
    Ok(m)
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Update {
    pub id: i64,
    pub measure_id: i64,
    pub update_date: NaiveDate,
    pub text: String,
    pub evidence: String,
    pub completes: bool,
    pub username: Option<String>,
    /// the name of the person behind the account, or the username when none is linked
    pub name: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// The progress updates of every measure of a finding, oldest first.
pub async fn updates(db: &Db, finding_id: i64) -> StoreResult<Vec<Update>> {
    db.fetch_all(
        "SELECT r.id, r.measure_id, r.update_date, r.text, r.evidence, r.completes, a.username, \
         COALESCE(p.name, a.username) AS name, r.created_at \
         FROM rectification_updates r JOIN rectification_measures m ON m.id = r.measure_id \
         LEFT JOIN accounts a ON a.id = r.account_id LEFT JOIN people p ON p.id = a.person_id WHERE m.finding_id = $1 ORDER BY r.update_date, r.id",
        args![finding_id],
    )
    .await
}
