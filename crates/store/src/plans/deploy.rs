//! Deploying and changing tasks: the checks of a task against the database and the operator's
//! scope (一级抓一级), and the audited writes.

use std::collections::HashSet;

use chrono::NaiveDate;
use qingfeng_domain::plans::{deadline_within_parent, TaskDraft};
use qingfeng_domain::FieldErrors;
use serde_json::{json, Value};

use super::tasks::{can_deploy_under, can_edit, get_task, Task, UnitRef, TASK_COLS, TASK_FROM};
use super::unit_of;
use crate::{args, audit, notify, Actor, Db, Scope, StoreError, StoreResult, Tx};

fn draft_json(d: &TaskDraft) -> Value {
    json!({
        "plan_id": d.plan_id, "parent_id": d.parent_id, "title": d.title,
        "lead_unit_id": d.lead_unit_id, "lead_person_id": d.lead_person_id,
        "support_unit_ids": d.support_unit_ids, "deadline": d.deadline, "business_work": d.business_work,
        "sort_order": d.sort_order,
    })
}

/// A task inside a transaction, without scope (for checks before writing).
async fn task_in_tx(tx: &mut Tx, id: i64) -> StoreResult<Option<Task>> {
    let mut t: Option<Task> =
        tx.fetch_optional(&format!("SELECT {TASK_COLS}{TASK_FROM} WHERE t.id = $1"), args![id]).await?;
    if let Some(t) = t.as_mut() {
        let rows: Vec<UnitRef> = tx
            .fetch_all(
                "SELECT u.id, u.name, u.code FROM task_support_units ts JOIN units u ON u.id = ts.unit_id \
                 WHERE ts.task_id = $1 ORDER BY u.id",
                args![id],
            )
            .await?;
        t.support_units = rows;
    }
    Ok(t)
}

/// Checks a task to be created (`id` None) or changed against the database and the operator's
/// scope: the plan and parent exist, the parent is in the same plan and not the task or below it,
/// the deadline is not after the parent's nor before a sub-task's, units and person exist, newly
/// named units are in scope, and the operator may deploy the task where it is placed.
/// `StoreError::Refused` when the operator may see but not change an existing task.
pub async fn check_task(tx: &mut Tx, scope: &Scope, id: Option<i64>, d: &TaskDraft) -> StoreResult<()> {
    let mut e = FieldErrors::default();
    let plan: Option<(i64, String, String)> = tx
        .fetch_optional(
            "SELECT wp.unit_id, u.path, u.name FROM work_plans wp JOIN units u ON u.id = wp.unit_id WHERE wp.id = $1",
            args![d.plan_id],
        )
        .await?;
    let Some((plan_unit, plan_path, plan_unit_name)) = plan else {
        return Err(StoreError::field("plan_id", format!("工作要点（编号 {}）不存在", d.plan_id)));
    };
    let existing = match id {
        Some(id) => Some(task_in_tx(tx, id).await?.ok_or(StoreError::NotFound)?),
        None => None,
    };
    if let Some(x) = &existing {
        if !can_edit(scope, x) {
            return Err(StoreError::Refused("只有部署该任务的单位可以修改任务".into()));
        }
        if x.plan_id != d.plan_id {
            e.push("plan_id", "任务不能移到其他工作要点");
        }
    }
    // where the task is placed, and who deploys it there
    let moved = existing.as_ref().is_none_or(|x| x.parent_id != d.parent_id);
    match d.parent_id {
        Some(pid) => match task_in_tx(tx, pid).await? {
            None => e.push("parent_id", format!("上级任务（编号 {pid}）不存在")),
            Some(parent) => {
                if parent.plan_id != d.plan_id {
                    e.push("parent_id", "上级任务须属于同一工作要点");
                } else if let Some(id) = id {
                    if is_in_subtree(tx, id, pid).await? {
                        e.push("parent_id", "不能把任务移到它自己或它的下级任务之下");
                    }
                }
                if moved && !can_deploy_under(scope, &parent) {
                    e.push("parent_id", "上级任务的牵头单位不在您的数据范围内，不能在其下分解任务");
                }
                if !deadline_within_parent(d.deadline, parent.deadline) {
                    e.push("deadline", format!("截止日期不能晚于上级任务的截止日期（{}）", parent.deadline));
                }
            }
        },
        None => {
            if moved && !scope.covers_unit(plan_unit, &plan_path) {
                e.push(
                    "parent_id",
                    format!("只有工作要点的部署单位（{plan_unit_name}）可以新增一级任务，请选择上级任务"),
                );
            }
        }
    }
    // units and person: they exist; units newly named on the task are in scope
    let named_before: HashSet<i64> = existing
        .as_ref()
        .map(|x| x.support_units.iter().map(|u| u.id).chain([x.lead_unit_id]).collect())
        .unwrap_or_default();
    if let Some((name, path)) = unit_of(tx, &mut e, "lead_unit_id", "牵头单位", d.lead_unit_id).await? {
        if !named_before.contains(&d.lead_unit_id) && !scope.covers_unit(d.lead_unit_id, &path) {
            e.push("lead_unit_id", format!("牵头单位“{name}”不在您的数据范围内"));
        }
    }
    for u in &d.support_unit_ids {
        if let Some((name, path)) = unit_of(tx, &mut e, "support_unit_ids", "配合单位", *u).await? {
            if !named_before.contains(u) && !scope.covers_unit(*u, &path) {
                e.push("support_unit_ids", format!("配合单位“{name}”不在您的数据范围内"));
            }
        }
    }
    // a newly named 责任人 is someone the operator sees, or someone of the lead unit (and below)
    let person_before = existing.as_ref().and_then(|x| x.lead_person_id);
    if let Some(pid) = d.lead_person_id.filter(|p| Some(*p) != person_before) {
        let row: Option<(i64, String)> = tx
            .fetch_optional(
                "SELECT u.id, u.path FROM people p JOIN units u ON u.id = p.unit_id WHERE p.id = $1",
                args![pid],
            )
            .await?;
        let lead_path: Option<(String,)> =
            tx.fetch_optional("SELECT path FROM units WHERE id = $1", args![d.lead_unit_id]).await?;
        match row {
            None => e.push("lead_person_id", format!("责任人（编号 {pid}）不存在")),
            Some((uid, path)) => {
                let in_lead_unit = lead_path.is_some_and(|(lp,)| path.starts_with(lp.as_str()));
                if !in_lead_unit && !scope.covers_unit(uid, &path) && scope.person_id != Some(pid) {
                    e.push("lead_person_id", format!("责任人（编号 {pid}）不在您的数据范围内，也不属于牵头单位"));
                }
            }
        }
    }
    // a sub-task may not end after this task
    if let Some(id) = id {
        let latest_child: Option<(String, NaiveDate)> = tx
            .fetch_optional(
                "SELECT title, deadline FROM tasks WHERE parent_id = $1 ORDER BY deadline DESC, id LIMIT 1",
                args![id],
            )
            .await?;
        let late_child = latest_child.filter(|(_, deadline)| !deadline_within_parent(*deadline, d.deadline));
        if let Some((title, deadline)) = late_child {
            e.push("deadline", format!("截止日期不能早于下级任务“{title}”的截止日期（{deadline}）"));
        }
    }
    e.into_result()?;
    Ok(())
}

