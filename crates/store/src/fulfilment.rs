//! Fulfilment (落实情况): the pure engine in `qingfeng_domain::fulfilment` applied to the items
//! of a year and the month counts of their credited entries, rolled up per unit and level into
//! a snapshot. A snapshot is reused while no write has changed the inputs since (a version
//! counter bumped by every such write), so replicas share it and the dashboard stays fast.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use qingfeng_domain::dict::parse_roles;
use qingfeng_domain::fulfilment::{evaluate, ItemStatus, State, Tally};
use qingfeng_domain::responsibility::{person_level, Level, OwnerRole, Period, Requirement};
use serde::Serialize;

use crate::{args, Arg, Db, QueryBuilder, Scope, StoreResult};

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Snapshot {
    pub id: i64,
    pub year: i64,
    pub as_of: NaiveDate,
    pub version: i64,
    pub computed_at: DateTime<Utc>,
}

/// The level key a roll-up row is filed under.
pub fn level_key(owner_role: &str, roles: Option<&str>, title: Option<&str>) -> &'static str {
    match OwnerRole::parse(owner_role) {
        Some(OwnerRole::LeadershipGroup) => Level::Leadership.key(),
        Some(OwnerRole::Branch) => Level::Middle.key(),
        Some(OwnerRole::DisciplineGroup) => "discipline",
        _ => person_level_key(roles.unwrap_or(""), title.unwrap_or("")),
    }
}

/// The level of a person from their stored role keys ("principal,cadre") and 职务, as kept in
/// `people.level` so lists filter by it in SQL.
pub fn person_level_key(roles: &str, title: &str) -> &'static str {
    let roles = parse_roles(&roles.replace(',', "、")).unwrap_or_default();
    person_level(&roles, title).key()
}

/// The roles whose items are filed under a fixed level, whatever their person's (as in
/// [`level_key`]).
const ROLE_LEVELS: [(&str, &str); 3] =
    [("leadership_group", "leadership"), ("branch", "middle"), ("discipline_group", "discipline")];

/// The condition "item `i` (its person `p` LEFT JOINed) is filed under `level`", the test of
/// [`level_key`] with the person's level read from `people.level`. Written as a disjunction on
/// plain columns, not as `CASE … END = level`: PostgreSQL cannot estimate a CASE (it guessed 455
/// rows for 10,020 and chose a nested loop: 92 ms a query where this takes 4). `level` goes in
/// as a bound value; the role keys are constants.
pub fn item_level_condition(q: &mut crate::QueryBuilder, level: &str) {
    let fixed = ROLE_LEVELS.iter().map(|(role, _)| format!("'{role}'")).collect::<Vec<_>>().join(", ");
    let by_person = format!("(i.owner_role NOT IN ({fixed}) AND COALESCE(p.level, 'staff') = ?)");
    match ROLE_LEVELS.iter().find(|(_, l)| *l == level) {
        Some((role, _)) => q.and(&format!("(i.owner_role = '{role}' OR {by_person})"), crate::args![level.to_string()]),
        None => q.and(&by_person, crate::args![level.to_string()]),
    };
}

#[derive(sqlx::FromRow)]
struct ItemInput {
    id: i64,
    unit_id: i64,
    owner_role: String,
    req_count: i64,
    req_period: String,
    roles: Option<String>,
    title: Option<String>,
    month_counts: String,
}

/// Reads an item's month-count summary ("3:2,5:1", month:count) into `out`; malformed parts
/// (none are written) are skipped rather than trusted.
pub fn parse_month_summary(summary: &str, out: &mut Vec<(u32, i64)>) {
    out.clear();
    for part in summary.split(',') {
        if let Some((m, n)) = part.split_once(':') {
            if let (Ok(m), Ok(n)) = (m.trim().parse::<u32>(), n.trim().parse::<i64>()) {
                if (1..=12).contains(&m) && n > 0 {
                    out.push((m, n));
                }
            }
        }
    }
}

