//! JSON handlers of 考核 (`/api/v1/assessments`).

use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use qingfeng_domain::assessment::AdjustmentFields;
use qingfeng_store::assessments::{BusinessScore, Round};
use qingfeng_store::Page;
use serde::Serialize;

use super::service::{self, BusinessFields, ResultDetail, RoundDetail, RoundFields};
use super::sheets;
use crate::auth::Ctx;
use crate::http::{xlsx, ApiJson, ApiResult, Params, Path};

/// One page of `all`, as `page` and `per_page` ask.
fn page<T>(all: Vec<T>, params: &Params) -> ApiResult<Page<T>> {
    let paging = params.paging()?;
    let total = all.len() as i64;
    let items = all.into_iter().skip(paging.offset() as usize).take(paging.per_page as usize).collect();
    Ok(Page::new(items, total, paging.page, paging.per_page))
}

/// `GET /api/v1/assessments`: the rounds the caller sees, newest year first.
pub async fn list(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Json<Page<Round>>> {
    Ok(Json(page(service::rounds(&state, &p).await?, &params)?))
}

/// `POST /api/v1/assessments`
pub async fn create(
    Ctx { state, p }: Ctx,
    ApiJson(f): ApiJson<RoundFields>,
) -> ApiResult<(StatusCode, Json<RoundDetail>)> {
    let id = service::create(&state, &p, &f).await?;
    Ok((StatusCode::CREATED, Json(service::detail(&state, &p, id).await?)))
}

/// `GET /api/v1/assessments/{id}`: the round with the unit and leader results in scope.
pub async fn get(Ctx { state, p }: Ctx, Path(id): Path<i64>) -> ApiResult<Json<RoundDetail>> {
    Ok(Json(service::detail(&state, &p, id).await?))
}

/// `POST /api/v1/assessments/{id}/compute`
pub async fn compute(Ctx { state, p }: Ctx, Path(id): Path<i64>) -> ApiResult<Json<RoundDetail>> {
    service::compute(&state, &p, id).await?;
    Ok(Json(service::detail(&state, &p, id).await?))
}

/// `POST /api/v1/assessments/{id}/publish`
pub async fn publish(Ctx { state, p }: Ctx, Path(id): Path<i64>) -> ApiResult<Json<RoundDetail>> {
    service::publish(&state, &p, id).await?;
    Ok(Json(service::detail(&state, &p, id).await?))
}

/// `POST /api/v1/assessments/{id}/adjustments`: a deduction or addition with its reason.
pub async fn adjust(
    Ctx { state, p }: Ctx,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<AdjustmentFields>,
) -> ApiResult<(StatusCode, Json<ResultDetail>)> {
    service::adjust(&state, &p, id, &f).await?;
    let unit = if f.person_id.is_some() { None } else { f.unit_id };
    Ok((StatusCode::CREATED, Json(service::result(&state, &p, id, unit, f.person_id).await?)))
}

/// `GET /api/v1/assessments/{id}/units/{unit}`
pub async fn unit_result(Ctx { state, p }: Ctx, Path((id, unit)): Path<(i64, i64)>) -> ApiResult<Json<ResultDetail>> {
    Ok(Json(service::result(&state, &p, id, Some(unit), None).await?))
}

/// `GET /api/v1/assessments/{id}/leaders/{person}`
pub async fn leader_result(
    Ctx { state, p }: Ctx,
    Path((id, person)): Path<(i64, i64)>,
) -> ApiResult<Json<ResultDetail>> {
    Ok(Json(service::result(&state, &p, id, None, Some(person)).await?))
}

/// `GET /api/v1/assessments/{id}/export.xlsx`
pub async fn export(Ctx { state, p }: Ctx, Path(id): Path<i64>) -> ApiResult<Response> {
    let d = service::detail(&state, &p, id).await?;
    let bytes = sheets::results_export(&state, &p, &d).await?;
    Ok(xlsx(bytes, &format!("{}结果.xlsx", d.round.title)))
}

/// `GET /api/v1/assessments/business-scores?year=`
pub async fn business(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Json<Page<BusinessScore>>> {
    let year = service::year_param(&params)?;
    Ok(Json(page(service::business_scores(&state, &p, year).await?, &params)?))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Saved {
    pub saved: bool,
}

/// `POST /api/v1/assessments/business-scores`
pub async fn set_business(Ctx { state, p }: Ctx, ApiJson(f): ApiJson<BusinessFields>) -> ApiResult<Json<Saved>> {
    service::set_business(&state, &p, &f).await?;
    Ok(Json(Saved { saved: true }))
}

/// `GET /api/v1/assessments/business-scores/export.xlsx?year=`
pub async fn business_export(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Response> {
    let year = service::year_param(&params)?;
    Ok(xlsx(sheets::business_export(&state, &p, year).await?, &format!("业务考核得分（{year}年）.xlsx")))
}