/// Whether `candidate` is `id` or lies below it.
async fn is_in_subtree(tx: &mut Tx, id: i64, candidate: i64) -> StoreResult<bool> {
    let mut cur = Some(candidate);
    let mut steps = 0;
    while let Some(c) = cur {
        if c == id {
            return Ok(true);
        }
        steps += 1;
        if steps > 10_000 {
            return Ok(true);
        }
        let row: Option<(Option<i64>,)> =
            tx.fetch_optional("SELECT parent_id FROM tasks WHERE id = $1", args![c]).await?;
        cur = row.and_then(|r| r.0);
    }
    Ok(false)
}

async fn set_support_units(tx: &mut Tx, task_id: i64, units: &[i64]) -> StoreResult<()> {
    tx.execute("DELETE FROM task_support_units WHERE task_id = $1", args![task_id]).await?;
    for u in units {
        tx.execute("INSERT INTO task_support_units (task_id, unit_id) VALUES ($1, $2)", args![task_id, *u]).await?;
    }
    Ok(())
}

/// Writes a new task in an open transaction, audited. Callers check it first ([`check_task`], or
/// an import's own checks of the whole tree followed by [`verify_deadlines`]).
pub async fn insert_task(tx: &mut Tx, actor: &Actor, d: &TaskDraft) -> StoreResult<i64> {
    let now = crate::now();
    let (id,): (i64,) = tx
        .fetch_one(
            "INSERT INTO tasks (plan_id, parent_id, title, lead_unit_id, lead_person_id, deadline, business_work, \
             completed_on, sort_order, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8, $9, $9) RETURNING id",
            args![
                d.plan_id,
                d.parent_id,
                d.title.clone(),
                d.lead_unit_id,
                d.lead_person_id,
                d.deadline,
                d.business_work.clone(),
                d.sort_order,
                now
            ],
        )
        .await?;
    set_support_units(tx, id, &d.support_unit_ids).await?;
    audit::append(tx, actor, "create", "task", id, &audit::diff(&json!({}), &draft_json(d))).await?;
    tell_lead(tx, actor, id).await?;
    Ok(id)
}

