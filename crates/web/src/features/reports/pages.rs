//! The page with the buttons to download the reports the caller may have.

use askama::Template;
use axum::extract::State;
use qingfeng_domain::access::Permission;

use crate::auth::Principal;
use crate::features::responsibility::service::year_param;
use crate::http::{render, Nav, PageResult, Params};
use crate::AppState;

#[derive(Template)]
#[template(path = "reports/documents.html")]
struct DocumentsPage {
    nav: Nav,
    year: i64,
    annual: bool,
    files: bool,
    person: Option<i64>,
}

/// `GET /reports/documents?year=`
pub async fn index(State(_state): State<AppState>, p: Principal, params: Params) -> PageResult {
    render(&DocumentsPage {
        nav: Nav::new(&p, "report-documents"),
        year: year_param(&params)?,
        annual: p.can(Permission::AnnualReport),
        files: p.can(Permission::IntegrityRead),
        person: p.person_id,
    })
}
