//! Reading tasks (任务分解): the task list with its filters, the tasks of a plan in tree order
//! with their hierarchical numbers, one task.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use qingfeng_domain::plans::{format_number, task_state, TaskState};
use serde::Serialize;
use serde_json::{json, Value};

use super::today;
use super::visibility::task_visible;
use crate::query::like_contains;
use crate::{args, Db, Page, Paging, QueryBuilder, Scope, StoreResult};

/// A unit named on a task (配合单位).
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitRef {
    pub id: i64,
    pub name: String,
    pub code: String,
}

/// A task with what lists and pages show of it. `number`, `depth`, `support_units` and the state
/// are filled after reading.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Task {
    pub id: i64,
    pub plan_id: i64,
    pub plan_title: String,
    pub plan_year: i64,
    pub parent_id: Option<i64>,
    /// Hierarchical number within the whole plan: "1", "1.2", "1.2.3".
    #[sqlx(skip)]
    pub number: String,
    /// 0 for a first-level task.
    #[sqlx(skip)]
    pub depth: i64,
    pub title: String,
    pub lead_unit_id: i64,
    pub lead_unit_name: String,
    #[serde(skip)]
    pub lead_unit_path: String,
    pub lead_person_id: Option<i64>,
    pub lead_person_name: Option<String>,
    #[sqlx(skip)]
    pub support_units: Vec<UnitRef>,
    pub deadline: NaiveDate,
    pub business_work: String,
    pub completed_on: Option<NaiveDate>,
    /// Completed, but after the deadline.
    #[sqlx(skip)]
    pub completed_late: bool,
    pub sort_order: i64,
    /// The unit that deployed the task: the parent's lead unit, or the plan's unit.
    pub deployer_unit_id: i64,
    #[serde(skip)]
    pub deployer_unit_path: String,
    /// `not_started`, `in_progress`, `completed` or `overdue`.
    #[sqlx(skip)]
    pub state: String,
    /// 未开始, 进行中, 已完成 or 逾期.
    #[sqlx(skip)]
    pub state_label: String,
    pub update_count: i64,
    /// The text of the latest progress update.
    pub latest_update: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// voided (作废): hidden from lists and counts until restored
    pub voided: bool,
}

impl Task {
    pub fn task_state(&self, today: NaiveDate) -> TaskState {
        task_state(self.deadline, self.completed_on, self.update_count > 0, today)
    }

    fn finish(&mut self, today: NaiveDate) {
        let s = self.task_state(today);
        self.state = s.key().to_string();
        self.state_label = s.label().to_string();
        self.completed_late = self.completed_on.is_some_and(|c| c > self.deadline);
    }

    pub(super) fn audit_json(&self) -> Value {
        let mut support: Vec<i64> = self.support_units.iter().map(|u| u.id).collect();
        support.sort_unstable();
        json!({
            "plan_id": self.plan_id, "parent_id": self.parent_id, "title": self.title,
            "lead_unit_id": self.lead_unit_id, "lead_person_id": self.lead_person_id,
            "support_unit_ids": support, "deadline": self.deadline, "business_work": self.business_work,
            "sort_order": self.sort_order,
        })
    }
}

/// Whether the operator may change the task's definition or deploy tasks under it: the scope
/// covers the unit that deployed it.
pub fn can_edit(scope: &Scope, t: &Task) -> bool {
    scope.covers_unit(t.deployer_unit_id, &t.deployer_unit_path)
}

/// Whether the operator may break the task down into sub-tasks: the scope covers its lead unit
/// (一级抓一级), or the operator may edit the task itself.
pub fn can_deploy_under(scope: &Scope, t: &Task) -> bool {
    scope.covers_unit(t.lead_unit_id, &t.lead_unit_path) || can_edit(scope, t)
}

pub(super) const TASK_COLS: &str = "t.id, t.plan_id, wp.title AS plan_title, wp.year AS plan_year, t.parent_id, t.title, \
    t.lead_unit_id, lu.name AS lead_unit_name, lu.path AS lead_unit_path, t.lead_person_id, lp.name AS lead_person_name, \
    t.deadline, t.business_work, t.completed_on, t.sort_order, \
    COALESCE(pt.lead_unit_id, wp.unit_id) AS deployer_unit_id, COALESCE(plu.path, pu.path) AS deployer_unit_path, \
    (SELECT COUNT(*) FROM task_updates x WHERE x.task_id = t.id) AS update_count, \
    (SELECT x.text FROM task_updates x WHERE x.task_id = t.id ORDER BY x.update_date DESC, x.id DESC LIMIT 1) AS latest_update, \
    t.created_at, t.updated_at, t.voided_at IS NOT NULL AS voided";

pub(super) const TASK_FROM: &str =
    " FROM tasks t JOIN work_plans wp ON wp.id = t.plan_id JOIN units pu ON pu.id = wp.unit_id \
    JOIN units lu ON lu.id = t.lead_unit_id LEFT JOIN people lp ON lp.id = t.lead_person_id \
    LEFT JOIN tasks pt ON pt.id = t.parent_id LEFT JOIN units plu ON plu.id = pt.lead_unit_id";

