//! JSON handlers of accounts, roles and the own password.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use qingfeng_domain::access::{ScopeKind, BUILTIN_ROLES};
use qingfeng_store::accounts::{self, AccountChange, AccountView};
use qingfeng_store::{Page, StoreError};
use serde::Deserialize;
use serde_json::{json, Value};

use super::service::{account_in_scope, change_own_password, check_person, check_username};
use crate::auth::Principal;
use crate::features::accounts::grants::{check_password_policy, check_role_definition, check_role_grant, is_builtin};
use crate::http::{ApiError, ApiResult};
use crate::http::{ApiJson, Params, Path};
use crate::AppState;

/// Distinguishes a missing field (no change) from an explicit null (unlink).
mod double_option {
    use serde::{Deserialize, Deserializer};
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<i64>>, D::Error> {
        Option::<i64>::deserialize(d).map(Some)
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAccount {
    pub username: String,
    pub password: String,
    #[serde(default)]
    pub person_id: Option<i64>,
    #[serde(default)]
    pub roles: Vec<String>,
}

pub async fn list(State(state): State<AppState>, p: Principal, params: Params) -> ApiResult<Json<Page<AccountView>>> {
    Ok(Json(accounts::list(&state.db, &p.scope, params.str("q").as_deref(), params.paging()?).await?))
}

pub async fn get(State(state): State<AppState>, p: Principal, Path(id): Path<i64>) -> ApiResult<Json<AccountView>> {
    Ok(Json(account_in_scope(&state, &p, id).await?))
}

pub async fn create(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(a): ApiJson<NewAccount>,
) -> ApiResult<(StatusCode, Json<AccountView>)> {
    let username = a.username.trim();
    check_username(username)?;
    check_password_policy(&state.db, "password", &a.password).await?;
    check_person(&state, &p, a.person_id).await?;
    check_role_grant(&state.db, &p, &a.roles, a.person_id).await?;
    let roles: Vec<&str> = a.roles.iter().map(String::as_str).collect();
    // an initial password set by someone else must be changed at first login
    let account = accounts::create(&state.db, &p.actor(), username, &a.password, a.person_id, &roles, true).await?;
    Ok((StatusCode::CREATED, Json(accounts::view(&state.db, account).await?)))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountPatch {
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub person_id: Option<Option<i64>>,
    pub roles: Option<Vec<String>>,
    pub disabled: Option<bool>,
    /// A new password set by an administrator (a reset).
    pub password: Option<String>,
}

pub async fn update(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<i64>,
    ApiJson(patch): ApiJson<AccountPatch>,
) -> ApiResult<Json<AccountView>> {
    let current = account_in_scope(&state, &p, id).await?;
    if id == p.account_id && (patch.roles.is_some() || patch.disabled == Some(true)) {
        return Err(ApiError::Forbidden("不能修改自己的角色或停用自己的账号".into()));
    }
    let person_id = patch.person_id.unwrap_or(current.account.person_id);
    if patch.person_id.is_some() {
        check_person(&state, &p, person_id).await?;
    }
    // the account's roles, old or new, must all be within what the operator holds
    let roles = patch.roles.clone().unwrap_or(current.roles.clone());
    check_role_grant(&state.db, &p, &roles, person_id).await?;
    if let Some(pw) = &patch.password {
        check_password_policy(&state.db, "password", pw).await?;
    }
    let change = AccountChange {
        person_id: patch.person_id,
        roles: patch.roles,
        disabled: patch.disabled,
        reset_password: patch.password,
    };
    Ok(Json(accounts::update(&state.db, &p.actor(), id, &change).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub old_password: String,
    pub new_password: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(c): ApiJson<PasswordChange>,
) -> ApiResult<Json<Value>> {
    change_own_password(&state, &p, &c.old_password, &c.new_password).await?;
    Ok(Json(json!({"ok": true})))
}

pub async fn roles(State(state): State<AppState>) -> ApiResult<Json<Value>> {
    let mut items: Vec<Value> = BUILTIN_ROLES
        .iter()
        .map(|r| json!({"key": r.key, "name": r.name, "builtin": true, "scope": r.scope.key(), "scope_label": r.scope.label(), "permissions": r.permissions}))
        .collect();
    for r in qingfeng_store::roles::list(&state.db).await? {
        let units = qingfeng_store::roles::units(&state.db, &r.key).await?;
        let label = ScopeKind::parse(&r.scope_kind).map(ScopeKind::label).unwrap_or("");
        items.push(json!({"key": r.key, "name": r.name, "builtin": false, "scope": r.scope_kind, "scope_label": label, "permissions": r.permission_list(), "units": units}));
    }
    let total = items.len();
    Ok(Json(json!({"items": items, "total": total, "page": 1, "per_page": total})))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleDefinition {
    pub key: String,
    pub name: String,
    pub scope: String,
    #[serde(default)]
    pub permissions: Vec<String>,
    #[serde(default)]
    pub units: Vec<i64>,
}

pub async fn save_role(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(r): ApiJson<RoleDefinition>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let key = r.key.trim();
    if key.is_empty()
        || key.len() > 32
        || !key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        return Err(StoreError::field("key", "角色标识应为 1–32 个小写字母、数字或下划线").into());
    }
    if is_builtin(key) {
        return Err(StoreError::field("key", "内置角色不能修改").into());
    }
    let name = r.name.trim();
    if name.is_empty() || name.chars().count() > 30 {
        return Err(StoreError::field("name", "角色名称应为 1–30 个字").into());
    }
    let Some(scope) = ScopeKind::parse(&r.scope) else {
        return Err(StoreError::field("scope", "数据范围应为 all、custom、own_unit、own_unit_and_below、self_only、own_unit_and_below_or_self 或 in_charge").into());
    };
    if scope == ScopeKind::Custom && r.units.is_empty() {
        return Err(StoreError::field("units", "自定义数据范围须选择单位").into());
    }
    check_role_definition(&state.db, &p, key, &r.permissions, scope, &r.units).await?;
    let saved =
        qingfeng_store::roles::save(&state.db, &p.actor(), key, name, scope.key(), &r.permissions, &r.units).await?;
    Ok((
        StatusCode::CREATED,
        Json(
            json!({"key": saved.key, "name": saved.name, "scope": saved.scope_kind, "permissions": saved.permission_list(), "units": r.units}),
        ),
    ))
}
