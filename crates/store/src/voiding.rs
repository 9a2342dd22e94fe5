//! 作废: a record made by mistake (a ledger entry, a finding before it is fed back, a task) is
//! voided with a reason instead of being deleted: hidden from lists and counts, shown with a
//! filter, restorable, and every voiding and restoring is kept in `voidings` and audited.
//!
//! A record that someone else's step depends on is refused, naming the dependency: a finding
//! already fed back or with measures, a task with sub-tasks or progress reports. The caller
//! checks the permission and the data scope (it reads the record through its scope first).

use chrono::{DateTime, Utc};
use qingfeng_domain::voiding::Voidable;
use serde::Serialize;
use serde_json::json;

use crate::{args, audit, Actor, Db, StoreError, StoreResult, Tx};

/// One voiding of a record and, once restored, its restoring.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Voiding {
    pub id: i64,
    pub reason: String,
    pub voided_by: Option<String>,
    pub voided_at: DateTime<Utc>,
    pub restored_by: Option<String>,
    pub restored_at: Option<DateTime<Utc>>,
    pub restore_reason: Option<String>,
}

/// The table that holds records of this kind.
fn table(kind: Voidable) -> &'static str {
    match kind {
        Voidable::LedgerEntry => "ledger_entries",
        Voidable::Finding => "findings",
        Voidable::Task => "tasks",
    }
}

/// Voids a record (already read through the caller's scope) with a reason.
pub async fn void(db: &Db, actor: &Actor, kind: Voidable, id: i64, reason: &str) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    let (voided,): (bool,) =
        tx.fetch_one(&format!("SELECT voided_at IS NOT NULL FROM {} WHERE id = $1", table(kind)), args![id]).await?;
    if voided {
        return Err(StoreError::Refused(format!("这条{}已作废", kind.label())));
    }
    if let Some(dependency) = dependency(&mut tx, kind, id).await? {
        return Err(StoreError::Refused(format!("不能作废：{dependency}")));
    }
    let now = crate::now();
    tx.execute(&format!("UPDATE {} SET voided_at = $1 WHERE id = $2", table(kind)), args![now, id]).await?;
    if kind == Voidable::LedgerEntry {
        crate::ledger::uncredit(&mut tx, id).await?;
        crate::responsibility::bump_version(&mut tx).await?;
    }
    tx.execute(
        "INSERT INTO voidings (entity, entity_id, reason, voided_by, voided_at) VALUES ($1, $2, $3, $4, $5)",
        args![kind.key(), id, reason, actor.account_id, now],
    )
    .await?;
    audit::append(&mut tx, actor, "void", kind.key(), id, &json!({ "reason": reason })).await?;
    tx.commit().await
}

/// Restores a voided record: it is counted and listed again.
pub async fn restore(db: &Db, actor: &Actor, kind: Voidable, id: i64, reason: &str) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    let (voided,): (bool,) =
        tx.fetch_one(&format!("SELECT voided_at IS NOT NULL FROM {} WHERE id = $1", table(kind)), args![id]).await?;
    if !voided {
        return Err(StoreError::Refused(format!("这条{}没有作废，无需恢复", kind.label())));
    }
    let now = crate::now();
    tx.execute(&format!("UPDATE {} SET voided_at = NULL WHERE id = $1", table(kind)), args![id]).await?;
    if kind == Voidable::LedgerEntry {
        crate::ledger::credit_stored(&mut tx, id).await?;
        crate::responsibility::bump_version(&mut tx).await?;
    }
    tx.execute(
        "UPDATE voidings SET restored_by = $1, restored_at = $2, restore_reason = $3 \
         WHERE entity = $4 AND entity_id = $5 AND restored_at IS NULL",
        args![actor.account_id, now, reason, kind.key(), id],
    )
    .await?;
    audit::append(&mut tx, actor, "restore", kind.key(), id, &json!({ "reason": reason })).await?;
    tx.commit().await
}

/// Every voiding of a record, oldest first.
pub async fn history(db: &Db, kind: Voidable, id: i64) -> StoreResult<Vec<Voiding>> {
    db.fetch_all(
        "SELECT v.id, v.reason, va.username AS voided_by, v.voided_at, ra.username AS restored_by, v.restored_at, \
         v.restore_reason FROM voidings v LEFT JOIN accounts va ON va.id = v.voided_by \
         LEFT JOIN accounts ra ON ra.id = v.restored_by WHERE v.entity = $1 AND v.entity_id = $2 ORDER BY v.id",
        args![kind.key(), id],
    )
    .await
}

/// What depends on the record, in words, or None when it may be voided.
async fn dependency(tx: &mut Tx, kind: Voidable, id: i64) -> StoreResult<Option<String>> {
    Ok(match kind {
        Voidable::LedgerEntry => ledger_entry_dependency(tx, id).await?,
        Voidable::Finding => finding_dependency(tx, id).await?,
        Voidable::Task => task_dependency(tx, id).await?,
    })
}

async fn ledger_entry_dependency(tx: &mut Tx, id: i64) -> StoreResult<Option<String>> {
    let (superseded,): (bool,) = tx.fetch_one("SELECT superseded FROM ledger_entries WHERE id = $1", args![id]).await?;
    Ok(superseded.then(|| "这是已被更正的历史版本，请作废最新版本".to_string()))
}

async fn finding_dependency(tx: &mut Tx, id: i64) -> StoreResult<Option<String>> {
    let (state,): (String,) = tx.fetch_one("SELECT state FROM findings WHERE id = $1", args![id]).await?;
    if state != "recorded" {
        return Ok(Some("问题已反馈给责任单位，整改流程已经开始；反馈前登记错误的问题才能作废".into()));
    }
    let counts = [
        ("SELECT COUNT(*) FROM rectification_measures WHERE finding_id = $1", "整改措施"),
        ("SELECT COUNT(*) FROM findings WHERE recurrence_of = $1 AND voided_at IS NULL", "复发问题"),
        ("SELECT COUNT(*) FROM discipline_records WHERE finding_id = $1", "“四种形态”或处分记录"),
    ];
    count_dependencies(tx, id, &counts).await
}

async fn task_dependency(tx: &mut Tx, id: i64) -> StoreResult<Option<String>> {
    let counts = [
        ("SELECT COUNT(*) FROM tasks WHERE parent_id = $1 AND voided_at IS NULL", "未作废的子任务"),
        ("SELECT COUNT(*) FROM task_updates WHERE task_id = $1", "进展报告"),
        (
            "SELECT COUNT(*) FROM ledger_task_links l JOIN ledger_entries e ON e.id = l.entry_id \
             WHERE l.task_id = $1 AND e.superseded = FALSE AND e.voided_at IS NULL",
            "关联的台账记录",
        ),
    ];
    count_dependencies(tx, id, &counts).await
}

/// The first dependency with rows, as "已有 N 条X".
async fn count_dependencies(tx: &mut Tx, id: i64, counts: &[(&str, &str)]) -> StoreResult<Option<String>> {
    for (sql, what) in counts {
        let (n,): (i64,) = tx.fetch_one(sql, args![id]).await?;
        if n > 0 {
            return Ok(Some(format!("已有 {n} 条{what}依赖这条记录")));
        }
    }
    Ok(None)
}
