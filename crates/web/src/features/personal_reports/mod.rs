//! 个人有关事项 (R-PER-1, R-PER-2): the annual report and life-event reports of those who must
//! report (县处级副职 and above, and people the administrator marks), their attachments, the
//! 纪检监察组's review, and the list of who has not reported. Contents are read only by the
//! person and the 纪检监察组; anyone else is answered 404.

pub mod api;
pub mod pages;
pub mod service;
pub mod sheets;

use axum::http::Method as M;
use qingfeng_domain::access::Permission as P;
use qingfeng_domain::personal::{PersonalReportFields, ReviewFields};
use qingfeng_store::personal_reports::PersonalReport;
use qingfeng_store::private_files::PrivateFile;

use crate::http::{Book, Done};

/// Registers the routes of this feature (JSON API and pages).
pub fn routes(book: Book) -> Book {
    book.add(
        M::GET,
        "/api/v1/personal-reports",
        P::PersonalReportFile,
        "个人有关事项报告列表（本人的；纪检监察组看全部）",
        api::list,
    )
    .returns_page::<PersonalReport>()
    .query(service::REPORT_FILTERS)
    .paged()
    .add(M::POST, "/api/v1/personal-reports", P::PersonalReportFile, "填报个人有关事项", api::create)
    .body::<PersonalReportFields>()
    .returns::<service::ReportDetail>()
    .add(
        M::GET,
        "/api/v1/personal-reports/obligations",
        P::PersonalReportReview,
        "须报告人员及年度报告情况",
        api::obligations,
    )
    .query(&["year"])
    .returns::<service::Obligations>()
    .add(
        M::GET,
        "/api/v1/personal-reports/export.xlsx",
        P::PersonalReportReview,
        "导出个人有关事项报告台账",
        api::export,
    )
    .query(&["year"])
    .add(M::PUT, "/api/v1/personal-reports/marks/{person_id}", P::PersonWrite, "列为须报告人员（写明理由）", api::mark)
    .body::<api::MarkBody>()
    .returns::<Done>()
    .add(M::DELETE, "/api/v1/personal-reports/marks/{person_id}", P::PersonWrite, "取消列为须报告人员", api::unmark)
    .returns::<Done>()
    .add(
        M::GET,
        "/api/v1/personal-reports/{id}",
        P::PersonalReportFile,
        "个人有关事项报告详情（本人和纪检监察组）",
        api::get,
    )
    .returns::<service::ReportDetail>()
    .add(
        M::POST,
        "/api/v1/personal-reports/{id}/review",
        P::PersonalReportReview,
        "核查个人有关事项（如实、不如实）",
        api::review,
    )
    .body::<ReviewFields>()
    .returns::<service::ReportDetail>()
    .add(
        M::POST,
        "/api/v1/personal-reports/{id}/attachments",
        P::PersonalReportFile,
        "上传个人有关事项附件",
        api::add_attachment,
    )
    .upload()
    .returns::<PrivateFile>()
    .add(
        M::GET,
        "/api/v1/private-attachments/{id}",
        P::PersonalReportFile,
        "下载个人有关事项、婚丧喜庆附件",
        api::attachment,
    )
    .add(M::GET, "/personal-reports", P::PersonalReportFile, "个人有关事项页", pages::list)
    .add(M::GET, "/personal-reports/new", P::PersonalReportFile, "填报个人有关事项表单", pages::new_form)
    .add(M::POST, "/personal-reports/new", P::PersonalReportFile, "填报个人有关事项", pages::create)
    .add(M::GET, "/personal-reports/obligations", P::PersonalReportReview, "须报告人员页", pages::obligations)
    .add(M::POST, "/personal-reports/marks", P::PersonWrite, "列为须报告人员", pages::mark)
    .add(M::POST, "/personal-reports/marks/{person_id}/delete", P::PersonWrite, "取消列为须报告人员", pages::unmark)
    .add(M::GET, "/personal-reports/{id}", P::PersonalReportFile, "个人有关事项详情页", pages::detail)
    .add(M::POST, "/personal-reports/{id}/review", P::PersonalReportReview, "核查个人有关事项", pages::review)
    .add(M::POST, "/personal-reports/{id}/attachments", P::PersonalReportFile, "上传附件", pages::upload)
}
