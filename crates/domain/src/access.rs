//! Roles, permissions (`module:action`) and data-scope kinds, as RuoYi users know them.

use serde::{Deserialize, Serialize};

/// Declares [`Permission`]: one variant per `module:action` key, with its Chinese label.
macro_rules! permissions {
    ($($variant:ident = ($key:literal, $label:literal)),+ $(,)?) => {
        /// Every permission the server checks. A route names exactly one; a typo does not compile.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Permission { $($variant),+ }

        impl Permission {
            pub const ALL: &'static [Permission] = &[$(Permission::$variant),+];
            /// The `module:action` key, as stored in custom roles and sent by the API.
            pub fn key(self) -> &'static str { match self { $(Permission::$variant => $key),+ } }
            pub fn label(self) -> &'static str { match self { $(Permission::$variant => $label),+ } }
            pub fn parse(key: &str) -> Option<Permission> { match key { $($key => Some(Permission::$variant),)+ _ => None } }
        }
    };
}

permissions!(
    UnitRead = ("unit:read", "查看单位"),
    UnitWrite = ("unit:write", "新增、修改单位"),
    UnitImport = ("unit:import", "导入单位"),
    UnitExport = ("unit:export", "导出单位"),
    PersonRead = ("person:read", "查看人员"),
    PersonWrite = ("person:write", "新增、修改人员"),
    PersonImport = ("person:import", "导入人员"),
    PersonExport = ("person:export", "导出人员"),
    AccountRead = ("account:read", "查看账号"),
    AccountWrite = ("account:write", "管理账号"),
    AuditRead = ("audit:read", "查看操作日志和登录日志"),
    ResponsibilityRead = ("responsibility:read", "查看责任清单"),
    ResponsibilityWrite = ("responsibility:write", "编制责任清单、维护责任事项模板、登记责任书"),
    ResponsibilityExport = ("responsibility:export", "导出责任清单"),
    PlanRead = ("plan:read", "查看工作要点和任务"),
    PlanWrite = ("plan:write", "部署工作要点、分解任务、报告进展"),
    TaskImport = ("task:import", "导入任务分解表"),
    TaskExport = ("task:export", "导出任务分解表"),
    LedgerRead = ("ledger:read", "查看履职台账"),
    LedgerWrite = ("ledger:write", "登记履职台账"),
    LedgerExport = ("ledger:export", "导出履职台账"),
    FulfilmentRead = ("fulfilment:read", "查看落实情况"),
    FindingRead = ("finding:read", "查看问题清单和整改情况"),
    FindingWrite = ("finding:write", "登记问题（含自查）、反馈问题"),
    FindingSignOff = ("finding:sign_off", "验收销号、退回、回头看（仅纪检监察组）"),
    FindingImport = ("finding:import", "导入问题清单"),
    FindingExport = ("finding:export", "导出整改台账"),
    RectificationWrite = ("rectification:write", "制定整改措施、报告整改进展、申请销号"),
    CampaignRead = ("campaign:read", "查看专项整治"),
    CampaignWrite = ("campaign:write", "部署专项整治"),
    RoleRead = ("role:read", "查看角色"),
    RoleWrite = ("role:write", "定义角色"),
    SettingWrite = ("setting:write", "查看和修改参数设置"),
    DictWrite = ("dict:write", "维护字典（职级、职务、台账类型名称、问题类别顺序）"),
    WarningCaseRead = ("warning_case:read", "查看典型案例"),
    WarningCaseWrite = ("warning_case:write", "维护典型案例库"),
    PartyBranchWrite = ("party_branch:write", "管理党支部的党员和支委"),
    RiskRead = ("risk:read", "查看廉政风险防控台账"),
    RiskWrite = ("risk:write", "申报、修改本单位廉政风险点，导入风险点"),
    RiskReview = ("risk:review", "审核廉政风险点（确认、退回）、提升风险等级（纪检监察组）"),
    TalkWrite = ("talk:write", "登记谈心谈话、廉政谈话"),
    DecisionRead = ("decision:read", "查看三重一大决策会议记录和大额资金、人事任免台账"),
    DecisionWrite = ("decision:write", "登记三重一大决策会议，维护大额资金和人事任免台账（办公室）"),
    DecisionConvert = ("decision:convert", "将三重一大检查未通过的事项转为问题（纪检监察组）"),
    PersonalReportFile =
        ("personal_report:file", "填报本人的个人有关事项和婚丧喜庆报告；领导看到本单位婚丧喜庆的报告情况（不含内容）"),
    PersonalReportReview = ("personal_report:review", "查阅、核查个人有关事项和婚丧喜庆报告，代为登记（纪检监察组）"),
    MatterRead = ("major_matter:read", "查看重大事项请示报告"),
    MatterWrite = ("major_matter:write", "登记重大事项请示报告、登记上级批复"),
    DisciplineRead = ("discipline:read", "查阅运用“四种形态”和党纪政务处分记录（纪检监察组）"),
    DisciplineWrite = ("discipline:write", "登记运用“四种形态”和党纪政务处分（纪检监察组）"),
    FourWindsRead = ("report:four_winds", "查看“四风”问题月报"),
    MetricsRead = ("metrics:read", "读取运行指标（供 Prometheus 采集，使用接口令牌）"),
    VehicleRead = ("vehicle:read", "查看公务用车和出车登记"),
    VehicleWrite = ("vehicle:write", "登记公务用车、出车登记（派车单），导入出车记录（办公室）"),
    VehicleConvert = ("vehicle:convert", "将出车检查未通过的事项转为问题（纪检监察组）"),
    BudgetRead = ("budget:read", "查看三公经费预算执行情况"),
    BudgetWrite = ("budget:write", "录入三公经费预算，导入财务支出明细（办公室、财务）"),
    SupervisionRead = ("supervision:read", "查看决策部署落实情况和督办事项（政治监督、督查督办）"),
    ImplementationWrite = ("implementation:write", "录入上级决策部署、将三重一大议题分解落实"),
    SupervisionWrite = ("supervision:write", "开具督办、办结督办（纪检监察组）"),
    SupervisionReply = ("supervision:reply", "反馈督办事项的落实情况（督办对象）"),
    ReceptionRead = ("reception:read", "查看公务接待台账和检查结果"),
    ReceptionWrite = ("reception:write", "登记、导入本单位公务接待（办公室）"),
    ReceptionConvert = ("reception:convert", "将公务接待检查未通过的事项转为问题（纪检监察组）"),
    AssessmentRead =
        ("assessment:read", "查看已发布的考核结果（数据范围内的单位和班子成员；纪检监察组另可查看未发布的）"),
    AssessmentManage =
        ("assessment:manage", "组织考核：创建考核、计算、加减分、发布，录入或导入业务考核得分（县委办考核人员）"),
    PetitionRead = ("petition:read", "查阅信访举报和问题线索（纪检监察组，不含举报人身份）"),
    PetitionWrite = ("petition:write", "登记、受理信访举报，处置、合并问题线索，导入导出线索登记表（纪检监察组）"),
    ReporterIdentity = (
        "petition:reporter",
        "查看举报人姓名和联系方式（每次查看记入操作日志；默认不授予任何内置角色，须单独授权纪检监察组组长）"
    ),
    IntegrityRead = ("integrity:read", "查阅干部廉政档案（纪检监察组、组织人事部门；本人可查阅自己的档案）"),
    IntegrityReply = ("integrity:reply", "起草、签发党风廉政意见回复（纪检监察组）"),
    AnnualReport = ("report:annual", "生成落实党风廉政建设主体责任年度报告"),
);

