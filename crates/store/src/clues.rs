//! 问题线索: the register (线索〔year〕第N号, unique per year), the four dispositions, the
//! conclusion of an inquiry or check, merging duplicates (both originals stay visible) and the
//! findings a clue became. Every step is written in words to `clue_steps` and the audit trail
//! in the same transaction. The audit trail names the step, never the matter.
//!
//! For the integrity file (廉政档案) and the 廉政意见回复: [`for_person`] lists a person's clues,
//! [`open_for_person`] those still under inquiry or check.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use qingfeng_domain::findings::FindingDraft;
use qingfeng_domain::petitions::{register_number, ClueState, DisposeDraft, Disposition, Source};
use serde::Serialize;
use serde_json::json;

use crate::findings::{link_check, CheckLink};
use crate::query::{fetch_page, like_contains};
use crate::{args, audit, Actor, Db, Page, Paging, QueryBuilder, Scope, StoreError, StoreResult, Tx};

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Clue {
    pub id: i64,
    pub year: i64,
    pub number: i64,
    /// 线索〔2026〕第3号
    #[sqlx(skip)]
    pub register_no: String,
    pub source: String,
    #[sqlx(skip)]
    pub source_label: String,
    pub received_on: NaiveDate,
    pub subject_name: String,
    pub subject_unit: String,
    pub subject_post: String,
    pub person_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    /// 反映的主要问题
    pub summary: String,
    /// talk_inquiry | preliminary_check | shelve | close, none before disposal
    pub disposition: Option<String>,
    #[sqlx(skip)]
    pub disposition_label: String,
    /// pending | inquiring | checking | shelved | closed | merged
    pub state: String,
    #[sqlx(skip)]
    pub state_label: String,
    /// the 函询 reply's due day or the check's deadline
    pub due_on: Option<NaiveDate>,
    /// 办理结果
    pub result: String,
    pub merged_into: Option<i64>,
    pub finding_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// under inquiry or check past its due day, on the day it was read
    #[sqlx(skip)]
    pub overdue: bool,
}

impl Clue {
    fn labelled(mut self, today: NaiveDate) -> Self {
        self.register_no = register_number(self.year, self.number);
        self.source_label = Source::from_key(&self.source).map_or("", |s| s.label()).into();
        self.disposition_label =
            self.disposition.as_deref().and_then(Disposition::from_key).map_or("", |d| d.label()).into();
        let state = ClueState::from_key(&self.state);
        self.state_label = state.map_or("", |s| s.label()).into();
        self.overdue = state.is_some_and(|s| s.may_conclude()) && self.due_on.is_some_and(|d| d < today);
        self
    }

    pub fn state(&self) -> ClueState {
        ClueState::from_key(&self.state).unwrap_or(ClueState::Pending)
    }
}

const COLS: &str = "c.id, c.year, c.number, c.source, c.received_on, c.subject_name, c.subject_unit, c.subject_post, \
    c.person_id, c.unit_id, u.name AS unit_name, c.summary, c.disposition, c.state, c.due_on, c.result, \
    c.merged_into, (SELECT MIN(finding_id) FROM clue_findings k WHERE k.clue_id = c.id) AS finding_id, \
    c.created_at, c.updated_at";
const FROM: &str = " FROM clues c LEFT JOIN units u ON u.id = c.unit_id";

#[derive(Debug, Clone, Default)]
pub struct ClueFilter {
    pub state: Option<ClueState>,
    pub disposition: Option<Disposition>,
    pub source: Option<Source>,
    pub year: Option<i64>,
    pub person_id: Option<i64>,
    /// under inquiry or check with the due day before this day
    pub overdue_on: Option<NaiveDate>,
    pub q: Option<String>,
}

