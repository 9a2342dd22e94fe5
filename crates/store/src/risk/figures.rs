//! The heat map of a year's register: accepted points counted by unit × level and by unit ×
//! category, and the units flagged because they have high-level points but no control measure of
//! those points due for review.

use chrono::NaiveDate;
use serde::Serialize;

use crate::{args, Db, QueryBuilder, Scope, StoreResult};

/// One cell: a unit and a level or category key, and how many points fall in it.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HeatCell {
    pub unit_id: i64,
    pub key: String,
    pub count: i64,
}

/// A row of the map.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HeatUnit {
    pub id: i64,
    pub name: String,
}

/// A unit with high-level points and no measure of them due for review (none dated today or later).
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FlaggedUnit {
    pub unit_id: i64,
    pub unit_name: String,
    pub high_points: i64,
}

/// The heat map of a year (accepted points in the scope).
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HeatMap {
    pub year: i32,
    /// units with at least one accepted point, in tree order
    pub units: Vec<HeatUnit>,
    pub by_level: Vec<HeatCell>,
    pub by_category: Vec<HeatCell>,
    pub flagged: Vec<FlaggedUnit>,
}

#[derive(sqlx::FromRow)]
struct Row {
    unit_id: i64,
    unit_name: String,
    level: String,
    category: String,
    n: i64,
    reviewed_high: i64,
}

/// The heat map of `year` over the points the scope reaches; `today` decides which measures are
/// still due for review.
pub async fn heat_map(db: &Db, scope: &Scope, year: i32, today: NaiveDate) -> StoreResult<HeatMap> {
    let mut q = QueryBuilder::new();
    q.bind(today);
    q.and("r.year = ? AND r.state = 'accepted'", args![i64::from(year)]);
    scope.restrict_with(&mut q, "u.path", "u.id", Some(super::read::SELF_COND));
    let rows: Vec<Row> = db
        .fetch_all(
            &format!(
                "SELECT r.unit_id, u.name AS unit_name, r.level, r.category, COUNT(*) AS n, \
                 SUM(CASE WHEN r.level = 'high' AND EXISTS (SELECT 1 FROM risk_measures m WHERE m.point_id = r.id \
                 AND m.review_on >= $1) THEN 1 ELSE 0 END) AS reviewed_high \
                 FROM risk_points r JOIN units u ON u.id = r.unit_id{} \
                 GROUP BY r.unit_id, u.name, u.path, r.level, r.category ORDER BY u.path, r.unit_id",
                q.where_clause()
            ),
            q.args(),
        )
        .await?;
    Ok(fold(year, rows))
}

fn add(cells: &mut Vec<HeatCell>, unit_id: i64, key: &str, n: i64) {
    match cells.iter_mut().find(|c| c.unit_id == unit_id && c.key == key) {
        Some(c) => c.count += n,
        None => cells.push(HeatCell { unit_id, key: key.to_string(), count: n }),
    }
}

fn fold(year: i32, rows: Vec<Row>) -> HeatMap {
    let mut m = HeatMap { year, ..Default::default() };
    let mut high: Vec<(i64, String, i64, i64)> = Vec::new();
    for r in rows {
        if !m.units.iter().any(|u| u.id == r.unit_id) {
            m.units.push(HeatUnit { id: r.unit_id, name: r.unit_name.clone() });
        }
        let level = if r.level.is_empty() { "none" } else { r.level.as_str() };
        add(&mut m.by_level, r.unit_id, level, r.n);
        add(&mut m.by_category, r.unit_id, &r.category, r.n);
        if r.level == "high" {
            match high.iter_mut().find(|h| h.0 == r.unit_id) {
                Some(h) => {
                    h.2 += r.n;
                    h.3 += r.reviewed_high;
                }
                None => high.push((r.unit_id, r.unit_name, r.n, r.reviewed_high)),
            }
        }
    }
    m.flagged = high
        .into_iter()
        .filter(|h| h.3 == 0)
        .map(|(unit_id, unit_name, high_points, _)| FlaggedUnit { unit_id, unit_name, high_points })
        .collect();
    m
}
