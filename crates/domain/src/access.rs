//! Roles, permissions (`module:action`) and data-scope kinds, as RuoYi users know them.

use serde::{Deserialize, Serialize};

/// Every permission the server checks. A route names exactly one of these.
pub const PERMISSIONS: &[(&str, &str)] = &[
    ("unit:read", "查看单位"),
    ("unit:write", "新增、修改单位"),
    ("unit:import", "导入单位"),
    ("unit:export", "导出单位"),
    ("person:read", "查看人员"),
    ("person:write", "新增、修改人员"),
    ("person:import", "导入人员"),
    ("person:export", "导出人员"),
    ("account:read", "查看账号"),
    ("account:write", "管理账号"),
    ("audit:read", "查看操作日志和登录日志"),
    ("responsibility:read", "查看责任清单"),
    ("responsibility:write", "编制责任清单、维护责任事项模板、登记责任书"),
    ("responsibility:export", "导出责任清单"),
    ("plan:read", "查看工作要点和任务"),
    ("plan:write", "部署工作要点、分解任务、报告进展"),
    ("task:import", "导入任务分解表"),
    ("task:export", "导出任务分解表"),
    ("ledger:read", "查看履职台账"),
    ("ledger:write", "登记履职台账"),
    ("ledger:export", "导出履职台账"),
    ("fulfilment:read", "查看落实情况"),
    ("finding:read", "查看问题清单和整改情况"),
    ("finding:write", "登记问题（含自查）、反馈问题"),
    ("finding:sign_off", "验收销号、退回、回头看（仅纪检监察组）"),
    ("finding:import", "导入问题清单"),
    ("finding:export", "导出整改台账"),
    ("rectification:write", "制定整改措施、报告整改进展、申请销号"),
    ("campaign:read", "查看专项整治"),
    ("campaign:write", "部署专项整治"),
    ("role:read", "查看角色"),
    ("role:write", "定义角色"),
];

/// 数据权限: which records a role reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScopeKind {
    /// 全部
    All,
    /// 自定义 (chosen units)
    Custom,
    /// 本部门
    OwnUnit,
    /// 本部门及以下
    OwnUnitAndBelow,
    /// 仅本人
    SelfOnly,
    /// 本部门及以下或本人
    OwnUnitAndBelowOrSelf,
    /// 分管单位及以下 (a leadership member's units in charge)
    InCharge,
}

impl ScopeKind {
    pub fn label(self) -> &'static str {
        match self {
            ScopeKind::All => "全部",
            ScopeKind::Custom => "自定义",
            ScopeKind::OwnUnit => "本部门",
            ScopeKind::OwnUnitAndBelow => "本部门及以下",
            ScopeKind::SelfOnly => "仅本人",
            ScopeKind::OwnUnitAndBelowOrSelf => "本部门及以下或本人",
            ScopeKind::InCharge => "分管单位及以下",
        }
    }

    /// Whether a role of kind `self`, held by anyone, never reaches further relative to its
    /// holder than `outer` does relative to its own. 仅本人 is the least any role gives and lies
    /// within every kind; 自定义 is never implied by a relative kind (its units are checked one
    /// by one instead); 全部 lies only within 全部.
    pub fn within(self, outer: ScopeKind) -> bool {
        use ScopeKind::*;
        match (self, outer) {
            (_, All) => true,
            (All, _) => false,
            (SelfOnly, _) => true,
            (Custom, _) => false,
            (a, b) if a == b => true,
            (OwnUnit, OwnUnitAndBelow | OwnUnitAndBelowOrSelf) => true,
            (OwnUnitAndBelow, OwnUnitAndBelowOrSelf) => true,
            _ => false,
        }
    }
}

/// A role built into the product.
#[derive(Debug, Clone, Copy)]
pub struct BuiltinRole {
    pub key: &'static str,
    pub name: &'static str,
    pub scope: ScopeKind,
    /// `*` grants every permission.
    pub permissions: &'static [&'static str],
}

/// Leaders deploy and break down work for the units they answer for, and keep their ledgers.
const LEAD: &[&str] = &[
    "unit:read",
    "person:read",
    "unit:export",
    "person:export",
    "responsibility:read",
    "responsibility:export",
    "plan:read",
    "plan:write",
    "task:import",
    "task:export",
    "ledger:read",
    "ledger:write",
    "ledger:export",
    "fulfilment:read",
    "finding:read",
    "finding:write",
    "finding:export",
    "rectification:write",
    "campaign:read",
];

/// The discipline-inspection group reads everything in its remit and edits nothing of others.
const SUPERVISE: &[&str] = &[
    "unit:read",
    "person:read",
    "unit:export",
    "person:export",
    "audit:read",
    "responsibility:read",
    "responsibility:export",
    "plan:read",
    "task:export",
    "ledger:read",
    "ledger:export",
    "fulfilment:read",
    "finding:read",
    "finding:write",
    "finding:sign_off",
    "finding:import",
    "finding:export",
    "campaign:read",
    "campaign:write",
];

