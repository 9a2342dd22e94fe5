//! 操作日志 and 登录日志: the audit log and the login log, as pages, API and .xlsx exports.

pub mod api;
pub mod pages;
pub mod service;
pub mod wording;

use axum::http::Method as M;
use qingfeng_domain::access::Permission as P;

use crate::http::Book;

/// Registers the routes of this feature (JSON API and pages).
pub fn routes(book: Book) -> Book {
    book.add(M::GET, "/api/v1/audit-log", P::AuditRead, "操作日志", api::list)
        .query(service::AUDIT_FILTERS)
        .seek_paged()
        .add(M::GET, "/api/v1/audit-log/export.xlsx", P::AuditRead, "导出操作日志", api::export)
        .query(service::AUDIT_FILTERS)
        .add(M::GET, "/api/v1/login-log", P::AuditRead, "登录日志", api::logins)
        .query(service::LOGIN_FILTERS)
        .paged()
        .add(M::GET, "/api/v1/login-log/export.xlsx", P::AuditRead, "导出登录日志", api::logins_export)
        .query(service::LOGIN_FILTERS)
        .add(M::GET, "/system/audit", P::AuditRead, "操作日志页", pages::audit)
        .add(M::POST, "/system/audit/verify", P::AuditRead, "校验审计链", pages::verify_chain)
        .add(M::GET, "/system/logins", P::AuditRead, "登录日志页", pages::logins)
}
