//! 报告文稿: reports in .docx laid out to GB/T 9704-2012, one route for every kind
//! (`/api/v1/reports/{kind}.docx`; the router matches whole segments, so the route is
//! `/api/v1/reports/{file}` and an unknown kind or a name without `.docx` is a 404), and a page
//! with the buttons to download them.

pub mod api;
pub mod pages;
pub mod service;

use axum::http::Method as M;

use crate::auth::Access;
use crate::http::Book;

/// Registers the routes of this feature (JSON API and pages).
pub fn routes(book: Book) -> Book {
    book.add(
        M::GET,
        "/api/v1/reports/{file}",
        Access::SignedIn,
        "报告文稿 .docx（annual-responsibility、accountability-statement、integrity-file、integrity-reply）",
        api::docx,
    )
    .query(service::PARAMS)
    .add(M::GET, "/reports/documents", Access::SignedIn, "报告文稿页", pages::index)
}
