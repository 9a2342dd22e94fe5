//! Writing the accepted rows of an Excel import. The web layer reads and checks every row first
//! (and reports all errors); what it accepts is written here, each import in one transaction
//! with the rows' own audit records and one summary record, so an import is whole or absent.

use chrono::{DateTime, Utc};
use qingfeng_domain::findings::{FindingDraft, Origin};
use qingfeng_domain::org::{PersonDraft, UnitDraft};
use qingfeng_domain::plans::TaskDraft;
use qingfeng_domain::risk::RiskPointDraft;
use qingfeng_domain::warning_cases::WarningCaseDraft;
use serde_json::{json, Value};
use std::collections::HashMap;

use crate::progress::{self, Stage};
use crate::{audit, findings, org, plans, warning_cases, Actor, Db, StoreError, StoreResult, Tx};

/// How many records an import created and updated.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    pub created: usize,
    pub updated: usize,
}

/// Where a unit or a task of an import hangs: at the top, under a record that exists, or under
/// a row of the same file (named by its code or number), written earlier in the same import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParentRef {
    Root,
    Existing(i64),
    New(String),
}

impl ParentRef {
    fn resolve(&self, created: &HashMap<String, i64>) -> StoreResult<Option<i64>> {
        match self {
            ParentRef::Root => Ok(None),
            ParentRef::Existing(id) => Ok(Some(*id)),
            ParentRef::New(key) => created.get(key).copied().map(Some).ok_or(StoreError::NotFound),
        }
    }
}

/// One accepted row of a people import: `id` set when it updates that person.
#[derive(Debug, Clone)]
pub struct PersonWrite {
    pub id: Option<i64>,
    pub draft: PersonDraft,
    pub in_charge: Vec<i64>,
    /// 所在党支部 (None: as it is), from today
    pub seat: Option<org::branches::Seat>,
}

/// Writes the accepted people; `skipped` rows (with errors) are named in the summary.
pub async fn people(db: &Db, actor: &Actor, rows: &[PersonWrite], skipped: usize) -> StoreResult<Written> {
    let mut tx = db.begin().await?;
    let mut written = Written::default();
    let mut ids = Vec::with_capacity(rows.len());
    progress::begin(Stage::Writing, rows.len());
    for r in rows {
        progress::tick(1);
        match r.id {
            Some(id) => {
                org::people::apply_update(&mut tx, actor, id, &r.draft, Some(&r.in_charge), "Excel 导入").await?;
                if let Some(seat) = r.seat {
                    org::branches::apply_seat(&mut tx, actor, id, seat, crate::fulfilment::today()).await?;
                }
                ids.push(id);
                written.updated += 1;
            }
            None => {
                let id = org::people::insert(&mut tx, actor, &r.draft, Some(&r.in_charge)).await?;
                if let Some(seat) = r.seat {
                    org::branches::apply_seat(&mut tx, actor, id, seat, crate::fulfilment::today()).await?;
                }
                ids.push(id);
                written.created += 1;
            }
        }
    }
    // their current-year lists follow, as after a single create or update
    for chunk in ids.chunks(500) {
        crate::responsibility::regenerate_people(&mut tx, actor, chunk, crate::fulfilment::this_year()).await?;
    }
    summary(&mut tx, actor, "person", "", written, skipped, json!({})).await?;
    tx.commit().await?;
    Ok(written)
}

/// One accepted row of a units import: `id` set when it updates that unit. The draft's
/// `parent_id` is replaced by the resolved `parent`.
#[derive(Debug, Clone)]
pub struct UnitWrite {
    pub id: Option<i64>,
    pub code: String,
    pub parent: ParentRef,
    pub draft: UnitDraft,
}

/// Writes the accepted units, which come parents first.
pub async fn units(db: &Db, actor: &Actor, rows: &[UnitWrite], skipped: usize) -> StoreResult<Written> {
    let mut tx = db.begin().await?;
    let mut written = Written::default();
    let mut created: HashMap<String, i64> = HashMap::new();
    progress::begin(Stage::Writing, rows.len());
    for r in rows {
        progress::tick(1);
        let draft = UnitDraft { parent_id: r.parent.resolve(&created)?, ..r.draft.clone() };
        match r.id {
            Some(id) => {
                org::units::apply_update(&mut tx, actor, id, &draft).await?;
                written.updated += 1;
            }
            None => {
                let id = org::units::insert(&mut tx, actor, &draft).await?;
                created.insert(r.code.clone(), id);
                written.created += 1;
            }
        }
    }
    summary(&mut tx, actor, "unit", "", written, skipped, json!({})).await?;
    tx.commit().await?;
    Ok(written)
}

