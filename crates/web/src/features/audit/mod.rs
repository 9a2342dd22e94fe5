//! 操作日志 and 登录日志: the audit log and the login log, as pages, API and .xlsx exports.

pub mod api;
pub mod pages;
pub mod service;

use axum::http::Method as M;

use crate::auth::Access::Permission as P;
use crate::http::Book;

/// Registers the routes of this feature (JSON API and pages).
pub fn routes(book: Book) -> Book {
    book.add(M::GET, "/api/v1/audit-log", P("audit:read"), "操作日志", api::list)
        .add(M::GET, "/api/v1/audit-log/export.xlsx", P("audit:read"), "导出操作日志", api::export)
        .add(M::GET, "/api/v1/login-log", P("audit:read"), "登录日志", api::logins)
        .add(M::GET, "/api/v1/login-log/export.xlsx", P("audit:read"), "导出登录日志", api::logins_export)
        .add(M::GET, "/system/audit", P("audit:read"), "操作日志页", pages::audit)
        .add(M::GET, "/system/logins", P("audit:read"), "登录日志页", pages::logins)
}
