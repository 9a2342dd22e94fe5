//! 考核 (同部署同考核): a yearly round assessing each unit and each 班子成员 from what the system
//! already holds, with the assessors' deductions and additions (each with its reason), the
//! units' business assessment scores beside the party-building scores, and a published result
//! that no later change alters. See `service` for who sees what. No activity ranking (logins,
//! time online, uploads): the 2024 减负 rules forbid it.

pub mod api;
pub mod pages;
pub mod service;
pub mod sheets;

use axum::http::Method as M;
use qingfeng_domain::access::Permission as P;
use qingfeng_domain::assessment::AdjustmentFields;
use qingfeng_store::assessments::{BusinessScore, Round};

use crate::http::Book;

/// Registers the routes of this feature (JSON API and pages).
pub fn routes(book: Book) -> Book {
    let book = book
        .add(M::GET, "/api/v1/assessments", P::AssessmentRead, "考核列表（年度考核轮次）", api::list)
        .returns_page::<Round>()
        .paged()
        .add(M::POST, "/api/v1/assessments", P::AssessmentManage, "创建年度考核", api::create)
        .body::<service::RoundFields>()
        .returns::<service::RoundDetail>()
        .add(M::GET, "/api/v1/assessments/business-scores", P::AssessmentRead, "业务考核得分（按单位）", api::business)
        .returns_page::<BusinessScore>()
        .query(&["year"])
        .paged()
        .add(M::POST, "/api/v1/assessments/business-scores", P::AssessmentManage, "录入业务考核得分", api::set_business)
        .body::<service::BusinessFields>()
        .returns::<api::Saved>()
        .add(
            M::GET,
            "/api/v1/assessments/business-scores/export.xlsx",
            P::AssessmentRead,
            "导出业务考核得分",
            api::business_export,
        )
        .query(&["year"])
        .sheet::<sheets::BusinessScoreSheet>(
            P::AssessmentManage,
            "/api/v1/assessments/business-scores",
            "/assessments/business/import",
        )
        .add(M::GET, "/api/v1/assessments/{id}", P::AssessmentRead, "考核详情（单位和班子成员得分及明细）", api::get)
        .returns::<service::RoundDetail>()
        .add(
            M::POST,
            "/api/v1/assessments/{id}/compute",
            P::AssessmentManage,
            "计算考核得分（发布前可重算）",
            api::compute,
        )
        .returns::<service::RoundDetail>()
        .add(
            M::POST,
            "/api/v1/assessments/{id}/adjustments",
            P::AssessmentManage,
            "加分或扣分（须写明理由）",
            api::adjust,
        )
        .body::<AdjustmentFields>()
        .returns::<service::ResultDetail>()
        .add(
            M::POST,
            "/api/v1/assessments/{id}/publish",
            P::AssessmentManage,
            "发布考核结果（发布后不再变动）",
            api::publish,
        )
        .returns::<service::RoundDetail>()
        .add(M::GET, "/api/v1/assessments/{id}/export.xlsx", P::AssessmentRead, "导出考核结果", api::export)
        .add(M::GET, "/api/v1/assessments/{id}/units/{unit}", P::AssessmentRead, "单位考核得分明细", api::unit_result)
        .returns::<service::ResultDetail>()
        .add(
            M::GET,
            "/api/v1/assessments/{id}/leaders/{person}",
            P::AssessmentRead,
            "班子成员考核得分明细",
            api::leader_result,
        )
        .returns::<service::ResultDetail>();
    book.add(M::GET, "/assessments", P::AssessmentRead, "考核页", pages::list)
        .add(M::POST, "/assessments", P::AssessmentManage, "创建年度考核", pages::create)
        .add(M::GET, "/assessments/business", P::AssessmentRead, "业务考核得分页", pages::business)
        .add(M::POST, "/assessments/business", P::AssessmentManage, "录入业务考核得分", pages::set_business)
        .add(M::GET, "/assessments/{id}", P::AssessmentRead, "考核结果页", pages::round)
        .add(M::POST, "/assessments/{id}/compute", P::AssessmentManage, "计算考核得分", pages::compute)
        .add(M::POST, "/assessments/{id}/publish", P::AssessmentManage, "发布考核结果", pages::publish)
        .add(M::POST, "/assessments/{id}/adjustments", P::AssessmentManage, "加分或扣分", pages::adjust)
        .add(M::GET, "/assessments/{id}/units/{unit}", P::AssessmentRead, "单位考核得分明细页", pages::unit_result)
        .add(
            M::GET,
            "/assessments/{id}/leaders/{person}",
            P::AssessmentRead,
            "班子成员考核得分明细页",
            pages::leader_result,
        )
}
