//! 问题线索 and their disposal: the register (线索〔year〕第N号), 谈话函询, 初步核实, 暂存待查 and
//! 予以了结, merging duplicates, a clue turned into a finding, the register in Excel and the
//! import of reports entered by hand. The 纪检组 only: anyone else asking gets a 404 and an
//! audit row.

pub mod api;
pub mod pages;
pub mod service;
pub mod sheets;

use axum::http::Method as M;
use qingfeng_domain::findings::FindingFields;
use qingfeng_domain::petitions::{ConcludeFields, DisposeFields};
use qingfeng_store::clues::Clue;

use crate::auth::Access;
use crate::http::Book;
use qingfeng_domain::access::Permission as P;

/// Registers the routes of this feature (JSON API and pages).
pub fn routes(book: Book) -> Book {
    book.add(M::GET, "/api/v1/clues", Access::SignedIn, "问题线索登记表（纪检监察组）", api::list)
        .returns_page::<Clue>()
        .query(service::FILTERS)
        .paged()
        .add(M::GET, "/api/v1/clues/export.xlsx", Access::SignedIn, "导出问题线索登记表", api::export)
        .query(service::FILTERS)
        .add(M::GET, "/api/v1/clues/{id}", Access::SignedIn, "问题线索详情（含原始举报和处置过程）", api::get)
        .returns::<service::ClueDetail>()
        .add(M::POST, "/api/v1/clues/{id}/dispose", P::PetitionWrite, "处置问题线索（四类处置）", api::dispose)
        .body::<DisposeFields>()
        .returns::<service::ClueDetail>()
        .add(M::POST, "/api/v1/clues/{id}/conclude", P::PetitionWrite, "办结函询或初步核实", api::conclude)
        .body::<ConcludeFields>()
        .returns::<service::ClueDetail>()
        .add(M::POST, "/api/v1/clues/{id}/merge", P::PetitionWrite, "合并反映同一问题的线索", api::merge)
        .body::<service::MergeFields>()
        .returns::<service::ClueDetail>()
        .add(M::POST, "/api/v1/clues/{id}/to-finding", P::PetitionWrite, "问题线索转为问题", api::to_finding)
        .body::<FindingFields>()
        .returns::<api::Converted>()
        .sheet::<sheets::PetitionSheet>(P::PetitionWrite, "/api/v1/petitions", "/clues/import")
        .add(M::GET, "/clues", Access::SignedIn, "问题线索页", pages::list)
        .add(M::GET, "/clues/{id}", Access::SignedIn, "问题线索详情页", pages::detail)
        .add(M::POST, "/clues/{id}/dispose", P::PetitionWrite, "处置问题线索", pages::dispose)
        .add(M::POST, "/clues/{id}/conclude", P::PetitionWrite, "办结问题线索", pages::conclude)
        .add(M::POST, "/clues/{id}/merge", P::PetitionWrite, "合并问题线索", pages::merge)
        .add(M::POST, "/clues/{id}/to-finding", P::PetitionWrite, "问题线索转为问题", pages::to_finding)
}
