//! Small look-ups the finding forms and sheets need: the people a measure may name, and
//! campaigns by name.

use std::collections::HashMap;

use crate::query::subtree_range;
use crate::{args, Db, QueryBuilder, StoreResult};

/// Active people of the unit at `unit_path` and its units below, and of the units above it
/// (where the 分管领导 sit): (id, name, unit name, responsibility roles, 职务), in unit order, at
/// most 400.
pub async fn measure_people(db: &Db, unit_path: &str) -> StoreResult<Vec<(i64, String, String, String, String)>> {
    let ancestors: Vec<i64> = unit_path.split('/').filter_map(|s| s.parse().ok()).collect();
    let (lo, hi) = subtree_range(unit_path);
    let mut q = QueryBuilder::new();
    q.and("p.status = 'active' AND p.voided_at IS NULL", vec![]);
    let lo_m = q.bind(lo);
    let hi_m = q.bind(hi);
    let marks: Vec<String> = ancestors.iter().map(|a| q.bind(*a)).collect();
    let anc = if marks.is_empty() { "1 = 0".to_string() } else { format!("u.id IN ({})", marks.join(", ")) };
    db.fetch_all(
        &format!(
            "SELECT p.id, p.name, u.name, p.roles, p.title FROM people p JOIN units u ON u.id = p.unit_id{} AND ((u.path >= {lo_m} AND u.path < {hi_m}) OR {anc}) \
             ORDER BY u.sort_path, p.id LIMIT 400",
            q.where_clause()
        ),
        q.args(),
    )
    .await
}

/// Campaigns by name: name → [(id, paths of its units)], by id.
pub async fn campaigns_by_name(db: &Db) -> StoreResult<HashMap<String, Vec<(i64, Vec<String>)>>> {
    let rows: Vec<(i64, String)> = db.fetch_all("SELECT id, name FROM campaigns ORDER BY id", vec![]).await?;
    let mut out: HashMap<String, Vec<(i64, Vec<String>)>> = HashMap::new();
    for (id, name) in rows {
        let paths: Vec<(String,)> = db
            .fetch_all(
                "SELECT u.path FROM campaign_units cu JOIN units u ON u.id = cu.unit_id WHERE cu.campaign_id = $1",
                args![id],
            )
            .await?;
        out.entry(name).or_default().push((id, paths.into_iter().map(|p| p.0).collect()));
    }
    Ok(out)
}
