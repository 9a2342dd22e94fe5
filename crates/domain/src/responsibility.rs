//! The responsibility catalog (责任清单模板): the duties that 党风廉政建设主体责任 places on a
//! leadership group, its principal, its leadership members, party branches and the dispatched
//! discipline-inspection group, each with how often it must be done, which kinds of ledger entry
//! (台账记录) can fulfil it, and the regulation it comes from (see `RULES.md`).
//!
//! The counts of the rows taken from `RULES.md` (R-RES-*, R-BR-*) are fixed by the regulation;
//! the counts of the derived duties (`DUTY-*`: 四个亲自, 一岗双责, the group's supervision) are
//! local defaults, marked `locally_set`, which an organisation may change in its own list.

use serde::{Deserialize, Serialize};

use crate::dict::ResponsibilityRole;
use crate::text::{check_required, trim_all};
use crate::FieldErrors;

/// Defines an enum with a stable English `key()` (stored, used in the API), the Chinese `label()`
/// users see, `from_key()`, `from_label()`, `parse()` (either) and `ALL` in declaration order.
/// Unlike `dict`'s dictionaries, the derives are the caller's, so an enum may also be ordered.
macro_rules! keyed_enum {
    ($(#[$meta:meta])* $vis:vis enum $name:ident {
        $($(#[$vmeta:meta])* $variant:ident = ($key:literal, $label:literal)),+ $(,)?
    }) => {
        $(#[$meta])*
        $vis enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn key(self) -> &'static str { match self { $($name::$variant => $key),+ } }
            pub fn label(self) -> &'static str { match self { $($name::$variant => $label),+ } }
            pub fn from_key(s: &str) -> Option<Self> { match s { $($key => Some($name::$variant),)+ _ => None } }
            pub fn from_label(s: &str) -> Option<Self> { match s { $($label => Some($name::$variant),)+ _ => None } }
            /// Accepts either the key or the Chinese label (surrounding spaces ignored).
            pub fn parse(s: &str) -> Option<Self> {
                let s = crate::text::trim_all(s);
                Self::from_key(s).or_else(|| Self::from_label(s))
            }
            /// "a、b、c": the allowed labels, for error messages.
            pub fn label_list() -> String { Self::ALL.iter().map(|v| v.label()).collect::<Vec<_>>().join("、") }
        }
    };
}
pub(crate) use keyed_enum;

keyed_enum!(
    /// How often a duty must be done. Periods are calendar periods of the year.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Period {
        Year = ("year", "每年"),
        HalfYear = ("half_year", "每半年"),
        Quarter = ("quarter", "每季度"),
        Month = ("month", "每月"),
    }
);

impl Period {
    /// Number of calendar months in one period.
    pub fn months(self) -> u32 {
        match self {
            Period::Year => 12,
            Period::HalfYear => 6,
            Period::Quarter => 3,
            Period::Month => 1,
        }
    }

    /// Number of periods in a year.
    pub fn per_year(self) -> u32 {
        12 / self.months()
    }

    /// The name of the period with the given 1-based index, e.g. "上半年", "第三季度", "5月".
    pub fn window_label(self, index: u32) -> String {
        const CN: [&str; 4] = ["一", "二", "三", "四"];
        match self {
            Period::Year => "全年".to_string(),
            Period::HalfYear if index == 1 => "上半年".to_string(),
            Period::HalfYear => "下半年".to_string(),
            Period::Quarter => format!("第{}季度", CN.get(index.saturating_sub(1) as usize).unwrap_or(&"?")),
            Period::Month => format!("{index}月"),
        }
    }
}

keyed_enum!(
    /// Who owns a responsibility item.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum OwnerRole {
        /// 领导班子: unit-level, the organ's leadership group (党组/党委 of the unit).
        LeadershipGroup = ("leadership_group", "领导班子"),
        /// 主要负责人 (第一责任人).
        Principal = ("principal", "主要负责人"),
        /// 班子成员 (一岗双责 for the divisions in their charge).
        LeadershipMember = ("leadership_member", "班子成员"),
        /// 党支部: unit-level, a branch unit.
        Branch = ("branch", "党支部"),
        /// 支部书记.
        BranchSecretary = ("branch_secretary", "支部书记"),
        /// 纪检监察组: unit-level, the dispatched unit.
        DisciplineGroup = ("discipline_group", "纪检监察组"),
        /// 内设机构负责人: 一岗双责 within a division; assigned by [`person_level`], not by a role.
        DivisionHead = ("division_head", "内设机构负责人"),
        /// 一般干部: every serving cadre's own duties; assigned by [`person_level`].
        Cadre = ("cadre", "一般干部"),
    }
);

impl OwnerRole {
    /// Whether the item belongs to a unit (its records are the unit's) rather than to a person.
    pub fn is_unit_level(self) -> bool {
        matches!(self, OwnerRole::LeadershipGroup | OwnerRole::Branch | OwnerRole::DisciplineGroup)
    }

