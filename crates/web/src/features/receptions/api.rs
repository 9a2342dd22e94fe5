//! JSON handlers of 公务接待 (`/api/v1/receptions`).

use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use qingfeng_domain::receptions::ReceptionFields;
use qingfeng_store::private_files::PrivateFile;
use qingfeng_store::receptions::{self as store, Reception, ReceptionSummary};
use qingfeng_store::{Page, Scope};

use super::{service, sheets};
use crate::auth::Principal;
pub use crate::features::findings::from_checks::{CheckAnswer, ConvertFields, Converted};
use crate::http::{merge_patch, stored_file, xlsx, ApiJson, ApiResult, ImportUpload, Params, Path};
use crate::sheets::ImportReport;
use crate::AppState;

/// `GET /api/v1/receptions?year=&unit=&include_sub=&failed=&q=`
pub async fn list(
    State(state): State<AppState>,
    p: Principal,
    params: Params,
) -> ApiResult<Json<Page<ReceptionSummary>>> {
    let f = service::filter(&params)?;
    Ok(Json(store::list(&state.db, &p.scope, &f, Some(params.paging()?)).await?))
}

/// `GET /api/v1/receptions/{id}`: the record with every check.
pub async fn get(State(state): State<AppState>, p: Principal, Path(id): Path<i64>) -> ApiResult<Json<Reception>> {
    Ok(Json(store::get(&state.db, &p.scope, id).await?))
}

/// `POST /api/v1/receptions`
pub async fn create(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(f): ApiJson<ReceptionFields>,
) -> ApiResult<(StatusCode, Json<Reception>)> {
    let id = service::create(&state, &p, &f).await?;
    Ok((StatusCode::CREATED, Json(store::get(&state.db, &Scope::all(), id).await?)))
}

/// `PATCH /api/v1/receptions/{id}` (a merge patch; arrays are replaced whole)
pub async fn update(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<i64>,
    ApiJson(patch): ApiJson<serde_json::Value>,
) -> ApiResult<Json<Reception>> {
    let r = store::get(&state.db, &p.scope, id).await?;
    let f: ReceptionFields = merge_patch(&r.fields(), patch)?;
    service::edit(&state, &p, &r, &f).await?;
    Ok(Json(store::get(&state.db, &p.scope, id).await?))
}

/// `POST /api/v1/receptions/check`: the same body as create; writes nothing.
pub async fn check(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(f): ApiJson<ReceptionFields>,
) -> ApiResult<Json<CheckAnswer>> {
    Ok(Json(CheckAnswer { checks: service::dry_run(&state, &p, &f).await? }))
}

/// `POST /api/v1/receptions/{id}/findings` (the 纪检组)
pub async fn convert(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<ConvertFields>,
) -> ApiResult<(StatusCode, Json<Converted>)> {
    let finding_id = service::convert(&state, &p, id, f.rule.trim()).await?;
    Ok((StatusCode::CREATED, Json(Converted { finding_id })))
}

/// `POST /api/v1/receptions/{id}/files` (multipart `file`: the scanned 公函)
pub async fn add_file(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<i64>,
    m: Multipart,
) -> ApiResult<(StatusCode, Json<PrivateFile>)> {
    Ok((StatusCode::CREATED, Json(service::add_file(&state, &p, id, m).await?)))
}

/// `GET /api/v1/receptions/{id}/files/{file_id}`
pub async fn file(
    State(state): State<AppState>,
    p: Principal,
    Path((id, file_id)): Path<(i64, i64)>,
) -> ApiResult<Response> {
    let (meta, content) = service::file(&state, &p, id, file_id).await?;
    Ok(stored_file(content, &meta.filename, meta.content_type))
}

/// `GET /api/v1/receptions/export.xlsx`: 公务接待清单 register (same filters as the list).
pub async fn export(State(state): State<AppState>, p: Principal, params: Params) -> ApiResult<Response> {
    let f = service::filter(&params)?;
    Ok(xlsx(sheets::register(&state, &p, &f).await?, "公务接待清单登记台账.xlsx"))
}

/// `GET /api/v1/receptions/import-template.xlsx`
pub async fn template() -> ApiResult<Response> {
    Ok(xlsx(sheets::template()?, "公务接待导入模板.xlsx"))
}

/// `POST /api/v1/receptions/import` (multipart `file`; `?commit=true` writes when every row is valid)
pub async fn import(
    State(state): State<AppState>,
    p: Principal,
    upload: ImportUpload,
) -> ApiResult<Json<ImportReport>> {
    Ok(Json(sheets::import(&state, &p, &upload.bytes, upload.commit).await?))
}
