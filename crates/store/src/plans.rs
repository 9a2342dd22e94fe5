//! 工作要点 and 任务分解: work plans, the task tree under each plan (一级抓一级) and progress
//! updates.
//!
//! Data scope: a plan is visible when its unit is in scope or when one of its tasks is; a task is
//! visible when its lead unit or one of its support units is in scope (or, for 仅本人, when the
//! operator is its 责任人). A task is deployed by its parent's lead unit, or by the plan's unit
//! for a first-level task: only an operator whose scope covers the deploying unit may create or
//! change a task's definition, so a lead unit cannot move its own deadline. Progress is reported
//! by anyone who sees the task.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use qingfeng_domain::plans::{format_number, task_state, PlanDraft, TaskDraft, TaskState, UpdateFields};
use qingfeng_domain::FieldErrors;
use serde::Serialize;
use serde_json::{json, Value};

use crate::query::{like_contains, subtree_range};
use crate::{args, audit, Actor, Arg, Db, Page, Paging, QueryBuilder, Scope, StoreError, StoreResult, Tx};

/// Today in China Standard Time (UTC+8): deadlines are calendar days of the office.
pub fn today() -> NaiveDate {
    Utc::now().with_timezone(&FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")).date_naive()
}

// ------------------------------------------------------------------ scope conditions

/// OR-parts (with `?` marks) matching a unit column against the scope's subtrees and units.
fn unit_parts(scope: &Scope, path_col: &str, id_col: &str) -> (Vec<String>, Vec<Arg>) {
    let mut parts = Vec::new();
    let mut values: Vec<Arg> = Vec::new();
    for path in &scope.subtrees {
        let (lo, hi) = subtree_range(path);
        parts.push(format!("({path_col} >= ? AND {path_col} < ?)"));
        values.push(lo.into());
        values.push(hi.into());
    }
    for id in &scope.units {
        parts.push(format!("{id_col} = ?"));
        values.push((*id).into());
    }
    (parts, values)
}

fn or_condition(parts: Vec<String>, values: Vec<Arg>) -> (String, Vec<Arg>) {
    if parts.is_empty() {
        ("1 = 0".to_string(), vec![])
    } else {
        (format!("({})", parts.join(" OR ")), values)
    }
}

/// The visibility condition of a task aliased `t` with its lead unit joined as `lu`; None for 全部.
fn task_visible(scope: &Scope) -> Option<(String, Vec<Arg>)> {
    if scope.all {
        return None;
    }
    let (mut parts, mut values) = unit_parts(scope, "lu.path", "lu.id");
    if let Some(pid) = scope.person_id {
        parts.push("t.lead_person_id = ?".into());
        values.push(pid.into());
    }
    let (sp, sv) = unit_parts(scope, "su.path", "su.id");
    if !sp.is_empty() {
        parts.push(format!(
            "EXISTS (SELECT 1 FROM task_support_units ts JOIN units su ON su.id = ts.unit_id WHERE ts.task_id = t.id AND ({}))",
            sp.join(" OR ")
        ));
        values.extend(sv);
    }
    Some(or_condition(parts, values))
}

/// The visibility condition of a plan aliased `wp` with its unit joined as `u`; None for 全部.
fn plan_visible(scope: &Scope) -> Option<(String, Vec<Arg>)> {
    let (tc, tv) = task_visible(scope)?;
    let (mut parts, mut values) = unit_parts(scope, "u.path", "u.id");
    parts.push(format!(
        "EXISTS (SELECT 1 FROM tasks t JOIN units lu ON lu.id = t.lead_unit_id WHERE t.plan_id = wp.id AND {tc})"
    ));
    values.extend(tv);
    Some(or_condition(parts, values))
}

// ------------------------------------------------------------------ work plans

/// A work plan (工作要点) with counts of its tasks.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct WorkPlan {
    pub id: i64,
    pub year: i64,
    pub unit_id: i64,
    pub unit_name: String,
    #[serde(skip)]
    pub unit_path: String,
    pub title: String,
    pub task_count: i64,
    pub completed_count: i64,
    pub overdue_count: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The select list of a plan; `today` is the placeholder of today's date.
fn plan_cols(today: &str) -> String {
    format!(
        "wp.id, wp.year, wp.unit_id, u.name AS unit_name, u.path AS unit_path, wp.title, \
         (SELECT COUNT(*) FROM tasks x WHERE x.plan_id = wp.id) AS task_count, \
         (SELECT COUNT(*) FROM tasks x WHERE x.plan_id = wp.id AND x.completed_on IS NOT NULL) AS completed_count, \
         (SELECT COUNT(*) FROM tasks x WHERE x.plan_id = wp.id AND x.completed_on IS NULL AND x.deadline < {today}) AS overdue_count, \
         wp.created_at, wp.updated_at"
    )
}

const PLAN_FROM: &str = " FROM work_plans wp JOIN units u ON u.id = wp.unit_id";

#[derive(Debug, Clone, Default)]
pub struct PlanFilter {
    pub year: Option<i64>,
    pub unit_id: Option<i64>,
    /// matches the title or the unit name
    pub q: Option<String>,
}

/// The plan query: the filter's conditions, then today's date bound last for the select list,
/// so that a COUNT over the same conditions can leave it out.
fn plan_query(scope: &Scope, f: &PlanFilter, today: NaiveDate) -> (QueryBuilder, String) {
    let mut q = QueryBuilder::new();
    if let Some((c, v)) = plan_visible(scope) {
        q.and(&c, v);
    }
    if let Some(y) = f.year {
        q.and("wp.year = ?", args![y]);
    }
    if let Some(u) = f.unit_id {
        q.and("wp.unit_id = ?", args![u]);
    }
    if let Some(text) = f.q.as_deref().filter(|s| !s.is_empty()) {
        let pat = like_contains(text);
        q.and("(wp.title LIKE ? ESCAPE '\\' OR u.name LIKE ? ESCAPE '\\')", args![pat.clone(), pat]);
    }
    let t = q.bind(today);
    (q, plan_cols(&t))
}

/// Plans in scope, newest year first, then by unit in tree order.
pub async fn list_plans(db: &Db, scope: &Scope, f: &PlanFilter, paging: Paging) -> StoreResult<Page<WorkPlan>> {
    let (q, cols) = plan_query(scope, f, today());
    let w = q.where_clause();
    let mut count_args = q.args();
    count_args.pop(); // today's date, used only by the select list
    let (total,): (i64,) = db.fetch_one(&format!("SELECT COUNT(*){PLAN_FROM}{w}"), count_args).await?;
    let mut a = q.args();
    let n = a.len();
    a.extend(args![paging.per_page, paging.offset()]);
    let items = db
        .fetch_all(
            &format!(
                "SELECT {cols}{PLAN_FROM}{w} ORDER BY wp.year DESC, u.sort_path, wp.id LIMIT ${} OFFSET ${}",
                n + 1,
                n + 2
            ),
            a,
        )
        .await?;
    Ok(Page { items, total, page: paging.page, per_page: paging.per_page })
}

/// Every plan in scope (for the plans page), newest year first.
pub async fn all_plans(db: &Db, scope: &Scope) -> StoreResult<Vec<WorkPlan>> {
    let (q, cols) = plan_query(scope, &PlanFilter::default(), today());
    db.fetch_all(
        &format!("SELECT {cols}{PLAN_FROM}{} ORDER BY wp.year DESC, u.sort_path, wp.id", q.where_clause()),
        q.args(),
    )
    .await
}

/// A plan by id, or NotFound when it does not exist or lies outside the scope.
pub async fn get_plan(db: &Db, scope: &Scope, id: i64) -> StoreResult<WorkPlan> {
    let (mut q, cols) = plan_query(scope, &PlanFilter::default(), today());
    q.and("wp.id = ?", args![id]);
    db.fetch_one(&format!("SELECT {cols}{PLAN_FROM}{}", q.where_clause()), q.args()).await
}

/// A unit by id as (name, path), or a field error naming `field` when it does not exist.
async fn unit_of(
    tx: &mut Tx,
    e: &mut FieldErrors,
    field: &str,
    label: &str,
    id: i64,
) -> StoreResult<Option<(String, String)>> {
    let row: Option<(String, String)> =
        tx.fetch_optional("SELECT name, path FROM units WHERE id = $1", args![id]).await?;
    if row.is_none() {
        e.push(field, format!("{label}（编号 {id}）不存在"));
    }
    Ok(row)
}

/// Creates a plan of a unit in scope.
pub async fn create_plan(db: &Db, actor: &Actor, scope: &Scope, d: &PlanDraft) -> StoreResult<WorkPlan> {
    let mut tx = db.begin().await?;
    let mut e = FieldErrors::default();
    if let Some((name, path)) = unit_of(&mut tx, &mut e, "unit_id", "部署单位", d.unit_id).await? {
        if !scope.covers_unit(d.unit_id, &path) {
            e.push("unit_id", format!("单位“{name}”不在您的数据范围内"));
        }
    }
    e.into_result()?;
    let now = crate::now();
    let (id,): (i64,) = tx
        .fetch_one(
            "INSERT INTO work_plans (year, unit_id, title, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id",
            args![d.year, d.unit_id, d.title.clone(), now],
        )
        .await?;
    let after = json!({"year": d.year, "unit_id": d.unit_id, "title": d.title});
    audit::append(&mut tx, actor, "create", "work_plan", id, &audit::diff(&json!({}), &after)).await?;
    tx.commit().await?;
    get_plan(db, &Scope::all(), id).await
}

// ------------------------------------------------------------------ tasks

/// A unit named on a task (配合单位).
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq, Default)]
pub struct UnitRef {
    pub id: i64,
    pub name: String,
    pub code: String,
}