    /// The kind of unit that owns a unit-level item.
    pub fn unit_kind(self) -> Option<crate::dict::UnitKind> {
        use crate::dict::UnitKind;
        match self {
            OwnerRole::LeadershipGroup => Some(UnitKind::Organ),
            OwnerRole::Branch => Some(UnitKind::Branch),
            OwnerRole::DisciplineGroup => Some(UnitKind::Dispatched),
            _ => None,
        }
    }

    /// The person role that owns a person-level item.
    pub fn person_role(self) -> Option<ResponsibilityRole> {
        match self {
            OwnerRole::Principal => Some(ResponsibilityRole::Principal),
            OwnerRole::LeadershipMember => Some(ResponsibilityRole::LeadershipMember),
            OwnerRole::BranchSecretary => Some(ResponsibilityRole::BranchSecretary),
            _ => None,
        }
    }
}

keyed_enum!(
    /// Kinds of duty-ledger entries (履职台账记录的类型). One entry may be credited to several items.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum EntryKind {
        Meeting = ("meeting", "会议研究"),
        Study = ("study", "专题学习"),
        Talk = ("talk", "谈心谈话"),
        Inspection = ("inspection", "监督检查"),
        Survey = ("survey", "调研督导"),
        Report = ("report", "报告"),
        WarningEducation = ("warning_education", "警示教育"),
        Reminder = ("reminder", "约谈提醒"),
        PartyLecture = ("party_lecture", "党课"),
        Other = ("other", "其他"),
    }
);

keyed_enum!(
    /// 会议类型: what kind of meeting a 会议研究 entry records. Branch meetings (三会一课,
    /// 组织生活会) and the leadership group's special meeting are duties of their own, so a
    /// meeting counts only toward the items its type satisfies ([`MeetingType::satisfies`]).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum MeetingType {
        PartyCongress = ("party_congress", "党员大会"),
        BranchCommittee = ("branch_committee", "支委会"),
        PartyGroup = ("party_group", "党小组会"),
        OrganizationalLife = ("organizational_life", "组织生活会"),
        Leadership = ("leadership", "班子会议"),
        Special = ("special", "专题会议"),
        Division = ("division", "科室会议"),
        Other = ("other", "其他会议"),
    }
);

/// Items that only a meeting of certain types fulfils, by item code, with the `RULES.md` row
/// that names the meeting. Every other item accepting 会议研究 takes a meeting of any type.
pub const MEETING_RULES: &[(&str, &[MeetingType])] = &[
    // R-RES-1: the leadership group's special meeting (专题会议) on 全面从严治党
    ("R-RES-1", &[MeetingType::Special]),
    // R-BR-1: 党员大会, 支部工作条例 Art. 11
    ("R-BR-1", &[MeetingType::PartyCongress]),
    // R-BR-2: 支委会, Art. 12
    ("R-BR-2", &[MeetingType::BranchCommittee]),
    // R-BR-3: 党小组会, Art. 13
    ("R-BR-3", &[MeetingType::PartyGroup]),
    // R-BR-4: 组织生活会, Art. 17
    ("R-BR-4", &[MeetingType::OrganizationalLife]),
    // R-RES-3 as a division head's duty: deployed at a division meeting (or a special one)
    ("DUTY-HEAD-1", &[MeetingType::Division, MeetingType::Special]),
];

impl MeetingType {
    /// Whether a meeting of this type fulfils the item with `code` (given that the item accepts
    /// 会议研究 at all).
    pub fn satisfies(self, code: &str) -> bool {
        MEETING_RULES.iter().find(|(c, _)| *c == code).is_none_or(|(_, types)| types.contains(&self))
    }

    /// The codes of the items this meeting type does not fulfil.
    pub fn excluded_codes(self) -> Vec<&'static str> {
        MEETING_RULES.iter().filter(|(_, types)| !types.contains(&self)).map(|(c, _)| *c).collect()
    }
}

/// How many times a duty must be done in each period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Requirement {
    pub count: u32,
    pub per: Period,
}

impl Requirement {
    pub const fn new(count: u32, per: Period) -> Self {
        Requirement { count, per }
    }

    /// "每半年至少1次".
    pub fn label(self) -> String {
        format!("{}至少{}次", self.per.label(), self.count)
    }
}

/// A built-in responsibility item: the template from which an organisation's list is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ItemTemplate {
    /// Unique and stable: the `RULES.md` id for a row taken as is ("R-BR-2"), or "DUTY-…" for a
    /// duty derived from a row ("DUTY-PRINCIPAL-1" from R-RES-2).
    pub code: &'static str,
    /// The `RULES.md` row this item comes from ("R-RES-2"); empty for the discipline-inspection
    /// group's supervisory duties, which `RULES.md` does not list yet.
    pub rule: &'static str,
    pub text: &'static str,
    pub owner: OwnerRole,
    pub requirement: Requirement,
    /// The kinds of ledger entry that can fulfil the item; never empty.
    pub kinds: &'static [EntryKind],
    /// Regulation and, where confirmed, article, shown with every check. An unconfirmed article is
    /// left out (RULES.md): the regulation's title and year alone, with no remark that it is missing.
    pub source: &'static str,
    /// The count is a local default (a setting), not a number fixed by the regulation.
    pub locally_set: bool,
}

