//! Fast batch inserts for large imports and generated benchmark organisations.
//!
//! The per-row functions in [`super::units`] and [`super::people`] write one audit record per
//! row and run several statements per row; loading tens of thousands of people that way takes
//! minutes. These functions write multi-row INSERTs inside the caller's transaction and one
//! audit record per call (action `import`, entity_id `batch`, diff `{"count": N, ...}`).
//!
//! They check what the per-row functions check (known parent and unit, free and unique codes,
//! 分管 only by leaders) before writing, and keep the same derived columns (unit `path`, the
//! supervision flag, the first transfer record of each person).

use std::collections::{BTreeSet, HashMap, HashSet};

use qingfeng_domain::dict::{roles_to_keys, ResponsibilityRole};
use qingfeng_domain::org::{child_path, child_sort_path, PersonDraft, UnitDraft};
use serde_json::json;

use crate::{audit, Actor, Arg, StoreError, StoreResult, Tx};

/// Rows per INSERT statement. SQLite looks each `$N` parameter up in a list of the names seen
/// so far, so parsing costs grow with the square of the parameter count: a 1,000-row people
/// INSERT (14,000 parameters) takes a quarter of a second to prepare, a 100-row one a few
/// milliseconds. Both sizes stay far below PostgreSQL's 65,535 bind parameters.
const PEOPLE_PER_STATEMENT: usize = 100;
const UNITS_PER_STATEMENT: usize = 200;
/// Length of an `IN (...)` list.
const IDS_PER_STATEMENT: usize = 500;

