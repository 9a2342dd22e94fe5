//! Accounts and roles: which accounts an operator may see and change, and changing one's own
//! password (the API and the password page).

use qingfeng_domain::access::{Permission, ScopeKind, BUILTIN_ROLES};
use qingfeng_store::accounts::{self, AccountChange, AccountFilter, AccountView};
use qingfeng_store::StoreError;
use serde::{Deserialize, Serialize};

use crate::auth::Principal;
use crate::features::accounts::grants::{check_password_policy, check_role_definition, check_role_grant, is_builtin};
use crate::http::{ApiError, ApiResult, Params};
use crate::AppState;

/// Checks and applies a user's own password change (shared by the API and the page).
pub async fn change_own_password(state: &AppState, p: &Principal, old: &str, new: &str) -> ApiResult<()> {
    let account = accounts::by_id(&state.db, p.account_id).await?;
    let hash = account.password_hash.clone();
    let old_pw = old.to_string();
    let ok = tokio::task::spawn_blocking(move || accounts::verify_password(&old_pw, &hash)).await.unwrap_or(false);
    if !ok {
        return Err(StoreError::field("old_password", "原密码不正确").into());
    }
    if old == new {
        return Err(StoreError::field("new_password", "新密码不能与原密码相同").into());
    }
    check_password_policy(&state.db, "new_password", new).await?;
    let keep = p.session.as_ref().map(|s| s.id_hash.as_str());
    accounts::change_own_password(&state.db, &p.actor(), p.account_id, new, keep).await?;
    Ok(())
}

// ------------------------------------------------------------------ accounts

pub fn check_username(u: &str) -> ApiResult<()> {
    let ok_chars = u.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if u.is_empty() || u.len() > 64 || !ok_chars {
        return Err(StoreError::field("username", "用户名应为 1–64 个字母、数字或 _ - .").into());
    }
    Ok(())
}

/// The person an account is linked to must be in the operator's scope.
pub async fn check_person(state: &AppState, p: &Principal, person_id: Option<i64>) -> ApiResult<()> {
    if let Some(pid) = person_id {
        match qingfeng_store::org::people::get(&state.db, &p.scope, pid).await {
            Ok(_) => {}
            Err(StoreError::NotFound) => {
                return Err(
                    StoreError::field("person_id", format!("人员（编号 {pid}）不存在或不在您的数据范围内")).into()
                )
            }
            Err(e) => return Err(e.into()),
        }
    } else if !p.scope.all {
        return Err(StoreError::field("person_id", "请选择账号对应的人员").into());
    }
    Ok(())
}

pub async fn account_in_scope(state: &AppState, p: &Principal, id: i64) -> ApiResult<AccountView> {
    let account = accounts::by_id(&state.db, id).await?;
    if !p.scope.all {
        let Some(pid) = account.person_id else { return Err(ApiError::NotFound) };
        if let Err(StoreError::NotFound) = qingfeng_store::org::people::get(&state.db, &p.scope, pid).await {
            return Err(ApiError::NotFound);
        }
    }
    Ok(accounts::view(&state.db, account).await?)
}

// ------------------------------------------------------------------ create and change

/// Distinguishes a missing field (no change) from an explicit null (unlink).
mod double_option {
    use serde::{Deserialize, Deserializer};
    pub fn deserialize<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(d).map(Some)
    }
}

/// A new account (the API body; the 用户管理 form fills the same).
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

/// A change to an account (the API's PATCH body; the 用户管理 forms fill the same).
#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountPatch {
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub person_id: Option<Option<i64>>,
    pub roles: Option<Vec<String>>,
    pub disabled: Option<bool>,
    /// A new password set by an administrator (a reset).
    pub password: Option<String>,
    /// the e-mail address notifications go to; "" or null removes it
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
}