impl ItemTemplate {
    /// The built-in template with this code.
    pub fn find(code: &str) -> Option<&'static ItemTemplate> {
        BUILTIN_TEMPLATES.iter().find(|t| t.code == code)
    }

    /// The built-in templates owned by `owner`, in catalog order.
    pub fn for_owner(owner: OwnerRole) -> impl Iterator<Item = &'static ItemTemplate> {
        BUILTIN_TEMPLATES.iter().filter(move |t| t.owner == owner)
    }

    /// Whether a ledger entry of this kind can be credited to the item.
    pub fn accepts(&self, kind: EntryKind) -> bool {
        self.kinds.contains(&kind)
    }
}

const RES_2020: &str = "《党委（党组）落实全面从严治党主体责任规定》（2020）";
const SUPERVISION_2016: &str = "《中国共产党党内监督条例》（2016）";
const DISPATCHED_2022: &str = "《纪检监察机关派驻机构工作规则》（2022）";
const BRANCH_2018_ART_11: &str = "《中国共产党支部工作条例（试行）》（2018）第十一条";
const BRANCH_2018_ART_12: &str = "《中国共产党支部工作条例（试行）》（2018）第十二条";
const BRANCH_2018_ART_13: &str = "《中国共产党支部工作条例（试行）》（2018）第十三条";
const BRANCH_2018_ART_17: &str = "《中国共产党支部工作条例（试行）》（2018）第十七条";
const CADRE_EDUCATION_2019: &str = "《中国共产党党员教育管理工作条例》（2019）";
const BRANCH_2018: &str = "《中国共产党支部工作条例（试行）》（2018）";

use EntryKind as K;
use OwnerRole as O;
use Period as P;

