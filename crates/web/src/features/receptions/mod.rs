//! 公务接待 (official receptions): the record with its 公函, guests, meals, accommodation,
//! transport, 接待清单 and reimbursement documents; the checks R-REC-1…8 on every save and as a
//! dry run while the clerk types; the 纪检组's list of failed checks and 转为问题; the 公务接待清单
//! register export and the validate-then-commit import.

pub mod api;
pub mod pages;
pub mod service;
pub mod sheets;

use axum::http::Method as M;
use qingfeng_domain::access::Permission as P;
use qingfeng_domain::receptions::ReceptionFields;
use qingfeng_store::private_files::PrivateFile;
use qingfeng_store::receptions::{Reception, ReceptionSummary};

use crate::features::findings::checked_api;
use crate::http::Book;

/// Registers the routes of this feature (JSON API and pages).
pub fn routes(book: Book) -> Book {
    let book = book
        .add(M::GET, "/api/v1/receptions", P::ReceptionRead, "公务接待列表", api::list)
        .returns_page::<ReceptionSummary>()
        .query(service::FILTERS)
        .paged()
        .add(
            M::POST,
            "/api/v1/receptions",
            P::ReceptionWrite,
            "登记公务接待",
            checked_api::create::<service::Receptions>,
        )
        .body::<ReceptionFields>()
        .returns::<Reception>()
        .add(
            M::POST,
            "/api/v1/receptions/check",
            P::ReceptionWrite,
            "检查公务接待（不保存）",
            checked_api::check::<service::Receptions>,
        )
        .body::<ReceptionFields>()
        .returns::<api::CheckAnswer>()
        .add(M::GET, "/api/v1/receptions/export.xlsx", P::ReceptionRead, "导出公务接待清单登记台账", api::export)
        .query(service::FILTERS)
        .sheet::<sheets::ReceptionSheet>(P::ReceptionWrite, "/api/v1/receptions", "/receptions/import")
        .add(
            M::GET,
            "/api/v1/receptions/{id}",
            P::ReceptionRead,
            "公务接待详情（含检查结果）",
            checked_api::get::<service::Receptions>,
        )
        .returns::<Reception>()
        .add(
            M::PATCH,
            "/api/v1/receptions/{id}",
            P::ReceptionWrite,
            "修改公务接待",
            checked_api::update::<service::Receptions>,
        )
        .patch::<ReceptionFields>()
        .returns::<Reception>()
        .add(
            M::POST,
            "/api/v1/receptions/{id}/findings",
            P::ReceptionConvert,
            "将未通过的检查转为问题（纪检监察组）",
            checked_api::convert::<service::Receptions>,
        )
        .body::<api::ConvertFields>()
        .returns::<api::Converted>()
        .add(M::POST, "/api/v1/receptions/{id}/files", P::ReceptionWrite, "上传公函扫描件等附件", api::add_file)
        .upload()
        .returns::<PrivateFile>()
        .add(M::GET, "/api/v1/receptions/{id}/files/{file_id}", P::ReceptionRead, "下载公务接待附件", api::file);
    book.add(M::GET, "/receptions", P::ReceptionRead, "公务接待登记台账页", pages::list)
        .add(M::GET, "/receptions/new", P::ReceptionWrite, "登记公务接待表单", pages::new_form)
        .add(M::POST, "/receptions/new", P::ReceptionWrite, "登记公务接待", pages::create)
        .add(M::POST, "/receptions/check", P::ReceptionWrite, "边录入边检查（表单片段）", pages::check)
        .add(M::GET, "/receptions/flagged", P::ReceptionConvert, "公务接待检查未通过清单（纪检监察组）", pages::flagged)
        .add(M::GET, "/receptions/{id}", P::ReceptionRead, "公务接待详情页", pages::detail)
        .add(M::GET, "/receptions/{id}/edit", P::ReceptionWrite, "修改公务接待表单", pages::edit_form)
        .add(M::POST, "/receptions/{id}/edit", P::ReceptionWrite, "保存公务接待", pages::edit)
        .add(M::POST, "/receptions/{id}/files", P::ReceptionWrite, "上传公函扫描件", pages::upload)
        .add(M::POST, "/receptions/{id}/convert", P::ReceptionConvert, "转为问题", pages::convert)
}
