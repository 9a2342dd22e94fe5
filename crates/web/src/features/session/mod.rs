//! Signing in and out: the login page and session API, the login throttle and the login log.

pub mod api;
pub mod pages;
pub mod service;

use axum::http::Method as M;

use crate::auth::Access::{Public, SignedIn};
use crate::http::Book;

/// Registers the routes of this feature (JSON API and pages).
pub fn routes(book: Book) -> Book {
    book.add(M::POST, "/api/v1/session", Public, "登录", api::login)
        .body::<api::Credentials>()
        .returns::<api::SignedIn>()
        .add(M::DELETE, "/api/v1/session", SignedIn, "退出登录", api::logout)
        .returns::<crate::http::Done>()
        .add(M::GET, "/api/v1/me", SignedIn, "当前账号", api::me)
        .returns::<api::Me>()
        .add(M::GET, "/login", Public, "登录页", pages::page)
        .add(M::POST, "/login", Public, "登录", pages::submit)
        .add(M::POST, "/logout", SignedIn, "退出", pages::logout)
}
