//! 履职台账: ledger entries (immutable once submitted; a correction is a new version), their links, attachments and export.

pub mod api;
pub mod export;
pub mod pages;
pub mod service;

use axum::http::Method as M;
use qingfeng_domain::access::Permission as P;

use crate::features::exports::long;
use crate::http::Book;

/// Registers the routes of this feature (JSON API and pages).
pub fn routes(book: Book) -> Book {
    book.add(M::GET, "/api/v1/ledger-entries", P::LedgerRead, "履职台账", api::list)
        .returns_page::<qingfeng_store::ledger::Entry>()
        .query(service::ENTRY_FILTERS)
        .seek_paged()
        .add(M::POST, "/api/v1/ledger-entries", P::LedgerWrite, "登记台账记录", api::create)
        .returns::<service::EntryView>()
        .body::<qingfeng_domain::ledger::EntryFields>()
        .add(
            M::GET,
            "/api/v1/ledger-entries/export.xlsx",
            P::LedgerExport,
            "导出履职台账",
            long::export::<export::DutyLedger>,
        )
        .query(service::ENTRY_FILTERS)
        .add(
            M::POST,
            "/api/v1/ledger-entries/export-jobs",
            P::LedgerExport,
            "后台导出履职台账（查询进度）",
            long::start_job::<export::DutyLedger>,
        )
        .query(service::ENTRY_FILTERS)
        .returns::<crate::http::export_jobs::JobStatus>()
        .add(
            M::POST,
            "/ledger/export",
            P::LedgerExport,
            "后台导出履职台账（页面）",
            long::start_from_page::<export::DutyLedger>,
        )
        .add(M::GET, "/api/v1/ledger-entries/{id}", P::LedgerRead, "台账记录详情", api::get)
        .returns::<service::EntryView>()
        .add(M::GET, "/api/v1/ledger-attachments/{id}", P::LedgerRead, "下载附件", api::attachment)
        .add(
            M::DELETE,
            "/api/v1/ledger-attachments/{id}",
            P::LedgerWrite,
            "撤回附件（本人上传、记录未更正时）",
            api::withdraw_attachment,
        )
        .returns::<qingfeng_store::ledger::AttachmentMeta>()
        .add(M::GET, "/ledger", P::LedgerRead, "履职台账页", pages::page)
        .add(M::GET, "/ledger/new", P::LedgerWrite, "登记台账表单", pages::new_entry)
        .add(M::POST, "/ledger/new", P::LedgerWrite, "登记台账", pages::create)
        .add(M::GET, "/ledger/{id}", P::LedgerRead, "台账记录页", pages::entry)
        .add(M::GET, "/ledger/{id}/version", P::LedgerWrite, "更正表单", pages::version_form)
        .add(M::POST, "/ledger/{id}/version", P::LedgerWrite, "提交更正版本", pages::create_version)
        .add(M::POST, "/ledger/{id}/attachments", P::LedgerWrite, "上传附件", pages::upload)
        .add(M::POST, "/ledger/attachments/{id}/withdraw", P::LedgerWrite, "撤回附件", pages::withdraw)
        .add(M::PATCH, "/api/v1/ledger-entries/{id}", P::LedgerWrite, "（已提交的记录不能修改）", api::refuse_edit)
        .add(M::POST, "/api/v1/ledger-entries/{id}/versions", P::LedgerWrite, "提交更正版本", api::new_version)
        .returns::<service::EntryView>()
        .body::<qingfeng_domain::ledger::EntryFields>()
        .add(M::POST, "/api/v1/ledger-entries/{id}/attachments", P::LedgerWrite, "上传附件", api::add_attachment)
        .returns::<qingfeng_store::ledger::AttachmentMeta>()
        .upload()
}
