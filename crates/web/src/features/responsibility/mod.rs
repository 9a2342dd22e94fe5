//! 责任清单: responsibility templates (1+X), yearly lists per owner, items and their fulfilment, pledges.

pub mod api;
pub mod catalog;
pub mod pages;
pub mod pledge;
pub mod service;

use axum::http::Method as M;
use qingfeng_domain::access::Permission as P;

use crate::http::Book;

/// Registers the routes of this feature (JSON API and pages).
pub fn routes(book: Book) -> Book {
    book.add(M::GET, "/responsibility", P::ResponsibilityRead, "责任清单页", pages::page)
        .add(M::GET, "/responsibility/items", P::ResponsibilityRead, "责任事项明细", pages::items)
        .add(M::GET, "/responsibility/items/{id}", P::ResponsibilityRead, "责任事项页", pages::item)
        .add(M::GET, "/api/v1/responsibility-templates", P::ResponsibilityRead, "责任事项模板", api::templates)
        .returns_page::<qingfeng_store::responsibility::Template>()
        .add(
            M::POST,
            "/api/v1/responsibility-templates",
            P::ResponsibilityWrite,
            "新增责任事项模板（1+X 的 X）",
            api::create_template,
        )
        .returns::<qingfeng_store::responsibility::Template>()
        .body::<qingfeng_domain::responsibility::TemplateFields>()
        .add(
            M::PATCH,
            "/api/v1/responsibility-templates/{id}",
            P::ResponsibilityWrite,
            "修改责任事项模板",
            api::update_template,
        )
        .returns::<qingfeng_store::responsibility::Template>()
        .patch::<qingfeng_domain::responsibility::TemplateFields>()
        .add(
            M::POST,
            "/api/v1/responsibility-lists/generate",
            P::ResponsibilityWrite,
            "生成年度责任清单",
            api::generate,
        )
        .returns::<qingfeng_store::responsibility::GenerateReport>()
        .body::<api::GenerateRequest>()
        .add(M::GET, "/api/v1/responsibility-lists", P::ResponsibilityRead, "责任清单列表", api::lists)
        .returns_page::<qingfeng_store::responsibility::List>()
        .query(&["year", "unit", "person"])
        .add(M::GET, "/api/v1/responsibility-lists/export.xlsx", P::ResponsibilityExport, "导出责任清单", api::export)
        .query(service::ITEM_FILTERS)
        .add(
            M::GET,
            "/api/v1/responsibility-lists/{id}/pledge.docx",
            P::ResponsibilityRead,
            "责任书（Word，供签字）",
            api::pledge_docx,
        )
        .add(M::GET, "/api/v1/responsibility-lists/{id}", P::ResponsibilityRead, "责任清单详情", api::list)
        .returns::<service::ListDetail>()
        .add(M::PATCH, "/api/v1/responsibility-lists/{id}", P::ResponsibilityWrite, "登记责任书签订", api::update_list)
        .returns::<qingfeng_store::responsibility::List>()
        .body::<api::PledgePatch>()
        .add(M::GET, "/api/v1/responsibility-items", P::ResponsibilityRead, "责任事项及落实情况", api::items)
        .returns_page::<service::ItemWithStatus>()
        .query(service::ITEM_FILTERS)
        .seek_paged()
        .add(M::GET, "/api/v1/responsibility-items/{id}", P::ResponsibilityRead, "责任事项详情", api::item)
        .returns::<service::ItemDetail>()
        .add(M::PATCH, "/api/v1/responsibility-items/{id}", P::ResponsibilityWrite, "修改责任事项", api::update_item)
        .returns::<service::ItemWithStatus>()
        .body::<api::ItemPatch>()
        .add(M::POST, "/responsibility/generate", P::ResponsibilityWrite, "生成责任清单", pages::generate)
        .add(M::GET, "/responsibility/lists/{id}", P::ResponsibilityRead, "责任清单详情页", pages::list)
        .add(M::POST, "/responsibility/lists/{id}/pledge", P::ResponsibilityWrite, "登记责任书", pages::pledge)
        .add(M::GET, "/responsibility/templates", P::ResponsibilityRead, "责任事项模板页", catalog::templates)
        .add(M::POST, "/responsibility/templates", P::ResponsibilityWrite, "新增责任事项模板", catalog::create_template)
        .add(
            M::GET,
            "/responsibility/templates/{id}/edit",
            P::ResponsibilityWrite,
            "修改责任事项模板页",
            catalog::edit_template,
        )
        .add(
            M::POST,
            "/responsibility/templates/{id}",
            P::ResponsibilityWrite,
            "修改责任事项模板",
            catalog::update_template,
        )
}
