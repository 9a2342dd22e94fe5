//! Duplicates in a people import: the same person twice in the file, or a row that repeats a
//! person already recorded.
//!
//! A person is known by their 身份证号; a row without one, by name and birth date (names
//! normalised: "张　三" is 张三). Updating a person is still asked for by 系统编号 only, as
//! before: a row naming a person already recorded without their 系统编号 is a duplicate, and
//! its message says which 系统编号 to fill in. Two rows of the file that are the same person
//! are both refused (which one is right is for the user to say).

use std::collections::HashMap;

use chrono::NaiveDate;
use qingfeng_domain::text::normalize_name;
use qingfeng_store::org::people::{self, Known};
use qingfeng_store::{Db, Scope, StoreResult};

/// What identifies one row: its 系统编号 (an update), normalised name, birth date and 身份证号
/// (valid ones only: an invalid number is reported by the row's own checks).
#[derive(Debug, Clone)]
pub(super) struct RowKey {
    pub row: usize,
    pub id: Option<i64>,
    pub name: String,
    pub birth: Option<NaiveDate>,
    pub number: Option<String>,
}

impl RowKey {
    /// From the row's cells: 系统编号, 姓名, 出生日期 (as the reader writes it) and the 身份证号
    /// the row will store. The birth date falls back to the one in the number.
    pub fn new(row: usize, id: &str, name: &str, birth: &str, number: &str) -> Self {
        let parsed = (!number.trim().is_empty()).then(|| qingfeng_domain::id_number::parse(number).ok()).flatten();
        let birth = NaiveDate::parse_from_str(birth, "%Y-%m-%d").ok().or(parsed.as_ref().map(|n| n.birth_date));
        RowKey { row, id: id.parse().ok(), name: normalize_name(name), birth, number: parsed.map(|n| n.number) }
    }

    fn name_birth(&self) -> Option<(String, NaiveDate)> {
        Some((self.name.clone(), self.birth?)).filter(|(n, _)| !n.is_empty())
    }
}

/// The rows of one file and the recorded people they could repeat.
pub(super) struct Duplicates {
    by_number: HashMap<String, Vec<usize>>,
    by_name_birth: HashMap<(String, NaiveDate), Vec<usize>>,
    known: Vec<Known>,
}

/// A duplicate found for a row: the column it is reported under and the message.
pub(super) type Found = (&'static str, String);

impl Duplicates {
    pub async fn load(db: &Db, keys: &[RowKey]) -> StoreResult<Self> {
        let mut by_number: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_name_birth: HashMap<(String, NaiveDate), Vec<usize>> = HashMap::new();
        for k in keys {
            if let Some(n) = &k.number {
                by_number.entry(n.clone()).or_default().push(k.row);
            }
            if let Some(nb) = k.name_birth() {
                by_name_birth.entry(nb).or_default().push(k.row);
            }
        }
        let numbers: Vec<String> = by_number.keys().cloned().collect();
        let mut dates: Vec<NaiveDate> = keys.iter().filter(|k| k.number.is_none()).filter_map(|k| k.birth).collect();
        dates.sort_unstable();
        dates.dedup();
        Ok(Duplicates { by_number, by_name_birth, known: people::known(db, &numbers, &dates).await? })
    }

    /// The duplicates of one row; `scope` decides whether a recorded person is named.
    pub fn check(&self, k: &RowKey, scope: &Scope) -> Vec<Found> {
        let mut found = Vec::new();
        let others = |rows: Option<&Vec<usize>>| -> Option<String> {
            let list: Vec<String> = rows?.iter().filter(|&&r| r != k.row).map(usize::to_string).collect();
            (!list.is_empty()).then(|| list.join("、"))
        };
        match &k.number {
            Some(number) => {
                if let Some(rows) = others(self.by_number.get(number)) {
                    found.push(("身份证号", format!("与第 {rows} 行身份证号重复")));
                }
                let holder = self.known.iter().find(|p| p.id_number.as_ref() == Some(number) && Some(p.id) != k.id);
                if let Some(p) = holder {
                    found.push((
                        "身份证号",
                        format!("身份证号已登记在{}名下{}", who(p, scope), update_hint(p, k, scope)),
                    ));
                }
            }
            None => {
                let Some(nb) = k.name_birth() else { return found };
                if let Some(rows) = others(self.by_name_birth.get(&nb)) {
                    found.push((
                        "姓名",
                        format!("与第 {rows} 行姓名、出生日期相同，又未填身份证号，无法区分是否同一人"),
                    ));
                }
                let same = self
                    .known
                    .iter()
                    .find(|p| Some(p.id) != k.id && p.birth_date == Some(nb.1) && normalize_name(&p.name) == nb.0);
                if let Some(p) = same {
                    found.push((
                        "姓名",
                        format!(
                            "与{}姓名、出生日期相同{}；如不是同一人，请填写身份证号加以区分",
                            who(p, scope),
                            update_hint(p, k, scope)
                        ),
                    ));
                }
            }
        }
        found
    }
}

/// A recorded person as a message names them: by name and 系统编号 inside the importer's
/// scope, without either outside it.
fn who(p: &Known, scope: &Scope) -> String {
    if scope.covers_unit(p.unit_id, &p.unit_path) {
        format!("已有人员“{}”（系统编号 {}）", p.name, p.id)
    } else {
        "您数据范围以外的已有人员".into()
    }
}

/// For a new row that repeats a recorded person in scope: how to update them instead.
fn update_hint(p: &Known, k: &RowKey, scope: &Scope) -> String {
    if k.id.is_none() && scope.covers_unit(p.unit_id, &p.unit_path) {
        format!("（如为同一人，请填写系统编号 {} 以修改该人员）", p.id)
    } else {
        String::new()
    }
}
