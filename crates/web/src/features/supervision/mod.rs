//! 督查督办 (政治监督): decisions to implement — a passed topic of a 三重一大 meeting or a
//! 上级决策部署 entered by hand — broken down into work-plan tasks; the 纪检组's page of how far
//! each is implemented and what is overdue; and 督办 notes, answered by their addressee and
//! closed by the 纪检组.

pub mod api;
pub mod pages;
pub mod service;
pub mod sheets;

use axum::http::Method as M;
use qingfeng_domain::access::Permission as P;
use qingfeng_domain::supervision::{ImplementationFields, NoteAnswerFields, NoteCloseFields, NoteFields};
use qingfeng_store::supervision::{Implementation, Note};

use crate::http::Book;

/// Registers the routes of this feature (JSON API and pages).
pub fn routes(book: Book) -> Book {
    book.add(M::GET, "/api/v1/decision-implementations", P::SupervisionRead, "决策部署落实情况列表", api::list)
        .returns_page::<Implementation>()
        .query(service::IMPLEMENTATION_FILTERS)
        .paged()
        .add(M::POST, "/api/v1/decision-implementations", P::ImplementationWrite, "录入决策部署", api::create)
        .body::<ImplementationFields>()
        .returns::<service::ImplementationDetail>()
        .add(
            M::GET,
            "/api/v1/decision-implementations/export.xlsx",
            P::SupervisionRead,
            "导出督查督办台账",
            api::export,
        )
        .query(service::IMPLEMENTATION_FILTERS)
        .add(
            M::GET,
            "/api/v1/decision-implementations/{id}",
            P::SupervisionRead,
            "决策部署详情（含任务、督办）",
            api::get,
        )
        .returns::<service::ImplementationDetail>()
        .add(M::GET, "/api/v1/supervision-notes", P::SupervisionRead, "督办列表", api::list_notes)
        .returns_page::<Note>()
        .query(service::NOTE_FILTERS)
        .paged()
        .add(M::POST, "/api/v1/supervision-notes", P::SupervisionWrite, "开具督办", api::create_note)
        .body::<NoteFields>()
        .returns::<Note>()
        .add(M::GET, "/api/v1/supervision-notes/{id}", P::SupervisionRead, "督办详情", api::get_note)
        .returns::<Note>()
        .add(M::POST, "/api/v1/supervision-notes/{id}/answer", P::SupervisionReply, "反馈督办落实情况", api::answer)
        .body::<NoteAnswerFields>()
        .returns::<Note>()
        .add(M::POST, "/api/v1/supervision-notes/{id}/close", P::SupervisionWrite, "办结督办", api::close)
        .body::<NoteCloseFields>()
        .returns::<Note>()
        .add(M::GET, "/supervision", P::SupervisionRead, "政治监督（督查督办）页", pages::list)
        .add(M::GET, "/supervision/new", P::ImplementationWrite, "录入决策部署表单", pages::new_form)
        .add(M::POST, "/supervision/new", P::ImplementationWrite, "保存决策部署", pages::create)
        .add(M::GET, "/supervision/{id}", P::SupervisionRead, "决策部署落实情况页", pages::detail)
        .add(M::POST, "/supervision/{id}/notes", P::SupervisionWrite, "开具督办", pages::open_note)
        .add(M::GET, "/supervision/notes/{id}", P::SupervisionRead, "督办详情页", pages::note)
        .add(M::POST, "/supervision/notes/{id}/answer", P::SupervisionReply, "反馈督办", pages::answer)
        .add(M::POST, "/supervision/notes/{id}/close", P::SupervisionWrite, "办结督办", pages::close)
}
