//! 工作要点 and 任务分解: field handling and write errors shared by the API and the pages.

use qingfeng_domain::plans::{TaskFields, TaskState};
use qingfeng_store::plans::{Task, TaskFilter};
use qingfeng_store::query::Voided;
use qingfeng_store::StoreError;

use crate::http::{ApiError, ApiResult, Params};

/// The editable fields of a task, for PATCH and the edit form.
pub fn fields_of(t: &Task) -> TaskFields {
    TaskFields {
        plan_id: Some(t.plan_id),
        parent_id: t.parent_id,
        title: t.title.clone(),
        lead_unit_id: Some(t.lead_unit_id),
        lead_person_id: t.lead_person_id,
        support_unit_ids: t.support_units.iter().map(|u| u.id).collect(),
        deadline: t.deadline.to_string(),
        business_work: t.business_work.clone(),
        sort_order: t.sort_order,
    }
}

/// A store error of a task write, with "may see but not change" as 403.
pub fn write_error(e: StoreError) -> ApiError {
    match e {
        StoreError::Refused(m) => ApiError::Forbidden(m),
        other => other.into(),
    }
}

/// The query parameters [`task_filter`] reads (for the OpenAPI document).
pub const TASK_FILTERS: &[&str] = &["plan", "year", "unit", "include_sub", "state", "q", "voided"];

pub fn task_filter(params: &Params) -> ApiResult<TaskFilter> {
    let state = match params.str("state") {
        None => None,
        Some(s) => Some(TaskState::parse(&s).ok_or_else(|| {
            ApiError::bad_request(format!("参数 state 应为{}之一", TaskState::label_list()), Some("state"))
        })?),
    };
    Ok(TaskFilter {
        plan_id: params.int("plan")?,
        year: params.int("year")?,
        unit_id: params.int("unit")?,
        include_sub: params.bool("include_sub")?.unwrap_or(true),
        state,
        q: params.str("q"),
        voided: Voided::only(params.bool("voided")?.unwrap_or(false)),
        ..Default::default()
    })
}

/// A work plan with the tasks the reader sees, in tree order.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct PlanDetail {
    #[serde(flatten)]
    pub plan: qingfeng_store::plans::WorkPlan,
    pub tasks: Vec<qingfeng_store::plans::Task>,
}

/// A task with its progress updates (newest first) and whether the reader may edit it.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct TaskDetail {
    #[serde(flatten)]
    pub task: qingfeng_store::plans::Task,
    pub updates: Vec<qingfeng_store::plans::TaskUpdate>,
    pub can_edit: bool,
}

/// A progress update just recorded, with its task as it now stands.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct UpdateAnswer {
    #[serde(flatten)]
    pub update: qingfeng_store::plans::TaskUpdate,
    pub task: qingfeng_store::plans::Task,
}
