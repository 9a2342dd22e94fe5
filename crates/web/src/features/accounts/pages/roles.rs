//! 角色管理: the roles with their data scope, and the form of a custom role — permissions as a
//! checklist grouped by module, the data scope, and for 自定义 the units as a tree.

use askama::Template;
use qingfeng_domain::access::{Permission, ScopeKind};
use qingfeng_domain::FieldErrors;
use qingfeng_store::org::units;

use super::unprocessable;
use crate::auth::{Ctx, Principal};
use crate::features::accounts::service::{
    all_roles, delete_role as service_delete_role, save_role, RoleDefinition, RoleInfo,
};
use crate::http::{form_errors, render, see_other, ApiError, FormPairs, Nav, Opt, PagePath, PageResult, Params};
use crate::AppState;

/// The module a permission belongs to, by its key's prefix (`finding:sign_off` → 问题整改).
pub fn module_label(key: &str) -> &'static str {
    match key.split(':').next().unwrap_or("") {
        "unit" | "person" => "单位与人员",
        "account" | "role" => "账号与角色",
        "audit" => "操作日志",
        "responsibility" => "责任清单",
        "plan" | "task" => "任务分解",
        "ledger" => "履职台账",
        "fulfilment" => "落实情况",
        "finding" | "rectification" => "问题整改",
        "campaign" => "专项整治",
        "warning_case" => "警示教育",
        "setting" | "dict" => "系统设置",
        _ => "其他",
    }
}

pub struct PermBox {
    pub key: &'static str,
    pub label: &'static str,
    pub checked: bool,
    /// the operator does not hold it, so cannot give it
    pub locked: bool,
}

pub struct PermGroup {
    pub label: &'static str,
    pub items: Vec<PermBox>,
}

fn perm_groups(p: &Principal, checked: &[String]) -> Vec<PermGroup> {
    let mut groups: Vec<PermGroup> = vec![];
    for perm in Permission::ALL {
        let label = module_label(perm.key());
        let item = PermBox {
            key: perm.key(),
            label: perm.label(),
            checked: checked.iter().any(|k| k == perm.key()),
            locked: !p.can(*perm),
        };
        match groups.iter_mut().find(|g| g.label == label) {
            Some(g) => g.items.push(item),
            None => groups.push(PermGroup { label, items: vec![item] }),
        }
    }
    groups
}

pub struct RoleRow {
    pub r: RoleInfo,
    pub count: usize,
}

#[derive(Template)]
#[template(path = "accounts/roles.html")]
struct RolesPage {
    nav: Nav,
    rows: Vec<RoleRow>,
    can_write: bool,
    /// the name of the role just deleted
    deleted: Option<String>,
}

pub async fn roles_page(Ctx { state, p }: Ctx, params: Params) -> PageResult {
    let rows = all_roles(&state).await?.into_iter().map(|r| RoleRow { count: r.permissions.len(), r }).collect();
    let deleted = params.str("deleted");
    render(&RolesPage { nav: Nav::new(&p, "roles"), rows, can_write: p.can(Permission::RoleWrite), deleted })
}

pub struct UnitBox {
    pub id: i64,
    pub name: String,
    pub depth: usize,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "accounts/role_form.html")]
struct RoleForm {
    nav: Nav,
    heading: String,
    /// editing an existing role (its key stays), or a new one
    editing: bool,
    /// a built-in role, shown read-only
    builtin: bool,
    key: String,
    name: String,
    scopes: Vec<Opt>,
    groups: Vec<PermGroup>,
    units: Vec<UnitBox>,
    errors: FieldErrors,
    /// why deleting the role was refused
    refused: Option<String>,
    can_write: bool,
}

async fn role_form(state: &AppState, p: &Principal, r: &RoleInfo, editing: bool, errors: FieldErrors) -> PageResult {
    role_page(state, p, r, editing, errors, None).await
}

async fn role_page(
    state: &AppState,
    p: &Principal,
    r: &RoleInfo,
    editing: bool,
    errors: FieldErrors,
    refused: Option<String>,
) -> PageResult {
    let units = units::tree_order(units::all(&state.db, &p.scope).await?)
        .into_iter()
        .map(|u| UnitBox { id: u.id, depth: u.depth(), checked: r.units.contains(&u.id), name: u.name })
        .collect();
    let scopes = ScopeKind::ALL.iter().map(|k| Opt::new(k.key(), k.label(), k.key() == r.scope)).collect();
    let heading = match (editing, r.builtin) {
        (_, true) => format!("内置角色：{}", r.name),
        (true, false) => format!("修改角色：{}", r.name),
        (false, _) => "新增角色".to_string(),
    };
    let res = render(&RoleForm {
        nav: Nav::new(p, "roles"),
        heading,
        editing,
        builtin: r.builtin,
        key: r.key.clone(),
        name: r.name.clone(),
        scopes,
        groups: perm_groups(p, &r.permissions),
        units,
        errors: errors.clone(),
        can_write: p.can(Permission::RoleWrite),
        refused: refused.clone(),
    })?;
    Ok(if errors.is_empty() && refused.is_none() { res } else { unprocessable(res) })
}

pub async fn new_role(Ctx { state, p }: Ctx) -> PageResult {
    let r = RoleInfo {
        key: String::new(),
        name: String::new(),
        builtin: false,
        scope: ScopeKind::SelfOnly.key().into(),
        scope_label: String::new(),
        permissions: vec![],
        units: vec![],
    };
    role_form(&state, &p, &r, false, FieldErrors::default()).await
}

pub async fn edit_role(Ctx { state, p }: Ctx, PagePath(key): PagePath<String>) -> PageResult {
    let r = all_roles(&state).await?.into_iter().find(|r| r.key == key).ok_or(ApiError::NotFound)?;
    role_form(&state, &p, &r, true, FieldErrors::default()).await
}

pub async fn submit_role(Ctx { state, p }: Ctx, form: FormPairs) -> PageResult {
    let d = RoleDefinition {
        key: form.get("key"),
        name: form.get("name"),
        scope: form.get("scope"),
        permissions: form.all("permissions"),
        units: form.all("units").iter().filter_map(|s| s.trim().parse().ok()).collect(),
    };
    let editing = form.get("editing") == "1";
    match save_role(&state, &p, &d).await {
        Ok(_) => Ok(see_other("/system/roles")),
        Err(e) => {
            let errors = form_errors(e, "permissions")?;
            let r = RoleInfo {
                key: d.key,
                name: d.name,
                builtin: false,
                scope: d.scope,
                scope_label: String::new(),
                permissions: d.permissions,
                units: d.units,
            };
            role_form(&state, &p, &r, editing, errors).await
        }
    }
}

/// 删除角色: back to the list, or the role page saying why not (accounts still hold it …).
pub async fn delete_role(Ctx { state, p }: Ctx, PagePath(key): PagePath<String>) -> PageResult {
    let r = all_roles(&state).await?.into_iter().find(|r| r.key == key).ok_or(ApiError::NotFound)?;
    match service_delete_role(&state, &p, &key).await {
        Ok(()) => Ok(see_other(format!(
            "/system/roles?{}",
            serde_urlencoded::to_string([("deleted", &r.name)]).unwrap_or_default()
        ))),
        Err(ApiError::Conflict(m) | ApiError::Forbidden(m)) => {
            role_page(&state, &p, &r, true, FieldErrors::default(), Some(m)).await
        }
        Err(e) => Err(e.into()),
    }
}
