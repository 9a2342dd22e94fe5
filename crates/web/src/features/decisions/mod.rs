//! 三重一大 collective decisions: meetings (党组会, 办公会, 支委会, 党员大会) with attendance,
//! topics, views in speaking order, votes and recusals; the checks R-DEC-1…7 and R-DEC-9 on
//! every save and as a dry run; a failed check turned into a finding by the 纪检组; the R-DEC-8
//! register of spending and appointments with its Excel import; the 三重一大事项决策台账 and the
//! per-meeting 会议纪要.

pub mod api;
pub mod pages;
pub mod service;
pub mod sheets;

use axum::http::Method as M;
use qingfeng_domain::access::Permission as P;
use qingfeng_domain::decisions::register::RegisterFields;
use qingfeng_domain::decisions::MeetingFields;
use qingfeng_store::decisions::register::RegisterEntry;
use qingfeng_store::decisions::{Meeting, MeetingSummary};

use crate::features::findings::checked_api;
use crate::http::Book;

/// Registers the routes of this feature (JSON API and pages).
pub fn routes(book: Book) -> Book {
    let book = book
        .add(M::GET, "/api/v1/decision-meetings", P::DecisionRead, "三重一大决策会议列表", api::list)
        .returns_page::<MeetingSummary>()
        .query(service::MEETING_FILTERS)
        .paged()
        .add(
            M::POST,
            "/api/v1/decision-meetings",
            P::DecisionWrite,
            "登记决策会议",
            checked_api::create::<service::Meetings>,
        )
        .body::<MeetingFields>()
        .returns::<Meeting>()
        .add(
            M::POST,
            "/api/v1/decision-meetings/check",
            P::DecisionWrite,
            "检查决策会议记录（不保存）",
            checked_api::check::<service::Meetings>,
        )
        .body::<MeetingFields>()
        .returns::<api::CheckAnswer>()
        .add(M::GET, "/api/v1/decision-meetings/export.xlsx", P::DecisionRead, "导出三重一大事项决策台账", api::export)
        .query(service::MEETING_FILTERS)
        .add(
            M::GET,
            "/api/v1/decision-meetings/{id}",
            P::DecisionRead,
            "决策会议详情（含检查结果）",
            checked_api::get::<service::Meetings>,
        )
        .returns::<Meeting>()
        .add(
            M::PATCH,
            "/api/v1/decision-meetings/{id}",
            P::DecisionWrite,
            "修改决策会议记录",
            checked_api::update::<service::Meetings>,
        )
        .patch::<MeetingFields>()
        .returns::<Meeting>()
        .add(M::GET, "/api/v1/decision-meetings/{id}/minutes.docx", P::DecisionRead, "导出会议纪要", api::minutes)
        .add(
            M::POST,
            "/api/v1/decision-meetings/{id}/findings",
            P::DecisionConvert,
            "将未通过的检查转为问题（纪检监察组）",
            checked_api::convert::<service::Meetings>,
        )
        .body::<api::ConvertFields>()
        .returns::<api::Converted>()
        .add(M::GET, "/api/v1/decision-register", P::DecisionRead, "大额资金和人事任免台账（R-DEC-8）", api::register)
        .returns_page::<RegisterEntry>()
        .query(service::REGISTER_FILTERS)
        .paged()
        .add(M::POST, "/api/v1/decision-register", P::DecisionWrite, "登记大额资金支出或人事任免", api::create_entry)
        .body::<RegisterFields>()
        .returns::<RegisterEntry>()
        .sheet::<sheets::RegisterSheet>(P::DecisionWrite, "/api/v1/decision-register", "/decisions/register/import")
        .add(M::GET, "/api/v1/decision-register/{id}", P::DecisionRead, "台账记录详情", api::get_entry)
        .returns::<RegisterEntry>()
        .add(
            M::PATCH,
            "/api/v1/decision-register/{id}",
            P::DecisionWrite,
            "修改台账记录（关联决策议题）",
            api::update_entry,
        )
        .patch::<RegisterFields>()
        .returns::<RegisterEntry>();
    book.add(M::GET, "/decisions", P::DecisionRead, "三重一大决策会议页", pages::list)
        .add(M::GET, "/decisions/new", P::DecisionWrite, "登记决策会议表单", pages::new_form)
        .add(M::POST, "/decisions/new", P::DecisionWrite, "登记决策会议", pages::create)
        .add(M::POST, "/decisions/check", P::DecisionWrite, "边录入边检查（表单片段）", pages::check)
        .add(M::GET, "/decisions/register", P::DecisionRead, "大额资金和人事任免台账页", pages::register)
        .add(M::POST, "/decisions/register", P::DecisionWrite, "登记台账记录", pages::create_entry)
        .add(M::POST, "/decisions/register/{id}/link", P::DecisionWrite, "关联决策议题", pages::link_entry)
        .add(M::GET, "/decisions/{id}", P::DecisionRead, "决策会议详情页", pages::detail)
        .add(M::GET, "/decisions/{id}/edit", P::DecisionWrite, "修改决策会议表单", pages::edit_form)
        .add(M::POST, "/decisions/{id}/edit", P::DecisionWrite, "保存决策会议", pages::edit)
        .add(M::POST, "/decisions/{id}/convert", P::DecisionConvert, "转为问题", pages::convert)
}
