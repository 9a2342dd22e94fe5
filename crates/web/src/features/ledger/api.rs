//! JSON handlers of ledger entries and attachments.

use axum::extract::Multipart;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use qingfeng_domain::ledger::EntryFields;
use qingfeng_store::ledger::{self, Entry};
use qingfeng_store::Page;

use super::service::{entry_filter, entry_view, validate, EntryView};
use crate::auth::{Ctx, Principal};
use crate::http::read_attachment;
use crate::http::{ApiError, ApiResult};
use crate::http::{ApiJson, Params, Path};

pub async fn list(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Json<Page<Entry>>> {
    Ok(Json(ledger::list(&state.db, &p.scope, &entry_filter(&params)?, Some(params.paging()?)).await?))
}

pub async fn get(Ctx { state, p }: Ctx, Path(id): Path<i64>) -> ApiResult<Json<EntryView>> {
    let e = ledger::get(&state.db, &p.scope, id).await?;
    Ok(Json(entry_view(&state, &p, e).await?))
}

pub async fn create(
    Ctx { state, p }: Ctx,
    ApiJson(f): ApiJson<EntryFields>,
) -> ApiResult<(StatusCode, Json<EntryView>)> {
    let d = validate(&state, &p, &f, None).await?;
    let id = ledger::create(&state.db, &p.actor(), &d).await?;
    let e = ledger::get(&state.db, &qingfeng_store::Scope::all(), id).await?;
    Ok((StatusCode::CREATED, Json(entry_view(&state, &p, e).await?)))
}

/// `PATCH` is refused: a submitted entry is never changed.
/// (signed-in callers only: the guard has admitted them)
pub async fn refuse_edit(_: Principal, Path(id): Path<i64>) -> ApiError {
    ApiError::Conflict(format!(
        "已提交的台账记录不能修改。如需更正，请提交新版本（POST /api/v1/ledger-entries/{id}/versions）并写明更正理由，原记录将保留在历史中"
    ))
}

pub async fn new_version(
    Ctx { state, p }: Ctx,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<EntryFields>,
) -> ApiResult<(StatusCode, Json<EntryView>)> {
    let current = ledger::get(&state.db, &p.scope, id).await?;
    let d = validate(&state, &p, &f, Some(&current)).await?;
    let new_id = ledger::new_version(&state.db, &p.actor(), &current, &d).await?;
    let e = ledger::get(&state.db, &qingfeng_store::Scope::all(), new_id).await?;
    Ok((StatusCode::CREATED, Json(entry_view(&state, &p, e).await?)))
}

pub async fn add_attachment(
    Ctx { state, p }: Ctx,
    Path(id): Path<i64>,
    m: Multipart,
) -> ApiResult<(StatusCode, Json<ledger::AttachmentMeta>)> {
    let e = ledger::get(&state.db, &p.scope, id).await?;
    let a = read_attachment(m).await?;
    let meta = ledger::add_attachment(&state.db, &p.actor(), e.id, &a.filename, a.content_type, a.bytes).await?;
    Ok((StatusCode::CREATED, Json(meta)))
}

pub async fn attachment(Ctx { state, p }: Ctx, Path(id): Path<i64>) -> ApiResult<Response> {
    let (meta, content) = ledger::attachment(&state.db, &p.scope, id).await?;
    Ok(crate::http::stored_file(content, &meta.filename, meta.content_type))
}

/// 撤回附件: answers the withdrawn file's record.
pub async fn withdraw_attachment(
    Ctx { state, p }: Ctx,
    Path(id): Path<i64>,
) -> ApiResult<Json<ledger::AttachmentMeta>> {
    Ok(Json(super::service::withdraw_attachment(&state, &p, id).await?))
}