/// The built-in catalog, in the order lists show it: the leadership group, the principal, the
/// leadership members, branches, branch secretaries, the discipline-inspection group.
pub const BUILTIN_TEMPLATES: &[ItemTemplate] = &[
    // —— 领导班子 ——
    ItemTemplate {
        code: "R-RES-1",
        rule: "R-RES-1",
        text: "领导班子每半年至少召开一次专题会议，研究部署全面从严治党、党风廉政建设工作",
        owner: O::LeadershipGroup,
        requirement: Requirement::new(1, P::HalfYear),
        kinds: &[K::Meeting],
        source: RES_2020,
        locally_set: false,
    },
    ItemTemplate {
        code: "R-RES-4",
        rule: "R-RES-4",
        // The deadline (default 01-31 of the following year) is a setting applied outside the
        // period windows: the item here counts the report filed within the calendar year.
        text: "每年向上级党委（党组）报告履行全面从严治党主体责任情况",
        owner: O::LeadershipGroup,
        requirement: Requirement::new(1, P::Year),
        kinds: &[K::Report],
        source: RES_2020,
        locally_set: false,
    },
    // —— 主要负责人：四个亲自 ——
    ItemTemplate {
        code: "DUTY-PRINCIPAL-1",
        rule: "R-RES-2",
        text: "重要工作亲自部署：主持召开会议，亲自部署党风廉政建设重要工作",
        owner: O::Principal,
        requirement: Requirement::new(1, P::HalfYear),
        kinds: &[K::Meeting],
        source: RES_2020,
        locally_set: true,
    },
    ItemTemplate {
        code: "DUTY-PRINCIPAL-2",
        rule: "R-RES-2",
        text: "重大问题亲自过问：听取汇报、调研督导或约谈提醒，亲自过问党风廉政建设重大问题",
        owner: O::Principal,
        requirement: Requirement::new(1, P::HalfYear),
        kinds: &[K::Meeting, K::Report, K::Survey, K::Reminder],
        source: RES_2020,
        locally_set: true,
    },
    ItemTemplate {
        code: "DUTY-PRINCIPAL-3",
        rule: "R-RES-2",
        text: "重点环节亲自协调：亲自协调解决党风廉政建设重点环节中的难点问题",
        owner: O::Principal,
        requirement: Requirement::new(1, P::Year),
        kinds: &[K::Meeting, K::Survey, K::Inspection],
        source: RES_2020,
        locally_set: true,
    },
    ItemTemplate {
        code: "DUTY-PRINCIPAL-4",
        rule: "R-RES-2",
        text: "重要案件亲自督办：亲自督办重要案件、重要问题线索的查处和整改",
        owner: O::Principal,
        requirement: Requirement::new(1, P::Year),
        kinds: &[K::Inspection, K::Reminder, K::Meeting],
        source: RES_2020,
        locally_set: true,
    },
    ItemTemplate {
        code: "DUTY-PRINCIPAL-5",
        rule: "R-RES-5",
        text: "主要负责人每年述职述廉",
        owner: O::Principal,
        requirement: Requirement::new(1, P::Year),
        kinds: &[K::Report],
        source: SUPERVISION_2016,
        locally_set: false,
    },
    // —— 班子成员：一岗双责 ——
    ItemTemplate {
        code: "DUTY-MEMBER-1",
        rule: "R-RES-3",
        text: "每半年听取分管部门党风廉政建设情况汇报",
        owner: O::LeadershipMember,
        requirement: Requirement::new(1, P::HalfYear),
        kinds: &[K::Meeting, K::Report],
        source: RES_2020,
        locally_set: true,
    },
    ItemTemplate {
        code: "DUTY-MEMBER-2",
        rule: "R-RES-3",
        text: "每年对分管部门负责人开展廉政谈话",
        owner: O::LeadershipMember,
        requirement: Requirement::new(1, P::Year),
        kinds: &[K::Talk],
        source: RES_2020,
        locally_set: true,
    },
    ItemTemplate {
        code: "DUTY-MEMBER-3",
        rule: "R-RES-3",
        text: "每年到分管部门调研督导党风廉政建设工作",
        owner: O::LeadershipMember,
        requirement: Requirement::new(1, P::Year),
        kinds: &[K::Survey],
        source: RES_2020,
        locally_set: true,
    },
    ItemTemplate {
        code: "R-RES-5",
        rule: "R-RES-5",
        text: "班子成员每年述职述廉",
        owner: O::LeadershipMember,
        requirement: Requirement::new(1, P::Year),
        kinds: &[K::Report],
        source: SUPERVISION_2016,
        locally_set: false,
    },
    // —— 党支部：三会一课、组织生活会 ——
    ItemTemplate {
        code: "R-BR-1",
        rule: "R-BR-1",
        text: "党支部每季度至少召开一次党员大会",
        owner: O::Branch,
        requirement: Requirement::new(1, P::Quarter),
        kinds: &[K::Meeting],
        source: BRANCH_2018_ART_11,
        locally_set: false,
    },
    ItemTemplate {
        code: "R-BR-2",
        rule: "R-BR-2",
        text: "支部委员会每月至少召开一次会议",
        owner: O::Branch,
        requirement: Requirement::new(1, P::Month),
        kinds: &[K::Meeting],
        source: BRANCH_2018_ART_12,
        locally_set: false,
    },
    ItemTemplate {
        code: "R-BR-3",
        rule: "R-BR-3",
        text: "党小组每月至少召开一次党小组会",
        owner: O::Branch,
        requirement: Requirement::new(1, P::Month),
        kinds: &[K::Meeting, K::Study],
        source: BRANCH_2018_ART_13,
        locally_set: false,
    },
    ItemTemplate {
        code: "R-BR-4",
        rule: "R-BR-4",
        text: "党支部每年至少召开一次组织生活会",
        owner: O::Branch,
        requirement: Requirement::new(1, P::Year),
        kinds: &[K::Meeting],
        source: BRANCH_2018_ART_17,
        locally_set: false,
    },
    // —— 支部书记 ——
    // R-BR-5 asks for a talk between every pair (支委–支委, 支委–党员, 党员–党员). A count per
    // item cannot express pairs, so this item is the simpler per-person form: the secretary talks
    // with each committee member and member once a year, checked as one talk a year here. The
    // pairwise check (who has talked with whom) is a later refinement over the talk records.
    ItemTemplate {
        code: "R-BR-5",
        rule: "R-BR-5",
        text: "支部书记每年与每名支部委员、党员谈心谈话",
        owner: O::BranchSecretary,
        requirement: Requirement::new(1, P::Year),
        kinds: &[K::Talk],
        source: BRANCH_2018,
        locally_set: false,
    },
    ItemTemplate {
        code: "R-BR-6",
        rule: "R-BR-6",
        text: "支部书记每年至少讲一次党课",
        owner: O::BranchSecretary,
        requirement: Requirement::new(1, P::Year),
        kinds: &[K::PartyLecture],
        source: BRANCH_2018,
        locally_set: false,
    },
    // —— 派驻纪检监察组：监督责任 ——
    ItemTemplate {
        code: "DUTY-DISC-1",
        rule: "",
        text: "每季度对驻在单位落实主体责任情况开展监督检查",
        owner: O::DisciplineGroup,
        requirement: Requirement::new(1, P::Quarter),
        kinds: &[K::Inspection],
        source: DISPATCHED_2022,
        locally_set: true,
    },
    ItemTemplate {
        code: "DUTY-DISC-2",
        rule: "",
        text: "每半年对驻在单位领导班子成员开展约谈提醒",
        owner: O::DisciplineGroup,
        requirement: Requirement::new(1, P::HalfYear),
        kinds: &[K::Reminder, K::Talk],
        source: DISPATCHED_2022,
        locally_set: true,
    },
    // —— 内设机构负责人 (一岗双责 within the division) ——
    ItemTemplate {
        code: "DUTY-HEAD-1",
        rule: "R-RES-3",
        text: "每季度在科室（部门）会议上研究部署党风廉政建设工作",
        owner: O::DivisionHead,
        requirement: Requirement::new(1, P::Quarter),
        kinds: &[K::Meeting],
        source: RES_2020,
        locally_set: true,
    },
    ItemTemplate {
        code: "DUTY-HEAD-2",
        rule: "R-RES-3",
        text: "每半年与本科室（部门）干部开展谈心谈话",
        owner: O::DivisionHead,
        requirement: Requirement::new(1, P::HalfYear),
        kinds: &[K::Talk, K::Reminder],
        source: RES_2020,
        locally_set: true,
    },
    // —— 一般干部 ——
    ItemTemplate {
        code: "DUTY-CADRE-1",
        rule: "",
        text: "每季度参加廉政专题学习",
        owner: O::Cadre,
        requirement: Requirement::new(1, P::Quarter),
        kinds: &[K::Study, K::PartyLecture],
        source: CADRE_EDUCATION_2019,
        locally_set: true,
    },
    ItemTemplate {
        code: "DUTY-CADRE-2",
        rule: "",
        text: "每年参加警示教育",
        owner: O::Cadre,
        requirement: Requirement::new(1, P::Year),
        kinds: &[K::WarningEducation],
        source: CADRE_EDUCATION_2019,
        locally_set: true,
    },
];

