//! "Never grant more than you hold": an operator may give a role, a permission or a scope only
//! when it is within the operator's own permissions and data scope.

use qingfeng_domain::access::{builtin_role, check_password, ScopeKind, PERMISSIONS};
use qingfeng_store::org::units;
use qingfeng_store::{settings, Db, Scope, StoreError};

use crate::auth::{resolve_scope, role_grants, Principal};
use crate::error::{ApiError, ApiResult};

/// Whether every unit reachable through `inner` is reachable through `outer`.
pub async fn scope_within(db: &Db, outer: &Scope, inner: &Scope) -> ApiResult<bool> {
    if outer.all {
        return Ok(true);
    }
    if inner.all {
        return Ok(false);
    }
    for path in &inner.subtrees {
        if !outer.subtrees.iter().any(|o| path.starts_with(o.as_str())) {
            return Ok(false);
        }
    }
    for id in &inner.units {
        let u = units::get(db, *id).await?;
        if !outer.covers_unit(u.id, &u.path) {
            return Ok(false);
        }
    }
    if let Some(pid) = inner.person_id {
        if outer.person_id != Some(pid) {
            let person = qingfeng_store::org::people::get(db, outer, pid).await;
            if matches!(person, Err(StoreError::NotFound)) {
                return Ok(false);
            }
            person?;
        }
    }
    Ok(true)
}

/// Checks that `op` may give `roles` to the account of `person_id`.
pub async fn check_role_grant(db: &Db, op: &Principal, roles: &[String], person_id: Option<i64>) -> ApiResult<()> {
    let grants = role_grants(db, roles).await?;
    for key in roles {
        if !grants.iter().any(|g| &g.key == key) {
            return Err(StoreError::field("roles", format!("角色“{key}”不存在")).into());
        }
    }
    for g in &grants {
        for p in &g.permissions {
            if !op.can(p) || (p == "*" && !op.can("*")) {
                return Err(ApiError::Forbidden(format!("不能授予超出自己权限的角色“{}”（{}）", g.key, p)));
            }
        }
    }
    let target = resolve_scope(db, &grants, person_id).await?;
    if !scope_within(db, &op.scope, &target).await? {
        return Err(ApiError::Forbidden("不能授予超出自己数据范围的角色".into()));
    }
    Ok(())
}

/// Checks that `op` may define a role with these permissions and scope.
pub async fn check_role_definition(
    db: &Db,
    op: &Principal,
    permissions: &[String],
    scope: ScopeKind,
    unit_ids: &[i64],
) -> ApiResult<()> {
    for p in permissions {
        if !PERMISSIONS.iter().any(|(k, _)| k == p) {
            return Err(StoreError::field("permissions", format!("权限“{p}”不存在")).into());
        }
        if !op.can(p) {
            return Err(ApiError::Forbidden(format!("不能定义超出自己权限的角色（{p}）")));
        }
    }
    if scope == ScopeKind::All && !op.scope.all {
        return Err(ApiError::Forbidden("不能定义超出自己数据范围的角色（全部）".into()));
    }
    let custom = Scope { units: unit_ids.to_vec(), ..Default::default() };
    for id in unit_ids {
        if let Err(StoreError::NotFound) = units::get(db, *id).await {
            return Err(StoreError::field("units", format!("单位（编号 {id}）不存在")).into());
        }
    }
    if !scope_within(db, &op.scope, &custom).await? {
        return Err(ApiError::Forbidden("不能定义超出自己数据范围的角色（自定义单位）".into()));
    }
    Ok(())
}

/// The password policy in force (settings `password.min_length`, `password.min_classes`).
pub async fn check_password_policy(db: &Db, field: &str, password: &str) -> ApiResult<()> {
    let min_len = settings::number(db, "password.min_length", 8).await?;
    let min_classes = settings::number(db, "password.min_classes", 3).await?;
    check_password(password, min_len, min_classes).map_err(|m| StoreError::field(field, m).into())
}

pub fn is_builtin(key: &str) -> bool {
    builtin_role(key).is_some()
}
