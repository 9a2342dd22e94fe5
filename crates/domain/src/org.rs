//! The organisation: units (a tree) and people, with their validation rules.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::dict::{parse_roles, BranchPost, Gender, PersonStatus, PoliticalStatus, Rank, ResponsibilityRole, UnitKind};
use crate::id_number::IdNumber;
use crate::text::{check_max, check_required, normalize_name, trim_all};
use crate::FieldErrors;

pub const UNIT_NAME_MAX: usize = 50;
pub const UNIT_CODE_MAX: usize = 32;
pub const PERSON_NAME_MAX: usize = 30;
pub const TITLE_MAX: usize = 50;
pub const REASON_MAX: usize = 200;
pub const RANK_NAME_MAX: usize = 20;

/// A value of the 职级 dictionary: the name an office uses (正科级, 一级主任科员 …) and the level
/// the rules work on (县处级, 乡科级, 科级以下, 职工).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RankName {
    pub name: String,
    pub level: Rank,
}

/// A unit as entered (form, JSON or Excel row), before validation.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct UnitFields {
    pub name: String,
    pub code: String,
    pub kind: String,
    pub parent_id: Option<i64>,
    pub sort_order: i64,
}

/// A validated unit, ready to store.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitDraft {
    pub name: String,
    pub code: String,
    pub kind: UnitKind,
    pub parent_id: Option<i64>,
    pub sort_order: i64,
}

impl UnitFields {
    pub fn validate(&self) -> Result<UnitDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        check_required(&mut e, "name", "单位名称", &self.name, UNIT_NAME_MAX);
        let code = trim_all(&self.code);
        check_required(&mut e, "code", "单位编码", code, UNIT_CODE_MAX);
        if !code.is_empty() && !code.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')) {
            e.push("code", "单位编码只能包含字母、数字和 - _ .");
        }
        let kind = UnitKind::parse(trim_all(&self.kind));
        if kind.is_none() {
            e.push("kind", format!("单位类型应为{}之一", UnitKind::label_list()));
        }
        if !(0..=1_000_000).contains(&self.sort_order) {
            e.push("sort_order", "排序号应在 0 到 1000000 之间");
        }
        e.into_result()?;
        Ok(UnitDraft {
            name: trim_all(&self.name).to_string(),
            code: code.to_string(),
            kind: kind.expect("checked above"),
            parent_id: self.parent_id,
            sort_order: self.sort_order,
        })
    }
}

/// The materialized path of a unit: "/1/5/12/" lists the ids from the root down to the unit.
/// Subtree queries become a prefix match, and cycles are easy to refuse.
pub fn child_path(parent_path: Option<&str>, id: i64) -> String {
    format!("{}{id}/", parent_path.unwrap_or("/"))
}

/// The sort path of a unit: (sort order, id) per level from the root, zero-padded so that
/// byte order is tree order with siblings by sort order.
pub fn child_sort_path(parent_sort_path: Option<&str>, sort_order: i64, id: i64) -> String {
    format!("{}{:07}.{:012}/", parent_sort_path.unwrap_or("/"), sort_order.clamp(0, 9_999_999), id)
}

/// A unit may not move under itself or under one of its descendants.
pub fn move_creates_cycle(unit_path: &str, new_parent_path: &str) -> bool {
    new_parent_path.starts_with(unit_path)
}

/// A person as entered (form, JSON or Excel row), before validation.
/// Dictionary fields accept the key or the Chinese label; dates are "YYYY-MM-DD" or empty.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct PersonFields {
    pub name: String,
    pub gender: String,
    pub unit_id: Option<i64>,
    pub title: String,
    /// 职级: a name of the 职级 dictionary (正科级 …) or a level (县处级, 乡科级, 科级以下, 职工)
    pub rank: String,
    /// the dictionary name of the 职级 (filled from `rank` when that is a dictionary name)
    pub rank_name: String,
    pub political_status: String,
    pub roles: Vec<String>,
    pub status: String,
    pub birth_date: String,
    pub party_join_date: String,
    /// 身份证号 (optional): 18 characters with a valid check character; a lower-case x is
    /// accepted. When 出生日期 is empty it is taken from the number.
    pub id_number: String,
    pub exercises_public_power: bool,
    /// None: follow the derived flag; Some: the flag is set by hand and needs a reason.
    pub supervision_override: Option<bool>,
    pub supervision_override_reason: String,
    /// 分管: units this leadership member is in charge of; None leaves them as they are.
    pub in_charge_of: Option<Vec<i64>>,
    /// 所在党支部: the party branch (a unit of kind 党支部) this party member belongs to; none
    /// for someone who is not a party member or not yet in a branch.
    pub party_branch_id: Option<i64>,
    /// 支委职务 in that branch: 书记, 副书记, 委员 (key or label); empty for none
    pub branch_post: String,
}