fn conditions(q: &mut QueryBuilder, scope: &Scope, f: &ClueFilter) {
    scope.restrict(q, "u.path", "u.id", None);
    if let Some(s) = f.state {
        q.and("c.state = ?", args![s.key()]);
    }
    if let Some(d) = f.disposition {
        q.and("c.disposition = ?", args![d.key()]);
    }
    if let Some(s) = f.source {
        q.and("c.source = ?", args![s.key()]);
    }
    if let Some(y) = f.year {
        q.and("c.year = ?", args![y]);
    }
    if let Some(p) = f.person_id {
        q.and("c.person_id = ?", args![p]);
    }
    if let Some(d) = f.overdue_on {
        q.and("c.state IN ('inquiring', 'checking') AND c.due_on < ?", args![d]);
    }
    if let Some(t) = f.q.as_deref().filter(|s| !s.is_empty()) {
        let pat = like_contains(t);
        q.and(
            "(c.subject_name LIKE ? ESCAPE '\\' OR c.subject_unit LIKE ? ESCAPE '\\' OR c.summary LIKE ? ESCAPE '\\')",
            args![pat.clone(), pat.clone(), pat],
        );
    }
}

/// The register in the reader's scope, by register number (newest year first).
pub async fn list(
    db: &Db,
    scope: &Scope,
    f: &ClueFilter,
    paging: Option<Paging>,
    today: NaiveDate,
) -> StoreResult<Page<Clue>> {
    let mut q = QueryBuilder::new();
    conditions(&mut q, scope, f);
    let from = format!("{FROM}{}", q.where_clause());
    let mut page: Page<Clue> = fetch_page(db, COLS, &from, "c.year DESC, c.number DESC", q.args(), paging).await?;
    page.items = page.items.into_iter().map(|c| c.labelled(today)).collect();
    Ok(page)
}

/// One clue, or NotFound outside the reader's scope.
pub async fn get(db: &Db, scope: &Scope, id: i64, today: NaiveDate) -> StoreResult<Clue> {
    let mut q = QueryBuilder::new();
    q.and("c.id = ?", args![id]);
    scope.restrict(&mut q, "u.path", "u.id", None);
    let c: Clue = db.fetch_one(&format!("SELECT {COLS}{FROM}{}", q.where_clause()), q.args()).await?;
    Ok(c.labelled(today))
}

/// A clue as the integrity file lists it.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClueSummary {
    pub id: i64,
    /// 线索〔2026〕第3号
    pub register_no: String,
    pub received_on: NaiveDate,
    /// 处置方式 in words ("" before disposal)
    pub disposition: String,
    /// 状态 in words
    pub state: String,
    /// still under inquiry or check (谈话函询中, 初步核实中) or not yet disposed
    pub open: bool,
}

impl From<&Clue> for ClueSummary {
    fn from(c: &Clue) -> Self {
        ClueSummary {
            id: c.id,
            register_no: c.register_no.clone(),
            received_on: c.received_on,
            disposition: c.disposition_label.clone(),
            state: c.state_label.clone(),
            open: matches!(c.state(), ClueState::Pending | ClueState::Inquiring | ClueState::Checking),
        }
    }
}

/// Every clue about a person (merged duplicates left out), oldest first. The caller has checked
/// that the reader may see them (the 纪检组 only).
pub async fn for_person(db: &Db, person_id: i64) -> StoreResult<Vec<ClueSummary>> {
    let today = crate::fulfilment::today();
    let rows: Vec<Clue> = db
        .fetch_all(
            &format!("SELECT {COLS}{FROM} WHERE c.person_id = $1 AND c.state <> 'merged' ORDER BY c.received_on, c.id"),
            args![person_id],
        )
        .await?;
    Ok(rows.into_iter().map(|c| ClueSummary::from(&c.labelled(today))).collect())
}

/// The clues about a person still under check: not yet disposed, under 谈话函询 or 初步核实
/// (as the 廉政意见回复 names them).
pub async fn open_for_person(db: &Db, person_id: i64) -> StoreResult<Vec<ClueSummary>> {
    Ok(for_person(db, person_id).await?.into_iter().filter(|c| c.open).collect())
}

/// A clue to register (from an accepted report, or found in supervision).
#[derive(Debug, Clone)]
pub struct ClueDraft {
    pub source: Source,
    pub received_on: NaiveDate,
    pub subject_name: String,
    pub subject_unit: String,
    pub subject_post: String,
    pub person_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub summary: String,
}

