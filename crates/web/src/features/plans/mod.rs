//! 工作要点 and 任务: work plans, their task trees, progress updates and the task sheet (任务分解表).

pub mod api;
pub mod pages;
pub mod service;
pub mod sheets;

use axum::http::Method as M;
use qingfeng_domain::access::Permission as P;

use crate::http::Book;

/// Registers the routes of this feature (JSON API and pages).
pub fn routes(book: Book) -> Book {
    book.add(M::GET, "/api/v1/work-plans", P::PlanRead, "工作要点列表", api::list_plans)
        .returns_page::<qingfeng_store::plans::WorkPlan>()
        .query(&["year", "unit", "q"])
        .paged()
        .add(M::POST, "/api/v1/work-plans", P::PlanWrite, "新增工作要点", api::create_plan)
        .returns::<qingfeng_store::plans::WorkPlan>()
        .body::<qingfeng_domain::plans::PlanFields>()
        .add(M::GET, "/api/v1/work-plans/tasks-template.xlsx", P::TaskImport, "任务分解表模板", api::template)
        .add(M::GET, "/api/v1/work-plans/{id}", P::PlanRead, "工作要点详情（含任务树）", api::get_plan)
        .returns::<service::PlanDetail>()
        .add(M::GET, "/api/v1/work-plans/{id}/tasks.xlsx", P::TaskExport, "导出任务分解表", api::export)
        .add(M::POST, "/api/v1/work-plans/{id}/tasks/import", P::TaskImport, "导入任务分解表", api::import)
        .imports_sheet()
        .add(M::GET, "/api/v1/tasks", P::PlanRead, "任务列表", api::list_tasks)
        .returns_page::<qingfeng_store::plans::Task>()
        .query(service::TASK_FILTERS)
        .seek_paged()
        .add(M::POST, "/api/v1/tasks", P::PlanWrite, "新增任务或分解下级任务", api::create_task)
        .returns::<qingfeng_store::plans::Task>()
        .body::<qingfeng_domain::plans::TaskFields>()
        .add(M::GET, "/api/v1/tasks/{id}", P::PlanRead, "任务详情（含进展）", api::get_task)
        .returns::<service::TaskDetail>()
        .add(M::PATCH, "/api/v1/tasks/{id}", P::PlanWrite, "修改任务", api::update_task)
        .returns::<qingfeng_store::plans::Task>()
        .patch::<qingfeng_domain::plans::TaskFields>()
        .add(M::POST, "/api/v1/tasks/{id}/updates", P::PlanWrite, "报告任务进展", api::add_update)
        .returns::<service::UpdateAnswer>()
        .body::<qingfeng_domain::plans::UpdateFields>()
        .add(M::GET, "/plans", P::PlanRead, "任务分解页", pages::page)
        .add(M::GET, "/plans/new", P::PlanWrite, "新增工作要点表单", pages::new_plan)
        .add(M::POST, "/plans/new", P::PlanWrite, "保存工作要点", pages::create_plan)
        .add(M::GET, "/plans/{id}", P::PlanRead, "工作要点任务树", pages::plan)
        .add(M::GET, "/plans/{id}/tasks/new", P::PlanWrite, "新增任务表单", pages::new_task)
        .add(M::POST, "/plans/{id}/tasks/new", P::PlanWrite, "保存新任务", pages::create_task)
        .add(M::GET, "/plans/{id}/import", P::TaskImport, "任务分解表导入页", pages::import_page)
        .add(M::POST, "/plans/{id}/import", P::TaskImport, "校验或导入任务分解表", pages::import_submit)
        .add(M::GET, "/tasks/{id}", P::PlanRead, "任务详情页", pages::task)
        .add(M::GET, "/tasks/{id}/edit", P::PlanWrite, "修改任务表单", pages::edit_task)
        .add(M::POST, "/tasks/{id}/edit", P::PlanWrite, "保存任务", pages::update_task)
        .add(M::POST, "/tasks/{id}/updates", P::PlanWrite, "提交任务进展", pages::add_update)
}
