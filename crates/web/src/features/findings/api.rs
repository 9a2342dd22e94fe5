//! JSON handlers of findings, rectifications and campaigns.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use qingfeng_domain::findings::{
    CampaignFields, FeedbackFields, FindingFields, LookBackFields, MeasureFields, ReturnFields, SignOffFields,
    SignOffRequestFields, UpdateFields,
};
use qingfeng_store::findings::{self as store, Finding, Measure};
use qingfeng_store::fulfilment::today;
use qingfeng_store::{now, Page, Scope};
use serde_json::Value;

use super::answers::{
    after_step, campaign_detail, finding_detail, CampaignDetail, FindingDetail, LookBackAnswer, ProgressAnswer,
};
use super::service::{
    apply_edit, check_campaign_scope, feedback_step, finding_filter, look_back_step, measure_filter, measure_step,
    origin_for, progress_step, request_step, return_step, sign_off_step, validate_finding,
};
use crate::auth::Ctx;
use crate::http::ApiResult;
use crate::http::{merge_patch, ApiJson, Params, Path};
use crate::AppState;

/// `GET /api/v1/findings?state=&category=&source=&unit=&campaign=&q=&overdue=&look_back=`
pub async fn list(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Json<Page<Finding>>> {
    let filter = finding_filter(&params)?;
    Ok(Json(store::list(&state.db, &p.scope, &filter, Some(params.paging()?), today()).await?))
}

/// `POST /api/v1/findings`
pub async fn create(
    Ctx { state, p }: Ctx,
    ApiJson(fields): ApiJson<FindingFields>,
) -> ApiResult<(StatusCode, Json<FindingDetail>)> {
    let origin = origin_for(&state, &p).await?;
    let d = validate_finding(&state, &p, &fields, origin, None).await?;
    let id = store::create(&state.db, &p.actor(), &d, origin, now()).await?;
    Ok((StatusCode::CREATED, Json(after_step(&state, &p, id).await?)))
}

/// `GET /api/v1/findings/{id}`
pub async fn get(Ctx { state, p }: Ctx, Path(id): Path<i64>) -> ApiResult<Json<FindingDetail>> {
    let f = store::get(&state.db, &p.scope, id, today()).await?;
    Ok(Json(finding_detail(&state, &p, f).await?))
}

/// `PATCH /api/v1/findings/{id}`: only while the finding is recorded (not yet fed back).
pub async fn update(
    Ctx { state, p }: Ctx,
    Path(id): Path<i64>,
    ApiJson(patch): ApiJson<Value>,
) -> ApiResult<Json<FindingDetail>> {
    let f = store::get(&state.db, &p.scope, id, today()).await?;
    let fields: FindingFields = merge_patch(&f.fields(), patch)?;
    apply_edit(&state, &p, &f, &fields).await?;
    let f = store::get(&state.db, &p.scope, id, today()).await?;
    Ok(Json(finding_detail(&state, &p, f).await?))
}

/// `POST /api/v1/findings/{id}/feedback` (the group)
pub async fn feedback(
    Ctx { state, p }: Ctx,
    Path(id): Path<i64>,
    ApiJson(fields): ApiJson<FeedbackFields>,
) -> ApiResult<Json<FindingDetail>> {
    feedback_step(&state, &p, id, &fields).await?;
    Ok(Json(after_step(&state, &p, id).await?))
}

/// `POST /api/v1/findings/{id}/measures`: one rectification measure (the unit's plan).
pub async fn add_measure(
    Ctx { state, p }: Ctx,
    Path(id): Path<i64>,
    ApiJson(fields): ApiJson<MeasureFields>,
) -> ApiResult<(StatusCode, Json<Measure>)> {
    let mid = measure_step(&state, &p, id, &fields).await?;
    Ok((StatusCode::CREATED, Json(store::get_measure(&state.db, &Scope::all(), mid, today()).await?)))
}

/// `GET /api/v1/rectifications?finding=&unit=&campaign=&person=&overdue=&open=&q=`
pub async fn list_measures(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Json<Page<Measure>>> {
    let filter = measure_filter(&params)?;
    Ok(Json(store::list_measures(&state.db, &p.scope, &filter, Some(params.paging()?), today()).await?))
}

/// `POST /api/v1/rectifications/{id}/updates`: progress on a measure (`completes` closes it).
pub async fn add_update(
    Ctx { state, p }: Ctx,
    Path(id): Path<i64>,
    ApiJson(fields): ApiJson<UpdateFields>,
) -> ApiResult<(StatusCode, Json<ProgressAnswer>)> {
    let uid = progress_step(&state, &p, id, &fields).await?;
    let m = store::get_measure(&state.db, &Scope::all(), id, today()).await?;
    Ok((StatusCode::CREATED, Json(ProgressAnswer { id: uid, measure: m })))
}

/// `POST /api/v1/findings/{id}/sign-off-request` with the evidence (every measure completed).
pub async fn request_sign_off(
    Ctx { state, p }: Ctx,
    Path(id): Path<i64>,
    ApiJson(fields): ApiJson<SignOffRequestFields>,
) -> ApiResult<Json<FindingDetail>> {
    request_step(&state, &p, id, &fields).await?;
    Ok(Json(after_step(&state, &p, id).await?))
}

/// `POST /api/v1/findings/{id}/sign-off` (the group)
pub async fn sign_off(
    Ctx { state, p }: Ctx,
    Path(id): Path<i64>,
    ApiJson(fields): ApiJson<SignOffFields>,
) -> ApiResult<Json<FindingDetail>> {
    sign_off_step(&state, &p, id, &fields).await?;
    Ok(Json(after_step(&state, &p, id).await?))
}

/// `POST /api/v1/findings/{id}/return` with a reason (the group)
pub async fn return_finding(
    Ctx { state, p }: Ctx,
    Path(id): Path<i64>,
    ApiJson(fields): ApiJson<ReturnFields>,
) -> ApiResult<Json<FindingDetail>> {
    return_step(&state, &p, id, &fields).await?;
    Ok(Json(after_step(&state, &p, id).await?))
}

/// `POST /api/v1/findings/{id}/look-back` `{result: held|recurred, note}` (the group). A
/// recurrence answers the new finding's id in `reopened`.
pub async fn look_back(
    Ctx { state, p }: Ctx,
    Path(id): Path<i64>,
    ApiJson(fields): ApiJson<LookBackFields>,
) -> ApiResult<Json<LookBackAnswer>> {
    let reopened = look_back_step(&state, &p, id, &fields).await?;
    Ok(Json(LookBackAnswer { detail: after_step(&state, &p, id).await?, reopened }))
}

/// `GET /api/v1/findings/stats?unit=&campaign=&…`: the rectification dashboard's figures.
pub async fn stats(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Json<store::Stats>> {
    let filter = finding_filter(&params)?;
    Ok(Json(store::stats(&state.db, &p.scope, &filter, today()).await?))
}

/// `GET /api/v1/campaigns?q=`
pub async fn list_campaigns(State(state): State<AppState>, params: Params) -> ApiResult<Json<Page<store::Campaign>>> {
    Ok(Json(store::list_campaigns(&state.db, params.str("q").as_deref(), Some(params.paging()?)).await?))
}

/// `POST /api/v1/campaigns`
pub async fn create_campaign(
    Ctx { state, p }: Ctx,
    ApiJson(fields): ApiJson<CampaignFields>,
) -> ApiResult<(StatusCode, Json<CampaignDetail>)> {
    let d = fields.validate()?;
    check_campaign_scope(&state, &p, &d).await?;
    let id = store::create_campaign(&state.db, &p.actor(), &d, now()).await?;
    Ok((StatusCode::CREATED, Json(campaign_detail(&state, &p, id).await?)))
}

/// `GET /api/v1/campaigns/{id}`: the campaign with its progress.
pub async fn get_campaign(Ctx { state, p }: Ctx, Path(id): Path<i64>) -> ApiResult<Json<CampaignDetail>> {
    Ok(Json(campaign_detail(&state, &p, id).await?))
}

/// `POST /api/v1/findings/{id}/evidence` (multipart: `file`, `part`, `measure_id`)
pub async fn add_evidence(
    Ctx { state, p }: Ctx,
    Path(id): Path<i64>,
    m: axum::extract::Multipart,
) -> ApiResult<(StatusCode, Json<store::Evidence>)> {
    let upload = crate::http::read_attachment(m).await?;
    Ok((StatusCode::CREATED, Json(super::service::evidence_step(&state, &p, id, upload).await?)))
}

/// `GET /api/v1/finding-evidence/{id}`: the file.
pub async fn evidence_file(Ctx { state, p }: Ctx, Path(id): Path<i64>) -> ApiResult<Response> {
    let (meta, content) = super::service::evidence_file(&state, &p, id).await?;
    Ok(crate::http::stored_file(content, &meta.filename, meta.content_type))
}