keyed_enum!(
    /// A person's level in the responsibility chain, for the 上热中温下冷 indicator.
    /// Ordered from the top: `Leadership < Middle < Staff`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Level {
        /// 班子成员, including the 主要负责人.
        Leadership = ("leadership", "班子成员"),
        /// 内设机构负责人 (and branch secretaries): the middle of the chain.
        Middle = ("middle", "内设机构负责人"),
        /// 一般干部.
        Staff = ("staff", "一般干部"),
    }
);

/// Words in a title that make a person a 内设机构负责人 (each also matches its 副 form).
const MIDDLE_TITLE_WORDS: &[&str] = &["主任", "科长", "处长", "组长", "书记"];

/// Titles that contain one of `MIDDLE_TITLE_WORDS` without being a post that leads a division:
/// 主任科员 is a 职级 (一级主任科员, 四级主任科员, 副主任科员), 书记员 a clerk, and the leader of a
/// 党小组 is a staff member.
const NOT_MIDDLE_TITLE_WORDS: &[&str] = &["主任科员", "书记员", "党小组组长", "党小组长"];

/// The level of a person: roles first (主要负责人 and 班子成员 are leadership; a 支部书记 is
/// middle), then the title (主任, 科长, 处长, 组长, 书记, including 副…, make a person middle;
/// 主任科员 and the like do not; text in brackets such as "（原科长）" is ignored), else staff.
pub fn person_level(roles: &[ResponsibilityRole], title: &str) -> Level {
    if roles.iter().any(|r| matches!(r, ResponsibilityRole::Principal | ResponsibilityRole::LeadershipMember)) {
        return Level::Leadership;
    }
    if roles.contains(&ResponsibilityRole::BranchSecretary) || is_middle_title(title) {
        Level::Middle
    } else {
        Level::Staff
    }
}

fn is_middle_title(title: &str) -> bool {
    let mut t = without_brackets(title);
    for w in NOT_MIDDLE_TITLE_WORDS {
        t = t.replace(w, "、");
    }
    MIDDLE_TITLE_WORDS.iter().any(|w| t.contains(w))
}

