//! The office's wording of dictionaries whose keys RULES.md fixes: a 履职台账 record type may be
//! shown under another name (会议研究 → 会议记录), and the 问题类别 are listed in the office's
//! order, with their own names only where RULES.md does not fix them (主体责任落实, 作风建设;
//! the 四风 sub-types and the six disciplines keep the CCDI wording). Keys never change.

use crate::findings::Category;
use crate::responsibility::EntryKind;
use crate::FieldErrors;

/// `dict_labels.dict` of the record types.
pub const ENTRY_KINDS: &str = "entry_kind";
/// `dict_labels.dict` of the finding categories.
pub const CATEGORIES: &str = "finding_category";
/// The longest name an office may give.
pub const LABEL_MAX: usize = 20;

/// One stored row: the dictionary, the fixed key, the name shown ("" = the built-in one) and
/// the position in lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelRow {
    pub dict: String,
    pub key: String,
    pub label: String,
    pub sort_order: i64,
}

/// Whether RULES.md fixes the category's name (the 四风 of the CCDI report, the six disciplines).
pub fn category_label_fixed(c: Category) -> bool {
    !matches!(c, Category::PrimaryResponsibility | Category::Conduct)
}

/// The names and order in force: built-in unless the office set its own.
#[derive(Debug, Clone)]
pub struct Labels {
    kinds: Vec<(EntryKind, String)>,
    categories: Vec<(Category, String)>,
}

impl Default for Labels {
    fn default() -> Self {
        Labels::new(&[])
    }
}

fn ordered<T: Copy>(
    all: &[T],
    key: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
    dict: &str,
    rows: &[LabelRow],
    may_rename: fn(T) -> bool,
) -> Vec<(T, String)> {
    let mut out: Vec<(i64, usize, T, String)> = all
        .iter()
        .enumerate()
        .map(|(i, x)| {
            let row = rows.iter().find(|r| r.dict == dict && r.key == key(*x));
            let name = match row {
                Some(r) if !r.label.is_empty() && may_rename(*x) => r.label.clone(),
                _ => label(*x).to_string(),
            };
            (row.map_or((i as i64 + 1) * 10, |r| r.sort_order), i, *x, name)
        })
        .collect();
    out.sort_by_key(|(order, i, _, _)| (*order, *i));
    out.into_iter().map(|(_, _, x, name)| (x, name)).collect()
}

impl Labels {
    pub fn new(rows: &[LabelRow]) -> Labels {
        Labels {
            kinds: ordered(EntryKind::ALL, EntryKind::key, EntryKind::label, ENTRY_KINDS, rows, |_| true),
            categories: ordered(Category::ALL, Category::key, Category::label, CATEGORIES, rows, |c| {
                !category_label_fixed(c)
            }),
        }
    }

    /// The record types with their names, in the order of the rules.
    pub fn kinds(&self) -> &[(EntryKind, String)] {
        &self.kinds
    }

    pub fn kind(&self, k: EntryKind) -> &str {
        self.kinds.iter().find(|(x, _)| *x == k).map_or(k.label(), |(_, n)| n.as_str())
    }

    /// The name of a stored kind key; "" for a key that is no kind.
    pub fn kind_of(&self, key: &str) -> &str {
        EntryKind::from_key(key).map_or("", |k| self.kind(k))
    }

    /// A kind by the office's name, its key or its built-in name.
    pub fn parse_kind(&self, s: &str) -> Option<EntryKind> {
        let s = s.trim();
        self.kinds.iter().find(|(_, n)| n == s).map(|(k, _)| *k).or_else(|| EntryKind::parse(s))
    }

    /// The categories with their names, in the office's order.
    pub fn categories(&self) -> &[(Category, String)] {
        &self.categories
    }

    pub fn category(&self, c: Category) -> &str {
        self.categories.iter().find(|(x, _)| *x == c).map_or(c.label(), |(_, n)| n.as_str())
    }

    /// The name without its group ("违规公款吃喝"), for narrow columns.
    pub fn category_short(&self, c: Category) -> &str {
        let l = self.category(c);
        l.split_once('：').map_or(l, |(_, s)| s)
    }

    /// The name of a stored category key; "" for a key that is no category.
    pub fn category_of(&self, key: &str) -> &str {
        Category::from_key(key).map_or("", |c| self.category(c))
    }

    /// A category by the office's name, or as [`Category::parse_loose`] reads it.
    pub fn parse_category(&self, s: &str) -> Option<Category> {
        let t = s.trim();
        self.categories.iter().find(|(_, n)| n == t).map(|(c, _)| *c).or_else(|| Category::parse_loose(s))
    }
}

