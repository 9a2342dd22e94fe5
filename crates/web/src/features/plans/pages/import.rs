//! Importing a plan's tasks from the 任务分解表.

use askama::Template;
use axum::extract::{Multipart, State};
use qingfeng_store::plans::{self, WorkPlan};

use super::ACTIVE;
use crate::auth::Principal;
use crate::features::plans::sheets;
use crate::http::import_flow::UploadFlow;
use crate::http::{render, Nav, PagePath, PageResult};
use crate::sheets::ImportReport;
use crate::AppState;

#[derive(Template)]
#[template(path = "plans/import.html")]
struct ImportPage {
    nav: Nav,
    plan: WorkPlan,
    action: String,
    message: Option<String>,
    message_class: &'static str,
    report: Option<ImportReport>,
    pending: Option<String>,
}

/// `GET /plans/{id}/import`
pub async fn import_page(State(state): State<AppState>, p: Principal, PagePath(id): PagePath<i64>) -> PageResult {
    let plan = plans::get_plan(&state.db, &p.scope, id).await?;
    render(&ImportPage {
        nav: Nav::new(&p, ACTIVE),
        action: format!("/plans/{id}/import"),
        plan,
        message: None,
        message_class: "",
        report: None,
        pending: None,
    })
}

/// `POST /plans/{id}/import`: validate an upload (keeping it for the confirmation), or confirm.
pub async fn import_submit(
    State(state): State<AppState>,
    p: Principal,
    PagePath(id): PagePath<i64>,
    multipart: Multipart,
) -> PageResult {
    let plan = plans::get_plan(&state.db, &p.scope, id).await?;
    let flow =
        UploadFlow { kind: format!("tasks:{id}"), action: format!("/plans/{id}/import"), nav: Nav::new(&p, ACTIVE) };
    let (db, p, plan) = (&state.db, &p, &plan);
    flow.run(db, p, multipart, "项任务", move |bytes, commit| async move {
        sheets::tasks_import(db, &p.actor(), &p.scope, plan, &bytes, commit).await
    })
    .await
}