/// Registers a clue with the year's next number (the year of its receipt).
pub async fn insert_in(tx: &mut Tx, actor: &Actor, d: &ClueDraft) -> StoreResult<i64> {
    let year = i64::from(d.received_on.year());
    let (number,): (i64,) =
        tx.fetch_one("SELECT COALESCE(MAX(number), 0) + 1 FROM clues WHERE year = $1", args![year]).await?;
    let at = crate::now();
    let (id,): (i64,) = tx
        .fetch_one(
            "INSERT INTO clues (year, number, source, received_on, subject_name, subject_unit, subject_post, person_id, \
             unit_id, summary, state, account_id, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'pending', $11, $12, $12) RETURNING id",
            args![
                year,
                number,
                d.source.key(),
                d.received_on,
                d.subject_name.clone(),
                d.subject_unit.clone(),
                d.subject_post.clone(),
                d.person_id,
                d.unit_id,
                d.summary.clone(),
                actor.account_id,
                at
            ],
        )
        .await?;
    let words = format!("登记为{}（来源：{}）", register_number(year, number), d.source.label());
    add_step(tx, actor, id, "create", None, None, &words).await?;
    Ok(id)
}

/// A clue found in supervision, registered directly.
pub async fn create(db: &Db, actor: &Actor, d: &ClueDraft) -> StoreResult<i64> {
    let mut tx = db.begin().await?;
    let id = insert_in(&mut tx, actor, d).await?;
    tx.commit().await?;
    Ok(id)
}

/// Writes one step of a clue in words, with its audit record (the step's kind and disposition,
/// not its words: those who read the audit trail are not all allowed to know the matter).
pub async fn add_step(
    tx: &mut Tx,
    actor: &Actor,
    clue_id: i64,
    kind: &str,
    disposition: Option<Disposition>,
    due_on: Option<NaiveDate>,
    note: &str,
) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO clue_steps (clue_id, kind, disposition, due_on, note, account_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        args![clue_id, kind, disposition.map(|d| d.key()), due_on, note, actor.account_id, crate::now()],
    )
    .await?;
    let facts = json!({"step": kind, "disposition": disposition.map(|d| d.label()), "due_on": due_on});
    audit::append(tx, actor, kind, "clue", clue_id, &facts).await
}

/// One step as the clue page shows it.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClueStep {
    pub id: i64,
    pub kind: String,
    pub disposition: Option<String>,
    pub due_on: Option<NaiveDate>,
    pub note: String,
    pub username: Option<String>,
    pub created_at: DateTime<Utc>,
}

pub async fn steps(db: &Db, clue_id: i64) -> StoreResult<Vec<ClueStep>> {
    db.fetch_all(
        "SELECT s.id, s.kind, s.disposition, s.due_on, s.note, a.username, s.created_at FROM clue_steps s \
         LEFT JOIN accounts a ON a.id = s.account_id WHERE s.clue_id = $1 ORDER BY s.id",
        args![clue_id],
    )
    .await
}

/// Disposes of a clue not yet disposed (or shelved): its state follows the disposition, the
/// due day is the 函询 reply's or the check's deadline, the note of 予以了结 its result.
pub async fn dispose(db: &Db, actor: &Actor, c: &Clue, d: &DisposeDraft, due_on: Option<NaiveDate>) -> StoreResult<()> {
    if !c.state().may_dispose() {
        return Err(StoreError::Refused(format!("{}当前为“{}”，不能再选择处置方式", c.register_no, c.state_label)));
    }
    let result = if d.disposition == Disposition::Close { d.note.clone() } else { c.result.clone() };
    let mut tx = db.begin().await?;
    tx.execute(
        "UPDATE clues SET disposition = $1, state = $2, due_on = $3, result = $4, updated_at = $5 WHERE id = $6",
        args![d.disposition.key(), d.disposition.state().key(), due_on, result, crate::now(), c.id],
    )
    .await?;
    let mut words = format!("处置方式：{}", d.disposition.label());
    if let Some(day) = due_on {
        let what = if d.disposition == Disposition::TalkInquiry { "函询回复期限" } else { "核实期限" };
        words.push_str(&format!("，{what} {day}"));
    }
    if !d.note.is_empty() {
        words.push_str(&format!("。{}", d.note));
    }
    add_step(&mut tx, actor, c.id, "dispose", Some(d.disposition), due_on, &words).await?;
    tx.commit().await
}

