//! Units and people as the task and finding sheets name them: units by name, by code, or as
//! "名称（编码）" when a name is not unique; people by name.

use std::collections::HashMap;

use qingfeng_store::org::{units, Unit};
use qingfeng_store::{Db, Scope, StoreResult};

/// Units by code and by name, as a sheet names them: "名称", "编码" or "名称（编码）".
pub struct UnitIndex {
    by_id: HashMap<i64, Unit>,
    by_code: HashMap<String, i64>,
    by_name: HashMap<String, Vec<i64>>,
}

impl UnitIndex {
    pub async fn load(db: &Db) -> StoreResult<Self> {
        let all = units::all(db, &Scope::all()).await?;
        let mut by_name: HashMap<String, Vec<i64>> = HashMap::new();
        for u in &all {
            by_name.entry(u.name.clone()).or_default().push(u.id);
        }
        let by_code = all.iter().map(|u| (u.code.clone(), u.id)).collect();
        Ok(UnitIndex { by_id: all.into_iter().map(|u| (u.id, u)).collect(), by_code, by_name })
    }

    /// How the sheet names a unit: its name, or "名称（编码）" when the name is not unique.
    pub fn label(&self, id: i64, name: &str) -> String {
        match self.by_id.get(&id) {
            Some(u) if self.by_name.get(&u.name).is_some_and(|v| v.len() > 1) => format!("{}（{}）", u.name, u.code),
            Some(u) => u.name.clone(),
            None => name.to_string(),
        }
    }

    pub fn resolve(&self, text: &str) -> Result<&Unit, String> {
        let text = qingfeng_domain::text::trim_all(text);
        // "名称（编码）" or "名称(编码)"
        if let Some(inner) = text.strip_suffix('）').or_else(|| text.strip_suffix(')')) {
            if let Some((name, code)) = inner.rsplit_once('（').or_else(|| inner.rsplit_once('(')) {
                if let Some(u) = self.by_code.get(code.trim()).and_then(|id| self.by_id.get(id)) {
                    if u.name == name.trim() || name.trim().is_empty() {
                        return Ok(u);
                    }
                }
            }
        }
        if let Some(u) = self.by_code.get(text).and_then(|id| self.by_id.get(id)) {
            return Ok(u);
        }
        match self.by_name.get(text).map(Vec::as_slice) {
            Some([id]) => Ok(&self.by_id[id]),
            Some(_) => Err(format!("单位名称“{text}”不唯一，请写成“名称（编码）”或填写单位编码")),
            None => Err(format!("单位“{text}”不存在")),
        }
    }
}

/// People with the given names: name → [(id, unit path)].
pub async fn people_named(db: &Db, names: &[String]) -> StoreResult<HashMap<String, Vec<(i64, String)>>> {
    qingfeng_store::org::people::by_names(db, names).await
}

/// The person a sheet names: the only one of that name, or of several the one in the unit (path)
/// or below; otherwise the message for the cell.
pub fn person_named(
    people: &HashMap<String, Vec<(i64, String)>>,
    name: &str,
    unit_path: Option<&str>,
) -> Result<i64, String> {
    let candidates = people.get(name).map(Vec::as_slice).unwrap_or_default();
    let in_unit: Vec<i64> = match unit_path {
        Some(u) => candidates.iter().filter(|(_, p)| p.starts_with(u)).map(|(id, _)| *id).collect(),
        None => vec![],
    };
    match (candidates, in_unit.as_slice()) {
        ([], _) => Err(format!("人员“{name}”不存在")),
        ([(id, _)], _) => Ok(*id),
        (_, [id]) => Ok(*id),
        _ => Err(format!("人员“{name}”有重名，且不能按单位确定是哪一位")),
    }
}
