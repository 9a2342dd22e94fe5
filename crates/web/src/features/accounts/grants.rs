//! "Never grant more than you hold": an operator may give a role, a permission or a scope only
//! when it is within the operator's own permissions and data scope.

use qingfeng_domain::access::{builtin_role, check_password, Permission, ScopeKind};
use qingfeng_store::org::units;
use qingfeng_store::{settings, Db, Scope, StoreError};

use crate::auth::{resolve_scope, role_grants, Principal, RoleGrant};
use crate::http::{ApiError, ApiResult};

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
    for b in &inner.branch_members {
        // a branch's members sit in several divisions: only a scope that reaches every current
        // member (or the same branch's members) holds them
        if !outer.branch_members.contains(b) && !members_within(db, outer, *b).await? {
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

/// Whether every current member of branch `b` is inside `outer`.
async fn members_within(db: &Db, outer: &Scope, b: i64) -> ApiResult<bool> {
    let today = qingfeng_store::fulfilment::today();
    let (_, hidden) = qingfeng_store::org::branches::members_visible(db, outer, b, today).await?;
    Ok(hidden == 0)
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
        // the built-in administrator also holds every permission added later: only its holders give it
        if g.key == "admin" && !op.roles.iter().any(|r| r == "admin") {
            return Err(ApiError::Forbidden("只有系统管理员可以授予系统管理员角色".into()));
        }
        for p in &g.permissions {
            if !op.can(*p) {
                return Err(ApiError::Forbidden(format!("不能授予超出自己权限的角色“{}”（{}）", g.key, p.key())));
            }
        }
    }
    let target = resolve_scope(db, &grants, person_id).await?;
    if !scope_within(db, &op.scope, &target).await? {
        return Err(ApiError::Forbidden("不能授予超出自己数据范围的角色".into()));
    }
    Ok(())
}

/// Checks that `op` may define (create or redefine) the role `key` with these permissions and
/// scope. Delegation never widens: the kind must lie within a kind the operator holds, 自定义
/// units within the operator's scope, nobody edits a role they hold, and every account that
/// already holds the role must stay within the operator's scope under the new definition.
pub async fn check_role_definition(
    db: &Db,
    op: &Principal,
    key: &str,
    permissions: &[String],
    scope: ScopeKind,
    unit_ids: &[i64],
) -> ApiResult<()> {
    if op.roles.iter().any(|r| r == key) {
        return Err(ApiError::Forbidden(format!("不能修改自己持有的角色“{key}”")));
    }
    for key in permissions {
        let Some(p) = Permission::parse(key) else {
            return Err(StoreError::field("permissions", format!("权限“{key}”不存在")).into());
        };
        if !op.can(p) {
            return Err(ApiError::Forbidden(format!("不能定义超出自己权限的角色（{key}）")));
        }
    }
    check_kind_within_operator(db, op, scope).await?;
    for id in unit_ids {
        if let Err(StoreError::NotFound) = units::get(db, *id).await {
            return Err(StoreError::field("units", format!("单位（编号 {id}）不存在")).into());
        }
    }
    let custom = Scope { units: unit_ids.to_vec(), ..Default::default() };
    if !scope_within(db, &op.scope, &custom).await? {
        return Err(ApiError::Forbidden("不能定义超出自己数据范围的角色（自定义单位）".into()));
    }
    check_holders_stay_within(db, op, key, scope, unit_ids).await
}

/// The kind of a role being defined must lie within one of the kinds the operator holds.
async fn check_kind_within_operator(db: &Db, op: &Principal, kind: ScopeKind) -> ApiResult<()> {
    // 自定义 names its units, which are checked one by one against the operator's scope
    if op.scope.all || kind == ScopeKind::Custom {
        return Ok(());
    }
    let own = role_grants(db, &op.roles).await?;
    if own.iter().any(|g| kind.within(g.scope)) {
        return Ok(());
    }
    Err(ApiError::Forbidden(format!("不能定义超出自己数据范围的角色（{}）", kind.label())))
}

/// Redefining a role changes the scope of every account holding it, with no grant in between:
/// each holder's scope under the new definition must lie within the operator's.
async fn check_holders_stay_within(
    db: &Db,
    op: &Principal,
    key: &str,
    kind: ScopeKind,
    unit_ids: &[i64],
) -> ApiResult<()> {
    let grant = RoleGrant { key: key.to_string(), permissions: vec![], scope: kind, units: unit_ids.to_vec() };
    let holders = qingfeng_store::roles::holders(db, key).await?;
    for (username, person_id) in holders {
        let target = resolve_scope(db, std::slice::from_ref(&grant), person_id).await?;
        if !scope_within(db, &op.scope, &target).await? {
            return Err(ApiError::Forbidden(format!(
                "角色“{key}”已授予账号“{username}”，按新的定义其数据范围将超出您的数据范围，不能这样修改"
            )));
        }
    }
    Ok(())
}

/// Every unit an operator writes (a 分管 unit, a campaign's unit, a custom scope's unit …) must
/// exist and lie inside the operator's scope. `label` names the field for the user.
pub async fn check_units_in_scope(db: &Db, scope: &Scope, field: &str, label: &str, ids: &[i64]) -> ApiResult<()> {
    for id in ids {
        match units::get(db, *id).await {
            Ok(u) if scope.covers_unit(u.id, &u.path) => {}
            Ok(u) => {
                return Err(StoreError::field(field, format!("{label}“{}”不在您的数据范围内", u.name)).into());
            }
            Err(StoreError::NotFound) => {
                return Err(StoreError::field(field, format!("{label}（编号 {id}）不存在")).into());
            }
            Err(e) => return Err(e.into()),
        }
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