/// A validated person, ready to store.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PersonDraft {
    pub name: String,
    pub gender: Gender,
    pub unit_id: i64,
    pub title: String,
    pub rank: Rank,
    /// the 职级 as the office names it (dictionary 职级), "" when only the level is known
    pub rank_name: String,
    pub political_status: PoliticalStatus,
    pub roles: Vec<ResponsibilityRole>,
    pub status: PersonStatus,
    pub birth_date: Option<NaiveDate>,
    pub party_join_date: Option<NaiveDate>,
    /// 身份证号, validated (upper-case X)
    pub id_number: Option<String>,
    pub exercises_public_power: bool,
    pub supervision_override: Option<bool>,
    pub supervision_override_reason: String,
}

fn parse_dict<T>(
    e: &mut FieldErrors,
    field: &str,
    label: &str,
    value: &str,
    parse: fn(&str) -> Option<T>,
    allowed: String,
) -> Option<T> {
    let v = trim_all(value);
    if v.is_empty() {
        e.push(field, format!("{label}不能为空"));
        return None;
    }
    let parsed = parse(v);
    if parsed.is_none() {
        e.push(field, format!("{label}“{v}”无效，应为{allowed}之一"));
    }
    parsed
}

fn parse_optional_date(e: &mut FieldErrors, field: &str, label: &str, value: &str) -> Option<NaiveDate> {
    let v = trim_all(value);
    if v.is_empty() {
        return None;
    }
    match crate::text::parse_ymd(v) {
        Ok(d) if d.year_ce().1 >= 1900 && d <= chrono::Local::now().date_naive() => Some(d),
        Ok(_) => {
            e.push(field, format!("{label}应在 1900 年之后且不晚于今天"));
            None
        }
        Err(err) => {
            e.push(field, crate::text::date_error(label, v, err, "1980-05-01"));
            None
        }
    }
}

use chrono::Datelike;

/// The optional 身份证号: valid, and carrying the birth date given beside it (if any).
fn parse_id_number(e: &mut FieldErrors, value: &str, birth_date: Option<NaiveDate>) -> Option<IdNumber> {
    if trim_all(value).is_empty() {
        return None;
    }
    match crate::id_number::parse(value) {
        Ok(id) => match birth_date {
            Some(b) if b != id.birth_date => {
                e.push("id_number", format!("身份证号中的出生日期 {} 与填写的出生日期 {b} 不一致", id.birth_date));
                None
            }
            _ => Some(id),
        },
        Err(message) => {
            e.push("id_number", message);
            None
        }
    }
}

impl PersonFields {
    /// 所在党支部 and 支委职务: (branch, post in it), checked: a post needs a branch.
    pub fn branch_seat(&self) -> Result<(Option<i64>, Option<BranchPost>), FieldErrors> {
        let mut e = FieldErrors::default();
        let word = trim_all(&self.branch_post);
        let post = if word.is_empty() { None } else { BranchPost::parse(word) };
        if !word.is_empty() && post.is_none() {
            e.push("branch_post", format!("支委职务“{word}”无效，应为{}之一", BranchPost::label_list()));
        }
        if post.is_some() && self.party_branch_id.is_none() {
            e.push("branch_post", "担任支委职务须先选择所在党支部");
        }
        e.into_result()?;
        Ok((self.party_branch_id, post))
    }

    /// Validates with the 职级 dictionary: `rank` may be a dictionary name, which sets
    /// `rank_name` and its level; a bare level keeps a `rank_name` only when that names an entry
    /// of the same level. With an empty dictionary this is [`PersonFields::validate`].
    pub fn validate_with(&self, ranks: &[RankName]) -> Result<PersonDraft, FieldErrors> {
        let mut f = self.clone();
        let given = trim_all(&self.rank).to_string();
        if let Some(r) = ranks.iter().find(|r| r.name == given) {
            f.rank_name = r.name.clone();
            f.rank = r.level.key().into();
        } else if let Some(level) = Rank::parse(&given) {
            let name = trim_all(&f.rank_name).to_string();
            if !ranks.is_empty() && !ranks.iter().any(|r| r.name == name && r.level == level) {
                f.rank_name.clear();
            }
        } else if !ranks.is_empty() && !given.is_empty() {
            let names: Vec<&str> = ranks.iter().map(|r| r.name.as_str()).collect();
            let mut e = f.validate().err().unwrap_or_default();
            e.0.retain(|x| x.field != "rank");
            e.push("rank", format!("职级“{given}”不在职级字典中，应为{}之一", names.join("、")));
            return Err(e);
        }
        f.validate()
    }

