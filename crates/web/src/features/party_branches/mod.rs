//! 党支部: party branches and their members. A branch is a unit of kind 党支部 (its list and
//! items are owned as before); its members come from several divisions and its committee
//! (书记, 副书记, 委员) is drawn from them, both with their history.

pub mod api;
pub mod pages;
pub mod service;

use axum::http::Method as M;
use qingfeng_domain::access::Permission as P;

use crate::http::Book;

/// Registers the routes of this feature (JSON API and pages).
pub fn routes(book: Book) -> Book {
    let w = || P::PartyBranchWrite;
    book.add(M::GET, "/api/v1/party-branches", P::UnitRead, "党支部列表", api::list)
        .returns_page::<qingfeng_store::org::branches::Branch>()
        .add(M::GET, "/api/v1/party-branches/{id}", P::UnitRead, "党支部详情（某日的党员和支委）", api::detail)
        .returns::<service::BranchDetail>()
        .query(&["on"])
        .add(M::POST, "/api/v1/party-branches/{id}/members", w(), "编入党员", api::add_member)
        .body::<service::MemberChange>()
        .returns::<service::BranchDetail>()
        .add(M::POST, "/api/v1/party-branches/{id}/members/remove", w(), "党员转出党支部", api::remove_member)
        .body::<service::MemberChange>()
        .returns::<service::BranchDetail>()
        .add(M::PUT, "/api/v1/party-branches/{id}/committee", w(), "设置支委职务", api::set_post)
        .body::<service::PostChange>()
        .returns::<service::BranchDetail>()
        .add(M::GET, "/party-branches", P::UnitRead, "党支部", pages::list)
        .add(M::GET, "/party-branches/{id}", P::UnitRead, "党支部详情页", pages::detail)
        .add(M::POST, "/party-branches/{id}/members", w(), "编入党员", pages::add_member)
        .add(M::POST, "/party-branches/{id}/members/remove", w(), "党员转出", pages::remove_member)
        .add(M::POST, "/party-branches/{id}/committee", w(), "设置支委职务", pages::set_post)
}
