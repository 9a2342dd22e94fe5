//! 谈心谈话: talks as ledger entries of kind 谈心谈话 with their own fields (kind, talkers and
//! counterparts, topics, summary, follow-ups), the coverage of a branch or a leadership group
//! for a year. Read and recorded with the ledger's permissions.

pub mod api;
pub mod leadership;
pub mod pages;
pub mod service;
pub mod sheets;
pub mod suggest;

use axum::http::Method as M;
use qingfeng_domain::access::Permission as P;
use qingfeng_domain::talks::TalkFields;

use crate::http::Book;

/// Registers the routes of this feature (JSON API and pages).
pub fn routes(book: Book) -> Book {
    book.add(M::GET, "/api/v1/talks", P::LedgerRead, "谈话记录列表", api::list)
        .returns_page::<service::TalkView>()
        .query(service::TALK_FILTERS)
        .paged()
        .add(M::POST, "/api/v1/talks", P::TalkWrite, "登记谈话", api::create)
        .body::<TalkFields>()
        .returns::<service::TalkView>()
        .add(M::GET, "/api/v1/talks/coverage", P::LedgerRead, "谈话覆盖情况（党支部或领导班子）", api::coverage)
        .query(&["year", "branch", "unit"])
        .returns::<service::Coverage>()
        .add(M::GET, "/api/v1/talks/suggestions", P::LedgerRead, "谈话主题建议（按谈话对象）", api::suggestions)
        .query(&["person"])
        .returns::<suggest::Suggestions>()
        .sheet::<sheets::TalkSheet>(P::TalkWrite, "/api/v1/talks", "/talks/import")
        .add(M::GET, "/api/v1/talks/export.xlsx", P::LedgerRead, "导出谈话记录", api::export)
        .query(service::TALK_FILTERS)
        .add(M::GET, "/api/v1/talks/{id}", P::LedgerRead, "谈话详情", api::get)
        .returns::<service::TalkView>()
        .add(M::POST, "/api/v1/talks/{id}/versions", P::TalkWrite, "更正谈话记录（新版本）", api::correct)
        .body::<TalkFields>()
        .returns::<service::TalkView>()
        .add(M::GET, "/talks", P::LedgerRead, "谈心谈话页", pages::list)
        .add(M::GET, "/talks/new", P::TalkWrite, "登记谈话表单", pages::new_form)
        .add(M::POST, "/talks/new", P::TalkWrite, "登记谈话", pages::create)
        .add(M::GET, "/talks/suggestions", P::LedgerRead, "谈话主题建议（表单片段）", pages::suggestions)
        .add(M::GET, "/talks/coverage", P::LedgerRead, "谈话覆盖情况页", pages::coverage)
        .add(M::GET, "/talks/{id}", P::LedgerRead, "谈话详情页", pages::detail)
        .add(M::GET, "/talks/{id}/edit", P::TalkWrite, "更正谈话表单", pages::edit_form)
        .add(M::POST, "/talks/{id}/edit", P::TalkWrite, "更正谈话", pages::edit)
}