impl serde::Serialize for Permission {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.key())
    }
}

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
    /// 所任书记的党支部: the branches the holder leads (书记, 副书记), their members wherever
    /// they sit, and the holder's own records
    PartyBranch,
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
            ScopeKind::PartyBranch => "所任书记的党支部",
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
    pub permissions: &'static [Permission],
}

/// Leaders deploy and break down work for the units they answer for, and keep their ledgers;
/// `$extra` are the permissions one kind of leader holds on top.
macro_rules! lead {
    ($($extra:ident),*) => {
        &[
    Permission::UnitRead,
    Permission::PersonRead,
    Permission::UnitExport,
    Permission::PersonExport,
    Permission::ResponsibilityRead,
    Permission::ResponsibilityExport,
    Permission::PlanRead,
    Permission::PlanWrite,
    Permission::TaskImport,
    Permission::TaskExport,
    Permission::LedgerRead,
    Permission::LedgerWrite,
    Permission::LedgerExport,
    Permission::FulfilmentRead,
    Permission::FindingRead,
    Permission::FindingWrite,
    Permission::FindingExport,
    Permission::RectificationWrite,
    Permission::CampaignRead,
    Permission::WarningCaseRead,
            Permission::RiskRead,
            Permission::TalkWrite,
            Permission::PersonalReportFile,
            Permission::MatterRead,
            Permission::FourWindsRead,
            Permission::SupervisionRead,
            Permission::SupervisionReply,
            Permission::AssessmentRead,
            $(Permission::$extra,)*
        ]
    };
}

/// 分管领导: reads the risk register and the collective decisions of the units in charge.
const LEAD: &[Permission] = lead!(DecisionRead, VehicleRead, BudgetRead, ReceptionRead);
/// 主要负责人: also proposes the unit's risk points and keeps its 三重一大 records (the office
/// records them under the principal's responsibility).
const PRINCIPAL: &[Permission] = lead!(
    RiskWrite,
    DecisionRead,
    DecisionWrite,
    MatterWrite,
    VehicleRead,
    VehicleWrite,
    BudgetRead,
    BudgetWrite,
    ImplementationWrite,
    ReceptionRead,
    ReceptionWrite,
    AnnualReport
);

