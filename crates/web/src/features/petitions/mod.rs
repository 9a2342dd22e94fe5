//! 信访举报: the public page (`/report`, `/report/status`, no sign-in) and the 纪检组's inbox,
//! hand entry, acceptance into the clue register and the reporter's identity behind its own
//! permission. Reads answer 404 (with an audit row) to anyone but the group.

pub mod api;
pub mod intake;
pub mod pages;
pub mod public;
pub mod service;

use axum::http::Method as M;
use qingfeng_domain::access::Permission as P;
use qingfeng_domain::petitions::{Identity, PetitionFields};
use qingfeng_store::petitions::Petition;
use qingfeng_store::private_files::PrivateFile;

use crate::auth::Access;
use crate::http::Book;

/// Registers the routes of this feature (public pages, JSON API and the group's pages).
pub fn routes(book: Book) -> Book {
    book.add(M::GET, "/report", Access::Public, "网上信访举报页", public::form)
        .add(M::POST, "/report", Access::Public, "提交网上信访举报", public::submit)
        .add(M::GET, "/report/status", Access::Public, "信访举报办理情况查询页", public::status_form)
        .add(M::POST, "/report/status", Access::Public, "查询信访举报办理情况", public::status)
        .add(M::GET, "/api/v1/petitions", Access::SignedIn, "信访举报列表（纪检监察组）", api::list)
        .returns_page::<Petition>()
        .query(service::FILTERS)
        .paged()
        .add(M::POST, "/api/v1/petitions", P::PetitionWrite, "登记来信、来访、12388 电话和上级转办的举报", api::create)
        .body::<PetitionFields>()
        .returns::<Petition>()
        .add(M::GET, "/api/v1/petitions/{id}", Access::SignedIn, "信访举报详情（纪检监察组）", api::get)
        .returns::<Petition>()
        .add(
            M::POST,
            "/api/v1/petitions/{id}/accept",
            P::PetitionWrite,
            "受理举报（登记为问题线索或并入已有线索）",
            api::accept,
        )
        .body::<service::AcceptFields>()
        .returns::<service::Accepted>()
        .add(
            M::POST,
            "/api/v1/petitions/{id}/identity",
            Access::SignedIn,
            "查看举报人信息（专门授权，记入操作日志）",
            api::identity,
        )
        .returns::<Identity>()
        .add(M::GET, "/api/v1/petitions/{id}/files", Access::SignedIn, "举报的证据材料列表", api::files)
        .returns::<Vec<PrivateFile>>()
        .add(M::GET, "/api/v1/petitions/{id}/files/{file_id}", Access::SignedIn, "下载举报的证据材料", api::file)
        .add(M::GET, "/petitions", Access::SignedIn, "信访举报页", pages::list)
        .add(M::GET, "/petitions/new", P::PetitionWrite, "登记来信来访表单", pages::new_form)
        .add(M::POST, "/petitions/new", P::PetitionWrite, "登记来信来访", pages::create)
        .add(M::GET, "/petitions/{id}", Access::SignedIn, "信访举报详情页", pages::detail)
        .add(M::POST, "/petitions/{id}/accept", P::PetitionWrite, "受理举报", pages::accept)
        .add(M::POST, "/petitions/{id}/identity", Access::SignedIn, "查看举报人信息", pages::identity)
        .add(M::GET, "/petitions/{id}/files/{file_id}", Access::SignedIn, "下载举报的证据材料", pages::file)
}
