//! 典型案例 (警示教育): the library of warning cases, and the 警示教育 ledger entries that used
//! each one. Every signed-in role reads it; the discipline-inspection group keeps it.

pub mod api;
pub mod pages;
pub mod service;
pub mod sheets;

use axum::http::Method as M;
use qingfeng_domain::access::Permission as P;
use qingfeng_domain::warning_cases::WarningCaseFields;
use qingfeng_store::warning_cases::WarningCase;

use crate::http::Book;

/// Registers the routes of this feature (JSON API and pages).
pub fn routes(book: Book) -> Book {
    book.add(M::GET, "/api/v1/warning-cases", P::WarningCaseRead, "典型案例列表", api::list)
        .returns_page::<WarningCase>()
        .query(service::CASE_FILTERS)
        .paged()
        .add(M::POST, "/api/v1/warning-cases", P::WarningCaseWrite, "新增典型案例", api::create)
        .body::<WarningCaseFields>()
        .returns::<WarningCase>()
        .add(M::GET, "/api/v1/warning-cases/export.xlsx", P::WarningCaseRead, "导出典型案例库", api::export)
        .query(service::CASE_FILTERS)
        .sheet::<sheets::CaseSheet>(P::WarningCaseWrite, "/api/v1/warning-cases", "/warning-cases/import")
        .add(M::GET, "/api/v1/warning-cases/{id}", P::WarningCaseRead, "典型案例详情（含使用情况）", api::get)
        .returns::<service::CaseDetail>()
        .add(M::PATCH, "/api/v1/warning-cases/{id}", P::WarningCaseWrite, "修改典型案例", api::update)
        .patch::<WarningCaseFields>()
        .returns::<WarningCase>()
        .add(M::GET, "/warning-cases", P::WarningCaseRead, "典型案例库页", pages::list)
        .add(M::GET, "/warning-cases/new", P::WarningCaseWrite, "新增典型案例表单", pages::new_form)
        .add(M::POST, "/warning-cases/new", P::WarningCaseWrite, "新增典型案例", pages::create)
        .add(M::GET, "/warning-cases/{id}", P::WarningCaseRead, "典型案例详情页", pages::detail)
        .add(M::GET, "/warning-cases/{id}/edit", P::WarningCaseWrite, "修改典型案例表单", pages::edit_form)
        .add(M::POST, "/warning-cases/{id}/edit", P::WarningCaseWrite, "保存典型案例", pages::edit)
}