/// The title without bracketed notes: "退休干部（原科长）" → "退休干部".
fn without_brackets(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut depth = 0u32;
    for c in s.chars() {
        match c {
            '（' | '(' | '【' | '[' => depth += 1,
            '）' | ')' | '】' | ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

// ------------------------------------------------------------------ catalog templates as entered

/// A catalog template (1+X: the built-in items and an office's own) as entered in a form or the API.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct TemplateFields {
    pub code: String,
    pub text: String,
    pub owner_role: String,
    pub req_count: i64,
    pub req_period: String,
    pub kinds: Vec<String>,
    pub source: String,
    pub unit_id: Option<i64>,
    pub active: bool,
}

/// A validated template: keys instead of labels, text trimmed.
#[derive(Debug, Clone)]
pub struct TemplateDraft {
    pub code: String,
    pub text: String,
    pub owner_role: String,
    pub req_count: i64,
    pub req_period: String,
    pub kinds: Vec<String>,
    pub source: String,
    pub unit_id: Option<i64>,
    pub active: bool,
}

/// The entry kinds (keys or labels) as keys, each once; at least one, every one known.
pub fn parse_kinds(kinds: &[String], e: &mut FieldErrors) -> Vec<String> {
    let mut out = Vec::new();
    for k in kinds {
        match EntryKind::parse(k.trim()) {
            Some(kind) if !out.contains(&kind.key().to_string()) => out.push(kind.key().to_string()),
            Some(_) => {}
            None => e.push("kinds", format!("记录类型“{k}”无效，应为{}之一", EntryKind::label_list())),
        }
    }
    if kinds.is_empty() {
        e.push("kinds", "请至少选择一种可计入的台账记录类型");
    }
    out
}

/// A requirement's count (1 to 100) and period (key or label).
pub fn check_requirement(e: &mut FieldErrors, count: i64, period: &str) -> Option<Period> {
    if !(1..=100).contains(&count) {
        e.push("req_count", "要求次数应在 1 到 100 之间");
    }
    let p = Period::parse(period.trim());
    if p.is_none() {
        e.push("req_period", format!("周期应为{}之一", Period::label_list()));
    }
    p
}

impl TemplateFields {
    pub fn validate(&self) -> Result<TemplateDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        let code = trim_all(&self.code);
        check_required(&mut e, "code", "事项编号", code, 32);
        if !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            e.push("code", "事项编号只能包含字母、数字和 - _");
        }
        check_required(&mut e, "text", "事项内容", &self.text, 200);
        let owner = OwnerRole::parse(trim_all(&self.owner_role));
        if owner.is_none() {
            e.push("owner_role", format!("责任主体应为{}之一", OwnerRole::label_list()));
        }
        let period = check_requirement(&mut e, self.req_count, &self.req_period);
        let kinds = parse_kinds(&self.kinds, &mut e);
        check_required(&mut e, "source", "依据", &self.source, 200);
        e.into_result()?;
        Ok(TemplateDraft {
            code: code.to_string(),
            text: trim_all(&self.text).to_string(),
            owner_role: owner.expect("checked").key().to_string(),
            req_count: self.req_count,
            req_period: period.expect("checked").key().to_string(),
            kinds,
            source: trim_all(&self.source).to_string(),
            unit_id: self.unit_id,
            active: self.active,
        })
    }
}

/// An item of a list as changed by hand (text, requirement, kinds, active).
#[derive(Debug, Clone, Default)]
pub struct ItemFields {
    pub text: String,
    pub req_count: i64,
    pub req_period: String,
    pub kinds: Vec<String>,
    pub active: bool,
}

/// An item changed by hand, validated: it is marked edited and survives regeneration.
#[derive(Debug, Clone)]
pub struct ItemEdit {
    pub text: String,
    pub req_count: i64,
    pub req_period: String,
    pub kinds: Vec<String>,
    pub active: bool,
}

