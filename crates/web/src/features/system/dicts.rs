//! 字典管理: the lists an office adapts where RULES.md does not fix them — 职级 (each name mapped
//! to the level the rules need) and 职务 (offered on the person form).

use qingfeng_domain::dict::Rank;
use qingfeng_domain::FieldErrors;
use qingfeng_store::dicts::{self, DictEntry};
use serde::Deserialize;

use crate::auth::Principal;
use crate::http::{ApiError, ApiResult};
use crate::AppState;

/// A dictionary an administrator may edit.
pub struct DictDef {
    pub key: &'static str,
    pub label: &'static str,
    pub hint: &'static str,
    /// whether each value maps to a 职级 level
    pub mapped: bool,
    pub max_len: usize,
}

pub const DICTS: &[DictDef] = &[
    DictDef {
        key: "rank",
        label: "职级",
        hint: "本单位使用的职级名称，各对应规则所需的层级（县处级、乡科级、科级以下、职工）：监督对象、责任清单等按层级判断。已有人员使用的职级不能删除或改变层级。",
        mapped: true,
        max_len: qingfeng_domain::org::RANK_NAME_MAX,
    },
    DictDef {
        key: "title",
        label: "职务",
        hint: "填写人员职务时提示的常用职务；人员的职务仍可填写其他内容。",
        mapped: false,
        max_len: qingfeng_domain::org::TITLE_MAX,
    },
];

pub fn dict(key: &str) -> ApiResult<&'static DictDef> {
    DICTS.iter().find(|d| d.key == key).ok_or(ApiError::NotFound)
}

/// One value as entered: the name and, for 职级, its level (key or label).
#[derive(Deserialize, Clone, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryInput {
    pub value: String,
    #[serde(default)]
    pub maps_to: String,
}

/// The whole list, in the order it is shown.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DictInput {
    pub entries: Vec<EntryInput>,
}

/// Checks and saves a dictionary. Errors name the row (`entries`): empty, too long, repeated
/// or unmapped values.
pub async fn save(state: &AppState, p: &Principal, d: &DictDef, input: &[EntryInput]) -> ApiResult<Vec<DictEntry>> {
    let mut e = FieldErrors::default();
    let mut out: Vec<DictEntry> = Vec::new();
    for (i, x) in input.iter().enumerate() {
        let n = i + 1;
        let value = x.value.trim();
        if value.is_empty() {
            e.push("entries", format!("第 {n} 行：{}名称不能为空", d.label));
            continue;
        }
        if value.chars().count() > d.max_len {
            e.push("entries", format!("第 {n} 行：{}“{value}”超过 {} 个字", d.label, d.max_len));
        }
        if out.iter().any(|o| o.value == value) {
            e.push("entries", format!("第 {n} 行：{}“{value}”重复", d.label));
        }
        let maps_to = match (d.mapped, Rank::parse(x.maps_to.trim())) {
            (false, _) => String::new(),
            (true, Some(level)) => level.key().to_string(),
            (true, None) => {
                e.push("entries", format!("第 {n} 行：请为职级“{value}”选择对应层级（{}）", Rank::label_list()));
                String::new()
            }
        };
        out.push(DictEntry { value: value.to_string(), maps_to, sort_order: (n as i64) * 10 });
    }
    if d.mapped && out.is_empty() {
        e.push("entries", "职级字典至少要有一项");
    }
    e.into_result().map_err(ApiError::Invalid)?;
    dicts::replace(&state.db, &p.actor(), d.key, d.label, &out).await?;
    Ok(dicts::list(&state.db, d.key).await?)
}
