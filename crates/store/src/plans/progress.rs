//! Progress updates (进展情况) of tasks, and the completion a final update records.

use chrono::{DateTime, NaiveDate, Utc};
use qingfeng_domain::plans::UpdateFields;
use serde::Serialize;
use serde_json::{json, Value};

use crate::{args, audit, Actor, Db, StoreError, StoreResult};

/// A progress update (进展情况) of a task.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskUpdate {
    pub id: i64,
    pub task_id: i64,
    pub update_date: NaiveDate,
    pub text: String,
    pub evidence: String,
    pub completes: bool,
    pub late_reason: String,
    pub account_id: Option<i64>,
    pub username: Option<String>,
    pub created_at: DateTime<Utc>,
}

const UPDATE_COLS: &str = "tu.id, tu.task_id, tu.update_date, tu.text, tu.evidence, tu.completes, tu.late_reason, \
    tu.account_id, a.username, tu.created_at FROM task_updates tu LEFT JOIN accounts a ON a.id = tu.account_id";

/// The updates of a task, newest first.
pub async fn updates(db: &Db, task_id: i64) -> StoreResult<Vec<TaskUpdate>> {
    db.fetch_all(
        &format!("SELECT {UPDATE_COLS} WHERE tu.task_id = $1 ORDER BY tu.update_date DESC, tu.id DESC"),
        args![task_id],
    )
    .await
}

/// Records a progress update of a task the caller has found in scope. The update is checked
/// against the task (late reason after the deadline); a completing update needs every sub-task
/// completed, sets the completion date and may come only once.
pub async fn add_update(
    db: &Db,
    actor: &Actor,
    task_id: i64,
    fields: &UpdateFields,
    today: NaiveDate,
) -> StoreResult<TaskUpdate> {
    let mut tx = db.begin().await?;
    // touching the row first serializes concurrent completions of one task on PostgreSQL
    let row: Option<(NaiveDate, Option<NaiveDate>)> = tx
        .fetch_optional(
            "UPDATE tasks SET updated_at = $1 WHERE id = $2 RETURNING deadline, completed_on",
            args![crate::now(), task_id],
        )
        .await?;
    let (deadline, completed_on) = row.ok_or(StoreError::NotFound)?;
    let d = fields.validate(deadline, completed_on, today)?;
    if d.completes {
        if let Some(c) = completed_on {
            return Err(StoreError::field("completes", format!("该任务已于 {c} 报完成")));
        }
        let (open,): (i64,) = tx
            .fetch_one(
                "SELECT COUNT(*) FROM tasks WHERE parent_id = $1 AND completed_on IS NULL AND voided_at IS NULL",
                args![task_id],
            )
            .await?;
        if open > 0 {
            return Err(StoreError::field("completes", format!("还有 {open} 项下级任务未完成，不能报完成")));
        }
    }
    let (id,): (i64,) = tx
        .fetch_one(
            "INSERT INTO task_updates (task_id, update_date, text, evidence, completes, late_reason, account_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            args![
                task_id,
                d.update_date,
                d.text.clone(),
                d.evidence.clone(),
                d.completes,
                d.late_reason.clone(),
                actor.account_id,
                crate::now()
            ],
        )
        .await?;
    let after = json!({
        "task_id": task_id, "update_date": d.update_date, "text": d.text, "evidence": d.evidence,
        "completes": d.completes, "late_reason": d.late_reason,
    });
    audit::append(&mut tx, actor, "create", "task_update", id, &audit::diff(&json!({}), &after)).await?;
    if d.completes {
        tx.execute("UPDATE tasks SET completed_on = $1 WHERE id = $2", args![d.update_date, task_id]).await?;
        audit::append(
            &mut tx,
            actor,
            "complete",
            "task",
            task_id,
            &json!({"completed_on": [Value::Null, d.update_date]}),
        )
        .await?;
    }
    tx.commit().await?;
    db.fetch_one(&format!("SELECT {UPDATE_COLS} WHERE tu.id = $1"), args![id]).await
}
