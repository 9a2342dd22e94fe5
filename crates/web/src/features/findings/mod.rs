//! 问题清单 and 整改: findings, their rectification steps and sign-off, statistics, the finding sheet, and 专项整治 campaigns.

pub mod answers;
pub mod api;
pub mod checked_api;
pub mod export;
pub mod from_checks;
pub mod pages;
pub mod service;
pub mod sheets;

use axum::http::Method as M;
use qingfeng_domain::access::Permission as P;

use crate::features::exports::long;
use crate::http::Book;

/// Registers the routes of this feature (JSON API and pages).
pub fn routes(book: Book) -> Book {
    book.add(M::GET, "/api/v1/findings", P::FindingRead, "问题清单", api::list)
        .returns_page::<qingfeng_store::findings::Finding>()
        .query(service::FINDING_FILTERS)
        .seek_paged()
        .add(
            M::GET,
            "/api/v1/findings/export.xlsx",
            P::FindingExport,
            "导出整改台账",
            long::export::<export::FindingLedger>,
        )
        .query(service::FINDING_FILTERS)
        .add(
            M::POST,
            "/api/v1/findings/export-jobs",
            P::FindingExport,
            "后台导出整改台账（查询进度）",
            long::start_job::<export::FindingLedger>,
        )
        .query(service::FINDING_FILTERS)
        .returns::<crate::http::export_jobs::JobStatus>()
        .add(
            M::POST,
            "/findings/export",
            P::FindingExport,
            "后台导出整改台账（页面）",
            long::start_from_page::<export::FindingLedger>,
        )
        .sheet::<sheets::FindingSheet>(P::FindingImport, "/api/v1/findings", "/findings/import")
        .add(M::GET, "/api/v1/findings/{id}", P::FindingRead, "问题详情（含办理过程和整改措施）", api::get)
        .returns::<answers::FindingDetail>()
        .add(M::PATCH, "/api/v1/findings/{id}", P::FindingWrite, "修改问题（仅限反馈前）", api::update)
        .patch::<qingfeng_domain::findings::FindingFields>()
        .returns::<answers::FindingDetail>()
        .add(M::GET, "/api/v1/rectifications", P::FindingRead, "整改措施列表", api::list_measures)
        .returns_page::<qingfeng_store::findings::Measure>()
        .query(service::MEASURE_FILTERS)
        .seek_paged()
        .add(M::GET, "/api/v1/campaigns", P::CampaignRead, "专项整治列表", api::list_campaigns)
        .returns_page::<qingfeng_store::findings::Campaign>()
        .query(&["q"])
        .paged()
        .add(M::POST, "/api/v1/campaigns", P::CampaignWrite, "部署专项整治", api::create_campaign)
        .body::<qingfeng_domain::findings::CampaignFields>()
        .returns::<answers::CampaignDetail>()
        .add(M::POST, "/api/v1/findings/{id}/evidence", P::RectificationWrite, "上传整改佐证材料", api::add_evidence)
        .upload()
        .returns::<qingfeng_store::findings::Evidence>()
        .add(M::GET, "/api/v1/finding-evidence/{id}", P::FindingRead, "下载整改佐证材料", api::evidence_file)
        .add(M::POST, "/findings/{id}/evidence", P::RectificationWrite, "上传整改佐证材料", pages::evidence)
        .add(M::GET, "/api/v1/campaigns/{id}", P::CampaignRead, "专项整治详情及进度", api::get_campaign)
        .returns::<answers::CampaignDetail>()
        .add(M::GET, "/findings", P::FindingRead, "问题清单页", pages::page)
        .add(M::GET, "/findings/new", P::FindingWrite, "登记问题表单", pages::new_form)
        .add(M::POST, "/findings/new", P::FindingWrite, "登记问题", pages::create)
        .add(M::GET, "/findings/dashboard", P::FindingRead, "整改统计页", pages::dashboard)
        .add(M::GET, "/findings/{id}", P::FindingRead, "问题详情页", pages::finding)
        .add(M::GET, "/findings/{id}/edit", P::FindingWrite, "修改问题表单", pages::edit_form)
        .add(M::POST, "/findings/{id}/edit", P::FindingWrite, "保存问题", pages::edit)
        .add(M::POST, "/findings/{id}/feedback", P::FindingWrite, "反馈问题", pages::feedback)
        .add(M::POST, "/findings/{id}/measures", P::RectificationWrite, "制定整改措施", pages::measure)
        .add(M::POST, "/findings/{id}/updates", P::RectificationWrite, "报告整改进展", pages::progress)
        .add(M::POST, "/findings/{id}/sign-off", P::FindingSignOff, "验收销号", pages::sign_off)
        .add(M::POST, "/findings/{id}/return", P::FindingSignOff, "退回整改", pages::return_finding)
        .add(M::POST, "/findings/{id}/look-back", P::FindingSignOff, "回头看", pages::look_back)
        .add(M::GET, "/campaigns", P::CampaignRead, "专项整治页", pages::campaigns)
        .add(M::POST, "/campaigns", P::CampaignWrite, "部署专项整治", pages::create_campaign)
        .add(M::GET, "/campaigns/{id}", P::CampaignRead, "专项整治进度页", pages::campaign)
        .add(M::POST, "/api/v1/findings", P::FindingWrite, "登记问题（纪检监察组或本单位自查）", api::create)
        .body::<qingfeng_domain::findings::FindingFields>()
        .returns::<answers::FindingDetail>()
        .add(M::GET, "/api/v1/findings/stats", P::FindingRead, "整改统计（整改率、逾期、分类、回头看）", api::stats)
        .returns::<qingfeng_store::findings::Stats>()
        .query(service::FINDING_FILTERS)
        .add(M::POST, "/api/v1/findings/{id}/feedback", P::FindingWrite, "反馈问题（纪检监察组）", api::feedback)
        .body::<qingfeng_domain::findings::FeedbackFields>()
        .returns::<answers::FindingDetail>()
        .add(M::POST, "/api/v1/findings/{id}/measures", P::RectificationWrite, "制定整改措施", api::add_measure)
        .body::<qingfeng_domain::findings::MeasureFields>()
        .returns::<qingfeng_store::findings::Measure>()
        .add(
            M::POST,
            "/api/v1/findings/{id}/sign-off-request",
            P::RectificationWrite,
            "申请验收销号",
            api::request_sign_off,
        )
        .body::<qingfeng_domain::findings::SignOffRequestFields>()
        .returns::<answers::FindingDetail>()
        .add(M::POST, "/api/v1/findings/{id}/sign-off", P::FindingSignOff, "验收销号（纪检监察组）", api::sign_off)
        .body::<qingfeng_domain::findings::SignOffFields>()
        .returns::<answers::FindingDetail>()
        .add(M::POST, "/api/v1/findings/{id}/return", P::FindingSignOff, "退回整改（纪检监察组）", api::return_finding)
        .body::<qingfeng_domain::findings::ReturnFields>()
        .returns::<answers::FindingDetail>()
        .add(M::POST, "/api/v1/findings/{id}/look-back", P::FindingSignOff, "回头看（纪检监察组）", api::look_back)
        .body::<qingfeng_domain::findings::LookBackFields>()
        .returns::<answers::LookBackAnswer>()
        .add(M::POST, "/api/v1/rectifications/{id}/updates", P::RectificationWrite, "报告整改进展", api::add_update)
        .body::<qingfeng_domain::findings::UpdateFields>()
        .returns::<answers::ProgressAnswer>()
        .add(M::POST, "/findings/{id}/sign-off-request", P::RectificationWrite, "申请验收销号", pages::request_sign_off)
}