/// Evaluates items from their month counts. Windows are whole months, so an entry's month is
/// all the engine needs; counts above the requirement add nothing and are capped.
pub fn evaluate_counts(
    year: i32,
    req: Requirement,
    months: &[(u32, i64)],
    as_of: NaiveDate,
    lead_days: u32,
) -> ItemStatus {
    let mut dates = Vec::new();
    for &(m, n) in months {
        if let Some(d) = NaiveDate::from_ymd_opt(year, m, 1) {
            dates.extend(std::iter::repeat_n(d, n.clamp(0, i64::from(req.count)) as usize));
        }
    }
    evaluate(year, req, &dates, as_of, lead_days)
}

pub fn requirement(count: i64, period: &str) -> Requirement {
    Requirement::new(count.clamp(1, 1000) as u32, Period::parse(period).unwrap_or(Period::Year))
}

pub async fn current_version(db: &Db) -> StoreResult<i64> {
    let (v,): (i64,) = db.fetch_one("SELECT version FROM fulfilment_version WHERE singleton = 1", vec![]).await?;
    Ok(v)
}

/// The latest snapshot of (year, as_of) if it is still fresh; otherwise a new one.
pub async fn ensure_snapshot(db: &Db, year: i64, as_of: NaiveDate, lead_days: u32) -> StoreResult<Snapshot> {
    let version = current_version(db).await?;
    let latest: Option<Snapshot> = db
        .fetch_optional(
            "SELECT id, year, as_of, version, computed_at FROM fulfilment_snapshots WHERE year = $1 AND as_of = $2 ORDER BY id DESC LIMIT 1",
            args![year, as_of],
        )
        .await?;
    match latest {
        Some(s) if s.version == version => Ok(s),
        _ => recompute(db, year, as_of, lead_days).await,
    }
}

/// What a recomputation measured.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RecomputeStats {
    pub items: usize,
    pub count_rows: usize,
    pub rollup_rows: usize,
    pub flagged_rows: usize,
    /// Time spent reading items and month counts, evaluating, and writing the snapshot.
    pub load: std::time::Duration,
    pub evaluate: std::time::Duration,
    pub write: std::time::Duration,
}

/// Rows per multi-row INSERT. SQLite finds each `$N` parameter by walking the list of all the
/// statement's parameter names, so binding costs grow with the square of the parameter count
/// on every execution: statements of about 300 parameters are fastest there. PostgreSQL gets
/// fewer, larger statements (each is a round trip), far below its 65,535 parameters.
fn rows_per_statement(db: &Db, params_per_row: usize) -> usize {
    let params = match db.engine() {
        crate::Engine::Sqlite => 300,
        crate::Engine::Postgres => 12_000,
    };
    params / params_per_row
}

/// Recomputes every item of the year and writes a new snapshot.
pub async fn recompute(db: &Db, year: i64, as_of: NaiveDate, lead_days: u32) -> StoreResult<Snapshot> {
    recompute_with_stats(db, year, as_of, lead_days).await.map(|(s, _)| s)
}