/// A task with what lists and pages show of it. `number`, `depth`, `support_units` and the state
/// are filled after reading.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
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

    fn audit_json(&self) -> Value {
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

fn draft_json(d: &TaskDraft) -> Value {
    json!({
        "plan_id": d.plan_id, "parent_id": d.parent_id, "title": d.title,
        "lead_unit_id": d.lead_unit_id, "lead_person_id": d.lead_person_id,
        "support_unit_ids": d.support_unit_ids, "deadline": d.deadline, "business_work": d.business_work,
        "sort_order": d.sort_order,
    })
}

const TASK_COLS: &str = "t.id, t.plan_id, wp.title AS plan_title, wp.year AS plan_year, t.parent_id, t.title, \
    t.lead_unit_id, lu.name AS lead_unit_name, lu.path AS lead_unit_path, t.lead_person_id, lp.name AS lead_person_name, \
    t.deadline, t.business_work, t.completed_on, t.sort_order, \
    COALESCE(pt.lead_unit_id, wp.unit_id) AS deployer_unit_id, COALESCE(plu.path, pu.path) AS deployer_unit_path, \
    (SELECT COUNT(*) FROM task_updates x WHERE x.task_id = t.id) AS update_count, \
    (SELECT x.text FROM task_updates x WHERE x.task_id = t.id ORDER BY x.update_date DESC, x.id DESC LIMIT 1) AS latest_update, \
    t.created_at, t.updated_at";

const TASK_FROM: &str = " FROM tasks t JOIN work_plans wp ON wp.id = t.plan_id JOIN units pu ON pu.id = wp.unit_id \
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
}