/// Checks what an administrator entered for one dictionary — (key, name, order) rows — and
/// answers the rows to store. A name is optional ("" = the built-in one), at most
/// [`LABEL_MAX`] characters, not another entry's name (built-in or new) and, for a category whose
/// name RULES.md fixes, not changed. Errors name the field `entries`.
pub fn check(dict: &str, input: &[(String, String, String)]) -> Result<Vec<LabelRow>, FieldErrors> {
    let mut e = FieldErrors::default();
    // (key, built-in name, may rename)
    let known: Vec<(&str, &str, bool)> = match dict {
        ENTRY_KINDS => EntryKind::ALL.iter().map(|k| (k.key(), k.label(), true)).collect(),
        CATEGORIES => Category::ALL.iter().map(|c| (c.key(), c.label(), !category_label_fixed(*c))).collect(),
        _ => Vec::new(),
    };
    let mut out: Vec<LabelRow> = Vec::new();
    for (key, label, order) in input {
        let Some((key, builtin, may_rename)) = known.iter().find(|k| k.0 == key.trim()).copied() else {
            e.push("entries", format!("“{key}”不是这个字典的项目"));
            continue;
        };
        let label = label.trim();
        let label = if label == builtin { "" } else { label };
        if !label.is_empty() && !may_rename {
            e.push("entries", format!("“{builtin}”的名称由规定确定，不能改名"));
        }
        if label.chars().count() > LABEL_MAX {
            e.push("entries", format!("“{builtin}”的显示名称超过 {LABEL_MAX} 个字"));
        }
        let sort_order = match order.trim() {
            "" => (out.len() as i64 + 1) * 10,
            o => match o.parse::<i64>() {
                Ok(n) if (0..=100_000).contains(&n) => n,
                _ => {
                    e.push("entries", format!("“{builtin}”的排序应为 0 到 100000 的整数"));
                    0
                }
            },
        };
        out.push(LabelRow { dict: dict.to_string(), key: key.to_string(), label: label.to_string(), sort_order });
    }
    // every name shown must point at one entry only
    let shown: Vec<(&str, String)> = out
        .iter()
        .map(|r| {
            let builtin = known.iter().find(|k| k.0 == r.key).map_or("", |k| k.1);
            (builtin, if r.label.is_empty() { builtin.to_string() } else { r.label.clone() })
        })
        .collect();
    for (i, (builtin, name)) in shown.iter().enumerate() {
        let clash = shown.iter().enumerate().any(|(j, (_, n))| j != i && n == name)
            || known.iter().any(|k| k.1 == name && k.1 != *builtin);
        if clash && !e.0.iter().any(|x| x.message.contains(name.as_str())) {
            e.push("entries", format!("显示名称“{name}”与其他项目重名"));
        }
    }
    e.into_result().map(|_| out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(key: &str, label: &str, order: &str) -> (String, String, String) {
        (key.to_string(), label.to_string(), order.to_string())
    }

    #[test]
    fn office_names_and_order() {
        let rows = check(ENTRY_KINDS, &[row("meeting", "会议记录", "10"), row("talk", "谈心谈话", "")]).unwrap();
        assert_eq!(rows[1].label, "", "the built-in name is stored as none");
        let l = Labels::new(&rows);
        assert_eq!(l.kind(EntryKind::Meeting), "会议记录");
        assert_eq!(l.kind_of("talk"), "谈心谈话");
        assert_eq!(l.parse_kind("会议记录"), Some(EntryKind::Meeting));
        assert_eq!(l.parse_kind("会议研究"), Some(EntryKind::Meeting), "the built-in name still reads");

        let rows = check(CATEGORIES, &[row("conduct", "作风纪律建设", "1"), row("formalism", "", "2")]).unwrap();
        let l = Labels::new(&rows);
        assert_eq!(l.categories()[0], (Category::Conduct, "作风纪律建设".to_string()), "ordered");
        assert_eq!(l.categories()[1].0, Category::Formalism);
        assert_eq!(l.categories().len(), Category::ALL.len(), "every category, unlisted ones after");
        assert_eq!(l.parse_category("作风纪律建设"), Some(Category::Conduct));
        assert_eq!(l.category_short(Category::PublicDining), "违规公款吃喝");
    }

    #[test]
    fn refused_names() {
        let err = |dict: &str, rows: &[(String, String, String)]| check(dict, rows).unwrap_err().0[0].message.clone();
        assert!(err(CATEGORIES, &[row("political", "政治规矩", "")]).contains("不能改名"));
        assert!(err(ENTRY_KINDS, &[row("meeting", "专题学习", "")]).contains("重名"));
        assert!(err(ENTRY_KINDS, &[row("meeting", "学习", ""), row("study", "学习", "")]).contains("重名"));
        assert!(err(ENTRY_KINDS, &[row("meeting", &"长".repeat(21), "")]).contains("20"));
        assert!(err(ENTRY_KINDS, &[row("nope", "x", "")]).contains("不是"));
        assert!(err(CATEGORIES, &[row("conduct", "", "-1")]).contains("排序"));
        // a fixed name stored as the stored key cannot sneak in through new()
        let l = Labels::new(&[LabelRow {
            dict: CATEGORIES.into(),
            key: "political".into(),
            label: "x".into(),
            sort_order: 1,
        }]);
        assert_eq!(l.category(Category::Political), "政治纪律");
    }
}