const BRANCH: &[&str] = &[
    "unit:read",
    "person:read",
    "responsibility:read",
    "plan:read",
    "ledger:read",
    "ledger:write",
    "fulfilment:read",
    "finding:read",
    "rectification:write",
];

const MEMBER: &[&str] = &[
    "unit:read",
    "person:read",
    "responsibility:read",
    "plan:read",
    "ledger:read",
    "ledger:write",
    "fulfilment:read",
    "finding:read",
    "rectification:write",
];

pub const BUILTIN_ROLES: &[BuiltinRole] = &[
    BuiltinRole { key: "admin", name: "系统管理员", scope: ScopeKind::All, permissions: &["*"] },
    BuiltinRole { key: "supervisor", name: "纪检监察组", scope: ScopeKind::All, permissions: SUPERVISE },
    BuiltinRole { key: "principal", name: "主要负责人", scope: ScopeKind::OwnUnitAndBelow, permissions: LEAD },
    BuiltinRole { key: "leader", name: "分管领导", scope: ScopeKind::InCharge, permissions: LEAD },
    BuiltinRole { key: "branch_secretary", name: "支部书记", scope: ScopeKind::OwnUnit, permissions: BRANCH },
    BuiltinRole { key: "member", name: "一般干部", scope: ScopeKind::SelfOnly, permissions: MEMBER },
];

pub fn builtin_role(key: &str) -> Option<&'static BuiltinRole> {
    BUILTIN_ROLES.iter().find(|r| r.key == key)
}

/// Whether a set of granted permissions (possibly `*`) includes `needed`.
pub fn grants(granted: &[&str], needed: &str) -> bool {
    granted.iter().any(|g| *g == "*" || *g == needed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_permission_exists() {
        for r in BUILTIN_ROLES {
            for p in r.permissions {
                assert!(*p == "*" || PERMISSIONS.iter().any(|(k, _)| k == p), "{} grants unknown {p}", r.key);
            }
        }
    }

    #[test]
    fn admin_grants_all_member_grants_little() {
        let admin = builtin_role("admin").unwrap();
        assert!(grants(admin.permissions, "person:write"));
        let member = builtin_role("member").unwrap();
        assert!(!grants(member.permissions, "person:write"));
        assert!(grants(member.permissions, "person:read"));
    }
}

/// Password policy (settings `password.min_length`, default 8, and `password.min_classes`,
/// default 3, out of: lower case, upper case, digits, other characters).
pub fn check_password(password: &str, min_length: usize, min_classes: usize) -> Result<(), String> {
    let len = password.chars().count();
    if len < min_length {
        return Err(format!("密码至少 {min_length} 个字符"));
    }
    if len > 256 {
        return Err("密码不能超过 256 个字符".into());
    }
    let classes = [
        password.chars().any(|c| c.is_ascii_lowercase()),
        password.chars().any(|c| c.is_ascii_uppercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_ascii_alphanumeric()),
    ]
    .iter()
    .filter(|b| **b)
    .count();
    if classes < min_classes {
        return Err(format!("密码须包含大写字母、小写字母、数字、其他符号中的至少 {min_classes} 类"));
    }
    Ok(())
}

impl ScopeKind {
    pub const ALL: &'static [ScopeKind] = &[
        ScopeKind::All,
        ScopeKind::Custom,
        ScopeKind::OwnUnit,
        ScopeKind::OwnUnitAndBelow,
        ScopeKind::SelfOnly,
        ScopeKind::OwnUnitAndBelowOrSelf,
        ScopeKind::InCharge,
    ];
    pub fn key(self) -> &'static str {
        match self {
            ScopeKind::All => "all",
            ScopeKind::Custom => "custom",
            ScopeKind::OwnUnit => "own_unit",
            ScopeKind::OwnUnitAndBelow => "own_unit_and_below",
            ScopeKind::SelfOnly => "self_only",
            ScopeKind::OwnUnitAndBelowOrSelf => "own_unit_and_below_or_self",
            ScopeKind::InCharge => "in_charge",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.key() == s || k.label() == s)
    }
}

#[cfg(test)]
mod password_tests {
    use super::check_password;

    #[test]
    fn policy_counts_length_and_classes() {
        assert!(check_password("Abcdef1!", 8, 3).is_ok());
        assert!(check_password("abcdefg1", 8, 3).is_err());
        assert!(check_password("Ab1!", 8, 3).unwrap_err().contains("至少 8"));
        assert!(check_password("abcdefgh", 8, 1).is_ok());
    }
}