/// The discipline-inspection group reads everything in its remit and edits nothing of others.
const SUPERVISE: &[Permission] = &[
    Permission::UnitRead,
    Permission::PersonRead,
    Permission::UnitExport,
    Permission::PersonExport,
    Permission::AuditRead,
    Permission::ResponsibilityRead,
    Permission::ResponsibilityExport,
    Permission::PlanRead,
    Permission::TaskExport,
    Permission::LedgerRead,
    Permission::LedgerExport,
    Permission::FulfilmentRead,
    Permission::FindingRead,
    Permission::FindingWrite,
    Permission::FindingSignOff,
    Permission::FindingImport,
    Permission::FindingExport,
    Permission::CampaignRead,
    Permission::CampaignWrite,
    Permission::WarningCaseRead,
    Permission::WarningCaseWrite,
    Permission::RiskRead,
    Permission::RiskReview,
    Permission::TalkWrite,
    Permission::DecisionRead,
    Permission::DecisionConvert,
    Permission::VehicleRead,
    Permission::VehicleConvert,
    Permission::BudgetRead,
    Permission::PersonalReportFile,
    Permission::PersonalReportReview,
    Permission::MatterRead,
    Permission::DisciplineRead,
    Permission::DisciplineWrite,
    Permission::FourWindsRead,
    Permission::SupervisionRead,
    Permission::SupervisionWrite,
    Permission::ReceptionRead,
    Permission::ReceptionConvert,
    Permission::AssessmentRead,
    Permission::PetitionRead,
    Permission::PetitionWrite,
    Permission::IntegrityRead,
    Permission::IntegrityReply,
];

const BRANCH: &[Permission] = &[
    Permission::UnitRead,
    Permission::PersonRead,
    Permission::PartyBranchWrite,
    Permission::ResponsibilityRead,
    Permission::PlanRead,
    Permission::LedgerRead,
    Permission::LedgerWrite,
    Permission::FulfilmentRead,
    Permission::FindingRead,
    Permission::RectificationWrite,
    Permission::WarningCaseRead,
    Permission::RiskRead,
    Permission::TalkWrite,
    Permission::PersonalReportFile,
    Permission::SupervisionRead,
    Permission::SupervisionReply,
];

/// A cadre's permissions; `$extra` are those a kind of staff holds on top.
macro_rules! staff {
    ($($extra:ident),*) => {
        &[
            Permission::UnitRead,
            Permission::PersonRead,
            Permission::ResponsibilityRead,
            Permission::PlanRead,
            Permission::LedgerRead,
            Permission::LedgerWrite,
            Permission::FulfilmentRead,
            Permission::FindingRead,
            Permission::RectificationWrite,
            Permission::WarningCaseRead,
            Permission::RiskRead,
            Permission::TalkWrite,
            Permission::PersonalReportFile,
            Permission::SupervisionRead,
            Permission::SupervisionReply,
            $(Permission::$extra,)*
        ]
    };
}

const MEMBER: &[Permission] = staff!();

/// 办公室文秘: a cadre who also records the unit's collective-decision meetings, keeps the
/// register of large spending and appointments, the vehicles' trip log, the 三公经费 and the
/// unit's 公务接待, and records the decisions to implement (督查督办).
const CLERK: &[Permission] = staff!(
    DecisionRead,
    DecisionWrite,
    VehicleRead,
    VehicleWrite,
    BudgetRead,
    BudgetWrite,
    ImplementationWrite,
    ReceptionRead,
    ReceptionWrite,
    AnnualReport
);

pub const BUILTIN_ROLES: &[BuiltinRole] = &[
    BuiltinRole { key: "admin", name: "系统管理员", scope: ScopeKind::All, permissions: Permission::ALL },
    BuiltinRole { key: "supervisor", name: "纪检监察组", scope: ScopeKind::All, permissions: SUPERVISE },
    BuiltinRole {
        key: "principal", name: "主要负责人", scope: ScopeKind::OwnUnitAndBelow, permissions: PRINCIPAL
    },
    BuiltinRole { key: "leader", name: "分管领导", scope: ScopeKind::InCharge, permissions: LEAD },
    BuiltinRole { key: "branch_secretary", name: "支部书记", scope: ScopeKind::PartyBranch, permissions: BRANCH },
    BuiltinRole { key: "member", name: "一般干部", scope: ScopeKind::SelfOnly, permissions: MEMBER },
    BuiltinRole { key: "office_clerk", name: "办公室文秘", scope: ScopeKind::OwnUnitAndBelow, permissions: CLERK },
];

pub fn builtin_role(key: &str) -> Option<&'static BuiltinRole> {
    BUILTIN_ROLES.iter().find(|r| r.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_permission_key_parses_back() {
        for p in Permission::ALL {
            assert_eq!(Permission::parse(p.key()), Some(*p));
            assert!(p.key().contains(':') && !p.label().is_empty(), "{p:?}");
        }
        assert_eq!(Permission::parse("finding:sign_off"), Some(Permission::FindingSignOff));
        assert_eq!(Permission::parse("finding:signoff"), None);
    }

    #[test]
    fn admin_grants_all_member_grants_little() {
        let admin = builtin_role("admin").unwrap();
        assert_eq!(admin.permissions, Permission::ALL);
        let member = builtin_role("member").unwrap();
        assert!(!member.permissions.contains(&Permission::PersonWrite));
        assert!(member.permissions.contains(&Permission::PersonRead));
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
        ScopeKind::PartyBranch,
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
            ScopeKind::PartyBranch => "party_branch",
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