/// Ends an inquiry or check with its result; `answer` (if any) is what the filers of the
/// clue's online reports read on the status page.
pub async fn conclude(db: &Db, actor: &Actor, c: &Clue, result: &str, answer: &str) -> StoreResult<()> {
    if !c.state().may_conclude() {
        return Err(StoreError::Refused(format!("{}当前为“{}”，没有待办结的函询或核实", c.register_no, c.state_label)));
    }
    let at = crate::now();
    let mut tx = db.begin().await?;
    tx.execute(
        "UPDATE clues SET state = 'closed', result = $1, updated_at = $2 WHERE id = $3",
        args![result, at, c.id],
    )
    .await?;
    if !answer.is_empty() {
        tx.execute(
            "UPDATE petitions SET answer = $1, updated_at = $2 WHERE clue_id = $3 \
             OR clue_id IN (SELECT id FROM clues WHERE merged_into = $3)",
            args![answer, at, c.id],
        )
        .await?;
    }
    let what = if c.state() == ClueState::Inquiring { "函询回复" } else { "核实结论" };
    add_step(&mut tx, actor, c.id, "conclude", None, None, &format!("{what}：{result}")).await?;
    tx.commit().await
}

/// Merges a duplicate clue into another about the same matter: the duplicate is kept (state
/// merged, pointing to the other) and its reports are shown with the other's.
pub async fn merge(db: &Db, actor: &Actor, dup: &Clue, into: &Clue) -> StoreResult<()> {
    if dup.id == into.id {
        return Err(StoreError::field("into", "不能把线索并入它自己"));
    }
    if dup.state() == ClueState::Merged || into.state() == ClueState::Merged {
        return Err(StoreError::field("into", "已并入其他线索的线索不能再合并"));
    }
    if into.state() == ClueState::Closed {
        return Err(StoreError::field("into", format!("{}已办结，不能再并入线索", into.register_no)));
    }
    let mut tx = db.begin().await?;
    tx.execute(
        "UPDATE clues SET state = 'merged', merged_into = $1, updated_at = $2 WHERE id = $3",
        args![into.id, crate::now(), dup.id],
    )
    .await?;
    tx.execute("UPDATE clues SET merged_into = $1 WHERE merged_into = $2", args![into.id, dup.id]).await?;
    add_step(&mut tx, actor, dup.id, "merge", None, None, &format!("并入{}（反映同一问题）", into.register_no)).await?;
    add_step(&mut tx, actor, into.id, "merge", None, None, &format!("并入重复线索{}", dup.register_no)).await?;
    tx.commit().await
}

const FINDING_LINK: CheckLink =
    CheckLink { table: "clue_findings", record_col: "clue_id", entity: "clue", what: "该线索" };

/// Turns a clue into a finding (once), through the shared link of findings made from records.
pub async fn to_finding(db: &Db, actor: &Actor, c: &Clue, finding: &FindingDraft) -> StoreResult<i64> {
    let fid = link_check(db, actor, &FINDING_LINK, c.id, "CLUE", finding, crate::now()).await?;
    let mut tx = db.begin().await?;
    add_step(&mut tx, actor, c.id, "finding", None, None, &format!("转为问题 #{fid}")).await?;
    tx.commit().await?;
    Ok(fid)
}

/// Clues under 谈话函询 or 初步核实 due on or before `until` (the reminder pass).
pub async fn due_by(db: &Db, until: NaiveDate) -> StoreResult<Vec<Clue>> {
    let today = crate::fulfilment::today();
    let rows: Vec<Clue> = db
        .fetch_all(
            &format!(
                "SELECT {COLS}{FROM} WHERE c.state IN ('inquiring', 'checking') AND c.due_on <= $1 ORDER BY c.due_on"
            ),
            args![until],
        )
        .await?;
    Ok(rows.into_iter().map(|c| c.labelled(today)).collect())
}