/// One accepted row of an import that creates a record or updates one (`before` as stored).
#[derive(Debug, Clone)]
pub enum RowWrite<D> {
    Create(D),
    Update { id: i64, before: Box<D>, after: D },
}

pub type FindingWrite = RowWrite<FindingDraft>;
pub type CaseWrite = RowWrite<WarningCaseDraft>;
pub type RiskWrite = RowWrite<RiskPointDraft>;

/// What writing one row did.
enum Change {
    Created,
    Updated,
    /// the row was equal to the stored record
    Unchanged,
}

/// A draft type whose records an import creates and updates through the store's own write
/// path (with its audit records), inside the import's transaction. Implemented only here, for
/// the store's own drafts; callers name a concrete draft, whose futures' `Send` is known.
#[allow(async_fn_in_trait)]
pub trait Importable: Sized {
    /// the audit trail's object type of the import's summary record
    const OBJECT: &'static str;
    /// what the whole import says of its new records (a finding's origin)
    type Context: Copy;
    async fn create(tx: &mut Tx, actor: &Actor, cx: Self::Context, draft: &Self, at: DateTime<Utc>) -> StoreResult<()>;
    /// `Ok(false)` when `after` equals `before` and nothing was written
    async fn update(
        tx: &mut Tx,
        actor: &Actor,
        id: i64,
        before: &Self,
        after: &Self,
        at: DateTime<Utc>,
    ) -> StoreResult<bool>;
}

impl Importable for WarningCaseDraft {
    const OBJECT: &'static str = "warning_case";
    type Context = ();
    async fn create(tx: &mut Tx, actor: &Actor, (): (), d: &Self, at: DateTime<Utc>) -> StoreResult<()> {
        warning_cases::insert(tx, actor, d, at).await.map(drop)
    }
    async fn update(
        tx: &mut Tx,
        actor: &Actor,
        id: i64,
        before: &Self,
        after: &Self,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        warning_cases::apply_update(tx, actor, id, before, after, at).await
    }
}

impl Importable for RiskPointDraft {
    const OBJECT: &'static str = "risk_point";
    type Context = ();
    async fn create(tx: &mut Tx, actor: &Actor, (): (), d: &Self, at: DateTime<Utc>) -> StoreResult<()> {
        crate::risk::flow::insert(tx, actor, d, None, at).await.map(drop)
    }
    async fn update(
        tx: &mut Tx,
        actor: &Actor,
        id: i64,
        before: &Self,
        after: &Self,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        crate::risk::flow::apply_update(tx, actor, id, before, after, at).await.map(|()| true)
    }
}

impl Importable for FindingDraft {
    const OBJECT: &'static str = "finding";
    /// the import page's 问题来源
    type Context = Origin;
    async fn create(tx: &mut Tx, actor: &Actor, origin: Origin, d: &Self, at: DateTime<Utc>) -> StoreResult<()> {
        findings::insert(tx, actor, d, origin, None, "Excel 导入", at).await.map(drop)
    }
    async fn update(
        tx: &mut Tx,
        actor: &Actor,
        id: i64,
        before: &Self,
        after: &Self,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        findings::apply_update(tx, actor, id, before, after, at).await.map(|()| true)
    }
}

async fn write_row<D: Importable>(
    row: &RowWrite<D>,
    tx: &mut Tx,
    actor: &Actor,
    cx: D::Context,
    at: DateTime<Utc>,
) -> StoreResult<Change> {
    Ok(match row {
        RowWrite::Create(d) => D::create(tx, actor, cx, d, at).await.map(|()| Change::Created)?,
        RowWrite::Update { id, before, after } => match D::update(tx, actor, *id, before, after, at).await? {
            true => Change::Updated,
            false => Change::Unchanged,
        },
    })
}

