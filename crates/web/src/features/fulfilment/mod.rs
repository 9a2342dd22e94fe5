//! 落实情况: the pressure-transmission dashboard (fulfilment by unit and by level, 上热中温下冷, red and yellow items).

pub mod api;
pub mod pages;
pub mod service;

use axum::http::Method as M;
use qingfeng_domain::access::Permission as P;

use crate::http::Book;

/// Registers the routes of this feature (JSON API and pages).
pub fn routes(book: Book) -> Book {
    book.add(M::GET, "/api/v1/fulfilment", P::FulfilmentRead, "落实情况", api::get)
        .returns::<service::Report>()
        .query(crate::features::responsibility::service::ITEM_FILTERS)
        .add(M::GET, "/dashboard", P::FulfilmentRead, "落实情况", pages::page)
}
