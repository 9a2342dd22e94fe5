//! 问题清单 and 整改: findings, their rectification measures and progress updates, the steps of
//! the flow (who did what, when), campaigns (专项整治) and the figures of the rectification
//! dashboard.
//!
//! Every step goes through the pure state machine in `qingfeng_domain::findings`: the store loads
//! the facts inside the write transaction, asks the machine, and changes the state with a
//! conditional UPDATE (`… WHERE state = <the state it read>`), so two requests racing on one
//! finding cannot both pass. A refusal is `StoreError::Refused` with the machine's message and
//! nothing written. Deadlines and look-back dates stay in the tables for the reminder job.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use qingfeng_domain::findings::{
    finding_due, look_back_due, look_back_months, measure_overdue, rectification_rate, transition, Action,
    CampaignDraft, Category, Facts, FindingDraft, FindingState, LookBackResult, MeasureDraft, Origin, Severity, Source,
    Step, Transition, UpdateDraft, LOOK_BACK_MONTHS_SETTING,
};
use serde::Serialize;
use serde_json::{json, Value};

use crate::query::{fetch_page, like_contains};
use crate::{args, audit, Actor, Arg, Db, Page, Paging, QueryBuilder, Scope, StoreError, StoreResult, Tx};

/// The calendar day (China Standard Time) of an instant.
pub fn cst_date(at: DateTime<Utc>) -> NaiveDate {
    (at + Duration::hours(8)).date_naive()
}

fn label_of<T: Copy>(key: &str, parse: fn(&str) -> Option<T>, label: fn(T) -> &'static str) -> String {
    parse(key).map(label).unwrap_or(key).to_string()
}

// ------------------------------------------------------------------ findings: reading

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq, Default)]
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
    fn complete(&mut self, today: NaiveDate) {
        self.overdue = self.state != FindingState::SignedOff.key()
            && self.next_deadline.is_some_and(|d| measure_overdue(d, None, today));
        self.state_label = label_of(&self.state, FindingState::from_key, FindingState::label);
        self.category_label = label_of(&self.category, Category::from_key, Category::label);
        self.source_label = label_of(&self.source, Source::from_key, Source::label);
        self.severity_label = label_of(&self.severity, Severity::from_key, Severity::label);
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
        }
    }
}

const COLS: &str = "f.id, f.unit_id, u.name AS unit_name, u.code AS unit_code, u.path AS unit_path, f.source, f.category, \
    f.description, f.severity, f.found_on, f.responsible_leader_id, pl.name AS responsible_leader_name, \
    f.responsible_person_id, pp.name AS responsible_person_name, f.campaign_id, c.name AS campaign_name, f.recurrence_of, \
    f.origin, f.state, f.fed_back_on, f.signed_off_on, f.look_back_due, f.look_back_result, a.username AS recorded_by, \
    f.created_at, f.updated_at, \
    (SELECT COUNT(*) FROM rectification_measures m WHERE m.finding_id = f.id) AS measure_count, \
    (SELECT COUNT(*) FROM rectification_measures m WHERE m.finding_id = f.id AND m.completed_on IS NULL) AS open_measures, \
    (SELECT MIN(m.deadline) FROM rectification_measures m WHERE m.finding_id = f.id AND m.completed_on IS NULL) AS next_deadline, \
    (SELECT MAX(m.deadline) FROM rectification_measures m WHERE m.finding_id = f.id) AS last_deadline";
const FROM: &str = " FROM findings f JOIN units u ON u.id = f.unit_id \
    LEFT JOIN people pl ON pl.id = f.responsible_leader_id LEFT JOIN people pp ON pp.id = f.responsible_person_id \
    LEFT JOIN campaigns c ON c.id = f.campaign_id LEFT JOIN accounts a ON a.id = f.account_id";
/// 仅本人: findings where the person is the responsible person or leader, of the finding or of
/// one of its measures.
const SELF_COND: &str = "f.id IN (SELECT fx.id FROM findings fx LEFT JOIN rectification_measures mx ON mx.finding_id = fx.id \
    WHERE ? IN (fx.responsible_person_id, fx.responsible_leader_id, mx.responsible_person_id, mx.responsible_leader_id))";

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
    /// `held`, `recurred`, or `due` (signed off, look-back date reached, not yet looked back)
    pub look_back: Option<String>,
    /// findings that reopen an earlier one
    pub recurrence: bool,
    /// responsible (person or leader) for the finding or one of its measures
    pub person_id: Option<i64>,
    pub q: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

