//! 重大事项请示报告: a unit's requests (请示, answered by a higher body) and reports (报告) on
//! major matters, with the answers and what is overdue; and 领导干部插手干预重大事项记录报告,
//! which anyone may file and only the 纪检组 (and its author) may read.

pub mod api;
pub mod pages;
pub mod service;
pub mod sheets;

use axum::http::Method as M;
use qingfeng_domain::access::Permission as P;
use qingfeng_domain::major_matters::{AnswerFields, MatterFields};
use qingfeng_store::major_matters::MatterRow;

use crate::auth::Access;
use crate::http::Book;

/// Registers the routes of this feature (JSON API and pages).
pub fn routes(book: Book) -> Book {
    book.add(M::GET, "/api/v1/major-matters", P::MatterRead, "重大事项请示报告列表", api::list)
        .returns_page::<MatterRow>()
        .query(service::MATTER_FILTERS)
        .paged()
        .add(M::POST, "/api/v1/major-matters", P::MatterWrite, "登记请示或报告", api::create)
        .body::<MatterFields>()
        .returns::<MatterRow>()
        .add(
            M::POST,
            "/api/v1/major-matters/interference",
            Access::SignedIn,
            "登记插手干预重大事项记录",
            api::interference,
        )
        .body::<MatterFields>()
        .returns::<MatterRow>()
        .add(M::GET, "/api/v1/major-matters/export.xlsx", P::MatterRead, "导出重大事项请示报告台账", api::export)
        .query(service::MATTER_FILTERS)
        .add(M::GET, "/api/v1/major-matters/{id}", Access::SignedIn, "请示报告详情", api::get)
        .returns::<MatterRow>()
        .add(M::PATCH, "/api/v1/major-matters/{id}", P::MatterWrite, "修改请示或报告", api::update)
        .patch::<MatterFields>()
        .returns::<MatterRow>()
        .add(M::POST, "/api/v1/major-matters/{id}/answer", P::MatterWrite, "登记上级批复", api::answer)
        .body::<AnswerFields>()
        .returns::<MatterRow>()
        .add(M::GET, "/major-matters", P::MatterRead, "重大事项请示报告页", pages::list)
        .add(M::GET, "/major-matters/new", P::MatterWrite, "登记请示报告表单", pages::new_form)
        .add(M::POST, "/major-matters/new", P::MatterWrite, "登记请示报告", pages::create)
        .add(M::GET, "/major-matters/interference", Access::SignedIn, "记录插手干预表单", pages::interference_form)
        .add(M::POST, "/major-matters/interference", Access::SignedIn, "记录插手干预", pages::interference)
        .add(M::GET, "/major-matters/{id}", Access::SignedIn, "请示报告详情页", pages::detail)
        .add(M::GET, "/major-matters/{id}/edit", P::MatterWrite, "修改请示报告表单", pages::edit_form)
        .add(M::POST, "/major-matters/{id}/edit", P::MatterWrite, "保存请示报告", pages::edit)
        .add(M::POST, "/major-matters/{id}/answer", P::MatterWrite, "登记上级批复", pages::answer)
}
