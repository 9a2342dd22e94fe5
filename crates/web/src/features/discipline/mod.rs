//! 运用“四种形态”和党纪政务处分: what the 纪检组 decided about a person, the finding behind it
//! and its 影响期. Only the 纪检组 and the person concerned read a record; anyone else asking
//! for one gets a 404 and an audit row.

pub mod api;
pub mod pages;
pub mod service;

use axum::http::Method as M;
use qingfeng_domain::access::Permission as P;
use qingfeng_domain::discipline::RecordFields;
use qingfeng_store::discipline::DisciplineRecord;

use crate::auth::Access;
use crate::http::Book;

/// Registers the routes of this feature (JSON API and pages).
pub fn routes(book: Book) -> Book {
    book.add(M::GET, "/api/v1/discipline-records", Access::SignedIn, "四种形态和处分记录列表", api::list)
        .returns_page::<DisciplineRecord>()
        .query(service::RECORD_FILTERS)
        .paged()
        .add(M::POST, "/api/v1/discipline-records", P::DisciplineWrite, "登记运用四种形态或处分", api::create)
        .body::<RecordFields>()
        .returns::<DisciplineRecord>()
        .add(M::GET, "/api/v1/discipline-records/{id}", Access::SignedIn, "四种形态和处分记录详情", api::get)
        .returns::<DisciplineRecord>()
        .add(M::PATCH, "/api/v1/discipline-records/{id}", P::DisciplineWrite, "更正四种形态或处分记录", api::update)
        .patch::<RecordFields>()
        .returns::<DisciplineRecord>()
        .add(M::GET, "/discipline-records", Access::SignedIn, "四种形态和处分页", pages::list)
        .add(M::GET, "/discipline-records/new", P::DisciplineWrite, "登记四种形态或处分表单", pages::new_form)
        .add(M::POST, "/discipline-records/new", P::DisciplineWrite, "登记四种形态或处分", pages::create)
        .add(M::GET, "/discipline-records/{id}", Access::SignedIn, "四种形态和处分记录详情页", pages::detail)
        .add(M::GET, "/discipline-records/{id}/edit", P::DisciplineWrite, "更正记录表单", pages::edit_form)
        .add(M::POST, "/discipline-records/{id}/edit", P::DisciplineWrite, "保存更正", pages::edit)
}
