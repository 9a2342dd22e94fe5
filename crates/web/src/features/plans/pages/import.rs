//! Importing a plan's tasks from the 任务分解表.

use axum::extract::Multipart;
use qingfeng_store::plans::{self, WorkPlan};

use super::ACTIVE;
use crate::auth::{Ctx, Principal};
use crate::features::plans::sheets;
use crate::http::import_flow::ImportPage;
use crate::http::{render, Nav, PagePath, PageResult};

/// How the 任务分解表 is filled, beyond what every import page says.
const TASK_SHEET_RULES: &[&str] = &[
    "“序号”表示层级：1.2 是 1 的下级任务，1.2.1 是 1.2 的下级任务，一级抓一级，层级不限；下级任务的完成时限不能晚于上级任务。",
    "牵头单位、配合单位填写单位名称或单位编码，须在您的数据范围内；多个配合单位用顿号“、”分隔。完成时限可写 2026-06-30、2026/6/30、2026年6月30日等。",
    "序号与本要点已有任务相同的行将更新该任务，其余行新增任务；“进展情况”“状态”两列仅供查看，导入时不读取。",
];

fn page(p: &Principal, plan: &WorkPlan) -> ImportPage {
    let action = format!("/plans/{}/import", plan.id);
    let mut page =
        ImportPage::new(Nav::new(p, ACTIVE), "导入任务分解表", action, "/api/v1/work-plans/tasks-template.xlsx");
    page.template_label = "任务分解表模板";
    page.target =
        Some((format!("/plans/{}", plan.id), format!("{}（{}年，{}）", plan.title, plan.year, plan.unit_name)));
    page.rules = TASK_SHEET_RULES;
    page
}

/// `GET /plans/{id}/import`
pub async fn import_page(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>) -> PageResult {
    let plan = plans::get_plan(&state.db, &p.scope, id).await?;
    render(&page(&p, &plan))
}

/// `POST /plans/{id}/import`: validate an upload (keeping it for the confirmation), or confirm.
pub async fn import_submit(Ctx { state, p }: Ctx, PagePath(id): PagePath<i64>, multipart: Multipart) -> PageResult {
    let plan = plans::get_plan(&state.db, &p.scope, id).await?;
    let flow = page(&p, &plan).flow(format!("tasks:{id}"));
    let (db, p, plan) = (&state.db, &p, &plan);
    flow.run(db, p, multipart, "项任务", move |bytes, commit| async move {
        sheets::tasks_import(db, &p.actor(), &p.scope, plan, &bytes, commit).await
    })
    .await
}
