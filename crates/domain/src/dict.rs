//! Dictionaries: closed sets of values with a stable English key (stored, used in the API)
//! and the Chinese label users see (forms, Excel drop-downs).

/// Defines a dictionary enum with `key()`, `label()`, `from_key()`, `from_label()` and `ALL`.
macro_rules! dictionary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = ($key:literal, $label:literal)),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn key(self) -> &'static str { match self { $($name::$variant => $key),+ } }
            pub fn label(self) -> &'static str { match self { $($name::$variant => $label),+ } }
            pub fn from_key(s: &str) -> Option<Self> { match s { $($key => Some($name::$variant),)+ _ => None } }
            pub fn from_label(s: &str) -> Option<Self> { match s { $($label => Some($name::$variant),)+ _ => None } }
            /// Accepts either the key or the Chinese label.
            pub fn parse(s: &str) -> Option<Self> { Self::from_key(s).or_else(|| Self::from_label(s)) }
            pub fn labels() -> Vec<String> { Self::ALL.iter().map(|v| v.label().to_string()).collect() }
            /// "a、b、c": the allowed labels, for error messages.
            pub fn label_list() -> String { Self::labels().join("、") }
        }
    };
}

dictionary!(
    /// 单位类型
    UnitKind {
        Organ = ("organ", "机关"),
        Department = ("department", "内设机构"),
        Branch = ("branch", "党支部"),
        Dispatched = ("dispatched", "派驻机构"),
    }
);

dictionary!(
    /// 性别
    Gender {
        Male = ("male", "男"),
        Female = ("female", "女"),
    }
);

dictionary!(
    /// 职级
    Rank {
        County = ("county", "县处级"),
        Township = ("township", "乡科级"),
        BelowSection = ("below_section", "科级以下"),
        Staff = ("staff", "职工"),
    }
);

dictionary!(
    /// 政治面貌
    PoliticalStatus {
        PartyMember = ("party_member", "中共党员"),
        Probationary = ("probationary", "中共预备党员"),
        League = ("league", "共青团员"),
        Democratic = ("democratic", "民主党派"),
        Masses = ("masses", "群众"),
    }
);

impl PoliticalStatus {
    pub fn is_party_member(self) -> bool {
        matches!(self, PoliticalStatus::PartyMember | PoliticalStatus::Probationary)
    }
}

dictionary!(
    /// 责任角色: the part a person plays in the responsibility chain. A person may hold several.
    ResponsibilityRole {
        Principal = ("principal", "主要负责人"),
        LeadershipMember = ("leadership_member", "班子成员"),
        BranchSecretary = ("branch_secretary", "支部书记"),
        BranchCommittee = ("branch_committee", "支部委员"),
        DisciplineMember = ("discipline_member", "纪检委员"),
        Cadre = ("cadre", "一般干部"),
        Staff = ("staff", "职工"),
    }
);

dictionary!(
    /// 支委职务: a post on a party branch's committee (支部委员会).
    BranchPost {
        Secretary = ("secretary", "书记"),
        DeputySecretary = ("deputy_secretary", "副书记"),
        Member = ("member", "委员"),
    }
);

impl BranchPost {
    /// 书记 and 副书记 lead the branch: their accounts' 支部 scope reaches its members.
    pub fn leads(self) -> bool {
        matches!(self, BranchPost::Secretary | BranchPost::DeputySecretary)
    }

    /// The 责任角色 the post implies: 支部书记 for the secretary, 支部委员 for the others.
    pub fn role(self) -> ResponsibilityRole {
        match self {
            BranchPost::Secretary => ResponsibilityRole::BranchSecretary,
            _ => ResponsibilityRole::BranchCommittee,
        }
    }
}

dictionary!(
    /// 人员状态
    PersonStatus {
        Active = ("active", "在职"),
        Transferred = ("transferred", "调离"),
        Retired = ("retired", "退休"),
    }
);

/// Parses a list of roles written as keys or labels separated by 、 , ， ; ； or spaces.
/// Returns the roles in dictionary order without duplicates, or the first unknown word.
pub fn parse_roles(s: &str) -> Result<Vec<ResponsibilityRole>, String> {
    let mut roles = Vec::new();
    for word in s.split(['、', ',', '，', ';', '；', ' ', '\u{3000}']).map(str::trim).filter(|w| !w.is_empty()) {
        match ResponsibilityRole::parse(word) {
            Some(r) if !roles.contains(&r) => roles.push(r),
            Some(_) => {}
            None => return Err(word.to_string()),
        }
    }
    roles.sort_by_key(|r| ResponsibilityRole::ALL.iter().position(|x| x == r));
    Ok(roles)
}

/// Roles as stored: comma-separated keys.
pub fn roles_to_keys(roles: &[ResponsibilityRole]) -> String {
    roles.iter().map(|r| r.key()).collect::<Vec<_>>().join(",")
}

/// Roles as shown: labels joined by 、.
pub fn roles_to_labels(roles: &[ResponsibilityRole]) -> String {
    roles.iter().map(|r| r.label()).collect::<Vec<_>>().join("、")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_labels_round_trip() {
        for k in UnitKind::ALL {
            assert_eq!(UnitKind::from_key(k.key()), Some(*k));
            assert_eq!(UnitKind::parse(k.label()), Some(*k));
        }
        assert_eq!(Rank::parse("乡科级"), Some(Rank::Township));
        assert_eq!(Rank::parse("处级"), None);
    }

    #[test]
    fn roles_parse_in_any_separator_and_order() {
        let r = parse_roles("支部委员、班子成员，班子成员").unwrap();
        assert_eq!(r, vec![ResponsibilityRole::LeadershipMember, ResponsibilityRole::BranchCommittee]);
        assert_eq!(roles_to_labels(&r), "班子成员、支部委员");
        assert_eq!(parse_roles(&roles_to_keys(&r)).unwrap(), r);
        assert_eq!(parse_roles("班长"), Err("班长".to_string()));
        assert_eq!(parse_roles(""), Ok(vec![]));
    }
}
