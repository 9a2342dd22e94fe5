//! JSON handlers of work plans and tasks.

use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use qingfeng_domain::access::Permission;
use qingfeng_domain::plans::{PlanFields, TaskFields, UpdateFields};
use qingfeng_domain::time::office_today;
use qingfeng_store::plans::{self, PlanFilter, Task, WorkPlan};
use qingfeng_store::Page;
use serde_json::Value;

use super::service::{fields_of, task_filter, write_error, PlanDetail, TaskDetail, UpdateAnswer};
use super::sheets;
use crate::auth::Ctx;
use crate::http::ApiResult;
use crate::http::{merge_patch, xlsx, ApiJson, ImportUpload, Params, Path};
use crate::sheets::ImportReport;

/// `GET /api/v1/work-plans?year=&unit=&q=`
pub async fn list_plans(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Json<Page<WorkPlan>>> {
    let filter = PlanFilter { year: params.int("year")?, unit_id: params.int("unit")?, q: params.str("q") };
    Ok(Json(plans::list_plans(&state.db, &p.scope, &filter, params.paging()?).await?))
}

/// `POST /api/v1/work-plans`
pub async fn create_plan(
    Ctx { state, p }: Ctx,
    ApiJson(fields): ApiJson<PlanFields>,
) -> ApiResult<(StatusCode, Json<WorkPlan>)> {
    let draft = fields.validate()?;
    let plan = plans::create_plan(&state.db, &p.actor(), &p.scope, &draft).await?;
    Ok((StatusCode::CREATED, Json(plan)))
}

/// `GET /api/v1/work-plans/{id}`: the plan with the tasks the caller sees, in tree order.
pub async fn get_plan(Ctx { state, p }: Ctx, Path(id): Path<i64>) -> ApiResult<Json<PlanDetail>> {
    let plan = plans::get_plan(&state.db, &p.scope, id).await?;
    let tasks = plans::plan_tasks(&state.db, &p.scope, id).await?;
    Ok(Json(PlanDetail { plan, tasks }))
}

/// `GET /api/v1/tasks?plan=&year=&unit=&state=&q=`
pub async fn list_tasks(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Json<Page<Task>>> {
    Ok(Json(plans::list_tasks(&state.db, &p.scope, &task_filter(&params)?, params.paging()?).await?))
}

/// `POST /api/v1/tasks`
pub async fn create_task(
    Ctx { state, p }: Ctx,
    ApiJson(fields): ApiJson<TaskFields>,
) -> ApiResult<(StatusCode, Json<Task>)> {
    let draft = fields.validate()?;
    let task = plans::create_task(&state.db, &p.actor(), &p.scope, &draft).await.map_err(write_error)?;
    Ok((StatusCode::CREATED, Json(task)))
}

/// `GET /api/v1/tasks/{id}`: the task with its progress updates, newest first.
pub async fn get_task(Ctx { state, p }: Ctx, Path(id): Path<i64>) -> ApiResult<Json<TaskDetail>> {
    let task = plans::get_task(&state.db, &p.scope, id).await?;
    let updates = plans::updates(&state.db, id).await?;
    let can_edit = p.can(Permission::PlanWrite) && plans::can_edit(&p.scope, &task);
    Ok(Json(TaskDetail { task, updates, can_edit }))
}

/// `PATCH /api/v1/tasks/{id}`
pub async fn update_task(
    Ctx { state, p }: Ctx,
    Path(id): Path<i64>,
    ApiJson(patch): ApiJson<Value>,
) -> ApiResult<Json<Task>> {
    let current = plans::get_task(&state.db, &p.scope, id).await?;
    let fields: TaskFields = merge_patch(&fields_of(&current), patch)?;
    let draft = fields.validate()?;
    Ok(Json(plans::update_task(&state.db, &p.actor(), &p.scope, id, &draft).await.map_err(write_error)?))
}

/// `POST /api/v1/tasks/{id}/updates`: answers the update and the task as it now stands.
pub async fn add_update(
    Ctx { state, p }: Ctx,
    Path(id): Path<i64>,
    ApiJson(fields): ApiJson<UpdateFields>,
) -> ApiResult<(StatusCode, Json<UpdateAnswer>)> {
    plans::get_task(&state.db, &p.scope, id).await?;
    let update = plans::add_update(&state.db, &p.actor(), id, &fields, office_today()).await?;
    let task = plans::get_task(&state.db, &p.scope, id).await?;
    Ok((StatusCode::CREATED, Json(UpdateAnswer { update, task })))
}

/// `GET /api/v1/work-plans/tasks-template.xlsx`
pub async fn template() -> ApiResult<Response> {
    Ok(xlsx(sheets::tasks_template()?, "任务分解表模板.xlsx"))
}

/// `GET /api/v1/work-plans/{id}/tasks.xlsx`
pub async fn export(Ctx { state, p }: Ctx, Path(id): Path<i64>) -> ApiResult<Response> {
    let plan = plans::get_plan(&state.db, &p.scope, id).await?;
    let bytes = sheets::tasks_export(&state.db, &p.scope, &plan).await?;
    Ok(xlsx(bytes, &format!("{}任务分解表.xlsx", plan.title)))
}

/// `POST /api/v1/work-plans/{id}/tasks/import?commit=true`
pub async fn import(Ctx { state, p }: Ctx, Path(id): Path<i64>, file: ImportUpload) -> ApiResult<Json<ImportReport>> {
    let plan = plans::get_plan(&state.db, &p.scope, id).await?;
    Ok(Json(sheets::tasks_import(&state.db, &p.actor(), &p.scope, &plan, &file.bytes, file.commit).await?))
}