impl ItemFields {
    pub fn validate(&self) -> Result<ItemEdit, FieldErrors> {
        let mut e = FieldErrors::default();
        check_required(&mut e, "text", "事项内容", &self.text, 200);
        let period = check_requirement(&mut e, self.req_count, &self.req_period);
        let kinds = parse_kinds(&self.kinds, &mut e);
        e.into_result()?;
        Ok(ItemEdit {
            text: trim_all(&self.text).to_string(),
            req_count: self.req_count,
            req_period: period.expect("checked").key().to_string(),
            kinds,
            active: self.active,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use ResponsibilityRole as R;

    #[test]
    fn codes_are_unique() {
        let mut seen = HashSet::new();
        for t in BUILTIN_TEMPLATES {
            assert!(seen.insert(t.code), "duplicate code {}", t.code);
        }
        assert_eq!(seen.len(), BUILTIN_TEMPLATES.len());
    }

    #[test]
    fn every_template_is_complete() {
        for t in BUILTIN_TEMPLATES {
            assert!(!t.code.trim().is_empty());
            assert!(t.code.is_ascii() && !t.code.contains(' '), "{}", t.code);
            assert!(!t.text.trim().is_empty(), "{}", t.code);
            assert!(
                !t.rule.is_empty() || matches!(t.owner, OwnerRole::DisciplineGroup | OwnerRole::Cadre),
                "{} names no rule",
                t.code
            );
            assert!(!t.source.trim().is_empty(), "{}", t.code);
            assert!(t.source.starts_with('《') && t.source.contains('》'), "{} names no regulation", t.code);
            assert!(!t.kinds.is_empty(), "{} has no kinds", t.code);
            assert!(t.requirement.count > 0, "{} has count 0", t.code);
            let kinds: HashSet<_> = t.kinds.iter().collect();
            assert_eq!(kinds.len(), t.kinds.len(), "{} repeats a kind", t.code);
            // a source names its article, or the regulation alone: never a remark that one is missing
            assert!(t.source.ends_with('条') || t.source.ends_with('）'), "{}: {}", t.code, t.source);
            assert!(!t.source.contains("待核实") && !t.source.contains("条款"), "{}: {}", t.code, t.source);
        }
    }

    #[test]
    fn every_rules_row_is_in_the_catalog() {
        for rule in ["R-RES-1", "R-RES-2", "R-RES-3", "R-RES-4", "R-RES-5"]
            .into_iter()
            .chain(["R-BR-1", "R-BR-2", "R-BR-3", "R-BR-4", "R-BR-5", "R-BR-6"])
        {
            assert!(BUILTIN_TEMPLATES.iter().any(|t| t.rule == rule), "{rule} missing");
        }
        // the four 亲自 are one item each
        let four: Vec<_> = BUILTIN_TEMPLATES.iter().filter(|t| t.rule == "R-RES-2").collect();
        assert_eq!(four.len(), 4);
        for (t, word) in four.iter().zip(["亲自部署", "亲自过问", "亲自协调", "亲自督办"]) {
            assert!(t.text.contains(word), "{}", t.code);
            assert_eq!(t.owner, OwnerRole::Principal);
        }
        // R-* codes are the rule they come from
        for t in BUILTIN_TEMPLATES.iter().filter(|t| t.code.starts_with("R-")) {
            assert_eq!(t.code, t.rule);
            assert!(!t.locally_set, "{}: numbers of RULES rows are the regulation's", t.code);
        }
        for t in BUILTIN_TEMPLATES.iter().filter(|t| t.code.starts_with("DUTY-")) {
            assert_ne!(t.code, t.rule);
        }
    }

    #[test]
    fn articles_follow_rules_md() {
        let src = |code: &str| ItemTemplate::find(code).unwrap().source;
        assert!(src("R-BR-1").ends_with("第十一条"));
        assert!(src("R-BR-2").ends_with("第十二条"));
        assert!(src("R-BR-3").ends_with("第十三条"));
        assert!(src("R-BR-4").ends_with("第十七条"));
        for code in ["R-RES-1", "R-RES-4", "R-BR-5", "R-BR-6", "DUTY-PRINCIPAL-1", "DUTY-MEMBER-1"] {
            // article unconfirmed in RULES.md: the regulation and its year, no article
            assert!(src(code).ends_with("）") && !src(code).contains('第'), "{code}: {}", src(code));
        }
        assert!(src("R-RES-5").contains("党内监督条例"));
    }

    #[test]
    fn catalog_requirements() {
        let req = |code: &str| ItemTemplate::find(code).unwrap().requirement;
        assert_eq!(req("R-RES-1"), Requirement::new(1, Period::HalfYear));
        assert_eq!(req("R-RES-4"), Requirement::new(1, Period::Year));
        assert_eq!(req("R-RES-5"), Requirement::new(1, Period::Year));
        assert_eq!(req("R-BR-1"), Requirement::new(1, Period::Quarter));
        assert_eq!(req("R-BR-2"), Requirement::new(1, Period::Month));
        assert_eq!(req("R-BR-3"), Requirement::new(1, Period::Month));
        assert_eq!(req("R-BR-4"), Requirement::new(1, Period::Year));
        assert_eq!(req("R-BR-5"), Requirement::new(1, Period::Year));
        assert_eq!(req("R-BR-6"), Requirement::new(1, Period::Year));
        assert_eq!(req("DUTY-DISC-1"), Requirement::new(1, Period::Quarter));
        assert_eq!(req("DUTY-DISC-2"), Requirement::new(1, Period::HalfYear));
        assert!(ItemTemplate::find("R-BR-5").unwrap().accepts(EntryKind::Talk));
        assert!(ItemTemplate::find("R-BR-6").unwrap().accepts(EntryKind::PartyLecture));
        assert!(!ItemTemplate::find("R-BR-6").unwrap().accepts(EntryKind::Talk));
        assert!(ItemTemplate::find("R-XX-1").is_none());
    }

    #[test]
    fn every_owner_has_items_and_unit_level_is_consistent() {
        for &o in OwnerRole::ALL {
            assert!(ItemTemplate::for_owner(o).next().is_some(), "{o:?} owns nothing");
            assert_eq!(o.is_unit_level(), o.unit_kind().is_some(), "{o:?}");
            let by_level = matches!(o, OwnerRole::DivisionHead | OwnerRole::Cadre);
            assert_eq!(o.is_unit_level(), o.person_role().is_none() && !by_level, "{o:?}");
        }
        assert!(OwnerRole::Branch.is_unit_level());
        assert!(!OwnerRole::BranchSecretary.is_unit_level());
        assert_eq!(ItemTemplate::for_owner(OwnerRole::Principal).count(), 5);
    }

    #[test]
    fn keys_and_labels_round_trip() {
        fn check<T: Copy + PartialEq + std::fmt::Debug>(
            all: &[T],
            key: fn(T) -> &'static str,
            label: fn(T) -> &'static str,
            parse: fn(&str) -> Option<T>,
        ) {
            let keys: HashSet<_> = all.iter().map(|v| key(*v)).collect();
            let labels: HashSet<_> = all.iter().map(|v| label(*v)).collect();
            assert_eq!(keys.len(), all.len());
            assert_eq!(labels.len(), all.len());
            for v in all {
                assert_eq!(parse(key(*v)), Some(*v));
                assert_eq!(parse(label(*v)), Some(*v));
                assert_eq!(parse(&format!(" {}\u{3000}", label(*v))), Some(*v));
            }
            assert_eq!(parse("无此项"), None);
            assert_eq!(parse(""), None);
        }
        check(Period::ALL, Period::key, Period::label, Period::parse);
        check(OwnerRole::ALL, OwnerRole::key, OwnerRole::label, OwnerRole::parse);
        check(EntryKind::ALL, EntryKind::key, EntryKind::label, EntryKind::parse);
        check(Level::ALL, Level::key, Level::label, Level::parse);
        assert_eq!(EntryKind::ALL.len(), 10);
        assert_eq!(Period::parse("每半年"), Some(Period::HalfYear));
        assert_eq!(Period::HalfYear.key(), "half_year");
        assert_eq!(Period::label_list(), "每年、每半年、每季度、每月");
        assert_eq!(EntryKind::WarningEducation.key(), "warning_education");
    }

    #[test]
    fn period_sizes_and_names() {
        let per_year: Vec<_> = Period::ALL.iter().map(|p| p.per_year()).collect();
        assert_eq!(per_year, [1, 2, 4, 12]);
        assert_eq!(Period::HalfYear.window_label(1), "上半年");
        assert_eq!(Period::HalfYear.window_label(2), "下半年");
        assert_eq!(Period::Quarter.window_label(3), "第三季度");
        assert_eq!(Period::Month.window_label(12), "12月");
        assert_eq!(Period::Year.window_label(1), "全年");
        assert_eq!(Requirement::new(2, Period::Quarter).label(), "每季度至少2次");
    }

    #[test]
    fn levels_are_ordered_from_the_top() {
        assert!(Level::Leadership < Level::Middle && Level::Middle < Level::Staff);
        let mut v = vec![Level::Staff, Level::Leadership, Level::Middle];
        v.sort();
        assert_eq!(v, Level::ALL);
    }

    #[test]
    fn person_level_by_roles_then_title() {
        use Level::*;
        // roles decide first
        assert_eq!(person_level(&[R::Principal], "县委常委、办公室主任"), Leadership);
        assert_eq!(person_level(&[R::LeadershipMember], "办公室副主任"), Leadership);
        assert_eq!(person_level(&[R::LeadershipMember, R::BranchSecretary], "办公室副主任"), Leadership);
        assert_eq!(person_level(&[R::Principal], ""), Leadership);
        assert_eq!(person_level(&[R::BranchSecretary], "一级科员"), Middle);
        assert_eq!(person_level(&[R::BranchCommittee, R::Cadre], "一级科员"), Staff);
        assert_eq!(person_level(&[R::DisciplineMember], "科员"), Staff);
        // then the title, including 副
        for title in [
            "综合科科长",
            "综合科副科长",
            "信息处处长",
            "督查室主任",
            "督查室副主任",
            "组长",
            "副组长",
            "机关党委专职副书记",
            "第一党支部书记",
            "综合科科长、一级主任科员",
        ] {
            assert_eq!(person_level(&[R::Cadre], title), Middle, "{title}");
            assert_eq!(person_level(&[], title), Middle, "{title}");
        }
        for title in [
            "一级科员",
            "科员",
            "四级主任科员",
            "三级主任科员",
            "副主任科员",
            "驾驶员",
            "工勤人员",
            "出纳",
            "纪检监察干部",
            "退休干部（原科长）",
            "退休干部(原主任)",
            "第二党小组组长",
            "党小组长",
            "",
        ] {
            assert_eq!(person_level(&[R::Cadre], title), Staff, "{title}");
            assert_eq!(person_level(&[R::Staff], title), Staff, "{title}");
        }
    }

    #[test]
    fn meeting_types_credit_only_their_items() {
        for (code, types) in MEETING_RULES {
            let t = ItemTemplate::find(code).unwrap_or_else(|| panic!("{code} is a built-in item"));
            assert!(t.accepts(EntryKind::Meeting) && !types.is_empty(), "{code}");
        }
        let congress = MeetingType::PartyCongress;
        assert!(congress.satisfies("R-BR-1"));
        for code in ["R-BR-2", "R-BR-3", "R-BR-4", "R-RES-1"] {
            assert!(!congress.satisfies(code), "{code}");
        }
        assert!(congress.satisfies("DUTY-PRINCIPAL-1"), "items without a rule take any meeting");
        assert_eq!(
            MeetingType::OrganizationalLife.excluded_codes(),
            ["R-RES-1", "R-BR-1", "R-BR-2", "R-BR-3", "DUTY-HEAD-1"]
        );
        assert_eq!(MeetingType::parse("支委会"), Some(MeetingType::BranchCommittee));
    }
}
