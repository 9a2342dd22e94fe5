//! The monthly 四风 report (中央八项规定精神): findings of the 四风 categories and the people
//! handled for them, by category and sub-type, for a month and the year to date.

pub mod api;
pub mod pages;
pub mod service;
pub mod sheets;

use axum::http::Method as M;
use qingfeng_domain::access::Permission as P;

use crate::http::Book;

/// Registers the routes of this feature (JSON API and pages).
pub fn routes(book: Book) -> Book {
    book.add(M::GET, "/api/v1/reports/four-winds", P::FourWindsRead, "“四风”问题月报", api::report)
        .returns::<service::FourWindsReport>()
        .query(&["month"])
        .add(M::GET, "/api/v1/reports/four-winds/export.xlsx", P::FourWindsRead, "导出“四风”问题月报", api::export)
        .query(&["month"])
        .add(M::GET, "/reports/four-winds", P::FourWindsRead, "“四风”问题月报页", pages::report)
}