async fn finding_query(db: &Db, scope: &Scope, f: &FindingFilter, today: NaiveDate) -> StoreResult<QueryBuilder> {
    let mut q = QueryBuilder::new();
    scope.restrict_with(&mut q, "u.path", "u.id", Some(SELF_COND));
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
            "f.state <> 'signed_off' AND EXISTS (SELECT 1 FROM rectification_measures m WHERE m.finding_id = f.id \
             AND m.completed_on IS NULL AND m.deadline < ?)",
            args![today],
        );
    }
    match f.look_back.as_deref() {
        Some("held") | Some("recurred") => {
            q.and("f.look_back_result = ?", args![f.look_back.clone()]);
        }
        Some("due") => {
            q.and("f.state = 'signed_off' AND f.look_back_result IS NULL AND f.look_back_due <= ?", args![today]);
        }
        Some("done") => {
            q.and("f.look_back_result IS NOT NULL", vec![]);
        }
        _ => {}
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
    let from = format!("{FROM}{}", q.where_clause());
    let mut page: Page<Finding> = fetch_page(db, COLS, &from, "f.found_on DESC, f.id DESC", q.args(), paging).await?;
    for i in &mut page.items {
        i.complete(today);
    }
    Ok(page)
}

/// One finding, or NotFound when it is outside the scope.
pub async fn get(db: &Db, scope: &Scope, id: i64, today: NaiveDate) -> StoreResult<Finding> {
    let mut q = QueryBuilder::new();
    q.and("f.id = ?", args![id]);
    scope.restrict_with(&mut q, "u.path", "u.id", Some(SELF_COND));
    let mut f: Finding = db.fetch_one(&format!("SELECT {COLS}{FROM}{}", q.where_clause()), q.args()).await?;
    f.complete(today);
    Ok(f)
}

/// The findings that reopen `id` (recurrences found at its look-back): (id, state).
pub async fn recurrences(db: &Db, id: i64) -> StoreResult<Vec<(i64, String)>> {
    db.fetch_all("SELECT id, state FROM findings WHERE recurrence_of = $1 ORDER BY id", args![id]).await
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct StepRecord {
    pub id: i64,
    pub step: String,
    #[sqlx(skip)]
    pub label: String,
    pub note: String,
    pub username: String,
    pub at: DateTime<Utc>,
}

/// The timeline of a finding, oldest first.
pub async fn steps(db: &Db, finding_id: i64) -> StoreResult<Vec<StepRecord>> {
    let mut rows: Vec<StepRecord> = db
        .fetch_all(
            "SELECT id, step, note, username, at FROM finding_steps WHERE finding_id = $1 ORDER BY at, id",
            args![finding_id],
        )
        .await?;
    for r in &mut rows {
        r.label = label_of(&r.step, Step::from_key, Step::label);
    }
    Ok(rows)
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq, Default)]
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
        self.overdue = measure_overdue(self.deadline, self.completed_on, today);
        self.completed_late = self.completed_on.is_some_and(|c| c > self.deadline);
        self.status_label = match (self.completed_on, self.overdue) {
            (Some(c), _) if self.completed_late => format!("已完成（{c}，逾期完成）"),
            (Some(c), _) => format!("已完成（{c}）"),
            (None, true) => "逾期未完成".into(),
            (None, false) => "整改中".into(),
        };
    }
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
    "? IN (m.responsible_person_id, m.responsible_leader_id, f.responsible_person_id, f.responsible_leader_id)";

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
    let from = format!("{M_FROM}{}", q.where_clause());
    let mut page: Page<Measure> = fetch_page(db, M_COLS, &from, "m.deadline, m.id", q.args(), paging).await?;
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
pub struct Update {
    pub id: i64,
    pub measure_id: i64,
    pub update_date: NaiveDate,
    pub text: String,
    pub evidence: String,
    pub completes: bool,
    pub username: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// The progress updates of every measure of a finding, oldest first.
pub async fn updates(db: &Db, finding_id: i64) -> StoreResult<Vec<Update>> {
    db.fetch_all(
        "SELECT r.id, r.measure_id, r.update_date, r.text, r.evidence, r.completes, a.username, r.created_at \
         FROM rectification_updates r JOIN rectification_measures m ON m.id = r.measure_id \
         LEFT JOIN accounts a ON a.id = r.account_id WHERE m.finding_id = $1 ORDER BY r.update_date, r.id",
        args![finding_id],
    )
    .await
}

// ------------------------------------------------------------------ findings: writing

fn refused(r: qingfeng_domain::findings::Refusal) -> StoreError {
    StoreError::Refused(r.0)
}

#[derive(sqlx::FromRow)]
struct FlowRow {
    state: String,
    look_back_result: Option<String>,
    found_on: NaiveDate,
    measures: i64,
    open_measures: i64,
}

/// The facts of a finding as the transaction sees them.
async fn load_facts(tx: &mut Tx, id: i64) -> StoreResult<(Facts, NaiveDate)> {
    let row: FlowRow = tx
        .fetch_one(
            "SELECT f.state, f.look_back_result, f.found_on, \
             (SELECT COUNT(*) FROM rectification_measures m WHERE m.finding_id = f.id) AS measures, \
             (SELECT COUNT(*) FROM rectification_measures m WHERE m.finding_id = f.id AND m.completed_on IS NULL) AS open_measures \
             FROM findings f WHERE f.id = $1",
            args![id],
        )
        .await?;
    let facts = Facts {
        state: FindingState::from_key(&row.state).unwrap_or(FindingState::Recorded),
        measures: row.measures.max(0) as usize,
        open_measures: row.open_measures.max(0) as usize,
        look_back: row.look_back_result.as_deref().and_then(LookBackResult::from_key),
    };
    Ok((facts, row.found_on))
}

/// Asks the state machine; a refusal writes nothing.
async fn step_allowed(tx: &mut Tx, id: i64, action: Action) -> StoreResult<(Facts, Transition, NaiveDate)> {
    let (facts, found_on) = load_facts(tx, id).await?;
    let t = transition(&facts, action).map_err(refused)?;
    Ok((facts, t, found_on))
}

/// Moves the state, only if nobody moved it meanwhile.
async fn move_state(tx: &mut Tx, id: i64, from: FindingState, to: FindingState, at: DateTime<Utc>) -> StoreResult<()> {
    let n = tx
        .execute(
            "UPDATE findings SET state = $1, updated_at = $2 WHERE id = $3 AND state = $4",
            args![to.key(), at, id, from.key()],
        )
        .await?;
    if n != 1 {
        return Err(StoreError::Refused("问题状态已被他人改变，请刷新页面后重试".into()));
    }
    Ok(())
}

async fn record_step(
    tx: &mut Tx,
    actor: &Actor,
    finding_id: i64,
    step: Step,
    note: &str,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO finding_steps (finding_id, step, note, account_id, username, at) VALUES ($1, $2, $3, $4, $5, $6)",
        args![finding_id, step.key(), note, actor.account_id, actor.username.clone(), at],
    )
    .await?;
    Ok(())
}