/// `$from, $from+1, …` for `n` values, as a comma-separated list.
fn placeholders(from: usize, n: usize) -> String {
    (from..from + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// Which of `ids` exist in `table` (a fixed table name, never user input).
async fn existing_ids(tx: &mut Tx, table: &str, ids: &BTreeSet<i64>) -> StoreResult<HashSet<i64>> {
    let ids: Vec<i64> = ids.iter().copied().collect();
    let mut found = HashSet::with_capacity(ids.len());
    for chunk in ids.chunks(IDS_PER_STATEMENT) {
        let sql = format!("SELECT id FROM {table} WHERE id IN ({})", placeholders(1, chunk.len()));
        let rows: Vec<(i64,)> = tx.fetch_all(&sql, chunk.iter().map(|&i| Arg::from(i)).collect()).await?;
        found.extend(rows.into_iter().map(|r| r.0));
    }
    Ok(found)
}

/// Inserts many units whose parents already exist (insert a tree level by level).
/// Returns the new ids in the order of `drafts`.
pub async fn insert_units(tx: &mut Tx, actor: &Actor, drafts: &[UnitDraft]) -> StoreResult<Vec<i64>> {
    if drafts.is_empty() {
        return Ok(vec![]);
    }
    // codes: unique within the batch and not yet used
    let mut seen = HashSet::with_capacity(drafts.len());
    for d in drafts {
        if !seen.insert(d.code.as_str()) {
            return Err(StoreError::field("code", format!("单位编码“{}”重复", d.code)));
        }
    }
    let codes: Vec<&str> = drafts.iter().map(|d| d.code.as_str()).collect();
    for chunk in codes.chunks(IDS_PER_STATEMENT) {
        let sql = format!("SELECT code FROM units WHERE code IN ({}) ORDER BY code", placeholders(1, chunk.len()));
        let taken: Option<(String,)> = tx.fetch_optional(&sql, chunk.iter().map(|&c| Arg::from(c)).collect()).await?;
        if let Some((code,)) = taken {
            return Err(StoreError::field("code", format!("单位编码“{code}”已被使用")));
        }
    }
    // parents: known, with their paths
    let parent_ids: BTreeSet<i64> = drafts.iter().filter_map(|d| d.parent_id).collect();
    let mut parent_paths: HashMap<i64, (String, String)> = HashMap::with_capacity(parent_ids.len());
    let parent_list: Vec<i64> = parent_ids.iter().copied().collect();
    for chunk in parent_list.chunks(IDS_PER_STATEMENT) {
        let sql = format!("SELECT id, path, sort_path FROM units WHERE id IN ({})", placeholders(1, chunk.len()));
        let rows: Vec<(i64, String, String)> =
            tx.fetch_all(&sql, chunk.iter().map(|&i| Arg::from(i)).collect()).await?;
        parent_paths.extend(rows.into_iter().map(|(id, p, s)| (id, (p, s))));
    }
    if let Some(missing) = parent_ids.iter().find(|p| !parent_paths.contains_key(p)) {
        return Err(StoreError::field("parent_id", format!("上级单位（编号 {missing}）不存在")));
    }

    let now = crate::now();
    let mut id_by_code: HashMap<String, i64> = HashMap::with_capacity(drafts.len());
    for chunk in drafts.chunks(UNITS_PER_STATEMENT) {
        let mut args: Vec<Arg> = Vec::with_capacity(1 + chunk.len() * 5);
        args.push(now.into());
        let mut rows = Vec::with_capacity(chunk.len());
        for d in chunk {
            let n = args.len();
            rows.push(format!("(${}, ${}, ${}, ${}, ${}, '', $1, $1)", n + 1, n + 2, n + 3, n + 4, n + 5));
            args.push(d.parent_id.into());
            args.push(d.name.clone().into());
            args.push(d.code.clone().into());
            args.push(d.kind.key().into());
            args.push(d.sort_order.into());
        }
        let sql = format!(
            "INSERT INTO units (parent_id, name, code, kind, sort_order, path, created_at, updated_at) VALUES {} RETURNING id, code",
            rows.join(", ")
        );
        let inserted: Vec<(i64, String)> = tx.fetch_all(&sql, args).await?;
        id_by_code.extend(inserted.into_iter().map(|(id, code)| (code, id)));
    }
    let mut ids = Vec::with_capacity(drafts.len());
    for d in drafts {
        let id = *id_by_code.get(&d.code).expect("every inserted unit is returned with its code");
        let parent = d.parent_id.map(|p| &parent_paths[&p]);
        let path = child_path(parent.map(|p| p.0.as_str()), id);
        let sort_path = child_sort_path(parent.map(|p| p.1.as_str()), d.sort_order, id);
        tx.execute(
            "UPDATE units SET path = $1, sort_path = $2 WHERE id = $3",
            vec![path.into(), sort_path.into(), id.into()],
        )
        .await?;
        ids.push(id);
    }
    audit::append(
        tx,
        actor,
        "import",
        "unit",
        "batch",
        &json!({"count": ids.len(), "first_id": ids.iter().min(), "last_id": ids.iter().max()}),
    )
    .await?;
    Ok(ids)
}

/// Inserts many people, each with the first transfer record ("新增") that the per-row insert
/// writes. Returns the new ids in the order of `drafts`.
pub async fn insert_people(tx: &mut Tx, actor: &Actor, drafts: &[PersonDraft]) -> StoreResult<Vec<i64>> {
    if drafts.is_empty() {
        return Ok(vec![]);
    }
    let unit_ids: BTreeSet<i64> = drafts.iter().map(|d| d.unit_id).collect();
    let found = existing_ids(tx, "units", &unit_ids).await?;
    if let Some(missing) = unit_ids.iter().find(|u| !found.contains(u)) {
        return Err(StoreError::field("unit_id", format!("所在单位（编号 {missing}）不存在")));
    }

    let now = crate::now();
    let mut ids = Vec::with_capacity(drafts.len());
    for chunk in drafts.chunks(PEOPLE_PER_STATEMENT) {
        let mut args: Vec<Arg> = Vec::with_capacity(1 + chunk.len() * 17);
        args.push(now.into());
        let mut rows = Vec::with_capacity(chunk.len());
        for d in chunk {
            let n = args.len();
            let marks: Vec<String> = (n + 1..=n + 17).map(|i| format!("${i}")).collect();
            rows.push(format!("({}, $1, $1)", marks.join(", ")));
            args.extend([
                Arg::from(d.name.clone()),
                d.gender.key().into(),
                d.unit_id.into(),
                d.title.clone().into(),
                d.rank.key().into(),
                d.political_status.key().into(),
                roles_to_keys(&d.roles).into(),
                d.status.key().into(),
                d.birth_date.into(),
                d.party_join_date.into(),
                d.exercises_public_power.into(),
                d.supervision_override.into(),
                d.supervision_override_reason.clone().into(),
                d.in_supervision_scope().into(),
                d.rank_name.clone().into(),
                d.id_number.clone().into(),
                super::people::draft_level(d).into(),
            ]);
        }
        let sql = format!(
            "INSERT INTO people (name, gender, unit_id, title, rank, political_status, roles, status, birth_date, \
             party_join_date, exercises_public_power, supervision_override, supervision_override_reason, \
             in_supervision_scope, rank_name, id_number, level, created_at, updated_at) VALUES {} RETURNING id",
            rows.join(", ")
        );
        let inserted: Vec<(i64,)> = tx.fetch_all(&sql, args).await.map_err(super::people::unique_id_number)?;
        // Ids are drawn in VALUES order on both engines (increasing, even when other sessions
        // insert at the same time); RETURNING's own order is not promised, so sort them.
        let mut chunk_ids: Vec<i64> = inserted.into_iter().map(|r| r.0).collect();
        chunk_ids.sort_unstable();
        let named: Vec<(i64, &str, &str)> =
            chunk.iter().zip(&chunk_ids).map(|(d, &id)| (id, d.name.as_str(), d.title.as_str())).collect();
        super::people::index_grams(tx, &named).await?;
        // the first transfer record of each person, as the per-row insert writes it; built from
        // the drafts rather than read back, so no query plan depends on the table's growing size
        let mut args: Vec<Arg> = Vec::with_capacity(1 + chunk.len() * 3);
        args.push(now.into());
        let mut rows = Vec::with_capacity(chunk.len());
        for (d, &id) in chunk.iter().zip(&chunk_ids) {
            let n = args.len();
            rows.push(format!("(${}, ${}, '', ${}, $1, '新增')", n + 1, n + 2, n + 3));
            args.extend([Arg::from(id), d.unit_id.into(), d.status.key().into()]);
        }
        let sql = format!(
            "INSERT INTO person_transfers (person_id, to_unit_id, from_status, to_status, changed_at, note) VALUES {}",
            rows.join(", ")
        );
        tx.execute(&sql, args).await?;
        ids.extend(chunk_ids);
    }
    audit::append(
        tx,
        actor,
        "import",
        "person",
        "batch",
        &json!({"count": ids.len(), "first_id": ids.iter().min(), "last_id": ids.iter().max()}),
    )
    .await?;
    Ok(ids)
}

/// Adds 分管 assignments (person id, unit id). Only a 主要负责人 or 班子成员 may be in charge
/// of units; pairs already present are refused by the primary key, so pass new pairs only.
pub async fn insert_in_charge(tx: &mut Tx, actor: &Actor, pairs: &[(i64, i64)]) -> StoreResult<()> {
    if pairs.is_empty() {
        return Ok(());
    }
    let mut pairs = pairs.to_vec();
    pairs.sort_unstable();
    pairs.dedup();
    let unit_ids: BTreeSet<i64> = pairs.iter().map(|p| p.1).collect();
    let found = existing_ids(tx, "units", &unit_ids).await?;
    if let Some(missing) = unit_ids.iter().find(|u| !found.contains(u)) {
        return Err(StoreError::field("in_charge_of", format!("分管单位（编号 {missing}）不存在")));
    }
    let person_ids: Vec<i64> = pairs.iter().map(|p| p.0).collect::<BTreeSet<_>>().into_iter().collect();
    let leader_keys = [ResponsibilityRole::Principal.key(), ResponsibilityRole::LeadershipMember.key()];
    let mut leaders = HashSet::with_capacity(person_ids.len());
    for chunk in person_ids.chunks(IDS_PER_STATEMENT) {
        let sql = format!("SELECT id, roles FROM people WHERE id IN ({})", placeholders(1, chunk.len()));
        let rows: Vec<(i64, String)> = tx.fetch_all(&sql, chunk.iter().map(|&i| Arg::from(i)).collect()).await?;
        for (id, roles) in rows {
            if roles.split(',').any(|r| leader_keys.contains(&r)) {
                leaders.insert(id);
            }
        }
    }
    if person_ids.iter().any(|p| !leaders.contains(p)) {
        return Err(StoreError::field("in_charge_of", "只有主要负责人或班子成员可以分管单位"));
    }
    for chunk in pairs.chunks(IDS_PER_STATEMENT) {
        let rows: Vec<String> = (0..chunk.len()).map(|i| format!("(${}, ${})", 2 * i + 1, 2 * i + 2)).collect();
        let sql = format!("INSERT INTO in_charge_of (person_id, unit_id) VALUES {}", rows.join(", "));
        let args = chunk.iter().flat_map(|&(p, u)| [Arg::from(p), Arg::from(u)]).collect();
        tx.execute(&sql, args).await?;
    }
    audit::append(tx, actor, "import", "in_charge_of", "batch", &json!({"count": pairs.len()})).await
}
