//! 我的待办: the home page. Each signed-in person lands on what they must do — their red and
//! yellow responsibility items with what is missing, measures and tasks due, findings awaiting
//! their step, unread notifications; a leader also the red items of the divisions in their
//! charge; the 纪检监察组 the sign-offs, feedback and look-backs waiting for it.

pub mod api;
pub mod pages;
pub mod service;

use axum::http::Method as M;

use crate::auth::Access::SignedIn;
use crate::http::Book;

/// Registers the routes of this feature (JSON API and pages).
pub fn routes(book: Book) -> Book {
    book.add(M::GET, "/", SignedIn, "我的待办（首页）", pages::page)
        .add(M::GET, "/api/v1/home", SignedIn, "我的待办", api::home)
        .query(&["year"])
        .returns::<service::Home>()
}
