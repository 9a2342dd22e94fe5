//! JSON handlers of 公务接待 (`/api/v1/receptions`).

use axum::extract::Multipart;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use qingfeng_store::private_files::PrivateFile;
use qingfeng_store::receptions::{self as store, ReceptionSummary};
use qingfeng_store::Page;

use super::{service, sheets};
use crate::auth::Ctx;
pub use crate::features::findings::from_checks::{CheckAnswer, ConvertFields, Converted};
use crate::http::{stored_file, xlsx, ApiResult, Params, Path};

/// `GET /api/v1/receptions?year=&unit=&include_sub=&failed=&q=`
pub async fn list(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Json<Page<ReceptionSummary>>> {
    let f = service::filter(&params)?;
    Ok(Json(store::list(&state.db, &p.scope, &f, Some(params.paging()?)).await?))
}

/// `POST /api/v1/receptions/{id}/files` (multipart `file`: the scanned 公函)
pub async fn add_file(
    Ctx { state, p }: Ctx,
    Path(id): Path<i64>,
    m: Multipart,
) -> ApiResult<(StatusCode, Json<PrivateFile>)> {
    Ok((StatusCode::CREATED, Json(service::add_file(&state, &p, id, m).await?)))
}

/// `GET /api/v1/receptions/{id}/files/{file_id}`
pub async fn file(Ctx { state, p }: Ctx, Path((id, file_id)): Path<(i64, i64)>) -> ApiResult<Response> {
    let (meta, content) = service::file(&state, &p, id, file_id).await?;
    Ok(stored_file(content, &meta.filename, meta.content_type))
}

/// `GET /api/v1/receptions/export.xlsx`: 公务接待清单 register (same filters as the list).
pub async fn export(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Response> {
    let f = service::filter(&params)?;
    Ok(xlsx(sheets::register(&state, &p, &f).await?, "公务接待清单登记台账.xlsx"))
}
