//! JSON handlers of 督查督办: decisions to implement and 督办 notes.

use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use qingfeng_domain::supervision::{ImplementationFields, NoteAnswerFields, NoteCloseFields, NoteFields};
use qingfeng_domain::time::office_today;
use qingfeng_store::supervision::{self as store, Implementation, Note};
use qingfeng_store::Page;

use super::service::{self, ImplementationDetail};
use super::sheets;
use crate::auth::Ctx;
use crate::http::{xlsx, ApiJson, ApiResult, Params, Path};

/// `GET /api/v1/decision-implementations?year=&source=&state=&q=`
pub async fn list(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Json<Page<Implementation>>> {
    let f = service::implementation_filter(&params)?;
    Ok(Json(service::list(&state, &p, &f, Some(params.paging()?)).await?))
}

/// `POST /api/v1/decision-implementations`
pub async fn create(
    Ctx { state, p }: Ctx,
    ApiJson(f): ApiJson<ImplementationFields>,
) -> ApiResult<(StatusCode, Json<ImplementationDetail>)> {
    let id = service::create(&state, &p, &f).await?;
    Ok((StatusCode::CREATED, Json(service::detail(&state, &p, id).await?)))
}

/// `GET /api/v1/decision-implementations/{id}`: the decision with its tasks and 督办.
pub async fn get(Ctx { state, p }: Ctx, Path(id): Path<i64>) -> ApiResult<Json<ImplementationDetail>> {
    Ok(Json(service::detail(&state, &p, id).await?))
}

/// `GET /api/v1/decision-implementations/export.xlsx` (same filters as the list): 督查督办台账.
pub async fn export(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Response> {
    let f = service::implementation_filter(&params)?;
    let rows = service::list(&state, &p, &f, None).await?.items;
    Ok(xlsx(sheets::export(&state, &p, &rows).await?, "督查督办台账.xlsx"))
}

/// `GET /api/v1/supervision-notes?implementation=&state=`
pub async fn list_notes(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Json<Page<Note>>> {
    let f = service::note_filter(&params)?;
    Ok(Json(store::list_notes(&state.db, &p.scope, &f, Some(params.paging()?), office_today()).await?))
}

/// `POST /api/v1/supervision-notes`
pub async fn create_note(
    Ctx { state, p }: Ctx,
    ApiJson(f): ApiJson<NoteFields>,
) -> ApiResult<(StatusCode, Json<Note>)> {
    let id = service::open_note(&state, &p, &f).await?;
    Ok((StatusCode::CREATED, Json(service::note(&state, &p, id).await?)))
}

/// `GET /api/v1/supervision-notes/{id}`
pub async fn get_note(Ctx { state, p }: Ctx, Path(id): Path<i64>) -> ApiResult<Json<Note>> {
    Ok(Json(service::note(&state, &p, id).await?))
}

/// `POST /api/v1/supervision-notes/{id}/answer` (the addressee's 反馈)
pub async fn answer(
    Ctx { state, p }: Ctx,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<NoteAnswerFields>,
) -> ApiResult<Json<Note>> {
    Ok(Json(service::answer(&state, &p, id, &f).await?))
}

/// `POST /api/v1/supervision-notes/{id}/close` (办结, the 纪检组)
pub async fn close(
    Ctx { state, p }: Ctx,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<NoteCloseFields>,
) -> ApiResult<Json<Note>> {
    Ok(Json(service::close(&state, &p, id, &f).await?))
}