/// Creates an account; its first password must be changed at first sign-in.
pub async fn create_account(state: &AppState, p: &Principal, a: &NewAccount) -> ApiResult<AccountView> {
    let username = a.username.trim();
    check_username(username)?;
    check_password_policy(&state.db, "password", &a.password).await?;
    check_person(state, p, a.person_id).await?;
    check_role_grant(&state.db, p, &a.roles, a.person_id).await?;
    let roles: Vec<&str> = a.roles.iter().map(String::as_str).collect();
    // an initial password set by someone else must be changed at first login
    let account = accounts::create(&state.db, &p.actor(), username, &a.password, a.person_id, &roles, true).await?;
    Ok(accounts::view(&state.db, account).await?)
}

/// Changes an account: its person, roles, disabled flag or password (a reset).
pub async fn update_account(state: &AppState, p: &Principal, id: i64, patch: AccountPatch) -> ApiResult<AccountView> {
    let current = account_in_scope(state, p, id).await?;
    if id == p.account_id && (patch.roles.is_some() || patch.disabled == Some(true)) {
        return Err(ApiError::Forbidden("不能修改自己的角色或停用自己的账号".into()));
    }
    let person_id = patch.person_id.unwrap_or(current.account.person_id);
    if patch.person_id.is_some() {
        check_person(state, p, person_id).await?;
    }
    // the account's roles, old or new, must all be within what the operator holds
    let roles = patch.roles.clone().unwrap_or(current.roles.clone());
    check_role_grant(&state.db, p, &roles, person_id).await?;
    if let Some(pw) = &patch.password {
        check_password_policy(&state.db, "password", pw).await?;
    }
    let change = AccountChange {
        person_id: patch.person_id,
        roles: patch.roles,
        disabled: patch.disabled,
        reset_password: patch.password,
        email: patch.email.map(|e| email_of(e.as_deref())).transpose()?,
    };
    Ok(accounts::update(&state.db, &p.actor(), id, &change).await?)
}

/// An account's e-mail address as given: trimmed, None when empty, else a valid address.
fn email_of(given: Option<&str>) -> ApiResult<Option<String>> {
    let email = given.map(str::trim).filter(|e| !e.is_empty());
    match email {
        Some(e) if !qingfeng_domain::settings::is_email(e) || e.chars().count() > 254 => {
            let mut errors = qingfeng_domain::FieldErrors::default();
            errors.push("email", format!("邮箱“{e}”不是有效的地址，如 wangfang@xwb.local"));
            Err(ApiError::Invalid(errors))
        }
        _ => Ok(email.map(str::to_string)),
    }
}

/// The account list's filters, as the API and the 用户管理 page read them.
pub const ACCOUNT_FILTERS: &[&str] = &["q", "role", "status", "unit"];

pub fn account_filter(params: &Params) -> ApiResult<AccountFilter> {
    let disabled = match params.str("status").as_deref() {
        None | Some("") => None,
        Some("enabled") => Some(false),
        Some("disabled") => Some(true),
        Some(_) => return Err(ApiError::bad_request("状态应为 enabled 或 disabled", Some("status"))),
    };
    Ok(AccountFilter { q: params.str("q"), role: params.str("role"), disabled, unit_id: params.int("unit")? })
}

/// A role as the lists and forms show it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct RoleInfo {
    pub key: String,
    pub name: String,
    pub builtin: bool,
    /// the data-scope kind's key (`all`, `custom`, `own_unit` …)
    pub scope: String,
    pub scope_label: String,
    pub permissions: Vec<String>,
    /// the units of a 自定义 scope
    pub units: Vec<i64>,
}