async fn exists(tx: &mut Tx, sql: &str, id: i64) -> StoreResult<bool> {
    let row: Option<(i64,)> = tx.fetch_optional(sql, args![id]).await?;
    Ok(row.is_some())
}

async fn check_person(tx: &mut Tx, field: &str, label: &str, id: Option<i64>) -> StoreResult<()> {
    if let Some(id) = id {
        if !exists(tx, "SELECT id FROM people WHERE id = $1", id).await? {
            return Err(StoreError::field(field, format!("{label}（编号 {id}）不存在")));
        }
    }
    Ok(())
}

/// The references of a finding exist, and its unit is within the campaign's units (if any).
async fn check_refs(tx: &mut Tx, d: &FindingDraft) -> StoreResult<()> {
    let unit: Option<(String,)> = tx.fetch_optional("SELECT path FROM units WHERE id = $1", args![d.unit_id]).await?;
    let Some((unit_path,)) = unit else {
        return Err(StoreError::field("unit_id", format!("责任单位（编号 {}）不存在", d.unit_id)));
    };
    check_person(tx, "responsible_leader_id", "责任领导", d.responsible_leader_id).await?;
    check_person(tx, "responsible_person_id", "责任人", d.responsible_person_id).await?;
    if let Some(c) = d.campaign_id {
        if !exists(tx, "SELECT id FROM campaigns WHERE id = $1", c).await? {
            return Err(StoreError::field("campaign_id", format!("专项整治（编号 {c}）不存在")));
        }
        let paths: Vec<(String,)> = tx
            .fetch_all(
                "SELECT u.path FROM campaign_units cu JOIN units u ON u.id = cu.unit_id WHERE cu.campaign_id = $1",
                args![c],
            )
            .await?;
        if !paths.is_empty() && !paths.iter().any(|(p,)| unit_path.starts_with(p.as_str())) {
            return Err(StoreError::field("campaign_id", "责任单位不在该专项整治的范围内"));
        }
    }
    Ok(())
}

fn draft_json(d: &FindingDraft) -> Value {
    json!({"unit_id": d.unit_id, "source": d.source.key(), "category": d.category.key(), "description": d.description,
           "severity": d.severity.key(), "found_on": d.found_on, "responsible_leader_id": d.responsible_leader_id,
           "responsible_person_id": d.responsible_person_id, "campaign_id": d.campaign_id})
}

/// Inserts a finding (in its initial state) with its first step, inside `tx`.
pub async fn insert(
    tx: &mut Tx,
    actor: &Actor,
    d: &FindingDraft,
    origin: Origin,
    recurrence_of: Option<i64>,
    note: &str,
    at: DateTime<Utc>,
) -> StoreResult<i64> {
    check_refs(tx, d).await?;
    let state = FindingState::initial(origin);
    let fed_back_on = (state == FindingState::FedBack).then(|| cst_date(at));
    let (id,): (i64,) = tx
        .fetch_one(
            "INSERT INTO findings (unit_id, source, category, description, severity, found_on, responsible_leader_id, \
             responsible_person_id, campaign_id, recurrence_of, origin, state, fed_back_on, account_id, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15) RETURNING id",
            args![d.unit_id, d.source.key(), d.category.key(), d.description.clone(), d.severity.key(), d.found_on,
                  d.responsible_leader_id, d.responsible_person_id, d.campaign_id, recurrence_of, origin.key(),
                  state.key(), fed_back_on, actor.account_id, at],
        )
        .await?;
    let step = if recurrence_of.is_some() { Step::Reopened } else { Step::Recorded };
    record_step(tx, actor, id, step, note, at).await?;
    let mut diff = audit::diff(&json!({}), &draft_json(d));
    diff["origin"] = json!(origin.key());
    diff["state"] = json!(state.key());
    if let Some(r) = recurrence_of {
        diff["recurrence_of"] = json!(r);
    }
    audit::append(tx, actor, "create", "finding", id, &diff).await?;
    Ok(id)
}