/// Changes a task in an open transaction, audited with the fields that changed.
pub async fn apply_task_update(tx: &mut Tx, actor: &Actor, id: i64, d: &TaskDraft) -> StoreResult<()> {
    let before = task_in_tx(tx, id).await?.ok_or(StoreError::NotFound)?;
    let change = audit::diff(&before.audit_json(), &draft_json(d));
    if change.as_object().is_none_or(|m| m.is_empty()) {
        return Ok(());
    }
    tx.execute(
        "UPDATE tasks SET parent_id = $1, title = $2, lead_unit_id = $3, lead_person_id = $4, deadline = $5, \
         business_work = $6, sort_order = $7, updated_at = $8 WHERE id = $9",
        args![
            d.parent_id,
            d.title.clone(),
            d.lead_unit_id,
            d.lead_person_id,
            d.deadline,
            d.business_work.clone(),
            d.sort_order,
            crate::now(),
            id
        ],
    )
    .await?;
    if change.get("support_unit_ids").is_some() {
        set_support_units(tx, id, &d.support_unit_ids).await?;
    }
    audit::append(tx, actor, "update", "task", id, &change).await?;
    if (before.lead_unit_id, before.lead_person_id) != (d.lead_unit_id, d.lead_person_id) {
        tell_lead(tx, actor, id).await?;
    }
    Ok(())
}

/// Tells a task's lead that it was given the task (new, broken down, or handed over): its
/// responsible person, or else the head of its lead unit.
async fn tell_lead(tx: &mut Tx, actor: &Actor, id: i64) -> StoreResult<()> {
    if actor.words.is_none() {
        return Ok(());
    }
    #[derive(sqlx::FromRow)]
    struct Lead {
        title: String,
        deadline: NaiveDate,
        lead_unit_id: i64,
        lead_person_id: Option<i64>,
        unit_name: String,
        parent_title: Option<String>,
    }
    let t: Lead = tx
        .fetch_one(
            "SELECT t.title, t.deadline, t.lead_unit_id, t.lead_person_id, u.name AS unit_name, pt.title AS parent_title \
             FROM tasks t JOIN units u ON u.id = t.lead_unit_id LEFT JOIN tasks pt ON pt.id = t.parent_id WHERE t.id = $1",
            args![id],
        )
        .await?;
    let people = notify::person_or_heads(tx, t.lead_unit_id, t.lead_person_id).await?;
    let accounts = notify::accounts_of(tx, &people).await?;
    let event = notify::Event::TaskAssigned {
        task_id: id,
        title: t.title,
        deadline: t.deadline,
        unit_name: t.unit_name,
        parent_title: t.parent_title,
    };
    notify::tell(tx, actor, &accounts, &event).await?;
    Ok(())
}

/// After writing many tasks at once: no task of the plan ends after its parent.
pub async fn verify_deadlines(tx: &mut Tx, plan_id: i64) -> StoreResult<()> {
    let rows: Vec<(String, NaiveDate, NaiveDate)> = tx
        .fetch_all(
            "SELECT c.title, c.deadline, p.deadline FROM tasks c JOIN tasks p ON p.id = c.parent_id \
             WHERE c.plan_id = $1 ORDER BY c.id",
            args![plan_id],
        )
        .await?;
    match rows.into_iter().find(|(_, child, parent)| !deadline_within_parent(*child, *parent)) {
        Some((title, _, deadline)) => Err(StoreError::field(
            "deadline",
            format!("任务“{title}”的截止日期不能晚于上级任务的截止日期（{deadline}）"),
        )),
        None => Ok(()),
    }
}

/// Creates a task after [`check_task`].
pub async fn create_task(db: &Db, actor: &Actor, scope: &Scope, d: &TaskDraft) -> StoreResult<Task> {
    let mut tx = db.begin().await?;
    check_task(&mut tx, scope, None, d).await?;
    let id = insert_task(&mut tx, actor, d).await?;
    tx.commit().await?;
    get_task(db, &Scope::all(), id).await
}

/// Changes a task after [`check_task`].
pub async fn update_task(db: &Db, actor: &Actor, scope: &Scope, id: i64, d: &TaskDraft) -> StoreResult<Task> {
    let mut tx = db.begin().await?;
    check_task(&mut tx, scope, Some(id), d).await?;
    apply_task_update(&mut tx, actor, id, d).await?;
    tx.commit().await?;
    get_task(db, &Scope::all(), id).await
}
