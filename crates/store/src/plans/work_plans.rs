//! Work plans (工作要点): lists, one plan, creating one.

use chrono::{DateTime, NaiveDate, Utc};
use qingfeng_domain::plans::PlanDraft;
use qingfeng_domain::FieldErrors;
use serde::Serialize;
use serde_json::json;

use super::visibility::plan_visible;
use super::{today, unit_of};
use crate::query::like_contains;
use crate::{args, audit, Actor, Db, Page, Paging, QueryBuilder, Scope, StoreResult, Tx};

/// A work plan (工作要点) with counts of its tasks.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
         (SELECT COUNT(*) FROM tasks x WHERE x.plan_id = wp.id AND x.voided_at IS NULL) AS task_count, \
         (SELECT COUNT(*) FROM tasks x WHERE x.plan_id = wp.id AND x.voided_at IS NULL AND x.completed_on IS NOT NULL) AS completed_count, \
         (SELECT COUNT(*) FROM tasks x WHERE x.plan_id = wp.id AND x.voided_at IS NULL AND x.completed_on IS NULL AND x.deadline < {today}) AS overdue_count, \
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
    Ok(Page::new(items, total, paging.page, paging.per_page))
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
    let id = insert_plan(&mut tx, actor, d).await?;
    tx.commit().await?;
    get_plan(db, &Scope::all(), id).await
}

/// Writes a plan and its audit record in `tx`, without checks (the caller checked the unit).
pub async fn insert_plan(tx: &mut Tx, actor: &Actor, d: &PlanDraft) -> StoreResult<i64> {
    let (id,): (i64,) = tx
        .fetch_one(
            "INSERT INTO work_plans (year, unit_id, title, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id",
            args![d.year, d.unit_id, d.title.clone(), crate::now()],
        )
        .await?;
    let after = json!({"year": d.year, "unit_id": d.unit_id, "title": d.title});
    audit::append(tx, actor, "create", "work_plan", id, &audit::diff(&json!({}), &after)).await?;
    Ok(id)
}
