//! Data scope: what each role grants, and the union of the roles' scopes resolved against the
//! person's unit and 分管.

use qingfeng_domain::access::{builtin_role, Permission, ScopeKind};
use qingfeng_store::org::{branches, people};
use qingfeng_store::{Db, Scope, StoreResult};

/// What one role grants: permissions and a scope kind (plus units for 自定义).
#[derive(Debug, Clone)]
pub struct RoleGrant {
    pub key: String,
    pub permissions: Vec<Permission>,
    pub scope: ScopeKind,
    pub units: Vec<i64>,
}

/// Built-in roles from code, custom roles from the database; unknown keys grant nothing.
pub async fn role_grants(db: &Db, keys: &[String]) -> StoreResult<Vec<RoleGrant>> {
    let mut out = Vec::new();
    for key in keys {
        if let Some(b) = builtin_role(key) {
            out.push(RoleGrant {
                key: key.clone(),
                permissions: b.permissions.to_vec(),
                scope: b.scope,
                units: vec![],
            });
        } else if let Some(r) = qingfeng_store::roles::get(db, key).await? {
            out.push(RoleGrant {
                key: key.clone(),
                // a key no longer known (a permission since removed) grants nothing
                permissions: r.permission_list().iter().filter_map(|k| Permission::parse(k)).collect(),
                scope: ScopeKind::parse(&r.scope_kind).unwrap_or(ScopeKind::SelfOnly),
                units: qingfeng_store::roles::units(db, key).await?,
            });
        }
    }
    Ok(out)
}

/// The union of the data scopes of the roles, resolved against the person's unit, 分管 and the
/// party branches they lead.
pub async fn resolve_scope(db: &Db, grants: &[RoleGrant], person_id: Option<i64>) -> StoreResult<Scope> {
    let mut scope = Scope::default();
    let person: Option<(i64, String)> = match person_id {
        Some(pid) => people::unit_of(db, pid).await?,
        None => None,
    };
    for grant in grants {
        match (grant.scope, &person) {
            (ScopeKind::All, _) => return Ok(Scope::all()),
            (ScopeKind::Custom, _) => scope.units.extend(grant.units.iter().copied()),
            (ScopeKind::OwnUnit, Some((uid, _))) => scope.units.push(*uid),
            (ScopeKind::OwnUnitAndBelow, Some((_, path))) => scope.subtrees.push(path.clone()),
            (ScopeKind::OwnUnitAndBelowOrSelf, Some((_, path))) => {
                scope.subtrees.push(path.clone());
                scope.person_id = person_id;
            }
            (ScopeKind::SelfOnly, Some(_)) => scope.person_id = person_id,
            (ScopeKind::InCharge, Some(_)) => {
                if let Some(pid) = person_id {
                    scope.subtrees.extend(people::in_charge_paths(db, pid).await?);
                }
                scope.person_id = person_id;
            }
            (ScopeKind::PartyBranch, Some(_)) => {
                // the branches the person leads (书记, 副书记) and their members, wherever they sit
                if let Some(pid) = person_id {
                    let led = branches::led_by(db, pid).await?;
                    scope.units.extend(led.iter().copied());
                    scope.branch_members.extend(led);
                }
                scope.person_id = person_id;
            }
            _ => {}
        }
    }
    Ok(scope)
}
