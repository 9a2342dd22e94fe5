//! 廉政风险防控: the risk register (廉政风险点 with their control measures), its yearly review by
//! the 纪检监察组, raising occurred points, the heat map and the 廉政风险防控台账 in Excel.

pub mod api;
pub mod pages;
pub mod service;
pub mod sheets;

use axum::http::Method as M;
use qingfeng_domain::access::Permission as P;
use qingfeng_domain::risk::{ReasonFields, RiskPointFields, UnitYearFields};
use qingfeng_store::risk::{HeatMap, RiskPoint};

use crate::http::Book;

/// Registers the routes of this feature (JSON API and pages).
pub fn routes(book: Book) -> Book {
    let book = book
        .add(M::GET, "/api/v1/risk-points", P::RiskRead, "廉政风险点列表（风险防控台账）", api::list)
        .returns_page::<RiskPoint>()
        .query(service::RISK_FILTERS)
        .paged()
        .add(M::POST, "/api/v1/risk-points", P::RiskWrite, "申报廉政风险点（草稿）", api::create)
        .body::<RiskPointFields>()
        .returns::<RiskPoint>()
        .add(M::GET, "/api/v1/risk-points/heat-map", P::RiskRead, "廉政风险热力图", api::heat_map)
        .query(&["year"])
        .returns::<HeatMap>()
        .add(M::POST, "/api/v1/risk-points/submit", P::RiskWrite, "提交本单位年度风险点审核", api::submit)
        .body::<UnitYearFields>()
        .returns::<api::Moved>()
        .add(
            M::POST,
            "/api/v1/risk-points/carry-forward",
            P::RiskWrite,
            "复制上年度风险防控台账为本年度草稿",
            api::carry_forward,
        )
        .body::<UnitYearFields>()
        .returns::<api::Moved>()
        .add(M::GET, "/api/v1/risk-points/export.xlsx", P::RiskRead, "导出廉政风险防控台账", api::export)
        .query(service::RISK_FILTERS)
        .sheet::<sheets::RiskPointSheet>(P::RiskWrite, "/api/v1/risk-points", "/risk/import")
        .add(M::GET, "/api/v1/risk-points/{id}", P::RiskRead, "廉政风险点详情", api::get)
        .returns::<RiskPoint>()
        .add(M::PATCH, "/api/v1/risk-points/{id}", P::RiskWrite, "修改风险点（草稿或已退回）", api::update)
        .patch::<RiskPointFields>()
        .returns::<RiskPoint>()
        .add(M::POST, "/api/v1/risk-points/{id}/accept", P::RiskReview, "确认风险点（纪检监察组）", api::accept)
        .returns::<RiskPoint>()
        .add(M::POST, "/api/v1/risk-points/{id}/return", P::RiskReview, "退回风险点（纪检监察组）", api::return_point)
        .body::<ReasonFields>()
        .returns::<RiskPoint>()
        .add(
            M::POST,
            "/api/v1/risk-points/{id}/raise",
            P::RiskReview,
            "提升已发生风险点的等级（纪检监察组）",
            api::raise,
        )
        .body::<ReasonFields>()
        .returns::<RiskPoint>();
    book.add(M::GET, "/risk", P::RiskRead, "廉政风险防控台账页", pages::register)
        .add(M::POST, "/risk/submit", P::RiskWrite, "提交风险点审核", pages::submit)
        .add(M::POST, "/risk/carry-forward", P::RiskWrite, "复制上年度台账", pages::carry_forward)
        .add(M::GET, "/risk/heat-map", P::RiskRead, "廉政风险热力图页", pages::heat_map)
        .add(M::GET, "/risk/new", P::RiskWrite, "申报风险点表单", pages::new_form)
        .add(M::POST, "/risk/new", P::RiskWrite, "申报风险点", pages::create)
        .add(M::GET, "/risk/{id}", P::RiskRead, "风险点详情页", pages::point)
        .add(M::GET, "/risk/{id}/edit", P::RiskWrite, "修改风险点表单", pages::edit_form)
        .add(M::POST, "/risk/{id}/edit", P::RiskWrite, "保存风险点", pages::edit)
        .add(M::POST, "/risk/{id}/accept", P::RiskReview, "确认风险点", pages::accept)
        .add(M::POST, "/risk/{id}/return", P::RiskReview, "退回风险点", pages::return_point)
        .add(M::POST, "/risk/{id}/raise", P::RiskReview, "提升风险等级", pages::raise)
}