    pub fn validate(&self) -> Result<PersonDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        let name = normalize_name(&self.name);
        check_required(&mut e, "name", "姓名", &name, PERSON_NAME_MAX);
        let gender = parse_dict(&mut e, "gender", "性别", &self.gender, Gender::parse, Gender::label_list());
        if self.unit_id.is_none() {
            e.push("unit_id", "所在单位不能为空");
        }
        check_max(&mut e, "title", "职务", trim_all(&self.title), TITLE_MAX);
        check_max(&mut e, "rank_name", "职级名称", trim_all(&self.rank_name), RANK_NAME_MAX);
        let rank = parse_dict(&mut e, "rank", "职级", &self.rank, Rank::parse, Rank::label_list());
        let political_status = parse_dict(
            &mut e,
            "political_status",
            "政治面貌",
            &self.political_status,
            PoliticalStatus::parse,
            PoliticalStatus::label_list(),
        );
        let status = if trim_all(&self.status).is_empty() {
            Some(PersonStatus::Active)
        } else {
            parse_dict(&mut e, "status", "人员状态", &self.status, PersonStatus::parse, PersonStatus::label_list())
        };
        let roles = match parse_roles(&self.roles.join("、")) {
            Ok(r) => r,
            Err(word) => {
                e.push("roles", format!("责任角色“{word}”无效，应为{}之一", ResponsibilityRole::label_list()));
                vec![]
            }
        };
        let birth_date = parse_optional_date(&mut e, "birth_date", "出生日期", &self.birth_date);
        let party_join_date = parse_optional_date(&mut e, "party_join_date", "入党时间", &self.party_join_date);
        let id_number = parse_id_number(&mut e, &self.id_number, birth_date);
        let reason = trim_all(&self.supervision_override_reason);
        check_max(&mut e, "supervision_override_reason", "调整理由", reason, REASON_MAX);
        if self.supervision_override.is_some() && reason.is_empty() {
            e.push("supervision_override_reason", "手动调整监督对象标记时必须填写理由");
        }
        if let (Some(PoliticalStatus::Masses | PoliticalStatus::League | PoliticalStatus::Democratic), Some(_)) =
            (political_status, party_join_date)
        {
            e.push("party_join_date", "政治面貌不是中共党员时不应填写入党时间");
        }
        if political_status.is_some_and(|s| !s.is_party_member()) && self.party_branch_id.is_some() {
            e.push("party_branch_id", "政治面貌不是中共党员时不应填写所在党支部");
        }
        if let Err(pe) = self.branch_seat() {
            e.0.extend(pe.0);
        }
        e.into_result()?;
        Ok(PersonDraft {
            name,
            gender: gender.expect("checked"),
            unit_id: self.unit_id.expect("checked"),
            title: trim_all(&self.title).to_string(),
            rank: rank.expect("checked"),
            rank_name: trim_all(&self.rank_name).to_string(),
            political_status: political_status.expect("checked"),
            roles,
            status: status.expect("checked"),
            birth_date: birth_date.or(id_number.as_ref().map(|i| i.birth_date)),
            party_join_date,
            id_number: id_number.map(|i| i.number),
            exercises_public_power: self.exercises_public_power,
            supervision_override: self.supervision_override,
            supervision_override_reason: if self.supervision_override.is_some() {
                reason.to_string()
            } else {
                String::new()
            },
        })
    }
}

impl PersonDraft {
    /// Whether the person is a supervision object of the discipline-inspection group, as derived
    /// from the record: 科级及以下党员干部, and every serving staff member who exercises public
    /// power. 县处级 leaders are supervised by the higher commission, not by the dispatched group.
    pub fn derived_supervision_scope(&self) -> bool {
        self.status == PersonStatus::Active
            && self.rank != Rank::County
            && ((self.political_status.is_party_member() && matches!(self.rank, Rank::Township | Rank::BelowSection))
                || self.exercises_public_power)
    }

    /// The flag in force: a hand override wins over the derived value.
    pub fn in_supervision_scope(&self) -> bool {
        self.supervision_override.unwrap_or_else(|| self.derived_supervision_scope())
    }

