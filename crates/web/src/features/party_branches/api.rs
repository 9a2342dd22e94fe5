//! JSON handlers of 党支部 under /api/v1/party-branches.

use axum::Json;
use qingfeng_store::org::branches::Branch;
use qingfeng_store::Page;

use super::service::{self, BranchDetail, MemberChange, PostChange};
use crate::auth::Ctx;
use crate::http::{ApiJson, ApiResult, Params, Path};

pub async fn list(Ctx { state, p }: Ctx) -> ApiResult<Json<Page<Branch>>> {
    let items = service::list(&state, &p).await?;
    let total = items.len() as i64;
    Ok(Json(Page::new(items, total, 1, total.max(1))))
}

pub async fn detail(Ctx { state, p }: Ctx, Path(id): Path<i64>, params: Params) -> ApiResult<Json<BranchDetail>> {
    let on = match params.str("on") {
        Some(v) => Some(service::change_day(&v)?),
        None => None,
    };
    Ok(Json(service::detail(&state, &p, id, on).await?))
}

pub async fn add_member(
    Ctx { state, p }: Ctx,
    Path(id): Path<i64>,
    ApiJson(c): ApiJson<MemberChange>,
) -> ApiResult<Json<BranchDetail>> {
    service::add_member(&state, &p, id, &c).await?;
    Ok(Json(service::detail(&state, &p, id, None).await?))
}

pub async fn remove_member(
    Ctx { state, p }: Ctx,
    Path(id): Path<i64>,
    ApiJson(c): ApiJson<MemberChange>,
) -> ApiResult<Json<BranchDetail>> {
    service::remove_member(&state, &p, id, &c).await?;
    Ok(Json(service::detail(&state, &p, id, None).await?))
}

pub async fn set_post(
    Ctx { state, p }: Ctx,
    Path(id): Path<i64>,
    ApiJson(c): ApiJson<PostChange>,
) -> ApiResult<Json<BranchDetail>> {
    service::set_post(&state, &p, id, &c).await?;
    Ok(Json(service::detail(&state, &p, id, None).await?))
}
