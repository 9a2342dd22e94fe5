//! 三公经费 and 过紧日子: budgets per unit and year for 因公出国（境）, 公务用车购置及运行维护 and
//! 公务接待; their execution from trips already recorded and the finance office's ledger (entered
//! or imported), against the budget and last year, with warnings at a setting's share and at the
//! whole budget.

pub mod api;
pub mod pages;
pub mod service;
pub mod sheets;

use axum::http::Method as M;
use qingfeng_domain::access::Permission as P;
use qingfeng_domain::budgets::{BudgetFields, SpendingFields};
use qingfeng_store::budgets::{Execution, SpendingLine};

use crate::http::Book;

/// Registers the routes of this feature (JSON API and pages).
pub fn routes(book: Book) -> Book {
    let book = book
        .add(M::GET, "/api/v1/budgets", P::BudgetRead, "三公经费预算执行情况（按单位、类别）", api::list)
        .returns_page::<Execution>()
        .query(service::FILTERS)
        .paged()
        .add(M::POST, "/api/v1/budgets", P::BudgetWrite, "录入或修改三公经费年度预算", api::put)
        .body::<BudgetFields>()
        .returns::<Execution>()
        .add(M::GET, "/api/v1/budgets/export.xlsx", P::BudgetRead, "导出三公经费预算执行情况", api::export)
        .query(service::FILTERS)
        .add(M::GET, "/api/v1/budgets/spending", P::BudgetRead, "三公经费支出明细（财务台账）", api::ledger)
        .returns_page::<SpendingLine>()
        .query(&["year"])
        .paged()
        .add(M::POST, "/api/v1/budgets/spending", P::BudgetWrite, "登记一笔三公经费支出", api::add)
        .body::<SpendingFields>()
        .returns::<SpendingLine>()
        .sheet::<sheets::Spending>(P::BudgetWrite, "/api/v1/budgets/spending", "/budgets/import");
    book.add(M::GET, "/budgets", P::BudgetRead, "三公经费预算执行页", pages::list)
        .add(M::POST, "/budgets", P::BudgetWrite, "录入年度预算", pages::put)
        .add(M::POST, "/budgets/spending", P::BudgetWrite, "登记支出", pages::add)
}
