//! JSON handlers of the risk register (`/api/v1/risk-points`).

use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use qingfeng_domain::risk::{ReasonFields, RiskPointFields, UnitYearFields};
use qingfeng_store::fulfilment::today;
use qingfeng_store::risk::{self as store, HeatMap, RiskPoint};
use qingfeng_store::{Page, Scope};
use serde::Serialize;

use super::{service, sheets};
use crate::auth::Ctx;
use crate::http::{merge_patch, xlsx, ApiJson, ApiResult, Params, Path};

/// `GET /api/v1/risk-points?year=&unit=&level=&category=&state=&occurred=&q=`
pub async fn list(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Json<Page<RiskPoint>>> {
    let filter = service::risk_filter(&params, None)?;
    Ok(Json(store::list(&state.db, &p.scope, &filter, Some(params.paging()?), today()).await?))
}

/// `GET /api/v1/risk-points/{id}`
pub async fn get(Ctx { state, p }: Ctx, Path(id): Path<i64>) -> ApiResult<Json<RiskPoint>> {
    Ok(Json(store::get(&state.db, &p.scope, id, today()).await?))
}

/// `POST /api/v1/risk-points`: a proposal (draft) of the unit's register.
pub async fn create(
    Ctx { state, p }: Ctx,
    ApiJson(fields): ApiJson<RiskPointFields>,
) -> ApiResult<(StatusCode, Json<RiskPoint>)> {
    let id = service::create(&state, &p, &fields).await?;
    Ok((StatusCode::CREATED, Json(store::get(&state.db, &Scope::all(), id, today()).await?)))
}

/// `PATCH /api/v1/risk-points/{id}`: only a draft or a returned point.
pub async fn update(
    Ctx { state, p }: Ctx,
    Path(id): Path<i64>,
    ApiJson(patch): ApiJson<serde_json::Value>,
) -> ApiResult<Json<RiskPoint>> {
    let point = store::get(&state.db, &p.scope, id, today()).await?;
    let fields: RiskPointFields = merge_patch(&point.fields(), patch)?;
    service::edit(&state, &p, &point, &fields).await?;
    Ok(Json(store::get(&state.db, &p.scope, id, today()).await?))
}

/// How many points a step moved.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Moved {
    pub count: usize,
}

/// `POST /api/v1/risk-points/submit`: every draft or returned point of a unit's year.
pub async fn submit(Ctx { state, p }: Ctx, ApiJson(fields): ApiJson<UnitYearFields>) -> ApiResult<Json<Moved>> {
    Ok(Json(Moved { count: service::submit(&state, &p, &fields).await? }))
}

/// `POST /api/v1/risk-points/carry-forward`: last year's accepted points as this year's drafts.
pub async fn carry_forward(
    Ctx { state, p }: Ctx,
    ApiJson(fields): ApiJson<UnitYearFields>,
) -> ApiResult<(StatusCode, Json<Moved>)> {
    Ok((StatusCode::CREATED, Json(Moved { count: service::carry_forward(&state, &p, &fields).await? })))
}

/// `POST /api/v1/risk-points/{id}/accept` (the 纪检监察组)
pub async fn accept(Ctx { state, p }: Ctx, Path(id): Path<i64>) -> ApiResult<Json<RiskPoint>> {
    service::accept(&state, &p, id).await?;
    Ok(Json(store::get(&state.db, &p.scope, id, today()).await?))
}

/// `POST /api/v1/risk-points/{id}/return` with the reason (the 纪检监察组)
pub async fn return_point(
    Ctx { state, p }: Ctx,
    Path(id): Path<i64>,
    ApiJson(fields): ApiJson<ReasonFields>,
) -> ApiResult<Json<RiskPoint>> {
    service::return_point(&state, &p, id, &fields).await?;
    Ok(Json(store::get(&state.db, &p.scope, id, today()).await?))
}

/// `POST /api/v1/risk-points/{id}/raise` with the reason (the 纪检监察组)
pub async fn raise(
    Ctx { state, p }: Ctx,
    Path(id): Path<i64>,
    ApiJson(fields): ApiJson<ReasonFields>,
) -> ApiResult<Json<RiskPoint>> {
    service::raise(&state, &p, id, &fields).await?;
    Ok(Json(store::get(&state.db, &p.scope, id, today()).await?))
}

/// `GET /api/v1/risk-points/heat-map?year=`
pub async fn heat_map(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Json<HeatMap>> {
    let year = service::risk_filter(&params, Some(service::this_year()))?.year.unwrap_or_else(service::this_year);
    Ok(Json(store::heat_map(&state.db, &p.scope, year, today()).await?))
}

/// `GET /api/v1/risk-points/export.xlsx`: the 廉政风险防控台账 in office layout.
pub async fn export(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Response> {
    let filter = service::risk_filter(&params, None)?;
    let bytes = sheets::export(&state, &p, &filter).await?;
    Ok(xlsx(bytes, "廉政风险防控台账.xlsx"))
}
