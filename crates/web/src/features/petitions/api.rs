//! JSON handlers of 信访举报 (`/api/v1/petitions`): the 纪检组 only; anyone else gets a 404.

use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use qingfeng_domain::petitions::{Identity, PetitionFields};
use qingfeng_store::petitions::Petition;
use qingfeng_store::private_files::PrivateFile;
use qingfeng_store::Page;

use super::service::{self, AcceptFields, Accepted};
use crate::auth::Ctx;
use crate::http::{stored_file, ApiJson, ApiResult, Params, Path};

/// `GET /api/v1/petitions?state=&source=&q=`
pub async fn list(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Json<Page<Petition>>> {
    Ok(Json(service::list(&state, &p, &params, Some(params.paging()?)).await?))
}

/// `GET /api/v1/petitions/{id}` (never the reporter's identity)
pub async fn get(Ctx { state, p }: Ctx, Path(id): Path<i64>) -> ApiResult<Json<Petition>> {
    Ok(Json(service::get(&state, &p, id).await?))
}

/// `POST /api/v1/petitions`: a report entered by hand
pub async fn create(
    Ctx { state, p }: Ctx,
    ApiJson(f): ApiJson<PetitionFields>,
) -> ApiResult<(StatusCode, Json<Petition>)> {
    let id = service::create(&state, &p, &f).await?;
    Ok((StatusCode::CREATED, Json(service::get(&state, &p, id).await?)))
}

/// `POST /api/v1/petitions/{id}/accept`
pub async fn accept(
    Ctx { state, p }: Ctx,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<AcceptFields>,
) -> ApiResult<Json<Accepted>> {
    Ok(Json(Accepted { clue_id: service::accept(&state, &p, id, &f).await? }))
}

/// `POST /api/v1/petitions/{id}/identity`: the reporter's name and contact (null: anonymous);
/// audited at every call
pub async fn identity(Ctx { state, p }: Ctx, Path(id): Path<i64>) -> ApiResult<Json<Option<Identity>>> {
    Ok(Json(service::identity(&state, &p, id).await?))
}

/// `GET /api/v1/petitions/{id}/files`
pub async fn files(Ctx { state, p }: Ctx, Path(id): Path<i64>) -> ApiResult<Json<Vec<PrivateFile>>> {
    Ok(Json(service::files(&state, &p, id).await?))
}

/// `GET /api/v1/petitions/{id}/files/{file_id}`
pub async fn file(Ctx { state, p }: Ctx, Path((id, file_id)): Path<(i64, i64)>) -> ApiResult<Response> {
    let (meta, bytes) = service::file(&state, &p, id, file_id).await?;
    Ok(stored_file(bytes, &meta.filename, meta.content_type))
}