    /// A leadership member (or the principal) may be in charge of (分管) units.
    pub fn may_be_in_charge(&self) -> bool {
        self.roles.iter().any(|r| matches!(r, ResponsibilityRole::Principal | ResponsibilityRole::LeadershipMember))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person() -> PersonFields {
        PersonFields {
            name: " 张三\u{3000}".into(),
            gender: "男".into(),
            unit_id: Some(3),
            title: "科员".into(),
            rank: "科级以下".into(),
            political_status: "中共党员".into(),
            roles: vec!["一般干部".into()],
            status: "".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_rank_name_of_the_dictionary_maps_to_its_level() {
        let dict = vec![
            RankName { name: "副科级".into(), level: Rank::Township },
            RankName { name: "一级科员".into(), level: Rank::BelowSection },
        ];
        let mut f = person();
        f.rank = "副科级".into();
        let d = f.validate_with(&dict).unwrap();
        assert_eq!((d.rank, d.rank_name.as_str()), (Rank::Township, "副科级"));
        // the rules work on the level: a 乡科级 party member is a supervision object
        assert!(d.derived_supervision_scope());
        // a bare level keeps a name only of the same level
        f.rank = "乡科级".into();
        f.rank_name = "副科级".into();
        assert_eq!(f.validate_with(&dict).unwrap().rank_name, "副科级");
        f.rank = "科级以下".into();
        assert_eq!(f.validate_with(&dict).unwrap().rank_name, "");
        f.rank = "处长".into();
        let e = f.validate_with(&dict).unwrap_err();
        assert_eq!(e.for_field("rank"), Some("职级“处长”不在职级字典中，应为副科级、一级科员之一"));
        assert_eq!(e.0.len(), 1, "{e:?}");
    }

    #[test]
    fn valid_person_is_trimmed_and_defaults_to_active() {
        let p = person().validate().unwrap();
        assert_eq!(p.name, "张三");
        assert_eq!(p.status, PersonStatus::Active);
        assert!(p.derived_supervision_scope());
    }

    #[test]
    fn an_id_number_is_checked_and_gives_the_birth_date() {
        let mut f = person();
        f.name = "张\u{3000}三".into();
        f.id_number = "11010519491231002x".into();
        let d = f.validate().unwrap();
        assert_eq!(d.name, "张三");
        assert_eq!(d.id_number.as_deref(), Some("11010519491231002X"));
        assert_eq!(d.birth_date.map(|b| b.to_string()).as_deref(), Some("1949-12-31"));
        f.birth_date = "1950-01-01".into();
        let e = f.validate().unwrap_err();
        assert_eq!(
            e.for_field("id_number"),
            Some("身份证号中的出生日期 1949-12-31 与填写的出生日期 1950-01-01 不一致")
        );
        f.birth_date = String::new();
        f.id_number = "110105194912310021".into();
        assert_eq!(f.validate().unwrap_err().for_field("id_number"), Some("身份证号校验位不正确，请核对号码"));
        f.id_number = " ".into();
        assert_eq!(f.validate().unwrap().id_number, None);
    }

    #[test]
    fn every_bad_field_is_named() {
        let mut f = person();
        f.name = "".into();
        f.gender = "未知".into();
        f.unit_id = None;
        f.rank = "处级".into();
        f.roles = vec!["班长".into()];
        f.birth_date = "1980/5/1".into();
        let e = f.validate().unwrap_err();
        for field in ["name", "gender", "unit_id", "rank", "roles", "birth_date"] {
            assert!(e.for_field(field).is_some(), "{field} not reported: {e:?}");
        }
        assert_eq!(e.for_field("gender"), Some("性别“未知”无效，应为男、女之一"));
    }

    #[test]
    fn supervision_scope_follows_rank_party_and_public_power() {
        let mut p = person().validate().unwrap();
        assert!(p.in_supervision_scope());
        p.rank = Rank::County;
        assert!(!p.in_supervision_scope(), "county-level leaders are supervised above");
        p.rank = Rank::Staff;
        p.political_status = PoliticalStatus::Masses;
        assert!(!p.in_supervision_scope());
        p.exercises_public_power = true;
        assert!(p.in_supervision_scope());
        p.status = PersonStatus::Retired;
        assert!(!p.in_supervision_scope());
        p.supervision_override = Some(true);
        assert!(p.in_supervision_scope(), "override wins");
    }

    #[test]
    fn override_needs_a_reason() {
        let mut f = person();
        f.supervision_override = Some(false);
        assert!(f.validate().unwrap_err().for_field("supervision_override_reason").is_some());
        f.supervision_override_reason = "借调市纪委".into();
        assert!(f.validate().is_ok());
    }

    #[test]
    fn unit_validation_and_cycles() {
        let u = UnitFields {
            name: "秘书科".into(),
            code: "XWB-01".into(),
            kind: "内设机构".into(),
            parent_id: Some(1),
            sort_order: 1,
        };
        assert_eq!(u.validate().unwrap().kind, UnitKind::Department);
        let bad = UnitFields { code: "秘书".into(), kind: "科室".into(), ..u };
        let e = bad.validate().unwrap_err();
        assert!(e.for_field("code").is_some() && e.for_field("kind").is_some());
        assert_eq!(child_path(None, 1), "/1/");
        assert_eq!(child_path(Some("/1/"), 5), "/1/5/");
        assert!(move_creates_cycle("/1/5/", "/1/5/9/"));
        assert!(move_creates_cycle("/1/5/", "/1/5/"));
        assert!(!move_creates_cycle("/1/5/", "/1/50/"));
        assert!(!move_creates_cycle("/1/5/", "/1/"));
    }
}
