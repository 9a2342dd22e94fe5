//! 廉政档案: one page per cadre assembling, in time order, what the system holds about them,
//! each part as sensitive as its own module makes it; and the 党风廉政意见回复 the 纪检组 drafts
//! from it, edits and signs out. Who may open a file: the 纪检组, the person, and holders of
//! `integrity:read` (组织人事) within their scope; anyone else gets a 404 and an audit row.

pub mod api;
pub mod documents;
pub mod pages;
pub mod replies;
pub mod service;

use axum::http::Method as M;
use qingfeng_domain::access::Permission as P;
use qingfeng_domain::integrity::ReplyFields;
use qingfeng_store::integrity::IntegrityReply;

use crate::auth::Access;
use crate::http::Book;

/// Registers the routes of this feature (JSON API and pages).
pub fn routes(book: Book) -> Book {
    book.add(M::GET, "/api/v1/integrity-files/{person}", Access::SignedIn, "干部廉政档案", api::file)
        .returns::<service::IntegrityFile>()
        .add(
            M::POST,
            "/api/v1/integrity-files/{person}/replies",
            P::IntegrityReply,
            "起草党风廉政意见回复",
            api::generate,
        )
        .body::<ReplyFields>()
        .returns::<IntegrityReply>()
        .add(M::GET, "/api/v1/integrity-replies/{id}", Access::SignedIn, "党风廉政意见回复", api::reply)
        .returns::<IntegrityReply>()
        .add(
            M::PATCH,
            "/api/v1/integrity-replies/{id}",
            P::IntegrityReply,
            "修改党风廉政意见回复（未签发）",
            api::update,
        )
        .patch::<ReplyFields>()
        .returns::<IntegrityReply>()
        .add(M::POST, "/api/v1/integrity-replies/{id}/sign", P::IntegrityReply, "签发党风廉政意见回复", api::sign)
        .returns::<IntegrityReply>()
        .add(M::GET, "/integrity-files", Access::SignedIn, "廉政档案页", pages::index)
        .add(M::GET, "/integrity-files/{person}", Access::SignedIn, "干部廉政档案页", pages::file)
        .add(M::POST, "/integrity-files/{person}/replies", P::IntegrityReply, "起草党风廉政意见回复", pages::generate)
        .add(M::GET, "/integrity-replies/{id}", Access::SignedIn, "党风廉政意见回复页", pages::reply)
        .add(M::POST, "/integrity-replies/{id}/edit", P::IntegrityReply, "保存党风廉政意见回复", pages::edit)
        .add(M::POST, "/integrity-replies/{id}/sign", P::IntegrityReply, "签发党风廉政意见回复", pages::sign)
}