/// Records a finding: by the discipline-inspection group (origin supervision, starts recorded)
/// or by the unit itself (origin self, starts fed back).
pub async fn create(db: &Db, actor: &Actor, d: &FindingDraft, origin: Origin, at: DateTime<Utc>) -> StoreResult<i64> {
    let mut tx = db.begin().await?;
    let id = insert(&mut tx, actor, d, origin, None, "", at).await?;
    tx.commit().await?;
    Ok(id)
}

/// Changes a finding's fields inside `tx` (only while it is recorded).
pub async fn apply_update(
    tx: &mut Tx,
    actor: &Actor,
    id: i64,
    before: &FindingDraft,
    d: &FindingDraft,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    step_allowed(tx, id, Action::Edit).await?;
    check_refs(tx, d).await?;
    let n = tx
        .execute(
            "UPDATE findings SET unit_id = $1, source = $2, category = $3, description = $4, severity = $5, found_on = $6, \
             responsible_leader_id = $7, responsible_person_id = $8, campaign_id = $9, updated_at = $10 \
             WHERE id = $11 AND state = 'recorded'",
            args![d.unit_id, d.source.key(), d.category.key(), d.description.clone(), d.severity.key(), d.found_on,
                  d.responsible_leader_id, d.responsible_person_id, d.campaign_id, at, id],
        )
        .await?;
    if n != 1 {
        return Err(StoreError::Refused("问题状态已被他人改变，请刷新页面后重试".into()));
    }
    let diff = audit::diff(&draft_json(before), &draft_json(d));
    let changed: Vec<&str> = diff.as_object().map(|o| o.keys().map(String::as_str).collect()).unwrap_or_default();
    record_step(tx, actor, id, Step::Edited, &format!("修改了：{}", field_names(&changed)), at).await?;
    audit::append(tx, actor, "update", "finding", id, &diff).await?;
    Ok(())
}

fn field_names(keys: &[&str]) -> String {
    let names: Vec<&str> = keys
        .iter()
        .map(|k| match *k {
            "unit_id" => "责任单位",
            "source" => "问题来源",
            "category" => "问题类别",
            "description" => "问题描述",
            "severity" => "严重程度",
            "found_on" => "发现日期",
            "responsible_leader_id" => "责任领导",
            "responsible_person_id" => "责任人",
            "campaign_id" => "专项整治",
            other => other,
        })
        .collect();
    if names.is_empty() {
        "无变化".into()
    } else {
        names.join("、")
    }
}

pub async fn update(
    db: &Db,
    actor: &Actor,
    id: i64,
    before: &FindingDraft,
    d: &FindingDraft,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    apply_update(&mut tx, actor, id, before, d, at).await?;
    tx.commit().await
}

fn audit_action(a: Action) -> &'static str {
    match a {
        Action::Edit => "update",
        Action::Feedback => "feedback",
        Action::AddMeasure | Action::ReportProgress => "create",
        Action::RequestSignOff => "sign_off_request",
        Action::SignOff => "sign_off",
        Action::Return => "return",
        Action::LookBack(_) => "look_back",
    }
}

/// A simple move: check, move the state, record the step, audit.
async fn simple_step(
    db: &Db,
    actor: &Actor,
    id: i64,
    action: Action,
    note: &str,
    at: DateTime<Utc>,
    extra: Option<(&str, Vec<Arg>)>,
) -> StoreResult<Transition> {
    let mut tx = db.begin().await?;
    let (facts, t, _) = step_allowed(&mut tx, id, action).await?;
    move_state(&mut tx, id, facts.state, t.to, at).await?;
    if let Some((sql, a)) = extra {
        tx.execute(sql, a).await?;
    }
    record_step(&mut tx, actor, id, t.step, note, at).await?;
    audit::append(
        &mut tx,
        actor,
        audit_action(action),
        "finding",
        id,
        &json!({"state": [facts.state.key(), t.to.key()], "note": note}),
    )
    .await?;
    tx.commit().await?;
    Ok(t)
}

/// 反馈: the group hands a recorded finding to the unit.
pub async fn feedback(db: &Db, actor: &Actor, id: i64, note: &str, at: DateTime<Utc>) -> StoreResult<()> {
    let extra = ("UPDATE findings SET fed_back_on = $1 WHERE id = $2", args![cst_date(at), id]);
    simple_step(db, actor, id, Action::Feedback, note, at, Some(extra)).await.map(|_| ())
}

