//! 工作要点 and 任务分解: work plans, the task tree under each plan (一级抓一级) and progress
//! updates.
//!
//! Data scope: a plan is visible when its unit is in scope or when one of its tasks is; a task is
//! visible when its lead unit or one of its support units is in scope (or, for 仅本人, when the
//! operator is its 责任人). A task is deployed by its parent's lead unit, or by the plan's unit
//! for a first-level task: only an operator whose scope covers the deploying unit may create or
//! change a task's definition, so a lead unit cannot move its own deadline. Progress is reported
//! by anyone who sees the task.
//!
//! The parts: `visibility` (the scope conditions), `work_plans`, `tasks` (reading, numbering),
//! `deploy` (checking and writing tasks) and `progress` (progress updates). Everything public is
//! re-exported here, so callers write `plans::get_task`, `plans::add_update`.

mod deploy;
mod progress;
mod tasks;
pub(crate) mod visibility;
mod work_plans;

use chrono::NaiveDate;
use qingfeng_domain::FieldErrors;

use crate::{args, StoreResult, Tx};

pub use deploy::{apply_task_update, check_task, create_task, insert_task, update_task, verify_deadlines};
pub use progress::{add_update, updates, TaskUpdate};
pub use tasks::{
    can_deploy_under, can_edit, get_task, list_tasks, number_tree, plan_numbers, plan_tasks, Task, TaskFilter, UnitRef,
};
pub use work_plans::{all_plans, create_plan, get_plan, insert_plan, list_plans, PlanFilter, WorkPlan};

/// Today in China Standard Time (UTC+8): deadlines are calendar days of the office
/// ([`qingfeng_domain::time`]).
pub fn today() -> NaiveDate {
    qingfeng_domain::time::office_today()
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
