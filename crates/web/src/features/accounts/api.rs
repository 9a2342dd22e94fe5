//! JSON handlers of accounts, roles and the own password.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use qingfeng_store::accounts::{self, AccountView};
use qingfeng_store::Page;
use serde::Deserialize;

use super::bulk::{self, BulkRequest, FirstPassword};
use super::service::{
    account_filter, account_in_scope, all_roles, change_own_password, create_account, save_role as save,
    update_account, AccountPatch, NewAccount, RoleDefinition, RoleInfo,
};
use crate::auth::Ctx;
use crate::http::{ApiJson, Params, Path};
use crate::http::{ApiResult, Done};
use crate::AppState;

pub async fn list(Ctx { state, p }: Ctx, params: Params) -> ApiResult<Json<Page<AccountView>>> {
    let filter = account_filter(&params)?;
    Ok(Json(accounts::list(&state.db, &p.scope, &filter, params.paging()?).await?))
}

pub async fn get(Ctx { state, p }: Ctx, Path(id): Path<i64>) -> ApiResult<Json<AccountView>> {
    Ok(Json(account_in_scope(&state, &p, id).await?))
}

pub async fn create(
    Ctx { state, p }: Ctx,
    ApiJson(a): ApiJson<NewAccount>,
) -> ApiResult<(StatusCode, Json<AccountView>)> {
    Ok((StatusCode::CREATED, Json(create_account(&state, &p, &a).await?)))
}

pub async fn update(
    Ctx { state, p }: Ctx,
    Path(id): Path<i64>,
    ApiJson(patch): ApiJson<AccountPatch>,
) -> ApiResult<Json<AccountView>> {
    Ok(Json(update_account(&state, &p, id, patch).await?))
}

/// 批量开通账号: one account for each chosen person without one; answers the first passwords.
pub async fn create_bulk(
    Ctx { state, p }: Ctx,
    ApiJson(req): ApiJson<BulkRequest>,
) -> ApiResult<(StatusCode, Json<Vec<FirstPassword>>)> {
    Ok((StatusCode::CREATED, Json(bulk::create(&state, &p, &req).await?)))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub old_password: String,
    pub new_password: String,
}

pub async fn change_password(Ctx { state, p }: Ctx, ApiJson(c): ApiJson<PasswordChange>) -> ApiResult<Json<Done>> {
    change_own_password(&state, &p, &c.old_password, &c.new_password).await?;
    Ok(Json(Done::OK))
}

pub async fn roles(State(state): State<AppState>) -> ApiResult<Json<Page<RoleInfo>>> {
    let items = all_roles(&state).await?;
    let total = items.len() as i64;
    Ok(Json(Page::new(items, total, 1, total)))
}

pub async fn delete_role(Ctx { state, p }: Ctx, Path(key): Path<String>) -> ApiResult<Json<Done>> {
    super::service::delete_role(&state, &p, &key).await?;
    Ok(Json(Done::OK))
}

pub async fn save_role(
    Ctx { state, p }: Ctx,
    ApiJson(r): ApiJson<RoleDefinition>,
) -> ApiResult<(StatusCode, Json<RoleInfo>)> {
    Ok((StatusCode::CREATED, Json(save(&state, &p, &r).await?)))
}
