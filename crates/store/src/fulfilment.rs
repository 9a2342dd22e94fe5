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
        _ => {
            let roles = parse_roles(&roles.unwrap_or("").replace(',', "、")).unwrap_or_default();
            person_level(&roles, title.unwrap_or("")).key()
        }
    }
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

/// Month counts of the given items (or all items of the year when `items` is None).
pub async fn month_counts(db: &Db, year: i64, items: Option<&[i64]>) -> StoreResult<HashMap<i64, Vec<(u32, i64)>>> {
    let mut q = QueryBuilder::new();
    q.and("year = ?", args![year]);
    q.and("n > 0", vec![]);
    if let Some(ids) = items {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let marks = vec!["?"; ids.len()].join(", ");
        q.and(&format!("item_id IN ({marks})"), ids.iter().map(|&i| Arg::from(i)).collect());
    }
    let rows: Vec<(i64, i64, i64)> =
        db.fetch_all(&format!("SELECT item_id, month, n FROM item_month_counts{}", q.where_clause()), q.args()).await?;
    let mut out: HashMap<i64, Vec<(u32, i64)>> = HashMap::new();
    for (item, month, n) in rows {
        out.entry(item).or_default().push((month as u32, n));
    }
    Ok(out)
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
    // items and month counts are read at once, on two connections
    let (items, counts) = tokio::try_join!(
        db.fetch_all::<ItemInput>(
            "SELECT i.id, i.unit_id, i.owner_role, i.req_count, i.req_period, p.roles, p.title FROM responsibility_items i \
             LEFT JOIN people p ON p.id = i.person_id WHERE i.year = $1 AND i.active = TRUE",
            args![year],
        ),
        month_counts(db, year, None)
    )?;
    let mut stats = RecomputeStats {
        items: items.len(),
        count_rows: counts.values().map(Vec::len).sum(),
        load: started.elapsed(),
        ..Default::default()
    };
    let started = std::time::Instant::now();
    let mut rollups: BTreeMap<(i64, &'static str), Tally> = BTreeMap::new();
    let mut flagged: Vec<(i64, ItemStatus)> = Vec::new();
    let empty = Vec::new();
    // the level depends only on these three strings, of which there are few distinct values
    let mut levels: HashMap<(&str, Option<&str>, Option<&str>), &'static str> = HashMap::new();
    for it in &items {
        let status = evaluate_counts(
            year as i32,
            requirement(it.req_count, &it.req_period),
            counts.get(&it.id).unwrap_or(&empty),
            as_of,
            lead_days,
        );
        let level = *levels
            .entry((it.owner_role.as_str(), it.roles.as_deref(), it.title.as_deref()))
            .or_insert_with(|| level_key(&it.owner_role, it.roles.as_deref(), it.title.as_deref()));
        rollups.entry((it.unit_id, level)).or_default().add(&status);
        if matches!(status.state, State::Overdue | State::DueSoon) {
            flagged.push((it.id, status));
        }
    }
    stats.rollup_rows = rollups.len();
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
    let rows: Vec<_> = rollups.iter().collect();
    for chunk in rows.chunks(rows_per_statement(db, 12)) {
        let mut a: Vec<Arg> = vec![snapshot_id.into()];
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
                format!("($1, {})", p.join(", "))
            })
            .collect();
        tx.execute(
            &format!(
                "INSERT INTO fulfilment_rollups (snapshot_id, unit_id, level, items, required, done, due_required, due_done, completed, normal, not_started, due_soon, overdue) VALUES {}",
                values.join(", ")
            ),
            a,
        )
        .await?;
    }
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

/// One roll-up row of a snapshot, with its unit.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct RollupRow {
    pub unit_id: i64,
    pub unit_name: String,
    #[serde(skip)]
    pub path: String,
    #[serde(skip)]
    pub sort_path: String,
    pub parent_id: Option<i64>,
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

/// Roll-up rows of the snapshot for the units in scope (and under `under`, a unit path).
pub async fn rollups(db: &Db, snapshot: &Snapshot, scope: &Scope, under: Option<&str>) -> StoreResult<Vec<RollupRow>> {
    let mut q = QueryBuilder::new();
    q.and("r.snapshot_id = ?", args![snapshot.id]);
    scope.restrict(&mut q, "u.path", "u.id", None);
    if let Some(path) = under {
        let (lo, hi) = crate::query::subtree_range(path);
        q.and("u.path >= ? AND u.path < ?", args![lo, hi]);
    }
    db.fetch_all(
        &format!(
            "SELECT r.unit_id, u.name AS unit_name, u.path, u.sort_path, u.parent_id, r.level, r.items, r.required, r.done, r.due_required, \
             r.due_done, r.completed, r.normal, r.not_started, r.due_soon, r.overdue \
             FROM fulfilment_rollups r JOIN units u ON u.id = r.unit_id{} ORDER BY u.sort_path, r.level",
            q.where_clause()
        ),
        q.args(),
    )
    .await
}

/// The counts of one roll-up row of a snapshot, without its unit.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct RollupCounts {
    pub unit_id: i64,
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

/// Every roll-up row of a snapshot, in no particular order and without scope: the caller keeps
/// the rows of the units it may see. Matching them to the already loaded units is much cheaper
/// than joining and sorting thousands of rows in the database on every dashboard request.
pub async fn rollup_counts(db: &Db, snapshot: &Snapshot) -> StoreResult<Vec<RollupCounts>> {
    db.fetch_all(
        "SELECT unit_id, level, items, required, done, due_required, due_done, completed, normal, not_started, due_soon, overdue \
         FROM fulfilment_rollups WHERE snapshot_id = $1",
        args![snapshot.id],
    )
    .await
}

/// A red or yellow item of a snapshot.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
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
}

pub async fn flagged_items(
    db: &Db,
    snapshot: &Snapshot,
    scope: &Scope,
    under: Option<&str>,
    state: &str,
    limit: i64,
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
    if limit <= 0 {
        let (total,): (i64,) = db.fetch_one(&format!("SELECT COUNT(*){from}{w}"), q.args()).await?;
        return Ok((total, vec![]));
    }
    let mut a = q.args();
    let n = a.len();
    a.push(limit.into());
    // the total comes with the page (a window over all matches), so the joins run once
    let rows: Vec<FlaggedRow> = db
        .fetch_all(
            &format!(
                "SELECT s.item_id, s.state, s.required, s.done, s.next_due, i.text, i.unit_id, u.name AS unit_name, i.person_id, \
                 p.name AS person_name, COUNT(*) OVER () AS total{from}{w} ORDER BY s.next_due, u.sort_path, s.item_id LIMIT ${}",
                n + 1
            ),
            a,
        )
        .await?;
    let total = rows.first().map_or(0, |r| r.total);
    Ok((total, rows.into_iter().map(|r| r.item).collect()))
}

#[derive(sqlx::FromRow)]
struct FlaggedRow {
    #[sqlx(flatten)]
    item: FlaggedItem,
    total: i64,
}

/// Today in China Standard Time, the day offices work by.
pub fn today() -> NaiveDate {
    (Utc::now() + chrono::Duration::hours(8)).date_naive()
}

/// The current year in China Standard Time.
pub fn this_year() -> i64 {
    i64::from(today().year())
}