/// Filters of the task list.
#[derive(Debug, Clone, Default)]
pub struct TaskFilter {
    pub plan_id: Option<i64>,
    pub year: Option<i64>,
    /// tasks whose lead unit or a support unit is this unit (or below it, with `include_sub`)
    pub unit_id: Option<i64>,
    pub include_sub: bool,
    pub state: Option<TaskState>,
    /// matches the title, the business work or the lead unit's name
    pub q: Option<String>,
    /// tasks this person leads (牵头人)
    pub lead_person_id: Option<i64>,
    /// not completed, with a deadline on or before this date (overdue ones included)
    pub open_due_by: Option<NaiveDate>,
    /// live (the default), voided (作废) or both
    pub voided: crate::query::Voided,
}

async fn task_query(db: &Db, scope: &Scope, f: &TaskFilter, today: NaiveDate) -> StoreResult<QueryBuilder> {
    let mut q = QueryBuilder::new();
    if let Some((c, v)) = task_visible(scope) {
        q.and(&c, v);
    }
    f.voided.restrict(&mut q, "t.voided_at");
    if let Some(p) = f.plan_id {
        q.and("t.plan_id = ?", args![p]);
    }
    if let Some(y) = f.year {
        q.and("wp.year = ?", args![y]);
    }
    if let Some(unit_id) = f.unit_id {
        if f.include_sub {
            let (lo, hi) = crate::query::unit_subtree_range(db, unit_id).await?;
            q.and(
                "((lu.path >= ? AND lu.path < ?) OR EXISTS (SELECT 1 FROM task_support_units fs JOIN units fu ON fu.id = fs.unit_id \
                 WHERE fs.task_id = t.id AND fu.path >= ? AND fu.path < ?))",
                args![lo.clone(), hi.clone(), lo, hi],
            );
        } else {
            q.and(
                "(t.lead_unit_id = ? OR EXISTS (SELECT 1 FROM task_support_units fs WHERE fs.task_id = t.id AND fs.unit_id = ?))",
                args![unit_id, unit_id],
            );
        }
    }
    if let Some(p) = f.lead_person_id {
        q.and("t.lead_person_id = ?", args![p]);
    }
    if let Some(by) = f.open_due_by {
        q.and("t.completed_on IS NULL AND t.deadline <= ?", args![by]);
    }
    let has_update = "EXISTS (SELECT 1 FROM task_updates x WHERE x.task_id = t.id)";
    match f.state {
        None => {}
        Some(TaskState::Completed) => {
            q.and("t.completed_on IS NOT NULL", vec![]);
        }
        Some(TaskState::Overdue) => {
            q.and("t.completed_on IS NULL AND t.deadline < ?", args![today]);
        }
        Some(TaskState::InProgress) => {
            q.and(&format!("t.completed_on IS NULL AND t.deadline >= ? AND {has_update}"), args![today]);
        }
        Some(TaskState::NotStarted) => {
            q.and(&format!("t.completed_on IS NULL AND t.deadline >= ? AND NOT {has_update}"), args![today]);
        }
    }
    if let Some(text) = f.q.as_deref().filter(|s| !s.is_empty()) {
        let pat = like_contains(text);
        q.and(
            "(t.title LIKE ? ESCAPE '\\' OR t.business_work LIKE ? ESCAPE '\\' OR lu.name LIKE ? ESCAPE '\\')",
            args![pat.clone(), pat.clone(), pat],
        );
    }
    Ok(q)
}

/// (number, depth) of every task of a plan, from the tree of (id, parent, sort order).
pub fn number_tree(rows: &[(i64, Option<i64>, i64)]) -> HashMap<i64, (String, i64)> {
    let ids: HashSet<i64> = rows.iter().map(|r| r.0).collect();
    let mut children: HashMap<Option<i64>, Vec<(i64, i64)>> = HashMap::new();
    for (id, parent, sort) in rows {
        children.entry(parent.filter(|p| ids.contains(p))).or_default().push((*sort, *id));
    }
    for kids in children.values_mut() {
        kids.sort_unstable();
    }
    let mut out = HashMap::with_capacity(rows.len());
    let mut stack: Vec<(i64, Vec<u32>)> = Vec::new();
    let push_kids = |stack: &mut Vec<(i64, Vec<u32>)>, parent: Option<i64>, prefix: &[u32]| {
        if let Some(kids) = children.get(&parent) {
            for (i, (_, id)) in kids.iter().enumerate().rev() {
                let mut n = prefix.to_vec();
                n.push(i as u32 + 1);
                stack.push((*id, n));
            }
        }
    };
    push_kids(&mut stack, None, &[]);
    while let Some((id, n)) = stack.pop() {
        push_kids(&mut stack, Some(id), &n);
        out.insert(id, (format_number(&n), n.len() as i64 - 1));
    }
    out
}