/// 制定整改措施: adds one measure; the first one puts the finding into rectification.
pub async fn add_measure(db: &Db, actor: &Actor, id: i64, m: &MeasureDraft, at: DateTime<Utc>) -> StoreResult<i64> {
    let mut tx = db.begin().await?;
    let (facts, t, found_on) = step_allowed(&mut tx, id, Action::AddMeasure).await?;
    if m.deadline < found_on {
        return Err(StoreError::field(
            "deadline",
            format!("整改时限（{}）不能早于问题发现日期（{found_on}）", m.deadline),
        ));
    }
    check_person(&mut tx, "responsible_leader_id", "责任领导", m.responsible_leader_id).await?;
    check_person(&mut tx, "responsible_person_id", "责任人", Some(m.responsible_person_id)).await?;
    if facts.state != t.to {
        move_state(&mut tx, id, facts.state, t.to, at).await?;
    }
    let (mid,): (i64,) = tx
        .fetch_one(
            "INSERT INTO rectification_measures (finding_id, text, responsible_leader_id, responsible_person_id, deadline, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
            args![id, m.text.clone(), m.responsible_leader_id, m.responsible_person_id, m.deadline, at],
        )
        .await?;
    let person: (String,) =
        tx.fetch_one("SELECT name FROM people WHERE id = $1", args![m.responsible_person_id]).await?;
    record_step(
        &mut tx,
        actor,
        id,
        t.step,
        &format!("{}（责任人：{}，整改时限：{}）", m.text, person.0, m.deadline),
        at,
    )
    .await?;
    audit::append(
        &mut tx,
        actor,
        "create",
        "rectification_measure",
        mid,
        &json!({"finding_id": id, "text": m.text, "responsible_leader_id": m.responsible_leader_id,
                "responsible_person_id": m.responsible_person_id, "deadline": m.deadline,
                "state": [facts.state.key(), t.to.key()]}),
    )
    .await?;
    tx.commit().await?;
    Ok(mid)
}

/// 报告整改进展 on a measure; an update that `completes` it closes the measure on its date.
pub async fn add_update(
    db: &Db,
    actor: &Actor,
    measure_id: i64,
    u: &UpdateDraft,
    at: DateTime<Utc>,
) -> StoreResult<i64> {
    let mut tx = db.begin().await?;
    let (finding_id, completed_on, text): (i64, Option<NaiveDate>, String) = tx
        .fetch_one("SELECT finding_id, completed_on, text FROM rectification_measures WHERE id = $1", args![measure_id])
        .await?;
    let (_, t, found_on) = step_allowed(&mut tx, finding_id, Action::ReportProgress).await?;
    if let Some(c) = completed_on {
        return Err(StoreError::Refused(format!("该整改措施已于 {c} 完成，不能再报告进展")));
    }
    if u.update_date < found_on {
        return Err(StoreError::field("update_date", format!("进展日期不能早于问题发现日期（{found_on}）")));
    }
    let (uid,): (i64,) = tx
        .fetch_one(
            "INSERT INTO rectification_updates (measure_id, update_date, text, evidence, completes, account_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            args![measure_id, u.update_date, u.text.clone(), u.evidence.clone(), u.completes, actor.account_id, at],
        )
        .await?;
    if u.completes {
        let n = tx
            .execute(
                "UPDATE rectification_measures SET completed_on = $1, updated_at = $2 WHERE id = $3 AND completed_on IS NULL",
                args![u.update_date, at, measure_id],
            )
            .await?;
        if n != 1 {
            return Err(StoreError::Refused("该整改措施已被他人标记为完成，请刷新页面".into()));
        }
    }
    tx.execute("UPDATE findings SET updated_at = $1 WHERE id = $2", args![at, finding_id]).await?;
    let step = if u.completes { Step::MeasureCompleted } else { t.step };
    record_step(&mut tx, actor, finding_id, step, &format!("{}：{}", text, u.text), at).await?;
    audit::append(
        &mut tx,
        actor,
        "create",
        "rectification_update",
        uid,
        &json!({"measure_id": measure_id, "finding_id": finding_id, "update_date": u.update_date, "text": u.text,
                "evidence": u.evidence, "completes": u.completes}),
    )
    .await?;
    tx.commit().await?;
    Ok(uid)
}

/// 申请验收销号 with the evidence of the rectification (every measure must be completed).
pub async fn request_sign_off(
    db: &Db,
    actor: &Actor,
    id: i64,
    evidence: &str,
    note: &str,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    let text = if note.is_empty() {
        format!("佐证材料：{evidence}")
    } else {
        format!("佐证材料：{evidence}；说明：{note}")
    };
    simple_step(db, actor, id, Action::RequestSignOff, &text, at, None).await.map(|_| ())
}