/// Every role, built-in first, then the custom ones by key.
pub async fn all_roles(state: &AppState) -> ApiResult<Vec<RoleInfo>> {
    let mut items: Vec<RoleInfo> = BUILTIN_ROLES
        .iter()
        .map(|r| RoleInfo {
            key: r.key.into(),
            name: r.name.into(),
            builtin: true,
            scope: r.scope.key().into(),
            scope_label: r.scope.label().into(),
            permissions: r.permissions.iter().map(|p| p.key().to_string()).collect(),
            units: vec![],
        })
        .collect();
    for r in qingfeng_store::roles::list(&state.db).await? {
        let units = qingfeng_store::roles::units(&state.db, &r.key).await?;
        let label = ScopeKind::parse(&r.scope_kind).map(ScopeKind::label).unwrap_or("");
        let permissions = r.permission_list();
        items.push(RoleInfo {
            key: r.key,
            name: r.name,
            builtin: false,
            scope: r.scope_kind,
            scope_label: label.into(),
            permissions,
            units,
        });
    }
    Ok(items)
}

/// Whether `p` may give the role (its permissions all held by `p`; 系统管理员 only by its holders).
/// The data scope is checked when the account is saved, against the account's person.
pub fn may_grant(p: &Principal, role: &RoleInfo) -> bool {
    if role.key == "admin" && !p.roles.iter().any(|r| r == "admin") {
        return false;
    }
    role.permissions.iter().all(|k| Permission::parse(k).is_some_and(|perm| p.can(perm)))
}

/// A custom role as defined (the API body; the 角色管理 form fills the same).
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

/// Deletes a custom role: not a built-in one, not one the operator holds, not one wider than
/// the operator's permissions ([`may_grant`]); the store refuses it while accounts hold it.
pub async fn delete_role(state: &AppState, p: &Principal, key: &str) -> ApiResult<()> {
    let role = all_roles(state).await?.into_iter().find(|r| r.key == key).ok_or(ApiError::NotFound)?;
    if role.builtin {
        return Err(ApiError::Conflict(format!("“{}”是内置角色，不能删除", role.name)));
    }
    if p.roles.iter().any(|r| r == key) {
        return Err(ApiError::Forbidden(format!("不能删除自己持有的角色“{}”", role.name)));
    }
    if !may_grant(p, &role) {
        return Err(ApiError::Forbidden(format!("角色“{}”的权限超出您本人的权限，不能删除", role.name)));
    }
    Ok(qingfeng_store::roles::delete(&state.db, &p.actor(), key).await?)
}

/// Creates or redefines a custom role, never wider than what the operator holds.
pub async fn save_role(state: &AppState, p: &Principal, r: &RoleDefinition) -> ApiResult<RoleInfo> {
    let key = r.key.trim();
    let mut e = qingfeng_domain::FieldErrors::default();
    if key.is_empty()
        || key.len() > 32
        || !key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        e.push("key", "角色标识应为 1–32 个小写字母、数字或下划线");
    } else if is_builtin(key) {
        e.push("key", "内置角色不能修改");
    }
    let name = r.name.trim();
    if name.is_empty() || name.chars().count() > 30 {
        e.push("name", "角色名称应为 1–30 个字");
    }
    let scope = ScopeKind::parse(&r.scope);
    match scope {
        None => e.push(
            "scope",
            "请选择数据范围（全部、自定义、本部门、本部门及以下、仅本人、本部门及以下或本人、分管单位及以下）",
        ),
        Some(ScopeKind::Custom) if r.units.is_empty() => e.push("units", "自定义数据范围须选择单位"),
        Some(_) => {}
    }
    e.into_result().map_err(ApiError::Invalid)?;
    let scope = scope.expect("checked");
    // only a 自定义 scope names units
    let units: Vec<i64> = if scope == ScopeKind::Custom { r.units.clone() } else { vec![] };
    let mut permissions = r.permissions.clone();
    permissions.sort();
    permissions.dedup();
    check_role_definition(&state.db, p, key, &permissions, scope, &units).await?;
    let saved =
        qingfeng_store::roles::save(&state.db, &p.actor(), key, name, scope.key(), &permissions, &units).await?;
    Ok(RoleInfo {
        key: saved.key.clone(),
        name: saved.name.clone(),
        builtin: false,
        scope: saved.scope_kind.clone(),
        scope_label: scope.label().into(),
        permissions: saved.permission_list(),
        units,
    })
}
