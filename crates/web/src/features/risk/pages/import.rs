//! Importing risk points from the 廉政风险防控台账 sheet (new rows become drafts).

use axum::extract::{Multipart, State};

use crate::auth::Principal;
use crate::features::risk::sheets;
use crate::http::import_flow::ImportPage;
use crate::http::{render, Nav, PageResult};
use crate::AppState;

fn page(p: &Principal) -> ImportPage {
    ImportPage::new(Nav::new(p, "risk"), "廉政风险点导入", "/risk/import", "/api/v1/risk-points/import-template.xlsx")
}

pub async fn import_page(p: Principal) -> PageResult {
    render(&page(&p))
}

/// Upload → validate → confirm to write the valid rows (see [`crate::http::import_flow::UploadFlow`]).
pub async fn import_submit(State(state): State<AppState>, p: Principal, multipart: Multipart) -> PageResult {
    let flow = page(&p).flow("risk_points");
    let (st, p) = (&state, &p);
    flow.run(&state.db, p, multipart, "个风险点", move |bytes, commit| async move {
        sheets::import(st, p, &bytes, commit).await
    })
    .await
}
