//! JSON handlers of 谈心谈话.

use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use qingfeng_domain::talks::TalkFields;
use qingfeng_store::talks as store;
use qingfeng_store::Page;

use super::service::{self, talk_filter, Coverage, TalkView};
use super::sheets;
use super::suggest::{self, Suggestions};
use crate::auth::Ctx;
use crate::http::{xlsx, ApiError, ApiJson, ApiResult, Params, Path};

/// `GET /api/v1/talks?year=&kind=&person=`
pub async fn list(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Json<Page<TalkView>>> {
    Ok(Json(service::list(&state, &p, &talk_filter(&params)?, Some(params.paging()?)).await?))
}

/// `POST /api/v1/talks`
pub async fn create(Ctx { state, p }: Ctx, ApiJson(f): ApiJson<TalkFields>) -> ApiResult<(StatusCode, Json<TalkView>)> {
    let (d, entry) = service::validate(&state, &p, &f).await?;
    let id = store::create(&state.db, &p.actor(), &d, &entry).await?;
    let talk = store::get(&state.db, &p.scope, id).await?;
    Ok((StatusCode::CREATED, Json(service::view(&state, &p, talk).await?)))
}

/// `GET /api/v1/talks/{id}`
pub async fn get(Ctx { state, p }: Ctx, Path(id): Path<i64>) -> ApiResult<Json<TalkView>> {
    let talk = store::get(&state.db, &p.scope, id).await?;
    Ok(Json(service::view(&state, &p, talk).await?))
}

/// `GET /api/v1/talks/coverage?year=&branch=` (a party branch) or `?year=&unit=` (a unit's
/// leadership group)
pub async fn coverage(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Json<Coverage>> {
    let year = params
        .int("year")?
        .unwrap_or_else(|| i64::from(chrono::Datelike::year(&qingfeng_domain::time::office_today())));
    let year = i32::try_from(year).map_err(|_| ApiError::bad_request("年度无效", Some("year")))?;
    match (params.int("branch")?, params.int("unit")?) {
        (Some(b), _) => Ok(Json(service::branch_coverage(&state, &p, year, b).await?)),
        (None, Some(u)) => Ok(Json(service::leadership_coverage(&state, &p, year, u).await?)),
        (None, None) => Err(ApiError::bad_request("请指定党支部（branch）或单位（unit）", Some("branch"))),
    }
}

/// `GET /api/v1/talks/export.xlsx` (same filters as the list)
pub async fn export(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Response> {
    let filter = talk_filter(&params)?;
    Ok(xlsx(sheets::export(&state, &p, &filter).await?, "谈心谈话记录.xlsx"))
}

/// `GET /api/v1/talks/suggestions?person=`: topics for a talk with a person in the reader's scope.
pub async fn suggestions(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Json<Suggestions>> {
    let person =
        params.int("person")?.ok_or_else(|| ApiError::bad_request("请指定谈话对象（person）", Some("person")))?;
    Ok(Json(suggest::suggestions(&state, &p, person).await?))
}

/// `POST /api/v1/talks/{id}/versions`: corrects a talk (a new version, with `reason`).
pub async fn correct(
    Ctx { state, p }: Ctx,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<TalkFields>,
) -> ApiResult<(StatusCode, Json<TalkView>)> {
    let new_id = service::correct(&state, &p, id, &f).await?;
    let talk = store::get(&state.db, &p.scope, new_id).await?;
    Ok((StatusCode::CREATED, Json(service::view(&state, &p, talk).await?)))
}