/// Hierarchical numbers of every task of a plan.
pub async fn plan_numbers(db: &Db, plan_id: i64) -> StoreResult<HashMap<i64, (String, i64)>> {
    let rows: Vec<(i64, Option<i64>, i64)> = db
        .fetch_all(
            "SELECT id, parent_id, sort_order FROM tasks WHERE plan_id = $1 AND voided_at IS NULL",
            args![plan_id],
        )
        .await?;
    Ok(number_tree(&rows))
}

/// Support units of the given tasks, by task id.
async fn support_units(db: &Db, task_ids: &[i64]) -> StoreResult<HashMap<i64, Vec<UnitRef>>> {
    let mut out: HashMap<i64, Vec<UnitRef>> = HashMap::new();
    for chunk in task_ids.chunks(500) {
        let mut q = QueryBuilder::new();
        let marks: Vec<String> = chunk.iter().map(|id| q.bind(*id)).collect();
        let rows: Vec<(i64, i64, String, String)> = db
            .fetch_all(
                &format!(
                    "SELECT ts.task_id, u.id, u.name, u.code FROM task_support_units ts JOIN units u ON u.id = ts.unit_id \
                     WHERE ts.task_id IN ({}) ORDER BY u.sort_path, u.id",
                    marks.join(", ")
                ),
                q.args(),
            )
            .await?;
        for (task_id, id, name, code) in rows {
            out.entry(task_id).or_default().push(UnitRef { id, name, code });
        }
    }
    Ok(out)
}

/// Fills numbers, support units and states of tasks read from the database.
async fn complete(db: &Db, tasks: &mut [Task], today: NaiveDate) -> StoreResult<()> {
    let ids: Vec<i64> = tasks.iter().map(|t| t.id).collect();
    let mut support = support_units(db, &ids).await?;
    let mut numbers: HashMap<i64, HashMap<i64, (String, i64)>> = HashMap::new();
    for t in tasks.iter_mut() {
        if let std::collections::hash_map::Entry::Vacant(slot) = numbers.entry(t.plan_id) {
            slot.insert(plan_numbers(db, t.plan_id).await?);
        }
        if let Some((n, d)) = numbers.get(&t.plan_id).and_then(|m| m.get(&t.id)) {
            t.number = n.clone();
            t.depth = *d;
        }
        t.support_units = support.remove(&t.id).unwrap_or_default();
        t.finish(today);
    }
    Ok(())
}

/// Tasks in scope matching the filter, by deadline.
pub async fn list_tasks(db: &Db, scope: &Scope, f: &TaskFilter, paging: Paging) -> StoreResult<Page<Task>> {
    let today = today();
    let q = task_query(db, scope, f, today).await?;
    let order = crate::query::SeekOrder { keys: &["t.deadline", "t.plan_id", "t.id"], desc: false };
    let list = crate::query::ListSql { cols: TASK_COLS, from: TASK_FROM, q, order };
    let mut page: Page<Task> = crate::query::fetch_seek_page(db, list, Some(paging)).await?;
    complete(db, &mut page.items, today).await?;
    Ok(page)
}

/// The tasks of a plan that the scope sees, in tree order (parents before children, siblings by
/// sort order), numbered within the whole plan.
pub async fn plan_tasks(db: &Db, scope: &Scope, plan_id: i64) -> StoreResult<Vec<Task>> {
    let today = today();
    let f = TaskFilter { plan_id: Some(plan_id), ..Default::default() };
    let q = task_query(db, scope, &f, today).await?;
    let mut tasks: Vec<Task> =
        db.fetch_all(&format!("SELECT {TASK_COLS}{TASK_FROM}{}", q.where_clause()), q.args()).await?;
    complete(db, &mut tasks, today).await?;
    // tree order is the order of the numbers, compared part by part
    let key = |t: &Task| t.number.split('.').map(|p| p.parse::<u32>().unwrap_or(0)).collect::<Vec<_>>();
    tasks.sort_by_cached_key(key);
    Ok(tasks)
}

/// A task by id, or NotFound when it does not exist or lies outside the scope.
pub async fn get_task(db: &Db, scope: &Scope, id: i64) -> StoreResult<Task> {
    let today = today();
    let any = TaskFilter { voided: crate::query::Voided::Any, ..Default::default() };
    let mut q = task_query(db, scope, &any, today).await?;
    q.and("t.id = ?", args![id]);
    let mut t: Task = db.fetch_one(&format!("SELECT {TASK_COLS}{TASK_FROM}{}", q.where_clause()), q.args()).await?;
    complete(db, std::slice::from_mut(&mut t), today).await?;
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_follow_the_tree_and_sort_order() {
        // 10 and 11 are first-level (11 sorts first), 12 and 13 are children of 10, 14 of 13
        let rows = vec![(10, None, 2), (11, None, 1), (12, Some(10), 0), (13, Some(10), 0), (14, Some(13), 5)];
        let n = number_tree(&rows);
        assert_eq!(n[&11], ("1".to_string(), 0));
        assert_eq!(n[&10], ("2".to_string(), 0));
        assert_eq!(n[&12], ("2.1".to_string(), 1));
        assert_eq!(n[&13], ("2.2".to_string(), 1));
        assert_eq!(n[&14], ("2.2.1".to_string(), 2));
    }
}
