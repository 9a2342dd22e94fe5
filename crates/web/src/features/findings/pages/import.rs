//! Importing findings from the 问题清单 sheet.

use askama::Template;
use axum::extract::{Multipart, State};

use crate::auth::Principal;
use crate::features::findings::service::origin_for;
use crate::features::findings::sheets;
use crate::http::import_flow::UploadFlow;
use crate::http::{render, Nav, PageResult};
use crate::sheets::ImportReport;
use crate::AppState;

#[derive(Template)]
#[template(path = "org/import.html")]
struct ImportPage {
    nav: Nav,
    heading: &'static str,
    action: &'static str,
    template_url: &'static str,
    message: Option<String>,
    message_class: &'static str,
    report: Option<ImportReport>,
    pending: Option<String>,
}

const IMPORT_ACTION: &str = "/findings/import";

const IMPORT_KIND: &str = "findings";

pub async fn import_page(p: Principal) -> PageResult {
    render(&ImportPage {
        nav: Nav::new(&p, "findings"),
        heading: "问题清单导入（巡察、审计等反馈的问题）",
        action: IMPORT_ACTION,
        template_url: "/api/v1/findings/import-template.xlsx",
        message: None,
        message_class: "",
        report: None,
        pending: None,
    })
}

/// Upload → validate → confirm to write the valid findings (see [`UploadFlow`]).
pub async fn import_submit(State(state): State<AppState>, p: Principal, multipart: Multipart) -> PageResult {
    let origin = origin_for(&state, &p).await?;
    let flow = UploadFlow { kind: IMPORT_KIND.into(), action: IMPORT_ACTION.into(), nav: Nav::new(&p, "findings") };
    let (db, p) = (&state.db, &p);
    flow.run(db, p, multipart, "个问题", move |bytes, commit| async move {
        sheets::import(db, &p.actor(), &p.scope, origin, &bytes, commit).await
    })
    .await
}