pub async fn recompute_with_stats(
    db: &Db,
    year: i64,
    as_of: NaiveDate,
    lead_days: u32,
) -> StoreResult<(Snapshot, RecomputeStats)> {
    let started = std::time::Instant::now();
    let version = current_version(db).await?;
    // one row per item, its month counts in one text: the SQLite driver's cost is per value
    // read, so this is what keeps the recomputation short
    let (items, parents) = tokio::try_join!(
        db.fetch_all::<ItemInput>(
            "SELECT i.id, i.unit_id, i.owner_role, i.req_count, i.req_period, p.roles, p.title, i.month_counts \
             FROM responsibility_items i LEFT JOIN people p ON p.id = i.person_id WHERE i.year = $1 AND i.active = TRUE",
            args![year],
        ),
        db.fetch_all::<(i64, Option<i64>)>("SELECT id, parent_id FROM units", vec![])
    )?;
    let mut stats = RecomputeStats { items: items.len(), load: started.elapsed(), ..Default::default() };
    let started = std::time::Instant::now();
    let mut own: BTreeMap<(i64, &'static str), Tally> = BTreeMap::new();
    let mut flagged: Vec<(i64, ItemStatus)> = Vec::new();
    let mut months = Vec::with_capacity(12);
    // the level depends only on these three strings, of which there are few distinct values
    let mut levels: HashMap<(&str, Option<&str>, Option<&str>), &'static str> = HashMap::new();
    for it in &items {
        parse_month_summary(&it.month_counts, &mut months);
        stats.count_rows += months.len();
        let status = evaluate_counts(year as i32, requirement(it.req_count, &it.req_period), &months, as_of, lead_days);
        let level = *levels
            .entry((it.owner_role.as_str(), it.roles.as_deref(), it.title.as_deref()))
            .or_insert_with(|| level_key(&it.owner_role, it.roles.as_deref(), it.title.as_deref()));
        own.entry((it.unit_id, level)).or_default().add(&status);
        if matches!(status.state, State::Overdue | State::DueSoon) {
            flagged.push((it.id, status));
        }
    }
    let subtree = subtree_rollups(&own, &parents.into_iter().collect());
    stats.rollup_rows = own.len() + subtree.len();
    stats.flagged_rows = flagged.len();
    stats.evaluate = started.elapsed();
    let started = std::time::Instant::now();

    let mut tx = db.begin().await?;
    let now = crate::now();
    let (snapshot_id,): (i64,) = tx
        .fetch_one(
            "INSERT INTO fulfilment_snapshots (year, as_of, version, computed_at) VALUES ($1, $2, $3, $4) RETURNING id",
            args![year, as_of, version, now],
        )
        .await?;
    insert_rollups(&mut tx, db, snapshot_id, false, &own).await?;
    insert_rollups(&mut tx, db, snapshot_id, true, &subtree).await?;
    for chunk in flagged.chunks(rows_per_statement(db, 5)) {
        let mut a: Vec<Arg> = vec![snapshot_id.into()];
        let values: Vec<String> = chunk
            .iter()
            .map(|(item, s)| {
                let base = a.len();
                a.extend(args![*item, s.state.key(), i64::from(s.required), i64::from(s.done), s.next_due]);
                format!("($1, ${}, ${}, ${}, ${}, ${})", base + 1, base + 2, base + 3, base + 4, base + 5)
            })
            .collect();
        tx.execute(
            &format!(
                "INSERT INTO fulfilment_item_states (snapshot_id, item_id, state, required, done, next_due) VALUES {}",
                values.join(", ")
            ),
            a,
        )
        .await?;
    }
    // older snapshots of the year go, once nobody can still be reading them
    let old = now - chrono::Duration::minutes(10);
    let stale = "SELECT id FROM fulfilment_snapshots WHERE year = $1 AND id < $2 AND computed_at < $3";
    tx.execute(
        &format!("DELETE FROM fulfilment_item_states WHERE snapshot_id IN ({stale})"),
        args![year, snapshot_id, old],
    )
    .await?;
    tx.execute(
        &format!("DELETE FROM fulfilment_rollups WHERE snapshot_id IN ({stale})"),
        args![year, snapshot_id, old],
    )
    .await?;
    tx.execute(
        "DELETE FROM fulfilment_snapshots WHERE year = $1 AND id < $2 AND computed_at < $3",
        args![year, snapshot_id, old],
    )
    .await?;
    tx.commit().await?;
    stats.write = started.elapsed();
    Ok((Snapshot { id: snapshot_id, year, as_of, version, computed_at: now }, stats))
}

/// Roll-ups over whole subtrees: for every unit with units below it that have items, the sum of
/// its own rows and those of every unit below it, per level. Leaves are left out (their
/// subtree is their own rows), which keeps the snapshot small.
pub fn subtree_rollups(
    own: &BTreeMap<(i64, &'static str), Tally>,
    parents: &HashMap<i64, Option<i64>>,
) -> BTreeMap<(i64, &'static str), Tally> {
    let mut sums: BTreeMap<(i64, &'static str), Tally> = BTreeMap::new();
    for (&(unit, level), tally) in own {
        let mut next = parents.get(&unit).copied().flatten();
        // the tree has no cycles (moves refuse them); the bound only guards a damaged table
        for _ in 0..parents.len() {
            let Some(ancestor) = next else { break };
            sums.entry((ancestor, level)).or_default().merge(tally);
            next = parents.get(&ancestor).copied().flatten();
        }
    }
    let with_descendants: std::collections::HashSet<i64> = sums.keys().map(|&(u, _)| u).collect();
    for (&(unit, level), tally) in own {
        if with_descendants.contains(&unit) {
            sums.entry((unit, level)).or_default().merge(tally);
        }
    }
    sums
}

/// Writes roll-up rows of a snapshot: the units' own (`subtree` false) or their subtrees'.
async fn insert_rollups(
    tx: &mut crate::Tx,
    db: &Db,
    snapshot_id: i64,
    subtree: bool,
    rollups: &BTreeMap<(i64, &'static str), Tally>,
) -> StoreResult<()> {
    let rows: Vec<_> = rollups.iter().collect();
    for chunk in rows.chunks(rows_per_statement(db, 12)) {
        let mut a: Vec<Arg> = vec![snapshot_id.into(), subtree.into()];
        let values: Vec<String> = chunk
            .iter()
            .map(|((unit, level), t)| {
                let base = a.len();
                a.extend(args![
                    *unit,
                    *level,
                    i64::from(t.items),
                    i64::from(t.required),
                    i64::from(t.done),
                    i64::from(t.due_required),
                    i64::from(t.due_done),
                    i64::from(t.count(State::Completed)),
                    i64::from(t.count(State::Normal)),
                    i64::from(t.count(State::NotStarted)),
                    i64::from(t.count(State::DueSoon)),
                    i64::from(t.count(State::Overdue))
                ]);
                let p: Vec<String> = (1..=12).map(|k| format!("${}", base + k)).collect();
                format!("($1, $2, {})", p.join(", "))
            })
            .collect();
        tx.execute(
            &format!(
                "INSERT INTO fulfilment_rollups (snapshot_id, subtree, unit_id, level, items, required, done, due_required, due_done, completed, normal, not_started, due_soon, overdue) VALUES {}",
                values.join(", ")
            ),
            a,
        )
        .await?;
    }
    Ok(())
}

/// The counts of one roll-up row of a snapshot.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct RollupCounts {
    pub unit_id: i64,
    /// false: the unit's own items; true: its whole subtree
    pub subtree: bool,
    pub level: String,
    pub items: i64,
    pub required: i64,
    pub done: i64,
    pub due_required: i64,
    pub due_done: i64,
    pub completed: i64,
    pub normal: i64,
    pub not_started: i64,
    pub due_soon: i64,
    pub overdue: i64,
}

/// Roll-up rows of a snapshot, without scope (the caller chose the units): the own rows
/// (`subtree` false) or the subtree rows of `units`, or of every unit when `units` is None.
pub async fn rollup_counts(
    db: &Db,
    snapshot: &Snapshot,
    subtree: bool,
    units: Option<&[i64]>,
) -> StoreResult<Vec<RollupCounts>> {
    let mut q = QueryBuilder::new();
    q.and("snapshot_id = ?", args![snapshot.id]);
    q.and("subtree = ?", args![subtree]);
    if let Some(ids) = units {
        if ids.is_empty() {
            return Ok(vec![]);
        }
        let marks = vec!["?"; ids.len()].join(", ");
        q.and(&format!("unit_id IN ({marks})"), ids.iter().map(|&i| Arg::from(i)).collect());
    }
    db.fetch_all(
        &format!(
            "SELECT unit_id, subtree, level, items, required, done, due_required, due_done, completed, normal, not_started, \
             due_soon, overdue FROM fulfilment_rollups{}",
            q.where_clause()
        ),
        q.args(),
    )
    .await
}

/// A red or yellow item of a snapshot.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FlaggedItem {
    pub item_id: i64,
    pub state: String,
    pub required: i64,
    pub done: i64,
    pub next_due: Option<NaiveDate>,
    pub text: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub person_id: Option<i64>,
    pub person_name: Option<String>,
    /// what is missing ("第二、三季度未开展"), filled by the caller from the item's periods
    #[sqlx(skip)]
    pub missing: String,
}

pub async fn flagged_items(
    db: &Db,
    snapshot: &Snapshot,
    scope: &Scope,
    under: Option<&str>,
    state: &str,
    limit: i64,
    offset: i64,
) -> StoreResult<(i64, Vec<FlaggedItem>)> {
    let mut q = QueryBuilder::new();
    q.and("s.snapshot_id = ?", args![snapshot.id]);
    q.and("s.state = ?", args![state]);
    scope.restrict(&mut q, "u.path", "u.id", Some("i.person_id"));
    if let Some(path) = under {
        let (lo, hi) = crate::query::subtree_range(path);
        q.and("u.path >= ? AND u.path < ?", args![lo, hi]);
    }
    let from = " FROM fulfilment_item_states s JOIN responsibility_items i ON i.id = s.item_id JOIN units u ON u.id = i.unit_id \
                LEFT JOIN people p ON p.id = i.person_id";
    let w = q.where_clause();
    let count = || async { db.fetch_one::<(i64,)>(&format!("SELECT COUNT(*){from}{w}"), q.args()).await };
    if limit <= 0 {
        return Ok((count().await?.0, vec![]));
    }
    let mut a = q.args();
    let n = a.len();
    a.push(limit.into());
    a.push(offset.max(0).into());
    // the total comes with the page (a window over all matches), so the joins run once
    let rows: Vec<FlaggedRow> = db
        .fetch_all(
            &format!(
                "SELECT s.item_id, s.state, s.required, s.done, s.next_due, i.text, i.unit_id, u.name AS unit_name, i.person_id, \
                 p.name AS person_name, COUNT(*) OVER () AS total{from}{w} ORDER BY s.next_due, u.sort_path, s.item_id LIMIT ${} OFFSET ${}",
                n + 1,
                n + 2
            ),
            a,
        )
        .await?;
    let total = match rows.first() {
        Some(r) => r.total,
        // a page past the end has no row to carry the total
        None if offset > 0 => count().await?.0,
        None => 0,
    };
    Ok((total, rows.into_iter().map(|r| r.item).collect()))
}

#[derive(sqlx::FromRow)]
struct FlaggedRow {
    #[sqlx(flatten)]
    item: FlaggedItem,
    total: i64,
}

/// Today in China Standard Time, the day offices work by ([`qingfeng_domain::time`]).
pub fn today() -> NaiveDate {
    qingfeng_domain::time::office_today()
}

/// The current year in China Standard Time.
pub fn this_year() -> i64 {
    i64::from(today().year())
}

#[cfg(test)]
mod tests {
    use super::*;
    use qingfeng_domain::fulfilment::ItemStatus;

    #[test]
    fn month_summaries_parse_and_skip_damage() {
        let mut out = vec![(9, 9)];
        parse_month_summary("", &mut out);
        assert!(out.is_empty());
        parse_month_summary("1:2,3:1,12:40", &mut out);
        assert_eq!(out, vec![(1, 2), (3, 1), (12, 40)]);
        parse_month_summary("0:1,13:2,x:1,4:-1,5:0,6:3,7", &mut out);
        assert_eq!(out, vec![(6, 3)]);
    }

    fn tally(items: u32) -> Tally {
        let mut t = Tally::default();
        for _ in 0..items {
            t.add(&ItemStatus {
                periods: vec![],
                state: State::Normal,
                required: 1,
                done: 0,
                due_required: 0,
                due_done: 0,
                next_due: None,
            });
        }
        t
    }

    #[test]
    fn subtree_rollups_sum_every_unit_below() {
        // 1 ─ 2 ─ 4
        //   └ 3
        // 5 (a second root without children)
        let parents: HashMap<i64, Option<i64>> =
            [(1, None), (2, Some(1)), (3, Some(1)), (4, Some(2)), (5, None)].into_iter().collect();
        let own: BTreeMap<(i64, &'static str), Tally> = [
            ((1, "leadership"), tally(1)),
            ((2, "middle"), tally(2)),
            ((3, "middle"), tally(4)),
            ((4, "general"), tally(8)),
            ((5, "general"), tally(16)),
        ]
        .into_iter()
        .collect();
        let sums = subtree_rollups(&own, &parents);
        let items = |u: i64, l: &str| sums.get(&(u, l)).map(|t| t.items);
        assert_eq!(items(1, "leadership"), Some(1));
        assert_eq!(items(1, "middle"), Some(6));
        assert_eq!(items(1, "general"), Some(8));
        assert_eq!(items(2, "middle"), Some(2), "a unit's own items are in its subtree");
        assert_eq!(items(2, "general"), Some(8));
        // leaves have no subtree rows: their own rows are their subtree
        assert!(sums.keys().all(|&(u, _)| u == 1 || u == 2), "{:?}", sums.keys().collect::<Vec<_>>());
        assert_eq!(sums.get(&(1, "middle")).unwrap().count(State::Normal), 6);
    }
}
