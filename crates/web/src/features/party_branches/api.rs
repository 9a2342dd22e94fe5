//! JSON handlers of 党支部 under /api/v1/party-branches.

use axum::extract::State;
use axum::Json;
use qingfeng_store::org::branches::Branch;
use qingfeng_store::Page;

use super::service::{self, BranchDetail, MemberChange, PostChange};
use crate::auth::Principal;
use crate::http::{ApiJson, ApiResult, Params, Path};
use crate::AppState;

pub async fn list(State(state): State<AppState>, p: Principal) -> ApiResult<Json<Page<Branch>>> {
    let items = service::list(&state, &p).await?;
    let total = items.len() as i64;
    Ok(Json(Page::new(items, total, 1, total.max(1))))
}

pub async fn detail(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<i64>,
    params: Params,
) -> ApiResult<Json<BranchDetail>> {
    let on = match params.str("on") {
        Some(v) => Some(service::change_day(&v)?),
        None => None,
    };
    Ok(Json(service::detail(&state, &p, id, on).await?))
}

pub async fn add_member(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<i64>,
    ApiJson(c): ApiJson<MemberChange>,
) -> ApiResult<Json<BranchDetail>> {
    service::add_member(&state, &p, id, &c).await?;
    Ok(Json(service::detail(&state, &p, id, None).await?))
}

pub async fn remove_member(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<i64>,
    ApiJson(c): ApiJson<MemberChange>,
) -> ApiResult<Json<BranchDetail>> {
    service::remove_member(&state, &p, id, &c).await?;
    Ok(Json(service::detail(&state, &p, id, None).await?))
}

pub async fn set_post(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<i64>,
    ApiJson(c): ApiJson<PostChange>,
) -> ApiResult<Json<BranchDetail>> {
    service::set_post(&state, &p, id, &c).await?;
    Ok(Json(service::detail(&state, &p, id, None).await?))
}