async fn task_query(db: &Db, scope: &Scope, f: &TaskFilter, today: NaiveDate) -> StoreResult<QueryBuilder> {
    let mut q = QueryBuilder::new();
    if let Some((c, v)) = task_visible(scope) {
        q.and(&c, v);
    }
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
    let rows: Vec<(i64, Option<i64>, i64)> =
        db.fetch_all("SELECT id, parent_id, sort_order FROM tasks WHERE plan_id = $1", args![plan_id]).await?;
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
    let w = q.where_clause();
    let (total,): (i64,) = db.fetch_one(&format!("SELECT COUNT(*){TASK_FROM}{w}"), q.args()).await?;
    let mut a = q.args();
    let n = a.len();
    a.extend(args![paging.per_page, paging.offset()]);
    let mut items: Vec<Task> = db
        .fetch_all(
            &format!(
                "SELECT {TASK_COLS}{TASK_FROM}{w} ORDER BY t.deadline, t.plan_id, t.id LIMIT ${} OFFSET ${}",
                n + 1,
                n + 2
            ),
            a,
        )
        .await?;
    complete(db, &mut items, today).await?;
    Ok(Page { items, total, page: paging.page, per_page: paging.per_page })
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
    let mut q = task_query(db, scope, &TaskFilter::default(), today).await?;
    q.and("t.id = ?", args![id]);
    let mut t: Task = db.fetch_one(&format!("SELECT {TASK_COLS}{TASK_FROM}{}", q.where_clause()), q.args()).await?;
    complete(db, std::slice::from_mut(&mut t), today).await?;
    Ok(t)
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
                if d.deadline > parent.deadline {
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
        let late_child: Option<(String, NaiveDate)> = tx
            .fetch_optional(
                "SELECT title, deadline FROM tasks WHERE parent_id = $1 AND deadline > $2 ORDER BY deadline DESC, id LIMIT 1",
                args![id, d.deadline],
            )
            .await?;
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
    audit::append(tx, actor, "update", "task", id, &change).await
}

/// After writing many tasks at once: no task of the plan ends after its parent.
pub async fn verify_deadlines(tx: &mut Tx, plan_id: i64) -> StoreResult<()> {
    let row: Option<(String, NaiveDate)> = tx
        .fetch_optional(
            "SELECT c.title, p.deadline FROM tasks c JOIN tasks p ON p.id = c.parent_id \
             WHERE c.plan_id = $1 AND c.deadline > p.deadline ORDER BY c.id LIMIT 1",
            args![plan_id],
        )
        .await?;
    match row {
        Some((title, deadline)) => Err(StoreError::field(
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

// ------------------------------------------------------------------ progress updates

/// A progress update (进展情况) of a task.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
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
            .fetch_one("SELECT COUNT(*) FROM tasks WHERE parent_id = $1 AND completed_on IS NULL", args![task_id])
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

    #[test]
    fn visibility_is_parameterized() {
        let s = Scope { subtrees: vec!["/1/5/".into()], units: vec![9], person_id: Some(4), ..Default::default() };
        let (c, v) = task_visible(&s).unwrap();
        assert!(!c.contains("/1/5/") && c.matches('?').count() == v.len(), "{c}");
        assert!(task_visible(&Scope::all()).is_none());
        assert_eq!(task_visible(&Scope::default()).unwrap().0, "1 = 0");
        let (c, v) = plan_visible(&s).unwrap();
        assert_eq!(c.matches('?').count(), v.len());
    }
}
