//! Importing findings from the 问题清单 sheet.

use axum::extract::{Multipart, State};

use crate::auth::Principal;
use crate::features::findings::service::origin_for;
use crate::features::findings::sheets;
use crate::http::import_flow::ImportPage;
use crate::http::{render, Nav, PageResult};
use crate::AppState;

fn page(p: &Principal) -> ImportPage {
    let heading = "问题清单导入（巡察、审计等反馈的问题）";
    ImportPage::new(Nav::new(p, "findings"), heading, "/findings/import", "/api/v1/findings/import-template.xlsx")
}

pub async fn import_page(p: Principal) -> PageResult {
    render(&page(&p))
}

/// Upload → validate → confirm to write the valid findings (see [`crate::http::import_flow::UploadFlow`]).
pub async fn import_submit(State(state): State<AppState>, p: Principal, multipart: Multipart) -> PageResult {
    let origin = origin_for(&state, &p).await?;
    let flow = page(&p).flow("findings");
    let (db, p) = (&state.db, &p);
    flow.run(db, p, multipart, "个问题", move |bytes, commit| async move {
        sheets::import(db, &p.actor(), &p.scope, origin, &bytes, commit).await
    })
    .await
}
