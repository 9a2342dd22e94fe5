//! JSON handlers of 问题线索 (`/api/v1/clues`): the 纪检组 only; anyone else gets a 404.

use axum::response::Response;
use axum::Json;
use qingfeng_domain::findings::FindingFields;
use qingfeng_domain::petitions::{ConcludeFields, DisposeFields};
use qingfeng_store::clues::Clue;
use qingfeng_store::Page;

use super::service::{self, ClueDetail, MergeFields};
use super::sheets;
use crate::auth::Ctx;
pub use crate::features::findings::from_checks::Converted;
use crate::http::{xlsx, ApiJson, ApiResult, Params, Path};

/// `GET /api/v1/clues?state=&disposition=&source=&year=&person=&overdue=&q=`
pub async fn list(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Json<Page<Clue>>> {
    Ok(Json(service::list(&state, &p, &params, Some(params.paging()?)).await?))
}

/// `GET /api/v1/clues/{id}`: the clue, its original reports and its steps
pub async fn get(Ctx { state, p }: Ctx, Path(id): Path<i64>) -> ApiResult<Json<ClueDetail>> {
    Ok(Json(service::detail(&state, &p, id).await?))
}

/// `POST /api/v1/clues/{id}/dispose`
pub async fn dispose(
    Ctx { state, p }: Ctx,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<DisposeFields>,
) -> ApiResult<Json<ClueDetail>> {
    service::dispose(&state, &p, id, &f).await?;
    Ok(Json(service::detail(&state, &p, id).await?))
}

/// `POST /api/v1/clues/{id}/conclude`
pub async fn conclude(
    Ctx { state, p }: Ctx,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<ConcludeFields>,
) -> ApiResult<Json<ClueDetail>> {
    service::conclude(&state, &p, id, &f).await?;
    Ok(Json(service::detail(&state, &p, id).await?))
}

/// `POST /api/v1/clues/{id}/merge`
pub async fn merge(
    Ctx { state, p }: Ctx,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<MergeFields>,
) -> ApiResult<Json<ClueDetail>> {
    service::merge(&state, &p, id, &f).await?;
    Ok(Json(service::detail(&state, &p, id).await?))
}

/// `POST /api/v1/clues/{id}/to-finding`: the fields of a finding (source, description and the
/// day found default to 信访举报, the clue's words and today)
pub async fn to_finding(
    Ctx { state, p }: Ctx,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<FindingFields>,
) -> ApiResult<Json<Converted>> {
    Ok(Json(Converted { finding_id: service::to_finding(&state, &p, id, &f).await? }))
}

/// `GET /api/v1/clues/export.xlsx` (the list's filters)
pub async fn export(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Response> {
    let f = service::filter(&params)?;
    Ok(xlsx(sheets::register(&state, &p, &f).await?, "问题线索登记表.xlsx"))
}
