//! 婚丧喜庆 (R-FAM-1 … R-FAM-4): the advance report N working days before the event (a 丧事
//! afterwards), the planned size and the 廉洁承诺, the actual figures after the event and the
//! gifts from 管理服务对象 handed in; every rule broken is flagged with its source and told to
//! the 纪检监察组. Who sees what: `service`.

pub mod api;
pub mod pages;
pub mod service;
pub mod sheets;

use axum::http::Method as M;
use qingfeng_domain::access::Permission as P;
use qingfeng_domain::family::{ActualFields, FamilyEventFields};
use qingfeng_store::private_files::PrivateFile;

use crate::http::Book;

/// Registers the routes of this feature (JSON API and pages).
pub fn routes(book: Book) -> Book {
    book.add(
        M::GET,
        "/api/v1/family-events",
        P::PersonalReportFile,
        "婚丧喜庆报告列表（领导只见报告情况和提示）",
        api::list,
    )
    .returns_page::<service::EventView>()
    .query(service::EVENT_FILTERS)
    .paged()
    .add(M::POST, "/api/v1/family-events", P::PersonalReportFile, "报告婚丧喜庆事宜", api::create)
    .body::<FamilyEventFields>()
    .returns::<service::EventView>()
    .add(M::GET, "/api/v1/family-events/export.xlsx", P::PersonalReportFile, "导出婚丧喜庆报告台账", api::export)
    .query(service::EVENT_FILTERS)
    .add(M::GET, "/api/v1/family-events/{id}", P::PersonalReportFile, "婚丧喜庆报告详情（本人和纪检监察组）", api::get)
    .returns::<service::EventView>()
    .add(M::POST, "/api/v1/family-events/{id}/actual", P::PersonalReportFile, "报告婚丧喜庆实际情况", api::actual)
    .body::<ActualFields>()
    .returns::<service::EventView>()
    .add(M::POST, "/api/v1/family-events/{id}/hand-in", P::PersonalReportFile, "登记礼金礼品上交日期", api::hand_in)
    .body::<service::HandInFields>()
    .returns::<service::EventView>()
    .add(
        M::POST,
        "/api/v1/family-events/{id}/attachments",
        P::PersonalReportFile,
        "上传婚丧喜庆附件",
        api::add_attachment,
    )
    .upload()
    .returns::<PrivateFile>()
    .add(M::GET, "/family-events", P::PersonalReportFile, "婚丧喜庆页", pages::list)
    .add(M::GET, "/family-events/new", P::PersonalReportFile, "报告婚丧喜庆表单", pages::new_form)
    .add(M::POST, "/family-events/new", P::PersonalReportFile, "报告婚丧喜庆", pages::create)
    .add(M::GET, "/family-events/{id}", P::PersonalReportFile, "婚丧喜庆详情页", pages::detail)
    .add(M::POST, "/family-events/{id}/actual", P::PersonalReportFile, "报告实际情况", pages::actual)
    .add(M::POST, "/family-events/{id}/hand-in", P::PersonalReportFile, "登记上交日期", pages::hand_in)
    .add(M::POST, "/family-events/{id}/attachments", P::PersonalReportFile, "上传附件", pages::upload)
}
