//! JSON handlers of 个人有关事项.

use axum::extract::Multipart;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use qingfeng_domain::personal::{PersonalReportFields, ReviewFields};
use qingfeng_store::personal_reports as store;
use qingfeng_store::private_files::PrivateFile;
use qingfeng_store::Page;
use serde::Deserialize;

use super::service::{self, reader, report_filter, Obligations, ReportDetail};
use super::sheets;
use crate::auth::Ctx;
use crate::http::{xlsx, ApiJson, ApiResult, Done, Params, Path};

/// `GET /api/v1/personal-reports`: the group's reports in scope, anyone else's own.
pub async fn list(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Json<Page<store::PersonalReport>>> {
    let filter = report_filter(&params)?;
    Ok(Json(store::list(&state.db, reader(&p), &filter, Some(params.paging()?)).await?))
}

/// `POST /api/v1/personal-reports`
pub async fn create(
    Ctx { state, p }: Ctx,
    ApiJson(f): ApiJson<PersonalReportFields>,
) -> ApiResult<(StatusCode, Json<ReportDetail>)> {
    let id = service::create(&state, &p, &f).await?;
    Ok((StatusCode::CREATED, Json(service::detail(&state, &p, id).await?)))
}

/// `GET /api/v1/personal-reports/{id}` (404 for anyone but the person and the group)
pub async fn get(Ctx { state, p }: Ctx, Path(id): Path<i64>) -> ApiResult<Json<ReportDetail>> {
    Ok(Json(service::detail(&state, &p, id).await?))
}

/// `POST /api/v1/personal-reports/{id}/review`
pub async fn review(
    Ctx { state, p }: Ctx,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<ReviewFields>,
) -> ApiResult<Json<ReportDetail>> {
    service::review(&state, &p, id, &f).await?;
    Ok(Json(service::detail(&state, &p, id).await?))
}

/// `POST /api/v1/personal-reports/{id}/attachments` (multipart `file`)
pub async fn add_attachment(
    Ctx { state, p }: Ctx,
    Path(id): Path<i64>,
    m: Multipart,
) -> ApiResult<(StatusCode, Json<PrivateFile>)> {
    let r = store::get(&state.db, reader(&p), id).await?;
    Ok((StatusCode::CREATED, Json(service::add_file(&state, &p, service::FILES, id, r.person_id, m).await?)))
}

/// `GET /api/v1/private-attachments/{id}`: a file of a report the reader may open.
pub async fn attachment(Ctx { state, p }: Ctx, Path(id): Path<i64>) -> ApiResult<Response> {
    let (meta, content) = service::file(&state, &p, id).await?;
    Ok(crate::http::stored_file(content, &meta.filename, meta.content_type))
}

/// `GET /api/v1/personal-reports/obligations?year=`
pub async fn obligations(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Json<Obligations>> {
    Ok(Json(service::obligations(&state, &p, service::year_of(&params)?).await?))
}

/// The reason a person is marked as having to report.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkBody {
    pub reason: String,
}

/// `PUT /api/v1/personal-reports/marks/{person_id}`
pub async fn mark(
    Ctx { state, p }: Ctx,
    Path(person_id): Path<i64>,
    ApiJson(b): ApiJson<MarkBody>,
) -> ApiResult<Json<Done>> {
    service::mark(&state, &p, person_id, &b.reason).await?;
    Ok(Json(Done::OK))
}

/// `DELETE /api/v1/personal-reports/marks/{person_id}`
pub async fn unmark(Ctx { state, p }: Ctx, Path(person_id): Path<i64>) -> ApiResult<Json<Done>> {
    service::unmark(&state, &p, person_id).await?;
    Ok(Json(Done::OK))
}

/// `GET /api/v1/personal-reports/export.xlsx?year=` (the group's register)
pub async fn export(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Response> {
    let year = service::year_of(&params)?;
    Ok(xlsx(sheets::export(&state, &p, year).await?, &format!("{year}年个人有关事项报告台账.xlsx")))
}
