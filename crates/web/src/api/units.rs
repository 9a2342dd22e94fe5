//! `/api/v1/units`

use axum::extract::{Multipart, State};
use axum::response::Response;
use axum::Json;
use qingfeng_domain::org::UnitFields;
use qingfeng_store::org::units::{self, Unit, UnitFilter};
use qingfeng_store::Page;
use serde_json::Value;

use super::{merge_patch, upload, xlsx, ApiJson, Params, Path};
use crate::auth::Principal;
use crate::http::{ApiError, ApiResult};
use crate::services::org_sheets;
use crate::sheets::ImportReport;
use crate::AppState;

/// A unit by id, or 404 when it does not exist or lies outside the caller's scope.
pub async fn unit_in_scope(state: &AppState, p: &Principal, id: i64) -> ApiResult<Unit> {
    let u = units::get(&state.db, id).await?;
    if p.scope.covers_unit(u.id, &u.path) {
        Ok(u)
    } else {
        Err(ApiError::NotFound)
    }
}

/// The parent chosen for a create or move must itself be in scope; a root needs full scope.
pub fn check_parent_scope(p: &Principal, parent: Option<&Unit>) -> ApiResult<()> {
    match parent {
        Some(u) if !p.scope.covers_unit(u.id, &u.path) => Err(ApiError::Forbidden("上级单位不在您的数据范围内".into())),
        None if !p.scope.all => Err(ApiError::Forbidden("只有拥有全部数据权限的账号可以新增顶级单位".into())),
        _ => Ok(()),
    }
}

pub fn fields_of(u: &Unit) -> UnitFields {
    UnitFields {
        name: u.name.clone(),
        code: u.code.clone(),
        kind: u.kind.clone(),
        parent_id: u.parent_id,
        sort_order: u.sort_order,
    }
}

async fn parent_of(state: &AppState, parent_id: Option<i64>) -> ApiResult<Option<Unit>> {
    match parent_id {
        None => Ok(None),
        Some(id) => match units::get(&state.db, id).await {
            Ok(u) => Ok(Some(u)),
            Err(qingfeng_store::StoreError::NotFound) => {
                Err(qingfeng_store::StoreError::field("parent_id", format!("上级单位（编号 {id}）不存在")).into())
            }
            Err(e) => Err(e.into()),
        },
    }
}

pub async fn list(State(state): State<AppState>, p: Principal, params: Params) -> ApiResult<Json<Page<Unit>>> {
    let filter = UnitFilter { q: params.str("q"), kind: params.str("kind"), parent_id: params.int("parent_id")? };
    Ok(Json(units::list(&state.db, &p.scope, &filter, params.paging()?).await?))
}

pub async fn get(State(state): State<AppState>, p: Principal, Path(id): Path<i64>) -> ApiResult<Json<Unit>> {
    Ok(Json(unit_in_scope(&state, &p, id).await?))
}

pub async fn create(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(fields): ApiJson<UnitFields>,
) -> ApiResult<(axum::http::StatusCode, Json<Unit>)> {
    let draft = fields.validate()?;
    let parent = parent_of(&state, draft.parent_id).await?;
    check_parent_scope(&p, parent.as_ref())?;
    let u = units::create(&state.db, &p.actor(), &draft).await?;
    Ok((axum::http::StatusCode::CREATED, Json(u)))
}

pub async fn update(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<i64>,
    ApiJson(patch): ApiJson<Value>,
) -> ApiResult<Json<Unit>> {
    let current = unit_in_scope(&state, &p, id).await?;
    let fields: UnitFields = merge_patch(&fields_of(&current), patch)?;
    let draft = fields.validate()?;
    if draft.parent_id != current.parent_id {
        let parent = parent_of(&state, draft.parent_id).await?;
        check_parent_scope(&p, parent.as_ref())?;
    }
    Ok(Json(units::update(&state.db, &p.actor(), id, &draft).await?))
}

pub async fn template() -> ApiResult<Response> {
    Ok(xlsx(org_sheets::units_template()?, "单位导入模板.xlsx"))
}

pub async fn export(State(state): State<AppState>, p: Principal) -> ApiResult<Response> {
    Ok(xlsx(org_sheets::units_export(&state.db, &p.scope).await?, "单位.xlsx"))
}

pub async fn import(
    State(state): State<AppState>,
    p: Principal,
    params: Params,
    multipart: Multipart,
) -> ApiResult<Json<ImportReport>> {
    let commit = params.bool("commit")?.unwrap_or(false);
    let bytes = upload(multipart).await?;
    Ok(Json(org_sheets::units_import(&state.db, &p.actor(), &p.scope, &bytes, commit).await?))
}