/// The look-back months setting (`finding.look_back_months`, default 6).
pub async fn look_back_setting(db: &Db) -> StoreResult<u32> {
    Ok(look_back_months(crate::settings::get(db, LOOK_BACK_MONTHS_SETTING).await?.as_deref()))
}

/// 验收销号: closes the finding and sets the look-back date N months later.
pub async fn sign_off(db: &Db, actor: &Actor, id: i64, note: &str, at: DateTime<Utc>) -> StoreResult<NaiveDate> {
    let months = look_back_setting(db).await?;
    let day = cst_date(at);
    let due = look_back_due(day, months);
    let extra = ("UPDATE findings SET signed_off_on = $1, look_back_due = $2 WHERE id = $3", args![day, due, id]);
    let text = if note.is_empty() {
        format!("{months} 个月后（{due}）回头看")
    } else {
        format!("{note}（{due} 回头看）")
    };
    simple_step(db, actor, id, Action::SignOff, &text, at, Some(extra)).await?;
    Ok(due)
}

/// 退回整改 with a reason: back to rectification.
pub async fn return_finding(db: &Db, actor: &Actor, id: i64, reason: &str, at: DateTime<Utc>) -> StoreResult<()> {
    simple_step(db, actor, id, Action::Return, reason, at, None).await.map(|_| ())
}

/// 回头看: held, or recurred — then the problem is reopened as a new finding linked to this one
/// (returned), recorded by the group and waiting for its feedback.
pub async fn look_back(
    db: &Db,
    actor: &Actor,
    id: i64,
    result: LookBackResult,
    note: &str,
    at: DateTime<Utc>,
) -> StoreResult<Option<i64>> {
    let mut tx = db.begin().await?;
    let (_, t, _) = step_allowed(&mut tx, id, Action::LookBack(result)).await?;
    let n = tx
        .execute(
            "UPDATE findings SET look_back_result = $1, updated_at = $2 WHERE id = $3 AND state = 'signed_off' \
             AND look_back_result IS NULL",
            args![result.key(), at, id],
        )
        .await?;
    if n != 1 {
        return Err(StoreError::Refused("问题状态已被他人改变，请刷新页面后重试".into()));
    }
    record_step(&mut tx, actor, id, t.step, note, at).await?;
    audit::append(&mut tx, actor, "look_back", "finding", id, &json!({"look_back_result": result.key(), "note": note}))
        .await?;
    let reopened = match result {
        LookBackResult::Held => None,
        LookBackResult::Recurred => {
            #[derive(sqlx::FromRow)]
            struct Old {
                unit_id: i64,
                source: String,
                category: String,
                description: String,
                severity: String,
                responsible_leader_id: Option<i64>,
                responsible_person_id: Option<i64>,
                campaign_id: Option<i64>,
            }
            let old: Old = tx
                .fetch_one(
                    "SELECT unit_id, source, category, description, severity, responsible_leader_id, responsible_person_id, \
                     campaign_id FROM findings WHERE id = $1",
                    args![id],
                )
                .await?;
            let d = FindingDraft {
                unit_id: old.unit_id,
                source: Source::from_key(&old.source).unwrap_or(Source::Inspection),
                category: Category::from_key(&old.category).unwrap_or(Category::Conduct),
                description: old.description,
                severity: Severity::from_key(&old.severity).unwrap_or(Severity::General),
                found_on: cst_date(at),
                responsible_leader_id: old.responsible_leader_id,
                responsible_person_id: old.responsible_person_id,
                campaign_id: old.campaign_id,
            };
            let new_id = insert(
                &mut tx,
                actor,
                &d,
                Origin::Supervision,
                Some(id),
                &format!("问题 {id} 回头看发现反弹：{note}"),
                at,
            )
            .await?;
            Some(new_id)
        }
    };
    tx.commit().await?;
    Ok(reopened)
}

// ------------------------------------------------------------------ campaigns

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct Campaign {
    pub id: i64,
    pub name: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub goals: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub unit_count: i64,
    pub task_count: i64,
}

const C_COLS: &str = "c.id, c.name, c.start_date, c.end_date, c.goals, c.created_at, c.updated_at, \
    (SELECT COUNT(*) FROM campaign_units cu WHERE cu.campaign_id = c.id) AS unit_count, \
    (SELECT COUNT(*) FROM campaign_tasks ct WHERE ct.campaign_id = c.id) AS task_count";

/// Campaigns, newest first, optionally matching a name.
pub async fn list_campaigns(db: &Db, q_text: Option<&str>, paging: Option<Paging>) -> StoreResult<Page<Campaign>> {
    let mut q = QueryBuilder::new();
    if let Some(t) = q_text.filter(|s| !s.is_empty()) {
        q.and("(c.name LIKE ? ESCAPE '\\' OR c.goals LIKE ? ESCAPE '\\')", args![like_contains(t), like_contains(t)]);
    }
    let w = q.where_clause();
    let (total,): (i64,) = db.fetch_one(&format!("SELECT COUNT(*) FROM campaigns c{w}"), q.args()).await?;
    let mut a = q.args();
    let n = a.len();
    let (limit, page, per_page) = match paging {
        Some(p) => {
            a.extend(args![p.per_page, p.offset()]);
            (format!(" LIMIT ${} OFFSET ${}", n + 1, n + 2), p.page, p.per_page)
        }
        None => (String::new(), 1, total.max(1)),
    };
    let items = db
        .fetch_all(&format!("SELECT {C_COLS} FROM campaigns c{w} ORDER BY c.start_date DESC, c.id DESC{limit}"), a)
        .await?;
    Ok(Page { items, total, page, per_page })
}

