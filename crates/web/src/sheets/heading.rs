//! The heading every export prints above its table: a title in the office's wording (the
//! organisation's root unit followed by the list's name, "中共XX县委办公室2026年度党风廉政建设
//! 任务分解表") and a line naming the unit the list covers, the filters applied and the export
//! date. [`Heading::table`] hands the sheet to `qingfeng_office::Table`, which sets up printing.

use qingfeng_office::{CellValue, Column, Table};
use qingfeng_store::org::{units, Unit};
use qingfeng_store::{Db, Scope, StoreResult};

/// Title and note line of one export.
pub struct Heading {
    units: Vec<Unit>,
    list: String,
    unit: String,
    filters: Vec<String>,
}

impl Heading {
    /// The heading of `list` (e.g. "问题整改台账") as the reader with `scope` exports it; the
    /// unit line names what the scope covers until [`Heading::unit`] names one unit.
    pub async fn load(db: &Db, scope: &Scope, list: &str) -> StoreResult<Self> {
        let units = units::all(db, &Scope::all()).await?;
        let unit = scope_units(&units, scope);
        Ok(Heading { units, list: list.to_string(), unit, filters: Vec::new() })
    }

    /// The list is about one unit (a filter, or the plan's unit); `include_sub` adds "及下属单位".
    pub fn unit(mut self, id: Option<i64>, include_sub: bool) -> Self {
        if let Some(u) = id.and_then(|id| self.units.iter().find(|u| u.id == id)) {
            let has_sub = self.units.iter().any(|c| c.parent_id == Some(u.id));
            self.unit = if include_sub && has_sub { format!("{}及下属单位", u.name) } else { u.name.clone() };
        }
        self
    }

    /// A filter as "label：value"; nothing when the value is empty.
    pub fn filter(mut self, label: &str, value: impl Into<Option<String>>) -> Self {
        if let Some(v) = value.into().filter(|v| !v.trim().is_empty()) {
            self.filters.push(format!("{label}：{v}"));
        }
        self
    }

    /// The name of a unit by id, for filters that name one.
    pub fn unit_name(&self, id: i64) -> Option<String> {
        self.units.iter().find(|u| u.id == id).map(|u| u.name.clone())
    }

    /// The organisation's root unit (the first top-level unit of the tree) and the list's name.
    pub fn title(&self) -> String {
        let root = root_name(&self.units);
        if self.list.starts_with(root) {
            self.list.clone()
        } else {
            format!("{root}{}", self.list)
        }
    }

    /// "单位：…　筛选：…；…　导出日期：YYYY-MM-DD".
    pub fn note(&self) -> String {
        let mut parts = Vec::new();
        if !self.unit.is_empty() {
            parts.push(format!("单位：{}", self.unit));
        }
        if !self.filters.is_empty() {
            parts.push(format!("筛选：{}", self.filters.join("；")));
        }
        parts.push(format!("导出日期：{}", qingfeng_domain::time::office_today()));
        parts.join("　")
    }

    /// The sheet with this heading above its table.
    pub fn table<'a>(&self, sheet: &'a str, columns: &'a [Column], rows: &'a [Vec<CellValue>]) -> Table<'a> {
        Table::new(sheet, columns, rows).title(self.title()).note(self.note())
    }
}

/// The organisation's root unit: the first top-level unit of the tree.
fn root_name(units: &[Unit]) -> &str {
    units.iter().find(|u| u.parent_id.is_none()).map_or("", |u| u.name.as_str())
}

/// What a scope covers, in words: the root unit for 全部, else its top units (and 本人).
fn scope_units(units: &[Unit], scope: &Scope) -> String {
    if scope.all {
        return root_name(units).to_string();
    }
    let mut names: Vec<String> = Vec::new();
    for u in units {
        let in_subtree = scope.subtrees.contains(&u.path);
        let covered_above = scope.subtrees.iter().any(|p| u.path.starts_with(p.as_str()) && *p != u.path);
        if in_subtree && !covered_above {
            names.push(format!("{}及下属单位", u.name));
        } else if scope.units.contains(&u.id) && !covered_above {
            names.push(u.name.clone());
        }
    }
    if scope.person_id.is_some() {
        names.push("本人".into());
    }
    names.join("、")
}