/// Writes the accepted rows of one import (findings of an origin, warning cases, risk points —
/// new risk points as drafts) in one transaction, with its summary record; a row equal to its
/// stored record changes nothing.
pub async fn write_rows<D: Importable>(
    db: &Db,
    actor: &Actor,
    cx: D::Context,
    rows: &[RowWrite<D>],
    skipped: usize,
    at: DateTime<Utc>,
) -> StoreResult<Written> {
    let mut tx = db.begin().await?;
    let mut written = Written::default();
    progress::begin(Stage::Writing, rows.len());
    for row in rows {
        progress::tick(1);
        match write_row(row, &mut tx, actor, cx, at).await? {
            Change::Created => written.created += 1,
            Change::Updated => written.updated += 1,
            Change::Unchanged => {}
        }
    }
    summary(&mut tx, actor, D::OBJECT, "", written, skipped, json!({})).await?;
    tx.commit().await?;
    Ok(written)
}

/// One accepted row of a 任务分解表 import: `id` set when it updates that task; `key` is its
/// number in the file (so later rows can hang under it). The draft's `parent_id` is replaced
/// by the resolved `parent`.
#[derive(Debug, Clone)]
pub struct TaskWrite {
    pub id: Option<i64>,
    pub key: String,
    pub parent: ParentRef,
    pub draft: TaskDraft,
}

/// Writes the accepted tasks of a plan (parents first), then checks that no sub-task ends
/// after its parent in the plan as written.
pub async fn tasks(db: &Db, actor: &Actor, plan_id: i64, rows: &[TaskWrite], skipped: usize) -> StoreResult<Written> {
    let mut tx = db.begin().await?;
    let mut written = Written::default();
    let mut created: HashMap<String, i64> = HashMap::new();
    progress::begin(Stage::Writing, rows.len());
    for r in rows {
        progress::tick(1);
        let draft = TaskDraft { plan_id, parent_id: r.parent.resolve(&created)?, ..r.draft.clone() };
        match r.id {
            Some(id) => {
                plans::apply_task_update(&mut tx, actor, id, &draft).await?;
                written.updated += 1;
            }
            None => {
                let id = plans::insert_task(&mut tx, actor, &draft).await?;
                created.insert(r.key.clone(), id);
                written.created += 1;
            }
        }
    }
    plans::verify_deadlines(&mut tx, plan_id).await?;
    summary(&mut tx, actor, "task", plan_id, written, skipped, json!({ "plan_id": plan_id })).await?;
    tx.commit().await?;
    Ok(written)
}

/// The import's summary record in the audit trail.
async fn summary(
    tx: &mut Tx,
    actor: &Actor,
    object_type: &str,
    object_id: impl ToString,
    written: Written,
    skipped: usize,
    mut extra: Value,
) -> StoreResult<()> {
    extra["created"] = json!(written.created);
    extra["updated"] = json!(written.updated);
    extra["skipped_rows"] = json!(skipped);
    audit::append(tx, actor, "import", object_type, object_id, &extra).await
}

/// Writes the accepted talks of an import (each a ledger entry credited as any, with its own
/// audit record), in one transaction with the summary record.
pub async fn talks(
    db: &Db,
    actor: &Actor,
    rows: &[(qingfeng_domain::talks::TalkDraft, qingfeng_domain::ledger::EntryDraft)],
    skipped: usize,
) -> StoreResult<Written> {
    let mut tx = db.begin().await?;
    let mut written = Written::default();
    progress::begin(Stage::Writing, rows.len());
    for (d, entry) in rows {
        progress::tick(1);
        crate::talks::create_in(&mut tx, actor, d, entry).await?;
        written.created += 1;
    }
    summary(&mut tx, actor, "talk", "", written, skipped, json!({})).await?;
    tx.commit().await?;
    Ok(written)
}

/// Writes the accepted attendance rows of a session's sign-in sheet: a correction of the
/// session's entry (`entry`: its participants the present, with the reason) whose attendance
/// takes the rows, in one transaction with the summary record. Returns the new version's id.
pub async fn attendance(
    db: &Db,
    actor: &Actor,
    current: &crate::ledger::Entry,
    entry: &qingfeng_domain::ledger::EntryDraft,
    rows: &[qingfeng_domain::study::AttendanceRow],
    skipped: usize,
) -> StoreResult<(i64, Written)> {
    let mut tx = db.begin().await?;
    let id = crate::ledger::new_version_in(&mut tx, actor, current, entry, true).await?;
    let (created, updated) = crate::study::apply_rows(&mut tx, current.id, id, rows).await?;
    let written = Written { created, updated };
    summary(&mut tx, actor, "study_attendance", id, written, skipped, json!({"corrects": current.id})).await?;
    tx.commit().await?;
    Ok((id, written))
}