pub async fn get_campaign(db: &Db, id: i64) -> StoreResult<Campaign> {
    db.fetch_one(&format!("SELECT {C_COLS} FROM campaigns c WHERE c.id = $1"), args![id]).await
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct CampaignUnit {
    pub id: i64,
    pub name: String,
    pub code: String,
    #[serde(skip)]
    pub path: String,
}

pub async fn campaign_units(db: &Db, id: i64) -> StoreResult<Vec<CampaignUnit>> {
    db.fetch_all(
        "SELECT u.id, u.name, u.code, u.path FROM campaign_units cu JOIN units u ON u.id = cu.unit_id \
         WHERE cu.campaign_id = $1 ORDER BY u.sort_path, u.id",
        args![id],
    )
    .await
}

pub async fn campaign_task_ids(db: &Db, id: i64) -> StoreResult<Vec<i64>> {
    let rows: Vec<(i64,)> =
        db.fetch_all("SELECT task_id FROM campaign_tasks WHERE campaign_id = $1 ORDER BY task_id", args![id]).await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Deploys a campaign over its units, linked to tasks of the work plans.
pub async fn create_campaign(db: &Db, actor: &Actor, d: &CampaignDraft, at: DateTime<Utc>) -> StoreResult<i64> {
    let mut tx = db.begin().await?;
    for u in &d.unit_ids {
        if !exists(&mut tx, "SELECT id FROM units WHERE id = $1", *u).await? {
            return Err(StoreError::field("unit_ids", format!("单位（编号 {u}）不存在")));
        }
    }
    for t in &d.task_ids {
        if !exists(&mut tx, "SELECT id FROM tasks WHERE id = $1", *t).await? {
            return Err(StoreError::field("task_ids", format!("任务（编号 {t}）不存在")));
        }
    }
    let (id,): (i64,) = tx
        .fetch_one(
            "INSERT INTO campaigns (name, start_date, end_date, goals, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
            args![d.name.clone(), d.start_date, d.end_date, d.goals.clone(), at],
        )
        .await?;
    for u in &d.unit_ids {
        tx.execute("INSERT INTO campaign_units (campaign_id, unit_id) VALUES ($1, $2)", args![id, *u]).await?;
    }
    for t in &d.task_ids {
        tx.execute("INSERT INTO campaign_tasks (campaign_id, task_id) VALUES ($1, $2)", args![id, *t]).await?;
    }
    audit::append(
        &mut tx,
        actor,
        "create",
        "campaign",
        id,
        &json!({"name": d.name, "start_date": d.start_date, "end_date": d.end_date, "goals": d.goals,
                "unit_ids": d.unit_ids, "task_ids": d.task_ids}),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

// ------------------------------------------------------------------ figures

/// Counts of a group of findings.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Tally {
    pub total: u64,
    /// signed off
    pub signed_off: u64,
    /// due for the rate: signed off, or the plan's last deadline has passed
    pub due: u64,
    /// signed off / due, in percent
    pub rate: Option<f64>,
    /// not yet signed off
    pub open: u64,
    /// findings with an overdue measure
    pub overdue_findings: u64,
    /// measures past their deadline and not completed
    pub overdue_measures: u64,
}

impl Tally {
    fn add(&mut self, r: &StatRow, today: NaiveDate) {
        let state = FindingState::from_key(&r.state).unwrap_or(FindingState::Recorded);
        self.total += 1;
        if state == FindingState::SignedOff {
            self.signed_off += 1;
        } else {
            self.open += 1;
            if r.overdue_measures > 0 {
                self.overdue_findings += 1;
                self.overdue_measures += r.overdue_measures as u64;
            }
        }
        if finding_due(state, r.last_deadline, today) {
            self.due += 1;
        }
        self.rate = rectification_rate(self.signed_off, self.due);
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct StateCount {
    pub state: String,
    pub label: String,
    pub count: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct KeyTally {
    pub key: String,
    pub label: String,
    pub tally: Tally,
}

#[derive(Debug, Clone, Serialize)]
pub struct UnitTally {
    pub unit_id: i64,
    pub unit_name: String,
    pub tally: Tally,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct LookBackFigures {
    /// signed off findings
    pub signed_off: u64,
    /// looked back at
    pub done: u64,
    pub held: u64,
    pub recurred: u64,
    /// recurred / looked back, in percent
    pub recurrence_rate: Option<f64>,
    /// signed off, look-back date reached, not yet looked back
    pub due_now: u64,
    /// findings reopened from a recurrence
    pub reopened: u64,
}

/// The rectification dashboard: rate, overdue measures, breakdowns and recurrence.
#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    pub as_of: NaiveDate,
    pub total: Tally,
    pub by_state: Vec<StateCount>,
    pub by_group: Vec<KeyTally>,
    pub by_category: Vec<KeyTally>,
    pub by_source: Vec<KeyTally>,
    pub by_unit: Vec<UnitTally>,
    pub look_back: LookBackFigures,
}

#[derive(sqlx::FromRow)]
struct StatRow {
    unit_id: i64,
    unit_name: String,
    sort_path: String,
    category: String,
    source: String,
    state: String,
    look_back_result: Option<String>,
    look_back_due: Option<NaiveDate>,
    recurrence_of: Option<i64>,
    last_deadline: Option<NaiveDate>,
    overdue_measures: i64,
}

/// The figures over the findings in scope matching the filter.
pub async fn stats(db: &Db, scope: &Scope, f: &FindingFilter, today: NaiveDate) -> StoreResult<Stats> {
    let q = finding_query(db, scope, f, today).await?;
    let mut a = q.args();
    a.push(Arg::from(today));
    let t = format!("${}", a.len());
    let rows: Vec<StatRow> = db
        .fetch_all(
            &format!(
                "SELECT f.unit_id, u.name AS unit_name, u.sort_path, f.category, f.source, f.state, f.look_back_result, \
                 f.look_back_due, f.recurrence_of, \
                 (SELECT MAX(m.deadline) FROM rectification_measures m WHERE m.finding_id = f.id) AS last_deadline, \
                 (SELECT COUNT(*) FROM rectification_measures m WHERE m.finding_id = f.id AND m.completed_on IS NULL \
                  AND m.deadline < {t}) AS overdue_measures{FROM}{}",
                q.where_clause()
            ),
            a,
        )
        .await?;
    let mut total = Tally::default();
    let mut states: HashMap<String, u64> = HashMap::new();
    let mut groups: BTreeMap<usize, Tally> = BTreeMap::new();
    let mut categories: BTreeMap<Category, Tally> = BTreeMap::new();
    let mut sources: BTreeMap<usize, Tally> = BTreeMap::new();
    let mut units: BTreeMap<(String, i64), (String, Tally)> = BTreeMap::new();
    let mut lb = LookBackFigures::default();
    let group_names = ["形式主义官僚主义", "享乐主义奢靡之风", "主体责任落实", "六项纪律", "作风建设"];
    for r in &rows {
        total.add(r, today);
        *states.entry(r.state.clone()).or_default() += 1;
        if let Some(c) = Category::from_key(&r.category) {
            categories.entry(c).or_default().add(r, today);
            let g = group_names.iter().position(|g| *g == c.group()).unwrap_or(0);
            groups.entry(g).or_default().add(r, today);
        }
        if let Some(i) = Source::ALL.iter().position(|s| s.key() == r.source) {
            sources.entry(i).or_default().add(r, today);
        }
        units
            .entry((r.sort_path.clone(), r.unit_id))
            .or_insert_with(|| (r.unit_name.clone(), Tally::default()))
            .1
            .add(r, today);
        if r.state == FindingState::SignedOff.key() {
            lb.signed_off += 1;
            match r.look_back_result.as_deref() {
                Some("held") => {
                    lb.done += 1;
                    lb.held += 1;
                }
                Some("recurred") => {
                    lb.done += 1;
                    lb.recurred += 1;
                }
                _ if r.look_back_due.is_some_and(|d| d <= today) => lb.due_now += 1,
                _ => {}
            }
        }
        if r.recurrence_of.is_some() {
            lb.reopened += 1;
        }
    }
    lb.recurrence_rate = rectification_rate(lb.recurred, lb.done);
    Ok(Stats {
        as_of: today,
        total,
        by_state: FindingState::ALL
            .iter()
            .map(|s| StateCount {
                state: s.key().into(),
                label: s.label().into(),
                count: states.get(s.key()).copied().unwrap_or(0),
            })
            .collect(),
        by_group: groups
            .into_iter()
            .map(|(i, tally)| KeyTally { key: group_names[i].into(), label: group_names[i].into(), tally })
            .collect(),
        by_category: categories
            .into_iter()
            .map(|(c, tally)| KeyTally { key: c.key().into(), label: c.label().into(), tally })
            .collect(),
        by_source: sources
            .into_iter()
            .map(|(i, tally)| KeyTally {
                key: Source::ALL[i].key().into(),
                label: Source::ALL[i].label().into(),
                tally,
            })
            .collect(),
        by_unit: units
            .into_iter()
            .map(|((_, unit_id), (unit_name, tally))| UnitTally { unit_id, unit_name, tally })
            .collect(),
        look_back: lb,
    })
}
